package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"canvass/campaigns"
)

// CodeOutOfPhase is the field code of an ECLOSED refusal by the
// campaign's phases: its Message says which phase it is, with its dates,
// and which phase opens what was asked.
const CodeOutOfPhase = "out_of_phase"

// phaseWork names a phase action in a sentence: "审核记录", "reviewing".
var phaseWork = map[string][2]string{
	campaigns.PhaseReview:    {"审核记录", "reviewing records"},
	campaigns.PhaseReconcile: {"与其他部门数据比对", "comparing with another department's file"},
	campaigns.PhaseEnter:     {"录入系统", "marking records as entered"},
}

// PhaseWorkLabel returns what a phase action opens, in lang: "审核记录".
func PhaseWorkLabel(action, lang string) string {
	w, ok := phaseWork[action]
	if !ok {
		return action
	}
	if isEnglish(lang) {
		return w[1]
	}
	return w[0]
}

func isEnglish(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "en") }

// PhaseOpen returns nil when the campaign's phases open what at now: a
// form ID (filling it in) or a phase action (campaigns.PhaseReview…). A
// campaign without phases opens everything. Otherwise it returns ECLOSED
// whose message, in lang (Chinese unless "en"), names the phase it is, its
// dates, and the phase that opens what next, if any.
func (e *Engine) PhaseOpen(ctx context.Context, camp *campaigns.Campaign, what string, now time.Time, lang string) error {
	g := camp.PhaseOpen(what, now)
	if g.Open {
		return nil
	}
	work := PhaseWorkLabel(what, lang)
	if _, isAction := phaseWork[what]; !isAction {
		title := what
		if f, _, err := e.Form(ctx, what, 0); err == nil {
			title = f.Title(lang)
		}
		if isEnglish(lang) {
			work = "filling in " + title
		} else {
			work = "填报「" + title + "」"
		}
	}
	msg := PhaseRefusal(g, work, now, lang)
	return &Error{Code: ECLOSED, Message: msg, Fields: []FieldError{{Pointer: "/phase", Code: CodeOutOfPhase, Message: msg}}}
}

// PhaseRefusal is the message of a refusal by the phases: work (a phrase
// such as "填报「流动人口核查表」") is not open at now.
func PhaseRefusal(g campaigns.PhaseGate, work string, now time.Time, lang string) string {
	en := isEnglish(lang)
	var b strings.Builder
	switch {
	case g.Current != nil && en:
		fmt.Fprintf(&b, "It is the %s phase (%s to %s): %s is not open in it.", g.Current.Name.In("en"), g.Current.FromDate(), g.Current.ToDate(), work)
	case g.Current != nil:
		fmt.Fprintf(&b, "现在是「%s」阶段（%s 至 %s），这个阶段不能%s。", g.Current.Name.In("zh"), g.Current.FromDate(), g.Current.ToDate(), work)
	case en:
		fmt.Fprintf(&b, "Today (%s) is in none of the campaign's phases: %s is not open.", now.In(shanghai).Format(time.DateOnly), work)
	default:
		fmt.Fprintf(&b, "今天（%s）不在本工作项目的任何阶段内，不能%s。", now.In(shanghai).Format(time.DateOnly), work)
	}
	switch {
	case g.Next != nil && en:
		fmt.Fprintf(&b, " It opens in the %s phase (%s to %s).", g.Next.Name.In("en"), g.Next.FromDate(), g.Next.ToDate())
	case g.Next != nil:
		fmt.Fprintf(&b, "「%s」阶段（%s 至 %s）可以%s。", g.Next.Name.In("zh"), g.Next.FromDate(), g.Next.ToDate(), work)
	case en:
		b.WriteString(" No later phase opens it; ask the campaign's author if it should.")
	default:
		b.WriteString("之后没有开放这项工作的阶段；如需办理，请联系工作项目负责人。")
	}
	return b.String()
}

// PhaseMessage returns the message of an ECLOSED refusal by the phases,
// and "" for any other error.
func PhaseMessage(err error) string {
	if ErrorCode(err) != ECLOSED {
		return ""
	}
	for _, fe := range ErrorFields(err) {
		if fe.Code == CodeOutOfPhase {
			return fe.Message
		}
	}
	return ""
}
