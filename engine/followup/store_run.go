package followup

import (
	"context"
	"time"
)

// Run is one firing of one schedule entry of one campaign: the unit the
// schedule runner leases, so that any number of server processes create
// a firing's follow-up tasks once.
type Run struct {
	CampaignID string
	Entry      string    // the schedule entry's name
	FireAt     time.Time // when the cron spec fired, UTC
	LeaseOwner string
	LeaseUntil time.Time
	DoneAt     time.Time // zero until every task of the firing exists
	Created    int       // tasks this firing created (retries not counted twice)
}

// RunStore is what the schedule runner needs from a database besides
// engine.Store.
type RunStore interface {
	// ClaimScheduleRun leases the firing (campaignID, entry, fireAt) to
	// owner until now+lease and reports whether owner holds it now: it
	// creates the run when there is none, or takes it over when it is not
	// done and its lease has expired (LeaseUntil at or before now). A run
	// that is done is never claimed again; two claimers never hold the
	// same run at once. Returns EINVALID for an empty campaign, entry or
	// owner, a zero fireAt or a lease that is not positive.
	ClaimScheduleRun(ctx context.Context, campaignID, entry string, fireAt time.Time, owner string, now time.Time, lease time.Duration) (bool, error)

	// FinishScheduleRun marks the run done at at with the number of tasks
	// it created, if owner still holds it. Returns ENOTFOUND when there is
	// no such run, ECONFLICT when another owner holds it or it is done.
	FinishScheduleRun(ctx context.Context, campaignID, entry string, fireAt time.Time, owner string, created int, at time.Time) error

	// ListScheduleRuns returns the campaign's runs, newest firing first.
	ListScheduleRuns(ctx context.Context, campaignID string) ([]Run, error)
}
