package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"canvass/engine"
	"canvass/store/mongo"
	"canvass/store/sqlite"
)

// defaultDB is where serve keeps its data when --db is not given.
const defaultDB = "sqlite:data/canvass.db"

// mongoConnectTimeout bounds the first connection to MongoDB, so a wrong
// host fails at start instead of hanging.
const mongoConnectTimeout = 30 * time.Second

// dbSpec is a parsed --db value: "sqlite:PATH", "mongodb://…" or
// "mongodb+srv://…".
type dbSpec struct {
	sqlitePath string
	mongoURI   string
}

// errUnknownScheme marks a --db value that names no store we have: a usage
// error, exit status 2.
var errUnknownScheme = errors.New("unknown database scheme")

func parseDB(s string) (dbSpec, error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		path := strings.TrimPrefix(s, "sqlite:")
		if path == "" {
			return dbSpec{}, fmt.Errorf("--db sqlite: needs a file path, e.g. %s", defaultDB)
		}
		return dbSpec{sqlitePath: filepath.Clean(path)}, nil
	case strings.HasPrefix(s, "mongodb://"), strings.HasPrefix(s, "mongodb+srv://"):
		return dbSpec{mongoURI: s}, nil
	}
	return dbSpec{}, fmt.Errorf("--db %q: %w: want sqlite:PATH, mongodb://… or mongodb+srv://…", redactURI(s), errUnknownScheme)
}

// String names the database for messages, with any password hidden.
func (d dbSpec) String() string {
	if d.mongoURI != "" {
		return redactURI(d.mongoURI)
	}
	return "sqlite:" + d.sqlitePath
}

// openStore opens the store d names. Its errors are one line, meant for
// the operator, and never contain a password.
func openStore(ctx context.Context, d dbSpec, log *slog.Logger) (engine.Store, error) {
	if d.mongoURI != "" {
		ctx, cancel := context.WithTimeout(ctx, mongoConnectTimeout)
		defer cancel()
		st, err := mongo.Open(ctx, d.mongoURI, mongo.Options{Logger: log})
		if err != nil {
			return nil, fmt.Errorf("open %s: %s", d, hidePassword(describeError(err), d.mongoURI))
		}
		return st, nil
	}
	if err := checkSQLitePath(d.sqlitePath); err != nil {
		return nil, fmt.Errorf("open %s: %s", d, describeError(err))
	}
	st, err := sqlite.Open(d.sqlitePath, sqlite.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open %s: %s", d, describeError(err))
	}
	return st, nil
}

// sqliteHeader is how every SQLite database file begins.
var sqliteHeader = []byte("SQLite format 3\x00")

// checkSQLitePath catches, before SQLite sees the file, the mistakes whose
// SQLite errors are cryptic ("unable to open database file"): a missing
// directory, a directory where the file should be, a file that is not a
// database. It reads and never writes, so a wrong path cannot damage
// anything. A read-only disk and damage inside a valid file are left to
// the store, which reports them when it opens the file.
func checkSQLitePath(path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("directory %s: %w", dir, unwrapPathError(err))
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}

	fi, err = os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // a new database
	case err != nil:
		return fmt.Errorf("%s: %w", path, unwrapPathError(err))
	case fi.IsDir():
		return fmt.Errorf("%s is a directory, not a database file", path)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case fi.Size() == 0:
		return nil // SQLite treats an empty file as a new database
	}

	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return fmt.Errorf("%s is not a SQLite database (it is damaged, or another kind of file); it was left unchanged", path)
	}
	return nil
}

// unwrapPathError drops the *fs.PathError wrapper, whose text repeats the
// path the message already names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// describeError is the one-line text for an error the operator must read:
// the user-safe message of an engine error, or the whole text of any other
// (the operator is the one person who may see internals).
func describeError(err error) string {
	var e *engine.Error
	msg := err.Error()
	if errors.As(err, &e) && e.Message != "" && e.Code != engine.EINTERNAL {
		msg = e.Message
		if e.Err != nil {
			msg += " (" + e.Err.Error() + ")"
		}
	}
	return strings.Join(strings.Fields(msg), " ")
}

// redactURI hides the password in a URI's user info:
// mongodb://user:secret@host → mongodb://user:xxxxx@host.
func redactURI(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	authority, path, hasPath := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return s
	}
	user, _, hasPass := strings.Cut(authority[:at], ":")
	if hasPass {
		authority = user + ":xxxxx" + authority[at:]
	}
	out := scheme + "://" + authority
	if hasPath {
		out += "/" + path
	}
	return out
}

// hidePassword removes uri's password from msg, in case a driver error
// quotes it.
func hidePassword(msg, uri string) string {
	_, rest, _ := strings.Cut(uri, "://")
	authority, _, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return msg
	}
	if _, pass, ok := strings.Cut(authority[:at], ":"); ok && pass != "" {
		return strings.ReplaceAll(msg, pass, "xxxxx")
	}
	return msg
}

// openCommandStore opens the --db of a command-line tool (user, orgunit),
// creating the default data directory as serve does, so the tools can set
// up a database before the first serve. Its errors are one line for the
// operator; usage errors (an unknown scheme) say so with exitUsage.
func openCommandStore(ctx context.Context, db string, dbSet bool, log *slog.Logger) (engine.Store, int, error) {
	spec, err := parseDB(db)
	if err != nil {
		return nil, exitUsage, err
	}
	if !dbSet && spec.sqlitePath != "" {
		if err := os.MkdirAll(filepath.Dir(spec.sqlitePath), 0o750); err != nil {
			return nil, exitFailure, fmt.Errorf("create %s: %v", filepath.Dir(spec.sqlitePath), unwrapPathError(err))
		}
	}
	st, err := openStore(ctx, spec, log)
	if err != nil {
		return nil, exitFailure, err
	}
	return st, exitOK, nil
}

// quietLogger is the store's logger in the command-line tools: warnings
// and errors only, so a normal run prints just its result.
func quietLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
