package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"canvass/engine"
)

// Backups. Backup copies a database while servers keep using it: a
// read-only connection runs VACUUM INTO, which reads one snapshot (WAL
// lets it read while the writer writes) and writes it as a new, compact
// database file, in rollback-journal mode, with no -wal beside it. Every
// write acknowledged before Backup started is in the copy; writes that
// commit while it runs may or may not be, and the copy is consistent
// either way. The copy is checked (PRAGMA integrity_check) and synced
// before it gets its final name, and an existing file is never
// overwritten.
//
// Restore puts a backup in place of a database no process has open. It
// copies the backup beside the database, checks the copy (Inspect: a
// Canvass database, intact, a schema this program knows, its database
// ID), lets the caller accept it, moves the old database and its -wal and
// -shm files aside, and renames the copy into place.

// Info describes a database file.
type Info struct {
	DatabaseID    string // "" for a database made before database IDs (schema < 9)
	SchemaVersion int
	Bytes         int64
}

// Backup writes a consistent copy of the database at path to out, which
// must not exist. It never writes to path. Returns EINVALID when path is
// missing or not a Canvass database, or out exists or its directory does
// not; EUNAVAILABLE when a file cannot be read or written.
func Backup(ctx context.Context, path, out string) (Info, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Info{}, engine.WrapError(engine.EINVALID, fmt.Sprintf("bad path %q", path), err)
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return Info{}, engine.WrapError(engine.EINVALID, fmt.Sprintf("bad path %q", out), err)
	}
	if err := mustExist(abs); err != nil {
		return Info{}, err
	}
	if err := checkPath(abs); err != nil {
		return Info{}, err
	}
	if err := mustNotExist(absOut); err != nil {
		return Info{}, err
	}

	// mode=ro: a backup must not write to the live database, not even a
	// migration, whatever version of this program the server runs.
	conn, err := openConn(ctx, abs, "mode=ro", "_pragma=busy_timeout(10000)")
	if err != nil {
		return Info{}, err
	}
	defer conn.Close()
	if err := checkDatabase(ctx, conn.Conn, abs, false); err != nil {
		return Info{}, err
	}
	if _, err := schemaInfo(ctx, conn.Conn, abs); err != nil {
		return Info{}, err
	}

	// VACUUM INTO takes an empty file, so the temporary name is reserved
	// by creating it.
	tmp, err := os.CreateTemp(filepath.Dir(absOut), "."+filepath.Base(absOut)+".tmp-")
	if err != nil {
		return Info{}, fileError("create", filepath.Dir(absOut), err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // gone already once linked to out
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", tmp.Name()); err != nil {
		return Info{}, openError(abs, "copy", err)
	}
	info, err := Inspect(ctx, tmp.Name())
	if err != nil {
		return Info{}, fmt.Errorf("the copy failed its check: %w", err)
	}
	if err := syncFile(tmp.Name()); err != nil {
		return Info{}, fileError("sync", tmp.Name(), err)
	}
	// A hard link gives the copy its name only if the name is still free.
	if err := os.Link(tmp.Name(), absOut); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Info{}, engine.Errorf(engine.EINVALID, "%s exists; a backup never overwrites a file", absOut)
		}
		return Info{}, fileError("create", absOut, err)
	}
	if err := syncDir(filepath.Dir(absOut)); err != nil {
		return Info{}, fileError("sync", filepath.Dir(absOut), err)
	}
	return info, nil
}

// Inspect checks a database file that no process writes (a backup): it is
// a Canvass database (PRAGMA application_id and schema_migrations), whole
// (a full PRAGMA integrity_check, which reads every page) and of a schema
// this program knows, with no -wal file beside it that it would depend
// on. It never writes. Returns EINVALID naming the problem.
func Inspect(ctx context.Context, path string) (Info, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Info{}, engine.WrapError(engine.EINVALID, fmt.Sprintf("bad path %q", path), err)
	}
	if err := mustExist(abs); err != nil {
		return Info{}, err
	}
	if err := checkPath(abs); err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return Info{}, fileError("read", abs, err)
	}
	if fi.Size() == 0 {
		return Info{}, engine.Errorf(engine.EINVALID, "%s is empty, not a Canvass database", abs)
	}
	if wal, err := os.Stat(abs + "-wal"); err == nil && wal.Size() > 0 {
		return Info{}, engine.Errorf(engine.EINVALID, "%s has a -wal file beside it: it is a database in use, or a copy of one taken without its -wal; make backups with canvass backup", abs)
	}
	// immutable=1: no locks, no -shm, nothing written; right for a file
	// that nothing else has open.
	conn, err := openConn(ctx, abs, "immutable=1")
	if err != nil {
		return Info{}, err
	}
	defer conn.Close()
	if err := checkDatabase(ctx, conn.Conn, abs, false); err != nil {
		return Info{}, asInvalid(err)
	}
	info, err := schemaInfo(ctx, conn.Conn, abs)
	if err != nil {
		return Info{}, asInvalid(err)
	}
	info.Bytes = fi.Size()
	rows, err := conn.QueryContext(ctx, "PRAGMA integrity_check(5)")
	if err != nil {
		return Info{}, asInvalid(openError(abs, "check", err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return Info{}, asInvalid(openError(abs, "check", err))
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return Info{}, asInvalid(openError(abs, "check", err))
	}
	if len(problems) > 0 {
		return Info{}, engine.Errorf(engine.EINVALID, "%s is damaged (integrity_check: %s)", abs, strings.Join(problems, "; "))
	}
	return info, nil
}

// schemaInfo reads the schema version and database ID, refusing a file
// without Canvass's schema or with a newer one.
func schemaInfo(ctx context.Context, conn *sql.Conn, abs string) (Info, error) {
	var info Info
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&info.SchemaVersion); err != nil || info.SchemaVersion == 0 {
		return Info{}, engine.Errorf(engine.EINVALID, "%s is not a Canvass database (it has no schema)", abs)
	}
	ms, err := migrations()
	if err != nil {
		return Info{}, engine.WrapError(engine.EINTERNAL, "migrations", err)
	}
	if known := ms[len(ms)-1].version; info.SchemaVersion > known {
		return Info{}, engine.Errorf(engine.EINVALID, "%s has schema version %d, newer than this program knows (%d); use a newer canvass", abs, info.SchemaVersion, known)
	}
	var hasMeta int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'store_meta'").Scan(&hasMeta); err != nil {
		return Info{}, openError(abs, "read", err)
	}
	if hasMeta == 1 {
		if err := conn.QueryRowContext(ctx, "SELECT value FROM store_meta WHERE key = 'database_id'").Scan(&info.DatabaseID); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Info{}, openError(abs, "read", err)
		}
	}
	return info, nil
}

// RestoreResult says what Restore did.
type RestoreResult struct {
	Info  Info   // of the restored database
	Aside string // where the replaced database went; "" when there was none
}

// Restore replaces the database at path with the backup in. in is copied
// beside path and the copy is checked with Inspect; accept, when not nil,
// sees its Info and may refuse it with an error, which Restore returns.
// Only then is the old database (with its -wal and -shm files) renamed to
// path.before-restore-TIME and the copy renamed to path. Nothing at path
// changes when any step before that fails.
//
// Returns ECONFLICT when a process has the database at path open (a
// running server; see InUse), EINVALID for a backup that fails the checks
// or a missing directory, EUNAVAILABLE when a file cannot be read or
// written.
func Restore(ctx context.Context, in, path string, accept func(Info) error) (RestoreResult, error) {
	absIn, err := filepath.Abs(in)
	if err != nil {
		return RestoreResult{}, engine.WrapError(engine.EINVALID, fmt.Sprintf("bad path %q", in), err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return RestoreResult{}, engine.WrapError(engine.EINVALID, fmt.Sprintf("bad path %q", path), err)
	}
	if absIn == abs {
		return RestoreResult{}, engine.Errorf(engine.EINVALID, "%s is the database itself, not a backup of it", absIn)
	}
	dir := filepath.Dir(abs)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return RestoreResult{}, engine.Errorf(engine.EINVALID, "directory %s does not exist", dir)
	}
	if err := refuseInUse(abs); err != nil {
		return RestoreResult{}, err
	}
	if err := mustExist(absIn); err != nil {
		return RestoreResult{}, err
	}
	if wal, err := os.Stat(absIn + "-wal"); err == nil && wal.Size() > 0 {
		return RestoreResult{}, engine.Errorf(engine.EINVALID, "%s has a -wal file beside it: it is a database in use, or a copy of one taken without its -wal; make backups with canvass backup", absIn)
	}

	tmp, err := os.CreateTemp(dir, "."+filepath.Base(abs)+".restore-")
	if err != nil {
		return RestoreResult{}, fileError("create", dir, err)
	}
	defer os.Remove(tmp.Name()) // gone already once renamed into place
	err = copyFrom(tmp, absIn)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return RestoreResult{}, err
	}
	info, err := Inspect(ctx, tmp.Name())
	if err != nil {
		// The copy's temporary name means nothing to the operator.
		return RestoreResult{}, engine.Errorf(engine.ErrorCode(err), "%s", strings.ReplaceAll(engine.ErrorMessage(err), tmp.Name(), absIn))
	}
	if accept != nil {
		if err := accept(info); err != nil {
			return RestoreResult{}, err
		}
	}

	// Checked again right before the move: a server may have started
	// while the copy was checked.
	if err := refuseInUse(abs); err != nil {
		return RestoreResult{}, err
	}
	res := RestoreResult{Info: info}
	stamp := time.Now().UTC().Format("20060102T150405Z")
	aside := abs + ".before-restore-" + stamp
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Lstat(abs + suffix); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if _, err := os.Lstat(aside + suffix); err == nil {
			return res, engine.Errorf(engine.EUNAVAILABLE, "%s exists; try again in a second", aside+suffix)
		}
		if err := os.Rename(abs+suffix, aside+suffix); err != nil {
			return res, fileError("move aside", abs+suffix, err)
		}
		if suffix == "" {
			res.Aside = aside
		}
	}
	if err := os.Rename(tmp.Name(), abs); err != nil {
		return res, fileError("rename into place", abs, err)
	}
	if err := syncDir(dir); err != nil {
		return res, fileError("sync", dir, err)
	}
	return res, nil
}

// InUse reports whether a process has the database at path open. Every
// connection to a WAL database holds a shared lock on a byte of its -shm
// file (the "DMS" lock) for as long as it is open, and a connection in a
// transaction locks bytes of the database file itself; F_GETLK asks the
// kernel about both without taking a lock. Locks of this process do not
// count (POSIX locks do not conflict with their owner's).
func InUse(path string) (bool, error) {
	const (
		pendingByte = 0x40000000 // SQLite's lock bytes in the database file
		lockBytes   = 2 + 510    // PENDING, RESERVED and the SHARED range
		shmDMS      = 120 + 8    // the -shm byte every connection locks
	)
	for _, probe := range []struct {
		file       string
		start, len int64
	}{{path, pendingByte, lockBytes}, {path + "-shm", shmDMS, 1}} {
		held, err := lockHeld(probe.file, probe.start, probe.len)
		if err != nil || held {
			return held, err
		}
	}
	return false, nil
}

func lockHeld(file string, start, length int64) (bool, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart, Start: start, Len: length}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return false, err
	}
	return lk.Type != syscall.F_UNLCK, nil
}

func refuseInUse(abs string) error {
	held, err := InUse(abs)
	if err != nil {
		return fileError("check whether a process has open", abs, err)
	}
	if held {
		return engine.Errorf(engine.ECONFLICT, "%s is open in another process (a running server?); stop it first", abs)
	}
	return nil
}

// copyFrom copies the file src into f and syncs f.
func copyFrom(f *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return fileError("read", src, err)
	}
	defer in.Close()
	if _, err := io.Copy(f, in); err != nil {
		return fileError("copy", src, err)
	}
	if err := f.Sync(); err != nil {
		return fileError("sync", f.Name(), err)
	}
	return nil
}

// fileURI is a file: URI for abs with the given query parameters, so that
// any byte may appear in the path.
func fileURI(abs string, params ...string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: strings.Join(params, "&")}
	return u.String()
}

func mustExist(abs string) error {
	if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
		return engine.Errorf(engine.EINVALID, "%s does not exist", abs)
	}
	return nil
}

func mustNotExist(abs string) error {
	dir := filepath.Dir(abs)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return engine.Errorf(engine.EINVALID, "directory %s does not exist", dir)
	}
	if _, err := os.Lstat(abs); err == nil {
		return engine.Errorf(engine.EINVALID, "%s exists; a backup never overwrites a file", abs)
	}
	return nil
}

// asInvalid turns the open errors of a backup file into EINVALID: a file
// that cannot be read as a database is a bad backup, not an outage.
func asInvalid(err error) error {
	if engine.ErrorCode(err) == engine.EUNAVAILABLE {
		return engine.WrapError(engine.EINVALID, engine.ErrorMessage(err), err)
	}
	return err
}

func fileError(doing, path string, err error) error {
	return engine.WrapError(engine.EUNAVAILABLE, fmt.Sprintf("cannot %s %s: %s", doing, path, reason(err)), err)
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// oneConn is a connection to a database file that closes its pool with
// it.
type oneConn struct {
	*sql.Conn
	db *sql.DB
}

func (c oneConn) Close() error {
	err := c.Conn.Close()
	if dberr := c.db.Close(); err == nil {
		err = dberr
	}
	return err
}

// openConn opens one connection to the database file at abs with the URI
// parameters given, outside any Store: for backups and restore checks.
func openConn(ctx context.Context, abs string, params ...string) (oneConn, error) {
	db, err := sql.Open("sqlite", fileURI(abs, params...))
	if err != nil {
		return oneConn{}, openError(abs, "open", err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return oneConn{}, openError(abs, "open", err)
	}
	return oneConn{Conn: conn, db: db}, nil
}
