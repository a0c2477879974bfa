package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"canvass/engine"
)

func TestOpenReopenIsNoOp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "canvass.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rec := testRecord("01JDQ0000000000000000000A1")
	if _, _, err := s.InsertRecord(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	s = MustOpenPath(t, path)
	var n int
	var names string
	if err := s.rdb.QueryRow("SELECT count(*), group_concat(name) FROM schema_migrations").Scan(&n, &names); err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations()
	if n != len(ms) {
		t.Errorf("schema_migrations has %d rows (%s), want %d", n, names, len(ms))
	}
	var mode string
	if err := s.rdb.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var sync int
	if err := s.w.conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
		t.Errorf("writer synchronous = %d, %v; want 2 (FULL)", sync, err)
	}
	got, err := s.GetRecord(ctx, rec.ID)
	if err != nil || got.Version != 1 {
		t.Fatalf("GetRecord after reopen = %v, %v", got, err)
	}
}

// TestOpenOddPath: the path reaches SQLite as a file: URI, so characters
// that mean something in a URI must survive the trip.
func TestOpenOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a b?c#d%20e&_pragma=x")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "数据 canvass.db")
	s := MustOpenPath(t, path)
	if _, _, err := s.InsertRecord(context.Background(), testRecord("01JDQ0000000000000000000A1")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not at the given path: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "数据 canvass.db") {
			t.Errorf("unexpected file %q beside the database", e.Name())
		}
	}
}

func TestCallsAfterClose(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "canvass.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, err := range map[string]error{
		"Ping":         s.Ping(ctx),
		"InsertRecord": third(s.InsertRecord(ctx, testRecord("01JDQ0000000000000000000A1"))),
		"GetRecord":    second(s.GetRecord(ctx, "x")),
		"ListRecords":  second(s.ListRecords(ctx, engine.RecordFilter{}, engine.Page{})),
		"HitCounter":   second(s.HitCounter(ctx, "k", time.Minute, time.Now())),
	} {
		if got := engine.ErrorCode(err); got != engine.EUNAVAILABLE {
			t.Errorf("%s after Close: code %q (%v), want %q", name, got, err, engine.EUNAVAILABLE)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func third[T, U any](_ T, _ U, err error) error { return err }

// TestOpenBadInput: each broken path gives one clear error naming the path,
// and a file that is there is left byte for byte as it was.
func TestOpenBadInput(t *testing.T) {
	garbage := bytes.Repeat([]byte("not a database, just some bytes\n"), 200)
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string) string // returns the path to open
		code     string
		contains string
	}{
		{
			name:     "missing directory",
			setup:    func(t *testing.T, dir string) string { return filepath.Join(dir, "nope", "canvass.db") },
			code:     engine.EINVALID,
			contains: "does not exist",
		},
		{
			name: "parent is a file",
			setup: func(t *testing.T, dir string) string {
				writeFile(t, filepath.Join(dir, "afile"), []byte("x"), 0o644)
				return filepath.Join(dir, "afile", "canvass.db")
			},
			code:     engine.EINVALID,
			contains: "is not a directory",
		},
		{
			name: "path is a directory",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "canvass.db")
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				return p
			},
			code:     engine.EINVALID,
			contains: "is a directory",
		},
		{
			name: "garbage bytes",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "canvass.db")
				writeFile(t, p, garbage, 0o644)
				return p
			},
			code:     engine.EINVALID,
			contains: "is not a SQLite database",
		},
		{
			name: "short file",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "canvass.db")
				writeFile(t, p, []byte("SQLite"), 0o644)
				return p
			},
			code:     engine.EINVALID,
			contains: "is not a SQLite database",
		},
		{
			name: "SQLite header over garbage",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "canvass.db")
				writeFile(t, p, append([]byte("SQLite format 3\x00"), garbage...), 0o644)
				return p
			},
			code:     engine.EINVALID,
			contains: "is not a SQLite database",
		},
		{
			name: "damaged pages",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "canvass.db")
				damagedDatabase(t, p)
				return p
			},
			code:     engine.EUNAVAILABLE,
			contains: "is damaged",
		},
		{
			name: "another program's database",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "other.db")
				db, err := sql.Open("sqlite", p)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if _, err := db.Exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)"); err != nil {
					t.Fatal(err)
				}
				return p
			},
			code:     engine.EINVALID,
			contains: "another program's SQLite database",
		},
		{
			name: "schema from a newer program",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "canvass.db")
				s, err := Open(p, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.w.conn.ExecContext(context.Background(), "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 0)"); err != nil {
					t.Fatal(err)
				}
				s.Close()
				return p
			},
			code:     engine.EINVALID,
			contains: "newer than this program",
		},
		{
			name:     "memory database",
			setup:    func(t *testing.T, dir string) string { return ":memory:" },
			code:     engine.EINVALID,
			contains: "not a database file path",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.setup(t, t.TempDir())
			openRefuses(t, path, tt.code, tt.contains)
		})
	}
}

// TestOpenPermissions covers files and directories this process may not
// read or write. Root may do anything, so as root the test runs itself
// again as the user nobody.
func TestOpenPermissions(t *testing.T) {
	if os.Geteuid() == 0 {
		runAsNobody(t, "TestOpenPermissions")
		return
	}
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string) string
		contains string
	}{
		{
			name: "unreadable file",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "canvass.db")
				validDatabase(t, p)
				chmod(t, p, 0o000)
				return p
			},
			contains: "cannot read",
		},
		{
			name: "read-only file",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "canvass.db")
				validDatabase(t, p)
				chmod(t, p, 0o444)
				return p
			},
			contains: "is read-only",
		},
		{
			name: "read-only directory, new file",
			setup: func(t *testing.T, dir string) string {
				sub := filepath.Join(dir, "ro")
				if err := os.Mkdir(sub, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(sub, 0o755) })
				return filepath.Join(sub, "canvass.db")
			},
			contains: "is not writable",
		},
		{
			name: "read-only directory, existing file",
			setup: func(t *testing.T, dir string) string {
				sub := filepath.Join(dir, "ro")
				if err := os.Mkdir(sub, 0o755); err != nil {
					t.Fatal(err)
				}
				p := filepath.Join(sub, "canvass.db")
				validDatabase(t, p)
				chmod(t, sub, 0o555)
				return p
			},
			contains: "is not writable",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.setup(t, t.TempDir())
			openRefuses(t, path, engine.EUNAVAILABLE, tt.contains)
		})
	}
}

// openRefuses checks that Open(path) fails with code, a message naming the
// path and containing want, and leaves the file unchanged.
func openRefuses(t *testing.T, path, code, want string) {
	t.Helper()
	before, statErr := readIfPossible(path)
	s, err := Open(path, Options{})
	if err == nil {
		s.Close()
		t.Fatalf("Open(%s) succeeded, want %s error", path, code)
	}
	var e *engine.Error
	if !errors.As(err, &e) {
		t.Fatalf("Open error %T %v is not an *engine.Error", err, err)
	}
	t.Logf("Open: %v", err)
	if e.Code != code {
		t.Errorf("code = %q, want %q (%v)", e.Code, code, err)
	}
	if !strings.Contains(e.Message, want) {
		t.Errorf("message %q does not contain %q", e.Message, want)
	}
	if path != ":memory:" && !strings.Contains(e.Message, filepath.Dir(path)) {
		t.Errorf("message %q does not name the path", e.Message)
	}
	after, _ := readIfPossible(path)
	if statErr == nil && !bytes.Equal(before, after) {
		t.Errorf("Open changed the file (%d bytes before, %d after)", len(before), len(after))
	}
}

func readIfPossible(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o444 == 0 {
		return nil, errors.New("not readable")
	}
	return os.ReadFile(path)
}

// validDatabase leaves a closed, checkpointed Canvass database at path.
func validDatabase(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 300 {
		if _, _, err := s.InsertRecord(ctx, testRecord(fmt.Sprintf("01JDQ%021d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// damagedDatabase writes a valid database, then overwrites pages after the
// first (the schema) with garbage.
func damagedDatabase(t *testing.T, path string) {
	t.Helper()
	validDatabase(t, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	if len(b) < 8*page {
		t.Fatalf("database too small to damage: %d bytes", len(b))
	}
	for i := 2 * page; i < len(b)-page; i += 3 * page {
		copy(b[i:i+page], bytes.Repeat([]byte{0xA5, 0x5A, 0x00, 0xFF}, page/4))
	}
	writeFile(t, path, b, 0o644)
}

func writeFile(t *testing.T, path string, b []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, b, mode); err != nil {
		t.Fatal(err)
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, 0o755) })
}

// runAsNobody runs the named test again in a copy of this test binary as
// the user nobody (uid 65534), where file permissions apply.
func runAsNobody(t *testing.T, test string) {
	t.Helper()
	if os.Getenv("CANVASS_SQLITE_AS_NOBODY") != "" {
		t.Fatal("still root after switching to nobody")
	}
	dir, err := os.MkdirTemp("", "canvass-sqlite-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "sqlite.test")
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()

	cmd := exec.Command(bin, "-test.run=^"+test+"$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CANVASS_SQLITE_AS_NOBODY=1", "TMPDIR=/tmp", "HOME=/tmp")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	t.Logf("as nobody:\n%s", out)
	if err != nil {
		t.Fatalf("%s as nobody: %v", test, err)
	}
}

// testRecord is a small valid record.
func testRecord(id string) *engine.Record {
	now := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	return &engine.Record{
		ID: id, CampaignID: "fertility-2026", FormID: "household", FormVersion: 1,
		WorkflowID: "household-review", WorkflowVersion: 2,
		OrgUnit: "370102001001", OrgPath: "/370000/370100/370102/370102001/370102001001/",
		State:   "submitted",
		Answers: map[string]any{"householdSize": 4.0, "head": "Fictional Person", "note": id},
		Step:    "township_review", CandidateRoles: []string{engine.RoleReviewer},
		TaskOrgPath: "/370000/370100/370102/370102001/",
		CreatedBy:   "u1", CreatedAt: now, UpdatedAt: now,
		History: []engine.HistoryEntry{{At: now, Actor: "u1", Action: "submit", ToState: "submitted"}},
	}
}
