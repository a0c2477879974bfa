package main

import (
	"strings"
	"testing"

	"canvass/rules"
)

func TestSyntaxLinters(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		src      string
		wantLine int // 0: no diagnostic
		wantCol  int
		wantMsg  string // a substring of the message
	}{
		{name: "json valid", file: "a.json", src: "{\"a\": [1, 2]}\n"},
		{name: "json trailing comma", file: "a.json", src: "{\n  \"a\": 1,\n}\n", wantLine: 3, wantCol: 1, wantMsg: "invalid character '}'"},
		{name: "json error after multibyte text", file: "a.json", src: "{\"名字\": \"张\" x}", wantLine: 1, wantCol: 12, wantMsg: "invalid character 'x'"},
		{name: "json cut short", file: "a.json", src: "{\n  \"a\": [1,\n", wantLine: 2, wantCol: 11, wantMsg: "unexpected end of JSON input"},
		{name: "json empty file", file: "a.json", src: "", wantLine: 1, wantCol: 1, wantMsg: "unexpected end"},
		{name: "json garbage after the value", file: "a.json", src: "{}x", wantLine: 1, wantCol: 3, wantMsg: "after top-level value"},
		{name: "yaml valid", file: "w.yaml", src: "states:\n  - draft\n  - approved\n"},
		{name: "yaml empty file", file: "w.yaml", src: ""},
		{name: "yaml unclosed quote", file: "w.yaml", src: "id: survey\nname: \"unclosed\n", wantLine: 2, wantCol: 7, wantMsg: "could not find end character of double-quoted text"},
		{name: "yaml duplicate key", file: "w.yml", src: "id: a\nsteps: []\nid: b\n", wantLine: 3, wantCol: 1, wantMsg: "already defined"},
		{name: "yaml bad indentation", file: "w.yaml", src: "steps:\n  - id: a\n   due: P3D\n", wantLine: 3, wantCol: 4, wantMsg: "not allowed in this context"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := linterFor(tt.file)(tt.file, []byte(tt.src))
			if tt.wantLine == 0 {
				if len(diags) != 0 {
					t.Fatalf("got %v, want no diagnostics", diags)
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("got %d diagnostics %v, want 1", len(diags), diags)
			}
			d := diags[0]
			if d.File != tt.file || d.Code != codeSyntax || d.Severity != rules.SeverityError {
				t.Errorf("got file %q code %q severity %q, want %q %q %q", d.File, d.Code, d.Severity, tt.file, codeSyntax, rules.SeverityError)
			}
			if d.Line != tt.wantLine || d.Col != tt.wantCol {
				t.Errorf("position: got %d:%d, want %d:%d\n%s", d.Line, d.Col, tt.wantLine, tt.wantCol, d)
			}
			if !strings.Contains(d.Message, tt.wantMsg) {
				t.Errorf("message: got %q, want it to contain %q", d.Message, tt.wantMsg)
			}
			if !strings.Contains(d.Snippet, "^") {
				t.Errorf("snippet: got %q, want a caret", d.Snippet)
			}
		})
	}
}

func TestLinterForPicksTheLongestSuffix(t *testing.T) {
	saved := linters
	t.Cleanup(func() { linters = saved })
	formLinter := func(string, []byte) []rules.Diagnostic {
		return []rules.Diagnostic{{Code: "form"}}
	}
	linters = map[string]linter{".json": lintJSONSyntax, ".form.json": formLinter}

	tests := []struct {
		name     string
		file     string
		wantCode string // code of the diagnostic the linter gives for "{"; "" for no linter
	}{
		{name: "form definition", file: "survey.form.json", wantCode: "form"},
		{name: "plain json", file: "orgunits.json", wantCode: codeSyntax},
		{name: "unknown kind", file: "notes.txt", wantCode: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lint := linterFor(tt.file)
			if lint == nil {
				if tt.wantCode != "" {
					t.Fatalf("got no linter, want one")
				}
				return
			}
			diags := lint(tt.file, []byte("{"))
			if got := diags[0].Code; got != tt.wantCode {
				t.Errorf("code: got %q, want %q", got, tt.wantCode)
			}
		})
	}
}
