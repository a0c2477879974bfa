package registry

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"canvass/engine"
	"canvass/engine/tabular"
	"canvass/forms"
)

// Import jobs. A job's file is uploaded in chunks into the store (so any
// replica can run it and a restart loses nothing), then a runner claims
// the job with a lease and works through it, saving a checkpoint after
// every durable batch. A runner that dies leaves a lease that expires;
// the next runner resumes after the checkpoint. Record IDs derive from the
// job and the source row, and the store's inserts are idempotent on ID and
// content, so rows replayed after the checkpoint change nothing.
//
// An uploaded list is personal data (names, ID numbers, phones), so its
// chunks are sealed with the engine's vault before they reach the store
// and opened as the runner reads them: neither the database file, nor its
// WAL, nor a MongoDB collection ever holds a list in plain text, and the
// bytes a deleted chunk leaves in free pages are ciphertext. Without a
// vault no upload starts, as records with personal fields are refused
// rather than stored in plain text.

// Runner tuning.
const (
	importLease      = 2 * time.Minute // a claimed job's lease; renewed by every checkpoint
	importBatch      = 500             // records per InsertRecords
	importCheckEvery = 2000            // rows between checkpoints while only validating
	importApplyEvery = 100             // updates between checkpoints
)

// errLostLease stops a run whose job another runner took over.
var errLostLease = errors.New("registry: the import job was taken over")

// importRecordID derives a record's ULID from its job and source row: the
// job's creation time, then 6 bytes of a hash of the job ID and the row
// number, so a job's records sort in file order and a replayed row yields
// the same ID.
func importRecordID(j *ImportJob, row int) string {
	sum := sha256.Sum256([]byte(j.ID))
	var ent [10]byte
	copy(ent[:6], sum[:6])
	binary.BigEndian.PutUint32(ent[6:], uint32(row))
	var id ulid.ULID
	_ = id.SetTime(ulid.Timestamp(j.CreatedAt))
	_ = id.SetEntropy(ent[:])
	return id.String()
}

// importRowID is the ID of report row idx of a source row: it sorts by row.
func importRowID(jobID string, row, idx int) string {
	return fmt.Sprintf("%s-%09d-%03d", jobID, row, idx)
}

// ImportRequest starts an import or a bulk update.
type ImportRequest struct {
	Kind       string // ImportKindInsert (default) or ImportKindUpdate
	CampaignID string
	FormID     string // default: the campaign's first form
	Mode       string // ImportAllOrNothing (default) or ImportGoodRows; updates apply row by row
	FileName   string
	Size       int64
	Lang       string
}

// StartImport creates a job waiting for its file (ImportUploading).
// Returns EFORBIDDEN for a role that may not import, EUNAVAILABLE (field
// code no_key) when no personal-data key is configured, ENOTFOUND for an
// unknown campaign or form, ECLOSED when the campaign takes no changes,
// EINVALID for a bad kind, mode or file type, ETOOLARGE for a file over
// MaxImportBytes.
func (s *Service) StartImport(ctx context.Context, a *engine.Actor, req ImportRequest) (*ImportJob, error) {
	if err := a.Require(importRoles...); err != nil {
		return nil, err
	}
	if s.e.Vault() == nil {
		return nil, errNoVault()
	}
	if req.Kind == "" {
		req.Kind = ImportKindInsert
	}
	if req.Mode == "" {
		req.Mode = ImportAllOrNothing
	}
	var bad []engine.FieldError
	if req.Kind != ImportKindInsert && req.Kind != ImportKindUpdate {
		bad = append(bad, engine.FieldError{Pointer: "/kind", Code: "enum", Message: "import or update"})
	}
	if req.Mode != ImportAllOrNothing && req.Mode != ImportGoodRows {
		bad = append(bad, engine.FieldError{Pointer: "/mode", Code: "enum", Message: "all_or_nothing or good_rows"})
	}
	switch strings.ToLower(filepath.Ext(req.FileName)) {
	case ".csv", ".txt", ".xlsx":
	default:
		bad = append(bad, engine.FieldError{Pointer: "/file", Code: "file_type", Message: "a .csv or .xlsx file"})
	}
	if req.Size <= 0 {
		bad = append(bad, engine.FieldError{Pointer: "/file", Code: "empty", Message: "the file is empty"})
	}
	if len(bad) > 0 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the import cannot start", Fields: bad}
	}
	if req.Size > MaxImportBytes {
		return nil, engine.Errorf(engine.ETOOLARGE, "the file is larger than the limit of %d MiB", MaxImportBytes>>20)
	}
	camp, form, formVersion, err := s.campaignForm(ctx, req.CampaignID, req.FormID)
	if err != nil {
		return nil, err
	}
	now := s.e.Now()
	if err := s.e.CampaignOpen(ctx, camp, now); err != nil {
		return nil, err
	}
	if err := s.e.PhaseOpen(ctx, camp, form.ID(), now, req.Lang); err != nil {
		return nil, err
	}
	j := &ImportJob{
		ID: engine.NewID(now), Kind: req.Kind, CampaignID: camp.ID(), FormID: form.ID(), FormVersion: formVersion,
		Mode: req.Mode, FileName: filepath.Base(req.FileName), FileSize: req.Size, ChunkSize: ImportChunkSize, Lang: req.Lang,
		CreatedBy: a.ID(), OrgPath: a.User.OrgPath, State: ImportUploading, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.CreateImportJob(ctx, j); err != nil {
		return nil, err
	}
	if err := s.e.Audit(ctx, a, "import.start", "import", j.ID, j.OrgPath, map[string]any{"campaign": j.CampaignID, "form": j.FormID, "kind": j.Kind, "file": j.FileName, "size": j.FileSize}); err != nil {
		return nil, err
	}
	return s.store.GetImportJob(ctx, j.ID)
}

// errNoVault refuses an upload that could only be stored in plain text.
func errNoVault() error {
	return &engine.Error{Code: engine.EUNAVAILABLE, Message: "lists cannot be uploaded: no personal-data encryption key is configured",
		Fields: []engine.FieldError{{Pointer: "/file", Code: "no_key", Message: "no encryption key"}}}
}

// chunkAAD binds a sealed chunk to its job and place in the file.
func chunkAAD(jobID string, seq int) string { return fmt.Sprintf("import-chunk:%s/%d", jobID, seq) }

// chunkCount is how many chunks a job's file has.
func (j *ImportJob) chunkCount() int {
	return int((j.FileSize + int64(j.ChunkSize) - 1) / int64(j.ChunkSize))
}

// PutImportUpload stores chunk seq of a job's file. Every chunk but the
// last is ChunkSize bytes. Returns ENOTFOUND for a job the actor cannot
// see, ECONFLICT once the upload is finished, EINVALID for a chunk number
// or size that does not fit the file, EUNAVAILABLE without a vault.
func (s *Service) PutImportUpload(ctx context.Context, a *engine.Actor, jobID string, seq int, data []byte) error {
	j, err := s.ImportJob(ctx, a, jobID)
	if err != nil {
		return err
	}
	if j.State != ImportUploading {
		return engine.Errorf(engine.ECONFLICT, "the file of this import is complete")
	}
	n := j.chunkCount()
	want := j.ChunkSize
	if seq == n-1 {
		want = int(j.FileSize - int64(j.ChunkSize)*int64(n-1))
	}
	if seq < 0 || seq >= n || len(data) != want {
		return &engine.Error{Code: engine.EINVALID, Message: fmt.Sprintf("chunk %d must be one of 0..%d with %d bytes", seq, n-1, want),
			Fields: []engine.FieldError{{Pointer: "/chunk", Code: "chunk", Message: "wrong chunk number or size"}}}
	}
	vault := s.e.Vault()
	if vault == nil {
		return errNoVault()
	}
	sealed, err := vault.SealBytes(chunkAAD(j.ID, seq), data)
	if err != nil {
		return err
	}
	return s.store.PutImportChunk(ctx, j.ID, seq, sealed)
}

// FinishImportUpload checks that the file is complete and readable, fixes
// the column mapping from its header and queues the job. Returns EINVALID
// when chunks are missing, the file is not a CSV or XLSX sheet with a
// readable header, or no column maps to a field (an update: no id column);
// ETOOLARGE for too many columns. A file that cannot be read fails the job.
func (s *Service) FinishImportUpload(ctx context.Context, a *engine.Actor, jobID string) (*ImportJob, error) {
	j, err := s.ImportJob(ctx, a, jobID)
	if err != nil {
		return nil, err
	}
	if j.State != ImportUploading {
		return nil, engine.Errorf(engine.ECONFLICT, "the file of this import is complete")
	}
	sizes, err := s.store.ImportChunkSizes(ctx, j.ID)
	if err != nil {
		return nil, err
	}
	var missing int
	for i := 0; i < j.chunkCount(); i++ {
		if _, ok := sizes[i]; !ok {
			missing++
		}
	}
	if missing > 0 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: fmt.Sprintf("%d of %d chunks of the file are missing", missing, j.chunkCount()),
			Fields: []engine.FieldError{{Pointer: "/chunk", Code: "incomplete", Message: "upload every chunk"}}}
	}
	header, xerr := s.readHeader(ctx, j)
	if xerr == nil {
		_, form, _, ferr := s.campaignForm(ctx, j.CampaignID, j.FormID)
		if ferr != nil {
			return nil, ferr
		}
		saved, merr := s.store.GetImportMapping(ctx, j.CampaignID, j.FormID)
		cols := map[string]string{}
		if merr == nil {
			cols = saved.Columns
		} else if engine.ErrorCode(merr) != engine.ENOTFOUND {
			return nil, merr
		}
		targets := ResolveMapping(form, cols, header)
		j.Mapping = map[string]string{}
		fields := 0
		for i, t := range targets {
			if t != "" {
				j.Mapping[header[i]] = t
				if t != ColumnID && t != ColumnOrgUnit {
					fields++
				}
			}
		}
		switch {
		case j.Kind == ImportKindUpdate && !slices.Contains(targets, ColumnID):
			xerr = &engine.Error{Code: engine.EINVALID, Message: "a bulk update needs the id column of an export", Fields: []engine.FieldError{{Pointer: "/file", Code: "no_id_column", Message: "no id column"}}}
		case fields == 0:
			xerr = &engine.Error{Code: engine.EINVALID, Message: "no column of the file matches a field of the form; check the mapping", Fields: []engine.FieldError{{Pointer: "/file", Code: "no_columns", Message: "no column matches"}}}
		}
	}
	if xerr != nil {
		if _, ferr := s.failJob(ctx, j, xerr); ferr != nil {
			return nil, ferr
		}
		return nil, xerr
	}
	j.State, j.UpdatedAt = ImportQueued, s.e.Now()
	return s.store.UpdateImportJob(ctx, j)
}

// readHeader opens a job's file and returns its header row, or EINVALID
// (ETOOLARGE) saying why the file cannot be imported.
func (s *Service) readHeader(ctx context.Context, j *ImportJob) ([]string, error) {
	rd, err := s.openJobFile(ctx, j)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	h := rd.Header()
	if len(h) > MaxImportColumns {
		return nil, engine.Errorf(engine.ETOOLARGE, "the sheet has %d columns; at most %d are read", len(h), MaxImportColumns)
	}
	seen := map[string]bool{}
	for _, c := range h {
		if !cleanText(c) || len(c) > 256 {
			return nil, &engine.Error{Code: engine.EINVALID, Message: "the header row cannot be read: is this really a CSV or XLSX sheet?", Fields: []engine.FieldError{{Pointer: "/file", Code: "bad_header", Message: "unreadable header"}}}
		}
		if c != "" && seen[c] {
			return nil, &engine.Error{Code: engine.EINVALID, Message: fmt.Sprintf("the header %q appears twice", c), Fields: []engine.FieldError{{Pointer: "/file", Code: "duplicate_header", Message: c}}}
		}
		seen[c] = true
	}
	return h, nil
}

// openJobFile reads a job's file from its chunks.
func (s *Service) openJobFile(ctx context.Context, j *ImportJob) (tabular.Reader, error) {
	src := &chunkReader{ctx: ctx, st: s.store, vault: s.e.Vault(), job: j.ID, n: j.chunkCount()}
	rd, err := tabular.Open(j.FileName, src)
	if err != nil {
		if src.err != nil {
			return nil, src.err
		}
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the file is not a CSV or XLSX sheet with a header row", Err: err,
			Fields: []engine.FieldError{{Pointer: "/file", Code: "file_type", Message: "not a sheet"}}}
	}
	return rd, nil
}

// chunkReader reads a job's file chunk by chunk from the store, opening
// each sealed chunk: only one chunk is in memory at a time.
type chunkReader struct {
	ctx   context.Context
	st    ImportStore
	vault *engine.Vault
	job   string
	n     int
	seq   int
	buf   []byte
	err   error // a store or vault error, kept to tell it from a bad file
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.seq >= c.n {
			return 0, io.EOF
		}
		b, err := c.st.ImportChunk(c.ctx, c.job, c.seq)
		if err == nil {
			b, err = c.open(b)
		}
		if err != nil {
			c.err = err
			return 0, err
		}
		c.buf, c.seq = b, c.seq+1
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// open returns the plain bytes of the chunk just read. Without a vault the
// job waits (EUNAVAILABLE is retried); a chunk that does not open (its key
// was dropped from the key file, or it was stored before chunks were
// sealed) fails the job with a reason the uploader can act on.
func (c *chunkReader) open(sealed []byte) ([]byte, error) {
	if c.vault == nil {
		return nil, errNoVault()
	}
	plain, err := c.vault.OpenBytes(chunkAAD(c.job, c.seq), sealed)
	if err != nil {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the uploaded file cannot be decrypted with the configured keys; start the import again", Err: err,
			Fields: []engine.FieldError{{Pointer: "/file", Code: "undecryptable", Message: "cannot decrypt"}}}
	}
	return plain, nil
}

// UploadImport starts a job, stores the file read from r in chunks and
// queues the job: StartImport, PutImportUpload and FinishImportUpload in
// one call, for uploads that arrive whole.
func (s *Service) UploadImport(ctx context.Context, a *engine.Actor, req ImportRequest, r io.Reader) (*ImportJob, error) {
	j, err := s.StartImport(ctx, a, req)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, j.ChunkSize)
	for seq := 0; seq < j.chunkCount(); seq++ {
		n, err := io.ReadFull(r, buf)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, engine.WrapError(engine.EINVALID, "the upload ended early", err)
		}
		if err := s.PutImportUpload(ctx, a, j.ID, seq, buf[:n]); err != nil {
			return nil, err
		}
	}
	return s.FinishImportUpload(ctx, a, j.ID)
}

// jobVisible reports whether the actor may see a job: its creator, or a
// supervisor or admin over the creator's unit.
func jobVisible(a *engine.Actor, j *ImportJob) bool {
	return a.Sees(j.OrgPath) && (j.CreatedBy == a.ID() || a.Has(engine.RoleSupervisor, engine.RoleAdmin))
}

// ImportJob returns a job the actor may see. Returns ENOTFOUND otherwise.
func (s *Service) ImportJob(ctx context.Context, a *engine.Actor, id string) (*ImportJob, error) {
	if err := a.Require(engine.Roles...); err != nil {
		return nil, err
	}
	j, err := s.store.GetImportJob(ctx, id)
	if err != nil {
		return nil, err
	}
	if !jobVisible(a, j) {
		return nil, engine.Errorf(engine.ENOTFOUND, "import not found")
	}
	return j, nil
}

// ImportJobs returns the latest jobs of a campaign the actor may see.
func (s *Service) ImportJobs(ctx context.Context, a *engine.Actor, campaignID string) ([]*ImportJob, error) {
	if err := a.Require(engine.Roles...); err != nil {
		return nil, err
	}
	jobs, err := s.store.ListImportJobs(ctx, ImportJobFilter{CampaignID: campaignID, OrgPaths: a.Scope(), Limit: 50})
	if err != nil {
		return nil, err
	}
	out := jobs[:0]
	for _, j := range jobs {
		if jobVisible(a, j) {
			out = append(out, j)
		}
	}
	return out, nil
}

// ImportReport returns one page of a job's report rows.
func (s *Service) ImportReport(ctx context.Context, a *engine.Actor, jobID string, p engine.Page) (*ImportRowPage, error) {
	if _, err := s.ImportJob(ctx, a, jobID); err != nil {
		return nil, err
	}
	return s.store.ListImportRows(ctx, jobID, p.Normalize())
}

// WriteImportReport writes a job's whole report to w, one line per
// problem (and, for a bulk update, per changed field), in lang, and
// closes w.
func (s *Service) WriteImportReport(ctx context.Context, a *engine.Actor, jobID string, w tabular.Writer, lang string) error {
	j, err := s.ImportJob(ctx, a, jobID)
	if err != nil {
		return err
	}
	head := []string{"行", "列", "代码", "说明", "记录编号", "字段", "原值", "新值"}
	if engine.TextLang(lang) == "en" {
		head = []string{"Row", "Column", "Code", "Message", "Record", "Field", "Before", "After"}
	}
	if err := w.Sheet(j.FileName, head); err != nil {
		return err
	}
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListImportRows(ctx, jobID, p)
		if err != nil {
			return err
		}
		for _, r := range page.Rows {
			if len(r.Changes) == 0 {
				if err := w.Write([]any{r.Row, r.Column, r.Code, r.Message, r.RecordID, "", "", ""}); err != nil {
					return err
				}
			}
			for _, c := range r.Changes {
				if err := w.Write([]any{r.Row, r.Column, r.Code, r.Message, r.RecordID, c.Pointer, exportText(c.Before), exportText(c.After)}); err != nil {
					return err
				}
			}
		}
		if page.Next == "" {
			return w.Close()
		}
		p.After = page.Next
	}
}

// ConfirmImportUpdate applies a previewed bulk update: the job is queued
// again and a runner writes the changes. Returns ENOTFOUND, EINVALID for a
// job that is not an update, ECONFLICT unless it waits for confirmation.
func (s *Service) ConfirmImportUpdate(ctx context.Context, a *engine.Actor, jobID string) (*ImportJob, error) {
	j, err := s.ImportJob(ctx, a, jobID)
	if err != nil {
		return nil, err
	}
	if j.Kind != ImportKindUpdate {
		return nil, engine.Errorf(engine.EINVALID, "only a bulk update is confirmed")
	}
	if j.State != ImportPreview {
		return nil, engine.Errorf(engine.ECONFLICT, "this update is %s, not waiting for confirmation", j.State)
	}
	j.State, j.Confirmed, j.Checkpoint, j.UpdatedAt = ImportQueued, true, 0, s.e.Now()
	out, err := s.store.UpdateImportJob(ctx, j)
	if err != nil {
		return nil, err
	}
	return out, s.e.Audit(ctx, a, "import.confirm", "import", j.ID, j.OrgPath, map[string]any{"campaign": j.CampaignID, "changes": j.Changed})
}

// ResumeImports runs every queued or interrupted job whose lease is free,
// one after another, and returns how many it ran. Server replicas may all
// call it: a job is claimed by one at a time.
func (s *Service) ResumeImports(ctx context.Context, owner string) (int, error) {
	s.expireUploads(ctx)
	jobs, err := s.store.ListImportJobs(ctx, ImportJobFilter{States: []string{ImportQueued, ImportValidating, ImportImporting}})
	if err != nil {
		return 0, err
	}
	ran := 0
	// Oldest first: IDs sort by creation time.
	for i := len(jobs) - 1; i >= 0; i-- {
		if ctx.Err() != nil {
			return ran, ctx.Err()
		}
		ok, err := s.RunImportJob(ctx, owner, jobs[i].ID)
		if ok {
			ran++
		}
		if err != nil {
			s.e.Logger().Error("import job", "job", jobs[i].ID, "err", err)
		}
	}
	return ran, nil
}

// ImportUploadTimeout is how long a chunked upload may take from the
// start of its job. A job still waiting for its file after that was
// abandoned (a closed tab, a lost connection): it fails and its chunks are
// deleted, so that no half-uploaded file stays in the store.
const ImportUploadTimeout = 24 * time.Hour

// expireUploads fails the jobs whose upload was abandoned; see
// ImportUploadTimeout. Failures are logged: the next round tries again.
func (s *Service) expireUploads(ctx context.Context) {
	jobs, err := s.store.ListImportJobs(ctx, ImportJobFilter{States: []string{ImportUploading}})
	if err != nil {
		s.e.Logger().Error("import: listing uploads", "err", err)
		return
	}
	cutoff := s.e.Now().Add(-ImportUploadTimeout)
	for _, j := range jobs {
		if j.CreatedAt.After(cutoff) {
			continue
		}
		cause := &engine.Error{Code: "upload_abandoned", Message: "the file was not uploaded completely within 24 hours; start the import again"}
		if _, err := s.failJob(ctx, j, cause); err != nil && engine.ErrorCode(err) != engine.ECONFLICT {
			s.e.Logger().Error("import: failing an abandoned upload", "job", j.ID, "err", err)
		}
	}
}

// RunImportJob claims a job for owner and works on it until it is done,
// failed, waiting for confirmation, or ctx ends (the job then resumes
// later from its checkpoint). It reports whether it ran the job: false when
// there was nothing to do or another runner holds it.
func (s *Service) RunImportJob(ctx context.Context, owner, jobID string) (bool, error) {
	j, err := s.store.GetImportJob(ctx, jobID)
	if err != nil {
		return false, err
	}
	now := s.e.Now()
	switch {
	case j.State != ImportQueued && j.State != ImportValidating && j.State != ImportImporting:
		return false, nil
	case j.LeaseOwner != "" && j.LeaseOwner != owner && j.LeaseUntil.After(now):
		return false, nil
	}
	j.LeaseOwner, j.LeaseUntil, j.UpdatedAt = owner, now.Add(importLease), now
	if j, err = s.store.UpdateImportJob(ctx, j); err != nil {
		if engine.ErrorCode(err) == engine.ECONFLICT {
			return false, nil
		}
		return false, err
	}
	err = s.runJob(ctx, j)
	if errors.Is(err, errLostLease) {
		return true, nil
	}
	return true, err
}

// jobRun is one run of a job: the job as last saved and its row plan.
type jobRun struct {
	s    *Service
	j    *ImportJob
	plan *rowPlan
	rows []ImportRow // report rows not yet stored
}

func (s *Service) runJob(ctx context.Context, j *ImportJob) error {
	plan, err := s.planJob(ctx, j)
	if err != nil {
		if transient(err) {
			return err
		}
		_, ferr := s.failJob(ctx, j, err)
		return ferr
	}
	run := &jobRun{s: s, j: j, plan: plan}
	for {
		switch {
		case j.State == ImportQueued && j.Kind == ImportKindInsert && j.Mode == ImportAllOrNothing,
			j.State == ImportQueued && j.Kind == ImportKindUpdate && !j.Confirmed:
			j.State, j.Checkpoint, j.Rows, j.Valid, j.Invalid, j.Changed = ImportValidating, 0, 0, 0, 0, 0
		case j.State == ImportQueued:
			j.State, j.Checkpoint, j.Written = ImportImporting, 0, 0
			if j.Mode == ImportGoodRows && j.Kind == ImportKindInsert {
				j.Rows, j.Valid, j.Invalid = 0, 0, 0
			}
		case j.State == ImportValidating && j.Kind == ImportKindInsert:
			err = run.validate(ctx)
			if err == nil && j.Invalid > 0 {
				_, err = s.failJob(ctx, j, &engine.Error{Code: "invalid_rows", Message: fmt.Sprintf("%d of %d rows have problems; nothing was imported", j.Invalid, j.Rows)})
				return err
			}
			if err == nil {
				j.State, j.Checkpoint = ImportImporting, 0
			}
		case j.State == ImportValidating:
			if err = run.preview(ctx); err == nil {
				j.State, j.LeaseOwner, j.LeaseUntil = ImportPreview, "", time.Time{}
				err = run.save(ctx)
				return err
			}
		case j.State == ImportImporting && j.Kind == ImportKindInsert:
			if err = run.insert(ctx); err == nil {
				return run.finish(ctx)
			}
		case j.State == ImportImporting:
			if err = run.apply(ctx); err == nil {
				return run.finish(ctx)
			}
		default:
			return nil
		}
		if err != nil {
			if transient(err) || errors.Is(err, errLostLease) {
				return err
			}
			_, ferr := s.failJob(ctx, j, err)
			return ferr
		}
		if err = run.save(ctx); err != nil {
			return err
		}
	}
}

// transient reports an error after which a job should be retried rather
// than failed: a cancelled run or a store that cannot answer now.
func transient(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || engine.ErrorCode(err) == engine.EUNAVAILABLE
}

// planJob loads what reading the job's rows needs.
func (s *Service) planJob(ctx context.Context, j *ImportJob) (*rowPlan, error) {
	u, err := s.store.GetUser(ctx, j.CreatedBy)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, engine.Errorf(engine.EFORBIDDEN, "the user who started this import is disabled")
	}
	a := &engine.Actor{User: u}
	camp, err := s.e.Campaign(ctx, j.CampaignID)
	if err != nil {
		return nil, err
	}
	form, _, err := s.e.Form(ctx, j.FormID, j.FormVersion)
	if err != nil {
		return nil, err
	}
	wf, wfVer, err := s.e.Workflow(ctx, camp.Workflow(), 0)
	if err != nil {
		return nil, err
	}
	p := &rowPlan{s: s, job: j, actor: a, camp: camp, form: form, wf: wf, wfVer: wfVer,
		fields: map[string]*forms.Field{}, paths: fieldPaths(form), units: map[string]*engine.OrgUnit{}, levels: map[string]string{},
		xlsx: strings.EqualFold(filepath.Ext(j.FileName), ".xlsx"), lang: j.Lang}
	for _, fd := range importableFields(form) {
		p.fields[fd.Key()] = fd
	}
	root, err := s.store.GetOrgUnit(ctx, camp.OrgScope())
	if err != nil {
		return nil, err
	}
	// The units rows may name: the campaign's subtree within the
	// importer's scope.
	base := ""
	switch {
	case engine.InSubtree(root.Path, u.OrgPath):
		base = root.Path
	case engine.InSubtree(u.OrgPath, root.Path):
		base = u.OrgPath
	}
	if base != "" {
		units, err := s.store.ListOrgUnits(ctx, base)
		if err != nil {
			return nil, err
		}
		for i := range units {
			p.units[units[i].Code] = &units[i]
		}
	}
	rd, err := s.openJobFile(ctx, j)
	if err != nil {
		return nil, err
	}
	p.header = rd.Header()
	rd.Close()
	p.targets = make([]string, len(p.header))
	for i, h := range p.header {
		t := j.Mapping[h]
		if _, isField := p.fields[t]; isField || t == ColumnID || t == ColumnOrgUnit {
			p.targets[i] = t
		}
	}
	return p, nil
}

// eachRow calls fn for every data row after row from, in file order. A row
// that cannot be read comes with its error.
func (r *jobRun) eachRow(ctx context.Context, from int, fn func(row int, rec []string, rowErr error) error) error {
	rd, err := r.s.openJobFile(ctx, r.j)
	if err != nil {
		return err
	}
	defer rd.Close()
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		var re *tabular.RowError
		if err != nil && !errors.As(err, &re) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return engine.WrapError(engine.EINVALID, "the file cannot be read to its end", err)
		}
		row := rd.Row()
		if re != nil {
			row = re.Row
		}
		if row <= from {
			continue
		}
		if err := fn(row, rec, err); err != nil {
			return err
		}
	}
}

// report queues report rows of one source row, numbered, within the cap.
func (r *jobRun) report(row int, issues []ImportRow, first int) {
	for i, is := range issues {
		if r.j.Reported >= MaxImportReportRows {
			return
		}
		is.ID, is.JobID, is.Row = importRowID(r.j.ID, row, first+i), r.j.ID, row
		r.rows = append(r.rows, is)
		r.j.Reported++
	}
}

// checkRow reads and checks one row as a new record: its answers, org unit
// and the form's rules. It returns the problems, or the clean state.
func (r *jobRun) checkRow(ctx context.Context, row int, rec []string, rowErr error) (parsedRow, map[string]any, []ImportRow) {
	if rowErr != nil {
		return parsedRow{row: row}, nil, []ImportRow{r.plan.issue(row, "", RowUnreadable, "")}
	}
	pr := r.plan.readRow(ctx, row, rec)
	st, issues := r.plan.evaluate(row, pr.answers)
	issues = append(pr.issues, issues...)
	return pr, st.Clean, issues
}

// validate checks every row of an all-or-nothing import and reports the
// problems, writing nothing else.
func (r *jobRun) validate(ctx context.Context) error {
	return r.withCheckpoints(ctx, func(row int, rec []string, rowErr error) (bool, error) {
		_, _, issues := r.checkRow(ctx, row, rec, rowErr)
		r.count(issues)
		r.report(row, issues, 0)
		return len(r.rows) >= importCheckEvery || (row-r.j.Checkpoint) >= importCheckEvery, nil
	})
}

// count adds one row to the job's counts.
func (r *jobRun) count(issues []ImportRow) {
	r.j.Rows++
	if len(issues) > 0 {
		r.j.Invalid++
	} else {
		r.j.Valid++
	}
}

// withCheckpoints runs fn over the rows after the checkpoint; whenever fn
// says so (and at the end) the pending report rows are stored and the
// checkpoint saved.
func (r *jobRun) withCheckpoints(ctx context.Context, fn func(row int, rec []string, rowErr error) (bool, error)) error {
	last := r.j.Checkpoint
	err := r.eachRow(ctx, r.j.Checkpoint, func(row int, rec []string, rowErr error) error {
		flush, err := fn(row, rec, rowErr)
		if err != nil {
			return err
		}
		last = row
		if flush {
			return r.checkpoint(ctx, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return r.checkpoint(ctx, last)
}

// checkpoint stores pending report rows, then saves the job with its
// counts and the last row fully processed.
func (r *jobRun) checkpoint(ctx context.Context, row int) error {
	if len(r.rows) > 0 {
		if _, err := r.s.store.AddImportRows(ctx, r.rows); err != nil {
			return err
		}
		r.rows = r.rows[:0]
	}
	r.j.Checkpoint = row
	return r.save(ctx)
}

// save stores the job and renews its lease. Returns errLostLease when
// another runner changed it meanwhile.
func (r *jobRun) save(ctx context.Context) error {
	now := r.s.e.Now()
	r.j.UpdatedAt = now
	if r.j.LeaseOwner != "" {
		r.j.LeaseUntil = now.Add(importLease)
	}
	j, err := r.s.store.UpdateImportJob(ctx, r.j)
	if engine.ErrorCode(err) == engine.ECONFLICT {
		return errLostLease
	}
	if err != nil {
		return err
	}
	*r.j = *j
	return nil
}

// insert writes the valid rows after the checkpoint as records, a batch at
// a time. In good-rows mode it also counts and reports the bad rows; in
// all-or-nothing mode every row was valid at validation, and a row that is
// no longer valid (the directory changed meanwhile) fails the job, which
// then says how many records it holds.
func (r *jobRun) insert(ctx context.Context) error {
	var batch []*engine.Record
	flush := func(row int) error {
		if len(batch) > 0 {
			stored, err := r.s.store.InsertRecords(ctx, batch)
			if err != nil {
				return err
			}
			r.s.e.RecordsWritten(ctx, stored...)
			r.j.Written += int64(len(stored))
			batch = batch[:0]
		}
		return r.checkpoint(ctx, row)
	}
	last := r.j.Checkpoint
	good := r.j.Mode == ImportGoodRows
	err := r.eachRow(ctx, r.j.Checkpoint, func(row int, rec []string, rowErr error) error {
		pr, clean, issues := r.checkRow(ctx, row, rec, rowErr)
		var rcd *engine.Record
		if len(issues) == 0 {
			var is *ImportRow
			var err error
			if rcd, is, err = r.plan.newRecord(ctx, row, pr.unit, clean, r.s.e.Now()); err != nil {
				return err
			}
			if is != nil {
				issues = append(issues, *is)
			}
		}
		if good {
			r.count(issues)
			r.report(row, issues, 0)
		} else if len(issues) > 0 {
			if err := flush(last); err != nil {
				return err
			}
			return &engine.Error{Code: "invalid_rows", Message: fmt.Sprintf("row %d is no longer valid (%s: %s); %d records were imported from the rows before it",
				row, issues[0].Column, issues[0].Message, r.j.Written)}
		}
		if rcd != nil {
			batch = append(batch, rcd)
		}
		last = row
		if len(batch) >= importBatch || len(r.rows) >= importCheckEvery {
			return flush(row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush(last)
}

// finish marks the job done, drops its file, audits it and, for an
// import, looks for duplicates among the campaign's records.
func (r *jobRun) finish(ctx context.Context) error {
	now := r.s.e.Now()
	r.j.State, r.j.FinishedAt, r.j.LeaseOwner, r.j.LeaseUntil = ImportDone, now, "", time.Time{}
	if err := r.save(ctx); err != nil {
		return err
	}
	if err := r.s.store.DeleteImportChunks(ctx, r.j.ID); err != nil {
		r.s.e.Logger().Warn("import: the file of a finished job was not deleted", "job", r.j.ID, "err", err)
	}
	if r.j.Kind == ImportKindInsert {
		r.s.scanDuplicatesAfterImport(ctx, r.j.CampaignID)
	}
	return r.s.e.Audit(ctx, r.plan.actor, "import.done", "import", r.j.ID, r.j.OrgPath,
		map[string]any{"campaign": r.j.CampaignID, "kind": r.j.Kind, "rows": r.j.Rows, "invalid": r.j.Invalid, "written": r.j.Written})
}

// scanDuplicatesAfterImport puts the campaign's duplicates (now including
// the imported records) on its worklist. A failure is logged: the records
// are stored, and the next scan catches up.
func (s *Service) scanDuplicatesAfterImport(ctx context.Context, campaignID string) {
	if s.opts.ScanDuplicates == nil {
		return
	}
	if _, err := s.opts.ScanDuplicates(ctx, campaignID); err != nil {
		s.e.Logger().Error("import: duplicate scan failed", "campaign", campaignID, "err", err)
	}
}

// failJob marks a job failed with the reason err gives (internal errors
// are logged, not shown) and audits it.
func (s *Service) failJob(ctx context.Context, j *ImportJob, cause error) (*ImportJob, error) {
	code, msg := engine.ErrorCode(cause), engine.ErrorMessage(cause)
	if code == engine.EINTERNAL {
		s.e.Logger().Error("import job failed", "job", j.ID, "err", cause)
		msg = "internal error"
	}
	now := s.e.Now()
	j.State, j.ErrorCode, j.ErrorMessage, j.FinishedAt, j.UpdatedAt, j.LeaseOwner, j.LeaseUntil = ImportFailed, code, msg, now, now, "", time.Time{}
	out, err := s.store.UpdateImportJob(ctx, j)
	if err != nil {
		return nil, err
	}
	*j = *out
	if err := s.store.DeleteImportChunks(ctx, j.ID); err != nil {
		s.e.Logger().Warn("import: the file of a failed job was not deleted", "job", j.ID, "err", err)
	}
	return out, s.e.Audit(ctx, nil, "import.failed", "import", j.ID, j.OrgPath, map[string]any{"campaign": j.CampaignID, "code": code, "written": j.Written})
}

// ImportRunner returns the Background that runs import jobs: at start
// (resuming what a restart interrupted) and then every interval, as owner
// (unique per process: it names the lease holder). Stopping it interrupts
// the job in hand, which resumes from its checkpoint at the next start.
func (s *Service) ImportRunner(owner string, every time.Duration) *engine.Loop {
	if every <= 0 {
		every = 2 * time.Second
	}
	return engine.NewLoop("import runner", every, s.e.Logger(), func(ctx context.Context) {
		if _, err := s.ResumeImports(ctx, owner); err != nil && ctx.Err() == nil {
			s.e.Logger().Error("import runner", "err", err)
		}
	}).Interruptible()
}
