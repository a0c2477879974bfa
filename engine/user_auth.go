package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

const (
	SessionTTL       = 12 * time.Hour
	APITokenTTL      = 365 * 24 * time.Hour
	dummyPasswordPHC = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$8Jz0m9sXyXn8VnKlh7oVJm1Ff0tZ6x0w0vVb9g3ZbVY"
)

// Login checks a username and password and opens a web session. It
// returns the session and the secret token for the cookie (only its hash is
// stored). ip is the client's address, by which the sign-in limits count
// (see user_auth_limits.go). Returns EUNAUTHORIZED for a wrong username or
// password (the same message for both), ERATELIMITED when the account is
// locked for sign-in from this address or the address made too many failed
// attempts; either error's cause is a *SignInRefusal saying which.
func (e *Engine) Login(ctx context.Context, username, password, ip string) (*Session, string, *User, error) {
	now := e.Now()
	username = strings.ToLower(strings.TrimSpace(username))
	keys := newSignInKeys(username, ip)
	if err := e.checkSignInLimits(ctx, keys, now); err != nil {
		return nil, "", nil, err
	}
	u, err := e.store.GetUserByUsername(ctx, username)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, "", nil, err
	}
	hash := dummyPasswordPHC // the same work for unknown users, so timing does not tell who exists
	if u != nil {
		hash = u.PasswordHash
	}
	if !VerifyPassword(hash, password) || u == nil || u.Disabled {
		refusal, err := e.countSignInFailure(ctx, keys, now)
		if err != nil {
			return nil, "", nil, err
		}
		scope := ""
		if u != nil {
			scope = u.OrgPath // so the user's own admins see attacks on the account
		}
		detail := map[string]any{"ip": ip}
		if refusal.AttemptsLeft == 0 {
			detail["locked"] = true
		}
		if err := e.Audit(ctx, nil, "user.login_failed", "user", username, scope, detail); err != nil {
			return nil, "", nil, err
		}
		return nil, "", nil, wrongCredentials(refusal)
	}
	if err := e.countSignInSuccess(ctx, keys, now); err != nil {
		return nil, "", nil, err
	}
	s, token, err := e.openSession(ctx, u, SessionWeb, "", ip, SessionTTL)
	if err != nil {
		return nil, "", nil, err
	}
	a := &Actor{User: u, IP: ip}
	return s, token, u, e.Audit(ctx, a, "user.login", "user", u.ID, u.OrgPath, nil)
}

// CreateAPIToken opens a long-lived API session for the actor's own use in
// scripts and returns its secret token, shown once.
func (e *Engine) CreateAPIToken(ctx context.Context, a *Actor, name string) (*Session, string, error) {
	if err := a.Require(Roles...); err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return nil, "", &Error{Code: EINVALID, Message: "a token needs a name",
			Fields: []FieldError{{Pointer: "/name", Code: "required", Message: "1 to 100 characters"}}}
	}
	s, token, err := e.openSession(ctx, a.User, SessionAPI, name, a.IP, APITokenTTL)
	if err != nil {
		return nil, "", err
	}
	return s, token, e.Audit(ctx, a, "token.create", "user", a.User.ID, a.User.OrgPath, map[string]any{"name": name})
}

func (e *Engine) openSession(ctx context.Context, u *User, kind, name, ip string, ttl time.Duration) (*Session, string, error) {
	now := e.Now()
	token, hash := newToken()
	csrf, _ := newToken()
	s := &Session{TokenHash: hash, Kind: kind, Name: name, UserID: u.ID, CSRFToken: csrf, IP: ip, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := e.store.CreateSession(ctx, s); err != nil {
		return nil, "", err
	}
	return s, token, nil
}

// Authenticate returns the actor behind a session or API token. Returns
// EUNAUTHORIZED when the token is unknown, expired, or its user is gone or
// disabled.
func (e *Engine) Authenticate(ctx context.Context, token, ip string) (*Actor, *Session, error) {
	if token == "" || len(token) > 200 {
		return nil, nil, Errorf(EUNAUTHORIZED, "sign in first")
	}
	s, u, err := e.sessionOf(ctx, HashToken(token))
	if s == nil && err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil, Errorf(EUNAUTHORIZED, "your session has ended; sign in again")
		}
		return nil, nil, err
	}
	if err != nil {
		if ErrorCode(err) == ENOTFOUND {
			return nil, nil, Errorf(EUNAUTHORIZED, "sign in first")
		}
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, Errorf(EUNAUTHORIZED, "this account is disabled")
	}
	return &Actor{User: u, IP: ip}, s, nil
}

// Logout ends the session behind token.
func (e *Engine) Logout(ctx context.Context, a *Actor, token string) error {
	hash := HashToken(token)
	e.sessions.forget(hash)
	if err := e.store.DeleteSession(ctx, hash); err != nil {
		return err
	}
	e.sessions.forget(hash) // again: a request may have read it meanwhile
	scope := ""
	if a != nil && a.User != nil {
		scope = a.User.OrgPath
	}
	return e.Audit(ctx, a, "user.logout", "user", a.ID(), scope, nil)
}

func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("engine: no randomness: " + err.Error())
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken returns the stored form of a session or API token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
