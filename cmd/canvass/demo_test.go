package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
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
// dir, like startServe, and also collects its stdout.
func startDemo(t *testing.T, dir string) (*serving, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--db", "sqlite:demo.db", "--demo")
	cmd.Dir = dir
	out := &lockedBuffer{}
	cmd.Stdout = out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &serving{cmd: cmd, done: make(chan struct{})}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	listening := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var entry map[string]any
			if err := json.Unmarshal(sc.Bytes(), &entry); err != nil {
				entry = map[string]any{"msg": "not JSON: " + sc.Text()}
			}
			s.mu.Lock()
			s.logs = append(s.logs, entry)
			s.mu.Unlock()
			if entry["msg"] == "listening" {
				addr, _ := entry["addr"].(string)
				listening <- addr
			}
		}
	}()
	select {
	case s.addr = <-listening:
	case <-s.done:
		t.Fatalf("canvass serve --demo ended before listening: %v", s.messages())
	case <-time.After(60 * time.Second):
		t.Fatalf("canvass serve --demo did not listen within 60s: %v", s.messages())
	}
	return s, out
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
