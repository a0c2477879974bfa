package indicators

import (
	"canvass/engine"
	"context"
	"time"
)

// ReportSlot is one expected periodic report: a campaign's report, from one
// org unit, for one period. Slots are the reminder timers of periodic
// reports: the sweeper claims a slot whose NextTimerAt is due with a lease,
// exactly as it claims record timers (ClaimDueTimers), reminds the unit's
// reporters, and moves NextTimerAt to the next reminder in one conditional
// update of the slot, so any number of replicas send each reminder once.
//
// Whether a report is on time, late or missing is always computed from the
// report records themselves (see ReportStatus); SubmittedAt and RecordID on
// a slot only record what the sweeper saw, to stop its reminders.
type ReportSlot struct {
	CampaignID string
	ReportID   string
	OrgUnit    string // code of the reporting unit
	OrgPath    string // its materialized path
	Period     string // "2026-Q4", "2026-11" or "2026"

	PeriodStart time.Time
	DueAt       time.Time

	RecordID    string    // the report record found before a reminder, if any
	SubmittedAt time.Time // its first submission; zero while none was seen

	RemindersSent int
	NextTimerAt   time.Time // the next reminder; zero: none left

	// LeaseOwner and LeaseUntil are set by ClaimDueReportSlots; they are
	// not content: claiming leaves Version alone and UpdateReportSlot
	// releases the lease.
	LeaseOwner string
	LeaseUntil time.Time

	Version int64 // starts at 1, +1 on every update
}

// Key identifies the slot: campaign, report, org unit and period.
func (s *ReportSlot) Key() string {
	return s.CampaignID + "/" + s.ReportID + "/" + s.OrgUnit + "/" + s.Period
}

// ReportSlotFilter selects report slots. Empty fields do not filter.
type ReportSlotFilter struct {
	CampaignID string
	ReportID   string
	OrgPaths   []string // slots whose OrgPath starts with any of these
	Periods    []string
}

// ReportStore keeps the slots of periodic reports (report_*.go) and
// counts what the campaign dashboard shows beside AggregateRecords.
type ReportStore interface {
	// PutReportSlots stores each slot with Version 1 unless a slot with the
	// same key (campaign, report, org unit, period) exists, which is kept
	// as it is, and returns how many were new. Returns EINVALID, storing
	// none, if a slot lacks CampaignID, ReportID, OrgUnit, OrgPath or
	// Period.
	PutReportSlots(ctx context.Context, slots []ReportSlot) (int, error)

	// ListReportSlots returns the matching slots ordered by OrgPath, then
	// Period, then ReportID.
	ListReportSlots(ctx context.Context, f ReportSlotFilter) ([]ReportSlot, error)

	// ClaimDueReportSlots leases up to limit slots whose NextTimerAt is at
	// or before now and whose lease is free or expired, setting LeaseOwner
	// and LeaseUntil=now+lease without changing Version, and returns them.
	// Two claimers never hold the same slot at once. Returns EINVALID
	// without an owner or with a lease that is not positive.
	ClaimDueReportSlots(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]ReportSlot, error)

	// UpdateReportSlot stores RecordID, SubmittedAt, RemindersSent and
	// NextTimerAt of s if the stored Version equals s.Version, releases the
	// lease, and returns the slot with Version+1. Returns ENOTFOUND if the
	// slot does not exist, ECONFLICT if its version differs.
	UpdateReportSlot(ctx context.Context, s *ReportSlot) (*ReportSlot, error)

	// CountRecordsByCreator counts the records matching f per CreatedBy
	// (the dashboard's output of each worker), ordered by CreatedBy.
	CountRecordsByCreator(ctx context.Context, f engine.RecordFilter) ([]CreatorCount, error)
}

// CreatorCount is how many records one user created.
type CreatorCount struct {
	CreatedBy string
	Count     int64
}
