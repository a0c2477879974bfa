package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"canvass/engine"
)

// CreateSession stores s; see engine.SessionStore.
func (s *Store) CreateSession(ctx context.Context, sess *engine.Session) error {
	if sess == nil || sess.TokenHash == "" {
		return engine.Errorf(engine.EINVALID, "a session needs a token hash")
	}
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec(`INSERT INTO sessions (token_hash, kind, name, user_id, csrf_token, ip, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			sess.TokenHash, sess.Kind, sess.Name, sess.UserID, sess.CSRFToken, sess.IP,
			nullMillis(sess.CreatedAt), nullMillis(sess.ExpiresAt))
		if isConstraint(err) {
			return engine.WrapError(engine.ECONFLICT, "the session exists", err)
		}
		return err
	})
}

// GetSession returns the session if it expires after now; see
// engine.SessionStore.
func (s *Store) GetSession(ctx context.Context, tokenHash string, now time.Time) (*engine.Session, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	var sess engine.Session
	var created, expires sql.NullInt64
	err := s.rdb.QueryRowContext(ctx, `SELECT token_hash, kind, name, user_id, csrf_token, ip, created_at, expires_at
		FROM sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, now.UnixMilli()).
		Scan(&sess.TokenHash, &sess.Kind, &sess.Name, &sess.UserID, &sess.CSRFToken, &sess.IP, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, engine.Errorf(engine.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, s.dbError(err)
	}
	sess.CreatedAt, sess.ExpiresAt = timeOf(created), timeOf(expires)
	return &sess, nil
}

// DeleteSession removes a session; see engine.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec("DELETE FROM sessions WHERE token_hash = ?", tokenHash)
		return err
	})
}

// DeleteUserSessions removes every session of a user; see
// engine.SessionStore.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *writeTx) error {
		res, err := tx.exec("DELETE FROM sessions WHERE user_id = ?", userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// HitCounter counts a hit in the fixed window containing now; see
// engine.SessionStore. Windows start at multiples of window since the Unix
// epoch. Older windows of the key are dropped as the next one opens.
func (s *Store) HitCounter(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	windowMs := window.Milliseconds()
	if windowMs <= 0 {
		return 0, engine.Errorf(engine.EINVALID, "a counter window must be at least a millisecond")
	}
	start := windowStart(now, windowMs)
	var hits int64
	err := s.write(ctx, func(tx *writeTx) error {
		if _, err := tx.exec("DELETE FROM counters WHERE key = ? AND window_ms = ? AND start_ms < ?", key, windowMs, start); err != nil {
			return err
		}
		return tx.queryRow(`INSERT INTO counters (key, window_ms, start_ms, hits) VALUES (?, ?, ?, 1)
			ON CONFLICT (key, window_ms, start_ms) DO UPDATE SET hits = hits + 1
			RETURNING hits`, key, windowMs, start).Scan(&hits)
	})
	return hits, err
}

// CounterValue returns the count of key in the window containing now
// without adding to it; see engine.SessionStore.
func (s *Store) CounterValue(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	if s.closed.Load() {
		return 0, errClosed()
	}
	windowMs := window.Milliseconds()
	if windowMs <= 0 {
		return 0, engine.Errorf(engine.EINVALID, "a counter window must be at least a millisecond")
	}
	var hits int64
	err := s.rdb.QueryRowContext(ctx, "SELECT hits FROM counters WHERE key = ? AND window_ms = ? AND start_ms = ?",
		key, windowMs, windowStart(now, windowMs)).Scan(&hits)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return hits, s.dbError(err)
}

// windowStart is the start of the window of windowMs containing t: a
// multiple of windowMs since the Unix epoch (rounded down, also before 1970).
func windowStart(t time.Time, windowMs int64) int64 {
	ms := t.UnixMilli()
	return ms - ((ms%windowMs)+windowMs)%windowMs
}

// ResetCounter forgets every window of key; see engine.SessionStore.
func (s *Store) ResetCounter(ctx context.Context, key string) error {
	return s.write(ctx, func(tx *writeTx) error {
		_, err := tx.exec("DELETE FROM counters WHERE key = ?", key)
		return err
	})
}
