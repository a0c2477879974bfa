package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"canvass/engine"
)

// TestFileVanishes deletes or replaces the database file under an open
// store: the store must notice by itself within 2 s, then fail Ping and
// refuse writes with EUNAVAILABLE.
func TestFileVanishes(t *testing.T) {
	tests := []struct {
		name     string
		change   func(t *testing.T, path string)
		wantLost bool
	}{
		{name: "left alone", change: func(*testing.T, string) {}},
		{name: "deleted", wantLost: true, change: func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "replaced by rename", wantLost: true, change: func(t *testing.T, path string) {
			// Another Canvass database moved over the path, as a careless
			// restore would do.
			other := filepath.Join(t.TempDir(), "other.db")
			o, err := Open(other, Options{Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			if err := o.Close(); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "replaced by a copy of itself", wantLost: true, change: func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tmp := path + ".copy"
			if err := os.WriteFile(tmp, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "canvass.db")
			s := MustOpenPath(t, path)
			if _, _, err := s.InsertRecord(ctx, testRecord("01JDQ0000000000000000000A1")); err != nil {
				t.Fatal(err)
			}
			tt.change(t, path)

			// The background check alone, with no Ping and no write.
			deadline := time.Now().Add(2 * time.Second)
			for s.file.lostErr() == nil && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if got := s.file.lostErr() != nil; got != tt.wantLost {
				t.Fatalf("noticed within 2s without a call: got %v, want %v", got, tt.wantLost)
			}
			want := ""
			if tt.wantLost {
				want = engine.EUNAVAILABLE
			}
			if got := engine.ErrorCode(s.Ping(ctx)); got != want {
				t.Errorf("Ping: got %q, want %q", got, want)
			}
			_, _, err := s.InsertRecord(ctx, testRecord("01JDQ0000000000000000000A2"))
			if got := engine.ErrorCode(err); got != want {
				t.Errorf("InsertRecord: got %q (%v), want %q", got, err, want)
			}
		})
	}
}

// TestFileVanishesMidBatch: a write queued after the file went, before the
// background check ran, is refused by the check before COMMIT, so no write
// is acknowledged into the nameless file.
func TestFileVanishesMidBatch(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "canvass.db")
	s := MustOpenPath(t, path)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		_, _, err := s.InsertRecord(ctx, testRecord(fmt.Sprintf("01JDQ00000000000000000%04d", i)))
		if got, want := engine.ErrorCode(err), engine.EUNAVAILABLE; got != want {
			t.Fatalf("write %d after the delete: got %q (%v), want %q", i, got, err, want)
		}
	}
}

// TestOpenRefusesOrphanWAL: when the database was deleted under a server,
// its -wal file stays with the last transactions; Open must not start a
// new database over it.
func TestOpenRefusesOrphanWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "canvass.db")
	s, err := Open(path, Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.InsertRecord(ctx, testRecord("01JDQ0000000000000000000A1")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	s.Close()
	wal, err := os.ReadFile(path + "-wal")
	if err != nil || len(wal) == 0 {
		t.Fatalf("no -wal left behind to test with: %d bytes, %v", len(wal), err)
	}

	_, err = Open(path, Options{Logger: testLogger(t)})
	if got, want := engine.ErrorCode(err), engine.EINVALID; got != want {
		t.Fatalf("Open: got %q (%v), want %q", got, err, want)
	}
	after, err := os.ReadFile(path + "-wal")
	if err != nil || string(after) != string(wal) {
		t.Errorf("the -wal file changed: %d bytes before, %d after (%v)", len(wal), len(after), err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("Open created the database file it refused")
	}
}

func TestDatabaseID(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.db")
	s, err := Open(a, Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	first := s.DatabaseID()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(first) {
		t.Fatalf("DatabaseID: got %q, want 32 hex digits", first)
	}
	if got := MustOpenPath(t, a).DatabaseID(); got != first {
		t.Errorf("after reopening: got %q, want %q", got, first)
	}
	if other := MustOpenPath(t, filepath.Join(dir, "b.db")).DatabaseID(); other == first {
		t.Errorf("two databases share the ID %q", first)
	}
}
