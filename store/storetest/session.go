package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

func newSession(token, userID string, expires time.Time) *engine.Session {
	return &engine.Session{
		TokenHash: token, Kind: engine.SessionWeb, UserID: userID,
		CSRFToken: "csrf-" + token, IP: "192.0.2.7", CreatedAt: Epoch, ExpiresAt: expires,
	}
}

func diffSession(got, want *engine.Session) differ {
	if got == nil {
		return differ{"session is nil"}
	}
	var d differ
	d.str("TokenHash", got.TokenHash, want.TokenHash)
	d.str("Kind", got.Kind, want.Kind)
	d.str("Name", got.Name, want.Name)
	d.str("UserID", got.UserID, want.UserID)
	d.str("CSRFToken", got.CSRFToken, want.CSRFToken)
	d.str("IP", got.IP, want.IP)
	d.time("CreatedAt", got.CreatedAt, want.CreatedAt)
	d.time("ExpiresAt", got.ExpiresAt, want.ExpiresAt)
	return d
}

// Sessions: CreateSession "Returns ECONFLICT if TokenHash exists."
// GetSession "returns the session … if it has not expired at now. Returns
// ENOTFOUND otherwise." DeleteSession "removing a missing one is not an
// error." DeleteUserSessions "removes every session of a user … and reports
// how many there were."
func sessionScenarios() []scenario {
	expires := Epoch.Add(12 * time.Hour)
	return []scenario{
		{"create_and_get", func(t *testing.T, s app.Store) {
			web := newSession("hash-web", "u1", oddTime(expires))
			web.CreatedAt = oddTime(Epoch)
			api := newSession("hash-api", "u1", Epoch.Add(365*24*time.Hour))
			api.Kind, api.Name, api.CSRFToken = engine.SessionAPI, "导出脚本", ""
			for _, want := range []*engine.Session{web, api} {
				w := *want
				must(t, s.CreateSession(t.Context(), want), "CreateSession "+want.TokenHash)
				got, err := s.GetSession(t.Context(), w.TokenHash, Epoch.Add(time.Hour))
				must(t, err, "GetSession "+w.TokenHash)
				diffSession(got, &w).report(t, "GetSession "+w.TokenHash)
			}
		}},
		{"token_taken_conflicts", func(t *testing.T, s app.Store) {
			must(t, s.CreateSession(t.Context(), newSession("hash-1", "u1", expires)), "CreateSession")
			err := s.CreateSession(t.Context(), newSession("hash-1", "u2", expires))
			wantCode(t, err, engine.ECONFLICT, "CreateSession with a taken token hash")
			got, err := s.GetSession(t.Context(), "hash-1", Epoch)
			must(t, err, "GetSession")
			if got.UserID != "u1" {
				t.Errorf("session belongs to %q after a refused create, want u1", got.UserID)
			}
		}},
		{"expired_not_found", func(t *testing.T, s app.Store) {
			must(t, s.CreateSession(t.Context(), newSession("hash-1", "u1", expires)), "CreateSession")
			_, err := s.GetSession(t.Context(), "hash-1", expires.Add(-time.Millisecond))
			must(t, err, "GetSession just before it expires")
			_, err = s.GetSession(t.Context(), "hash-1", expires.Add(time.Millisecond))
			wantCode(t, err, engine.ENOTFOUND, "GetSession after it expired")
			_, err = s.GetSession(t.Context(), "hash-unknown", Epoch)
			wantCode(t, err, engine.ENOTFOUND, "GetSession of an unknown token")
		}},
		{"delete", func(t *testing.T, s app.Store) {
			must(t, s.CreateSession(t.Context(), newSession("hash-1", "u1", expires)), "CreateSession")
			must(t, s.CreateSession(t.Context(), newSession("hash-2", "u1", expires)), "CreateSession")
			must(t, s.DeleteSession(t.Context(), "hash-1"), "DeleteSession")
			_, err := s.GetSession(t.Context(), "hash-1", Epoch)
			wantCode(t, err, engine.ENOTFOUND, "GetSession after DeleteSession")
			_, err = s.GetSession(t.Context(), "hash-2", Epoch)
			must(t, err, "GetSession of the other session")
			must(t, s.DeleteSession(t.Context(), "hash-1"), "DeleteSession of a deleted session")
			must(t, s.DeleteSession(t.Context(), "hash-never"), "DeleteSession of an unknown session")
		}},
		{"delete_user_sessions", func(t *testing.T, s app.Store) {
			for i := range 3 {
				must(t, s.CreateSession(t.Context(), newSession(fmt.Sprintf("hash-u1-%d", i), "u1", expires)), "CreateSession")
			}
			must(t, s.CreateSession(t.Context(), newSession("hash-u2", "u2", expires)), "CreateSession")
			n, err := s.DeleteUserSessions(t.Context(), "u1")
			must(t, err, "DeleteUserSessions")
			if n != 3 {
				t.Errorf("DeleteUserSessions = %d, want 3", n)
			}
			for i := range 3 {
				_, err := s.GetSession(t.Context(), fmt.Sprintf("hash-u1-%d", i), Epoch)
				wantCode(t, err, engine.ENOTFOUND, "GetSession of a deleted user session")
			}
			_, err = s.GetSession(t.Context(), "hash-u2", Epoch)
			must(t, err, "GetSession of another user's session")
			n, err = s.DeleteUserSessions(t.Context(), "u1")
			must(t, err, "DeleteUserSessions again")
			if n != 0 {
				t.Errorf("DeleteUserSessions again = %d, want 0", n)
			}
		}},
	}
}

func hit(t *testing.T, s app.Store, key string, window time.Duration, now time.Time) int64 {
	t.Helper()
	n, err := s.HitCounter(t.Context(), key, window, now)
	must(t, err, "HitCounter "+key)
	return n
}

func counterValue(t *testing.T, s app.Store, key string, window time.Duration, now time.Time) int64 {
	t.Helper()
	n, err := s.CounterValue(t.Context(), key, window, now)
	must(t, err, "CounterValue "+key)
	return n
}

// Counters: HitCounter "adds one to the counter key in the fixed window of
// the given length that contains now, and returns the count in that window
// after the hit. Concurrent hits are never lost." CounterValue returns that
// count "without adding to it (0 when never hit)". ResetCounter "forgets
// every window of key." The suite's windows (a minute, an hour) start on
// whole minutes and hours of UTC, as fixed windows counted from the Unix
// epoch do.
func counterScenarios() []scenario {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	return []scenario{
		{"counts_in_window", func(t *testing.T, s app.Store) {
			for i, at := range []time.Duration{0, 30 * time.Second, 59*time.Second + 999*time.Millisecond} {
				if got := hit(t, s, "login:zhangsan", time.Minute, start.Add(at)); got != int64(i+1) {
					t.Errorf("hit %d at +%s = %d, want %d", i+1, at, got, i+1)
				}
			}
			if got := counterValue(t, s, "login:zhangsan", time.Minute, start.Add(10*time.Second)); got != 3 {
				t.Errorf("CounterValue = %d, want 3", got)
			}
		}},
		{"new_window_restarts", func(t *testing.T, s app.Store) {
			hit(t, s, "k", time.Minute, start)
			hit(t, s, "k", time.Minute, start.Add(59*time.Second))
			if got := hit(t, s, "k", time.Minute, start.Add(time.Minute)); got != 1 {
				t.Errorf("first hit of the next window = %d, want 1", got)
			}
			if got := counterValue(t, s, "k", time.Minute, start.Add(90*time.Second)); got != 1 {
				t.Errorf("CounterValue in the next window = %d, want 1", got)
			}
			if got := counterValue(t, s, "k", time.Minute, start.Add(3*time.Minute)); got != 0 {
				t.Errorf("CounterValue in a window never hit = %d, want 0", got)
			}
		}},
		{"keys_and_windows_are_separate", func(t *testing.T, s app.Store) {
			hit(t, s, "ip:192.0.2.1", time.Hour, start)
			hit(t, s, "ip:192.0.2.1", time.Hour, start.Add(30*time.Minute))
			if got := hit(t, s, "ip:192.0.2.2", time.Hour, start.Add(time.Minute)); got != 1 {
				t.Errorf("first hit of another key = %d, want 1", got)
			}
			if got := counterValue(t, s, "ip:192.0.2.1", time.Hour, start.Add(59*time.Minute)); got != 2 {
				t.Errorf("CounterValue = %d, want 2", got)
			}
			if got := counterValue(t, s, "ip:192.0.2.9", time.Hour, start); got != 0 {
				t.Errorf("CounterValue of a key never hit = %d, want 0", got)
			}
		}},
		{"counter_value_does_not_hit", func(t *testing.T, s app.Store) {
			for range 3 {
				counterValue(t, s, "k", time.Minute, start)
			}
			if got := hit(t, s, "k", time.Minute, start); got != 1 {
				t.Errorf("first hit after reads = %d, want 1", got)
			}
		}},
		{"reset", func(t *testing.T, s app.Store) {
			hit(t, s, "k", time.Minute, start)
			hit(t, s, "k", time.Minute, start)
			hit(t, s, "other", time.Minute, start)
			must(t, s.ResetCounter(t.Context(), "k"), "ResetCounter")
			if got := counterValue(t, s, "k", time.Minute, start); got != 0 {
				t.Errorf("CounterValue after reset = %d, want 0", got)
			}
			if got := hit(t, s, "k", time.Minute, start.Add(time.Second)); got != 1 {
				t.Errorf("hit after reset = %d, want 1", got)
			}
			if got := counterValue(t, s, "other", time.Minute, start); got != 1 {
				t.Errorf("another key after reset = %d, want 1", got)
			}
			must(t, s.ResetCounter(t.Context(), "never-hit"), "ResetCounter of a key never hit")
		}},
		{"concurrent_hits_never_lost", func(t *testing.T, s app.Store) {
			const workers, hits = 20, 10
			ctx := t.Context()
			var wg sync.WaitGroup
			errs := make(chan error, workers*hits)
			counts := make(chan int64, workers*hits)
			begin := make(chan struct{})
			for w := range workers {
				wg.Go(func() {
					<-begin
					for i := range hits {
						n, err := s.HitCounter(ctx, "burst", time.Minute, start.Add(time.Duration(w*hits+i)*time.Millisecond))
						if err != nil {
							errs <- err
							continue
						}
						counts <- n
					}
				})
			}
			close(begin)
			wg.Wait()
			close(errs)
			close(counts)
			for err := range errs {
				t.Errorf("concurrent HitCounter: %v", err)
			}
			for n := range counts {
				if n < 1 || n > workers*hits {
					t.Errorf("a concurrent hit returned %d, outside 1..%d", n, workers*hits)
				}
			}
			if got := counterValue(t, s, "burst", time.Minute, start); got != workers*hits {
				t.Errorf("after %d concurrent hits CounterValue = %d", workers*hits, got)
			}
			if got := hit(t, s, "burst", time.Minute, start.Add(time.Second)); got != workers*hits+1 {
				t.Errorf("the hit after %d concurrent hits = %d, want %d", workers*hits, got, workers*hits+1)
			}
		}},
	}
}
