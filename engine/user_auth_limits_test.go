package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"canvass/engine"
)

// TestSignInRefusals checks what Login says about each refusal: the
// reason, attempts left and when a lock ends, and that the limits count by
// network (an IPv6 /64) and by the store's fixed windows.
func TestSignInRefusals(t *testing.T) {
	type attempt struct {
		advance      time.Duration
		ip           string
		wrong        bool
		wantCode     string
		wantReason   string
		wantLeft     int
		wantRetryMin int
	}
	wrong := func(ip string, left int) attempt {
		a := attempt{ip: ip, wrong: true, wantCode: engine.EUNAUTHORIZED, wantReason: engine.SignInWrong, wantLeft: left}
		if left == 0 {
			a.wantRetryMin = 15
		}
		return a
	}
	tests := []struct {
		name     string
		attempts []attempt
	}{
		{name: "attempts left count down, the fifth locks", attempts: []attempt{
			wrong("10.0.0.2", 4), wrong("10.0.0.2", 3), wrong("10.0.0.2", 2), wrong("10.0.0.2", 1), wrong("10.0.0.2", 0),
			{ip: "10.0.0.2", wantCode: engine.ERATELIMITED, wantReason: engine.SignInLocked, wantRetryMin: 15},
			{ip: "10.0.0.3"},
		}},
		{name: "one IPv6 /64 is one address", attempts: []attempt{
			wrong("2001:db8:1:2::1", 4), wrong("2001:db8:1:2::2", 3), wrong("2001:db8:1:2:aaaa::3", 2),
			wrong("2001:db8:1:3::1", 4),
		}},
		{name: "an IPv4-mapped address is the IPv4 one", attempts: []attempt{
			wrong("192.0.2.8", 4), wrong("::ffff:192.0.2.8", 3),
		}},
		{name: "the lock ends with the window, rounded up to the minute", attempts: []attempt{
			wrong("10.0.0.2", 4), wrong("10.0.0.2", 3), wrong("10.0.0.2", 2), wrong("10.0.0.2", 1),
			{advance: 14*time.Minute + 30*time.Second, ip: "10.0.0.2", wrong: true, wantCode: engine.EUNAUTHORIZED, wantReason: engine.SignInWrong, wantRetryMin: 1},
			{advance: 29 * time.Second, ip: "10.0.0.2", wantCode: engine.ERATELIMITED, wantReason: engine.SignInLocked, wantRetryMin: 1},
			{advance: time.Second, ip: "10.0.0.2"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e, clk := newEngine(t)
			seedTree(t, e)
			mustUser(t, e, "worker1", "370102001001", engine.RoleFieldWorker)
			// The fixture clock starts on a window boundary.
			if got := clk.Now(); got.Truncate(15*time.Minute) != got {
				t.Fatalf("the clock starts at %v, want a 15-minute boundary", got)
			}
			for i, a := range tt.attempts {
				clk.Add(a.advance)
				password := "s3cret-pass"
				if a.wrong {
					password = "wrong-pass"
				}
				_, _, _, err := e.Login(ctx, "worker1", password, a.ip)
				if got := engine.ErrorCode(err); got != a.wantCode {
					t.Fatalf("attempt %d from %s: code %q, want %q (%v)", i+1, a.ip, got, a.wantCode, err)
				}
				if a.wantCode == "" {
					continue
				}
				var r *engine.SignInRefusal
				if !errors.As(err, &r) {
					t.Fatalf("attempt %d: %v carries no SignInRefusal", i+1, err)
				}
				retry := 0
				if r.RetryAfter > 0 {
					retry = r.RetryMinutes()
				}
				if r.Reason != a.wantReason || r.AttemptsLeft != a.wantLeft || retry != a.wantRetryMin {
					t.Errorf("attempt %d from %s: got %s, %d left, retry in %d min; want %s, %d left, %d min",
						i+1, a.ip, r.Reason, r.AttemptsLeft, retry, a.wantReason, a.wantLeft, a.wantRetryMin)
				}
			}
		})
	}
}
