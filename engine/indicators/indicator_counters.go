package indicators

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/rules"
)

// How the indicator counters stay current. After every durable write of a
// record, the Service (a record follower) works out what the record now
// contributes to its campaign's counters — for each distinct count or sum term of the
// campaign's indicators that the record matches, one part keyed by (term,
// the record's org path, the month it was created in) — and hands it to
// the store, which swaps it for the record's previous contribution,
// adjusting the counters by the difference in one step. Contributions carry
// the record's version, so a replay or a late older copy changes nothing.
//
// A crash between a record's write and its contribution leaves the
// counters behind; CatchUpIndicators, run by the catch-up loop over the
// records updated lately, applies what is missing. RebuildIndicators recounts a
// campaign from scratch (after its indicators changed in a new version).

// termKey names a count or sum term by what it counts, so that two
// indicators with the same term share a counter and a term whose filter
// changes in a new campaign version gets fresh counters.
func termKey(t rules.IndicatorTerm) string {
	src := ""
	if t.Filter != nil {
		src = t.Filter.Source
	}
	sum := sha256.Sum256([]byte(t.Func + "\x00" + t.Field + "\x00" + src))
	return t.Func + ":" + hex.EncodeToString(sum[:8])
}

// countedTerms returns the distinct record terms of inds by key, in first
// appearance order.
func countedTerms(inds []campaigns.Indicator) ([]string, map[string]rules.IndicatorTerm) {
	var keys []string
	byKey := map[string]rules.IndicatorTerm{}
	for _, ind := range inds {
		for _, t := range ind.Terms() {
			if t.Func == rules.TermOfficial {
				continue
			}
			k := termKey(t)
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
				byKey[k] = t
			}
		}
	}
	return keys, byKey
}

// monthOf is the month a time falls in, in China: "2026-11".
func monthOf(t time.Time) string { return t.In(rules.Shanghai).Format("2006-01") }

type termSet struct {
	keys  []string
	terms map[string]rules.IndicatorTerm
}

// termsOf returns the counted terms of a compiled campaign version,
// remembered in s.campaignTerms.
func (s *Service) termsOf(camp *campaigns.Campaign) *termSet {
	if v, ok := s.campaignTerms.Load(camp); ok {
		return v.(*termSet)
	}
	keys, terms := countedTerms(camp.Indicators())
	v, _ := s.campaignTerms.LoadOrStore(camp, &termSet{keys, terms})
	return v.(*termSet)
}

// indicatorContribution is what r adds to its campaign's counters now
// (per row of a repeat group for terms that read one: indicator_rows.go).
func (s *Service) indicatorContribution(ctx context.Context, camp *campaigns.Campaign, r *engine.Record) *IndicatorContribution {
	c := &IndicatorContribution{RecordID: r.ID, CampaignID: r.CampaignID, RecordVersion: r.Version, UpdatedAt: r.UpdatedAt}
	ts := s.termsOf(camp)
	keys, terms := ts.keys, ts.terms
	facts := campaigns.IndicatorFacts{Form: r.FormID, State: r.State, OrgUnit: r.OrgUnit, CreatedAt: r.CreatedAt, Answers: r.Answers}
	form := s.recordForm(ctx, r)
	month := monthOf(r.CreatedAt)
	for _, k := range keys {
		amount, ok := termAmount(form, terms[k], facts)
		if !ok {
			continue
		}
		c.Parts = append(c.Parts, IndicatorPart{IndicatorCounterKey{Term: k, OrgPath: r.OrgPath, Month: month}, amount})
	}
	return c
}

// ApplyIndicators brings the indicator counters up to date with r, as
// every write of a record does, and reports whether it changed them (false
// for a replay). For bulk loaders that write records to the store
// directly: they may call it from many goroutines.
func (s *Service) ApplyIndicators(ctx context.Context, r *engine.Record) (bool, error) {
	return s.applyIndicators(ctx, r)
}

// applyIndicators applies r's contribution and reports whether it changed
// anything.
func (s *Service) applyIndicators(ctx context.Context, r *engine.Record) (bool, error) {
	if r == nil || r.CampaignID == "" || r.OrgPath == "" {
		return false, nil
	}
	camp, err := s.e.Campaign(ctx, r.CampaignID)
	if err != nil {
		if engine.ErrorCode(err) == engine.ENOTFOUND {
			return false, nil
		}
		return false, err
	}
	if len(camp.Indicators()) == 0 {
		return false, nil
	}
	return s.store.ApplyIndicatorContribution(ctx, s.indicatorContribution(ctx, camp, r))
}

// CatchUpIndicators applies the contribution of every record updated at
// or after since that its counters lack (a crash between the record's
// write and its counters' update), and returns how many it applied. The
// CatchUp loop runs it with since a little further back than its interval.
// Failures are logged as well as returned.
func (s *Service) CatchUpIndicators(ctx context.Context, since time.Time) (int, error) {
	// Only campaigns with indicators have counters: the others' records
	// are not read at all.
	camps, err := s.e.PublishedCampaignsWhere(ctx, func(c *campaigns.Campaign) bool { return len(c.Indicators()) > 0 })
	n := 0
	for _, c := range camps {
		if err != nil {
			break
		}
		var applied int
		applied, err = s.reapplyIndicators(ctx, engine.RecordFilter{CampaignID: c.ID(), UpdatedFrom: since})
		n += applied
	}
	if err != nil && ctx.Err() == nil {
		s.e.Logger().Error("indicator catch-up failed", "err", err)
	}
	if n > 0 {
		s.e.Logger().Warn("indicator counters caught up with records written without them", "records", n)
	}
	return n, err
}

func (s *Service) reapplyIndicators(ctx context.Context, f engine.RecordFilter) (int, error) {
	applied := 0
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListRecords(ctx, f, p)
		if err != nil {
			return applied, err
		}
		for _, r := range page.Records {
			ok, err := s.applyIndicators(ctx, r)
			if err != nil {
				s.e.Logger().Error("catching up indicator counters failed", "record", r.ID, "err", err)
				continue
			}
			if ok {
				applied++
			}
		}
		if page.Next == "" {
			return applied, nil
		}
		p.After = page.Next
	}
}

// RebuildIndicators forgets a campaign's counters and recounts them from
// its records. Admins and authors whose subtree covers the campaign.
// Writes during a rebuild are counted (their contributions land after the
// reset or are re-read by it). Returns how many records contributed.
func (s *Service) RebuildIndicators(ctx context.Context, a *engine.Actor, campaignID string) (int, error) {
	if err := a.Require(engine.RoleAdmin, engine.RoleAuthor); err != nil {
		return 0, err
	}
	_, root, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return 0, err
	}
	if !a.Sees(root) {
		return 0, engine.Errorf(engine.EFORBIDDEN, "only a user whose scope covers the whole campaign may rebuild its indicators")
	}
	if err := s.store.ResetIndicatorCounters(ctx, campaignID); err != nil {
		return 0, err
	}
	n, err := s.reapplyIndicators(ctx, engine.RecordFilter{CampaignID: campaignID})
	if err != nil {
		return n, err
	}
	return n, s.e.Audit(ctx, a, "indicator.rebuild", "campaign", campaignID, root, map[string]any{"records": n})
}

// termSum adds up the signed values of terms.
func termSum(terms []rules.IndicatorTerm, value func(rules.IndicatorTerm) float64) float64 {
	total := 0.0
	for _, t := range terms {
		total += float64(t.Sign) * value(t)
	}
	return total
}
