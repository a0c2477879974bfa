package engine_test

import (
	"context"
	"testing"
	"time"

	"canvass/engine"
)

// TestUnlockSignIn: failed sign-ins lock an account from an address; an
// admin whose scope holds the user sees the lock and lifts it (audited),
// once; an admin elsewhere sees nothing and cannot.
func TestUnlockSignIn(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	seedTree(t, e)
	worker := mustUser(t, e, "worker1", "370102001001", engine.RoleFieldWorker)
	admin := mustUser(t, e, "admin1", "370102", engine.RoleAdmin)
	other := mustUser(t, e, "admin2", "370102002", engine.RoleAdmin)
	for range 5 {
		if _, _, _, err := e.Login(ctx, "worker1", "wrong", "10.0.0.2"); err == nil {
			t.Fatal("a wrong password signed in")
		}
	}
	if _, _, _, err := e.Login(ctx, "worker1", "s3cret-pass", "10.0.0.2"); engine.ErrorCode(err) != engine.ERATELIMITED {
		t.Fatalf("the locked account signed in: %v", err)
	}
	locks, err := e.SignInLocks(ctx, admin)
	if err != nil || len(locks) != 1 || locks[0].User.ID != worker.User.ID || len(locks[0].Addresses) != 1 || locks[0].Addresses[0] != "10.0.0.2" {
		t.Fatalf("locks: %+v %v", locks, err)
	}
	if got, err := e.SignInLocks(ctx, other); err != nil || len(got) != 0 {
		t.Errorf("another district's admin sees %d locks (%v)", len(got), err)
	}
	if _, err := e.SignInLocks(ctx, worker); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Errorf("a field worker lists locks: %v", err)
	}
	if _, err := e.UnlockSignIn(ctx, other, worker.User.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Errorf("unlock outside the scope: %v, want %s", err, engine.ENOTFOUND)
	}
	if _, err := e.UnlockSignIn(ctx, admin, worker.User.ID); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if _, err := e.UnlockSignIn(ctx, admin, worker.User.ID); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Errorf("a second unlock: %v, want %s", err, engine.ECONFLICT)
	}
	clk.Add(time.Second)
	if _, _, _, err := e.Login(ctx, "worker1", "s3cret-pass", "10.0.0.2"); err != nil {
		t.Errorf("after unlocking: %v", err)
	}
	page, err := e.Store().ListAudit(ctx, engine.AuditFilter{Action: "user.unlock", ObjectID: worker.User.ID}, engine.Page{Limit: 5})
	if err != nil || len(page.Events) != 1 || page.Events[0].Actor != admin.User.ID {
		t.Errorf("the unlock is not audited once by the admin: %+v %v", page, err)
	}
}

func TestParseRecordNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"12", 12}, {" No.12 ", 12}, {"#7", 7}, {"12号", 12}, {"第3号", 3},
		{"", 0}, {"0", 0}, {"-4", 0}, {"12a", 0}, {"1234567890123", 0}, {"赵", 0},
	} {
		if got := engine.ParseRecordNumber(tc.in); got != tc.want {
			t.Errorf("ParseRecordNumber(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
