package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
)

// collNotifications holds users' in-app notifications; the deterministic
// notification ID is the _id, so a retried insert is a duplicate key.
const collNotifications = "notifications"

type notificationDoc struct {
	ID        string     `bson:"_id"`
	UserID    string     `bson:"userId"`
	RecordID  string     `bson:"recordId"`
	Kind      string     `bson:"kind"`
	Message   string     `bson:"message"`
	CreatedAt *time.Time `bson:"createdAt"`
	ReadAt    *time.Time `bson:"readAt"` // null while unread
}

// AddNotifications inserts the notifications unordered; duplicate _ids
// are retries and are skipped.
func (s *Store) AddNotifications(ctx context.Context, ns []engine.Notification) (int, error) {
	for _, n := range ns {
		if n.ID == "" || n.UserID == "" || n.Kind == "" {
			return 0, engine.Errorf(engine.EINVALID, "a notification needs an ID, a user and a kind")
		}
	}
	if len(ns) == 0 {
		return 0, nil
	}
	docs := make([]any, len(ns))
	for i, n := range ns {
		docs[i] = notificationDoc{ID: n.ID, UserID: n.UserID, RecordID: n.RecordID, Kind: n.Kind, Message: n.Message,
			CreatedAt: when(n.CreatedAt), ReadAt: when(n.ReadAt)}
	}
	_, err := s.db.Collection(collNotifications).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return len(ns), nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return 0, s.fail("add notifications", err)
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicateKey(we) {
			return 0, s.fail("add notifications", err)
		}
	}
	return len(ns) - len(bwe.WriteErrors), nil
}

// ListNotifications returns one keyset page of a user's notifications by
// _id descending, which is newest first.
func (s *Store) ListNotifications(ctx context.Context, userID string, unreadOnly bool, p engine.Page) (*engine.NotificationPage, error) {
	q := unreadFilter(userID, unreadOnly)
	p.Desc = true
	docs, next, err := findPage(ctx, s, "list notifications", s.db.Collection(collNotifications), q, p,
		func(d *notificationDoc) string { return d.ID })
	if err != nil {
		return nil, err
	}
	page := &engine.NotificationPage{Notifications: make([]*engine.Notification, len(docs)), Next: next}
	for i, d := range docs {
		page.Notifications[i] = &engine.Notification{ID: d.ID, UserID: d.UserID, RecordID: d.RecordID, Kind: d.Kind,
			Message: d.Message, CreatedAt: timeOf(d.CreatedAt), ReadAt: timeOf(d.ReadAt)}
	}
	return page, nil
}

// CountUnread counts a user's notifications whose readAt is null.
func (s *Store) CountUnread(ctx context.Context, userID string) (int64, error) {
	q := unreadFilter(userID, true)
	n, err := s.db.Collection(collNotifications).CountDocuments(ctx, q.doc())
	if err != nil {
		return 0, s.fail("count unread notifications", err)
	}
	return n, nil
}

// MarkNotificationsRead sets readAt on a user's unread notifications,
// those with the given _ids or all.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID string, ids []string, at time.Time) (int, error) {
	q := unreadFilter(userID, true)
	q.in("_id", ids)
	unlock, err := s.exclusive(ctx, collNotifications)
	if err != nil {
		return 0, err
	}
	res, err := s.db.Collection(collNotifications).UpdateMany(ctx, q.doc(), bson.D{{Key: "$set", Value: bson.D{{Key: "readAt", Value: when(at)}}}})
	unlock()
	if err != nil {
		return 0, s.fail("mark notifications read", err)
	}
	return int(res.ModifiedCount), nil
}

func unreadFilter(userID string, unreadOnly bool) filter {
	var q filter
	q.add(bson.D{{Key: "userId", Value: userID}})
	if unreadOnly {
		q.add(bson.D{{Key: "readAt", Value: nil}})
	}
	return q
}
