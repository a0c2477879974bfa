package workflows

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"canvass/rules"
)

// The loader walks goccy/go-yaml's syntax tree itself instead of decoding
// into structs with yaml.Strict(): the strict decoder stops at the first
// unknown key, while an author fixing a file wants every problem in one run,
// each with the position of the key or value at fault, and expressions need
// the position of their scalar to place an error inside them.

// maxAliasExpansions bounds how many times aliases may be followed, so a
// file of nested aliases cannot make the loader do exponential work.
const maxAliasExpansions = 1000

// pos is a 1-based line and rune column in the source.
type pos struct{ line, col int }

// scalar is a decoded scalar value with where it was written.
type scalar struct {
	val  string
	set  bool
	node ast.Node // nil when not set
	at   pos
	path string
}

// entry is one key: value pair of a mapping.
type entry struct {
	key   scalar
	value ast.Node
}

// decoder turns YAML nodes into values and collects diagnostics.
type decoder struct {
	file     string
	src      string
	lines    []string // src split into lines, for snippets
	dropped  int      // findings over maxDiagnostics
	diags    []rules.Diagnostic
	anchors  map[string][]anchor // by name, in document order
	aliases  int
	tagsSeen map[*ast.TagNode]bool
}

// anchor is one &name in the document. An alias refers to the last anchor
// of its name before it.
type anchor struct {
	at   pos
	node ast.Node
}

// collectAnchors records every anchor of the document up front: the loader
// reads keys in its own order, not the file's, so an alias may be decoded
// before the walk would have reached its anchor.
func (d *decoder) collectAnchors(root ast.Node) {
	d.anchors = map[string][]anchor{}
	for _, n := range ast.Filter(ast.AnchorType, root) {
		a := n.(*ast.AnchorNode)
		name := a.Name.String()
		d.anchors[name] = append(d.anchors[name], anchor{at: tokenPos(a.Start), node: a.Value})
	}
}

func (p pos) before(q pos) bool {
	return p.line < q.line || p.line == q.line && p.col < q.col
}

// maxDiagnostics bounds the findings kept for one file: past a few hundred
// nobody reads them, and a hostile file could produce millions.
const maxDiagnostics = 300

func (d *decoder) report(at pos, path, code, severity, format string, args ...any) {
	if len(d.diags) >= maxDiagnostics {
		d.dropped++
		return
	}
	if d.lines == nil {
		d.lines = strings.Split(d.src, "\n")
	}
	snippet := ""
	if at.line >= 1 && at.line <= len(d.lines) {
		snippet = rules.Snippet(d.lines[at.line-1], 1, at.col)
	}
	d.diags = append(d.diags, rules.Diagnostic{
		File:     d.file,
		Line:     at.line,
		Col:      at.col,
		Code:     code,
		Path:     path,
		Message:  fmt.Sprintf(format, args...),
		Severity: severity,
		Snippet:  snippet,
	})
}

func (d *decoder) errorf(at pos, path, code, format string, args ...any) {
	d.report(at, path, code, rules.SeverityError, format, args...)
}

// hasErrorAt reports whether an error was already reported at path or
// inside it.
func (d *decoder) hasErrorAt(path string) bool {
	for _, x := range d.diags {
		if x.Severity == rules.SeverityError && (x.Path == path || strings.HasPrefix(x.Path, path+".") || strings.HasPrefix(x.Path, path+"[")) {
			return true
		}
	}
	return false
}

func (d *decoder) warnf(at pos, path, code, format string, args ...any) {
	d.report(at, path, code, rules.SeverityWarning, format, args...)
}

// posOf returns where node starts. A block mapping's own token is the ':'
// of its first pair, so it is placed at its first key instead.
func posOf(node ast.Node) pos {
	switch n := node.(type) {
	case nil:
		return pos{1, 1}
	case *ast.MappingNode:
		if !n.IsFlowStyle && len(n.Values) > 0 {
			return posOf(n.Values[0])
		}
	case *ast.MappingValueNode:
		return posOf(n.Key)
	case *ast.TagNode:
		return tokenPos(n.Start)
	case *ast.AnchorNode:
		return tokenPos(n.Start)
	}
	return tokenPos(node.GetToken())
}

func tokenPos(tk *token.Token) pos {
	if tk == nil || tk.Position == nil {
		return pos{1, 1}
	}
	p := pos{tk.Position.Line, tk.Position.Column}
	if p.line < 1 {
		p.line = 1
	}
	if p.col < 1 {
		p.col = 1
	}
	return p
}

// resolve follows anchors and aliases to the node that holds the value. It
// returns nil for an alias to an unknown anchor (reported) and for a null.
func (d *decoder) resolve(node ast.Node, path string) ast.Node {
	for {
		switch n := node.(type) {
		case *ast.AnchorNode:
			node = n.Value
		case *ast.AliasNode:
			d.aliases++
			if d.aliases > maxAliasExpansions {
				d.errorf(posOf(n), path, "too_large", "too many aliases (more than %d)", maxAliasExpansions)
				return nil
			}
			var target ast.Node
			for _, a := range d.anchors[n.Value.String()] {
				if a.at.before(posOf(n)) {
					target = a.node
				}
			}
			if target == nil {
				d.errorf(posOf(n), path, "yaml_syntax", "unknown alias %q", n.Value.String())
				return nil
			}
			node = target
		case *ast.NullNode:
			return nil
		case *ast.TagNode:
			// Reported once (the walk may resolve a node more than once),
			// then decoded as if untagged so that one finding is enough.
			if !d.tagsSeen[n] {
				if d.tagsSeen == nil {
					d.tagsSeen = map[*ast.TagNode]bool{}
				}
				d.tagsSeen[n] = true
				d.errorf(posOf(n), path, "yaml_syntax", "YAML tags (%s) are not supported", n.Start.Value)
			}
			node = n.Value
		default:
			return node
		}
	}
}

// mapping returns the pairs of a mapping node in order, or reports
// wrong_type. what names the value for the message ("a state").
func (d *decoder) mapping(node ast.Node, path, what string) ([]entry, bool) {
	at := posOf(node)
	node = d.resolve(node, path)
	var pairs []*ast.MappingValueNode
	switch n := node.(type) {
	case *ast.MappingNode:
		pairs = n.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{n}
	default:
		if node != nil {
			at = posOf(node)
		}
		d.errorf(at, path, "wrong_type", "%s must be a mapping", what)
		return nil, false
	}
	entries := make([]entry, 0, len(pairs))
	for _, p := range pairs {
		if _, merge := p.Key.(*ast.MergeKeyNode); merge {
			d.errorf(posOf(p.Key), path, "yaml_syntax", "merge keys (<<) are not supported")
			continue
		}
		k, ok := d.keyString(p.Key)
		if !ok {
			d.errorf(posOf(p.Key), path, "wrong_type", "a key must be a plain string")
			continue
		}
		entries = append(entries, entry{
			key:   scalar{val: k, set: true, node: p.Key, at: posOf(p.Key), path: join(path, k)},
			value: p.Value,
		})
	}
	return entries, true
}

func (d *decoder) keyString(key ast.MapKeyNode) (string, bool) {
	switch k := key.(type) {
	case *ast.StringNode:
		return k.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return k.GetToken().Value, true
	}
	return "", false
}

// fields checks a mapping's keys against the allowed ones and returns the
// values by key. Unknown keys are reported with a suggestion when a known
// key is spelled alike.
func (d *decoder) fields(entries []entry, what string, allowed ...string) map[string]entry {
	m := make(map[string]entry, len(entries))
	for _, e := range entries {
		if !slices.Contains(allowed, e.key.val) {
			hint := ""
			if s := closest(e.key.val, allowed); s != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.errorf(e.key.at, e.key.path, "unknown_key", "unknown key %q in %s%s", e.key.val, what, hint)
			continue
		}
		m[e.key.val] = e
	}
	return m
}

// str decodes a string scalar. A null or missing value is not set.
func (d *decoder) str(e entry) scalar {
	if !e.key.set {
		return scalar{}
	}
	s := scalar{at: e.key.at, path: e.key.path}
	if e.value != nil {
		s.at = posOf(e.value)
	}
	node := d.resolve(e.value, e.key.path)
	switch n := node.(type) {
	case nil:
		// A key written without a value is a slip, not a choice: a guard
		// left empty must not silently allow everything.
		d.errorf(s.at, e.key.path, "wrong_type", "%s has no value", e.key.val)
		return s
	case *ast.StringNode:
		s.val = n.Value
	case *ast.LiteralNode:
		s.val = n.Value.Value
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		// Unquoted numbers and booleans are not strings: "version: 1.0"
		// as a title would silently lose its trailing zero.
		d.errorf(posOf(node), e.key.path, "wrong_type", "%s must be a string; quote it", e.key.val)
		return s
	default:
		d.errorf(posOf(node), e.key.path, "wrong_type", "%s must be a string", e.key.val)
		return s
	}
	s.set, s.node, s.at = true, node, posOf(node)
	return s
}

// boolean decodes true or false; a missing or null value is false. ok is
// false when the value is something else (reported).
func (d *decoder) boolean(e entry) (value, ok bool) {
	if !e.key.set {
		return false, true
	}
	switch n := d.resolve(e.value, e.key.path).(type) {
	case nil:
		return false, true
	case *ast.BoolNode:
		return n.Value, true
	default:
		d.errorf(posOf(n), e.key.path, "wrong_type", "%s must be true or false", e.key.val)
		return false, false
	}
}

// integer decodes a whole number.
func (d *decoder) integer(e entry) (value int, at pos, set bool) {
	if !e.key.set {
		return 0, pos{}, false
	}
	switch n := d.resolve(e.value, e.key.path).(type) {
	case nil:
		return 0, pos{}, false
	case *ast.IntegerNode:
		// goccy gives uint64 for non-negative numbers and int64 for
		// negative ones. Anything past int32 is out of every range this
		// package checks; clamp it so the check reports it.
		v := int64(math.MaxInt32)
		switch x := n.Value.(type) {
		case uint64:
			if x <= math.MaxInt32 {
				v = int64(x)
			}
		case int64:
			if x >= math.MinInt32 {
				v = x
			}
		}
		return int(v), posOf(n), true
	default:
		tk := n.GetToken()
		if digits := strings.TrimPrefix(tk.Value, "-"); tk.Type != token.DoubleQuoteType && tk.Type != token.SingleQuoteType &&
			digits != "" && strings.Trim(digits, "0123456789") == "" {
			return math.MaxInt32, posOf(n), true // a whole number too large for the parser's integers
		}
		d.errorf(posOf(n), e.key.path, "wrong_type", "%s must be a whole number", e.key.val)
		return 0, pos{}, false
	}
}

// stringList decodes a string or a sequence of strings.
func (d *decoder) stringList(e entry) []scalar {
	if !e.key.set {
		return nil
	}
	node := d.resolve(e.value, e.key.path)
	seq, isSeq := node.(*ast.SequenceNode)
	if !isSeq {
		if s := d.str(e); s.set {
			return []scalar{s}
		}
		return nil
	}
	var out []scalar
	for i, item := range seq.Values {
		p := fmt.Sprintf("%s[%d]", e.key.path, i)
		s := d.str(entry{key: scalar{val: e.key.val, set: true, path: p}, value: item})
		if s.set {
			out = append(out, s)
		} else if d.resolve(item, p) == nil {
			d.errorf(posOf(item), p, "wrong_type", "%s must not be empty", e.key.val)
		}
	}
	return out
}

// sequence returns the items of a sequence node, or reports wrong_type.
func (d *decoder) sequence(e entry, what string) ([]ast.Node, bool) {
	switch n := d.resolve(e.value, e.key.path).(type) {
	case *ast.SequenceNode:
		return n.Values, true
	default:
		at := e.key.at
		if n != nil {
			at = posOf(n)
		}
		d.errorf(at, e.key.path, "wrong_type", "%s must be a list", what)
		return nil, false
	}
}

// text decodes {zh: "…", en: "…"}, or a plain string taken as Chinese.
func (d *decoder) text(e entry) Text {
	if !e.key.set {
		return nil
	}
	if _, isStr := d.resolve(e.value, e.key.path).(*ast.StringNode); isStr {
		if s := d.str(e); s.set {
			return Text{"zh": s.val}
		}
		return nil
	}
	node := d.resolve(e.value, e.key.path)
	if _, isMap := node.(*ast.MappingNode); !isMap {
		if _, isPair := node.(*ast.MappingValueNode); !isPair {
			at := e.key.at
			if node != nil {
				at = posOf(node)
			}
			d.errorf(at, e.key.path, "wrong_type", "%s must be {zh: …, en: …} or a string", e.key.val)
			return nil
		}
	}
	entries, _ := d.mapping(node, e.key.path, e.key.val)
	t := Text{}
	for k, v := range d.fields(entries, e.key.val, "zh", "en") {
		if s := d.str(v); s.set {
			t[k] = s.val
		}
	}
	return t
}

// exprPos maps a 1-based line and column inside the expression held by s to
// a position in the file. Plain and quoted scalars on one line and literal
// blocks (|) map exactly; anything else maps to the scalar's start.
func (d *decoder) exprPos(s scalar, line, col int) pos {
	if line < 1 {
		line = 1
	}
	if col < 1 {
		col = 1
	}
	switch n := s.node.(type) {
	case *ast.StringNode:
		if line != 1 || strings.Contains(strings.TrimSpace(n.Token.Origin), "\n") {
			return s.at
		}
		p := tokenPos(n.Token)
		if n.Token.Type == token.DoubleQuoteType || n.Token.Type == token.SingleQuoteType {
			p.col++ // the opening quote
		}
		p.col += col - 1
		return p
	case *ast.LiteralNode:
		if n.Start.Type != token.LiteralType {
			return s.at
		}
		// The content starts on the line after the indicator, indented.
		first := tokenPos(n.Start).line + 1
		if d.lines == nil {
			d.lines = strings.Split(d.src, "\n")
		}
		lines := d.lines
		indent := 0
		for i := first - 1; i < len(lines); i++ {
			if t := strings.TrimLeft(lines[i], " "); t != "" {
				indent = len(lines[i]) - len(t)
				break
			}
		}
		return pos{first + line - 1, indent + col}
	}
	return s.at
}

// join appends a key to a dotted path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// closest returns the candidate within two edits of s, or "".
func closest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if dist := editDistance(s, c); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 99
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
