package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"canvass/engine"
)

// CacheGeneration returns the database's cache generation; see
// engine.Store. Triggers (migration 0016) give it a new random value in
// the transaction of every write that changes a published definition, the
// org-unit tree or a campaign's closure, so it holds across processes
// without any write path having to remember it.
func (s *Store) CacheGeneration(ctx context.Context) (string, error) {
	if s.closed.Load() {
		return "", errClosed()
	}
	var g string
	err := s.stmt.cacheGeneration.QueryRowContext(ctx).Scan(&g)
	if errors.Is(err, sql.ErrNoRows) {
		return "", engine.Errorf(engine.EINTERNAL, "the database has no cache generation")
	}
	if err != nil {
		return "", s.dbError(err)
	}
	return g, nil
}
