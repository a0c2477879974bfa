package sqlite

import (
	"context"
	"database/sql"
	"time"

	"canvass/engine"
)

// AddNotifications inserts the notifications whose ID is new; see
// engine.NotificationStore.
func (s *Store) AddNotifications(ctx context.Context, ns []engine.Notification) (int, error) {
	for _, n := range ns {
		if n.ID == "" || n.UserID == "" || n.Kind == "" {
			return 0, engine.Errorf(engine.EINVALID, "a notification needs an ID, a user and a kind")
		}
	}
	if len(ns) == 0 {
		return 0, nil
	}
	var added int64
	err := s.write(ctx, func(tx *writeTx) error {
		added = 0
		for _, n := range ns {
			res, err := tx.exec(`INSERT INTO notifications (id, user_id, record_id, kind, message, created_at, read_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
				n.ID, n.UserID, n.RecordID, n.Kind, n.Message, nullMillis(n.CreatedAt), nullMillis(n.ReadAt))
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += k
		}
		return nil
	})
	return int(added), err
}

// ListNotifications returns one keyset page of a user's notifications,
// newest first; see engine.NotificationStore.
func (s *Store) ListNotifications(ctx context.Context, userID string, unreadOnly bool, p engine.Page) (*engine.NotificationPage, error) {
	if s.closed.Load() {
		return nil, errClosed()
	}
	w := &where{}
	w.add("user_id = ?", userID)
	if unreadOnly {
		w.add("read_at IS NULL")
	}
	p.Desc = true
	ns, next, err := listPage(ctx, s.rdb, "notifications", notificationColumns, w, p, scanNotification,
		func(n *engine.Notification) string { return n.ID })
	if err != nil {
		return nil, err
	}
	return &engine.NotificationPage{Notifications: ns, Next: next}, nil
}

// CountUnread counts a user's unread notifications; see
// engine.NotificationStore.
func (s *Store) CountUnread(ctx context.Context, userID string) (int64, error) {
	if s.closed.Load() {
		return 0, errClosed()
	}
	var n int64
	err := s.rdb.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", userID).Scan(&n)
	if err != nil {
		return 0, s.dbError(err)
	}
	return n, nil
}

// MarkNotificationsRead sets read_at on a user's unread notifications;
// see engine.NotificationStore.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID string, ids []string, at time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *writeTx) error {
		n = 0
		if len(ids) == 0 {
			res, err := tx.exec("UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", nullMillis(at), userID)
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		}
		// One statement per ID: the writer keeps its prepared statements,
		// and an IN list of every length would each be one more.
		for _, id := range ids {
			res, err := tx.exec("UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL", nullMillis(at), id, userID)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	return int(n), err
}

const notificationColumns = "id, user_id, record_id, kind, message, created_at, read_at"

func scanNotification(sc rowScanner) (*engine.Notification, error) {
	var n engine.Notification
	var created, read sql.NullInt64
	if err := sc.Scan(&n.ID, &n.UserID, &n.RecordID, &n.Kind, &n.Message, &created, &read); err != nil {
		return nil, err
	}
	n.CreatedAt, n.ReadAt = timeOf(created), timeOf(read)
	return &n, nil
}
