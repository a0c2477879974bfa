package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"canvass/rules"
)

// codeSyntax is the diagnostic code for a file that does not parse.
const codeSyntax = rules.CodeSyntax

// lintJSONSyntax reports where a JSON file fails to parse.
func lintJSONSyntax(name string, src []byte) []rules.Diagnostic {
	var v any
	err := json.Unmarshal(src, &v)
	if err == nil {
		return nil
	}
	// SyntaxError.Offset counts the bytes read when the error was found;
	// the offending byte is the last of them. A file that ends too early
	// is reported just after its last character, not on the blank line
	// the final newline starts.
	offset := len(bytes.TrimRight(src, " \t\r\n"))
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Error() != "unexpected end of JSON input" {
		offset = int(se.Offset) - 1
	}
	line, col := lineCol(src, offset)
	return []rules.Diagnostic{syntaxDiagnostic(name, src, line, col, jsonMessage(err))}
}

// jsonMessage drops the package prefix Go puts on JSON errors.
func jsonMessage(err error) string {
	const prefix = "json: "
	msg := err.Error()
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):]
	}
	return msg
}

// lintYAMLSyntax reports where a YAML file fails to parse (duplicate keys
// included).
func lintYAMLSyntax(name string, src []byte) []rules.Diagnostic {
	var v any
	err := yaml.Unmarshal(src, &v)
	if err == nil {
		return nil
	}
	line, col, msg := 1, 1, err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			line, col = tk.Position.Line, tk.Position.Column
		}
	}
	return []rules.Diagnostic{syntaxDiagnostic(name, src, line, col, msg)}
}

func syntaxDiagnostic(name string, src []byte, line, col int, msg string) rules.Diagnostic {
	return rules.Diagnostic{
		File:     name,
		Line:     line,
		Col:      col,
		Code:     codeSyntax,
		Message:  msg,
		Severity: rules.SeverityError,
		Snippet:  rules.Snippet(string(src), line, col),
	}
}

// lineCol returns the 1-based line and rune column of byte offset in src.
// An offset at or past the end points just after the last character.
func lineCol(src []byte, offset int) (line, col int) {
	offset = max(0, min(offset, len(src)))
	line, col = 1, 1
	for i := 0; i < offset; {
		r, size := utf8.DecodeRune(src[i:])
		i += size
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
