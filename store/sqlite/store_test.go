package sqlite

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// MustOpen opens a store on a new file in a temporary directory and closes
// it when the test ends.
func MustOpen(t testing.TB) *Store {
	t.Helper()
	return MustOpenPath(t, filepath.Join(t.TempDir(), "canvass.db"))
}

// MustOpenPath opens the store at path and closes it when the test ends.
func MustOpenPath(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// testLogger writes the store's log lines to the test's log, where they
// show for a failing test or with -v.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, nil))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}
