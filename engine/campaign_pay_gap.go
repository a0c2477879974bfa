package engine

import (
	"context"
	"time"

	"canvass/campaigns"
	"canvass/paytables"
	"canvass/rules"
)

// payTableGap is the warning about a pay table that takes effect after the
// campaign opens: the work of the days between earns nothing, silently and
// for good, unless the author meant it. Nil when there is no gap.
func payTableGap(camp *campaigns.Campaign, pt *paytables.PayTable) *CampaignProblem {
	opens, from := camp.Opens(), pt.EffectiveFrom()
	if opens.IsZero() || !from.After(opens) {
		return nil
	}
	day := func(t time.Time) string { return t.In(rules.Shanghai).Format(time.DateOnly) }
	last := from.Add(-time.Nanosecond) // the last day left unpaid
	return &CampaignProblem{Kind: KindPayTable, ID: pt.ID(), Pointer: "/effective_from", Code: rules.CodePayTableLate,
		Message: "the pay table takes effect on " + day(from) + ", after the campaign opens on " + day(opens) + ": work before it earns nothing",
		Args: map[string]string{"key.zh": pt.Title("zh"), "key.en": pt.Title("en"), "key": pt.ID(),
			"effective": day(from), "opens": day(opens), "last": day(last)}}
}

// payTableWarnings adds the pay-table gap of the version a publish would
// leave live to the check's warnings.
func (e *Engine) payTableWarnings(ctx context.Context, check *CampaignCheck, camp *campaigns.Campaign, lookup refLookup) {
	if camp.PayTable() == "" {
		return
	}
	v, err := lookup(ctx, KindPayTable, camp.PayTable())
	if err != nil {
		return // the reference check reports it
	}
	if pt, ok := v.(*paytables.PayTable); ok {
		if w := payTableGap(camp, pt); w != nil {
			check.Warnings = append(check.Warnings, *w)
		}
	}
}
