package sqlite

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"canvass/engine"
)

// TestBackupUnderWriteLoad backs up while goroutines insert records, then
// restores the backup twice: into an empty directory, and over the
// original database. Every record acknowledged before the backup started
// must be in the restored database, which must open cleanly with the same
// database ID; the replaced database must be kept aside, whole.
func TestBackupUnderWriteLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "canvass.db")
	s, err := Open(path, Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	id := s.DatabaseID()

	// Acknowledged before the backup: written from several goroutines,
	// as a server does.
	var before []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 150 {
				rid := fmt.Sprintf("01JDQB%02d%018d", g, i)
				if _, _, err := s.InsertRecord(ctx, testRecord(rid)); err != nil {
					t.Errorf("insert %s: %v", rid, err)
					return
				}
				mu.Lock()
				before = append(before, rid)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Writers that run all through the backup.
	stop := make(chan struct{})
	var during atomic.Int64
	for g := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, err := s.InsertRecord(ctx, testRecord(fmt.Sprintf("01JDQD%02d%018d", g, i))); err != nil {
					t.Errorf("insert during the backup: %v", err)
					return
				}
				during.Add(1)
			}
		})
	}
	for during.Load() < 20 { // the load is on before the backup starts
		if t.Failed() {
			t.FailNow()
		}
	}
	out := filepath.Join(dir, "backup.db")
	info, err := Backup(ctx, path, out)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	t.Logf("backup: %+v; %d inserts acknowledged while it ran", info, during.Load())
	if info.DatabaseID != id {
		t.Errorf("backup database ID: got %q, want %q", info.DatabaseID, id)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	total := len(before) + int(during.Load())

	check := func(t *testing.T, path string) {
		t.Helper()
		r := MustOpenPath(t, path)
		if got := r.DatabaseID(); got != id {
			t.Errorf("restored database ID: got %q, want %q", got, id)
		}
		for _, rid := range before {
			if _, err := r.GetRecord(ctx, rid); err != nil {
				t.Fatalf("record %s, acknowledged before the backup: %v", rid, err)
			}
		}
		var n int
		if err := r.rdb.QueryRow("SELECT count(*) FROM records").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n < len(before) || n > total {
			t.Errorf("restored records: got %d, want between %d and %d", n, len(before), total)
		}
		if _, _, err := r.InsertRecord(ctx, testRecord("01JDQR00000000000000000001")); err != nil {
			t.Errorf("writing to the restored database: %v", err)
		}
	}

	t.Run("into an empty directory", func(t *testing.T) {
		fresh := filepath.Join(t.TempDir(), "canvass.db")
		res, err := Restore(ctx, out, fresh, nil)
		if err != nil {
			t.Fatalf("Restore: %v", err)
		}
		if res.Aside != "" {
			t.Errorf("Aside: got %q, want none", res.Aside)
		}
		check(t, fresh)
	})
	t.Run("over the database", func(t *testing.T) {
		var accepted Info
		res, err := Restore(ctx, out, path, func(i Info) error { accepted = i; return nil })
		if err != nil {
			t.Fatalf("Restore: %v", err)
		}
		if accepted.DatabaseID != id || accepted.SchemaVersion != info.SchemaVersion {
			t.Errorf("accept saw %+v, want ID %s, schema %d", accepted, id, info.SchemaVersion)
		}
		check(t, path)
		// The replaced database, kept aside, still has every write.
		old := MustOpenPath(t, res.Aside)
		var n int
		if err := old.rdb.QueryRow("SELECT count(*) FROM records").Scan(&n); err != nil || n != total {
			t.Errorf("records in the database set aside: got %d (%v), want %d", n, err, total)
		}
	})
}

// TestBackupRefuses: a backup never creates its source, never overwrites,
// and copies only Canvass databases.
func TestBackupRefuses(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // makes db and out under dir
		db    string
		out   string
	}{
		{name: "missing database", db: "missing.db", out: "out.db"},
		{name: "output exists", db: "canvass.db", out: "out.db", setup: func(t *testing.T, dir string) {
			openClose(t, filepath.Join(dir, "canvass.db"))
			write(t, filepath.Join(dir, "out.db"), "an earlier backup")
		}},
		{name: "output directory missing", db: "canvass.db", out: "nowhere/out.db", setup: func(t *testing.T, dir string) {
			openClose(t, filepath.Join(dir, "canvass.db"))
		}},
		{name: "not a database", db: "notes.txt", out: "out.db", setup: func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "notes.txt"), "minutes of the village meeting")
		}},
		{name: "another program's database", db: "other.db", out: "out.db", setup: func(t *testing.T, dir string) {
			otherProgramDB(t, filepath.Join(dir, "other.db"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			before := snapshot(t, dir)
			_, err := Backup(context.Background(), filepath.Join(dir, tt.db), filepath.Join(dir, tt.out))
			if got, want := engine.ErrorCode(err), engine.EINVALID; got != want {
				t.Errorf("Backup: got %q (%v), want %q", got, err, want)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("files changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestRestoreRefuses: a backup that fails a check, or that the caller does
// not accept, leaves the database exactly as it was.
func TestRestoreRefuses(t *testing.T) {
	errNotThisOne := engine.Errorf(engine.ECONFLICT, "not this one")
	tests := []struct {
		name     string
		backup   func(t *testing.T, dir string) string // returns the backup's path
		accept   func(Info) error
		wantCode string
	}{
		{name: "missing backup", wantCode: engine.EINVALID, backup: func(t *testing.T, dir string) string {
			return filepath.Join(dir, "missing.db")
		}},
		{name: "empty file", wantCode: engine.EINVALID, backup: func(t *testing.T, dir string) string {
			return write(t, filepath.Join(dir, "empty.db"), "")
		}},
		{name: "not a database", wantCode: engine.EINVALID, backup: func(t *testing.T, dir string) string {
			return write(t, filepath.Join(dir, "notes.db"), "minutes of the village meeting")
		}},
		{name: "another program's database", wantCode: engine.EINVALID, backup: func(t *testing.T, dir string) string {
			return otherProgramDB(t, filepath.Join(dir, "other.db"))
		}},
		{name: "damaged backup", wantCode: engine.EINVALID, backup: func(t *testing.T, dir string) string {
			b := goodBackup(t, dir)
			f, err := os.OpenFile(b, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// Page 2 onwards: the tables, not the header.
			if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 8192), 4096); err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{name: "a live database with its -wal", wantCode: engine.EINVALID, backup: func(t *testing.T, dir string) string {
			b := filepath.Join(dir, "live.db")
			s := MustOpenPath(t, b)
			if _, _, err := s.InsertRecord(context.Background(), testRecord("01JDQ0000000000000000000A1")); err != nil {
				t.Fatal(err)
			}
			return b
		}},
		{name: "the caller refuses it", wantCode: engine.ECONFLICT, accept: func(Info) error { return errNotThisOne }, backup: goodBackup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "data", "canvass.db")
			if err := os.Mkdir(filepath.Dir(db), 0o755); err != nil {
				t.Fatal(err)
			}
			s, err := Open(db, Options{Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.InsertRecord(context.Background(), testRecord("01JDQ0000000000000000000Z9")); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			in := tt.backup(t, dir)
			before := snapshot(t, filepath.Dir(db))
			_, err = Restore(context.Background(), in, db, tt.accept)
			if got := engine.ErrorCode(err); got != tt.wantCode {
				t.Errorf("Restore: got %q (%v), want %q", got, err, tt.wantCode)
			}
			if after := snapshot(t, filepath.Dir(db)); after != before {
				t.Errorf("the database directory changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// inUseEnv names the database a child process of TestRestoreRefusesInUse
// holds open.
const inUseEnv = "CANVASS_SQLITE_HOLD_DB"

// TestRestoreRefusesInUse: while another process (a server) has the
// database open, InUse says so and Restore refuses with ECONFLICT without
// touching it; once it closed the database, Restore goes through.
func TestRestoreRefusesInUse(t *testing.T) {
	if path := os.Getenv(inUseEnv); path != "" {
		holdOpen(path)
		return
	}
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "canvass.db")
	openClose(t, db)
	backup := goodBackup(t, t.TempDir())

	if held, err := InUse(db); err != nil || held {
		t.Fatalf("InUse before any process opened it: got %v, %v; want false", held, err)
	}
	child := exec.Command(os.Args[0], "-test.run=^TestRestoreRefusesInUse$")
	child.Env = append(os.Environ(), inUseEnv+"="+db)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "open\n" {
		t.Fatalf("child: got %q, %v; want \"open\"", line, err)
	}

	if held, err := InUse(db); err != nil || !held {
		t.Errorf("InUse while a server holds it: got %v, %v; want true", held, err)
	}
	before := snapshot(t, dir)
	_, err = Restore(ctx, backup, db, nil)
	if got, want := engine.ErrorCode(err), engine.ECONFLICT; got != want {
		t.Errorf("Restore while in use: got %q (%v), want %q", got, err, want)
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("files changed:\nbefore %s\nafter  %s", before, after)
	}

	stdin.Close() // the child closes the store and exits
	if err := child.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if held, err := InUse(db); err != nil || held {
		t.Errorf("InUse after the server stopped: got %v, %v; want false", held, err)
	}
	if _, err := Restore(ctx, backup, db, nil); err != nil {
		t.Errorf("Restore after the server stopped: %v", err)
	}
}

// holdOpen is the child of TestRestoreRefusesInUse: it opens the store,
// says so, and closes it when its stdin closes.
func holdOpen(path string) {
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("open")
	bufio.NewReader(os.Stdin).ReadString('\n')
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// goodBackup makes a database with a record and backs it up into dir.
func goodBackup(t *testing.T, dir string) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "source.db")
	s := MustOpenPath(t, src)
	if _, _, err := s.InsertRecord(context.Background(), testRecord("01JDQ0000000000000000000B1")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "backup.db")
	if _, err := Backup(context.Background(), src, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func openClose(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path, Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// otherProgramDB makes a SQLite database that is not Canvass's.
func otherProgramDB(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)"); err != nil {
		t.Fatal(err)
	}
	return path
}

// snapshot lists the files under dir with their sizes and a hash of their
// content.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s:%d:%x ", rel, len(content), sumBytes(content))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func sumBytes(b []byte) uint64 {
	var h uint64 = 14695981039346656037
	for _, c := range b {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}
