package worklist

import "time"

// Worklist item kinds: a group of records that share an ID number, and the
// three outcomes of comparing our records with another department's list.
const (
	WorkDuplicate  = "duplicate"
	WorkOnlyOurs   = "only_ours"
	WorkOnlyTheirs = "only_theirs"
	WorkFieldDiff  = "field_diff"
)

// WorkKinds lists the worklist item kinds.
var WorkKinds = []string{WorkDuplicate, WorkOnlyOurs, WorkOnlyTheirs, WorkFieldDiff}

// Worklist item statuses.
const (
	WorkOpen      = "open"
	WorkResolved  = "resolved"
	WorkDismissed = "dismissed"
)

// WorkStatuses lists the worklist item statuses.
var WorkStatuses = []string{WorkOpen, WorkResolved, WorkDismissed}

// Resolution sides: which side a person found right.
const (
	SideOurs    = "ours"    // our record was right
	SideTheirs  = "theirs"  // their row was right (our record is corrected)
	SideNeither = "neither" // both were wrong: corrected values given
	SideMerged  = "merged"  // duplicates merged into one surviving record
)

// WorklistItem is one thing a person must look at and decide: duplicates
// to merge or dismiss, or a difference between our records and an
// external list to verify. It sits with the village that owns it.
type WorklistItem struct {
	ID string // ULID
	// Key makes creation idempotent: a rescan or a retried run upserts the
	// item with the same key instead of making a second one.
	Key        string
	Kind       string // Work… kinds
	CampaignID string
	RunID      string // the reconciliation run that found it; empty for duplicates
	OrgUnit    string // the village the item is routed to
	OrgPath    string
	Status     string // open, resolved, dismissed

	RecordIDs   []string // our records it concerns (a duplicate group, or the matched record)
	ExternalRow int      // the row in their file (1-based, header is row 1); 0 when none
	MatchedBy   string   // "id_number" or "name_birth_date" for reconciliation matches
	// Values are the compared fields side by side, personal values masked.
	Values []WorkValue

	Resolution *WorkResolution // nil while open

	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// WorkValue is one field side by side: for reconciliation, ours and
// theirs; for duplicates, the value in each record (Values, in RecordIDs
// order). Personal values are masked.
type WorkValue struct {
	Field   string   `json:"field"`
	Label   string   `json:"label,omitempty"`
	Ours    string   `json:"ours,omitempty"`
	Theirs  string   `json:"theirs,omitempty"`
	Values  []string `json:"values,omitempty"`
	Differs bool     `json:"differs,omitempty"`
}

// WorkResolution is how a person closed an item.
type WorkResolution struct {
	By        string            `json:"by"`
	At        time.Time         `json:"at"`
	Side      string            `json:"side,omitempty"`      // Side… constants; empty for a dismissal
	Survivor  string            `json:"survivor,omitempty"`  // the record kept by a merge
	Corrected map[string]string `json:"corrected,omitempty"` // field → corrected value, masked when personal
	Note      string            `json:"note,omitempty"`
}

// WorklistFilter selects worklist items; empty fields do not filter.
type WorklistFilter struct {
	CampaignID string
	RunID      string
	Kinds      []string
	Statuses   []string
	OrgPaths   []string // items whose OrgPath starts with any of these
	RecordID   string   // items that concern this record
}

// WorklistPage is one page of worklist items.
type WorklistPage struct {
	Items []*WorklistItem
	Next  string
}

// WorklistCount is how many items share a kind, status and resolution side.
type WorklistCount struct {
	Kind   string
	Status string
	Side   string
	Count  int64
}

// DuplicateGroup is one dedup key that more than one record of a campaign
// shares.
type DuplicateGroup struct {
	DedupKey string
	Count    int64
}

// Reconciliation run statuses.
const (
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
)

// ReconcileRun is one comparison of a campaign's records with an external
// file: who ran it, on which file, and what it found.
type ReconcileRun struct {
	ID         string
	CampaignID string
	OrgPath    string // the subtree compared (the runner's scope)
	FileName   string
	FileHash   string // SHA-256 of the file: the same file twice is refused
	By         string
	At         time.Time
	Status     string // running, done, failed
	Error      string // why it failed, user-safe
	Mapping    ReconcileMapping
	Counts     ReconcileCounts
	Version    int64
}

// ReconcileCounts are a run's figures.
type ReconcileCounts struct {
	Rows          int `json:"rows"`            // data rows read from their file
	Refused       int `json:"refused"`         // rows refused (no ID, unknown or out-of-scope village, unreadable)
	Matched       int `json:"matched"`         // their rows matched to one of our records
	MatchedByName int `json:"matched_by_name"` // of those, matched by name and birth date
	Same          int `json:"same"`            // matched with no difference
	Differences   int `json:"differences"`     // matched with field differences
	OnlyOurs      int `json:"only_ours"`
	OnlyTheirs    int `json:"only_theirs"`
}
