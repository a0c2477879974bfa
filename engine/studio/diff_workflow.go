package studio

import (
	"fmt"
	"strconv"
	"strings"
)

// Workflow changes: states are matched by key and named by their title;
// an action written as a target ("approve: approved") and one written as
// {to: approved} are the same.
const (
	ChangeWorkflowTitle = "workflow.title"
	ChangeWorkflowStart = "workflow.start"
	ChangeStateAdded    = "state.added"
	ChangeStateRemoved  = "state.removed"
	ChangeStateTitle    = "state.title"
	ChangeStateStep     = "state.step"
	ChangeStateDue      = "state.due"
	ChangeStateRemind   = "state.remind"
	ChangeStateEscalate = "state.escalate"
	ChangeStateAuto     = "state.auto"
	ChangeActionAdded   = "action.added"
	ChangeActionRemoved = "action.removed"
	ChangeActionTarget  = "action.target"
	ChangeActionReason  = "action.reason"
	ChangeActionGuard   = "action.guard"
	ChangeActionRoutes  = "action.routes"
)

var actionNames = map[string]phrase{
	"submit": {"提交", "submit"}, "approve": {"通过", "approve"}, "return": {"退回补正", "return for correction"},
	"reject": {"不予采用", "reject"},
}

type workflowSide struct{ states *node }

// stateName is what the workflow calls a state: its title, else its key.
func (w workflowSide) stateName(key string) phrase {
	return named(textOf(w.states.get(key).get("title")), key)
}

func (d *differ) workflow(a, b *node) {
	wa, wb := workflowSide{a.get("states")}, workflowSide{b.get("states")}
	if ta, tb := textOf(a.get("title")), textOf(b.get("title")); ta != tb {
		na, nb := named(ta, "—"), named(tb, "—")
		d.add(ChangeWorkflowTitle, "/title", fmt.Sprintf("审核流程名称由「%s」改为「%s」", na.zh, nb.zh),
			fmt.Sprintf("Workflow title changed from %q to %q", na.en, nb.en))
	}
	if sa, sb := a.getString("start"), b.getString("start"); sa != sb {
		na, nb := wa.stateName(sa), wb.stateName(sb)
		d.add(ChangeWorkflowStart, "/start", fmt.Sprintf("提交后的第一步由「%s」改为「%s」", na.zh, nb.zh),
			fmt.Sprintf("The first step after submitting changed from %q to %q", na.en, nb.en))
	}
	d.rest("", "", phrase{"审核流程的", "Workflow: "}, a, b, "title", "start", "states")
	for _, key := range unionKeys(wa.states, wb.states) {
		path := "/states/" + escapePointer(key)
		sa, sb := wa.states.get(key), wb.states.get(key)
		switch {
		case sa == nil:
			n := wb.stateName(key)
			if isFinal(sb) {
				d.add(ChangeStateAdded, path, fmt.Sprintf("新增结束状态「%s」", n.zh), fmt.Sprintf("Added end state %q", n.en))
			} else {
				d.add(ChangeStateAdded, path, fmt.Sprintf("新增审核步骤「%s」", n.zh), fmt.Sprintf("Added review step %q", n.en))
			}
		case sb == nil:
			n := wa.stateName(key)
			if isFinal(sa) {
				d.add(ChangeStateRemoved, path, fmt.Sprintf("删除结束状态「%s」", n.zh), fmt.Sprintf("Deleted end state %q", n.en))
			} else {
				d.add(ChangeStateRemoved, path, fmt.Sprintf("删除审核步骤「%s」", n.zh), fmt.Sprintf("Deleted review step %q", n.en))
			}
		default:
			d.state(wa, wb, key, path, sa, sb)
		}
	}
}

func isFinal(n *node) bool {
	f := n.get("final")
	return f != nil && f.kind == kindBool && f.boolean
}

func (d *differ) state(wa, wb workflowSide, key, path string, a, b *node) {
	na, nb := wa.stateName(key), wb.stateName(key)
	if na.zh != nb.zh {
		d.add(ChangeStateTitle, path+"/title", fmt.Sprintf("审核步骤「%s」改名为「%s」", na.zh, nb.zh),
			fmt.Sprintf("Step %q renamed %q", na.en, nb.en))
	} else if ta, tb := textOf(a.get("title")), textOf(b.get("title")); ta.EN != tb.EN {
		d.add(ChangeStateTitle, path+"/title/en", fmt.Sprintf("「%s」的英文名称由 %s 改为 %s", nb.zh, quoted(ta.EN, "zh"), quoted(tb.EN, "zh")),
			fmt.Sprintf("Step %q: English title changed from %q to %q", nb.en, ta.EN, tb.EN))
	}
	s := phrase{"「" + nb.zh + "」", fmt.Sprintf("Step %q: ", nb.en)}
	sOf := phrase{s.zh + "的", s.en}
	if ra, rb := stepText(a.get("step"), "zh"), stepText(b.get("step"), "zh"); ra != rb {
		d.add(ChangeStateStep, path+"/step", fmt.Sprintf("%s办理人由%s改为%s", sOf.zh, orNone(ra, "zh"), orNone(rb, "zh")),
			fmt.Sprintf("%swho acts changed from %s to %s", s.en, orNone(stepText(a.get("step"), "en"), "en"), orNone(stepText(b.get("step"), "en"), "en")))
	}
	stepA, stepB := a.get("step"), b.get("step")
	if stepA != nil && stepB != nil {
		d.rest(path+"/step", "step", sOf, stepA, stepB, "role", "level")
	} else if (stepA == nil) != (stepB == nil) && stepText(stepA, "zh") == stepText(stepB, "zh") {
		d.generic(path+"/step", "step", sOf, stepA, stepB)
	}
	if da, db := textValue(a.get("due")), textValue(b.get("due")); da != db {
		switch {
		case da == "":
			d.add(ChangeStateDue, path+"/due", fmt.Sprintf("%s新增时限 %s", s.zh, durationText(db, "zh")), fmt.Sprintf("%snew time limit %s", s.en, durationText(db, "en")))
		case db == "":
			d.add(ChangeStateDue, path+"/due", fmt.Sprintf("%s不再有时限（原为 %s）", s.zh, durationText(da, "zh")), fmt.Sprintf("%sno time limit any more (was %s)", s.en, durationText(da, "en")))
		default:
			d.add(ChangeStateDue, path+"/due", fmt.Sprintf("%s时限由 %s改为 %s", s.zh, durationText(da, "zh"), durationText(db, "zh")),
				fmt.Sprintf("%stime limit changed from %s to %s", s.en, durationText(da, "en"), durationText(db, "en")))
		}
	}
	if ra, rb := a.get("remind"), b.get("remind"); !equalNodes(ra, rb) {
		d.add(ChangeStateRemind, path+"/remind", fmt.Sprintf("%s催办提醒由%s改为%s", sOf.zh, remindText(ra, "zh"), remindText(rb, "zh")),
			fmt.Sprintf("%sreminders changed from %s to %s", s.en, remindText(ra, "en"), remindText(rb, "en")))
	}
	if ea, eb := a.get("escalate"), b.get("escalate"); !equalNodes(ea, eb) {
		d.add(ChangeStateEscalate, path+"/escalate", fmt.Sprintf("%s逾期处理由%s改为%s", sOf.zh, escalateText(ea, "zh"), escalateText(eb, "zh")),
			fmt.Sprintf("%swhen overdue: %s, was %s", s.en, escalateText(eb, "en"), escalateText(ea, "en")))
	}
	if aa, ab := textValue(a.get("auto")), textValue(b.get("auto")); aa != ab {
		auto := func(v, lang string) string {
			if v == "" {
				return inLang(lang, "不自动办理", "nothing automatic")
			}
			return inLang(lang, "到期自动"+word(actionNames, v, lang), "automatically "+word(actionNames, v, lang)+" when due")
		}
		d.add(ChangeStateAuto, path+"/auto", fmt.Sprintf("%s由%s改为%s", s.zh, auto(aa, "zh"), auto(ab, "zh")),
			fmt.Sprintf("%s%s, was %s", s.en, auto(ab, "en"), auto(aa, "en")))
	}
	d.rest(path, "", sOf, a, b, "title", "step", "due", "remind", "escalate", "auto", "actions")
	actA, actB := a.get("actions"), b.get("actions")
	for _, act := range unionKeys(actA, actB) {
		d.action(wa, wb, s, path+"/actions/"+escapePointer(act), act, normalAction(actA.get(act)), normalAction(actB.get(act)))
	}
}

func orNull(n *node) *node {
	if n == nil {
		return &node{kind: kindNull}
	}
	return n
}

func orNone(s, lang string) string {
	if s == "" {
		return inLang(lang, "（无）", "(nobody)")
	}
	return s
}

// normalAction is an action as {to: …}, whichever way it was written.
func normalAction(n *node) *node {
	if n != nil && n.kind == kindString {
		o := objNode()
		o.members = append(o.members, member{"to", n})
		return o
	}
	return n
}

func (d *differ) action(wa, wb workflowSide, s phrase, path, act string, a, b *node) {
	an := actionNames[act]
	if an.zh == "" {
		an = phrase{act, act}
	}
	target := func(w workflowSide, n *node, lang string) string {
		if to := n.getString("to"); to != "" {
			t := w.stateName(to)
			return inLang(lang, "「"+t.zh+"」", strconv.Quote(t.en))
		}
		if n.get("routes") != nil {
			return inLang(lang, "按分流规则确定的步骤", "the step its routes pick")
		}
		return inLang(lang, "（无）", "(none)")
	}
	switch {
	case a == nil:
		d.add(ChangeActionAdded, path, fmt.Sprintf("%s新增操作「%s」，转到%s", s.zh, an.zh, target(wb, b, "zh")),
			fmt.Sprintf("%snew action %q, leading to %s", s.en, an.en, target(wb, b, "en")))
		return
	case b == nil:
		d.add(ChangeActionRemoved, path, fmt.Sprintf("%s删除操作「%s」", s.zh, an.zh), fmt.Sprintf("%saction %q deleted", s.en, an.en))
		return
	}
	if ta, tb := a.getString("to"), b.getString("to"); ta != tb {
		d.add(ChangeActionTarget, path+"/to", fmt.Sprintf("%s的「%s」改为转到%s（原为%s）", s.zh, an.zh, target(wb, b, "zh"), target(wa, a, "zh")),
			fmt.Sprintf("%s%q now leads to %s (was %s)", s.en, an.en, target(wb, b, "en"), target(wa, a, "en")))
	}
	if ra, rb := a.getString("reason"), b.getString("reason"); ra != rb {
		if rb == "required" {
			d.add(ChangeActionReason, path+"/reason", fmt.Sprintf("%s的「%s」改为必须填写理由", s.zh, an.zh), fmt.Sprintf("%s%q now requires a reason", s.en, an.en))
		} else {
			d.add(ChangeActionReason, path+"/reason", fmt.Sprintf("%s的「%s」改为可不填理由", s.zh, an.zh), fmt.Sprintf("%s%q no longer requires a reason", s.en, an.en))
		}
	}
	if ga, gb := a.getString("guard"), b.getString("guard"); ga != gb {
		d.rule(ChangeActionGuard, path+"/guard", phrase{fmt.Sprintf("%s的「%s」的", s.zh, an.zh), fmt.Sprintf("%s%q: ", s.en, an.en)},
			phrase{"前提条件", "condition"}, exprText(ga, "zh"), exprText(gb, "zh"), exprText(ga, "en"), exprText(gb, "en"))
	}
	if ra, rb := a.get("routes"), b.get("routes"); !equalNodes(ra, rb) {
		d.rule(ChangeActionRoutes, path+"/routes", phrase{fmt.Sprintf("%s的「%s」的", s.zh, an.zh), fmt.Sprintf("%s%q: ", s.en, an.en)},
			phrase{"分流规则", "routes"}, routesText(wa, ra, "zh"), routesText(wb, rb, "zh"), routesText(wa, ra, "en"), routesText(wb, rb, "en"))
	}
	d.rest(path, "", phrase{fmt.Sprintf("%s的「%s」的", s.zh, an.zh), fmt.Sprintf("%s%q: ", s.en, an.en)}, a, b, "to", "reason", "guard", "routes")
}

// stepText is who acts: 乡镇街道审核员.
func stepText(n *node, lang string) string {
	if n == nil {
		return ""
	}
	var roles []string
	for _, r := range listOf(n.get("role")) {
		roles = append(roles, word(roleNames, r, lang))
	}
	lvl := word(levelNames, n.getString("level"), lang)
	if lang == "en" {
		return strings.TrimSpace(lvl + " " + joinWords(roles, lang))
	}
	return lvl + joinWords(roles, lang)
}

// remindText: 每 1 天提醒一次，最多 2 次.
func remindText(n *node, lang string) string {
	if n == nil {
		return inLang(lang, "不提醒", "none")
	}
	every := durationText(n.getString("every"), lang)
	times := textValue(n.get("times"))
	if times == "" {
		return inLang(lang, "每 "+every+"提醒一次", "every "+every)
	}
	return inLang(lang, fmt.Sprintf("每 %s提醒一次，最多 %s 次", every, times), fmt.Sprintf("every %s, at most %s times", every, times))
}

// escalateText: 交上一级办理, 增加督导员办理.
func escalateText(n *node, lang string) string {
	if n == nil {
		return inLang(lang, "不处理", "nothing")
	}
	var parts []string
	if n.getString("to") == "level_above" {
		parts = append(parts, inLang(lang, "交上一级办理", "hand up to the level above"))
	}
	if w := listOf(n.get("widen")); len(w) > 0 {
		var roles []string
		for _, r := range w {
			roles = append(roles, word(roleNames, r, lang))
		}
		parts = append(parts, inLang(lang, "增加"+joinWords(roles, lang)+"办理", "add "+joinWords(roles, lang)))
	}
	if after := n.getString("after"); after != "" {
		parts = append(parts, inLang(lang, "逾期 "+durationText(after, lang)+"后", "after "+durationText(after, lang)))
	}
	if len(parts) == 0 {
		return valueText(n, lang)
	}
	return strings.Join(parts, inLang(lang, "，", ", "))
}

// routesText reads routes in order: 表达式 … 时转到「区县审批」；其余转到「已批准」.
func routesText(w workflowSide, n *node, lang string) string {
	if n == nil || n.kind != kindArray || len(n.items) == 0 {
		return ""
	}
	var parts []string
	for _, r := range n.items {
		to := w.stateName(r.getString("to"))
		target := inLang(lang, "「"+to.zh+"」", strconv.Quote(to.en))
		if when := r.getString("when"); when != "" {
			parts = append(parts, inLang(lang, exprText(when, lang)+" 时转到"+target, "to "+target+" when "+exprText(when, lang)))
		} else {
			parts = append(parts, inLang(lang, "其余转到"+target, "otherwise to "+target))
		}
	}
	return strings.Join(parts, inLang(lang, "；", "; "))
}
