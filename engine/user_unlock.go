package engine

import (
	"context"
	"slices"
	"time"
)

// SignInLock is an account that failed sign-ins have locked (see
// user_auth_limits.go): from the listed addresses, or from every address
// it has not signed in from before (Everywhere).
type SignInLock struct {
	User       *User
	Addresses  []string // the client addresses whose failures locked it
	Everywhere bool
	Until      time.Time
}

// signInFailures returns, for each username, the addresses of the failed
// sign-ins audited in the current limit window in the actor's scope.
func (e *Engine) signInFailures(ctx context.Context, a *Actor, now time.Time, username string) (map[string][]string, error) {
	from := windowEnd(now, loginWindow).Add(-loginWindow)
	out := map[string][]string{}
	p := Page{Limit: MaxPageLimit}
	for {
		page, err := e.store.ListAudit(ctx, AuditFilter{Action: "user.login_failed", OrgPaths: a.Scope(), From: from, ObjectID: username}, p)
		if err != nil {
			return nil, err
		}
		for _, ev := range page.Events {
			ip, _ := ev.Detail["ip"].(string)
			if ip == "" {
				ip = ev.IP
			}
			if !slices.Contains(out[ev.ObjectID], ip) {
				out[ev.ObjectID] = append(out[ev.ObjectID], ip)
			}
		}
		if page.Next == "" {
			return out, nil
		}
		p.After = page.Next
	}
}

// SignInLocks lists the accounts in the actor's scope that are locked for
// sign-in now. Admins only.
func (e *Engine) SignInLocks(ctx context.Context, a *Actor) ([]SignInLock, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	now := e.Now()
	failures, err := e.signInFailures(ctx, a, now, "")
	if err != nil {
		return nil, err
	}
	var out []SignInLock
	for username, ips := range failures {
		lock, err := e.signInLock(ctx, username, ips, now)
		if err != nil {
			return nil, err
		}
		if lock == nil || !a.Sees(lock.User.OrgPath) {
			continue
		}
		out = append(out, *lock)
	}
	slices.SortFunc(out, func(x, y SignInLock) int {
		switch {
		case x.User.Username < y.User.Username:
			return -1
		case x.User.Username > y.User.Username:
			return 1
		}
		return 0
	})
	return out, nil
}

// signInLock says whether username is locked now from any of ips, or nil.
func (e *Engine) signInLock(ctx context.Context, username string, ips []string, now time.Time) (*SignInLock, error) {
	u, err := e.store.GetUserByUsername(ctx, username)
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil // failures for a name no one has
		}
		return nil, err
	}
	lock := &SignInLock{User: u, Until: windowEnd(now, loginWindow)}
	for _, ip := range ips {
		n, err := e.store.CounterValue(ctx, newSignInKeys(username, ip).pair, loginWindow, now)
		if err != nil {
			return nil, err
		}
		if n >= maxPairFailures {
			lock.Addresses = append(lock.Addresses, ip)
		}
	}
	n, err := e.store.CounterValue(ctx, newSignInKeys(username, "").account, loginWindow, now)
	if err != nil {
		return nil, err
	}
	lock.Everywhere = n >= maxAccountFailures
	if len(lock.Addresses) == 0 && !lock.Everywhere {
		return nil, nil
	}
	return lock, nil
}

// UnlockSignIn lifts the sign-in lock of a user before its window ends:
// the failures counted against the account, from each address that
// failed in the window and from all of them together, are forgotten. It
// is audited (user.unlock). Admins whose scope covers the user. Returns
// ENOTFOUND for a user outside the scope, ECONFLICT when the account is
// not locked (someone unlocked it first, or the lock ran out).
func (e *Engine) UnlockSignIn(ctx context.Context, a *Actor, userID string) (*User, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	u, err := e.store.GetUser(ctx, userID)
	if err != nil || !a.Sees(u.OrgPath) {
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		return nil, Errorf(ENOTFOUND, "user not found")
	}
	now := e.Now()
	failures, err := e.signInFailures(ctx, a, now, u.Username)
	if err != nil {
		return nil, err
	}
	lock, err := e.signInLock(ctx, u.Username, failures[u.Username], now)
	if err != nil {
		return nil, err
	}
	if lock == nil {
		return nil, Errorf(ECONFLICT, "the account is not locked")
	}
	for _, ip := range failures[u.Username] {
		if err := e.store.ResetCounter(ctx, newSignInKeys(u.Username, ip).pair); err != nil {
			return nil, err
		}
	}
	if err := e.store.ResetCounter(ctx, newSignInKeys(u.Username, "").account); err != nil {
		return nil, err
	}
	return u, e.Audit(ctx, a, "user.unlock", "user", u.ID, u.OrgPath, map[string]any{"addresses": len(lock.Addresses), "everywhere": lock.Everywhere})
}
