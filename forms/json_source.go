package forms

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The loader parses definitions with its own small JSON parser instead of
// encoding/json because lint needs what encoding/json throws away: the
// document order of properties (it is the default field order) and the byte
// offset of every value, so that a diagnostic can point at line:col, even
// inside an expression string full of escapes.

// maxJSONDepth bounds nesting so a hostile definition cannot exhaust the
// stack. Real forms nest a handful of levels.
const maxJSONDepth = 64

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

func (k jsonKind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// jsonNode is one parsed JSON value with its position in the source.
type jsonNode struct {
	kind    jsonKind
	start   int    // byte offset of the value's first character
	str     string // decoded string; the literal for numbers
	boolean bool
	members []jsonMember // objects, in document order
	items   []*jsonNode  // arrays
}

// jsonMember is one "key": value pair of an object.
type jsonMember struct {
	key      string
	keyStart int // byte offset of the key's opening quote
	value    *jsonNode
}

// member returns the value of key, or nil.
func (n *jsonNode) member(key string) *jsonNode {
	if n == nil || n.kind != jsonObject {
		return nil
	}
	for _, m := range n.members {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// at returns the node at the JSON pointer ptr (RFC 6901), or nil.
func (n *jsonNode) at(ptr string) *jsonNode {
	if ptr == "" {
		return n
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapePointer(tok)
		switch {
		case n == nil:
			return nil
		case n.kind == jsonObject:
			n = n.member(tok)
		case n.kind == jsonArray:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.items) {
				return nil
			}
			n = n.items[i]
		default:
			return nil
		}
	}
	return n
}

// value converts the node to the generic form jsonschema expects: maps,
// slices, strings, bools, nil and json.Number.
func (n *jsonNode) value() any {
	switch n.kind {
	case jsonBool:
		return n.boolean
	case jsonNumber:
		return json.Number(n.str)
	case jsonString:
		return n.str
	case jsonArray:
		out := make([]any, len(n.items))
		for i, it := range n.items {
			out[i] = it.value()
		}
		return out
	case jsonObject:
		out := make(map[string]any, len(n.members))
		for _, m := range n.members {
			out[m.key] = m.value.value()
		}
		return out
	}
	return nil
}

// jsonSyntaxError is a parse failure at a byte offset.
type jsonSyntaxError struct {
	offset int
	msg    string
}

func (e *jsonSyntaxError) Error() string { return e.msg }

// parseJSON parses one JSON document. Strings must be valid UTF-8, objects
// may not repeat a key, and a leading UTF-8 byte-order mark is skipped
// (editors on Windows write one).
func parseJSON(src []byte) (*jsonNode, error) {
	p := &jsonParser{src: src}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		p.pos = 3
	}
	p.skipSpace()
	n, err := p.parseValue(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(src) {
		return nil, p.errorf("unexpected %s after the document", p.describe())
	}
	return n, nil
}

type jsonParser struct {
	src []byte
	pos int
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return &jsonSyntaxError{offset: p.pos, msg: fmt.Sprintf(format, args...)}
}

// describe names the character at the current position for messages.
func (p *jsonParser) describe() string {
	if p.pos >= len(p.src) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.src[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) parseValue(depth int) (*jsonNode, error) {
	if depth > maxJSONDepth {
		return nil, p.errorf("nested deeper than %d levels", maxJSONDepth)
	}
	if p.pos >= len(p.src) {
		return nil, p.errorf("unexpected end of file, expected a value")
	}
	start := p.pos
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.parseObject(depth)
	case c == '[':
		return p.parseArray(depth)
	case c == '"':
		s, err := p.parseString()
		if err != nil {
			return nil, err
		}
		return &jsonNode{kind: jsonString, start: start, str: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.parseNumber()
	case c == 't':
		return p.parseLiteral("true", &jsonNode{kind: jsonBool, start: start, boolean: true})
	case c == 'f':
		return p.parseLiteral("false", &jsonNode{kind: jsonBool, start: start})
	case c == 'n':
		return p.parseLiteral("null", &jsonNode{kind: jsonNull, start: start})
	}
	return nil, p.errorf("unexpected %s, expected a value", p.describe())
}

func (p *jsonParser) parseLiteral(word string, n *jsonNode) (*jsonNode, error) {
	if !strings.HasPrefix(string(p.src[p.pos:min(len(p.src), p.pos+len(word))]), word) {
		return nil, p.errorf("unexpected %s, expected a value", p.describe())
	}
	p.pos += len(word)
	return n, nil
}

func (p *jsonParser) parseObject(depth int) (*jsonNode, error) {
	n := &jsonNode{kind: jsonObject, start: p.pos}
	p.pos++ // {
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	seen := map[string]bool{}
	for {
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return nil, p.errorf("unexpected %s, expected a quoted key", p.describe())
		}
		keyStart := p.pos
		key, err := p.parseString()
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, &jsonSyntaxError{offset: keyStart, msg: fmt.Sprintf("key %q appears twice in this object", key)}
		}
		seen[key] = true
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.errorf("unexpected %s, expected ':' after the key", p.describe())
		}
		p.pos++
		p.skipSpace()
		v, err := p.parseValue(depth + 1)
		if err != nil {
			return nil, err
		}
		n.members = append(n.members, jsonMember{key: key, keyStart: keyStart, value: v})
		p.skipSpace()
		if p.pos >= len(p.src) {
			return nil, p.errorf("unexpected end of file, expected ',' or '}'")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return nil, p.errorf("unexpected %s, expected ',' or '}'", p.describe())
		}
	}
}

func (p *jsonParser) parseArray(depth int) (*jsonNode, error) {
	n := &jsonNode{kind: jsonArray, start: p.pos}
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		p.skipSpace()
		v, err := p.parseValue(depth + 1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		p.skipSpace()
		if p.pos >= len(p.src) {
			return nil, p.errorf("unexpected end of file, expected ',' or ']'")
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return nil, p.errorf("unexpected %s, expected ',' or ']'", p.describe())
		}
	}
}

func (p *jsonParser) parseNumber() (*jsonNode, error) {
	start := p.pos
	digits := func() int {
		n := 0
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.src[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.src) && p.src[p.pos] == '0':
		p.pos++
	case digits() == 0:
		return nil, p.errorf("unexpected %s in a number", p.describe())
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.errorf("unexpected %s in a number, expected a digit", p.describe())
		}
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf("unexpected %s in a number, expected a digit", p.describe())
		}
	}
	return &jsonNode{kind: jsonNumber, start: start, str: string(p.src[start:p.pos])}, nil
}

// parseString decodes the string literal at p.pos and leaves p.pos after
// its closing quote.
func (p *jsonParser) parseString() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return "", p.errorf("unexpected end of file in a string")
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c == '\\':
			r, width, ok := decodeEscape(p.src[p.pos:])
			if !ok {
				return "", p.errorf("invalid escape sequence in a string")
			}
			b.WriteRune(r)
			p.pos += width
		case c < 0x20:
			return "", p.errorf("control character %U in a string (write it as an escape)", rune(c))
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			p.pos++
		default:
			r, width := utf8.DecodeRune(p.src[p.pos:])
			if r == utf8.RuneError && width == 1 {
				return "", p.errorf("invalid UTF-8 in a string")
			}
			b.WriteString(string(p.src[p.pos : p.pos+width]))
			p.pos += width
		}
	}
}

// decodeEscape decodes the escape sequence at the start of s (which begins
// with a backslash), including UTF-16 surrogate pairs, and returns the rune
// and how many source bytes it took.
func decodeEscape(s []byte) (rune, int, bool) {
	if len(s) < 2 {
		return 0, 0, false
	}
	switch s[1] {
	case '"', '\\', '/':
		return rune(s[1]), 2, true
	case 'b':
		return '\b', 2, true
	case 'f':
		return '\f', 2, true
	case 'n':
		return '\n', 2, true
	case 'r':
		return '\r', 2, true
	case 't':
		return '\t', 2, true
	case 'u':
		r, ok := hex4(s[2:])
		if !ok {
			return 0, 0, false
		}
		if utf16.IsSurrogate(r) {
			if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
				if r2, ok := hex4(s[8:]); ok {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						return dec, 12, true
					}
				}
			}
			return utf8.RuneError, 6, true // a lone surrogate, as encoding/json does
		}
		return r, 6, true
	}
	return 0, 0, false
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r*16 + rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r*16 + rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r*16 + rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// stringOffset maps a byte offset inside the decoded value of the string
// literal that starts at start (its opening quote) to the byte offset in src
// of the character that produced it. Offsets past the end map to the
// closing quote.
func stringOffset(src []byte, start, decoded int) int {
	pos, seen := start+1, 0
	for pos < len(src) && src[pos] != '"' {
		if seen >= decoded {
			return pos
		}
		if src[pos] == '\\' {
			r, width, ok := decodeEscape(src[pos:])
			if !ok {
				return pos
			}
			seen += utf8.RuneLen(r)
			pos += width
			continue
		}
		seen++
		pos++
	}
	return pos
}

// lineCol returns the 1-based line and rune column of byte offset off.
func lineCol(src []byte, off int) (line, col int) {
	off = max(0, min(off, len(src)))
	line = 1 + strings.Count(string(src[:off]), "\n")
	lineStart := strings.LastIndexByte(string(src[:off]), '\n') + 1
	return line, 1 + utf8.RuneCount(src[lineStart:off])
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}

func unescapePointer(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
}

// joinPointer appends tokens to the pointer base.
func joinPointer(base string, toks ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}
