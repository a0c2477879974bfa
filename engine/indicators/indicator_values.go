package indicators

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/rules"
)

// indicatorReaders are the roles that may read indicators and official
// figures.
var indicatorReaders = []string{engine.RoleSupervisor, engine.RoleReviewer, engine.RoleAuthor, engine.RoleFinance, engine.RoleAdmin}

// maxIndicatorCounters bounds the counters one query reads: about 20,000
// villages × 12 months × 4 terms.
const maxIndicatorCounters = 1_000_000

// periodOf is the period of granularity g a month ("2026-11") falls in.
func periodOf(month, g string) string {
	switch g {
	case GranularityYear:
		return month[:4]
	case GranularityQuarter:
		m, _ := strconv.Atoi(month[5:7])
		return fmt.Sprintf("%s-Q%d", month[:4], (m+2)/3)
	}
	return month
}

// parsePeriod returns the year and the first and last month (1-12) of a
// period at granularity g.
func parsePeriod(p, g string) (year, first, last int, ok bool) {
	var err error
	switch g {
	case GranularityYear:
		if len(p) != 4 {
			return 0, 0, 0, false
		}
		year, err = strconv.Atoi(p)
		first, last = 1, 12
	case GranularityQuarter:
		if len(p) != 7 || p[4:6] != "-Q" || p[6] < '1' || p[6] > '4' {
			return 0, 0, 0, false
		}
		year, err = strconv.Atoi(p[:4])
		q := int(p[6] - '0')
		first, last = q*3-2, q*3
	case GranularityMonth:
		var t time.Time
		if t, err = time.Parse("2006-01", p); err == nil {
			year, first, last = t.Year(), int(t.Month()), int(t.Month())
		}
	default:
		return 0, 0, 0, false
	}
	if err != nil || year < 1900 || year > 9999 {
		return 0, 0, 0, false
	}
	return year, first, last, true
}

// previousPeriod returns the period before p at granularity g.
func previousPeriod(p, g string) string {
	year, first, _, _ := parsePeriod(p, g)
	switch g {
	case GranularityYear:
		return strconv.Itoa(year - 1)
	case GranularityQuarter:
		if first == 1 {
			return fmt.Sprintf("%04d-Q4", year-1)
		}
		return fmt.Sprintf("%04d-Q%d", year, (first-1)/3)
	}
	if first == 1 {
		return fmt.Sprintf("%04d-12", year-1)
	}
	return fmt.Sprintf("%04d-%02d", year, first-1)
}

// IndicatorValues computes a campaign's indicators for an org unit (and,
// with q.Children, each of its direct children) over one or more periods,
// from the counters and the official figures: no record is read. See
// IndicatorQuery and IndicatorValue. Supervisors, reviewers, authors,
// finance and admins. Returns ENOTFOUND for an unknown campaign or org
// unit, or one outside the actor's subtree; EINVALID for a malformed
// period, granularity or trend.
func (s *Service) IndicatorValues(ctx context.Context, a *engine.Actor, campaignID string, q IndicatorQuery) ([]IndicatorValue, error) {
	if err := a.Require(indicatorReaders...); err != nil {
		return nil, err
	}
	camp, _, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	inds := camp.Indicators()
	if len(q.IDs) > 0 {
		inds = slices.DeleteFunc(slices.Clone(inds), func(ind campaigns.Indicator) bool { return !slices.Contains(q.IDs, ind.ID) })
	}
	units, err := s.indicatorUnits(ctx, a, q)
	if err != nil {
		return nil, err
	}
	periods, g, err := s.indicatorPeriods(camp, q)
	if err != nil {
		return nil, err
	}
	if len(inds) == 0 {
		return []IndicatorValue{}, nil
	}
	root := units[0]

	// Record terms: sum the counters per (unit, period, term).
	termKeys, _ := countedTerms(inds)
	_, firstMonth, _, _ := parsePeriod(periods[0], g)
	year0, _, _, _ := parsePeriod(periods[0], g)
	yearN, _, lastMonth, _ := parsePeriod(periods[len(periods)-1], g)
	type cell struct{ unit, period, term string }
	sums := map[cell]float64{}
	if len(termKeys) > 0 {
		counters, err := s.store.ListIndicatorCounters(ctx, IndicatorCounterFilter{CampaignID: campaignID, Terms: termKeys, OrgPath: root.Path,
			FromMonth: fmt.Sprintf("%04d-%02d", year0, firstMonth), ToMonth: fmt.Sprintf("%04d-%02d", yearN, lastMonth)})
		if err != nil {
			return nil, err
		}
		if len(counters) > maxIndicatorCounters {
			return nil, engine.Errorf(engine.ETOOLARGE, "too many counters: choose a smaller org unit or fewer periods")
		}
		for _, c := range counters {
			p := periodOf(c.Month, g)
			for _, u := range units {
				if engine.InSubtree(c.OrgPath, u.Path) {
					sums[cell{u.Code, p, c.Term}] += c.Value
				}
			}
		}
	}

	// Official terms: the latest version of each figure; a unit's figure
	// is its own, or else the sum of the topmost figures below it.
	official, err := s.officialValues(ctx, inds, units, periods)
	if err != nil {
		return nil, err
	}

	lang := engine.TextLang(q.Lang)
	out := make([]IndicatorValue, 0, len(units)*len(periods)*len(inds))
	for _, u := range units {
		for _, p := range periods {
			for _, ind := range inds {
				v := IndicatorValue{ID: ind.ID, Title: ind.Title.In(lang), OrgUnit: u.Code, OrgName: u.Name, OrgPath: u.Path, Level: u.Level,
					Period: p, Granularity: g, Factor: ind.Factor, Target: ind.Target, HasTarget: ind.HasTarget, HigherIsBetter: ind.HigherIsBetter,
					RangeLow: ind.RangeLow, RangeHigh: ind.RangeHigh, HasRange: ind.HasRange}
				missing := false
				side := func(terms []rules.IndicatorTerm) float64 {
					return termSum(terms, func(t rules.IndicatorTerm) float64 {
						if t.Func == rules.TermOfficial {
							fig, ok := official[officialCell{u.Code, p, t.Key}]
							if !ok {
								missing = true
								return 0
							}
							for _, src := range fig.sources {
								if !slices.ContainsFunc(v.Sources, func(o OfficialSource) bool { return o.Key == src.Key && o.ImportID == src.ImportID }) {
									v.Sources = append(v.Sources, src)
								}
							}
							return fig.value
						}
						return sums[cell{u.Code, p, termKey(t)}]
					})
				}
				v.Numerator, v.Denominator = side(ind.Numerator), side(ind.Denominator)
				if missing || v.Denominator <= 0 {
					v.NoData = true
				} else {
					v.Value = v.Numerator / v.Denominator * v.Factor
					switch {
					case v.HasRange:
						v.Met = v.Value >= v.RangeLow && v.Value <= v.RangeHigh
					case v.HasTarget:
						v.Met = v.Value >= v.Target
						if !v.HigherIsBetter {
							v.Met = v.Value <= v.Target
						}
					}
				}
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// indicatorUnits returns the queried unit, then its direct children by
// path when asked.
func (s *Service) indicatorUnits(ctx context.Context, a *engine.Actor, q IndicatorQuery) ([]engine.OrgUnit, error) {
	code := q.OrgUnit
	if code == "" {
		code = a.User.OrgUnit
	}
	u, err := s.e.OrgUnit(ctx, a, code)
	if err != nil {
		return nil, err
	}
	units := []engine.OrgUnit{*u}
	if q.Children {
		below, err := s.store.ListOrgUnits(ctx, u.Path)
		if err != nil {
			return nil, err
		}
		for _, c := range below {
			if c.ParentCode == u.Code && c.Code != u.Code {
				units = append(units, c)
			}
		}
	}
	return units, nil
}

// indicatorPeriods returns the periods of a query, oldest first, and its
// granularity.
func (s *Service) indicatorPeriods(camp *campaigns.Campaign, q IndicatorQuery) ([]string, string, error) {
	g := q.Granularity
	if g == "" {
		g = GranularityQuarter
		if inds := camp.Indicators(); len(inds) > 0 && inds[0].Period != "" {
			g = inds[0].Period
		}
	}
	if g != GranularityMonth && g != GranularityQuarter && g != GranularityYear {
		msg := "granularity must be month, quarter or year"
		return nil, "", &engine.Error{Code: engine.EINVALID, Message: msg, Fields: []engine.FieldError{{Pointer: "/granularity", Code: "bad_granularity", Message: msg}}}
	}
	p := q.Period
	if p == "" {
		p = periodOf(monthOf(s.e.Now()), g)
	}
	if _, _, _, ok := parsePeriod(p, g); !ok {
		return nil, "", engine.PeriodError(fmt.Sprintf("period %q is not a %s (%s)", clip(p), g, periodOf("2026-05", g)))
	}
	n := max(q.Trend, 1)
	if n > MaxIndicatorTrend {
		msg := fmt.Sprintf("a trend has at most %d periods", MaxIndicatorTrend)
		return nil, "", &engine.Error{Code: engine.EINVALID, Message: msg, Fields: []engine.FieldError{{Pointer: "/trend", Code: "bad_trend", Message: msg}}}
	}
	periods := []string{p}
	for len(periods) < n {
		periods = append(periods, previousPeriod(periods[len(periods)-1], g))
	}
	slices.Reverse(periods)
	return periods, g, nil
}

type officialCell struct{ unit, period, key string }

type officialValue struct {
	value   float64
	sources []OfficialSource
}

// officialValues returns the official figure of each unit, period and key
// the indicators use. A unit without a figure of its own takes the sum of
// the topmost figures below it; one with neither has none (no data).
func (s *Service) officialValues(ctx context.Context, inds []campaigns.Indicator, units []engine.OrgUnit, periods []string) (map[officialCell]officialValue, error) {
	var keys []string
	for _, ind := range inds {
		for _, t := range ind.Terms() {
			if t.Func == rules.TermOfficial && !slices.Contains(keys, t.Key) {
				keys = append(keys, t.Key)
			}
		}
	}
	out := map[officialCell]officialValue{}
	if len(keys) == 0 {
		return out, nil
	}
	figs, err := s.store.ListOfficialFigures(ctx, OfficialFigureFilter{Keys: keys, OrgPath: units[0].Path, Periods: periods})
	if err != nil {
		return nil, err
	}
	imps, err := s.store.ListOfficialImports(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*OfficialImport{}
	for _, imp := range imps {
		byID[imp.ID] = imp
	}
	// The latest version of each figure.
	type figKey struct{ key, path, period string }
	latest := map[figKey]OfficialFigure{}
	for _, f := range figs {
		k := figKey{f.Key, f.OrgPath, f.Period}
		if cur, ok := latest[k]; !ok || f.Version > cur.Version {
			latest[k] = f
		}
	}
	for _, u := range units {
		for _, p := range periods {
			for _, key := range keys {
				var under []OfficialFigure
				for k, f := range latest {
					if k.key == key && k.period == p && engine.InSubtree(k.path, u.Path) {
						under = append(under, f)
					}
				}
				if len(under) == 0 {
					continue
				}
				// Topmost: no other figure of the set lies above it.
				v := officialValue{}
				for _, f := range under {
					covered := slices.ContainsFunc(under, func(o OfficialFigure) bool { return o.OrgPath != f.OrgPath && engine.InSubtree(f.OrgPath, o.OrgPath) })
					if covered {
						continue
					}
					v.value += f.Value
					if !slices.ContainsFunc(v.sources, func(o OfficialSource) bool { return o.ImportID == f.ImportID }) {
						src := OfficialSource{Key: key, ImportID: f.ImportID, Version: f.Version}
						if imp := byID[f.ImportID]; imp != nil {
							src.Source, src.ImportedBy, src.ImportedAt = imp.Source, imp.ImportedBy, imp.ImportedAt
						}
						v.sources = append(v.sources, src)
					}
				}
				slices.SortFunc(v.sources, func(x, y OfficialSource) int { return strings.Compare(x.ImportID, y.ImportID) })
				out[officialCell{u.Code, p, key}] = v
			}
		}
	}
	return out, nil
}
