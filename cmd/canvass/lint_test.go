package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFiles creates files (slash-separated relative path → content) under
// a new temp dir and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLintCommand(t *testing.T) {
	clean := map[string]string{
		"survey/form.json":     `{"type": "object", "properties": {"name": {"type": "string"}}}`,
		"survey/workflow.yaml": "states:\n  - draft\n  - approved\n",
		"README.md":            "# not linted: { [",
		".git/broken.json":     "{", // hidden directories are skipped
	}
	broken := map[string]string{
		"survey/form.json": `{"type": "object"}`,
		// The error is the unclosed quote on line 3.
		"survey/workflow.yaml": "id: review\nstates:\n  - \"draft\n",
		"a/list.yml":           "- 1\n- 2\n",
		"a/b.json":             "[1, 2,]",
	}
	tests := []struct {
		name       string
		files      map[string]string // nil: no directory
		args       func(dir string) []string
		wantCode   int
		wantStdout string // "|"-separated substrings
		wantStderr string
	}{
		{
			name:       "clean directory",
			files:      clean,
			args:       func(dir string) []string { return []string{"lint", dir} },
			wantCode:   0,
			wantStdout: "2 files checked: 0 errors, 0 warnings",
		},
		{
			name:     "broken files",
			files:    broken,
			args:     func(dir string) []string { return []string{"lint", dir} },
			wantCode: 1,
			// Sorted by file: a/b.json comes before survey/workflow.yaml.
			wantStdout: "a/b.json:1:7: syntax: invalid character ']'|survey/workflow.yaml:3:5: syntax: |^|4 files checked: 2 errors, 0 warnings",
		},
		{
			name:       "broken definitions in Chinese",
			files:      map[string]string{"review.workflow.yaml": "id: review\ntitle: {zh: 审核}\nstart: village\nstates:\n  village:\n    title: {zh: 村级审核}\n    step: {role: reviwer, level: village}\n    actions:\n      approve: {to: done}\n  done:\n    title: {zh: 完成}\n    final: true\n"},
			args:       func(dir string) []string { return []string{"lint", "--lang", "zh", dir} },
			wantCode:   1,
			wantStdout: "review.workflow.yaml:7:18: unknown_role: 没有角色「reviwer」。您是不是要写「reviewer」？请从已有角色中选择。|^|1 file checked: 1 error, 0 warnings",
		},
		{
			name:       "a language we do not have",
			files:      map[string]string{},
			args:       func(dir string) []string { return []string{"lint", "--lang", "fr", dir} },
			wantCode:   2,
			wantStderr: "Usage: canvass lint [--lang zh] DIR",
		},
		{
			name:       "empty directory",
			files:      map[string]string{},
			args:       func(dir string) []string { return []string{"lint", dir} },
			wantCode:   0,
			wantStdout: "0 files checked: 0 errors, 0 warnings",
		},
		{
			name:       "no directory given",
			args:       func(string) []string { return []string{"lint"} },
			wantCode:   2,
			wantStderr: "Usage: canvass lint [--lang zh] DIR",
		},
		{
			name:       "directory does not exist",
			args:       func(dir string) []string { return []string{"lint", filepath.Join(dir, "missing")} },
			wantCode:   2,
			wantStderr: "missing: no such file or directory",
		},
		{
			name:       "a file, not a directory",
			files:      map[string]string{"x.json": "{}"},
			args:       func(dir string) []string { return []string{"lint", filepath.Join(dir, "x.json")} },
			wantCode:   2,
			wantStderr: "x.json is not a directory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.files != nil {
				dir = writeFiles(t, tt.files)
			}
			got := runCanvass(t, dir, tt.args(dir)...)
			if got.code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstdout: %s\nstderr: %s", got.code, tt.wantCode, got.stdout, got.stderr)
			}
			checkContains(t, "stdout", got.stdout, tt.wantStdout)
			checkContains(t, "stderr", got.stderr, tt.wantStderr)
		})
	}
}

func TestLintOrdersDiagnosticsByFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{"b.json": "{", "a.yaml": "a: [", "c/a.json": "}"})
	got := runCanvass(t, dir, "lint", ".")
	if got.code != 1 {
		t.Fatalf("exit code: got %d, want 1\n%s%s", got.code, got.stdout, got.stderr)
	}
	var files []string
	for _, line := range strings.Split(got.stdout, "\n") {
		if !strings.Contains(line, ": syntax: ") {
			continue // a snippet or the summary
		}
		if file, _, ok := strings.Cut(line, ":"); ok {
			files = append(files, file)
		}
	}
	if want := []string{"a.yaml", "b.json", "c/a.json"}; !slices.Equal(files, want) {
		t.Errorf("files in order: got %v, want %v\n%s", files, want, got.stdout)
	}
}
