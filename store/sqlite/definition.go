package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"canvass/engine"
)

// SaveDraft creates or replaces a draft version; see engine.DefinitionStore.
// Checksum is always the SHA-256 of Source.
func (s *Store) SaveDraft(ctx context.Context, d *engine.DefinitionVersion) error {
	return s.saveDraft(ctx, d, nil)
}

// SaveDraftIf saves the draft when the newest version still has checksum
// base; see engine.DefinitionStore. The check runs inside the write
// transaction, and the store has one writer, so no other save comes
// between them.
func (s *Store) SaveDraftIf(ctx context.Context, d *engine.DefinitionVersion, base string) error {
	return s.saveDraft(ctx, d, &base)
}

func (s *Store) saveDraft(ctx context.Context, d *engine.DefinitionVersion, base *string) error {
	if d == nil || d.Kind == "" || d.ID == "" || d.Version <= 0 {
		return engine.Errorf(engine.EINVALID, "a definition needs a kind, an ID and a version")
	}
	source := d.Source
	if source == nil {
		source = []byte{}
	}
	sum := sha256.Sum256(source)
	return s.write(ctx, func(tx *writeTx) error {
		if base != nil {
			var current string
			err := tx.queryRow("SELECT checksum FROM definitions WHERE kind = ? AND id = ? ORDER BY version DESC LIMIT 1", d.Kind, d.ID).Scan(&current)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if current != *base {
				return engine.Errorf(engine.ECONFLICT, "%s %s changed meanwhile: its newest version is no longer the one the edit started from", d.Kind, d.ID)
			}
		}
		res, err := tx.exec(`INSERT INTO definitions
			(kind, id, version, status, filename, source, checksum, created_by, created_at, published_by, published_at, owner)
			VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, '', NULL, ?)
			ON CONFLICT (kind, id, version) DO UPDATE SET
				filename = excluded.filename, source = excluded.source, checksum = excluded.checksum,
				created_by = excluded.created_by, created_at = excluded.created_at, owner = excluded.owner
			WHERE status = 'draft'`,
			d.Kind, d.ID, d.Version, d.Filename, source, hex.EncodeToString(sum[:]), d.CreatedBy, nullMillis(d.CreatedAt), d.Owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return engine.Errorf(engine.ECONFLICT, "%s %s version %d is published and cannot change", d.Kind, d.ID, d.Version)
		}
		return nil
	})
}

// PublishDefinition marks a draft published; see engine.DefinitionStore.
func (s *Store) PublishDefinition(ctx context.Context, kind, id string, version int, by string, at time.Time) error {
	return s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec(`UPDATE definitions SET status = 'published', published_by = ?, published_at = ?
			WHERE kind = ? AND id = ? AND version = ? AND status = 'draft'`,
			by, nullMillis(at), kind, id, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var status string
		err = tx.queryRow("SELECT status FROM definitions WHERE kind = ? AND id = ? AND version = ?", kind, id, version).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return engine.Errorf(engine.ENOTFOUND, "%s %s version %d not found", kind, id, version)
		}
		if err != nil {
			return err
		}
		return engine.Errorf(engine.ECONFLICT, "%s %s version %d is already published", kind, id, version)
	})
}

const definitionColumns = "kind, id, version, status, filename, checksum, created_by, created_at, published_by, published_at, owner"

func scanDefinition(sc rowScanner, withSource bool) (*engine.DefinitionVersion, error) {
	var d engine.DefinitionVersion
	var created, published sql.NullInt64
	dest := []any{&d.Kind, &d.ID, &d.Version, &d.Status, &d.Filename, &d.Checksum, &d.CreatedBy, &created, &d.PublishedBy, &published, &d.Owner}
	if withSource {
		dest = append(dest, &d.Source)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	d.CreatedAt, d.PublishedAt = timeOf(created), timeOf(published)
	return &d, nil
}

// GetDefinition returns one version, or with version 0 the latest
// published one; see engine.DefinitionStore.
func (s *Store) GetDefinition(ctx context.Context, kind, id string, version int) (*engine.DefinitionVersion, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	q := "SELECT " + definitionColumns + ", source FROM definitions WHERE kind = ? AND id = ? AND version = ?"
	args := []any{kind, id, version}
	if version == 0 {
		q = "SELECT " + definitionColumns + ", source FROM definitions WHERE kind = ? AND id = ? AND status = 'published' ORDER BY version DESC LIMIT 1"
		args = args[:2]
	}
	d, err := scanDefinition(s.rdb.QueryRowContext(ctx, q, args...), true)
	if errors.Is(err, sql.ErrNoRows) {
		if version == 0 {
			return nil, engine.Errorf(engine.ENOTFOUND, "%s %s has no published version", kind, id)
		}
		return nil, engine.Errorf(engine.ENOTFOUND, "%s %s version %d not found", kind, id, version)
	}
	if err != nil {
		return nil, s.dbError(err)
	}
	return d, nil
}

// ListDefinitions returns matching versions without Source; see
// engine.DefinitionStore.
func (s *Store) ListDefinitions(ctx context.Context, f engine.DefinitionFilter) ([]*engine.DefinitionVersion, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.ID != "" {
		w.add("id = ?", f.ID)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+definitionColumns+" FROM definitions"+w.sql()+" ORDER BY kind, id, version", w.args...)
	if err != nil {
		return nil, s.dbError(err)
	}
	defer rows.Close()
	var out []*engine.DefinitionVersion
	for rows.Next() {
		d, err := scanDefinition(rows, false)
		if err != nil {
			return nil, s.dbError(err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError(err)
	}
	return out, nil
}

// SetDefinitionOwner gives every version of (kind, id) that has no owner
// the owner given; see engine.DefinitionStore.
func (s *Store) SetDefinitionOwner(ctx context.Context, kind, id, owner string) (int, error) {
	if kind == "" || id == "" || owner == "" {
		return 0, engine.Errorf(engine.EINVALID, "an owner needs a kind, an ID and an org path")
	}
	var n int64
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec("UPDATE definitions SET owner = ? WHERE kind = ? AND id = ? AND owner = ''", owner, kind, id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
