package indicators

import (
	"context"
	"time"
)

// IndicatorStore keeps what indicators are computed from: counters per
// (campaign, term, org unit, month) that the engine maintains as records
// are written, each record's last contribution to them, and the imported
// official figures.
type IndicatorStore interface {
	// ApplyIndicatorContribution makes c the record's contribution to the
	// counters: it adds c's parts to their counters and subtracts those of
	// the record's previous contribution, all or none. When the stored
	// contribution's RecordVersion is at or above c.RecordVersion (a replay,
	// or an older copy arriving late), nothing changes and applied is
	// false. Returns EINVALID without RecordID or CampaignID.
	ApplyIndicatorContribution(ctx context.Context, c *IndicatorContribution) (applied bool, err error)

	// ListIndicatorCounters returns the counters matching f, ordered by
	// term, org path and month. Counters that came back to zero may be
	// returned or not.
	ListIndicatorCounters(ctx context.Context, f IndicatorCounterFilter) ([]IndicatorCounter, error)

	// ResetIndicatorCounters forgets every counter and contribution of a
	// campaign, before a full rebuild.
	ResetIndicatorCounters(ctx context.Context, campaignID string) error

	// AddOfficialImport stores an import and its figures, all or none,
	// numbering it with the next Version (1, 2, …), which it sets on imp.
	// Returns EINVALID without ID or with a figure lacking Key, OrgUnit,
	// OrgPath or Period, ECONFLICT if the ID exists.
	AddOfficialImport(ctx context.Context, imp *OfficialImport, figures []OfficialFigure) error

	// ListOfficialImports returns the imports, newest Version first.
	ListOfficialImports(ctx context.Context) ([]*OfficialImport, error)

	// ListOfficialFigures returns the figures of every version matching f,
	// ordered by key, org path, period and version.
	ListOfficialFigures(ctx context.Context, f OfficialFigureFilter) ([]OfficialFigure, error)
}

// IndicatorCounterKey names one counter of a campaign: a term (see
// termKey), an org unit's path (where the records sit) and a month
// ("2026-11", of the record's creation in China).
type IndicatorCounterKey struct {
	Term    string
	OrgPath string
	Month   string
}

// IndicatorPart is what one record adds to one counter.
type IndicatorPart struct {
	IndicatorCounterKey
	Amount float64
}

// IndicatorContribution is what one record, at one version, adds to its
// campaign's counters.
type IndicatorContribution struct {
	RecordID      string
	CampaignID    string
	RecordVersion int64
	UpdatedAt     time.Time // the record's
	Parts         []IndicatorPart
}

// IndicatorCounter is the sum of the parts records contributed to one
// key, and how many records did.
type IndicatorCounter struct {
	CampaignID string
	IndicatorCounterKey
	Value   float64
	Records int64
}

// IndicatorCounterFilter selects a campaign's counters. Empty fields do
// not filter.
type IndicatorCounterFilter struct {
	CampaignID string // required
	Terms      []string
	OrgPath    string // counters whose OrgPath lies under this one
	FromMonth  string // inclusive, "2026-01"
	ToMonth    string // inclusive
}

// OfficialImport is one upload of official figures: a version. The latest
// version of a figure wins; older ones are kept and listed.
type OfficialImport struct {
	ID         string
	Version    int64 // set by the store
	Source     string
	FileName   string
	ImportedBy string
	ImportedAt time.Time
	Rows       int
	OrgPath    string // the importer's scope, for the audit trail
}

// OfficialFigure is one official figure: a key ("births"), an org unit and
// a period ("2026" or "2026-Q2"), from one import.
type OfficialFigure struct {
	ImportID string
	Version  int64
	Key      string
	OrgUnit  string
	OrgPath  string
	Period   string
	Value    float64
}

// OfficialFigureFilter selects official figures. Empty fields do not
// filter.
type OfficialFigureFilter struct {
	Keys    []string
	OrgPath string // figures whose OrgPath lies under this one
	Periods []string
}
