// Package linttest runs the golden lint tests every definition loader
// shares: each broken file under testdata/lint must fail to load, and what
// `canvass lint` would print for it must equal the .golden file beside it.
// Run the package's tests with -update to rewrite the golden files after
// checking the new output. It also holds the rest of what the loaders'
// tests share: loading every example file or one that must lint clean,
// loading the example of a package's doc.go, the stable part of a
// diagnostic that finding tables list, and the fuzz seeds and position
// check.
package linttest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"canvass/rules"
)

var update = flag.Bool("update", false, "rewrite the lint golden files under testdata/lint")

// Output is what `canvass lint` prints for a file's diagnostics: one
// "file:line:col: code: message" and its caret snippet per entry.
func Output(ds []rules.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteString("\n")
	}
	return b.String()
}

// Golden checks every testdata/lint/*suffix file: it must have findings,
// load must refuse it (return the zero T) exactly when one of them is an
// error (a file with warnings only still loads), and Output of its
// diagnostics must equal the file's .golden twin.
func Golden[T comparable](t *testing.T, suffix string, load func(filename string, src []byte) (T, []rules.Diagnostic)) {
	t.Helper()
	files, err := filepath.Glob("testdata/lint/*" + suffix)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no lint test files")
	}
	var zero T
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), suffix), func(t *testing.T) {
			v, ds := LoadFile(t, file, load)
			loaded := v != zero
			if len(ds) == 0 {
				t.Errorf("no diagnostics for a lint test file")
			}
			if loaded == rules.HasErrors(ds) {
				t.Errorf("loaded: %v, but diagnostics have errors: %v", loaded, rules.HasErrors(ds))
			}
			got := Output(ds)
			golden := strings.TrimSuffix(file, suffix) + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("lint output differs from %s (run go test -update after checking it)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// LoadFile reads the file at path and loads it with load, naming it by its
// base name as `canvass lint` does.
func LoadFile[T any](t testing.TB, path string, load func(filename string, src []byte) (T, []rules.Diagnostic)) (T, []rules.Diagnostic) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return load(filepath.Base(path), src)
}
