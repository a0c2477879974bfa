package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	_ "modernc.org/sqlite" // the raw baselines' driver (the store uses it too)

	"canvass/engine"
)

// The raw baselines are what the database does without Canvass: the same
// record inserted with the same durability, and the same grouped sum, over
// the database's own client.

// rawInserter inserts copies of one prepared record, each under a new ID,
// one durable statement per call.
type rawInserter interface {
	insert(ctx context.Context, id string) error
	close() error
}

// newRawInserter prepares raw inserts of tmpl beside the store named
// storeName, for up to conns concurrent callers.
func (b *backend) newRawInserter(ctx context.Context, storeName string, tmpl *engine.Record, conns int) (rawInserter, error) {
	if b.kind == "sqlite" {
		return newRawSQLite(ctx, b.sqlitePath(storeName), b.sqlitePath(storeName+"-raw"), tmpl, conns)
	}
	return newRawMongo(b.client.Database(b.prefix+storeName).Collection("raw_records"), tmpl), nil
}

// sqliteDSN is a modernc DSN for the file at path with the given pragmas.
func sqliteDSN(path string, pragmas ...string) string {
	q := url.Values{"_pragma": pragmas}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

// rawSQLite is the baseline store/sqlite's doc describes: a file in WAL
// mode with synchronous=FULL, and one INSERT per write in autocommit mode,
// so every insert is its own transaction and fsyncs the WAL once. The
// records table and its indexes are copied from the store's own file, so
// both sides maintain the same b-trees.
type rawSQLite struct {
	db   *sql.DB
	stmt *sql.Stmt
	args []any
	idAt int
	dkAt int
}

func newRawSQLite(ctx context.Context, storePath, rawPath string, tmpl *engine.Record, conns int) (*rawSQLite, error) {
	src, err := sql.Open("sqlite", sqliteDSN(storePath, "query_only(1)")+"&mode=ro")
	if err != nil {
		return nil, err
	}
	defer src.Close()
	rows, err := src.QueryContext(ctx, `SELECT sql FROM sqlite_master WHERE tbl_name = 'records' AND sql IS NOT NULL ORDER BY type = 'table' DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("read the store's schema: %w", err)
	}
	var schema []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		schema = append(schema, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(schema) == 0 {
		return nil, fmt.Errorf("the store %s has no records table", storePath)
	}

	db, err := sql.Open("sqlite", sqliteDSN(rawPath, "journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(60000)"))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	r := &rawSQLite{db: db}
	fail := func(err error) (*rawSQLite, error) { db.Close(); return nil, err }
	for _, s := range schema {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fail(fmt.Errorf("copy the schema: %w", err))
		}
	}
	values, err := recordColumnValues(tmpl)
	if err != nil {
		return fail(err)
	}
	cols, err := tableColumns(ctx, db, "records")
	if err != nil {
		return fail(err)
	}
	for i, c := range cols {
		v, ok := values[c]
		if !ok {
			return fail(fmt.Errorf("the records table has a column %s that the bench does not fill", c))
		}
		r.args = append(r.args, v)
		switch c {
		case "id":
			r.idAt = i
		case "dedup_key":
			r.dkAt = i
		}
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	if r.stmt, err = db.PrepareContext(ctx, "INSERT INTO records ("+strings.Join(cols, ", ")+") VALUES ("+marks+")"); err != nil {
		return fail(err)
	}
	return r, nil
}

func tableColumns(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// recordColumnValues are r's values by column of store/sqlite's records
// table: times as UTC milliseconds (NULL for none), lists and maps as JSON.
func recordColumnValues(r *engine.Record) (map[string]any, error) {
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return nil, err
	}
	roles, err := json.Marshal(r.CandidateRoles)
	if err != nil {
		return nil, err
	}
	history, err := json.Marshal(r.History)
	if err != nil {
		return nil, err
	}
	ms := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UnixMilli()
	}
	return map[string]any{
		"id": r.ID, "campaign_id": r.CampaignID, "form_id": r.FormID, "form_version": r.FormVersion,
		"workflow_id": r.WorkflowID, "workflow_version": r.WorkflowVersion, "org_unit": r.OrgUnit, "org_path": r.OrgPath,
		"state": r.State, "answers": string(answers), "dedup_key": r.DedupKey, "step": r.Step,
		"candidate_roles": string(roles), "task_org_path": r.TaskOrgPath, "assignee": r.Assignee,
		"due_at": ms(r.DueAt), "next_timer_at": ms(r.NextTimerAt), "timer_kind": r.TimerKind,
		"lease_owner": "", "lease_until": nil, "version": 1, "created_by": r.CreatedBy,
		"created_at": ms(r.CreatedAt), "updated_at": ms(r.UpdatedAt), "history": string(history),
		"content_hash": r.ContentHash, "number": r.Number,
	}, nil
}

func (r *rawSQLite) insert(ctx context.Context, id string) error {
	args := make([]any, len(r.args))
	copy(args, r.args)
	args[r.idAt], args[r.dkAt] = id, "raw-"+id
	_, err := r.stmt.ExecContext(ctx, args...)
	return err
}

func (r *rawSQLite) close() error {
	r.stmt.Close()
	return r.db.Close()
}

// rawMongo inserts the record as one document with insertOne, under the
// client's write concern {w: "majority", j: true}, the store's own.
type rawMongo struct {
	coll *mongo.Collection
	doc  bson.D
}

func newRawMongo(coll *mongo.Collection, r *engine.Record) *rawMongo {
	var history bson.A
	for _, h := range r.History {
		history = append(history, bson.D{{Key: "at", Value: h.At}, {Key: "actor", Value: h.Actor}, {Key: "action", Value: h.Action}, {Key: "to", Value: h.ToState}})
	}
	return &rawMongo{coll: coll, doc: bson.D{
		{Key: "_id", Value: ""}, {Key: "campaignId", Value: r.CampaignID}, {Key: "formId", Value: r.FormID},
		{Key: "formVersion", Value: r.FormVersion}, {Key: "workflowId", Value: r.WorkflowID}, {Key: "workflowVersion", Value: r.WorkflowVersion},
		{Key: "orgUnit", Value: r.OrgUnit}, {Key: "orgPath", Value: r.OrgPath}, {Key: "state", Value: r.State},
		{Key: "answers", Value: r.Answers}, {Key: "dedupKey", Value: ""}, {Key: "step", Value: r.Step},
		{Key: "candidateRoles", Value: r.CandidateRoles}, {Key: "taskOrgPath", Value: r.TaskOrgPath}, {Key: "assignee", Value: r.Assignee},
		{Key: "dueAt", Value: r.DueAt}, {Key: "nextTimerAt", Value: r.NextTimerAt}, {Key: "timerKind", Value: r.TimerKind},
		{Key: "version", Value: 1}, {Key: "createdBy", Value: r.CreatedBy}, {Key: "createdAt", Value: r.CreatedAt},
		{Key: "updatedAt", Value: r.UpdatedAt}, {Key: "history", Value: history}, {Key: "contentHash", Value: r.ContentHash},
	}}
}

func (r *rawMongo) insert(ctx context.Context, id string) error {
	doc := make(bson.D, len(r.doc))
	copy(doc, r.doc)
	doc[0].Value = id
	doc[10].Value = "raw-" + id
	_, err := r.coll.InsertOne(ctx, doc)
	return err
}

func (r *rawMongo) close() error { return nil }

// rawLedgerSum is the database's own grouped sum of one campaign's ledger
// entries in one period, by worker and item: the number of groups, of
// entries and their total.
type rawLedgerSum func(ctx context.Context, campaign, period string) (groups, entries, total int64, err error)

// newRawLedgerSum opens the store named storeName for the raw grouped sum:
// the SQLite file read-only through database/sql, or the MongoDB database
// through the raw client.
func (b *backend) newRawLedgerSum(storeName string) (rawLedgerSum, func(), error) {
	if b.kind != "sqlite" {
		coll := b.client.Database(b.prefix + storeName).Collection("ledger")
		return func(ctx context.Context, campaign, period string) (int64, int64, int64, error) {
			return mongoLedgerSum(ctx, coll, campaign, period, b.ferret)
		}, func() {}, nil
	}
	db, err := sql.Open("sqlite", sqliteDSN(b.sqlitePath(storeName), "query_only(1)")+"&mode=ro")
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	const q = `SELECT worker_id, item, COUNT(*), SUM(amount_fen) FROM ledger
		WHERE campaign_id = ? AND period = ? GROUP BY worker_id, item ORDER BY worker_id, item`
	return func(ctx context.Context, campaign, period string) (groups, entries, total int64, err error) {
		rows, err := db.QueryContext(ctx, q, campaign, period)
		if err != nil {
			return 0, 0, 0, err
		}
		defer rows.Close()
		for rows.Next() {
			var worker, item string
			var n, sum int64
			if err := rows.Scan(&worker, &item, &n, &sum); err != nil {
				return 0, 0, 0, err
			}
			groups, entries, total = groups+1, entries+n, total+sum
		}
		return groups, entries, total, rows.Err()
	}, func() { db.Close() }, nil
}

// mongoLedgerSum runs one $match/$group/$sort pipeline. On FerretDB, whose
// $group gives every accumulator after the first no documents, the count
// and the sum are two pipelines, as the store's adapter does everywhere.
func mongoLedgerSum(ctx context.Context, coll *mongo.Collection, campaign, period string, ferret bool) (groups, entries, total int64, err error) {
	match := bson.D{{Key: "$match", Value: bson.D{{Key: "campaignId", Value: campaign}, {Key: "period", Value: period}}}}
	id := bson.D{{Key: "w", Value: "$workerId"}, {Key: "i", Value: "$item"}}
	sort := bson.D{{Key: "$sort", Value: bson.D{{Key: "_id.w", Value: 1}, {Key: "_id.i", Value: 1}}}}
	accs := []bson.D{{{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}, {Key: "s", Value: bson.D{{Key: "$sum", Value: "$amountFen"}}}}}
	if ferret {
		accs = []bson.D{{{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}, {{Key: "s", Value: bson.D{{Key: "$sum", Value: "$amountFen"}}}}}
	}
	for i, acc := range accs {
		group := bson.D{{Key: "$group", Value: append(bson.D{{Key: "_id", Value: id}}, acc...)}}
		cur, err := coll.Aggregate(ctx, mongo.Pipeline{match, group, sort})
		if err != nil {
			return 0, 0, 0, err
		}
		var g int64
		for cur.Next(ctx) {
			var row struct {
				N int64 `bson:"n"`
				S int64 `bson:"s"`
			}
			if err := cur.Decode(&row); err != nil {
				cur.Close(ctx)
				return 0, 0, 0, err
			}
			g, entries, total = g+1, entries+row.N, total+row.S
		}
		err = cur.Err()
		cur.Close(ctx)
		if err != nil {
			return 0, 0, 0, err
		}
		if i == 0 {
			groups = g
		}
	}
	return groups, entries, total, nil
}
