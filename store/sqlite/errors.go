package sqlite

import (
	"context"
	"errors"
	"strings"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"canvass/engine"
)

// dbError turns a driver or database/sql error into an *engine.Error:
// EUNAVAILABLE when the database cannot serve now (busy, closed, I/O, disk
// full, damaged, a cancelled request), ECONFLICT for a constraint the method
// did not handle itself, EINTERNAL for anything else. An *engine.Error
// passes through unchanged.
func dbError(err error) error {
	if err == nil {
		return nil
	}
	var e *engine.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ctxError(err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return engine.WrapError(engine.EUNAVAILABLE, "the database is busy; try again", err)
		case sqlite3.SQLITE_FULL:
			return engine.WrapError(engine.EUNAVAILABLE, "the disk is full", err)
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_NOLFS:
			return engine.WrapError(engine.EUNAVAILABLE, "the database file cannot be read or written", err)
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return engine.WrapError(engine.EUNAVAILABLE, "the database file is damaged", err)
		case sqlite3.SQLITE_INTERRUPT:
			return engine.WrapError(engine.EUNAVAILABLE, "the request was cancelled", err)
		case sqlite3.SQLITE_CONSTRAINT:
			return engine.WrapError(engine.ECONFLICT, "a conflicting entry exists", err)
		}
	}
	if strings.Contains(err.Error(), "database is closed") || strings.Contains(err.Error(), "connection is already closed") {
		return engine.WrapError(engine.EUNAVAILABLE, "the database is closed", err)
	}
	return engine.WrapError(engine.EINTERNAL, "database error", err)
}

// ctxError reports a cancelled or timed-out request. It keeps the context
// error as its cause, so errors.Is(err, context.Canceled) still holds.
func ctxError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return engine.WrapError(engine.EUNAVAILABLE, "the database did not answer in time", err)
	}
	return engine.WrapError(engine.EUNAVAILABLE, "the request was cancelled", err)
}

func errClosed() error { return engine.Errorf(engine.EUNAVAILABLE, "the database is closed") }

// isConstraint reports whether err is a uniqueness or key violation.
func isConstraint(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

// dbError is the package's dbError, except that once the database file is
// lost (deleted or replaced under the store, file_watch.go) every failure
// is that: a reader that opened the path anew finds no file, or another
// one, and must not answer "internal".
func (s *Store) dbError(err error) error {
	if err == nil {
		return nil
	}
	if s.file != nil {
		if lost := s.file.lostErr(); lost != nil {
			return lost
		}
	}
	return dbError(err)
}
