package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"time"
)

// Sign-in limits. Only failed attempts count, so an office of people
// signing in from behind one NAT address never locks itself out, and an
// attacker's failures lock the attacker's own (account, address) pair,
// not the account's owner at the addresses where the owner signs in:
//
//   - 5 failures for one account from one address lock that pair until the
//     15-minute window ends; the same user from another address still
//     signs in, and a success resets the pair's count.
//   - 50 failures from one address, whatever the accounts, throttle that
//     address (password spraying), except for an account that signed in
//     successfully from it within the last 30 days.
//   - 100 failures for one account from all addresses together lock the
//     account from every address it has not signed in from successfully
//     within the last 30 days; where it has, only the pair limit applies.
//
// Counts are kept in the store's fixed windows (starting at multiples of
// the window since the Unix epoch), so they hold across server replicas
// and a lock lasts at most one window. An IPv6 client counts as its /64
// network, which one host can usually fill at will.
const (
	loginWindow        = 15 * time.Minute
	maxPairFailures    = 5   // per account and address per window: then the pair is locked
	maxAddressFailures = 50  // per address per window, all accounts: then the address is throttled
	maxAccountFailures = 100 // per account per window, all addresses: then unknown addresses are locked
	knownAddressWindow = 30 * 24 * time.Hour
)

// SignInWarnAttemptsLeft is from how many attempts left on a refusal for a
// wrong password tells the user how many remain.
const SignInWarnAttemptsLeft = 2

// Why Login refused, in SignInRefusal.Reason.
const (
	SignInWrong     = "wrong_credentials"   // wrong username or password (EUNAUTHORIZED)
	SignInLocked    = "locked_from_address" // the account is locked for sign-in from this address (ERATELIMITED)
	SignInThrottled = "address_throttled"   // too many failed sign-ins from this address (ERATELIMITED)
)

// SignInRefusal says why Login refused, so that a page can word it in the
// user's language. It is the cause (Err) of the *Error Login returns; find
// it with errors.As.
type SignInRefusal struct {
	Reason string // SignInWrong, SignInLocked or SignInThrottled
	// AttemptsLeft is, for SignInWrong, how many more failures from this
	// address lock the account here (0: this one did).
	AttemptsLeft int
	// RetryAfter is how long until a lock or throttle ends: for
	// SignInLocked, SignInThrottled, and SignInWrong with AttemptsLeft 0.
	RetryAfter time.Duration
}

func (r *SignInRefusal) Error() string {
	return fmt.Sprintf("sign-in refused: %s (attempts left %d, retry after %v)", r.Reason, r.AttemptsLeft, r.RetryAfter)
}

// RetryMinutes is RetryAfter in whole minutes, rounded up, at least 1.
func (r *SignInRefusal) RetryMinutes() int {
	return max(1, int((r.RetryAfter+time.Minute-1)/time.Minute))
}

// signInKeys names the counters of one attempt: the username (as typed,
// lower-cased) and the client's network address.
type signInKeys struct {
	pair    string // failures of this account from this address
	address string // failures from this address, all accounts
	account string // failures of this account, all addresses
	known   string // successes of this account from this address, over knownAddressWindow
}

func newSignInKeys(username, ip string) signInKeys {
	if len(username) > 64 { // no real username is this long; keep keys short
		sum := sha256.Sum256([]byte(username))
		username = "~" + hex.EncodeToString(sum[:16])
	}
	network := signInNetwork(ip)
	// The network comes first: it has no spaces, so the key is unambiguous
	// whatever the username holds.
	return signInKeys{
		pair:    "login:pair:" + network + " " + username,
		address: "login:addr:" + network,
		account: "login:acct:" + username,
		known:   "login:known:" + network + " " + username,
	}
}

// signInNetwork is the address the limits count by: an IPv4 address, or
// the /64 network of an IPv6 one.
func signInNetwork(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.WithZone("").Prefix(64)
	if err != nil {
		return addr.String()
	}
	return p.String()
}

// windowEnd is when the counter window of length w containing now ends.
func windowEnd(now time.Time, w time.Duration) time.Time {
	ms, wms := now.UnixMilli(), w.Milliseconds()
	start := ms - ((ms%wms)+wms)%wms
	return time.UnixMilli(start + wms)
}

// signInRefused builds the error Login returns for a refusal.
func signInRefused(code, message string, r *SignInRefusal) error {
	return &Error{Code: code, Message: message, Err: r}
}

// checkSignInLimits returns ERATELIMITED when an attempt for keys must be
// refused before its password is even checked.
func (e *Engine) checkSignInLimits(ctx context.Context, k signInKeys, now time.Time) error {
	retry := windowEnd(now, loginWindow).Sub(now)
	locked := &SignInRefusal{Reason: SignInLocked, RetryAfter: retry}
	lockedMsg := fmt.Sprintf("this account is temporarily locked for sign-in from this address; try again in %d minutes", locked.RetryMinutes())
	pair, err := e.store.CounterValue(ctx, k.pair, loginWindow, now)
	if err != nil {
		return err
	}
	if pair >= maxPairFailures {
		return signInRefused(ERATELIMITED, lockedMsg, locked)
	}
	address, err := e.store.CounterValue(ctx, k.address, loginWindow, now)
	if err != nil {
		return err
	}
	account, err := e.store.CounterValue(ctx, k.account, loginWindow, now)
	if err != nil {
		return err
	}
	if address < maxAddressFailures && account < maxAccountFailures {
		return nil
	}
	known, err := e.knownSignInAddress(ctx, k, now)
	if err != nil || known {
		return err
	}
	if address >= maxAddressFailures {
		r := &SignInRefusal{Reason: SignInThrottled, RetryAfter: retry}
		return signInRefused(ERATELIMITED, fmt.Sprintf("too many failed sign-ins from this network address; try again in %d minutes", r.RetryMinutes()), r)
	}
	return signInRefused(ERATELIMITED, lockedMsg, locked)
}

// knownSignInAddress reports whether the account signed in successfully
// from the address in this or the previous knownAddressWindow. The
// previous window's count may already be gone (the MongoDB store expires
// it a window after its first hit): the memory is best effort, at least
// the time since the current window began.
func (e *Engine) knownSignInAddress(ctx context.Context, k signInKeys, now time.Time) (bool, error) {
	for _, at := range []time.Time{now, now.Add(-knownAddressWindow)} {
		n, err := e.store.CounterValue(ctx, k.known, knownAddressWindow, at)
		if err != nil || n > 0 {
			return n > 0, err
		}
	}
	return false, nil
}

// countSignInFailure counts a wrong username or password and returns how
// Login refuses it.
func (e *Engine) countSignInFailure(ctx context.Context, k signInKeys, now time.Time) (*SignInRefusal, error) {
	pair, err := e.store.HitCounter(ctx, k.pair, loginWindow, now)
	if err != nil {
		return nil, err
	}
	for _, key := range []string{k.address, k.account} {
		if _, err := e.store.HitCounter(ctx, key, loginWindow, now); err != nil {
			return nil, err
		}
	}
	r := &SignInRefusal{Reason: SignInWrong, AttemptsLeft: max(0, maxPairFailures-int(pair))}
	if r.AttemptsLeft == 0 {
		r.RetryAfter = windowEnd(now, loginWindow).Sub(now)
	}
	return r, nil
}

// wrongCredentials is Login's EUNAUTHORIZED error for the refusal r.
func wrongCredentials(r *SignInRefusal) error {
	msg := "wrong username or password"
	switch {
	case r.AttemptsLeft == 0:
		msg += fmt.Sprintf("; sign-in to this account from this address is now locked for %d minutes", r.RetryMinutes())
	case r.AttemptsLeft == 1:
		msg += "; one more failed attempt from this address locks the account here for a while"
	case r.AttemptsLeft <= SignInWarnAttemptsLeft:
		msg += fmt.Sprintf("; %d more failed attempts from this address lock the account here for a while", r.AttemptsLeft)
	}
	return signInRefused(EUNAUTHORIZED, msg, r)
}

// countSignInSuccess forgets the pair's failures and remembers the
// address as one the account signs in from.
func (e *Engine) countSignInSuccess(ctx context.Context, k signInKeys, now time.Time) error {
	if err := e.store.ResetCounter(ctx, k.pair); err != nil {
		return err
	}
	_, err := e.store.HitCounter(ctx, k.known, knownAddressWindow, now)
	return err
}
