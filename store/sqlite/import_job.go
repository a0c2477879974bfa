package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"canvass/engine"
	"canvass/engine/registry"
)

// InsertRecords stores a batch of new records in one write request (one
// transaction with the writer's other requests); see registry.ImportStore.
func (s *Store) InsertRecords(ctx context.Context, rs []*engine.Record) ([]*engine.Record, error) {
	rows := make([]*recordRow, len(rs))
	for i, r := range rs {
		if r == nil || r.ID == "" || r.CampaignID == "" || r.OrgPath == "" {
			return nil, &engine.Error{Code: engine.EINVALID, Message: "a record needs an ID, a campaign and an org path"}
		}
		row, err := encodeRecord(r)
		if err != nil {
			return nil, err
		}
		row.version = 1
		row.leaseOwner, row.leaseUntil = "", sql.NullInt64{}
		if row.contentHash == "" {
			row.contentHash = engine.RecordContentHash(r)
		}
		rows[i] = row
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]*engine.Record, len(rows))
	err := s.write(ctx, func(tx *writeTx) error {
		for i, row := range rows {
			res, err := tx.exec(insertRecordSQL, row.args()...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 1 {
				if err := tx.replaceRoles(row.id, nil, rs[i].CandidateRoles); err != nil {
					return err
				}
				out[i] = nil
				continue
			}
			existing, err := scanRecordRow(tx.queryRow("SELECT "+recordColumns+" FROM records WHERE id = ?", row.id))
			if err != nil {
				return err
			}
			if existing.contentHash != row.contentHash {
				return engine.Errorf(engine.ECONFLICT, "record %s exists with different content", row.id)
			}
			rec, err := existing.record()
			if err != nil {
				return err
			}
			out[i] = rec
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, row := range rows {
		if out[i] != nil {
			continue
		}
		rec, err := row.record()
		if err != nil {
			return nil, err
		}
		out[i] = rec
	}
	return out, nil
}

// storedJob is j as the store keeps it: times in UTC milliseconds.
func storedJob(j *registry.ImportJob) *registry.ImportJob {
	c := *j
	for _, t := range []*time.Time{&c.LeaseUntil, &c.CreatedAt, &c.UpdatedAt, &c.FinishedAt} {
		*t = timeOf(nullMillis(*t))
	}
	return &c
}

// CreateImportJob stores a new job; see registry.ImportStore.
func (s *Store) CreateImportJob(ctx context.Context, j *registry.ImportJob) error {
	if j == nil || j.ID == "" || j.CampaignID == "" || j.Kind == "" {
		return engine.Errorf(engine.EINVALID, "an import job needs an ID, a campaign and a kind")
	}
	c := storedJob(j)
	c.Version = 1
	doc, err := jsonText(c, "import job")
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec(`INSERT INTO import_jobs (id, kind, campaign_id, org_path, state, doc, version)
			VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO NOTHING`, c.ID, c.Kind, c.CampaignID, c.OrgPath, c.State, doc)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return engine.Errorf(engine.ECONFLICT, "import job %s exists", c.ID)
		}
		return nil
	})
}

func scanJob(sc rowScanner) (*registry.ImportJob, error) {
	var doc string
	var version int64
	if err := sc.Scan(&doc, &version); err != nil {
		return nil, err
	}
	j := new(registry.ImportJob)
	if err := decodeJSON([]byte(doc), j, "import job"); err != nil {
		return nil, err
	}
	j.Version = version
	return j, nil
}

// GetImportJob returns a job; see registry.ImportStore.
func (s *Store) GetImportJob(ctx context.Context, id string) (*registry.ImportJob, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	j, err := scanJob(s.rdb.QueryRowContext(ctx, "SELECT doc, version FROM import_jobs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "import job %s not found", id)
	}
	if err != nil {
		return nil, s.dbError(err)
	}
	return j, nil
}

// UpdateImportJob stores j if its version matches; see registry.ImportStore.
func (s *Store) UpdateImportJob(ctx context.Context, j *registry.ImportJob) (*registry.ImportJob, error) {
	if j == nil || j.ID == "" {
		return nil, engine.Errorf(engine.EINVALID, "no import job")
	}
	c := storedJob(j)
	c.Version = j.Version + 1
	doc, err := jsonText(c, "import job")
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, func(tx *writeTx) error {
		return tx.updateVersioned("import_jobs", c.ID, "import job "+c.ID,
			"UPDATE import_jobs SET state = ?, doc = ?, version = version + 1 WHERE id = ? AND version = ?",
			c.State, doc, c.ID, j.Version)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ListImportJobs returns matching jobs newest first; see registry.ImportStore.
func (s *Store) ListImportJobs(ctx context.Context, f registry.ImportJobFilter) ([]*registry.ImportJob, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	if f.CampaignID != "" {
		w.add("campaign_id = ?", f.CampaignID)
	}
	w.in("state", f.States)
	w.subtrees("org_path", f.OrgPaths)
	q := "SELECT doc, version FROM import_jobs" + w.sql() + " ORDER BY id DESC"
	if f.Limit > 0 {
		q += " LIMIT " + itoa(f.Limit)
	}
	jobs, err := queryAll(ctx, s.rdb, q, w.args, scanJob)
	if err != nil {
		return nil, s.dbError(err)
	}
	return jobs, nil
}

// PutImportChunk stores or replaces one chunk; see registry.ImportStore.
func (s *Store) PutImportChunk(ctx context.Context, jobID string, seq int, data []byte) error {
	if jobID == "" || seq < 0 {
		return engine.Errorf(engine.EINVALID, "a chunk needs a job and a sequence number")
	}
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec(`INSERT INTO import_chunks (job_id, seq, data) VALUES (?, ?, ?)
			ON CONFLICT (job_id, seq) DO UPDATE SET data = excluded.data`, jobID, seq, data)
		return err
	})
}

// ImportChunk returns one chunk; see registry.ImportStore.
func (s *Store) ImportChunk(ctx context.Context, jobID string, seq int) ([]byte, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	var data []byte
	err := s.rdb.QueryRowContext(ctx, "SELECT data FROM import_chunks WHERE job_id = ? AND seq = ?", jobID, seq).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "chunk %d of import %s not found", seq, jobID)
	}
	if err != nil {
		return nil, s.dbError(err)
	}
	return data, nil
}

// ImportChunkSizes returns the stored chunks' sizes; see registry.ImportStore.
func (s *Store) ImportChunkSizes(ctx context.Context, jobID string) (map[int]int, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	type size struct{ seq, n int }
	sizes, err := queryAll(ctx, s.rdb, "SELECT seq, length(data) FROM import_chunks WHERE job_id = ?", []any{jobID},
		func(sc rowScanner) (size, error) {
			var x size
			return x, sc.Scan(&x.seq, &x.n)
		})
	if err != nil {
		return nil, s.dbError(err)
	}
	out := make(map[int]int, len(sizes))
	for _, x := range sizes {
		out[x.seq] = x.n
	}
	return out, nil
}

// DeleteImportChunks removes a job's file; see registry.ImportStore.
func (s *Store) DeleteImportChunks(ctx context.Context, jobID string) error {
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec("DELETE FROM import_chunks WHERE job_id = ?", jobID)
		return err
	})
}

// AddImportRows inserts report rows whose ID is new; see registry.ImportStore.
func (s *Store) AddImportRows(ctx context.Context, rows []registry.ImportRow) (int, error) {
	docs := make([]string, len(rows))
	for i := range rows {
		if rows[i].ID == "" || rows[i].JobID == "" {
			return 0, engine.Errorf(engine.EINVALID, "a report row needs an ID and a job")
		}
		doc, err := jsonText(rows[i], "report row")
		if err != nil {
			return 0, err
		}
		docs[i] = doc
	}
	if len(rows) == 0 {
		return 0, nil
	}
	var added int64
	err := s.write(ctx, func(tx *writeTx) error {
		added = 0
		for i, r := range rows {
			res, err := tx.exec("INSERT INTO import_rows (id, job_id, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", r.ID, r.JobID, docs[i])
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += n
		}
		return nil
	})
	return int(added), err
}

// ListImportRows returns one keyset page of a job's report rows; see
// registry.ImportStore.
func (s *Store) ListImportRows(ctx context.Context, jobID string, p engine.Page) (*registry.ImportRowPage, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	w.add("job_id = ?", jobID)
	rows, next, err := listPage(ctx, s.rdb, "import_rows", "id, doc", w, p, func(sc rowScanner) (registry.ImportRow, error) {
		var id, doc string
		var r registry.ImportRow
		if err := sc.Scan(&id, &doc); err != nil {
			return r, err
		}
		err := decodeJSON([]byte(doc), &r, "report row")
		return r, err
	}, func(r registry.ImportRow) string { return r.ID })
	if err != nil {
		return nil, s.dbError(err)
	}
	return &registry.ImportRowPage{Rows: rows, Next: next}, nil
}

// PutImportMapping stores a mapping; see registry.ImportStore.
func (s *Store) PutImportMapping(ctx context.Context, m *registry.ImportMapping) error {
	if m == nil || m.CampaignID == "" || m.FormID == "" {
		return engine.Errorf(engine.EINVALID, "a mapping needs a campaign and a form")
	}
	c := *m
	c.UpdatedAt = timeOf(nullMillis(c.UpdatedAt))
	doc, err := jsonText(c, "mapping")
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec(`INSERT INTO import_mappings (campaign_id, form_id, doc) VALUES (?, ?, ?)
			ON CONFLICT (campaign_id, form_id) DO UPDATE SET doc = excluded.doc`, c.CampaignID, c.FormID, doc)
		return err
	})
}

// GetImportMapping returns a saved mapping; see registry.ImportStore.
func (s *Store) GetImportMapping(ctx context.Context, campaignID, formID string) (*registry.ImportMapping, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	var doc string
	err := s.rdb.QueryRowContext(ctx, "SELECT doc FROM import_mappings WHERE campaign_id = ? AND form_id = ?", campaignID, formID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "no saved mapping")
	}
	if err != nil {
		return nil, s.dbError(err)
	}
	m := new(registry.ImportMapping)
	return m, decodeJSON([]byte(doc), m, "mapping")
}
