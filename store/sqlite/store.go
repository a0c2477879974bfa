// Package sqlite is the embedded default engine.Store: one SQLite file in
// WAL mode (modernc.org/sqlite, pure Go).
package sqlite

import (
	"errors"
	"log/slog"

	"canvass/engine"
)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	Logger *slog.Logger
}

// Store is an engine.Store on one SQLite file.
type Store struct{ engine.Store }

// Open opens (creating if needed) the database file at path and applies
// pending migrations.
func Open(path string, opts Options) (*Store, error) {
	return nil, errors.New("not implemented")
}
