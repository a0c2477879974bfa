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

// MustLoad loads the file at path and stops the test unless it loads
// without a single finding, warnings included.
func MustLoad[T comparable](t testing.TB, path string, load func(filename string, src []byte) (T, []rules.Diagnostic)) T {
	t.Helper()
	v, ds := LoadFile(t, path, load)
	var zero T
	if v == zero || len(ds) > 0 {
		t.Fatalf("%s does not load:\n%s", path, Output(ds))
	}
	return v
}

// docExampleMinLines is the fewest lines a documented example has; a
// shorter block means the extraction stopped early.
const docExampleMinLines = 10

// DocExample loads the example file of a package's documentation (the
// tab-indented block after the "# The file" heading of doc.go), so the
// documentation cannot drift from what the loader accepts, and returns what
// it loaded into.
func DocExample[T comparable](t *testing.T, load func(filename string, src []byte) (T, []rules.Diagnostic)) T {
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
	lines := 0
	for _, line := range strings.Split(after, "\n") {
		code, isCode := strings.CutPrefix(line, "//\t")
		if !isCode {
			if lines > 0 {
				break
			}
			continue
		}
		lines++
		file.WriteString(code + "\n")
	}
	if lines < docExampleMinLines {
		t.Fatalf("the documented example has %d lines, want at least %d:\n%s", lines, docExampleMinLines, file.String())
	}
	v, ds := load("doc.yaml", []byte(file.String()))
	var zero T
	if v == zero || len(ds) > 0 {
		t.Errorf("the documented example does not load cleanly:\n%s\n%s", Output(ds), file.String())
	}
	return v
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

// CheckPositions reports every diagnostic whose position lies outside a
// file of lines lines or that has no code. The caller counts the lines:
// LineCount counts them as YAML does, a loader that promises less passes
// its own, tighter count.
func CheckPositions(t *testing.T, lines int, ds []rules.Diagnostic) {
	t.Helper()
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

// Finding is the shape of the stable part of a diagnostic that tests
// assert on: code, path, line and severity. Each package's tests declare
// their own finding type of this shape, so that their tables can list
// findings unkeyed (go vet refuses unkeyed literals of another package's
// struct).
type Finding interface {
	~struct {
		Code     string
		Path     string
		Line     int
		Severity string
	}
}

// Findings returns the stable part of each diagnostic, as the caller's
// finding type F.
func Findings[F Finding](ds []rules.Diagnostic) []F {
	out := make([]F, len(ds))
	for i, d := range ds {
		out[i] = F{Code: d.Code, Path: d.Path, Line: d.Line, Severity: d.Severity}
	}
	return out
}
