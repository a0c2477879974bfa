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

type sessionDoc struct {
	TokenHash string     `bson:"_id"`
	Kind      string     `bson:"kind"`
	Name      string     `bson:"name"`
	UserID    string     `bson:"userId"`
	CSRFToken string     `bson:"csrfToken"`
	IP        string     `bson:"ip"`
	CreatedAt *time.Time `bson:"createdAt"`
	ExpiresAt *time.Time `bson:"expiresAt"`
	// ExpireAt is when the TTL index may delete the session: a day after
	// it expired, so that a clock running behind never loses a live one.
	ExpireAt *time.Time `bson:"expireAt"`
}

// ttlGrace is how long after it stops counting a document stays before a
// TTL index removes it.
const ttlGrace = 24 * time.Hour

// CreateSession stores s; its token hash is the _id.
func (s *Store) CreateSession(ctx context.Context, sess *engine.Session) error {
	d := sessionDoc{
		TokenHash: sess.TokenHash,
		Kind:      sess.Kind,
		Name:      sess.Name,
		UserID:    sess.UserID,
		CSRFToken: sess.CSRFToken,
		IP:        sess.IP,
		CreatedAt: when(sess.CreatedAt),
		ExpiresAt: when(sess.ExpiresAt),
	}
	if !sess.ExpiresAt.IsZero() {
		d.ExpireAt = when(sess.ExpiresAt.Add(ttlGrace))
	}
	if _, err := s.sessions.InsertOne(ctx, d); err != nil {
		if isDuplicateKey(err) {
			return engine.WrapError(engine.ECONFLICT, "the session exists", err)
		}
		return s.fail("create session", err)
	}
	return nil
}

// GetSession returns the session if it has not expired at now.
func (s *Store) GetSession(ctx context.Context, tokenHash string, now time.Time) (*engine.Session, error) {
	var d sessionDoc
	err := s.findOne(ctx, "get session", s.sessions, bson.D{
		{Key: "_id", Value: tokenHash},
		{Key: "expiresAt", Value: bson.D{{Key: "$gt", Value: when(now)}}},
	}, &d, "session not found")
	if err != nil {
		return nil, err
	}
	return &engine.Session{
		TokenHash: d.TokenHash,
		Kind:      d.Kind,
		Name:      d.Name,
		UserID:    d.UserID,
		CSRFToken: d.CSRFToken,
		IP:        d.IP,
		CreatedAt: timeOf(d.CreatedAt),
		ExpiresAt: timeOf(d.ExpiresAt),
	}, nil
}

// DeleteSession removes a session, if there is one.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.sessions.DeleteOne(ctx, bson.D{{Key: "_id", Value: tokenHash}})
	return s.fail("delete session", err)
}

// DeleteUserSessions removes every session of the user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) (int, error) {
	res, err := s.sessions.DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}})
	if err != nil {
		return 0, s.fail("delete user sessions", err)
	}
	return int(res.DeletedCount), nil
}

// counterDoc is one fixed window of one counter; (key, windowStart) is
// unique.
type counterDoc struct {
	Key         string     `bson:"key"`
	WindowStart *time.Time `bson:"windowStart"`
	Count       int64      `bson:"count"`
	ExpireAt    *time.Time `bson:"expireAt"`
}

// windowStart is the start of the fixed window of the given length that
// holds now, windows being counted in whole milliseconds from the Unix
// epoch (a BSON date keeps no less).
func windowStart(now time.Time, window time.Duration) time.Time {
	n, w := now.UnixMilli(), window.Milliseconds()
	off := n % w
	if off < 0 {
		off += w
	}
	return time.UnixMilli(n - off).UTC()
}

// HitCounter adds one to the window of key that holds now with one upsert
// and $inc, which the server applies atomically, so no hit is lost.
//
// Two first hits of a window can both try to insert it. MongoDB retries
// the loser itself (an equality filter on a unique index); where a server
// returns the duplicate key error instead, trying again finds the document
// the winner made.
func (s *Store) HitCounter(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	if window < time.Millisecond {
		return 0, engine.Errorf(engine.EINVALID, "a counter window must be at least a millisecond")
	}
	start := windowStart(now, window)
	// Keep the window until the wall clock, not only the caller's clock,
	// has left it: tests and replays pass a now from the past.
	expire := start.Add(window)
	if wall := time.Now().Add(window); wall.After(expire) {
		expire = wall
	}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	unlock, err := s.exclusive(ctx, collCounters)
	if err != nil {
		return 0, err
	}
	defer unlock()
	for attempt := 0; ; attempt++ {
		var d counterDoc
		err := s.counters.FindOneAndUpdate(ctx,
			bson.D{{Key: "key", Value: key}, {Key: "windowStart", Value: when(start)}},
			bson.D{
				{Key: "$inc", Value: bson.D{{Key: "count", Value: int64(1)}}},
				{Key: "$setOnInsert", Value: bson.D{{Key: "expireAt", Value: when(expire.Add(ttlGrace))}}},
			}, opts).Decode(&d)
		if isDuplicateKey(err) && attempt < 3 {
			continue
		}
		if err != nil {
			return 0, s.fail("hit counter", err)
		}
		return d.Count, nil
	}
}

// CounterValue returns the count of the window of key that holds now.
func (s *Store) CounterValue(ctx context.Context, key string, window time.Duration, now time.Time) (int64, error) {
	if window < time.Millisecond {
		return 0, engine.Errorf(engine.EINVALID, "a counter window must be at least a millisecond")
	}
	var d counterDoc
	err := s.counters.FindOne(ctx, bson.D{
		{Key: "key", Value: key},
		{Key: "windowStart", Value: when(windowStart(now, window))},
	}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, s.fail("counter value", err)
	}
	return d.Count, nil
}

// ResetCounter deletes every window of key.
func (s *Store) ResetCounter(ctx context.Context, key string) error {
	unlock, err := s.exclusive(ctx, collCounters)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = s.counters.DeleteMany(ctx, bson.D{{Key: "key", Value: key}})
	return s.fail("reset counter", err)
}
