package indicators

import (
	"time"
)

// Indicators: the figures a campaign is judged by (issue #9). A campaign
// declares them (campaigns.Indicator): a numerator and a denominator, each
// a sum of terms — count(filter), sum("field", filter) over the campaign's
// records, or official("key"), an imported official figure — a factor
// (100 for a percentage, 1000 per mille), a target and whether higher or
// lower is better.
//
// Record terms are kept as counters per (campaign, indicator, term, org
// unit, month), maintained incrementally as records are written
// (indicator_counters.go), so reading values never scans records. A value
// for an org unit sums the numerators and the denominators of every unit
// below it, then divides: a township's rate is never an average of its
// villages' rates. Quarters and years sum their months.

// Granularities of an indicator query.
const (
	GranularityMonth   = "month"   // periods "2026-11"
	GranularityQuarter = "quarter" // periods "2026-Q4"
	GranularityYear    = "year"    // periods "2026"
)

// IndicatorQuery selects the indicator values to compute.
type IndicatorQuery struct {
	// OrgUnit is the code of the org unit to compute for; "" means the
	// actor's own unit. A unit outside the actor's subtree is ENOTFOUND.
	OrgUnit string
	// Period is one period at Granularity ("2026", "2026-Q2", "2026-05");
	// "" means the period containing the engine's now. With Trend, it is
	// the last period of the trend.
	Period string
	// Granularity is month, quarter or year; "" means the campaign's own
	// (its indicators' period, else quarter).
	Granularity string
	// Children adds one value per indicator for each direct child unit of
	// OrgUnit (bars by org unit), after the unit's own.
	Children bool
	// Trend adds the Trend-1 periods before Period (trend lines), at most
	// MaxIndicatorTrend; 0 or 1 means Period only.
	Trend int
	// IDs limits the indicators to these IDs; empty means all.
	IDs []string
	// Lang chooses titles: "zh" (default) or "en".
	Lang string
}

// MaxIndicatorTrend bounds IndicatorQuery.Trend.
const MaxIndicatorTrend = 36

// IndicatorValue is one indicator for one org unit and one period.
//
// Value is Numerator / Denominator × Factor. NoData is true (and Value,
// Met meaningless) when the denominator is zero or negative, or an
// official figure it needs was never imported: the page shows "no data",
// never a division error.
type IndicatorValue struct {
	ID             string
	Title          string
	OrgUnit        string // code
	OrgName        string
	OrgPath        string
	Level          string // org-unit level
	Period         string // "2026-Q2", in Granularity
	Granularity    string
	Numerator      float64
	Denominator    float64
	Factor         float64
	Value          float64
	NoData         bool
	Target         float64
	HasTarget      bool
	HigherIsBetter bool
	// RangeLow and RangeHigh are the normal range, when HasRange (an
	// indicator has a target or a range, not both).
	RangeLow, RangeHigh float64
	HasRange            bool
	// Met reports whether Value reaches Target (≥ when higher is better,
	// ≤ when lower is), or, with a range, lies within it (both ends
	// included). False without data, or without a target or a range.
	Met bool
	// Sources lists the official figures the value used, with their
	// source text and version, so a page can show where a figure is from.
	Sources []OfficialSource
}

// OfficialSource says where an official figure used by a value came from.
type OfficialSource struct {
	Key        string // figure key, e.g. "births"
	ImportID   string
	Version    int64
	Source     string // what the importer typed: "统计局 2026 年人口抽样调查"
	ImportedBy string
	ImportedAt time.Time
}

// Signature of the service, implemented in indicator_values.go:
//
//	func (s *Service) IndicatorValues(ctx context.Context, a *engine.Actor, campaignID string, q IndicatorQuery) ([]IndicatorValue, error)
//
// It returns the values ordered by org unit (the queried unit first, then
// its children by path), then period (oldest first), then the campaign's
// indicator order. Supervisors, reviewers, authors, finance and admins.
// Returns ENOTFOUND for an unknown campaign or org unit, or one outside the
// actor's subtree; EINVALID for a malformed period or granularity.
