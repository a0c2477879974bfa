package campaigns

import (
	"slices"
	"time"

	"canvass/internal/yamldoc"
)

// Periods a campaign counts its ledger, reports and spot checks in.
const (
	PeriodMonth   = yamldoc.PeriodMonth
	PeriodQuarter = yamldoc.PeriodQuarter
)

// Campaign is a loaded, validated campaign definition. It is immutable and
// safe for concurrent use; every expression and cron spec in it was
// compiled by Load.
type Campaign struct {
	id       string
	title    Text
	forms    []string
	workflow string
	payTable string
	orgScope string
	refTime  time.Time
	opens    time.Time // zero: no start
	closes   time.Time // the instant after the last day; zero: no end
	period   string
	qc       *QC
	schedule []ScheduleEntry
	budget   *Budget
	phases   []Phase // campaign_phases.go

	indicators []Indicator // indicator.go
	reports    []Report    // report.go
}

// Text is a short text in several languages, keyed by language: "zh", "en".
type Text map[string]string

// In returns the text in lang, falling back to Chinese, then English, then
// "".
func (t Text) In(lang string) string {
	for _, l := range []string{lang, "zh", "en"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// QC says how many of each worker's records a spot check samples per
// period: Share of them, rounded up, but at least Min (and never more than
// there are).
type QC struct {
	SharePPM int64  // the share in parts per million: 0.05 is 50000
	Min      int    // at least this many records, when the worker has them
	Period   string // PeriodMonth or PeriodQuarter
}

// Share returns the sampled share as a fraction, e.g. 0.05.
func (q QC) Share() float64 { return float64(q.SharePPM) / 1e6 }

// SampleSize returns how many of n records to spot-check: the share of n
// rounded up, at least Min, at most n. It counts in integers, so 5 % of 100
// is exactly 5.
func (q QC) SampleSize(n int) int {
	if n <= 0 {
		return 0
	}
	size := int((int64(n)*q.SharePPM + 999_999) / 1_000_000)
	return min(max(size, q.Min), n)
}

// PeriodOf returns the spot-check period t falls in, in China: "2026-11" or
// "2026-Q4".
func (q QC) PeriodOf(t time.Time) string { return yamldoc.PeriodKey(q.Period, t) }

// ID returns the campaign's id, e.g. "census-trainers-2026".
func (c *Campaign) ID() string { return c.id }

// Title returns the campaign's title in lang (see Text.In).
func (c *Campaign) Title(lang string) string { return c.title.In(lang) }

// Forms returns the IDs of the forms bound to the campaign, in file order.
func (c *Campaign) Forms() []string { return slices.Clone(c.forms) }

// HasForm reports whether the form is bound to the campaign.
func (c *Campaign) HasForm(id string) bool { return slices.Contains(c.forms, id) }

// Workflow returns the ID of the workflow records of the campaign follow.
func (c *Campaign) Workflow() string { return c.workflow }

// PayTable returns the ID of the campaign's pay table, or "" when it pays
// nothing.
func (c *Campaign) PayTable() string { return c.payTable }

// OrgScope returns the code of the org unit whose subtree the campaign
// covers, e.g. "370102".
func (c *Campaign) OrgScope() string { return c.orgScope }

// RefTime returns the campaign's reference time ("as of 6 December 00:00")
// in UTC. Expressions see it as refTime.
func (c *Campaign) RefTime() time.Time { return c.refTime }

// Opens returns the instant submissions open (00:00 in China of the opens
// day), in UTC; zero when the campaign has no start.
func (c *Campaign) Opens() time.Time { return c.opens }

// Closes returns the instant submissions close, in UTC: the end of the
// closes day in China (00:00 of the day after), exclusive; zero when the
// campaign has no end.
func (c *Campaign) Closes() time.Time { return c.closes }

// OpenAt reports whether the campaign takes submissions at t: from Opens,
// inclusive, to Closes, exclusive.
func (c *Campaign) OpenAt(t time.Time) bool {
	return (c.opens.IsZero() || !t.Before(c.opens)) && (c.closes.IsZero() || t.Before(c.closes))
}

// Period returns the period the campaign's reports count in: PeriodMonth
// or PeriodQuarter.
func (c *Campaign) Period() string { return c.period }

// PeriodOf returns the report period t falls in, in China: "2026-11" or
// "2026-Q4".
func (c *Campaign) PeriodOf(t time.Time) string { return yamldoc.PeriodKey(c.period, t) }

// QC returns the spot-check sampling, and false when the campaign has none.
func (c *Campaign) QC() (QC, bool) {
	if c.qc == nil {
		return QC{}, false
	}
	return *c.qc, true
}

// Schedule returns the campaign's periodic tasks in file order.
func (c *Campaign) Schedule() []ScheduleEntry { return slices.Clone(c.schedule) }

// Budget returns the campaign's budget, or nil when it has none.
func (c *Campaign) Budget() *Budget { return c.budget }
