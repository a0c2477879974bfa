package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"canvass/engine"
)

// PublishDefinitions publishes the drafts refs names in one write
// transaction; see engine.DefinitionStore. The first ref that cannot be
// published returns its error from inside the transaction, which rolls
// back every earlier one, so readers see all of them published or none.
func (s *Store) PublishDefinitions(ctx context.Context, refs []engine.DefinitionRef, by string, at time.Time) error {
	if err := engine.ValidDefinitionRefs(refs); err != nil {
		return err
	}
	return s.write(ctx, func(tx *writeTx) error {
		for _, r := range refs {
			res, err := tx.exec(`UPDATE definitions SET status = 'published', published_by = ?, published_at = ?
				WHERE kind = ? AND id = ? AND version = ? AND status = 'draft' AND (? = '' OR checksum = ?)`,
				by, nullMillis(at), r.Kind, r.ID, r.Version, r.Checksum, r.Checksum)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				continue
			}
			var status, checksum string
			err = tx.queryRow("SELECT status, checksum FROM definitions WHERE kind = ? AND id = ? AND version = ?", r.Kind, r.ID, r.Version).Scan(&status, &checksum)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return engine.Errorf(engine.ENOTFOUND, "%s %s version %d not found", r.Kind, r.ID, r.Version)
			case err != nil:
				return err
			case status == engine.StatusPublished:
				return engine.Errorf(engine.ECONFLICT, "%s %s version %d is already published", r.Kind, r.ID, r.Version)
			}
			return engine.Errorf(engine.ECONFLICT, "%s %s version %d changed after it was checked", r.Kind, r.ID, r.Version)
		}
		return nil
	})
}
