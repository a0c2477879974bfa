package studio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"canvass/forms"
	"canvass/rules"
)

// kind is the JSON kind of a node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// node is one JSON value that remembers the order of its object members,
// so a definition saved by the studio keeps the author's order of keys
// and every key the studio does not know about.
type node struct {
	kind    kind
	str     string      // strings
	num     json.Number // numbers, as written
	boolean bool
	members []member // objects, in document order
	items   []*node  // arrays
}

type member struct {
	key   string
	value *node
}

func strNode(s string) *node      { return &node{kind: kindString, str: s} }
func boolNode(b bool) *node       { return &node{kind: kindBool, boolean: b} }
func numNode(n json.Number) *node { return &node{kind: kindNumber, num: n} }
func objNode() *node              { return &node{kind: kindObject} }
func intNode(i int) *node         { return numNode(json.Number(fmt.Sprint(i))) }

// get returns the value of key, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for _, m := range n.members {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// getString returns the string value of key, or "".
func (n *node) getString(key string) string {
	if v := n.get(key); v != nil && v.kind == kindString {
		return v.str
	}
	return ""
}

func (n *node) index(key string) int {
	return slices.IndexFunc(n.members, func(m member) bool { return m.key == key })
}

// set replaces the value of key in place, or adds key where keyRank puts
// it among the keys present, so new keys land where an author would
// write them.
func (n *node) set(key string, v *node) {
	if i := n.index(key); i >= 0 {
		n.members[i].value = v
		return
	}
	r := keyRank(key)
	at := len(n.members)
	for i, m := range n.members {
		if keyRank(m.key) > r {
			at = i
			break
		}
	}
	n.members = slices.Insert(n.members, at, member{key, v})
}

// del removes key; it reports whether it was there.
func (n *node) del(key string) bool {
	i := n.index(key)
	if i < 0 {
		return false
	}
	n.members = slices.Delete(n.members, i, i+1)
	return true
}

// canonicalKeys is the order the studio writes the keys of a field in,
// the order the examples use. Keys it does not list go after.
var canonicalKeys = []string{
	"x-form-id", "x-title", "title", "description", "type", "format",
	"minLength", "maxLength", "pattern", "minimum", "maximum", "minItems", "maxItems", "uniqueItems",
	"default", "readOnly", "items", "x-order", "x-widget", "x-pii", "x-label", "x-hint",
	"x-relevant", "x-required-if", "x-required-message", "x-constraint", "x-constraint-message", "x-calculate",
	"x-choice-filter", "x-choices", "required", "properties",
}

func keyRank(key string) int {
	if i := slices.Index(canonicalKeys, key); i >= 0 {
		return i
	}
	return len(canonicalKeys)
}

func (n *node) clone() *node {
	if n == nil {
		return nil
	}
	c := *n
	if n.members != nil {
		c.members = make([]member, len(n.members))
		for i, m := range n.members {
			c.members[i] = member{m.key, m.value.clone()}
		}
	}
	if n.items != nil {
		c.items = make([]*node, len(n.items))
		for i, it := range n.items {
			c.items[i] = it.clone()
		}
	}
	return &c
}

// plain converts the node to the values encoding/json produces with
// UseNumber: map[string]any, []any, string, json.Number, bool, nil.
func (n *node) plain() any {
	switch n.kind {
	case kindBool:
		return n.boolean
	case kindNumber:
		return n.num
	case kindString:
		return n.str
	case kindArray:
		out := make([]any, len(n.items))
		for i, it := range n.items {
			out[i] = it.plain()
		}
		return out
	case kindObject:
		out := make(map[string]any, len(n.members))
		for _, m := range n.members {
			out[m.key] = m.value.plain()
		}
		return out
	}
	return nil
}

// maxDepth bounds nesting, as forms does: real forms nest a few levels.
const maxDepth = 64

// decode reads one JSON value from the tokens of dec.
func decode(dec *json.Decoder, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, errors.New("nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := objNode()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				v, err := decode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{key, v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '[':
			n := &node{kind: kindArray, items: []*node{}}
			for dec.More() {
				v, err := decode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return strNode(t), nil
	case json.Number:
		return numNode(t), nil
	case bool:
		return boolNode(t), nil
	case nil:
		return &node{kind: kindNull}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// FormDoc is a form definition open in the designer: the JSON document
// itself, in the author's key order, with every key the studio does not
// know kept as written. Operations change it in place and keep it a form
// that forms.Load accepts; Bytes is what the studio saves as the draft.
//
// A FormDoc is not safe for concurrent use.
type FormDoc struct {
	// Lang is the language of the messages of errors: zh-CN (the
	// default) or en.
	Lang string
	// Filename names the file in lint findings ("" : the form's ID
	// followed by .form.json).
	Filename string

	root *node
	// loaded is the last Load of root as it is now. Every operation
	// loads its result before keeping it; saving it then needs neither
	// another encoding nor another compilation.
	loaded *loadResult
}

// loadResult is one Load: the bytes loaded and what forms.Load made of them.
type loadResult struct {
	src   []byte
	form  *forms.Form
	diags []rules.Diagnostic
}

// OpenForm decodes a form definition. It returns EINVALID (code "syntax")
// when src is not one JSON object. It does not lint: a draft with errors
// opens, so the author can fix it in the designer.
func OpenForm(src []byte) (*FormDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	root, err := decode(dec, 0)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			err = errors.New("text after the form's closing brace")
		}
	}
	if err != nil {
		return nil, problemAt("", CodeSyntax, err.Error()).err(forms.LangZH)
	}
	if root.kind != kindObject {
		return nil, problemAt("", CodeNotObject).err(forms.LangZH)
	}
	return &FormDoc{root: root}, nil
}

// Clone returns an independent copy of the document.
func (d *FormDoc) Clone() *FormDoc {
	return &FormDoc{Lang: d.Lang, Filename: d.Filename, root: d.root.clone(), loaded: d.loaded}
}

// Load lints and compiles the document with forms.Load, as publishing
// will. The result is kept until the document changes, so calling Load
// again, or Compiled, costs nothing.
func (d *FormDoc) Load() (*forms.Form, []rules.Diagnostic) {
	l := d.load()
	return l.form, l.diags
}

func (d *FormDoc) load() *loadResult {
	if d.loaded == nil {
		src := d.Bytes()
		f, diags := forms.Load(d.filename(), src)
		d.loaded = &loadResult{src: src, form: f, diags: diags}
	}
	return d.loaded
}

// Compiled returns what the studio saves and what it compiles to: the
// file's bytes (see Bytes), the form (nil when it does not load) and the
// lint findings. The bytes are shared: do not change them.
func (d *FormDoc) Compiled() ([]byte, *forms.Form, []rules.Diagnostic) {
	l := d.load()
	return l.src, l.form, l.diags
}

// UseLoaded tells the document what Load gives for it, when the caller
// has it already (a cache of compiled drafts): src is the file the
// document was opened from, and f and diags what forms.Load made of src.
// The next Load returns them; any operation replaces them.
func (d *FormDoc) UseLoaded(src []byte, f *forms.Form, diags []rules.Diagnostic) {
	d.loaded = &loadResult{src: src, form: f, diags: diags}
}

// FormID returns the form's ID (x-form-id, else $id), "" when it has none.
func (d *FormDoc) FormID() string {
	if id := d.root.getString("x-form-id"); id != "" {
		return id
	}
	return d.root.getString("$id")
}

func (d *FormDoc) filename() string {
	if d.Filename != "" {
		return d.Filename
	}
	if id := d.root.getString("x-form-id"); id != "" {
		return id + ".form.json"
	}
	return "form.json"
}

// Bytes returns the document as the studio saves it: the house style of
// the examples — two-space indentation, a final newline, and small values
// (texts, choices, scalar lists, "items" of a multi-choice field) kept on
// one line, so that a saved draft diffs well against the file the author
// started from. Characters are written as themselves, not as \u escapes.
func (d *FormDoc) Bytes() []byte {
	var b bytes.Buffer
	write(&b, d.root, 0, true)
	b.WriteByte('\n')
	return b.Bytes()
}

// depth is 0 for scalars and 1 + the deepest child for containers.
func (n *node) depth() int {
	d := 0
	for _, m := range n.members {
		d = max(d, m.value.depth())
	}
	for _, it := range n.items {
		d = max(d, it.depth())
	}
	if n.kind == kindArray || n.kind == kindObject {
		return d + 1
	}
	return 0
}

// inline reports whether n is written on one line: containers of at most
// two levels that are not schemas (a field or the form).
func inline(n *node, schema bool) bool {
	if n.kind != kindArray && n.kind != kindObject {
		return true
	}
	if schema || n.get("properties") != nil {
		return false
	}
	if n.kind == kindArray {
		return n.depth() <= 1
	}
	return n.depth() <= 2
}

// write writes n at the given indentation level; level -1 writes it on one
// line. schema says whether n is a schema object (the form or a field).
func write(b *bytes.Buffer, n *node, level int, schema bool) {
	oneLine := level < 0 || inline(n, schema)
	nl := func(l int) {
		if oneLine {
			return
		}
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", l))
	}
	sep := ", "
	if !oneLine {
		sep = ","
	}
	next := level + 1
	if oneLine {
		next = -1
	}
	switch n.kind {
	case kindNull:
		b.WriteString("null")
	case kindBool:
		fmt.Fprint(b, n.boolean)
	case kindNumber:
		b.WriteString(n.num.String())
	case kindString:
		writeString(b, n.str)
	case kindArray:
		if len(n.items) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				b.WriteString(sep)
			}
			nl(level + 1)
			write(b, it, next, false)
		}
		nl(level)
		b.WriteByte(']')
	case kindObject:
		if len(n.members) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, m := range n.members {
			if i > 0 {
				b.WriteString(sep)
			}
			nl(level + 1)
			writeString(b, m.key)
			b.WriteString(": ")
			// The values of "properties" are fields; so are "items"
			// that hold a row.
			childSchema := schema && m.key == "properties"
			if schema && m.key == "items" && m.value.get("properties") != nil {
				childSchema = true
			}
			if childSchema && m.value.kind == kindObject && m.key == "properties" {
				writeProperties(b, m.value, next, oneLine)
				continue
			}
			write(b, m.value, next, childSchema)
		}
		nl(level)
		b.WriteByte('}')
	}
}

// writeProperties writes a "properties" object: every member is a field.
func writeProperties(b *bytes.Buffer, n *node, level int, oneLine bool) {
	if len(n.members) == 0 {
		b.WriteString("{}")
		return
	}
	b.WriteByte('{')
	for i, m := range n.members {
		if i > 0 {
			b.WriteByte(',')
			if oneLine {
				b.WriteByte(' ')
			}
		}
		if !oneLine {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat("  ", level+1))
		}
		writeString(b, m.key)
		b.WriteString(": ")
		next := level + 1
		if oneLine {
			next = -1
		}
		write(b, m.value, next, true)
	}
	if !oneLine {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", level))
	}
	b.WriteByte('}')
}

// writeString writes s as a JSON string without HTML escaping:
// expressions hold && and <, which must stay readable in the file.
func writeString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(tmp.Bytes(), []byte("\n")))
}
