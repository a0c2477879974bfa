package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"canvass/app"
	mongostore "canvass/store/mongo"
	"canvass/store/sqlite"
)

// backend opens the stores of one run, all on the same database system,
// and the raw connections that the baselines use.
type backend struct {
	kind   string // "sqlite", "mongodb" or "ferretdb"
	dir    string
	uri    string // MongoDB or FerretDB
	prefix string // MongoDB database names start with it
	ferret bool
	keep   bool

	client  *mongo.Client // raw MongoDB client, the baselines' (not the store's)
	version string        // server version, for the machine line
	cleanup []func()
}

// quietLogger drops the stores' log lines: the report is the output.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

func openBackend(ctx context.Context, cfg config) (*backend, error) {
	b := &backend{dir: cfg.dir, keep: cfg.keep}
	switch {
	case cfg.db == "" || cfg.db == "sqlite":
		b.kind = "sqlite"
		return b, nil
	case cfg.db == "ferretdb":
		b.kind, b.ferret = "ferretdb", true
		dir := filepath.Join(cfg.dir, "ferretdb")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		f, err := ferretdb.New(&ferretdb.Config{
			Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
			Handler:   "sqlite",
			SQLiteURL: "file:" + dir + "/",
			Logger:    quietLogger,
		})
		if err != nil {
			return nil, fmt.Errorf("start FerretDB: %w", err)
		}
		fctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		// Its goroutines carry the label side=database, so that the CPU
		// profile of the ingest tells the database from the server.
		go pprof.Do(fctx, pprof.Labels("side", "database"), func(ctx context.Context) {
			defer close(done)
			_ = f.Run(ctx)
		})
		b.cleanup = append(b.cleanup, func() { cancel(); <-done })
		b.uri = f.MongoDBURI()
	case strings.HasPrefix(cfg.db, "mongodb://") || strings.HasPrefix(cfg.db, "mongodb+srv://"):
		b.kind, b.uri = "mongodb", cfg.db
	default:
		return nil, fmt.Errorf("-db %q: want sqlite, ferretdb or a mongodb:// URI", cfg.db)
	}
	b.prefix = fmt.Sprintf("canvass_bench_%d_", os.Getpid())
	journal := true
	c, err := mongo.Connect(options.Client().ApplyURI(b.uri).
		SetWriteConcern(&writeconcern.WriteConcern{W: writeconcern.WCMajority, Journal: &journal}).
		SetReadConcern(readconcern.Majority()).
		SetMaxPoolSize(128))
	if err != nil {
		b.close()
		return nil, err
	}
	b.client = c
	var info bson.M
	ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.Database("admin").RunCommand(ictx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		b.close()
		return nil, fmt.Errorf("%s: %w", dbName(b.uri), err)
	}
	b.version = fmt.Sprint(info["version"])
	if v, ok := info["ferretdbVersion"]; ok {
		b.version = fmt.Sprintf("FerretDB %v", v)
		if bi, ok := debug.ReadBuildInfo(); ok && b.ferret {
			for _, m := range bi.Deps {
				if m.Path == "github.com/FerretDB/FerretDB" {
					b.version = "FerretDB " + m.Version // the embedded build says "unknown"
				}
			}
		}
	}
	return b, nil
}

// describe names the store for the machine line.
func (b *backend) describe() string {
	switch b.kind {
	case "sqlite":
		return "SQLite (modernc, WAL, synchronous=FULL)"
	case "ferretdb":
		return "embedded " + b.version + " (SQLite handler)"
	}
	return fmt.Sprintf("MongoDB %s at %s (w: majority, j: true)", b.version, dbName(b.uri))
}

// openStore opens a fresh store named name (a file, or a database).
func (b *backend) openStore(ctx context.Context, name string) (app.Store, error) {
	if b.kind == "sqlite" {
		return sqlite.Open(b.sqlitePath(name), sqlite.Options{Logger: quietLogger})
	}
	db := b.prefix + name
	if !b.keep {
		b.cleanup = append(b.cleanup, func() {
			dctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = b.client.Database(db).Drop(dctx)
		})
	}
	return mongostore.Open(ctx, b.uri, mongostore.Options{Database: db, Logger: quietLogger})
}

func (b *backend) sqlitePath(name string) string { return filepath.Join(b.dir, name+".db") }

// close stops FerretDB and drops the databases (unless kept), last opened
// first.
func (b *backend) close() {
	for i := len(b.cleanup) - 1; i >= 0; i-- {
		b.cleanup[i]()
	}
	b.cleanup = nil
	if b.client != nil {
		_ = b.client.Disconnect(context.Background())
	}
}
