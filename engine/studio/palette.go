package studio

import (
	"slices"

	"canvass/forms"
)

// Palette type IDs. They are stable: the studio pages and saved layouts
// name types by them.
const (
	TypeText       = "text"
	TypeTextarea   = "textarea"
	TypeInteger    = "integer"
	TypeDecimal    = "decimal"
	TypeDate       = "date"
	TypeRadio      = "radio"
	TypeCheckbox   = "checkbox"
	TypeSelect     = "select"
	TypeYesNo      = "yesno"
	TypeResidentID = "resident-id"
	TypeMobile     = "mobile"
	TypeAdminCode  = "admin-code"
	TypeNote       = "note"
	TypeCalculated = "calculated"
	TypeSection    = "section"
	TypeRepeat     = "repeat"
)

// Settings an author may give a field (FieldSpec's members), by the name
// FieldType.Settings lists them under.
const (
	SetLength     = "length"     // MinLength, MaxLength
	SetRange      = "range"      // Minimum, Maximum
	SetDateRange  = "dateRange"  // MinDate, MaxDate
	SetRows       = "rows"       // MinRows, MaxRows: rows of a repeat group, picks of a multi-choice
	SetDefault    = "default"    // Default
	SetChoices    = "choices"    // Choices, ChoicesText, ChoiceFilter
	SetConstraint = "constraint" // Constraint, ConstraintMessage
	SetCalculate  = "calculate"  // Calculate, ValueType
	SetRequired   = "required"   // Required, RequiredIf
)

// FieldType is one entry of the designer's palette: a kind of question as
// authors name it, and how it is written in the form's JSON Schema.
type FieldType struct {
	ID     string // stable ID (Type… constants)
	NameZH string // 单行文本
	NameEN string // Single-line text
	Group  string // palette group: basic, choice, personal, layout, calculation

	// How the type is written. JSONType is the schema "type"; ItemType
	// the items' type of an array of values; Format, Widget (x-widget,
	// "" when the default fits) and PII (x-pii) are written when set.
	JSONType string
	ItemType string
	Format   string
	Widget   string
	PII      string
	ReadOnly bool // the field is shown, never answered

	// Settings lists what an author may set beyond label, hint, key and
	// the show-when condition (Set… constants).
	Settings []string
}

// Container reports whether fields go inside this type.
func (t FieldType) Container() bool { return t.ID == TypeSection || t.ID == TypeRepeat }

// HasChoices reports whether the type asks with a list of choices.
func (t FieldType) HasChoices() bool { return slices.Contains(t.Settings, SetChoices) }

// Takes reports whether the type takes setting s.
func (t FieldType) Takes(s string) bool { return slices.Contains(t.Settings, s) }

// ValidateSettings checks a spec against the type: every setting is one
// the type takes and every value fits (limits in order, choices unique and
// at most MaxChoices, a default the field could hold). Problems are keyed
// by JSON pointers under ptr, the field's pointer in the definition. It
// does not check the key or the expressions against the form; the
// operations do that.
func (t FieldType) ValidateSettings(lang, ptr string, spec FieldSpec) error {
	return t.validateSettings(ptr, &spec, nil).err(lang)
}

var (
	answered = []string{SetRequired, SetDefault, SetConstraint}
	palette  = []FieldType{
		{ID: TypeText, NameZH: "单行文本", NameEN: "Single-line text", Group: "basic", JSONType: "string",
			Settings: append([]string{SetLength}, answered...)},
		{ID: TypeTextarea, NameZH: "多行文本", NameEN: "Multi-line text", Group: "basic", JSONType: "string", Widget: forms.WidgetTextarea,
			Settings: append([]string{SetLength}, answered...)},
		{ID: TypeInteger, NameZH: "整数", NameEN: "Whole number", Group: "basic", JSONType: "integer",
			Settings: append([]string{SetRange}, answered...)},
		{ID: TypeDecimal, NameZH: "小数", NameEN: "Decimal number", Group: "basic", JSONType: "number",
			Settings: append([]string{SetRange}, answered...)},
		{ID: TypeDate, NameZH: "日期", NameEN: "Date", Group: "basic", JSONType: "string", Format: forms.FormatDate,
			Settings: append([]string{SetDateRange}, answered...)},
		{ID: TypeRadio, NameZH: "单选", NameEN: "Single choice", Group: "choice", JSONType: "string", Widget: forms.WidgetRadio,
			Settings: append([]string{SetChoices}, answered...)},
		{ID: TypeCheckbox, NameZH: "多选", NameEN: "Multiple choice", Group: "choice", JSONType: "array", ItemType: "string", Widget: forms.WidgetCheckbox,
			Settings: append([]string{SetChoices, SetRows}, answered...)},
		{ID: TypeSelect, NameZH: "下拉选择", NameEN: "Drop-down list", Group: "choice", JSONType: "string", Widget: forms.WidgetSelect,
			Settings: append([]string{SetChoices}, answered...)},
		{ID: TypeYesNo, NameZH: "是/否", NameEN: "Yes / no", Group: "choice", JSONType: "boolean", Widget: forms.WidgetYesNo,
			Settings: answered},
		{ID: TypeResidentID, NameZH: "身份证号码", NameEN: "Resident ID number", Group: "personal", JSONType: "string",
			Format: forms.FormatResidentID, PII: forms.PIIIDNumber, Settings: answered},
		{ID: TypeMobile, NameZH: "手机号码", NameEN: "Mobile number", Group: "personal", JSONType: "string",
			Format: forms.FormatMobile, PII: forms.PIIPhone, Settings: answered},
		// An org-tree list (field_org.go): the units of one level in the
		// campaign's scope as choices, cascading by a choice filter; or,
		// without choices, a county code typed by hand (cn-admin-code).
		{ID: TypeAdminCode, NameZH: "行政区划/村居", NameEN: "Administrative area", Group: "personal", JSONType: "string",
			Format: forms.FormatAdminCode, Settings: append([]string{SetChoices}, answered...)},
		// forms has no note widget: a note is a read-only text whose label
		// and hint carry what the respondent should read.
		{ID: TypeNote, NameZH: "说明文字", NameEN: "Note", Group: "layout", JSONType: "string", ReadOnly: true},
		{ID: TypeCalculated, NameZH: "计算项", NameEN: "Calculated value", Group: "calculation", JSONType: "",
			Settings: []string{SetCalculate, SetChoices}},
		{ID: TypeSection, NameZH: "分节", NameEN: "Section", Group: "layout", JSONType: "object",
			Settings: []string{SetRequired}},
		{ID: TypeRepeat, NameZH: "重复组", NameEN: "Repeat group", Group: "layout", JSONType: "array",
			Settings: []string{SetRows, SetRequired}},
	}
	paletteByID = func() map[string]FieldType {
		m := map[string]FieldType{}
		for _, t := range palette {
			m[t.ID] = t
		}
		return m
	}()
)

// Palette returns the field types in the order the designer shows them.
func Palette() []FieldType {
	out := make([]FieldType, len(palette))
	for i, t := range palette {
		out[i] = t
		out[i].Settings = slices.Clone(t.Settings)
	}
	return out
}

// LookupType returns the palette type with the given ID.
func LookupType(id string) (FieldType, bool) {
	t, ok := paletteByID[id]
	return t, ok
}

// Value types of a calculated field (FieldSpec.ValueType): what the
// calculation yields, written as the field's schema type.
var calcValueTypes = map[string]struct{ jsonType, format string }{
	TypeInteger: {"integer", ""},
	TypeDecimal: {"number", ""},
	TypeText:    {"string", ""},
	TypeDate:    {"string", forms.FormatDate},
	TypeYesNo:   {"boolean", ""},
}

// TypeOf returns the palette type of a loaded field: the type the designer
// shows it as. Fields written by hand map to the nearest type: a string
// field with choices and no widget is a drop-down list, as forms renders
// it.
func TypeOf(fd *forms.Field) string {
	switch {
	case fd.Widget() == forms.WidgetCalculated:
		return TypeCalculated
	case fd.Type() == "object":
		return TypeSection
	case fd.Type() == "array" && fd.ItemType() == "":
		return TypeRepeat
	case fd.Type() == "array":
		return TypeCheckbox
	case fd.Type() == "string" && fd.Widget() != forms.WidgetRadio && len(fd.Choices()) > 0:
		values := make([]any, 0, len(fd.Choices()))
		for _, c := range fd.Choices() {
			values = append(values, c.Value())
		}
		if orgLevelOfValues(values) != "" {
			return TypeAdminCode
		}
	}
	return scalarType(fd.Type(), fd.Format(), fd.Widget(), len(fd.Choices()) > 0, fd.ReadOnly())
}

// scalarType maps a single-answer field to its palette type.
func scalarType(jsonType, format, widget string, choices, readOnly bool) string {
	switch {
	case jsonType == "boolean":
		return TypeYesNo
	case choices && widget == forms.WidgetRadio:
		return TypeRadio
	case choices:
		return TypeSelect
	case readOnly && jsonType == "string":
		return TypeNote
	case jsonType == "integer":
		return TypeInteger
	case jsonType == "number":
		return TypeDecimal
	case format == forms.FormatResidentID:
		return TypeResidentID
	case format == forms.FormatMobile:
		return TypeMobile
	case format == forms.FormatAdminCode:
		return TypeAdminCode
	case format == forms.FormatDate:
		return TypeDate
	case widget == forms.WidgetTextarea:
		return TypeTextarea
	}
	return TypeText
}

// typeOfNode is TypeOf for a field's schema object in the document.
func typeOfNode(n *node) string {
	jsonType := n.getString("type")
	switch {
	case n.get("x-calculate") != nil:
		return TypeCalculated
	case jsonType == "object":
		return TypeSection
	case jsonType == "array":
		if n.get("items").getString("type") == "object" {
			return TypeRepeat
		}
		return TypeCheckbox
	}
	if orgLevelOfNode(n) != "" {
		return TypeAdminCode
	}
	ro := n.get("readOnly")
	choices := n.get("x-choices") != nil || n.get("enum") != nil
	return scalarType(jsonType, n.getString("format"), n.getString("x-widget"), choices, ro != nil && ro.kind == kindBool && ro.boolean)
}
