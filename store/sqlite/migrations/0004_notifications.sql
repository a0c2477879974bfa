-- In-app notifications. IDs are deterministic per event and user (see
-- engine.Notification), so a retried timer inserts nothing new; they sort
-- by time, so a page by ID descending is newest first.
CREATE TABLE notifications (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    record_id  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    message    TEXT    NOT NULL,
    created_at INTEGER,
    read_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX notifications_user ON notifications (user_id, id);
-- Unread lists and counts: read_at IS NULL is an equality on this index.
CREATE INDEX notifications_unread ON notifications (user_id, read_at, id);
