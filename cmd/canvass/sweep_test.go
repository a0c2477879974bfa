package main

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestSweepOwnerNamesTheProcess(t *testing.T) {
	owner := regexp.MustCompile(`^[^/]+/` + strconv.Itoa(os.Getpid()) + `/[0-9a-f]{8}$`)
	a, b := sweepOwner(), sweepOwner()
	for _, o := range []string{a, b} {
		if !owner.MatchString(o) {
			t.Errorf("owner %q: want one host/pid/random name for the process", o)
		}
	}
	if a == b {
		t.Errorf("two sweepers of one process share the owner %q", a)
	}
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited 5s for %s", what)
}

func TestServeRunsTheSweeper(t *testing.T) {
	got := runCanvass(t, t.TempDir(), "serve", "--sweep-every", "500ms", "--db", "sqlite:c.db")
	if got.code != exitUsage {
		t.Errorf("--sweep-every 500ms: exit code %d, want %d (%s)", got.code, exitUsage, got.stderr)
	}
	checkContains(t, "stderr", got.stderr, "--sweep-every must be at least 1s")

	s := startServe(t, t.TempDir(), "--db", "sqlite:c.db", "--sweep-every", "1s")
	waitFor(t, "the sweeper to start", func() bool { return hasMessage(s, "timer sweeper started") })
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code %d, log %v", code, s.messages())
	}
	msgs := s.messages()
	stopped := slices.Index(msgs, "timer sweeper stopped")
	if stopped < 0 || stopped > slices.Index(msgs, "stopped") {
		t.Errorf("log: got %v, want the sweeper stopped before the store closed", msgs)
	}
}
