package studio

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"canvass/forms"
	"canvass/rules"
)

// fieldRef is one field of the document as the designer sees it.
type fieldRef struct {
	key       string
	ptr       string // JSON pointer of the field's schema
	node      *node
	container *node  // the object whose "properties" hold the field
	parentPtr string // the enclosing section or repeat group, "" at the top
	inRow     bool   // inside a repeat group (at any depth)
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok // every key an author can type: no copy, no replacer
	}
	return pointerEscaper.Replace(tok)
}

// pointerEscaper is built once: fields() escapes every key of the form
// on each lookup.
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// fields returns every field, depth first in document order.
func (d *FormDoc) fields() []fieldRef {
	var out []fieldRef
	var walk func(container *node, base, parentPtr string, inRow bool)
	walk = func(container *node, base, parentPtr string, inRow bool) {
		props := container.get("properties")
		if props == nil || props.kind != kindObject {
			return
		}
		for _, m := range props.members {
			ptr := base + "/properties/" + escapePointer(m.key)
			out = append(out, fieldRef{key: m.key, ptr: ptr, node: m.value, container: container, parentPtr: parentPtr, inRow: inRow})
			switch m.value.getString("type") {
			case "object":
				walk(m.value, ptr, ptr, inRow)
			case "array":
				if items := m.value.get("items"); items.getString("type") == "object" {
					walk(items, ptr+"/items", ptr, true)
				}
			}
		}
	}
	walk(d.root, "", "", false)
	return out
}

func (d *FormDoc) field(ptr string) (fieldRef, bool) {
	for _, f := range d.fields() {
		if f.ptr == ptr {
			return f, true
		}
	}
	return fieldRef{}, false
}

// containerAt returns the object whose properties are the fields of the
// form ("") or of the section or repeat group at ptr.
func (d *FormDoc) containerAt(ptr string) (*node, problems) {
	if ptr == "" {
		return d.root, nil
	}
	f, ok := d.field(ptr)
	if !ok {
		return nil, problemAt(ptr, CodeUnknownField, ptr)
	}
	switch typeOfNode(f.node) {
	case TypeSection:
		return f.node, nil
	case TypeRepeat:
		return f.node.get("items"), nil
	}
	return nil, problemAt(ptr, CodeNotContainer)
}

// keys returns every key in the form.
func (d *FormDoc) keys() map[string]bool {
	m := map[string]bool{}
	for _, f := range d.fields() {
		m[f.key] = true
	}
	return m
}

// Field is what the designer's outline shows of a field.
type Field struct {
	Key      string  `json:"key"`
	Pointer  string  `json:"pointer"` // where the field is in the definition
	Type     string  `json:"type"`    // palette ID
	Label    string  `json:"label"`   // Chinese label
	Children []Field `json:"children,omitempty"`
}

// Outline returns the fields in display order (x-order, then document
// order), sections and repeat groups with their children.
func (d *FormDoc) Outline() []Field {
	var outline func(container *node, base string) []Field
	outline = func(container *node, base string) []Field {
		var out []Field
		for _, m := range displayOrder(container) {
			ptr := base + "/properties/" + escapePointer(m.key)
			f := Field{Key: m.key, Pointer: ptr, Type: typeOfNode(m.value), Label: readText(m.value.get("x-label")).ZH}
			switch f.Type {
			case TypeSection:
				f.Children = outline(m.value, ptr)
			case TypeRepeat:
				f.Children = outline(m.value.get("items"), ptr+"/items")
			}
			out = append(out, f)
		}
		return out
	}
	return outline(d.root, "")
}

// Pointer returns the pointer of the field with key, anywhere in the form.
func (d *FormDoc) Pointer(key string) (string, bool) {
	for _, f := range d.fields() {
		if f.key == key {
			return f.ptr, true
		}
	}
	return "", false
}

// SpecOf returns the spec of the field at ptr, for the field panel.
func (d *FormDoc) SpecOf(ptr string) (FieldSpec, error) {
	f, ok := d.field(ptr)
	if !ok {
		return FieldSpec{}, problemAt(ptr, CodeUnknownField, ptr).err(d.lang())
	}
	return specOf(f.key, f.node, isRequired(f.container, f.key)), nil
}

// Lang is the language of the errors operations return: zh-CN unless set
// to "en".
func (d *FormDoc) lang() string { return cmp.Or(d.Lang, forms.LangZH) }

// order returns a field's x-order (0 when absent).
func order(n *node) int {
	if v := intOf(n.get("x-order")); v != nil {
		return *v
	}
	return 0
}

// displayOrder returns the members of container's properties sorted as
// forms shows them: by x-order, then document order.
func displayOrder(container *node) []member {
	props := container.get("properties")
	if props == nil {
		return nil
	}
	ms := slices.Clone(props.members)
	slices.SortStableFunc(ms, func(a, b member) int { return cmp.Compare(order(a.value), order(b.value)) })
	return ms
}

// placeAt puts field m at display position index among container's
// fields. Where no field of the level has x-order, the document order is
// the display order. Otherwise the level is rewritten in display order and
// renumbered 1, 2, 3…, so positions stay what the author sees.
func placeAt(container *node, m member, index int) {
	props := container.get("properties")
	if props == nil {
		props = objNode()
		container.set("properties", props)
	}
	ordered := false
	for _, x := range props.members {
		ordered = ordered || x.value.get("x-order") != nil
	}
	if !ordered {
		props.members = slices.Insert(props.members, index, m)
		m.value.del("x-order")
		return
	}
	ms := slices.Insert(displayOrder(container), index, m)
	for i, x := range ms {
		x.value.set("x-order", intNode(i+1))
	}
	props.members = ms
}

func isRequired(container *node, key string) bool {
	if r := container.get("required"); r != nil {
		for _, it := range r.items {
			if it.kind == kindString && it.str == key {
				return true
			}
		}
	}
	return false
}

// setRequired adds or removes key in container's "required".
func setRequired(container *node, key string, on bool) {
	r := container.get("required")
	if r == nil && !on {
		return
	}
	if r == nil {
		r = &node{kind: kindArray}
		container.set("required", r)
	}
	i := slices.IndexFunc(r.items, func(n *node) bool { return n.kind == kindString && n.str == key })
	switch {
	case on && i < 0:
		r.items = append(r.items, strNode(key))
	case !on && i >= 0:
		r.items = slices.Delete(r.items, i, i+1)
	}
	if len(r.items) == 0 && container != nil {
		container.del("required")
	}
}

// renameRequired renames key in container's "required".
func renameRequired(container *node, from, to string) {
	if r := container.get("required"); r != nil {
		for _, it := range r.items {
			if it.kind == kindString && it.str == from {
				it.str = to
			}
		}
	}
}

// reservedNames are the variables forms declares; fields cannot use them.
var reservedNames = []string{"refTime", "row", "rowIndex", "choice", "choiceData"}

var grammarWords = []string{"true", "false", "nil", "in", "not", "and", "or", "matches",
	"contains", "startsWith", "endsWith", "let", "if", "else"}

// checkKey checks a key an author typed. taken holds the keys in use.
func checkKey(ptr, key string, taken map[string]bool) problems {
	switch {
	case !keyPattern.MatchString(key) || len(key) > 64:
		return problemAt(ptr, CodeBadKey, key)
	case slices.Contains(reservedNames, key) || slices.Contains(grammarWords, key) || rules.Reserved(key):
		return problemAt(ptr, CodeReservedKey, key)
	case taken[key]:
		return problemAt(ptr, CodeDuplicateKey, key)
	}
	return nil
}

// usableKey reports whether key may be given to a new field.
func usableKey(key string, taken map[string]bool) bool {
	return checkKey("", key, taken) == nil
}

// slug makes an identifier of an ASCII label: "Date of birth" →
// "dateOfBirth". It returns "" for labels with other characters or
// without letters. lowerFirst words are not capitalised when camel is false
// (choice values: "Other" → "other", "Not sure" → "not_sure").
func slug(label string, camel bool) string {
	var words []string
	for _, w := range strings.FieldsFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		for _, r := range w {
			if r > unicode.MaxASCII {
				return ""
			}
		}
		words = append(words, strings.ToLower(w))
	}
	if len(words) == 0 {
		return ""
	}
	var s string
	if camel {
		s = words[0]
		for _, w := range words[1:] {
			s += strings.ToUpper(w[:1]) + w[1:]
		}
	} else {
		s = strings.Join(words, "_")
	}
	if s == "" || !unicode.IsLetter(rune(s[0])) {
		return ""
	}
	return s[:min(len(s), 40)]
}

// newKey makes a key for a new field: the English label's slug when it
// has one, else prefix1, prefix2, …, the first free.
func newKey(label forms.Text, prefix string, taken map[string]bool) string {
	if s := slug(label.EN, true); s != "" {
		if usableKey(s, taken) {
			return s
		}
		return numbered(s, 1, taken)
	}
	return numbered(prefix, 1, taken)
}

// numbered returns base (without its trailing digits) followed by the
// first number from first on that makes a free key.
func numbered(base string, first int, taken map[string]bool) string {
	base = strings.TrimRightFunc(base, unicode.IsDigit)
	for i := first; ; i++ {
		if k := base + strconv.Itoa(i); usableKey(k, taken) {
			return k
		}
	}
}

func keyPrefix(t string) string {
	switch t {
	case TypeSection:
		return "section"
	case TypeRepeat:
		return "group"
	}
	return "field"
}

// apply runs edit on a copy of the document and keeps the copy when it
// loads: no error diagnostics, or none that the document did not have
// already (a draft broken by hand stays editable).
func (d *FormDoc) apply(edit func(c *FormDoc) problems) error {
	c := d.Clone()
	c.loaded = nil
	if ps := edit(c); len(ps) > 0 {
		return ps.err(d.lang())
	}
	if _, diags := c.Load(); rules.HasErrors(diags) {
		_, before := d.Load()
		if !rules.HasErrors(before) || newErrors(before, diags) {
			return lintProblems(diags).err(d.lang())
		}
	}
	d.root, d.loaded = c.root, c.loaded
	return nil
}

func newErrors(before, after []rules.Diagnostic) bool {
	seen := map[string]bool{}
	for _, x := range before {
		seen[x.Code+" "+x.Path] = true
	}
	for _, x := range after {
		if x.Severity == rules.SeverityError && !seen[x.Code+" "+x.Path] {
			return true
		}
	}
	return false
}

// checkIndex checks a display position: 0…n, or -1 for the end.
func checkIndex(ptr string, index, n int) (int, problems) {
	if index == -1 {
		return n, nil
	}
	if index < 0 || index > n {
		return 0, problemAt(ptr, CodeBadIndex, index, n)
	}
	return index, nil
}

// AddField adds a field made from spec to the form (parent "") or to the
// section or repeat group at pointer parent, at display position index
// (-1: last). spec.Key may be empty: a key is made from the English label
// or numbered. It returns the new field's pointer. Errors: EINVALID with
// unknown_field, not_container, bad_index, unknown_type, label_required,
// bad_key, reserved_key, duplicate_key, the settings' codes, and
// form_invalid (with the lint findings) when the result would not load.
func (d *FormDoc) AddField(parent string, index int, spec FieldSpec) (string, error) {
	var ptr string
	err := d.apply(func(c *FormDoc) problems {
		var ps problems
		ptr, ps = c.addField(parent, index, spec)
		return ps
	})
	if err != nil {
		return "", err
	}
	return ptr, nil
}

// addField is AddField on a document being edited.
func (c *FormDoc) addField(parent string, index int, spec FieldSpec) (string, problems) {
	container, ps := c.containerAt(parent)
	if ps != nil {
		return "", ps
	}
	t, ok := LookupType(spec.Type)
	if !ok {
		return "", problemAt(parent, CodeUnknownType, spec.Type)
	}
	taken := c.keys()
	if spec.Key == "" {
		spec.Key = newKey(spec.Label, keyPrefix(t.ID), taken)
	}
	base := parent
	if t := typeOfNode(nodeAt(c, parent)); parent != "" && t == TypeRepeat {
		base += "/items"
	}
	ptr := base + "/properties/" + escapePointer(spec.Key)
	if ps := checkKey(ptr, spec.Key, taken); ps != nil {
		return "", ps
	}
	if ps := t.validateSettings(ptr, &spec, nil); ps != nil {
		return "", ps
	}
	at, ps := checkIndex(parent, index, len(displayOrder(container)))
	if ps != nil {
		return "", ps
	}
	n := objNode()
	writeSpec(n, t, spec)
	placeAt(container, member{spec.Key, n}, at)
	setRequired(container, spec.Key, spec.Required)
	return ptr, nil
}

func nodeAt(c *FormDoc, ptr string) *node {
	if ptr == "" {
		return c.root
	}
	f, _ := c.field(ptr)
	return f.node
}

// AddSection adds an empty section. label is its title.
func (d *FormDoc) AddSection(parent string, index int, key string, label forms.Text) (string, error) {
	return d.AddField(parent, index, FieldSpec{Type: TypeSection, Key: key, Label: label})
}

// AddRepeat adds an empty repeat group that takes between minRows and
// maxRows rows (nil: no limit).
func (d *FormDoc) AddRepeat(parent string, index int, key string, label forms.Text, minRows, maxRows *int) (string, error) {
	return d.AddField(parent, index, FieldSpec{Type: TypeRepeat, Key: key, Label: label, MinRows: minRows, MaxRows: maxRows})
}

// UpdateField rewrites the field at ptr from spec: the keys a spec covers
// are replaced (see FieldSpec), the others kept. A spec.Key other than the
// field's key renames it, and every expression that names it, and
// "required". It returns the field's pointer, new when renamed. Errors as
// AddField.
func (d *FormDoc) UpdateField(ptr string, spec FieldSpec) (string, error) {
	newPtr := ptr
	err := d.apply(func(c *FormDoc) problems {
		f, ok := c.field(ptr)
		if !ok {
			return problemAt(ptr, CodeUnknownField, ptr)
		}
		t, ok := LookupType(spec.Type)
		if !ok {
			return problemAt(ptr+"/type", CodeUnknownType, spec.Type)
		}
		if spec.Key == "" {
			spec.Key = f.key
		}
		if spec.Key != f.key {
			taken := c.keys()
			if ps := checkKey(ptr, spec.Key, taken); ps != nil {
				return ps
			}
		}
		if ps := t.validateSettings(ptr, &spec, f.node); ps != nil {
			return ps
		}
		if typeOfNode(f.node) != t.ID && (t.Container() || typeOfNode(f.node) == TypeSection || typeOfNode(f.node) == TypeRepeat) {
			// A section with fields cannot become a question, nor the
			// other way round, without losing fields.
			if fieldsIn(f.node) > 0 || t.Container() {
				return problemAt(ptr+"/type", CodeBadSetting, t.NameZH, "type")
			}
		}
		if spec.Key != f.key {
			c.rename(map[string]string{f.key: spec.Key}, c.rowKeys())
			f, _ = c.field(ptr)
			props := f.container.get("properties")
			props.members[props.index(f.key)].key = spec.Key
			newPtr = ptr[:strings.LastIndex(ptr, "/")+1] + escapePointer(spec.Key)
			f.key = spec.Key
		}
		writeSpec(f.node, t, spec)
		setRequired(f.container, f.key, spec.Required)
		return nil
	})
	if err != nil {
		return "", err
	}
	return newPtr, nil
}

func fieldsIn(n *node) int {
	if n.getString("type") == "array" {
		n = n.get("items")
	}
	if p := n.get("properties"); p != nil {
		return len(p.members)
	}
	return 0
}

// rowKeys returns the keys of fields inside repeat groups: only those can
// be named as row members (.childAge).
func (d *FormDoc) rowKeys() map[string]bool {
	m := map[string]bool{}
	for _, f := range d.fields() {
		if f.inRow {
			m[f.key] = true
		}
	}
	return m
}

// rename renames fields in every expression and "required" list.
func (d *FormDoc) rename(renames map[string]string, rowKeys map[string]bool) {
	for _, f := range d.fields() {
		for _, k := range ExpressionKeys {
			if e := f.node.get(k); e != nil && e.kind == kindString {
				e.str = renameRefs(e.str, renames, rowKeys)
			}
		}
	}
	for _, f := range d.fields() {
		if to, ok := renames[f.key]; ok {
			renameRequired(f.container, f.key, to)
		}
	}
}

// DuplicateField copies the field at ptr to just after it. The copy and
// every field inside it get new keys (the key numbered on: mobile →
// mobile2), its label is marked as a copy, and expressions inside the copy
// that named fields of the original name the copies. It returns the
// copy's pointer.
func (d *FormDoc) DuplicateField(ptr string) (string, error) {
	var newPtr string
	err := d.apply(func(c *FormDoc) problems {
		f, ok := c.field(ptr)
		if !ok {
			return problemAt(ptr, CodeUnknownField, ptr)
		}
		taken := c.keys()
		copyNode := f.node.clone()
		sub := &FormDoc{root: wrap(f.key, copyNode)}
		renames := map[string]string{}
		for _, g := range sub.fields() {
			k := numbered(g.key, 2, taken)
			taken[k] = true
			renames[g.key] = k
		}
		rowKeys := sub.rowKeys()
		if f.inRow || typeOfNode(f.node) == TypeRepeat {
			rowKeys[f.key] = true
		}
		sub.rename(renames, rowKeys)
		for _, g := range sub.fields() {
			props := g.container.get("properties")
			props.members[props.index(g.key)].key = renames[g.key]
		}
		if l := copyNode.get("x-label"); l != nil {
			if zh := l.get("zh"); zh != nil && zh.kind == kindString {
				zh.str += "（副本）"
			}
			if en := l.get("en"); en != nil && en.kind == kindString {
				en.str += " (copy)"
			}
		}
		at := slices.IndexFunc(displayOrder(f.container), func(m member) bool { return m.key == f.key }) + 1
		placeAt(f.container, member{renames[f.key], copyNode}, at)
		if isRequired(f.container, f.key) {
			setRequired(f.container, renames[f.key], true)
		}
		newPtr = ptr[:strings.LastIndex(ptr, "/")+1] + escapePointer(renames[f.key])
		return nil
	})
	if err != nil {
		return "", err
	}
	return newPtr, nil
}

// wrap makes a throwaway form holding one field, to walk its subtree.
func wrap(key string, n *node) *node {
	root := objNode()
	props := objNode()
	props.members = []member{{key, n}}
	root.set("properties", props)
	return root
}

// MoveField moves the field at ptr into the form (parent "") or the
// section or repeat group at parent, at display position index (-1:
// last). "required" moves with it. It returns the new pointer. Errors:
// move_into_itself when parent is the field or inside it; form_invalid
// when the move breaks a rule (a row field taken out of its repeat group
// while its neighbours still read it).
func (d *FormDoc) MoveField(ptr, parent string, index int) (string, error) {
	var newPtr string
	err := d.apply(func(c *FormDoc) problems {
		f, ok := c.field(ptr)
		if !ok {
			return problemAt(ptr, CodeUnknownField, ptr)
		}
		if parent == ptr || strings.HasPrefix(parent, ptr+"/") {
			return problemAt(parent, CodeMoveIntoItself, f.key)
		}
		to, ps := c.containerAt(parent)
		if ps != nil {
			return ps
		}
		required := isRequired(f.container, f.key)
		from := f.container.get("properties")
		from.members = slices.Delete(from.members, from.index(f.key), from.index(f.key)+1)
		setRequired(f.container, f.key, false)
		at, ps := checkIndex(parent, index, len(displayOrder(to)))
		if ps != nil {
			return ps
		}
		placeAt(to, member{f.key, f.node}, at)
		setRequired(to, f.key, required)
		base := parent
		if parent != "" && typeOfNode(nodeAt(c, parent)) == TypeRepeat {
			base += "/items"
		}
		newPtr = base + "/properties/" + escapePointer(f.key)
		return nil
	})
	if err != nil {
		return "", err
	}
	return newPtr, nil
}

// Reference is one rule that names a field.
type Reference struct {
	Pointer string `json:"pointer"` // the expression: /properties/b/x-relevant
	Field   string `json:"field"`   // the key of the field that holds the rule
	Keyword string `json:"keyword"` // x-relevant, x-calculate, …
	Names   string `json:"names"`   // the key it names

	fieldLabel, namesLabel string // Chinese labels, for messages
}

// References returns the rules outside the field at ptr (and outside its
// children) that name it or one of its children.
func (d *FormDoc) References(ptr string) ([]Reference, error) {
	f, ok := d.field(ptr)
	if !ok {
		return nil, problemAt(ptr, CodeUnknownField, ptr).err(d.lang())
	}
	return d.references(f), nil
}

func (d *FormDoc) references(f fieldRef) []Reference {
	gone := map[string]bool{}
	rowGone := map[string]bool{}
	labels := map[string]string{}
	sub := &FormDoc{root: wrap(f.key, f.node)}
	for _, g := range sub.fields() {
		gone[g.key] = true
		labels[g.key] = labelOf(g)
		if f.inRow || g.inRow {
			rowGone[g.key] = true
		}
	}
	var out []Reference
	for _, g := range d.fields() {
		if gone[g.key] {
			continue
		}
		for _, k := range ExpressionKeys {
			e := g.node.get(k)
			if e == nil || e.kind != kindString {
				continue
			}
			for _, name := range names(e.str, gone, rowGone) {
				out = append(out, Reference{Pointer: g.ptr + "/" + k, Field: g.key, Keyword: k, Names: name,
					fieldLabel: labelOf(g), namesLabel: labels[name]})
			}
		}
	}
	return out
}

// DeleteField deletes the field at ptr (with its children) and its entry
// in "required". When other fields' rules name it, it refuses with one
// field_referenced problem per rule, at the rule's pointer — unless force
// is true: the author agreed to drop those rules, and each is removed
// (with its constraint message; a calculated field loses its calculation
// and becomes a plain question).
func (d *FormDoc) DeleteField(ptr string, force bool) error {
	return d.apply(func(c *FormDoc) problems {
		f, ok := c.field(ptr)
		if !ok {
			return problemAt(ptr, CodeUnknownField, ptr)
		}
		refs := c.references(f)
		if len(refs) > 0 && !force {
			var ps problems
			for _, r := range refs {
				ps = append(ps, problem{ptr: r.Pointer, code: CodeFieldReferenced, args: []any{r.fieldLabel, r.Keyword, r.namesLabel}, reasonArgs: []int{1}})
			}
			return ps
		}
		for _, r := range refs {
			g, _ := c.Pointer(r.Field)
			h, _ := c.field(g)
			h.node.del(r.Keyword)
			switch r.Keyword {
			case "x-constraint":
				h.node.del("x-constraint-message")
			case "x-calculate":
				if h.node.getString("x-widget") == forms.WidgetCalculated {
					h.node.del("x-widget")
				}
			}
		}
		props := f.container.get("properties")
		props.members = slices.Delete(props.members, props.index(f.key), props.index(f.key)+1)
		setRequired(f.container, f.key, false)
		return nil
	})
}

// labelOf names a field for people: its Chinese label, or its key.
func labelOf(f fieldRef) string {
	return cmp.Or(strings.TrimSpace(readText(f.node.get("x-label")).ZH), f.node.getString("title"), f.key)
}

// String describes a reference for logs.
func (r Reference) String() string { return fmt.Sprintf("%s names %s", r.Pointer, r.Names) }
