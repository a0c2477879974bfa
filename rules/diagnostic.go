package rules

import (
	"fmt"
	"strings"
)

// Severities of a Diagnostic. Errors stop a definition from being
// published; warnings are shown and do not.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Diagnostic is one lint finding in an authored file, with the position an
// editor can jump to. Line and Col are 1-based; Col counts runes.
type Diagnostic struct {
	File     string
	Line     int
	Col      int
	Code     string // stable, e.g. "unknown_identifier"
	Path     string // where in the definition: JSON pointer or dotted YAML path
	Message  string
	Severity string
	Snippet  string // the source line and a caret under Col, when known
	// Args are the values the code's message template names (see
	// Text): "key", "value", "want", "name.zh"… Nil when it names none.
	Args map[string]string
}

// String formats d as "file:line:col: code: message", followed by the
// snippet on the next lines when there is one.
func (d Diagnostic) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s: %s", d.File, d.Line, d.Col, d.Code, d.Message)
	if d.Snippet != "" {
		b.WriteString("\n")
		b.WriteString(d.Snippet)
	}
	return b.String()
}

// Snippet returns the given 1-based line of src and a caret under the
// 1-based rune column col, or "" when the line does not exist.
func Snippet(src string, line, col int) string {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	text := strings.TrimRight(lines[line-1], "\r")
	pad := 0
	for i, r := range []rune(text) {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			pad += 4 // keep the caret under the character in a tab-expanded view
		} else {
			pad++
		}
	}
	text = strings.ReplaceAll(text, "\t", "    ")
	return " | " + text + "\n | " + strings.Repeat(" ", pad) + "^"
}

// HasErrors reports whether any diagnostic is an error.
func HasErrors(ds []Diagnostic) bool {
	for _, d := range ds {
		if d.Severity != SeverityWarning {
			return true
		}
	}
	return false
}

// FieldError is one problem with one answer or input field, addressed by
// JSON pointer ("/children/0/birthDate"). It lives in this leaf package so
// that forms can report it and the engine can carry it without importing
// each other; engine.FieldError is the same type.
type FieldError struct {
	Pointer string `json:"pointer"`
	Code    string `json:"code"`
	Message string `json:"message"`
}
