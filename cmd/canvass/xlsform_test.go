package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"canvass/xlsform/xlsformtest"
)

// TestXLSFormCommand runs canvass xlsform import, export and template as a
// user would: exit 0 on success, 1 with every problem listed (and nothing
// written), 2 on usage errors; the converted form passes canvass lint.
func TestXLSFormCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "tiny.xlsx")
	bad := filepath.Join(dir, "bad.xlsx")
	os.WriteFile(good, xlsformtest.Simple(t), 0o644)
	os.WriteFile(bad, xlsformtest.Workbook(t, xlsformtest.Sheet{Name: "survey", Rows: [][]string{
		{"type", "name", "label"}, {"select_one nolist", "a", "甲"}, {"text", "a", "乙"},
	}}), 0o644)
	example := filepath.Join("..", "..", "examples", "trainer-signup", "trainer-signup.form.json")
	out := func(name string) string { return filepath.Join(dir, name) }

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // "|"-separated substrings
		wantStderr string
		wantFile   string // a file that must exist afterwards
		noFile     string // a file that must not
	}{
		{name: "no subcommand", args: []string{"xlsform"}, wantCode: 2, wantStderr: "canvass xlsform import"},
		{name: "unknown subcommand", args: []string{"xlsform", "convert"}, wantCode: 2, wantStderr: `unknown subcommand "convert"`},
		{name: "help", args: []string{"xlsform", "-h"}, wantCode: 0, wantStdout: "sheet!cell"},
		{name: "import without a file", args: []string{"xlsform", "import"}, wantCode: 2, wantStderr: "Usage"},
		{name: "import a missing file", args: []string{"xlsform", "import", out("nope.xlsx")}, wantCode: 2, wantStderr: "nope.xlsx"},
		{name: "import a bad flag", args: []string{"xlsform", "import", "--frobnicate", good}, wantCode: 2},
		{name: "import to standard output", args: []string{"xlsform", "import", good}, wantCode: 0, wantStdout: `"x-form-id": "tiny"|"x-constraint": "years >= 0 && years < 120"`},
		{name: "import with -o and --id after the file", args: []string{"xlsform", "import", good, "-o", out("tiny.form.json"), "--id", "tiny-two"},
			wantCode: 0, wantFile: out("tiny.form.json")},
		{name: "a bad workbook lists every problem and writes nothing", args: []string{"xlsform", "import", "-o", out("bad.form.json"), bad},
			wantCode: 1, wantStderr: "survey!A2: error: 第 2 行「甲」（survey!A2）：选项列表「nolist」|Row 2, 甲 (survey!A2): choice list nolist is not on the choices sheet|survey!B3: error: 第 3 行「乙」（survey!B3）：名称「a」与第 2 行重复|nothing was written", noFile: out("bad.form.json")},
		{name: "export needs -o", args: []string{"xlsform", "export", example}, wantCode: 2},
		{name: "export an example", args: []string{"xlsform", "export", "-o", out("trainer.xlsx"), example}, wantCode: 0, wantFile: out("trainer.xlsx")},
		{name: "export a broken form", args: []string{"xlsform", "export", "-o", out("broken.xlsx"), bad}, wantCode: 1, noFile: out("broken.xlsx")},
		{name: "import the export", args: []string{"xlsform", "import", out("trainer.xlsx")}, wantCode: 0, wantStdout: `"x-form-id": "trainer-signup"`},
		{name: "template", args: []string{"xlsform", "template", "-o", out("template.xlsx")}, wantCode: 0, wantFile: out("template.xlsx")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			for _, want := range strings.Split(tt.wantStdout, "|") {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			for _, want := range strings.Split(tt.wantStderr, "|") {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if tt.wantFile != "" {
				if _, err := os.Stat(tt.wantFile); err != nil {
					t.Errorf("want %s: %v", tt.wantFile, err)
				}
			}
			if tt.noFile != "" {
				if _, err := os.Stat(tt.noFile); err == nil {
					t.Errorf("%s was written", tt.noFile)
				}
			}
		})
	}

	// The imported form passes canvass lint.
	lintDir := filepath.Join(dir, "lint")
	os.MkdirAll(lintDir, 0o755)
	src, _ := os.ReadFile(out("tiny.form.json"))
	if !strings.Contains(string(src), `"x-form-id": "tiny-two"`) {
		t.Errorf("--id was not used:\n%s", src)
	}
	os.WriteFile(filepath.Join(lintDir, "tiny.form.json"), src, 0o644)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"lint", lintDir}, &stdout, &stderr); code != 0 {
		t.Errorf("canvass lint: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
}
