package engine

import (
	"context"
	"slices"
	"sync"
	"time"
)

// SessionCacheTTL is how long Authenticate trusts what it read about a
// token (its session and its user) before it asks the store again. It is
// how long a revocation made by another process — a signed-out or deleted
// token, a disabled account, changed roles — may take to reach this one;
// a sign-out through this engine takes effect at once.
const SessionCacheTTL = time.Second

// maxCachedSessions bounds the cache; past it, the cache starts afresh.
const maxCachedSessions = 10_000

// sessionCache remembers, per token hash, the session and user that
// Authenticate last read from the store, so that a busy client's requests
// do not each read both.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
}

type cachedSession struct {
	s     Session
	u     User
	until time.Time // monotonic: a cache lifetime, not an engine time
}

// get returns copies of the cached session and user of hash, or false when
// there is none or it is older than SessionCacheTTL or the session expired
// at now.
func (c *sessionCache) get(hash string, now time.Time) (*Session, *User, bool) {
	c.mu.Lock()
	e, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || !time.Now().Before(e.until) || !now.Before(e.s.ExpiresAt) {
		return nil, nil, false
	}
	s, u := e.s, e.u
	u.Roles = slices.Clone(u.Roles)
	return &s, &u, true
}

func (c *sessionCache) put(hash string, s *Session, u *User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedSessions {
		c.m = map[string]cachedSession{}
	}
	e := cachedSession{s: *s, u: *u, until: time.Now().Add(SessionCacheTTL)}
	e.u.Roles = slices.Clone(u.Roles)
	c.m[hash] = e
}

func (c *sessionCache) forget(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, hash)
}

// sessionOf returns the unexpired session of a token hash and its user,
// from the cache when it is fresh, else from the store.
func (e *Engine) sessionOf(ctx context.Context, hash string) (*Session, *User, error) {
	now := e.Now()
	if s, u, ok := e.sessions.get(hash, now); ok {
		return s, u, nil
	}
	s, err := e.store.GetSession(ctx, hash, now)
	if err != nil {
		return nil, nil, err
	}
	u, err := e.store.GetUser(ctx, s.UserID)
	if err != nil {
		return s, nil, err
	}
	e.sessions.put(hash, s, u)
	return s, u, nil
}
