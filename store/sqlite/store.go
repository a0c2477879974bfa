package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/engine/pay"
	"canvass/engine/registry"
	"canvass/engine/worklist"
)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	Logger *slog.Logger

	// BusyTimeout is how long a statement waits for a lock held by another
	// process before it fails with EUNAVAILABLE. Default 5s.
	BusyTimeout time.Duration
	// MaxBatch caps how many queued writes share one transaction. Default 256.
	MaxBatch int
	// ReadConns is the size of the read-only connection pool. Default
	// max(4, GOMAXPROCS).
	ReadConns int
	// QuickCheckMaxBytes is the largest file on which Open runs PRAGMA
	// quick_check, which reads every page (measured here: 1.6 s for 87 MB
	// on a busy machine). Larger files get only the header and schema
	// checks, and a log line says so. Default 256 MiB; negative: never.
	QuickCheckMaxBytes int64
}

// Store is an engine.Store on one SQLite file.
type Store struct {
	path string
	log  *slog.Logger

	rdb  *sql.DB // read-only pool; WAL lets it read while the writer writes
	wdb  *sql.DB // exactly one connection, owned by the writer goroutine
	w    *writer
	stmt struct { // hot reads, prepared once on the pool
		getRecord       *sql.Stmt
		cacheGeneration *sql.Stmt // every submission asks (cache_generation.go)
	}

	id   string     // DatabaseID
	file *fileWatch // notices the file deleted or replaced (file_watch.go)

	// mu guards sending on w.reqs against Close closing it.
	mu        sync.RWMutex
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// The Store serves the engine core and every capability package.
var (
	_ engine.Store     = (*Store)(nil)
	_ pay.Store        = (*Store)(nil)
	_ indicators.Store = (*Store)(nil)
	_ registry.Store   = (*Store)(nil)
	_ worklist.Store   = (*Store)(nil)
)

// applicationID marks a database file as Canvass's (PRAGMA application_id,
// "CVAS"), so Open can refuse another program's SQLite file.
const applicationID = 0x43564153

// Open opens (creating if needed) the database file at path and applies
// pending migrations. The directory must exist. Open refuses, without
// writing to it, a file that is not a SQLite database, belongs to another
// program, fails PRAGMA quick_check (see Options.QuickCheckMaxBytes), has a
// newer schema than this program, cannot be read and written, or is
// missing while its -wal file is not (see checkOrphanWAL); the error
// is an *engine.Error (EINVALID or EUNAVAILABLE) naming the path and the
// problem.
func Open(path string, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.QuickCheckMaxBytes == 0 {
		opts.QuickCheckMaxBytes = 256 << 20
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = max(4, runtime.GOMAXPROCS(0))
	}
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, engine.Errorf(engine.EINVALID, "sqlite: %q is not a database file path", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, engine.WrapError(engine.EINVALID, fmt.Sprintf("sqlite: bad path %q", path), err)
	}
	if err := checkPath(abs); err != nil {
		return nil, err
	}
	if err := checkOrphanWAL(abs); err != nil {
		return nil, err
	}

	start := time.Now()
	busyMs := opts.BusyTimeout.Milliseconds()
	wdb, err := sql.Open("sqlite", dsn(abs,
		fmt.Sprintf("busy_timeout(%d)", busyMs),
		"synchronous(FULL)",
		"foreign_keys(1)",
		"cache_size(-16000)",
		"temp_store(MEMORY)",
		// Deleted content is zeroed, not left in free pages; see doc.go.
		"secure_delete(1)",
	))
	if err != nil {
		return nil, openError(abs, "open", err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	ctx := context.Background()
	conn, err := wdb.Conn(ctx)
	if err != nil {
		wdb.Close()
		return nil, openError(abs, "open", err)
	}
	fail := func(err error) (*Store, error) {
		conn.Close()
		wdb.Close()
		return nil, err
	}

	// Everything up to the journal-mode switch only reads, so a file we
	// refuse is left exactly as it was.
	quick := false
	if fi, err := os.Stat(abs); err == nil {
		quick = fi.Size() <= opts.QuickCheckMaxBytes
		if !quick {
			opts.Logger.Info("sqlite: file too large for quick_check at open; run PRAGMA quick_check offline",
				"path", abs, "bytes", fi.Size(), "limit", opts.QuickCheckMaxBytes)
		}
	}
	if err := checkDatabase(ctx, conn, abs, quick); err != nil {
		return fail(err)
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return fail(openError(abs, "switch to WAL", err))
	}
	if !strings.EqualFold(mode, "wal") {
		return fail(engine.Errorf(engine.EUNAVAILABLE, "sqlite: %s: cannot use WAL mode (journal_mode is %s)", abs, mode))
	}
	// Keep the WAL file from staying huge after a burst of writes.
	if _, err := conn.ExecContext(ctx, "PRAGMA journal_size_limit=67108864"); err != nil {
		return fail(openError(abs, "configure", err))
	}
	applied, err := migrate(ctx, conn)
	if e := (*engine.Error)(nil); errors.As(err, &e) {
		return fail(engine.Errorf(e.Code, "sqlite: %s: %s", abs, e.Message))
	} else if err != nil {
		return fail(openError(abs, "migrate", err))
	}
	id, err := readDatabaseID(ctx, conn)
	if err != nil {
		return fail(openError(abs, "read the database ID", err))
	}

	// mode=rw: a reader opened later never creates a file, not even an
	// empty database where ours was deleted (file_watch.go).
	rdb, err := sql.Open("sqlite", dsn(abs,
		fmt.Sprintf("busy_timeout(%d)", busyMs),
		"query_only(1)",
		"temp_store(MEMORY)",
	)+"&mode=rw")
	if err != nil {
		return fail(openError(abs, "open readers", err))
	}
	rdb.SetMaxOpenConns(opts.ReadConns)
	rdb.SetMaxIdleConns(opts.ReadConns)
	rdb.SetConnMaxLifetime(0)
	rdb.SetConnMaxIdleTime(0)
	s := &Store{path: abs, log: opts.Logger, rdb: rdb, wdb: wdb, id: id}
	if s.stmt.getRecord, err = rdb.PrepareContext(ctx, "SELECT "+recordColumns+" FROM records WHERE id = ?"); err != nil {
		rdb.Close()
		return fail(openError(abs, "prepare", err))
	}
	if s.stmt.cacheGeneration, err = rdb.PrepareContext(ctx, "SELECT value FROM store_meta WHERE key = 'cache_generation'"); err != nil {
		s.stmt.getRecord.Close()
		rdb.Close()
		return fail(openError(abs, "prepare", err))
	}
	if s.file, err = watchFile(abs, opts.Logger); err != nil {
		s.stmt.getRecord.Close()
		s.stmt.cacheGeneration.Close()
		rdb.Close()
		return fail(err)
	}
	s.w = newWriter(conn, opts.MaxBatch, opts.Logger)
	s.w.beforeCommit = s.file.check
	s.w.optimize()
	go s.w.run()

	s.log.Debug("sqlite: opened", "path", abs, "migrations", applied, "took", time.Since(start))
	return s, nil
}

// dsn returns a modernc.org/sqlite data source name for the file at abs
// with the given pragmas run on every new connection. The file: URI form
// lets any byte appear in the path.
func dsn(abs string, pragmas ...string) string {
	q := url.Values{"_pragma": pragmas}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// checkPath reports, before SQLite touches anything, why the file at abs
// cannot be opened: a missing or unwritable directory, a directory where
// the file should be, an unreadable or read-only file, or a file that does
// not start with the SQLite header.
func checkPath(abs string) error {
	dir := filepath.Dir(abs)
	di, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return engine.Errorf(engine.EINVALID, "sqlite: directory %s does not exist", dir)
	case err != nil:
		return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: cannot reach directory %s", dir), err)
	case !di.IsDir():
		return engine.Errorf(engine.EINVALID, "sqlite: %s is not a directory", dir)
	}
	// WAL mode creates <file>-wal and <file>-shm beside the database.
	if err := syscall.Access(dir, 0x2|0x1); err != nil { // W_OK|X_OK
		return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: directory %s is not writable (the database and its -wal and -shm files live there)", dir), err)
	}

	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil // a new database
	case err != nil:
		return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: cannot reach %s", abs), err)
	case fi.IsDir():
		return engine.Errorf(engine.EINVALID, "sqlite: %s is a directory, not a database file", abs)
	case !fi.Mode().IsRegular():
		return engine.Errorf(engine.EINVALID, "sqlite: %s is not a regular file", abs)
	}
	f, err := os.Open(abs)
	if err != nil {
		return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: cannot read %s: %s", abs, reason(err)), err)
	}
	defer f.Close()
	if err := syscall.Access(abs, 0x2); err != nil { // W_OK
		return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: %s is read-only", abs), err)
	}
	if fi.Size() == 0 {
		return nil // SQLite treats an empty file as a new database
	}
	header := make([]byte, 16)
	if _, err := io.ReadFull(f, header); err != nil || string(header) != "SQLite format 3\x00" {
		return engine.Errorf(engine.EINVALID, "sqlite: %s is not a SQLite database", abs)
	}
	return nil
}

// checkDatabase reads the file's schema and, if quick is set, runs
// PRAGMA quick_check; it refuses a damaged file and another program's
// database. It writes nothing.
func checkDatabase(ctx context.Context, conn *sql.Conn, abs string, quick bool) error {
	var appID int64
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return openError(abs, "read", err)
	}
	var tables, ours int
	err := conn.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = 'schema_migrations')
		FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`).Scan(&tables, &ours)
	if err != nil {
		return openError(abs, "read", err)
	}
	if (appID != 0 && appID != applicationID) || (tables > 0 && ours == 0) {
		return engine.Errorf(engine.EINVALID, "sqlite: %s is another program's SQLite database", abs)
	}
	if !quick {
		return nil
	}
	rows, err := conn.QueryContext(ctx, "PRAGMA quick_check(5)")
	if err != nil {
		return openError(abs, "check", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return openError(abs, "check", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return openError(abs, "check", err)
	}
	if len(problems) > 0 {
		return engine.Errorf(engine.EUNAVAILABLE, "sqlite: %s is damaged (quick_check: %s)", abs, strings.Join(problems, "; "))
	}
	return nil
}

// openError turns a failure while opening abs into an *engine.Error that
// names the file and the problem.
func openError(abs, doing string, err error) error {
	var e *engine.Error
	if errors.As(err, &e) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return engine.WrapError(engine.EINVALID, fmt.Sprintf("sqlite: %s is not a SQLite database", abs), err)
		case sqlite3.SQLITE_CORRUPT:
			return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: %s is damaged", abs), err)
		case sqlite3.SQLITE_READONLY:
			return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: %s is read-only", abs), err)
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: cannot open %s", abs), err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: %s is locked by another process", abs), err)
		case sqlite3.SQLITE_FULL:
			return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: %s: the disk is full", abs), err)
		case sqlite3.SQLITE_IOERR:
			return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("sqlite: %s: I/O error", abs), err)
		}
	}
	return engine.WrapError(engine.EINTERNAL, fmt.Sprintf("sqlite: %s: %s failed", abs, doing), err)
}

// reason is the short cause of a file-system error, for messages.
func reason(err error) string {
	switch {
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Ping checks that the database file is still the one opened (see
// file_watch.go), runs a trivial query on the read pool and reports the
// writer's last failure, if its last transaction failed.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed()
	}
	if err := s.file.check(); err != nil {
		return err
	}
	var n int
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return engine.WrapError(engine.EUNAVAILABLE, "the database cannot be read: "+engine.ErrorMessage(s.dbError(err)), err)
	}
	if err := s.w.health(); err != nil {
		return engine.WrapError(engine.EUNAVAILABLE, "the database cannot be written: "+engine.ErrorMessage(s.dbError(err)), err)
	}
	return nil
}

// Close waits for every queued write to commit, then closes the database.
// The last connection to close checkpoints the WAL into the main file.
// Calls after Close return EUNAVAILABLE; Close itself may be called again.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed.Store(true)
		close(s.w.reqs)
		s.mu.Unlock()
		<-s.w.done
		s.file.close()
		// Readers go first so that the writer's is the last connection.
		err := errors.Join(s.stmt.getRecord.Close(), s.stmt.cacheGeneration.Close(), s.rdb.Close())
		err = errors.Join(err, s.w.close(), s.wdb.Close())
		if err != nil {
			s.closeErr = s.dbError(err)
		}
	})
	return s.closeErr
}

// Stats are counters of the writer since Open.
type Stats struct {
	Writes       uint64 // write requests run (committed or failed)
	Commits      uint64 // transactions committed; Writes/Commits is the mean batch size
	Aborts       uint64 // transactions that failed as a whole
	LargestBatch int    // the most requests one transaction carried
}

// Stats reports the writer's counters.
func (s *Store) Stats() Stats { return s.w.stats() }
