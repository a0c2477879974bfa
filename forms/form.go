package forms

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"canvass/rules"
)

// Widgets: how a field is asked. When x-widget is absent, the widget
// follows from the schema (see doc.go).
const (
	WidgetText       = "text"
	WidgetTextarea   = "textarea"
	WidgetInteger    = "integer"
	WidgetDecimal    = "decimal"
	WidgetDate       = "date"
	WidgetSelect     = "select"
	WidgetRadio      = "radio"
	WidgetCheckbox   = "checkbox" // several choices: an array of values
	WidgetYesNo      = "yesno"
	WidgetRepeat     = "repeat" // a repeat group: an array of objects
	WidgetSection    = "section"
	WidgetCalculated = "calculated"
)

// Kinds of personal data (x-pii). Fields marked with one are masked and
// encrypted at rest by the engine.
const (
	PIIIDNumber = "id-number"
	PIIPhone    = "phone"
	PIIName     = "name"
)

// Custom string formats.
const (
	FormatResidentID = "cn-resident-id" // GB 11643: 18 characters, valid birth date, check character
	FormatMobile     = "cn-mobile"      // 11 digits starting 13–19
	FormatAdminCode  = "cn-admin-code"  // GB/T 2260: 6 digits, real province prefix
	FormatDate       = "date"           // RFC 3339 full-date, 2006-01-02
)

// Languages. Chinese is the default and the fallback for every text.
const (
	LangZH = "zh-CN"
	LangEN = "en"
)

// Text is an author-written text in Chinese and, optionally, English.
type Text struct {
	ZH string
	EN string
}

// In returns the text in lang ("en…" selects English), falling back to
// Chinese, then to English.
func (t Text) In(lang string) string {
	if isEnglish(lang) && t.EN != "" {
		return t.EN
	}
	if t.ZH != "" {
		return t.ZH
	}
	return t.EN
}

func isEnglish(lang string) bool {
	return strings.HasPrefix(strings.ToLower(lang), "en")
}

// Form is a loaded, compiled form definition. It is immutable: every method
// is safe for concurrent use, and Evaluate never changes it.
type Form struct {
	id       string
	title    Text
	filename string
	fields   []*Field          // top level, in display order
	all      []*Field          // every field, depth first, in display order
	byKey    map[string]*Field // every field by key (keys are unique per form)
	plan     []*Field          // the order relevance and calculations run in
	top      *scope
	schema   *jsonschema.Schema // answers schema: "required" removed, choices as enum
	summary  []*Field           // x-summary, resolved; nil: the default (form_summary.go)
}

// ID returns x-form-id, or $id when that is absent.
func (f *Form) ID() string { return f.id }

// Filename returns the name the form was loaded under.
func (f *Form) Filename() string { return f.filename }

// Title returns the form's title in lang (x-title, falling back to title).
func (f *Form) Title(lang string) string { return f.title.In(lang) }

// Fields returns the top-level fields in display order. Sections and repeat
// groups hold their fields as Children.
func (f *Form) Fields() []*Field { return slices.Clone(f.fields) }

// Field returns the field with the given key, anywhere in the form, or nil.
func (f *Form) Field(key string) *Field { return f.byKey[key] }

// PIIFields returns every field marked x-pii, in display order.
func (f *Form) PIIFields() []*Field {
	var out []*Field
	for _, fd := range f.all {
		if fd.pii != "" {
			out = append(out, fd)
		}
	}
	return out
}

// Field is one question, section or repeat group of a form.
type Field struct {
	key       string
	pointer   string   // instance pointer with "*" where a row index goes
	schemaPtr string   // where the field is defined, for diagnostics
	path      []string // keys from the scope's object (root or row) to the value
	typ       string   // JSON Schema type
	itemType  string   // element type of a multi-choice array
	format    string
	widget    string
	label     Text
	hint      Text
	choices   []Choice
	required  bool // listed in its parent's "required"
	readOnly  bool
	pii       string
	order     int
	docIndex  int
	parent    *Field // enclosing section or repeat group
	children  []*Field
	scope     *scope // where the field's value is a variable
	rowScope  *scope // repeat groups: the scope of their rows

	relevant      *rules.Program
	requiredIf    *rules.Program
	constraint    *rules.Program
	constraintMsg Text
	requiredMsg   Text // x-required-message: shown instead of "此项必填"
	calculate     *rules.Program
	choiceFilter  *rules.Program
}

// Key returns the field's key: its property name, and its variable name in
// expressions.
func (fd *Field) Key() string { return fd.key }

// Pointer returns the JSON pointer of the field's answer, with "*" standing
// for each row index of an enclosing repeat group ("/children/*/birthDate").
// PointerAt fills the indexes in.
func (fd *Field) Pointer() string { return fd.pointer }

// PointerAt returns the field's JSON pointer with the given row indexes of
// its enclosing repeat groups, outermost first.
func (fd *Field) PointerAt(rows ...int) string {
	toks := strings.Split(fd.pointer, "/")
	for i, t := range toks {
		if t == "*" && len(rows) > 0 {
			toks[i] = strconv.Itoa(rows[0])
			rows = rows[1:]
		}
	}
	return strings.Join(toks, "/")
}

// Type returns the JSON Schema type: string, integer, number, boolean,
// array or object.
func (fd *Field) Type() string { return fd.typ }

// ItemType returns the element type of a multi-choice (checkbox) field, ""
// for other fields.
func (fd *Field) ItemType() string { return fd.itemType }

// Format returns the JSON Schema format, e.g. "date" or "cn-resident-id".
func (fd *Field) Format() string { return fd.format }

// Widget returns how the field is asked (Widget… constants).
func (fd *Field) Widget() string { return fd.widget }

// Label returns the field's label in lang.
func (fd *Field) Label(lang string) string {
	if l := fd.label.In(lang); l != "" {
		return l
	}
	return fd.key
}

// Hint returns the field's help text in lang, or "".
func (fd *Field) Hint(lang string) string { return fd.hint.In(lang) }

// Choices returns the field's choices in authored order, or nil. Choice
// filters may narrow them per record; see State.Choices.
func (fd *Field) Choices() []Choice { return slices.Clone(fd.choices) }

// Required reports whether the field is listed in its parent's "required".
// It is then required whenever it is relevant; x-required-if can require it
// conditionally (see State.Required).
func (fd *Field) Required() bool { return fd.required }

// RequiredIf reports whether the field has an x-required-if rule.
func (fd *Field) RequiredIf() bool { return fd.requiredIf != nil }

// Conditional reports whether the field has an x-relevant rule.
func (fd *Field) Conditional() bool { return fd.relevant != nil }

// ReadOnly reports whether the field is calculated or marked readOnly.
func (fd *Field) ReadOnly() bool { return fd.readOnly }

// PII returns the kind of personal data the field holds (PII… constants),
// or "".
func (fd *Field) PII() string { return fd.pii }

// Children returns the fields of a section or of each row of a repeat
// group, in display order.
func (fd *Field) Children() []*Field { return slices.Clone(fd.children) }

// Choice is one choice of a select, radio or checkbox field.
type Choice struct {
	value any // string, int or float64, as the field's type says
	label Text
	extra map[string]any
}

// Value returns the value stored when the choice is picked.
func (c Choice) Value() any { return c.value }

// Label returns the choice's label in lang, or its value when it has none.
func (c Choice) Label(lang string) string {
	if l := c.label.In(lang); l != "" {
		return l
	}
	return fmt.Sprint(c.value)
}

// Extra returns the choice's extra keys (everything but value and label),
// which choice filters see as choiceData.
func (c Choice) Extra() map[string]any { return maps.Clone(c.extra) }

// scope is where a set of fields are variables: the whole form, or the rows
// of one repeat group. Row scopes see their enclosing scopes' fields too.
type scope struct {
	group  *Field // nil for the top scope
	parent *scope
	fields []*Field // fields whose values are variables here (not sections)
	env    *rules.Env
}

// visible reports whether fields of scope s are variables in scope from.
func (s *scope) visibleFrom(from *scope) bool {
	for ; from != nil; from = from.parent {
		if from == s {
			return true
		}
	}
	return false
}
