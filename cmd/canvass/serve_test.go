package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestServeRefusesBadInput(t *testing.T) {
	notADatabase := bytes.Repeat([]byte("these are the minutes of the village meeting\n"), 100)
	// A file that starts like a database but whose content is destroyed:
	// only SQLite itself can notice.
	damaged := append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xA5}, 8192)...)

	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // makes what the case needs under dir
		// args gets dir and returns the flags after "serve"; {dir} in
		// wantStderr stands for dir.
		args       func(dir string) []string
		wantCode   int
		wantStderr string
		// file, when set, is a path under dir whose bytes must be the same
		// after the run; its -wal and -shm companions must not appear.
		file    string
		content []byte
	}{
		{
			name:       "unknown scheme",
			args:       func(string) []string { return []string{"--db", "postgres://admin:hunter2@db.example/canvass"} },
			wantCode:   2,
			wantStderr: `canvass: --db "postgres://admin:xxxxx@db.example/canvass": unknown database scheme: want sqlite:PATH, mongodb://… or mongodb+srv://…`,
		},
		{
			name:       "bare path without scheme",
			args:       func(dir string) []string { return []string{"--db", filepath.Join(dir, "c.db")} },
			wantCode:   2,
			wantStderr: `canvass: --db "{dir}/c.db": unknown database scheme`,
		},
		{
			name:       "sqlite without a path",
			args:       func(string) []string { return []string{"--db", "sqlite:"} },
			wantCode:   2,
			wantStderr: "canvass: --db sqlite: needs a file path, e.g. sqlite:data/canvass.db",
		},
		{
			name:       "missing directory",
			args:       func(dir string) []string { return []string{"--db", "sqlite:" + dir + "/nowhere/c.db"} },
			wantCode:   1,
			wantStderr: "canvass: open sqlite:{dir}/nowhere/c.db: directory {dir}/nowhere does not exist",
		},
		{
			name: "directory where the file should be",
			setup: func(t *testing.T, dir string) {
				if err := os.Mkdir(filepath.Join(dir, "c.db"), 0o755); err != nil {
					t.Fatal(err)
				}
			},
			args:       func(dir string) []string { return []string{"--db", "sqlite:" + dir + "/c.db"} },
			wantCode:   1,
			wantStderr: "canvass: open sqlite:{dir}/c.db: {dir}/c.db is a directory, not a database file",
		},
		{
			name:       "file that is not a database",
			setup:      writeFile("c.db", notADatabase),
			args:       func(dir string) []string { return []string{"--db", "sqlite:" + dir + "/c.db"} },
			wantCode:   1,
			wantStderr: "canvass: open sqlite:{dir}/c.db: {dir}/c.db is not a SQLite database",
			file:       "c.db",
			content:    notADatabase,
		},
		{
			name:       "damaged database",
			setup:      writeFile("c.db", damaged),
			args:       func(dir string) []string { return []string{"--db", "sqlite:" + dir + "/c.db"} },
			wantCode:   1,
			wantStderr: "canvass: open sqlite:{dir}/c.db: ",
			file:       "c.db",
			content:    damaged,
		},
		{
			name:       "bad log format",
			args:       func(string) []string { return []string{"--log-format", "xml"} },
			wantCode:   2,
			wantStderr: `canvass: --log-format "xml": want text or json`,
		},
		{
			name:       "bad log level",
			args:       func(string) []string { return []string{"--log-level", "loud"} },
			wantCode:   2,
			wantStderr: `canvass: --log-level "loud": want debug, info, warn or error`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			args := append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args(dir)...)
			got := runCanvass(t, dir, args...)
			if got.code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstderr: %s", got.code, tt.wantCode, got.stderr)
			}
			want := strings.ReplaceAll(tt.wantStderr, "{dir}", dir)
			if !strings.HasPrefix(got.stderr, want) {
				t.Errorf("stderr: got %q, want it to start with %q", got.stderr, want)
			}
			if n := strings.Count(got.stderr, "\n"); n != 1 {
				t.Errorf("stderr has %d lines, want 1: %q", n, got.stderr)
			}
			if strings.Contains(got.stderr, "hunter2") {
				t.Errorf("stderr shows the password: %q", got.stderr)
			}
			if tt.file != "" {
				path := filepath.Join(dir, tt.file)
				after, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(after, tt.content) {
					t.Errorf("%s changed: got %d bytes, want the original %d", tt.file, len(after), len(tt.content))
				}
				for _, companion := range []string{path + "-wal", path + "-shm", path + "-journal"} {
					if _, err := os.Stat(companion); err == nil {
						t.Errorf("%s was created", filepath.Base(companion))
					}
				}
			}
		})
	}
}

func writeFile(name string, content []byte) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	got := runCanvass(t, dir, "serve", "--addr", ln.Addr().String(), "--db", "sqlite:"+dir+"/c.db")
	if got.code != 1 {
		t.Errorf("exit code: got %d, want 1\nstderr: %s", got.code, got.stderr)
	}
	if !strings.Contains(got.stderr, "address already in use") {
		t.Errorf("stderr: got %q, want it to say the address is in use", got.stderr)
	}
}

// serving is a running "canvass serve" and its log.
type serving struct {
	cmd  *exec.Cmd
	addr string

	mu   sync.Mutex
	logs []map[string]any
	done chan struct{} // closed when stderr ends
}

// startServe starts "canvass serve" with JSON logs in dir and waits until
// it listens.
func startServe(t *testing.T, dir string, args ...string) *serving {
	t.Helper()
	return startServing(t, dir, nil, 20*time.Second, args...)
}

// startServing is startServe with the process's stdout going to stdout
// (nil: discarded) and wait for it to listen.
func startServing(t *testing.T, dir string, stdout io.Writer, wait time.Duration, args ...string) *serving {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)...)
	cmd.Dir = dir
	cmd.Stdout = stdout
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
		t.Fatalf("canvass serve %v ended before listening: %v", args, s.messages())
	case <-time.After(wait):
		t.Fatalf("canvass serve %v did not listen within %v: %v", args, wait, s.messages())
	}
	return s
}

func (s *serving) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var msgs []string
	for _, e := range s.logs {
		msg, _ := e["msg"].(string)
		msgs = append(msgs, msg)
	}
	return msgs
}

// stop sends sig and returns the exit code, failing if the process takes
// longer than 10 seconds.
func (s *serving) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("canvass serve still running 10s after %v: %v", sig, s.messages())
	}
	err := s.cmd.Wait()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return s.cmd.ProcessState.ExitCode()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func TestServeRunsAndStopsCleanly(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		signal os.Signal
		dbFile string // relative to the working directory
	}{
		{name: "explicit database, SIGTERM", args: []string{"--db", "sqlite:canvass.db"}, signal: syscall.SIGTERM, dbFile: "canvass.db"},
		// The README's first command: no --db, so data/ is created.
		{name: "default database with --demo, SIGINT", args: []string{"--demo"}, signal: syscall.SIGINT, dbFile: "data/canvass.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := startServe(t, dir, tt.args...)
			base := "http://" + s.addr

			if status, body := get(t, base+"/healthz"); status != 200 || body != "ok" {
				t.Errorf("GET /healthz: got %d %q, want 200 %q", status, body, "ok")
			}
			if status, body := get(t, base+"/readyz"); status != 200 {
				t.Errorf("GET /readyz: got %d %s, want 200", status, body)
			}
			if status, body := get(t, base+"/api/v1/version"); status != 200 || !strings.Contains(body, testVersion) {
				t.Errorf("GET /api/v1/version: got %d %s, want 200 with %q", status, body, testVersion)
			}

			start := time.Now()
			if code := s.stop(t, tt.signal); code != 0 {
				t.Errorf("exit code after %v: got %d, want 0; log: %v", tt.signal, code, s.messages())
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("stopping took %v, want under 5s", d)
			}
			msgs := s.messages()
			if len(msgs) == 0 || msgs[len(msgs)-1] != "stopped" {
				t.Errorf("last log message: got %v, want %q", msgs, "stopped")
			}
			if _, err := os.Stat(filepath.Join(dir, tt.dbFile)); err != nil {
				t.Errorf("database file: %v", err)
			}
		})
	}
}
