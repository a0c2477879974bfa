package linttest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"canvass/rules"
)

// Examples loads every testdata/*suffix file: none may have a finding or
// fail to load, and check looks at what each loaded into (its required
// values).
func Examples[T comparable](t *testing.T, suffix string, load func(filename string, src []byte) (T, []rules.Diagnostic), check func(t *testing.T, v T)) {
	t.Helper()
	files, err := filepath.Glob("testdata/*" + suffix)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example files")
	}
	var zero T
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			v, ds := LoadFile(t, file, load)
			if len(ds) > 0 || v == zero {
				t.Fatalf("findings in an example:\n%s", Output(ds))
			}
			check(t, v)
		})
	}
}

// DocExample loads the example file of a package's documentation (the
// tab-indented block after the "# The file" heading of doc.go), so the
// documentation cannot drift from what the loader accepts.
func DocExample(t *testing.T, load func(name string, src []byte) (loaded bool, ds []rules.Diagnostic)) {
	t.Helper()
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, found := strings.Cut(string(src), "// # The file\n")
	if !found {
		t.Fatal("doc.go has no '# The file' section")
	}
	var file strings.Builder
	started := false
	for _, line := range strings.Split(after, "\n") {
		code, isCode := strings.CutPrefix(line, "//\t")
		if !isCode {
			if started {
				break
			}
			continue
		}
		started = true
		file.WriteString(code + "\n")
	}
	if ok, ds := load("doc.yaml", []byte(file.String())); !ok || len(ds) > 0 {
		t.Errorf("the documented example does not load cleanly:\n%s\n%s", Output(ds), file.String())
	}
}

// FuzzSeeds adds every testdata/*suffix and testdata/lint/*suffix file to
// f's seed corpus.
func FuzzSeeds(f *testing.F, suffix string) {
	f.Helper()
	files, _ := filepath.Glob("testdata/*" + suffix)
	lint, _ := filepath.Glob("testdata/lint/*" + suffix)
	for _, file := range append(files, lint...) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
}

// CheckPositions reports every diagnostic whose position lies outside src
// (lines counted as YAML counts them) or that has no code.
func CheckPositions(t *testing.T, src []byte, ds []rules.Diagnostic) {
	t.Helper()
	lines := LineCount(src)
	for _, d := range ds {
		if d.Line < 1 || d.Line > lines || d.Col < 1 || d.Code == "" {
			t.Errorf("bad position or code: %+v (file has %d lines)", d, lines)
		}
	}
}

// LineCount counts lines as YAML does: CR LF, LF and a lone CR each end
// one.
func LineCount(src []byte) int {
	n := 1
	for i, b := range src {
		if b == '\n' || b == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			n++
		}
	}
	return n
}
