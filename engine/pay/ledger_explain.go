package pay

import (
	"context"
	"fmt"
	"strings"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/paytables"
)

// EntryExplanation is a ledger line in words, for finance: what the item
// pays ("入户调查劳务补助：每条 50.00 元；抽查发现问题则扣发"), to whom, what
// the rule saw, and the pay-table version that produced it. Nothing in it
// is an expression or a key.
type EntryExplanation struct {
	Rule    string
	Payee   string
	Inputs  string
	Version string
}

// ExplainEntries explains entries of one campaign in lang, naming forms,
// fields and choices by the labels of the campaign's newest published
// forms. An entry whose pay table no longer loads is explained by its item
// key alone. Finance and admins; ENOTFOUND for a campaign outside the
// actor's scope.
func (s *Service) ExplainEntries(ctx context.Context, a *engine.Actor, campaignID string, entries []*LedgerEntry, lang string) ([]EntryExplanation, error) {
	if err := a.Require(engine.RoleFinance, engine.RoleAdmin); err != nil {
		return nil, err
	}
	camp, _, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	names := s.campaignNames(ctx, camp)
	type tableKey struct {
		id      string
		version int
	}
	tables := map[tableKey]*paytables.PayTable{}
	table := func(id string, version int) *paytables.PayTable {
		k := tableKey{id, version}
		if pt, ok := tables[k]; ok {
			return pt
		}
		pt, _, err := s.PayTable(ctx, id, version)
		if err != nil {
			pt = nil
		}
		tables[k] = pt
		return pt
	}
	out := make([]EntryExplanation, len(entries))
	for i, le := range entries {
		out[i] = explainEntry(le, table(le.PayTableID, le.PayTableVersion), lang, names)
	}
	return out, nil
}

// explainEntry explains one line under the table version that wrote it.
func explainEntry(le *LedgerEntry, pt *paytables.PayTable, lang string, names *paytables.Names) EntryExplanation {
	en := strings.HasPrefix(strings.ToLower(lang), "en")
	pick := func(zh, en2 string) string {
		if en {
			return en2
		}
		return zh
	}
	var x EntryExplanation
	formID := ""
	if pt != nil {
		x.Rule, x.Payee = pt.Explain(le.Item, lang, names), pt.ExplainPayee(le.Item, lang)
		formID = pt.ItemInfo(le.Item).Form
		title := pt.Title(lang)
		x.Version = pick(fmt.Sprintf("劳务报酬表「%s」第 %d 版", title, le.PayTableVersion),
			fmt.Sprintf("pay table “%s”, version %d", title, le.PayTableVersion))
	} else {
		x.Version = pick(fmt.Sprintf("劳务报酬表第 %d 版", le.PayTableVersion), fmt.Sprintf("pay table version %d", le.PayTableVersion))
	}
	if x.Rule == "" {
		x.Rule = le.Item
	}
	switch {
	case le.Reverses != "" && strings.HasPrefix(le.Rule, "withheld"):
		x.Inputs = pick(fmt.Sprintf("抽查发现问题，扣回此前发放的 %s 元", paytables.Yuan(-le.AmountFen)),
			fmt.Sprintf("a spot check found a problem: the %s yuan paid before is withheld", paytables.Yuan(-le.AmountFen)))
	case le.Reverses != "":
		period, _ := le.Inputs["original_period"].(string)
		s := pick(fmt.Sprintf("冲销 %s 期的一笔 %s 元", period, paytables.Yuan(-le.AmountFen)),
			fmt.Sprintf("reverses a payment of %s yuan in %s", paytables.Yuan(-le.AmountFen), period))
		if le.Period != period && period != "" {
			s += pick(fmt.Sprintf("（%s 期已锁定，记入 %s 期）", period, le.Period), fmt.Sprintf(" (%s was locked: counted in %s)", period, le.Period))
		}
		if le.Reason != "" {
			s += pick("；原因："+le.Reason, "; reason: "+le.Reason)
		}
		x.Inputs = s
	default:
		x.Inputs = paytables.ExplainInputs(le.Inputs, formID, lang, names)
	}
	return x
}

// campaignNames gives explanations the labels of the campaign's forms,
// their fields and choices (newest published versions; a form that does
// not load shows keys).
func (s *Service) campaignNames(ctx context.Context, camp *campaigns.Campaign) *paytables.Names {
	var ids []string
	forms := map[string]*formLabels{}
	for _, id := range camp.Forms() {
		f, _, err := s.e.Form(ctx, id, 0)
		if err != nil {
			continue
		}
		ids = append(ids, id)
		forms[id] = &formLabels{title: f.Title, field: func(key, lang string) (string, map[string]string) {
			fd := f.Field(key)
			if fd == nil {
				return "", nil
			}
			choices := map[string]string{}
			for _, ch := range fd.Choices() {
				choices[fmt.Sprint(ch.Value())] = ch.Label(lang)
			}
			return fd.Label(lang), choices
		}}
	}
	field := func(formID, key, lang string) (string, map[string]string) {
		if f := forms[formID]; f != nil {
			return f.field(key, lang)
		}
		for _, id := range ids { // an item on any form: the first that has it
			if l, ch := forms[id].field(key, lang); l != "" {
				return l, ch
			}
		}
		return "", nil
	}
	return &paytables.Names{
		Form: func(id, lang string) string {
			if f := forms[id]; f != nil {
				return f.title(lang)
			}
			return ""
		},
		Field: func(formID, key, lang string) string {
			l, _ := field(formID, key, lang)
			return l
		},
		Value: func(formID, key, value, lang string) string {
			_, ch := field(formID, key, lang)
			return ch[value]
		},
	}
}

type formLabels struct {
	title func(lang string) string
	field func(key, lang string) (label string, choices map[string]string)
}
