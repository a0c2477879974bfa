package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Record is one submission or registry case. It is its own workflow
// instance: the state, the open task (step, candidates, assignee, due time),
// the next timer and the full history travel with the answers in one
// document, so a workflow transition is one conditional update of it.
type Record struct {
	ID          string // ULID, or a client-generated UUID (idempotent submission)
	CampaignID  string
	FormID      string
	FormVersion int // the published form version the answers were filled with
	// WorkflowID and WorkflowVersion pin the workflow version the record
	// started in, so publishing a new version never strands a record in a
	// state the new one lacks.
	WorkflowID      string
	WorkflowVersion int

	OrgUnit string // code of the org unit that owns the record (usually the submitter's village)
	OrgPath string // materialized path of OrgUnit, see OrgUnit.Path

	State   string         // workflow state, e.g. "draft", "township_review", "approved"
	Answers map[string]any // validated answers; PII values are ciphertext (see the pii package)

	// DedupKey is the keyed HMAC of the record's identifying number within its
	// campaign (empty when the form has none). It is indexed, not unique:
	// duplicates go to a worklist for a person to decide.
	DedupKey string

	// The open task. Empty Step means no one has to act.
	Step           string
	CandidateRoles []string // roles that may act on the open task
	TaskOrgPath    string   // path of the org unit where the task sits (e.g. the township)
	Assignee       string   // user ID once someone claimed the task
	DueAt          time.Time

	// NextTimerAt is when the sweeper must next look at this record (a due
	// time, a reminder, an escalation); TimerKind says which. Zero: none.
	NextTimerAt time.Time
	TimerKind   string
	// LeaseOwner and LeaseUntil are set by Store.ClaimDueTimers. They are not
	// part of the record's content: claiming does not change Version, and any
	// UpdateRecord releases the lease.
	LeaseOwner string
	LeaseUntil time.Time

	// Number is the record's short number within its campaign (1, 2, 3…),
	// which people read out on the phone; 0 until it is first submitted
	// (see Engine.numberRecord). Numbers never repeat within a campaign
	// but may skip one (a retried submission draws a number it then does
	// not keep).
	Number int64

	Version   int64 // optimistic concurrency: starts at 1, +1 on every update
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	History   []HistoryEntry

	// ContentHash identifies the content of the first submission (see
	// RecordContentHash). InsertRecord compares it to tell a retry (same
	// hash: no-op) from a clash (different hash: ECONFLICT).
	ContentHash string
}

// HistoryEntry is one step of a record's life: who did what, when, why, and
// which fields changed.
type HistoryEntry struct {
	At        time.Time     `json:"at"`
	Actor     string        `json:"actor"` // user ID, or "system" for timers
	Action    string        `json:"action"`
	FromState string        `json:"from,omitempty"`
	ToState   string        `json:"to,omitempty"`
	Reason    string        `json:"reason,omitempty"`
	Changes   []FieldChange `json:"changes,omitempty"`
}

// FieldChange is one field's value before and after an action.
type FieldChange struct {
	Pointer string `json:"pointer"`
	Before  any    `json:"before,omitempty"`
	After   any    `json:"after,omitempty"`
}

// RecordContentHash returns a stable hash of what a submission consists of:
// campaign, form and version, org unit, answers and submitter. JSON encoding
// sorts map keys, so equal answers give equal hashes.
func RecordContentHash(r *Record) string {
	b, err := json.Marshal(struct {
		C, F string
		V    int
		O    string
		A    map[string]any
		By   string
	}{r.CampaignID, r.FormID, r.FormVersion, r.OrgUnit, r.Answers, r.CreatedBy})
	if err != nil {
		// Answers come from decoded JSON and always marshal; anything else
		// is a programming error that must not pass as a valid hash.
		panic("engine: record content does not marshal: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// RecordFilter selects records. Empty fields do not filter. Slices match any
// of their values. All conditions are combined with AND.
type RecordFilter struct {
	CampaignID   string
	FormID       string
	OrgPaths     []string // records whose OrgPath starts with any of these (subtrees)
	TaskOrgPaths []string // records whose TaskOrgPath starts with any of these
	// TaskOrgPathsExact matches TaskOrgPaths exactly instead of as
	// subtrees: the tasks that sit in those units, not below them.
	TaskOrgPathsExact bool
	States            []string
	Assignee          string
	AnyRole           []string // records whose CandidateRoles contain any of these
	DedupKey          string
	Number            int64     // the record with this short number (in CampaignID); 0 does not filter
	UpdatedFrom       time.Time // inclusive
	UpdatedBefore     time.Time // exclusive
	CreatedFrom       time.Time // inclusive
	CreatedBefore     time.Time // exclusive
	DueBefore         time.Time // open tasks with DueAt before this (overdue)
}

// Page asks for one page of a keyset-paged list: up to Limit items whose ID
// is greater than After, in ascending ID order; with Desc, IDs less than
// After (all, when After is empty) in descending order.
type Page struct {
	After string
	Limit int
	Desc  bool
}

// Paging limits shared by every list.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// Normalize clamps Limit into 1..MaxPageLimit (0 means DefaultPageLimit).
func (p Page) Normalize() Page {
	switch {
	case p.Limit <= 0:
		p.Limit = DefaultPageLimit
	case p.Limit > MaxPageLimit:
		p.Limit = MaxPageLimit
	}
	return p
}

// RecordPage is one page of records. Next is the cursor for the following
// page, empty on the last one.
type RecordPage struct {
	Records []*Record
	Next    string
}

// Group keys for AggregateRecords.
const (
	GroupByCampaign = "campaign"
	GroupByForm     = "form"
	GroupByOrgUnit  = "org_unit"
	GroupByState    = "state"
	GroupByMonth    = "month"   // of CreatedAt in Asia/Shanghai: "2026-11"
	GroupByQuarter  = "quarter" // "2026-Q4"
	GroupByYear     = "year"    // "2026"
)

// Aggregate asks for counts of records, and sums of numeric answer fields,
// grouped by some of the GroupBy keys.
type Aggregate struct {
	GroupBy []string
	Sum     []string // top-level answer field names; non-numeric values count as 0
}

// Group is one row of an aggregate: the group key values (by GroupBy name),
// the record count, and the sums by field name.
type Group struct {
	Key   map[string]string
	Count int64
	Sums  map[string]float64
}
