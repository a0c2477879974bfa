package forms

import (
	"canvass/rules"
	"fmt"
	"maps"
	"strings"
)

// Field paths: see "Field paths" in the package doc.

// Codes of a PathError.
const (
	CodeUnknownField  = rules.CodeUnknownField  // no field has the path's last key
	CodeWrongPath     = rules.CodeWrongPath     // the field exists, under other sections
	CodeBadPath       = rules.CodeBadPath       // not a dotted list of keys
	CodeFieldInRepeat = rules.CodeFieldInRepeat // a caller's code: a repeat-group field where one value is needed
)

// maxPathBytes bounds a reference (keys are identifiers; forms are not that deep).
const maxPathBytes = 512

// PathError is a reference that does not resolve.
type PathError struct {
	Ref     string
	Code    string
	Message string
}

func (e *PathError) Error() string { return e.Message }

// Resolve returns the field a path or bare key names (see above), or a
// *PathError that names the reference and the form's fields.
func (f *Form) Resolve(ref string) (*Field, error) {
	ref = strings.TrimSpace(ref)
	keys := strings.Split(ref, ".")
	if ref == "" || len(ref) > maxPathBytes || !validKeys(keys) {
		return nil, &PathError{Ref: ref, Code: CodeBadPath,
			Message: fmt.Sprintf("%q is not a field reference: write the field's key (respondentId) or its path from the top, keys joined by dots (personal.respondentId)", clip(ref))}
	}
	fd := f.byKey[keys[len(keys)-1]]
	if fd == nil {
		hint := ""
		if h := closest(keys[len(keys)-1], f.keySet()); h != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", f.byKey[h].Path())
		}
		return nil, &PathError{Ref: ref, Code: CodeUnknownField,
			Message: fmt.Sprintf("form %s has no field %q%s; its fields are %s", f.id, ref, hint, f.describeFields())}
	}
	if len(keys) > 1 && fd.Path() != ref {
		return nil, &PathError{Ref: ref, Code: CodeWrongPath,
			Message: fmt.Sprintf("form %s has no field at %q: %s (%s) is at %s", f.id, ref, fd.key, fd.Label(LangZH), fd.Path())}
	}
	return fd, nil
}

func validKeys(keys []string) bool {
	for _, k := range keys {
		if !keyPattern.MatchString(k) {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

func (f *Form) keySet() map[string]bool {
	out := make(map[string]bool, len(f.byKey))
	for k := range f.byKey {
		out[k] = true
	}
	return out
}

// describeFields lists the form's answer fields (not sections) by path
// and Chinese label, for messages about a reference that does not resolve.
func (f *Form) describeFields() string {
	var parts []string
	for _, fd := range f.all {
		if fd.typ == "object" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", fd.Path(), fd.Label(LangZH)))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Paths returns the path of every answer field of the form (not of
// sections), in display order, depth first.
func (f *Form) Paths() []string {
	var out []string
	for _, fd := range f.all {
		if fd.typ != "object" {
			out = append(out, fd.Path())
		}
	}
	return out
}

// Path returns the field's path from the answers' root: its key and those
// of its enclosing sections and repeat groups, joined by dots.
func (fd *Field) Path() string { return strings.Join(fd.keysFromRoot(), ".") }

// keysFromRoot returns the keys from the root to the field, repeat groups
// included (their rows are not in it).
func (fd *Field) keysFromRoot() []string {
	var keys []string
	for p := fd; p != nil; p = p.parent {
		keys = append(keys, p.key)
	}
	for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
		keys[i], keys[j] = keys[j], keys[i]
	}
	return keys
}

// Group returns the innermost repeat group the field is inside, or nil: a
// field of a group has one value per row, not one per record.
func (fd *Field) Group() *Field {
	for p := fd.parent; p != nil; p = p.parent {
		if p.rowScope != nil {
			return p
		}
	}
	return nil
}

// Parent returns the section or repeat group the field is in, or nil at
// the top.
func (fd *Field) Parent() *Field { return fd.parent }

// Value returns the field's answer in answers (stored or clean answers:
// sections nested) and whether there is one. A field inside a repeat
// group has no single value: it reports false; use Values.
func (fd *Field) Value(answers map[string]any) (any, bool) {
	if fd.Group() != nil {
		return nil, false
	}
	v, ok := getPath(answers, fd.keysFromRoot())
	if !ok || absent(v) {
		return nil, false
	}
	return v, true
}

// Values returns every answer of the field in answers: one at most for a
// field outside repeat groups, one per answered row (in row order, outer
// rows first) for a field inside them.
func (fd *Field) Values(answers map[string]any) []any {
	var out []any
	var walk func(m map[string]any, keys []string, chain []*Field)
	walk = func(m map[string]any, keys []string, chain []*Field) {
		for i, k := range keys {
			if chain[i].rowScope != nil && i < len(keys)-1 {
				rows, _ := asSlice(m[k])
				for _, row := range rows {
					if rm, ok := row.(map[string]any); ok {
						walk(rm, keys[i+1:], chain[i+1:])
					}
				}
				return
			}
			if i == len(keys)-1 {
				if v, ok := m[k]; ok && !absent(v) {
					out = append(out, v)
				}
				return
			}
			next, ok := m[k].(map[string]any)
			if !ok {
				return
			}
			m = next
		}
	}
	walk(answers, fd.keysFromRoot(), fd.chain())
	return out
}

// chain returns the field and its ancestors, from the root's child down.
func (fd *Field) chain() []*Field {
	var out []*Field
	for p := fd; p != nil; p = p.parent {
		out = append(out, p)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// SetValue puts v as the field's answer in answers, creating the sections
// on the way. It reports false, changing nothing, for a field inside a
// repeat group (which row?) or when a section's place holds something
// other than an object.
func (fd *Field) SetValue(answers map[string]any, v any) bool {
	if fd.Group() != nil || answers == nil {
		return false
	}
	keys := fd.keysFromRoot()
	m := answers
	for _, k := range keys[:len(keys)-1] {
		switch next := m[k].(type) {
		case map[string]any:
			m = next
		case nil:
			n := map[string]any{}
			m[k] = n
			m = n
		default:
			return false
		}
	}
	m[keys[len(keys)-1]] = v
	return true
}

// Flatten returns a view of answers in which every field outside repeat
// groups is also found under its own key at the top, whatever section it
// is in: {"personal": {"respondentId": x}} gives {"personal": {…},
// "respondentId": x}. Keys are unique across a form, so nothing collides.
// Repeat groups stay lists of rows under their keys. The view shares
// values with answers; do not change it.
func (f *Form) Flatten(answers map[string]any) map[string]any {
	out := make(map[string]any, len(answers)+len(f.all))
	maps.Copy(out, answers)
	flattenInto(out, f.fields, answers)
	return out
}

// flattenInto copies the answers of fields (found in m) and of their
// sections, recursively, into out by key.
func flattenInto(out map[string]any, fields []*Field, m map[string]any) {
	for _, fd := range fields {
		v, ok := m[fd.key]
		if !ok {
			continue
		}
		out[fd.key] = v
		if fd.typ == "object" {
			if sub, ok := v.(map[string]any); ok {
				flattenInto(out, fd.children, sub)
			}
		}
	}
}

// RowViews returns one view per row of the repeat group g in answers: the
// Flatten view with the row's fields (and those of its sections) by key
// over it, and for a group inside another, the enclosing row's fields
// too. A record without rows gives none. It panics when g is not a repeat
// group of f.
func (f *Form) RowViews(g *Field, answers map[string]any) []map[string]any {
	if g == nil || g.rowScope == nil || f.byKey[g.key] != g {
		panic("forms: RowViews needs a repeat group of the form")
	}
	base := f.Flatten(answers)
	var out []map[string]any
	var walk func(view map[string]any, chain []*Field)
	walk = func(view map[string]any, chain []*Field) {
		// chain[0] is a repeat group whose list is in view by key.
		rows, _ := asSlice(view[chain[0].key])
		for _, row := range rows {
			rm, ok := row.(map[string]any)
			if !ok {
				continue
			}
			v := maps.Clone(view)
			maps.Copy(v, rm)
			flattenInto(v, chain[0].children, rm)
			if len(chain) == 1 {
				out = append(out, v)
				continue
			}
			walk(v, chain[1:])
		}
	}
	var groups []*Field
	for _, p := range g.chain() {
		if p.rowScope != nil {
			groups = append(groups, p)
		}
	}
	walk(base, groups)
	return out
}
