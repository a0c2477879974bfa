package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"canvass/demo"
)

// lockedBuffer collects a subprocess's stdout safely.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startDemo starts "canvass serve --demo" on the SQLite file demo.db in
// dir, like startServe, and also collects its stdout (the demo users).
func startDemo(t *testing.T, dir string) (*serving, *lockedBuffer) {
	t.Helper()
	out := &lockedBuffer{}
	return startServing(t, dir, out, 60*time.Second, "--db", "sqlite:demo.db", "--demo"), out
}

// login signs in through the API and returns the status.
func login(t *testing.T, base, username, password string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestServeDemo: --demo seeds an empty store once, prints every demo
// user's password, and every printed password signs in; started again on
// the same file it seeds nothing and says so.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	const seeded = "demo: seeded the example campaigns, the Qinghe District org tree, the demo users and sample records"
	const kept = "demo: the store already has data; not seeding it again"

	first, out := startDemo(t, dir)
	base := "http://" + first.addr
	for _, u := range demo.Users() {
		line := "  " + u.Username + " "
		if !strings.Contains(out.String(), line) || !strings.Contains(out.String(), " "+u.Password+" ") {
			t.Errorf("stdout does not list %s with password %s:\n%s", u.Username, u.Password, out.String())
		}
		if got := login(t, base, u.Username, u.Password); got != http.StatusOK {
			t.Errorf("login %s with the printed password: got %d, want 200", u.Username, got)
		}
	}
	if got := login(t, base, "worker", "not-the-demo-password"); got != http.StatusUnauthorized {
		t.Errorf("login worker with a wrong password: got %d, want 401", got)
	}
	if msgs := first.messages(); !slices.Contains(msgs, seeded) || slices.Contains(msgs, kept) {
		t.Errorf("first start: log %v, want %q and not %q", msgs, seeded, kept)
	}
	if code := first.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code: got %d, want 0; log %v", code, first.messages())
	}

	second, _ := startDemo(t, dir)
	if msgs := second.messages(); !slices.Contains(msgs, kept) || slices.Contains(msgs, seeded) {
		t.Errorf("second start: log %v, want %q and not %q", msgs, kept, seeded)
	}
	if got := login(t, "http://"+second.addr, "finance", "demo-finance"); got != http.StatusOK {
		t.Errorf("login finance after the restart: got %d, want 200", got)
	}
	if code := second.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code: got %d, want 0; log %v", code, second.messages())
	}
}
