package server

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"canvass/forms"
)

// HTML field names. A form field's name is the path of its answer with
// dots: "respondentId", "address.village" (a field of a section),
// "children.0.childName" (row 0 of a repeat group). Field keys are
// identifiers, so a dot never occurs inside one. Names that start with an
// underscore belong to the page (_csrf, _id, _action), never to a form.
const (
	nameSep = "."
	// rowPlaceholder stands for the row index in the empty row a page
	// keeps for its script to copy; the script renumbers every name after
	// adding or removing a row.
	rowPlaceholder = "__row__"
	// maxRowIndexDigits bounds a row index in a name, so that a forged
	// name cannot ask for row 10^18 (rows are compacted anyway; this keeps
	// the parse cheap and obviously bounded).
	maxRowIndexDigits = 4
)

// fieldName is the HTML name of the answer at path (keys and row
// indexes, outermost first).
func fieldName(path []string) string { return strings.Join(path, nameSep) }

// fieldPointer is the JSON pointer of the answer at path. Keys are
// identifiers, so nothing needs escaping.
func fieldPointer(path []string) string { return "/" + strings.Join(path, "/") }

// decodeFormValues turns an HTML form post into answers shaped and typed
// by the form, as a JSON client would send them: "address.village" nests
// under its section, "children.0.childName" lands in row 0 of its repeat
// group (rows keep the order of their indexes, gaps closed), integer and
// number fields become numbers, yes/no fields booleans, and checkbox
// fields lists of their item type. Values are trimmed, as forms.Evaluate
// would, and an empty one is no answer. A value that does not parse as
// its type is kept as the text typed, so that
// forms.Evaluate reports a type error beside the field rather than the
// answer silently vanishing. Names that match no field, calculated fields
// and the page's own _fields are ignored.
func decodeFormValues(f *forms.Form, values map[string][]string) map[string]any {
	root := map[string]any{}
	// Sorted, so that the result never depends on map order (a row's
	// fields arrive in any order).
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if name == "" || strings.HasPrefix(name, "_") {
			continue
		}
		putAnswer(f.Fields(), root, strings.Split(name, nameSep), values[name])
	}
	compactRows(f.Fields(), root)
	return root
}

// putAnswer stores vals at the path segs under the fields of one object
// (the form, a section or a row), creating sections and rows on the way,
// but only when the whole path names a field: a forged name must not
// leave an empty row behind.
func putAnswer(fields []*forms.Field, obj map[string]any, segs []string, vals []string) {
	fd := fieldByKey(fields, segs[0])
	if fd == nil {
		return
	}
	switch {
	case fd.Type() == "object":
		if len(segs) < 2 || !pathExists(fd.Children(), segs[1:]) {
			return
		}
		sec, _ := obj[fd.Key()].(map[string]any)
		if sec == nil {
			sec = map[string]any{}
			obj[fd.Key()] = sec
		}
		putAnswer(fd.Children(), sec, segs[1:], vals)
	case isRepeat(fd):
		if len(segs) < 3 || !pathExists(fd.Children(), segs[2:]) {
			return
		}
		i, ok := rowIndex(segs[1])
		if !ok {
			return
		}
		rows, _ := obj[fd.Key()].(map[int]map[string]any)
		if rows == nil {
			rows = map[int]map[string]any{}
			obj[fd.Key()] = rows
		}
		row := rows[i]
		if row == nil {
			row = map[string]any{}
			rows[i] = row
		}
		putAnswer(fd.Children(), row, segs[2:], vals)
	case len(segs) != 1 || fd.Widget() == forms.WidgetCalculated:
	case fd.Type() == "array":
		var list []any
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				list = append(list, typedValue(fd.ItemType(), v))
			}
		}
		if len(list) > 0 {
			obj[fd.Key()] = list
		}
	default:
		if len(vals) > 0 && strings.TrimSpace(vals[0]) != "" {
			obj[fd.Key()] = typedValue(fd.Type(), vals[0])
		}
	}
}

// pathExists reports whether segs names a field below fields that takes
// an answer (row indexes included), without creating anything.
func pathExists(fields []*forms.Field, segs []string) bool {
	fd := fieldByKey(fields, segs[0])
	switch {
	case fd == nil:
		return false
	case fd.Type() == "object":
		return len(segs) >= 2 && pathExists(fd.Children(), segs[1:])
	case isRepeat(fd):
		if len(segs) < 3 {
			return false
		}
		_, ok := rowIndex(segs[1])
		return ok && pathExists(fd.Children(), segs[2:])
	}
	return len(segs) == 1 && fd.Widget() != forms.WidgetCalculated
}

// compactRows turns the rows collected by index into lists in index
// order, in every section and row below obj.
func compactRows(fields []*forms.Field, obj map[string]any) {
	for _, fd := range fields {
		switch v := obj[fd.Key()].(type) {
		case map[string]any:
			compactRows(fd.Children(), v)
		case map[int]map[string]any:
			idx := make([]int, 0, len(v))
			for i := range v {
				idx = append(idx, i)
			}
			slices.Sort(idx)
			list := make([]any, len(idx))
			for n, i := range idx {
				compactRows(fd.Children(), v[i])
				list[n] = v[i]
			}
			obj[fd.Key()] = list
		}
	}
}

func fieldByKey(fields []*forms.Field, key string) *forms.Field {
	for _, fd := range fields {
		if fd.Key() == key {
			return fd
		}
	}
	return nil
}

// isRepeat reports whether fd is a repeat group (an array of objects),
// as opposed to a multi-choice array of scalars.
func isRepeat(fd *forms.Field) bool { return fd.Type() == "array" && fd.ItemType() == "" }

// rowIndex parses the row-index segment of a name.
func rowIndex(seg string) (int, bool) {
	if seg == "" || len(seg) > maxRowIndexDigits {
		return 0, false
	}
	for _, r := range seg {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(seg)
	return i, err == nil
}

// decimalPattern is what a decimal field accepts: plain notation with an
// optional exponent. strconv.ParseFloat also takes "Inf", "NaN", hex and
// underscores, none of which a person means by a number.
var decimalPattern = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// maxSafeInteger is the largest integer a float64 (and so JSON in a
// browser) holds exactly; forms.Evaluate refuses larger ones too.
const maxSafeInteger = 1 << 53

// typedValue converts one typed text to the JSON type typ, or returns the
// text (trimmed) when it does not parse.
func typedValue(typ, text string) any {
	s := strings.TrimSpace(text)
	switch typ {
	case "integer":
		if n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64); err == nil && n >= -maxSafeInteger && n <= maxSafeInteger {
			return int(n)
		}
	case "number":
		if decimalPattern.MatchString(s) {
			if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) {
				return f
			}
		}
	case "boolean":
		switch s {
		case "true":
			return true
		case "false":
			return false
		}
	}
	return s
}

// formatValue is an answer as an HTML control shows it: the inverse of
// typedValue.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}
