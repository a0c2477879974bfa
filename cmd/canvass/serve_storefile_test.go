package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"canvass/store/sqlite"
)

// setUpDatabase makes data/canvass.db under dir with the org units and one
// admin, zhao.lei, as an operator would before the first serve.
func setUpDatabase(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "units.csv"), []byte(unitsCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := runWithInput(t, dir, "", "orgunit", "import", "units.csv"); got.code != 0 {
		t.Fatalf("orgunit import: %d %s", got.code, got.stderr)
	}
	if got := runWithInput(t, dir, "a long password\n", "user", "add", "--username", "zhao.lei", "--name", "赵磊", "--roles", "admin", "--org", "370102"); got.code != 0 {
		t.Fatalf("user add: %d %s", got.code, got.stderr)
	}
}

// TestServeStoreFileVanishes deletes or replaces the database file under a
// running server: /readyz must turn 503 within 2 s, a write (signing in
// stores a session) must be refused with "unavailable", and the next start
// must refuse to begin again on an empty or foreign database beside the
// old key file.
func TestServeStoreFileVanishes(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, dir, db string)
	}{
		{name: "deleted", change: func(t *testing.T, dir, db string) {
			if err := os.Remove(db); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "replaced by another database", change: func(t *testing.T, dir, db string) {
			other := filepath.Join(dir, "other")
			if err := os.Mkdir(other, 0o755); err != nil {
				t.Fatal(err)
			}
			if got := runWithInput(t, dir, "", "orgunit", "import", "--db", "sqlite:other/canvass.db", "units.csv"); got.code != 0 {
				t.Fatalf("orgunit import: %d %s", got.code, got.stderr)
			}
			if err := os.Rename(filepath.Join(other, "canvass.db"), db); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			setUpDatabase(t, dir)
			db := filepath.Join(dir, "data", "canvass.db")
			s := startServe(t, dir)
			base := "http://" + s.addr
			if status, body := get(t, base+"/readyz"); status != 200 {
				t.Fatalf("GET /readyz before: got %d %s, want 200", status, body)
			}

			tt.change(t, dir, db)
			changed := time.Now()
			status := 0
			for time.Since(changed) < 2*time.Second {
				if status, _ = get(t, base+"/readyz"); status == http.StatusServiceUnavailable {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if status != http.StatusServiceUnavailable {
				t.Errorf("GET /readyz 2s after: got %d, want 503", status)
			}
			res, err := http.Post(base+"/api/v1/login", "application/json", strings.NewReader(`{"username":"zhao.lei","password":"a long password"}`))
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Error struct{ Code string } `json:"error"`
			}
			json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if res.StatusCode != http.StatusServiceUnavailable || body.Error.Code != "unavailable" {
				t.Errorf("sign-in (a write): got %d %q, want 503 \"unavailable\"", res.StatusCode, body.Error.Code)
			}
			if code := s.stop(t, syscall.SIGTERM); code != 0 {
				t.Errorf("exit code: got %d, want 0; log: %v", code, s.messages())
			}

			got := runCanvass(t, dir, "serve", "--addr", "127.0.0.1:0")
			if got.code != 1 {
				t.Errorf("restart: exit code %d, want 1\nstderr: %s", got.code, got.stderr)
			}
			if n := strings.Count(got.stderr, "\n"); n != 1 {
				t.Errorf("restart: stderr has %d lines, want 1: %q", n, got.stderr)
			}
		})
	}
}

// TestServeNewDatabase: serve binds its key file to its database, and
// starts a new database beside a key file only when told to.
func TestServeNewDatabase(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // before serve; dir holds data/
		args  []string
		// wantCode 0: starts, and then the key file must hold the keys it
		// had (if any) and name the database's ID.
		wantCode   int
		wantStderr string
	}{
		{name: "first start"},
		{name: "database gone, its key file left", wantCode: 1, wantStderr: "does not exist, but ",
			setup: func(t *testing.T, dir string) { startStop(t, dir); removeDatabase(t, dir) }},
		{name: "database gone, --new-database", args: []string{"--new-database"},
			setup: func(t *testing.T, dir string) { startStop(t, dir); removeDatabase(t, dir) }},
		{name: "old key file without an ID, database gone", wantCode: 1, wantStderr: "does not exist, but ",
			setup: func(t *testing.T, dir string) { startStop(t, dir); removeDatabase(t, dir); dropKeyFileID(t, dir) }},
		{name: "old key file without an ID adopts the database's",
			setup: func(t *testing.T, dir string) { startStop(t, dir); dropKeyFileID(t, dir) }},
		{name: "key file of another database", wantCode: 1, wantStderr: "belongs to database ",
			setup: func(t *testing.T, dir string) {
				startStop(t, dir)
				setKeyFileID(t, dir, "0123456789abcdef0123456789abcdef")
			}},
		{name: "key file of another database, --new-database does not help", args: []string{"--new-database"}, wantCode: 1, wantStderr: "belongs to database ",
			setup: func(t *testing.T, dir string) {
				startStop(t, dir)
				setKeyFileID(t, dir, "0123456789abcdef0123456789abcdef")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			keysPath := filepath.Join(dir, "data", keyFileName)
			keysBefore, _ := os.ReadFile(keysPath)
			if tt.wantCode != 0 {
				got := runCanvass(t, dir, append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
				if got.code != tt.wantCode {
					t.Errorf("exit code: got %d, want %d\nstderr: %s", got.code, tt.wantCode, got.stderr)
				}
				if !strings.HasPrefix(got.stderr, "canvass: ") || !strings.Contains(got.stderr, tt.wantStderr) {
					t.Errorf("stderr: got %q, want one line containing %q", got.stderr, tt.wantStderr)
				}
				if n := strings.Count(got.stderr, "\n"); n != 1 {
					t.Errorf("stderr has %d lines, want 1: %q", n, got.stderr)
				}
				keysAfter, _ := os.ReadFile(keysPath)
				if string(keysAfter) != string(keysBefore) {
					t.Error("a refused start changed the key file")
				}
				return
			}
			startStop(t, dir, tt.args...)
			keys, err := os.ReadFile(keysPath)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := keyFileDatabaseID(keys), databaseID(t, filepath.Join(dir, "data", "canvass.db")); got != want {
				t.Errorf("key file database ID: got %q, want the database's %q", got, want)
			}
			if len(keysBefore) > 0 && string(withDatabaseID(keys, "")) != string(withDatabaseID(keysBefore, "")) {
				t.Errorf("the keys changed:\nbefore %q\nafter  %q", keysBefore, keys)
			}
		})
	}
}

// startStop starts serve in dir (data/canvass.db) and stops it.
func startStop(t *testing.T, dir string, args ...string) {
	t.Helper()
	s := startServe(t, dir, args...)
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code: got %d, want 0; log: %v", code, s.messages())
	}
}

func removeDatabase(t *testing.T, dir string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(filepath.Join(dir, "data", "canvass.db"+suffix)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

func dropKeyFileID(t *testing.T, dir string) { t.Helper(); setKeyFileID(t, dir, "") }

func setKeyFileID(t *testing.T, dir, id string) {
	t.Helper()
	path := filepath.Join(dir, "data", keyFileName)
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if keyFileDatabaseID(text) == "" {
		t.Fatalf("the key file serve made names no database: %q", text)
	}
	if err := os.WriteFile(path, withDatabaseID(text, id), 0o600); err != nil {
		t.Fatal(err)
	}
}

// databaseID opens the database at path (no server may run on it) and
// returns its ID.
func databaseID(t *testing.T, path string) string {
	t.Helper()
	st, err := sqlite.Open(path, sqlite.Options{Logger: quietLogger(os.Stderr)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return st.DatabaseID()
}
