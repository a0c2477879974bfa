package registry

import (
	"context"
	"time"

	"canvass/engine"
)

// ImportStore keeps what registry imports, exports and bulk updates need
// beyond single records: batch inserts, the import jobs with their
// uploaded files (in chunks, so every server replica can read them), the
// per-row report and the saved column mappings.
type ImportStore interface {
	// InsertRecords stores new records as InsertRecord does, each one
	// idempotent on its ID and ContentHash, and returns the stored copies in
	// the order given: a record that already exists with the same content
	// comes back as stored (a replay), changing nothing. The batch is
	// durable when it returns nil. Returns EINVALID, storing none, if a
	// record lacks ID, CampaignID or OrgPath; ECONFLICT if an ID exists with
	// different content, which that record keeps (SQLite then stores none
	// of the batch; MongoDB, without multi-document transactions, may store
	// the others, which a retry replays).
	InsertRecords(ctx context.Context, rs []*engine.Record) ([]*engine.Record, error)

	// CreateImportJob stores a new job with Version 1. Returns ECONFLICT if
	// the ID exists, EINVALID without ID, CampaignID or Kind.
	CreateImportJob(ctx context.Context, j *ImportJob) error
	// GetImportJob returns a job. Returns ENOTFOUND.
	GetImportJob(ctx context.Context, id string) (*ImportJob, error)
	// UpdateImportJob stores j if the stored Version equals j.Version and
	// returns it with Version+1. Returns ENOTFOUND, or ECONFLICT on a
	// version mismatch (another runner claimed or moved the job).
	UpdateImportJob(ctx context.Context, j *ImportJob) (*ImportJob, error)
	// ListImportJobs returns the jobs matching f, newest first (by ID
	// descending), at most f.Limit (all when 0).
	ListImportJobs(ctx context.Context, f ImportJobFilter) ([]*ImportJob, error)

	// PutImportChunk stores chunk seq (0-based) of a job's uploaded file.
	// Storing the same chunk again replaces it (an upload retry).
	PutImportChunk(ctx context.Context, jobID string, seq int, data []byte) error
	// ImportChunk returns chunk seq of a job's file. Returns ENOTFOUND.
	ImportChunk(ctx context.Context, jobID string, seq int) ([]byte, error)
	// ImportChunkSizes returns the size of every stored chunk of a job,
	// by seq.
	ImportChunkSizes(ctx context.Context, jobID string) (map[int]int, error)
	// DeleteImportChunks removes a job's file.
	DeleteImportChunks(ctx context.Context, jobID string) error

	// AddImportRows stores report rows unless one with the same ID exists
	// (a replay after a restart), and returns how many were new.
	AddImportRows(ctx context.Context, rows []ImportRow) (int, error)
	// ListImportRows returns one page of a job's report rows, keyset-paged
	// by ID (which sorts by source row).
	ListImportRows(ctx context.Context, jobID string, p engine.Page) (*ImportRowPage, error)

	// PutImportMapping stores the column mapping of a campaign's form,
	// replacing any earlier one.
	PutImportMapping(ctx context.Context, m *ImportMapping) error
	// GetImportMapping returns the saved mapping. Returns ENOTFOUND.
	GetImportMapping(ctx context.Context, campaignID, formID string) (*ImportMapping, error)
}

// Import job kinds and states.
const (
	ImportKindInsert = "import" // new records from a list
	ImportKindUpdate = "update" // an edited export, applied to existing records by id

	ImportUploading  = "uploading"  // waiting for the file's chunks
	ImportQueued     = "queued"     // the file is complete; a runner will take it
	ImportValidating = "validating" // checking every row (all-or-nothing; update preview)
	ImportPreview    = "preview"    // update: the changes are listed, waiting for confirmation
	ImportImporting  = "importing"  // writing records
	ImportDone       = "done"
	ImportFailed     = "failed"

	ImportAllOrNothing = "all_or_nothing"
	ImportGoodRows     = "good_rows"
)

// ImportJob is one import or bulk update: the uploaded file, how to read
// it, where it stands, and its counts. Runners claim it with a lease, so
// exactly one works on it at a time, and resume it after a restart from
// Checkpoint (record IDs are derived from the job and the row, so a
// replayed insert changes nothing).
type ImportJob struct {
	ID          string
	Kind        string // ImportKind…
	CampaignID  string
	FormID      string
	FormVersion int
	Mode        string // ImportAllOrNothing or ImportGoodRows
	FileName    string
	FileSize    int64
	ChunkSize   int
	Mapping     map[string]string // header → field key (or a ColumnOrgUnit/ColumnID)
	Lang        string

	CreatedBy string // user ID; the job acts with that user's roles and scope
	OrgPath   string // the creator's org path, which bounds who sees the job

	State string
	// Counts: Rows read so far, of which Valid and Invalid; Written records
	// inserted or updated; Checkpoint is the last source row whose write is
	// durable (resume after it).
	Rows, Valid, Invalid, Written int64
	Checkpoint                    int
	// Changed counts the records a bulk update's preview would change;
	// Reported the report rows stored (at most MaxImportReportRows).
	Changed, Reported int64
	// Confirmed: a previewed bulk update may be applied.
	Confirmed    bool
	ErrorCode    string // why a failed job failed (an engine code or "invalid_rows")
	ErrorMessage string

	LeaseOwner string
	LeaseUntil time.Time
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
}

// Finished reports whether the job is done or failed.
func (j *ImportJob) Finished() bool { return j.State == ImportDone || j.State == ImportFailed }

// ImportJobFilter selects jobs. Empty fields do not filter.
type ImportJobFilter struct {
	CampaignID string
	OrgPaths   []string // jobs whose OrgPath starts with any of these
	States     []string
	Limit      int
}

// ImportRow is one line of a job's report: a problem with a row (Code and
// Message, Column naming the header), or for a bulk-update preview the
// changes a row makes to a record.
type ImportRow struct {
	ID       string // job ID + row + index: sorts by row
	JobID    string
	Row      int
	Column   string
	Code     string
	Message  string
	RecordID string
	// Version is the record version the preview saw; applying fails the row
	// when the record changed since.
	Version int64
	Changes []engine.FieldChange // masked
}

// ImportRowPage is one page of report rows.
type ImportRowPage struct {
	Rows []ImportRow
	Next string
}

// ImportMapping is how the columns of a campaign form's lists map to its
// fields: header text → field key, ColumnOrgUnit or ColumnID. Headers not
// listed are matched by default (key or label), or ignored.
type ImportMapping struct {
	CampaignID string
	FormID     string
	Columns    map[string]string
	UpdatedBy  string
	UpdatedAt  time.Time
}
