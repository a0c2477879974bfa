// Package mongo is the engine.Store for deployments that outgrow one
// machine: MongoDB through go.mongodb.org/mongo-driver/v2.
//
// One record is one document, and every change to it is one conditional
// single-document operation (findOneAndUpdate filtered on version): no
// multi-document transactions, so the adapter works the same on a replica
// set, a sharded cluster and the embedded FerretDB the tests run on. Unique
// indexes, created at Open, make inserts idempotent (record IDs, ledger
// keys, usernames, session hashes, counter windows).
//
// The one act that spans documents, publishing a campaign's definitions
// together (PublishDefinitions), is still all or nothing: the versions are
// marked with a batch, one single-document update of the batch commits
// them, and readers resolve the marks, so they see all of the versions
// published or none; definition_publish.go gives the argument, crashes
// included.
//
// Writes use write concern majority with journaling, so a write the Store
// acknowledged survives the failover of a primary; reads use read concern
// majority, so nothing a failover could roll back is ever read.
//
// Times are BSON dates, which keep milliseconds: a Store gives back times in
// UTC truncated to the millisecond, like every engine.Store. A zero time is
// stored as null, so it never matches a range.
//
// The adapter keeps to what both MongoDB and FerretDB 1.24 do correctly:
// plain $match/$group/$sort/$project pipelines with one accumulator each, no
// date operators (month, quarter and year keys are computed at write time),
// and no partial or TTL indexes it cannot do without. store_test.go lists
// each FerretDB difference it works around.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/engine/pay"
	"canvass/engine/registry"
	"canvass/engine/worklist"
)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	Logger *slog.Logger

	// Database overrides the database named in the URI ("canvass" when
	// neither names one).
	Database string

	// ServerSelectionTimeout is how long a call waits for a usable server
	// (a reachable primary) before it returns EUNAVAILABLE, and how long
	// opening a connection may take. Default: serverSelectionTimeoutMS
	// from the URI, else 1s, so that a lost database is reported within 2
	// seconds instead of the driver's 30. A connectTimeoutMS in the URI
	// still sets the connection part, for slow links.
	ServerSelectionTimeout time.Duration

	// Timeout bounds every single database call, including a server that
	// accepts connections but no longer answers. Default: timeoutMS from
	// the URI, else 10s. A shorter deadline on the caller's ctx wins.
	Timeout time.Duration
}

// poolWarm is how many connections to the primary a Store keeps open, and
// how many it may be opening at once, unless the URI says otherwise.
const poolWarm = 10

// Collection names.
const (
	collRecords     = "records"
	collDefinitions = "definitions"
	collOrgUnits    = "org_units"
	collUsers       = "users"
	collSessions    = "sessions"
	collCounters    = "counters"
	collLedger      = "ledger"
	collAudit       = "audit"
)

// Store is an engine.Store on a MongoDB database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	logger *slog.Logger

	selectTimeout time.Duration

	// serial is set on FerretDB, whose updates are not atomic (it reads the
	// document, applies the update in Go and writes the whole document
	// back, with no check that it is unchanged): every update of an
	// existing document then takes its collection's mutex, which makes
	// this process's updates atomic. MongoDB needs none of it.
	serial bool
	locks  map[string]chan struct{} // a mutex per collection that a ctx can give up on

	records     *mongo.Collection
	definitions *mongo.Collection
	orgUnits    *mongo.Collection
	users       *mongo.Collection
	sessions    *mongo.Collection
	counters    *mongo.Collection
	ledger      *mongo.Collection
	audit       *mongo.Collection
}

// The Store serves the engine core and every capability package.
var (
	_ engine.Store     = (*Store)(nil)
	_ pay.Store        = (*Store)(nil)
	_ indicators.Store = (*Store)(nil)
	_ registry.Store   = (*Store)(nil)
	_ worklist.Store   = (*Store)(nil)
)

// Open connects to the MongoDB deployment at uri (the database named in
// the URI path, "canvass" by default) and creates missing indexes.
// Returns EINVALID for a malformed URI and EUNAVAILABLE when no server
// answers: at once (after ServerSelectionTimeout) when ctx has no
// deadline, else when the deadline comes, so that a server started
// together with its database waits for it.
func Open(ctx context.Context, uri string, opts Options) (*Store, error) {
	cs, err := connstring.Parse(uri)
	if err != nil {
		return nil, engine.WrapError(engine.EINVALID, "the MongoDB URI is not valid", err)
	}
	name := opts.Database
	if name == "" {
		name = cs.Database
	}
	if name == "" {
		name = "canvass"
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ServerSelectionTimeout <= 0 {
		opts.ServerSelectionTimeout = time.Second
		if cs.ServerSelectionTimeoutSet {
			opts.ServerSelectionTimeout = cs.ServerSelectionTimeout
		}
	}
	connectTimeout := opts.ServerSelectionTimeout
	if cs.ConnectTimeoutSet {
		connectTimeout = cs.ConnectTimeout
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
		if cs.TimeoutSet {
			opts.Timeout = cs.Timeout
		}
	}

	journal := true
	co := options.Client().ApplyURI(uri)
	if cs.AppName == "" {
		co.SetAppName("canvass")
	}
	// Waiting for a pooled connection counts against the server selection
	// timeout, so a burst of requests on a cold pool must not queue behind
	// the driver's default of two connection set-ups at a time: keep some
	// connections open, and open more at once.
	if !cs.MinPoolSizeSet {
		co.SetMinPoolSize(poolWarm)
	}
	if !cs.MaxConnectingSet {
		co.SetMaxConnecting(poolWarm)
	}
	// Write and read concerns are the durability contract of engine.Store,
	// so they are not left to the URI.
	co.SetServerSelectionTimeout(opts.ServerSelectionTimeout).
		SetConnectTimeout(connectTimeout).
		SetTimeout(opts.Timeout).
		SetWriteConcern(&writeconcern.WriteConcern{W: writeconcern.WCMajority, Journal: &journal}).
		SetReadConcern(readconcern.Majority()).
		SetReadPreference(readpref.Primary()).
		SetBSONOptions(&options.BSONOptions{DefaultDocumentMap: true})
	client, err := mongo.Connect(co)
	if err != nil {
		return nil, engine.WrapError(engine.EINVALID, "the MongoDB URI is not valid", err)
	}
	db := client.Database(name)
	s := &Store{
		client:        client,
		db:            db,
		logger:        opts.Logger,
		selectTimeout: opts.ServerSelectionTimeout,
		records:       db.Collection(collRecords),
		definitions:   db.Collection(collDefinitions),
		orgUnits:      db.Collection(collOrgUnits),
		users:         db.Collection(collUsers),
		sessions:      db.Collection(collSessions),
		counters:      db.Collection(collCounters),
		ledger:        db.Collection(collLedger),
		audit:         db.Collection(collAudit),
	}
	for _, step := range []func(context.Context) error{s.waitForServer, s.detectFerretDB, s.createIndexes} {
		if err := step(ctx); err != nil {
			_ = client.Disconnect(context.Background())
			return nil, err
		}
	}
	return s, nil
}

// waitForServer pings the primary until it answers. It tries again after
// a failure to reach any server only while ctx has a deadline ahead;
// other failures (credentials, TLS) end it at once.
func (s *Store) waitForServer(ctx context.Context) error {
	for {
		err := s.client.Ping(ctx, readpref.Primary())
		if err == nil {
			return nil
		}
		var sse topology.ServerSelectionError
		if _, ok := ctx.Deadline(); !ok || !errors.As(err, &sse) {
			return s.fail("ping", err)
		}
		s.logger.Info("mongo: waiting for the database", "reason", engine.ErrorMessage(s.fail("ping", err)))
		select {
		case <-ctx.Done():
			return s.fail("ping", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// detectFerretDB asks the server what it is, and turns on in-process
// serialized updates on FerretDB (see Store.serial).
func (s *Store) detectFerretDB(ctx context.Context) error {
	var info bson.M
	if err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return s.fail("build info", err)
	}
	v, ok := info["ferretdbVersion"]
	if !ok {
		return nil
	}
	s.serial = true
	s.locks = map[string]chan struct{}{}
	for _, c := range []string{collRecords, collDefinitions, collOrgUnits, collUsers, collCounters, collLinks, collNotifications,
		collImportJobs, collWorklist, collReconcileRuns, collReportSlots, collIndicatorContribs, collPeriodLocks, collRecordNumbers, collScheduleRuns} {
		s.locks[c] = make(chan struct{}, 1)
	}
	s.logger.Warn("mongo: FerretDB updates are not atomic; this Store serializes its own updates, "+
		"which is safe for one process only: run one replica, or MongoDB", "ferretdb", v)
	return nil
}

// exclusive locks coll for one read-modify-write on FerretDB and returns
// the unlock, or gives up with EUNAVAILABLE when ctx ends first; on
// MongoDB, whose single-document updates are atomic, it does nothing.
func (s *Store) exclusive(ctx context.Context, coll string) (unlock func(), err error) {
	if !s.serial {
		return func() {}, nil
	}
	lock := s.locks[coll]
	select {
	case lock <- struct{}{}:
		return func() { <-lock }, nil
	case <-ctx.Done():
		return nil, s.fail("wait for "+coll, ctx.Err())
	}
}

// Close releases the connections. Every acknowledged write is already
// durable, so there is nothing to flush.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.client.Disconnect(ctx)
	if err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
		return s.fail("close", err)
	}
	return nil
}

// Ping reports whether the primary answers now; EUNAVAILABLE says why not.
func (s *Store) Ping(ctx context.Context) error {
	return s.fail("ping", s.client.Ping(ctx, readpref.Primary()))
}

// index is one index of one collection.
type index struct {
	coll   *mongo.Collection
	name   string
	keys   bson.D
	unique bool
	ttl    bool // expire documents at the date in the (single) key field
}

func (s *Store) indexes() []index {
	asc := func(fields ...string) bson.D {
		d := make(bson.D, len(fields))
		for i, f := range fields {
			d[i] = bson.E{Key: f, Value: 1}
		}
		return d
	}
	return []index{
		{coll: s.records, name: "campaign_id", keys: asc("campaignId", "_id")},
		{coll: s.records, name: "org_path_id", keys: asc("orgPath", "_id")},
		{coll: s.records, name: "task_org_path", keys: asc("taskOrgPath")},
		{coll: s.records, name: "assignee", keys: asc("assignee")},
		{coll: s.records, name: "dedup_key", keys: asc("dedupKey")},
		{coll: s.records, name: "next_timer_at", keys: asc("nextTimerAt")},
		{coll: s.records, name: "updated_at", keys: asc("updatedAt")},

		{coll: s.definitions, name: "kind_id_version", keys: asc("kind", "defId", "version"), unique: true},

		{coll: s.orgUnits, name: "path", keys: asc("path")},

		{coll: s.users, name: "username", keys: asc("username"), unique: true},
		{coll: s.users, name: "org_path", keys: asc("orgPath")},

		{coll: s.sessions, name: "user_id", keys: asc("userId")},
		{coll: s.sessions, name: "expire_at", keys: asc("expireAt"), ttl: true},

		{coll: s.counters, name: "key_window", keys: asc("key", "windowStart"), unique: true},
		{coll: s.counters, name: "expire_at", keys: asc("expireAt"), ttl: true},

		{coll: s.ledger, name: "key", keys: asc("key"), unique: true},
		{coll: s.ledger, name: "campaign_id", keys: asc("campaignId", "_id")},
		{coll: s.ledger, name: "worker_id", keys: asc("workerId", "_id")},
		{coll: s.ledger, name: "record_id", keys: asc("recordId")},
		{coll: s.ledger, name: "worker_org_path", keys: asc("workerOrgPath")},

		{coll: s.db.Collection(collPeriodLocks), name: "campaign_period", keys: asc("campaignId", "period"), unique: true},

		{coll: s.db.Collection(collLinks), name: "token_hash", keys: asc("tokenHash"), unique: true},
		{coll: s.db.Collection(collLinks), name: "campaign_org_path", keys: asc("campaignId", "orgPath")},

		{coll: s.db.Collection(collNotifications), name: "user_id", keys: asc("userId", "_id")},
		{coll: s.db.Collection(collNotifications), name: "user_unread", keys: asc("userId", "readAt", "_id")},

		{coll: s.db.Collection(collImportJobs), name: "campaign_id", keys: asc("campaignId", "_id")},
		{coll: s.db.Collection(collImportJobs), name: "state", keys: asc("state")},

		{coll: s.records, name: "campaign_dedup_key", keys: asc("campaignId", "dedupKey")},
		{coll: s.records, name: "campaign_number", keys: asc("campaignId", "number")},
		{coll: s.db.Collection(collWorklist), name: "key", keys: asc("key"), unique: true},
		{coll: s.db.Collection(collWorklist), name: "campaign_id", keys: asc("campaignId", "_id")},
		{coll: s.db.Collection(collWorklist), name: "org_path", keys: asc("orgPath", "_id")},
		{coll: s.db.Collection(collWorklist), name: "run_id", keys: asc("runId", "_id")},
		{coll: s.db.Collection(collWorklist), name: "record_ids", keys: asc("recordIds")},
		{coll: s.db.Collection(collReconcileRuns), name: "file_key", keys: asc("fileKey"), unique: true},
		{coll: s.db.Collection(collReconcileRuns), name: "campaign_id", keys: asc("campaignId", "_id")},

		{coll: s.db.Collection(collReportSlots), name: "campaign_org_path", keys: asc("campaignId", "orgPath")},
		{coll: s.db.Collection(collReportSlots), name: "next_timer_at", keys: asc("nextTimerAt")},

		{coll: s.db.Collection(collIndicatorCounters), name: "campaign_path_month", keys: asc("campaignId", "orgPath", "month")},
		{coll: s.db.Collection(collIndicatorContribs), name: "campaign_id", keys: asc("campaignId")},
		{coll: s.db.Collection(collOfficialImports), name: "version", keys: asc("version"), unique: true},
		{coll: s.db.Collection(collOfficialFigures), name: "key_path_period", keys: asc("key", "orgPath", "period")},

		{coll: s.audit, name: "object_id", keys: asc("objectId", "_id")},
		{coll: s.audit, name: "actor", keys: asc("actor", "_id")},
		{coll: s.audit, name: "org_path", keys: asc("orgPath")},
		{coll: s.audit, name: "at", keys: asc("at")},
	}
}

// createIndexes creates every index that is missing. createIndexes is
// idempotent for an index of the same name and spec, so replicas opening at
// once are fine.
//
// TTL indexes only tidy up (expired sessions and old counter windows are
// never read as live); a server without them (FerretDB) gets a warning and
// keeps working, the documents just stay.
func (s *Store) createIndexes(ctx context.Context) error {
	for _, ix := range s.indexes() {
		o := options.Index().SetName(ix.name)
		if ix.unique {
			o.SetUnique(true)
		}
		if ix.ttl {
			o.SetExpireAfterSeconds(0)
		}
		_, err := ix.coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: ix.keys, Options: o})
		if ix.ttl && hasCode(err, codeNotImplemented) {
			s.logger.Warn("mongo: the server has no TTL indexes; expired documents are kept",
				"collection", ix.coll.Name(), "index", ix.name, "err", err)
			continue
		}
		if err != nil {
			return s.fail(fmt.Sprintf("create index %s.%s", ix.coll.Name(), ix.name), err)
		}
	}
	return nil
}
