package mongo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
	"canvass/engine/registry"
)

// Import jobs, their file chunks, report rows and column mappings. Every
// lookup goes by _id, so these collections need no index of their own:
// chunks are "<job>/<seq, 6 digits>" and report rows "<job>-<row>-<idx>",
// so a job's chunks or rows are an _id range. A job document carries the
// whole job as JSON beside the fields queries filter on.
const (
	collImportJobs     = "importJobs"
	collImportChunks   = "importChunks"
	collImportRows     = "importRows"
	collImportMappings = "importMappings"
)

type importJobDoc struct {
	ID         string `bson:"_id"`
	Kind       string `bson:"kind"`
	CampaignID string `bson:"campaignId"`
	OrgPath    string `bson:"orgPath"`
	State      string `bson:"state"`
	Version    int64  `bson:"version"`
	Doc        string `bson:"doc"`
}

type importChunkDoc struct {
	ID   string `bson:"_id"`
	Data []byte `bson:"data"`
}

type importTextDoc struct {
	ID  string `bson:"_id"`
	Doc string `bson:"doc"`
}

// InsertRecords inserts the batch unordered; a duplicate _id is a replay
// when its content hash matches. Without multi-document transactions, the
// other records of a batch with a conflicting ID are stored (each is
// idempotent, so the batch can be retried once the conflict is resolved).
func (s *Store) InsertRecords(ctx context.Context, rs []*engine.Record) ([]*engine.Record, error) {
	docs := make([]any, len(rs))
	ins := make([]*recordDoc, len(rs))
	for i, r := range rs {
		if r == nil || r.ID == "" || r.CampaignID == "" || r.OrgPath == "" {
			return nil, engine.Errorf(engine.EINVALID, "a record needs an ID, a campaign and an org path")
		}
		in := *r
		in.Version = 1
		in.LeaseOwner, in.LeaseUntil = "", time.Time{}
		if in.ContentHash == "" {
			in.ContentHash = engine.RecordContentHash(r)
		}
		ins[i] = toRecordDoc(&in)
		docs[i] = ins[i]
	}
	if len(docs) == 0 {
		return nil, nil
	}
	out := make([]*engine.Record, len(rs))
	_, err := s.records.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
			return nil, s.fail("insert records", err)
		}
		for _, we := range bwe.WriteErrors {
			if !isDuplicateKey(we) {
				return nil, s.fail("insert records", err)
			}
			existing, err := s.GetRecord(ctx, ins[we.Index].ID)
			if err != nil {
				return nil, err
			}
			if existing.ContentHash != ins[we.Index].ContentHash {
				return nil, engine.Errorf(engine.ECONFLICT, "record %s already exists with different content", existing.ID)
			}
			out[we.Index] = existing
		}
	}
	for i, d := range ins {
		if out[i] == nil {
			r, err := stored(d)
			if err != nil {
				return nil, s.fail("insert records", err)
			}
			out[i] = r
		}
	}
	return out, nil
}

// mongoJob is j as stored: times as BSON keeps them (UTC milliseconds).
func mongoJob(j *registry.ImportJob) (*registry.ImportJob, string, error) {
	c := *j
	for _, t := range []*time.Time{&c.LeaseUntil, &c.CreatedAt, &c.UpdatedAt, &c.FinishedAt} {
		*t = timeOf(when(*t))
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, "", engine.WrapError(engine.EINVALID, "the import job cannot be stored", err)
	}
	return &c, string(b), nil
}

func (d *importJobDoc) job() (*registry.ImportJob, error) {
	j := new(registry.ImportJob)
	if err := json.Unmarshal([]byte(d.Doc), j); err != nil {
		return nil, engine.WrapError(engine.EINTERNAL, "a stored import job cannot be read", err)
	}
	j.Version = d.Version
	return j, nil
}

// CreateImportJob inserts a job; a duplicate _id is ECONFLICT.
func (s *Store) CreateImportJob(ctx context.Context, j *registry.ImportJob) error {
	if j == nil || j.ID == "" || j.CampaignID == "" || j.Kind == "" {
		return engine.Errorf(engine.EINVALID, "an import job needs an ID, a campaign and a kind")
	}
	c, doc, err := mongoJob(j)
	if err != nil {
		return err
	}
	c.Version = 1
	_, err = s.db.Collection(collImportJobs).InsertOne(ctx, importJobDoc{ID: c.ID, Kind: c.Kind, CampaignID: c.CampaignID, OrgPath: c.OrgPath, State: c.State, Version: 1, Doc: doc})
	if isDuplicateKey(err) {
		return engine.Errorf(engine.ECONFLICT, "import job %s exists", c.ID)
	}
	return s.fail("create import job", err)
}

// GetImportJob reads a job by _id.
func (s *Store) GetImportJob(ctx context.Context, id string) (*registry.ImportJob, error) {
	var d importJobDoc
	if err := s.findOne(ctx, "get import job", s.db.Collection(collImportJobs), bson.D{{Key: "_id", Value: id}}, &d, "import job not found"); err != nil {
		return nil, err
	}
	return d.job()
}

// UpdateImportJob replaces the job in one update matching its version.
func (s *Store) UpdateImportJob(ctx context.Context, j *registry.ImportJob) (*registry.ImportJob, error) {
	if j == nil || j.ID == "" {
		return nil, engine.Errorf(engine.EINVALID, "no import job")
	}
	c, doc, err := mongoJob(j)
	if err != nil {
		return nil, err
	}
	c.Version = j.Version + 1
	coll := s.db.Collection(collImportJobs)
	// On FerretDB the filter on version is checked and the write made
	// under this Store's lock (its updates are not atomic).
	unlock, err := s.exclusive(ctx, collImportJobs)
	if err != nil {
		return nil, err
	}
	defer unlock()
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: c.ID}, {Key: "version", Value: j.Version}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: c.State}, {Key: "doc", Value: doc}, {Key: "version", Value: c.Version}}}})
	if err != nil {
		return nil, s.fail("update import job", err)
	}
	if res.MatchedCount == 0 {
		return nil, s.missingOrConflict(ctx, "update import job", coll, c.ID,
			engine.Errorf(engine.ENOTFOUND, "import job %s not found", c.ID), engine.Errorf(engine.ECONFLICT, "import job %s changed meanwhile", c.ID))
	}
	return c, nil
}

// ListImportJobs returns matching jobs by _id descending.
func (s *Store) ListImportJobs(ctx context.Context, f registry.ImportJobFilter) ([]*registry.ImportJob, error) {
	var q filter
	q.eq("campaignId", f.CampaignID)
	q.in("state", f.States)
	q.under("orgPath", f.OrgPaths)
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: -1}})
	if f.Limit > 0 {
		opts.SetLimit(int64(f.Limit))
	}
	var docs []*importJobDoc
	if err := s.findAll(ctx, "list import jobs", s.db.Collection(collImportJobs), q.doc(), &docs, opts); err != nil {
		return nil, err
	}
	out := make([]*registry.ImportJob, 0, len(docs))
	for _, d := range docs {
		j, err := d.job()
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

func chunkID(jobID string, seq int) string { return fmt.Sprintf("%s/%06d", jobID, seq) }

// idRange matches the _ids that start with prefix.
func idRange(prefix string) bson.D {
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: prefix}, {Key: "$lt", Value: subtreeBound(prefix)}}}}
}

// PutImportChunk upserts one chunk.
func (s *Store) PutImportChunk(ctx context.Context, jobID string, seq int, data []byte) error {
	if jobID == "" || seq < 0 {
		return engine.Errorf(engine.EINVALID, "a chunk needs a job and a sequence number")
	}
	_, err := s.db.Collection(collImportChunks).ReplaceOne(ctx, bson.D{{Key: "_id", Value: chunkID(jobID, seq)}},
		importChunkDoc{ID: chunkID(jobID, seq), Data: data}, options.Replace().SetUpsert(true))
	return s.fail("put import chunk", err)
}

// ImportChunk reads one chunk.
func (s *Store) ImportChunk(ctx context.Context, jobID string, seq int) ([]byte, error) {
	var d importChunkDoc
	if err := s.findOne(ctx, "get import chunk", s.db.Collection(collImportChunks), bson.D{{Key: "_id", Value: chunkID(jobID, seq)}}, &d, "chunk not found"); err != nil {
		return nil, err
	}
	return d.Data, nil
}

// ImportChunkSizes reads a job's chunks and measures them.
func (s *Store) ImportChunkSizes(ctx context.Context, jobID string) (map[int]int, error) {
	prefix := jobID + "/"
	cur, err := s.db.Collection(collImportChunks).Find(ctx, idRange(prefix))
	if err != nil {
		return nil, s.fail("list import chunks", err)
	}
	defer cur.Close(ctx)
	out := map[int]int{}
	for cur.Next(ctx) {
		var d importChunkDoc
		if err := cur.Decode(&d); err != nil {
			return nil, s.fail("list import chunks", err)
		}
		var seq int
		if _, err := fmt.Sscanf(d.ID[len(prefix):], "%d", &seq); err == nil {
			out[seq] = len(d.Data)
		}
	}
	return out, s.fail("list import chunks", cur.Err())
}

// DeleteImportChunks deletes a job's chunks.
func (s *Store) DeleteImportChunks(ctx context.Context, jobID string) error {
	_, err := s.db.Collection(collImportChunks).DeleteMany(ctx, idRange(jobID+"/"))
	return s.fail("delete import chunks", err)
}

// AddImportRows inserts report rows unordered; duplicate _ids are replays.
func (s *Store) AddImportRows(ctx context.Context, rows []registry.ImportRow) (int, error) {
	docs := make([]any, len(rows))
	for i := range rows {
		if rows[i].ID == "" || rows[i].JobID == "" {
			return 0, engine.Errorf(engine.EINVALID, "a report row needs an ID and a job")
		}
		b, err := json.Marshal(rows[i])
		if err != nil {
			return 0, engine.WrapError(engine.EINVALID, "the report row cannot be stored", err)
		}
		docs[i] = importTextDoc{ID: rows[i].ID, Doc: string(b)}
	}
	if len(docs) == 0 {
		return 0, nil
	}
	_, err := s.db.Collection(collImportRows).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return len(docs), nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return 0, s.fail("add import rows", err)
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicateKey(we) {
			return 0, s.fail("add import rows", err)
		}
	}
	return len(docs) - len(bwe.WriteErrors), nil
}

// ListImportRows pages a job's report rows, an _id range, by _id.
func (s *Store) ListImportRows(ctx context.Context, jobID string, p engine.Page) (*registry.ImportRowPage, error) {
	var q filter
	q.add(idRange(jobID + "-"))
	docs, next, err := findPage(ctx, s, "list import rows", s.db.Collection(collImportRows), q, p, func(d *importTextDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	out := &registry.ImportRowPage{Rows: make([]registry.ImportRow, len(docs)), Next: next}
	for i, d := range docs {
		if err := json.Unmarshal([]byte(d.Doc), &out.Rows[i]); err != nil {
			return nil, engine.WrapError(engine.EINTERNAL, "a stored report row cannot be read", err)
		}
	}
	return out, nil
}

func mappingID(campaignID, formID string) string { return campaignID + "/" + formID }

// PutImportMapping upserts a mapping.
func (s *Store) PutImportMapping(ctx context.Context, m *registry.ImportMapping) error {
	if m == nil || m.CampaignID == "" || m.FormID == "" {
		return engine.Errorf(engine.EINVALID, "a mapping needs a campaign and a form")
	}
	c := *m
	c.UpdatedAt = timeOf(when(c.UpdatedAt))
	b, err := json.Marshal(&c)
	if err != nil {
		return engine.WrapError(engine.EINVALID, "the mapping cannot be stored", err)
	}
	id := mappingID(m.CampaignID, m.FormID)
	_, err = s.db.Collection(collImportMappings).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, importTextDoc{ID: id, Doc: string(b)}, options.Replace().SetUpsert(true))
	return s.fail("put import mapping", err)
}

// GetImportMapping reads a mapping.
func (s *Store) GetImportMapping(ctx context.Context, campaignID, formID string) (*registry.ImportMapping, error) {
	var d importTextDoc
	if err := s.findOne(ctx, "get import mapping", s.db.Collection(collImportMappings), bson.D{{Key: "_id", Value: mappingID(campaignID, formID)}}, &d, "no saved mapping"); err != nil {
		return nil, err
	}
	m := new(registry.ImportMapping)
	if err := json.Unmarshal([]byte(d.Doc), m); err != nil {
		return nil, engine.WrapError(engine.EINTERNAL, "a stored mapping cannot be read", err)
	}
	return m, nil
}
