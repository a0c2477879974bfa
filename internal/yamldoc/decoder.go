package yamldoc

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"canvass/rules"
)

// MaxAliasExpansions bounds how many times aliases may be followed, so a
// file of nested aliases cannot make a loader do exponential work.
const MaxAliasExpansions = 1000

// MaxDiagnostics bounds the findings kept for one file: past a few hundred
// nobody reads them, and a hostile file could produce millions.
const MaxDiagnostics = 300

// Pos is a 1-based line and rune column in the source.
type Pos struct{ Line, Col int }

// Before reports whether p comes before q in the file.
func (p Pos) Before(q Pos) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Col < q.Col
}

// Scalar is a decoded scalar value with where it was written. Set is false
// when the key is missing, null, or its value had the wrong type (then
// already reported).
type Scalar struct {
	Val  string
	Set  bool
	Node ast.Node // the value's node; nil when not set
	At   Pos
	Path string // dotted path of the key, e.g. "states.review.due"
}

// Entry is one key: value pair of a mapping. Key.Path is the pair's path.
type Entry struct {
	Key   Scalar
	Value ast.Node
}

// Decoder turns the YAML nodes of one file into values and collects
// diagnostics. A loader embeds it, calls Parse once, walks the document with
// Mapping, Fields, Str… and ends with Diagnostics.
type Decoder struct {
	file     string
	src      []byte
	lines    []string // src split into lines, for snippets
	dropped  int      // findings over MaxDiagnostics
	diags    []rules.Diagnostic
	anchors  map[string][]anchor // by name, in document order
	aliases  int
	tagsSeen map[*ast.TagNode]bool
}

// anchor is one &name in the document. An alias refers to the last anchor
// of its name before it.
type anchor struct {
	at   Pos
	node ast.Node
}

// NewDecoder returns a Decoder for src; file names it in diagnostics.
func NewDecoder(file string, src []byte) *Decoder {
	return &Decoder{file: file, src: src}
}

// File returns the file name diagnostics carry.
func (d *Decoder) File() string { return d.file }

// Parse parses the source as one YAML document and returns its body, or
// nil when there is nothing to go on (reported): a file over maxSize bytes,
// a syntax error, an empty file. what names the kind of file ("workflow")
// and needs the keys an empty file lacks ("id, start and states"), for the
// messages. A second document is reported and ignored.
func (d *Decoder) Parse(what, needs string, maxSize int) ast.Node {
	if len(d.src) > maxSize {
		d.Errorf(Pos{1, 1}, "", rules.CodeTooLarge, "a %s file must be at most %d bytes", what, maxSize).
			WithText("max", fmt.Sprintf("%d 字节", maxSize), fmt.Sprintf("%d bytes", maxSize))
		return nil
	}
	file, err := parser.ParseBytes(d.src, 0)
	if err != nil {
		d.syntaxError(err)
		return nil
	}
	var docs []*ast.DocumentNode
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		d.Errorf(Pos{1, 1}, "", rules.CodeMissingKey, "the file is empty; a %s needs %s", what, needs).
			WithText("key", "文件内容", "The content").With("want", needs)
		return nil
	}
	if len(docs) > 1 {
		d.Errorf(PosOf(docs[1].Body), "", rules.CodeYAMLSyntax, "a %s file holds one YAML document", what)
	}
	d.collectAnchors(docs[0].Body)
	return docs[0].Body
}

// syntaxError reports a parse error at the token it names.
func (d *Decoder) syntaxError(err error) {
	at, msg := Pos{1, 1}, err.Error()
	var ye yaml.Error
	if errors.As(err, &ye) {
		at, msg = TokenPos(ye.GetToken()), ye.GetMessage()
	}
	d.Errorf(at, "", rules.CodeYAMLSyntax, "%s", msg)
}

// collectAnchors records every anchor of the document up front: loaders
// read keys in their own order, not the file's, so an alias may be decoded
// before the walk would have reached its anchor.
func (d *Decoder) collectAnchors(root ast.Node) {
	d.anchors = map[string][]anchor{}
	for _, n := range ast.Filter(ast.AnchorType, root) {
		a := n.(*ast.AnchorNode)
		name := a.Name.String()
		d.anchors[name] = append(d.anchors[name], anchor{at: TokenPos(a.Start), node: a.Value})
	}
}

// Report records a finding at a position, with the snippet of its line.
// code is one of the rules.Code… constants; format and args make the
// English Message, and the returned Finding takes the arguments of the
// code's localized message (see rules.Diagnostic.Text).
func (d *Decoder) Report(at Pos, path, code, severity, format string, args ...any) rules.Finding {
	if len(d.diags) >= MaxDiagnostics {
		d.dropped++
		return rules.Finding{}
	}
	snippet := ""
	if lines := d.srcLines(); at.Line >= 1 && at.Line <= len(lines) {
		snippet = rules.Snippet(lines[at.Line-1], 1, at.Col)
	}
	d.diags = append(d.diags, rules.Diagnostic{
		File:     d.file,
		Line:     at.Line,
		Col:      at.Col,
		Code:     code,
		Path:     path,
		Message:  fmt.Sprintf(format, args...),
		Severity: severity,
		Snippet:  snippet,
	})
	return rules.LastFinding(&d.diags)
}

// Errorf reports an error: the definition cannot be used.
func (d *Decoder) Errorf(at Pos, path, code, format string, args ...any) rules.Finding {
	return d.Report(at, path, code, rules.SeverityError, format, args...)
}

// Warnf reports a warning: shown, but the definition can be used.
func (d *Decoder) Warnf(at Pos, path, code, format string, args ...any) rules.Finding {
	return d.Report(at, path, code, rules.SeverityWarning, format, args...)
}

// HasErrorAt reports whether an error was already reported at path or
// inside it.
func (d *Decoder) HasErrorAt(path string) bool {
	for _, x := range d.diags {
		if x.Severity == rules.SeverityError && (x.Path == path || strings.HasPrefix(x.Path, path+".") || strings.HasPrefix(x.Path, path+"[")) {
			return true
		}
	}
	return false
}

// HasErrors reports whether any error was reported.
func (d *Decoder) HasErrors() bool { return rules.HasErrors(d.diags) }

// Diagnostics returns the findings sorted by position, so output is
// stable, followed by a too_many_findings error when some were dropped.
func (d *Decoder) Diagnostics() []rules.Diagnostic {
	ds := d.diags
	slices.SortStableFunc(ds, func(a, b rules.Diagnostic) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	if d.dropped > 0 {
		last := ds[len(ds)-1]
		ds = append(ds, rules.Diagnostic{
			File: d.file, Line: last.Line, Col: last.Col, Code: rules.CodeTooManyFindings, Severity: rules.SeverityError,
			Message: fmt.Sprintf("%d more findings not shown; fix these first", d.dropped),
			Args:    map[string]string{"count": strconv.Itoa(d.dropped)},
		})
	}
	return ds
}

// srcLines splits the source into lines where YAML breaks them: at CR LF,
// LF and a lone CR, so that snippets match the parser's line numbers.
func (d *Decoder) srcLines() []string {
	if d.lines == nil {
		d.lines = strings.Split(strings.ReplaceAll(strings.ReplaceAll(string(d.src), "\r\n", "\n"), "\r", "\n"), "\n")
	}
	return d.lines
}

// PosOf returns where node starts. A block mapping's own token is the ':'
// of its first pair, so it is placed at its first key instead.
func PosOf(node ast.Node) Pos {
	switch n := node.(type) {
	case nil:
		return Pos{1, 1}
	case *ast.MappingNode:
		if !n.IsFlowStyle && len(n.Values) > 0 {
			return PosOf(n.Values[0])
		}
	case *ast.MappingValueNode:
		return PosOf(n.Key)
	case *ast.TagNode:
		return TokenPos(n.Start)
	case *ast.AnchorNode:
		return TokenPos(n.Start)
	}
	return TokenPos(node.GetToken())
}

// TokenPos returns where tk starts, 1:1 when it carries no position.
func TokenPos(tk *token.Token) Pos {
	if tk == nil || tk.Position == nil {
		return Pos{1, 1}
	}
	p := Pos{tk.Position.Line, tk.Position.Column}
	if p.Line < 1 {
		p.Line = 1
	}
	if p.Col < 1 {
		p.Col = 1
	}
	return p
}
