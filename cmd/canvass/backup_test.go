package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBackupRestoreCommands takes a backup from a running server, is
// refused a restore while the server runs, restores once it stopped, and
// signs in to a server started on the restored database.
func TestBackupRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	setUpDatabase(t, dir)
	s := startServe(t, dir)
	keys, err := os.ReadFile(filepath.Join(dir, "data", keyFileName))
	if err != nil {
		t.Fatal(err)
	}
	id := keyFileDatabaseID(keys)
	if id == "" {
		t.Fatalf("the key file names no database: %q", keys)
	}

	got := runCanvass(t, dir, "backup", "out.db")
	if got.code != 0 {
		t.Fatalf("backup while serving: exit code %d, want 0\nstderr: %s", got.code, got.stderr)
	}
	checkContains(t, "backup stdout", got.stdout, "backed up sqlite:data/canvass.db to out.db|"+id)

	got = runCanvass(t, dir, "restore", "out.db")
	if got.code != 1 {
		t.Errorf("restore while serving: exit code %d, want 1\nstderr: %s", got.code, got.stderr)
	}
	if n := strings.Count(got.stderr, "\n"); n != 1 {
		t.Errorf("restore while serving: stderr has %d lines, want 1: %q", n, got.stderr)
	}
	if aside, _ := filepath.Glob(filepath.Join(dir, "data", "canvass.db.before-restore-*")); len(aside) > 0 {
		t.Errorf("a refused restore moved the database aside: %v", aside)
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code: got %d, want 0", code)
	}

	got = runCanvass(t, dir, "restore", "out.db")
	if got.code != 0 {
		t.Fatalf("restore: exit code %d, want 0\nstderr: %s", got.code, got.stderr)
	}
	checkContains(t, "restore stdout", got.stdout, "restored out.db to sqlite:data/canvass.db|"+id+"|the database it replaced is now ")
	if aside, _ := filepath.Glob(filepath.Join(dir, "data", "canvass.db.before-restore-*")); len(aside) != 1 {
		t.Errorf("databases set aside: got %v, want one", aside)
	}

	s = startServe(t, dir)
	res, err := http.Post("http://"+s.addr+"/api/v1/login", "application/json", strings.NewReader(`{"username":"zhao.lei","password":"a long password"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("sign-in on the restored database: got %d, want 200", res.StatusCode)
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
}

func TestBackupRestoreRefuses(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(t *testing.T, dir string)
		args       []string
		wantCode   int
		wantStderr string
	}{
		{name: "backup without a file", args: []string{"backup"}, wantCode: 2, wantStderr: "canvass: backup takes one argument"},
		{name: "backup with two files", args: []string{"backup", "a.db", "b.db"}, wantCode: 2, wantStderr: "canvass: backup takes one argument"},
		{name: "backup of MongoDB", args: []string{"backup", "--db", "mongodb://db.invalid/canvass", "out.db"}, wantCode: 2, wantStderr: "mongodump"},
		{name: "backup, unknown scheme", args: []string{"backup", "--db", "postgres://x/y", "out.db"}, wantCode: 2, wantStderr: "unknown database scheme"},
		{name: "backup of a missing database", args: []string{"backup", "out.db"}, wantCode: 1, wantStderr: "does not exist"},
		{name: "backup over an existing file", setup: withDatabase("out.db"), args: []string{"backup", "out.db"}, wantCode: 1, wantStderr: "never overwrites"},
		{name: "restore without a file", args: []string{"restore"}, wantCode: 2, wantStderr: "canvass: restore takes one argument"},
		{name: "restore into MongoDB", args: []string{"restore", "--db", "mongodb://db.invalid/canvass", "in.db"}, wantCode: 2, wantStderr: "mongorestore"},
		{name: "restore of a missing backup", setup: withDatabase(""), args: []string{"restore", "in.db"}, wantCode: 1, wantStderr: "does not exist"},
		{name: "restore of a file that is not a database", setup: withDatabase("in.db"), args: []string{"restore", "in.db"}, wantCode: 1, wantStderr: "not a SQLite database"},
		{name: "restore of another database's backup", args: []string{"restore", "in.db"}, wantCode: 1, wantStderr: "belongs to database",
			setup: func(t *testing.T, dir string) {
				startStop(t, dir) // data/canvass.db and its key file
				if err := os.WriteFile(filepath.Join(dir, "units.csv"), []byte(unitsCSV), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(filepath.Join(dir, "other"), 0o755); err != nil {
					t.Fatal(err)
				}
				if got := runCanvass(t, dir, "orgunit", "import", "--db", "sqlite:other/canvass.db", "units.csv"); got.code != 0 {
					t.Fatalf("orgunit import: %s", got.stderr)
				}
				if got := runCanvass(t, dir, "backup", "--db", "sqlite:other/canvass.db", "in.db"); got.code != 0 {
					t.Fatalf("backup: %s", got.stderr)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			data := filepath.Join(dir, "data")
			before := listFiles(t, data)
			got := runCanvass(t, dir, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstderr: %s", got.code, tt.wantCode, got.stderr)
			}
			if !strings.HasPrefix(got.stderr, "canvass: ") || !strings.Contains(got.stderr, tt.wantStderr) {
				t.Errorf("stderr: got %q, want it to contain %q", got.stderr, tt.wantStderr)
			}
			if after := listFiles(t, data); after != before {
				t.Errorf("data/ changed: before %q, after %q", before, after)
			}
		})
	}
}

// withDatabase makes data/canvass.db (serve's, with its key file) and, if
// file is set, a file by that name that is not a database.
func withDatabase(file string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		startStop(t, dir)
		if file != "" {
			if err := os.WriteFile(filepath.Join(dir, file), []byte("minutes of the village meeting\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// listFiles names the files in dir with their sizes ("" when dir is
// missing).
func listFiles(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d ", e.Name(), fi.Size())
	}
	return b.String()
}
