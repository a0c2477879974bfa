package studio

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr/parser"

	"canvass/forms"
	"canvass/rules"
)

// MaxRows bounds the rows of a repeat group (and the picks of a
// multi-choice field) an author may allow or require: a record with more
// rows than this is a list to upload, not a form to fill.
const MaxRows = 1000

// MaxTextLength bounds the length limit of a text field.
const MaxTextLength = 10000

// MaxChoices bounds the choices of one field. Longer lists (every village
// of a province) belong in an uploaded list, not in the form.
const MaxChoices = 500

// FieldSpec is what the designer's field panel edits: everything an author
// sets on one field. SpecOf reads it from a field; AddField and UpdateField
// write it. Zero values mean "not set". Keys of the field that a spec does
// not cover (x-order, title, pattern, $comment, unknown extensions) are
// kept as they are.
type FieldSpec struct {
	Type     string     `json:"type"`          // palette ID (Type… constants)
	Key      string     `json:"key,omitempty"` // "" = keep, or generate for a new field
	Label    forms.Text `json:"label"`         // ZH required
	Hint     forms.Text `json:"hint"`
	Required bool       `json:"required,omitempty"`

	MinLength *int        `json:"minLength,omitempty"`
	MaxLength *int        `json:"maxLength,omitempty"`
	Minimum   json.Number `json:"minimum,omitempty"`
	Maximum   json.Number `json:"maximum,omitempty"`
	MinDate   string      `json:"minDate,omitempty"` // 2006-01-02, written as an x-constraint
	MaxDate   string      `json:"maxDate,omitempty"`
	MinRows   *int        `json:"minRows,omitempty"` // rows of a repeat group, picks of a multi-choice
	MaxRows   *int        `json:"maxRows,omitempty"`
	Default   any         `json:"default,omitempty"` // string, number, bool or a list for multi-choice

	// Choices are the choices in order. ChoicesText, when not empty,
	// replaces them: one label per line as pasted from a spreadsheet; a
	// label already among the choices keeps its value, a new one gets
	// its English slug or the next free number.
	Choices     []ChoiceSpec `json:"choices,omitempty"`
	ChoicesText string       `json:"choicesText,omitempty"`

	// PII is x-pii. It is set for ID numbers, mobiles and name-like text
	// fields whatever the spec says; an author may mark other text
	// fields "name".
	PII string `json:"pii,omitempty"`

	Relevant   string `json:"relevant,omitempty"`
	RequiredIf string `json:"requiredIf,omitempty"`
	// RequiredMessage replaces 此项必填 when the field is left empty
	// (x-required-message); kept only while the field can be required.
	RequiredMessage   forms.Text `json:"requiredMessage"`
	Constraint        string     `json:"constraint,omitempty"`
	ConstraintMessage forms.Text `json:"constraintMessage"`
	Calculate         string     `json:"calculate,omitempty"`
	ValueType         string     `json:"valueType,omitempty"` // calculated: integer, decimal, text, date or yesno
	ChoiceFilter      string     `json:"choiceFilter,omitempty"`

	// OrgLevel is the level an org-tree field (行政区划/村居) asks for:
	// township, village… (OrgLevels). Its choices are that level's units,
	// written by the designer from the org tree (OrgChoices,
	// RefreshOrgChoices); "" for a county code typed by hand.
	OrgLevel string `json:"orgLevel,omitempty"`
	// OrgParent is the key of the field an org-tree field cascades from
	// (read from ChoiceFilter; the panel shows it).
	OrgParent string `json:"orgParent,omitempty"`
}

// ChoiceSpec is one choice. Value is written in the field's type (a
// number for integer fields). Extra keys of an existing choice with the
// same value (the township a village belongs to) are kept.
type ChoiceSpec struct {
	Value string     `json:"value"`
	Label forms.Text `json:"label"`
	// Data are extra keys written on the choice, which choice filters
	// read as choiceData (an org unit's ancestor: {"township": "…"}).
	Data map[string]string `json:"data,omitempty"`
}

var (
	keyPattern  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	nameLike    = regexp.MustCompile(`(?i)\bname\b`)
)

// NameLikeLabel reports whether a label asks for a person's name: such a
// text field is marked personal data (x-pii name) whatever the author
// says.
func NameLikeLabel(t forms.Text) bool { return nameLikeLabel(t) }

// nameLikeLabel reports whether a label asks for a person's name.
func nameLikeLabel(t forms.Text) bool {
	return strings.Contains(t.ZH, "姓名") || strings.HasSuffix(t.ZH, "名字") || nameLike.MatchString(t.EN)
}

func parseDate(s string) bool {
	if !datePattern.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func parseRat(n json.Number) (*big.Rat, bool) {
	if _, err := strconv.ParseFloat(string(n), 64); err != nil {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(string(n))
	return r, ok
}

// choiceValueType is the JSON type of a choice field's values: the field's
// own type when it holds integer or number choices, string otherwise.
func choiceValueType(ft FieldType, existing *node) string {
	if existing != nil && ft.HasChoices() {
		t := existing.getString("type")
		if t == "array" {
			t = existing.get("items").getString("type")
		}
		if t == "integer" || t == "number" {
			return t
		}
	}
	if ft.ItemType != "" {
		return ft.ItemType
	}
	return ft.JSONType
}

// validateSettings checks spec against t. existing is the field's schema
// when it is being updated (its choices' value type counts), or nil. It
// resolves ChoicesText into Choices.
func (t FieldType) validateSettings(ptr string, spec *FieldSpec, existing *node) problems {
	var ps problems
	add := func(sub, code string, args ...any) {
		ps = append(ps, problem{ptr: ptr + sub, code: code, args: args})
	}
	if strings.TrimSpace(spec.Label.ZH) == "" {
		add("/x-label/zh", CodeLabelRequired)
	}
	refuse := func(setting, sub, name string, set bool) {
		if set && !t.Takes(setting) {
			add(sub, CodeBadSetting, t.NameZH, name)
		}
	}
	refuse(SetLength, "/minLength", "minLength", spec.MinLength != nil)
	refuse(SetLength, "/maxLength", "maxLength", spec.MaxLength != nil)
	refuse(SetRange, "/minimum", "minimum", spec.Minimum != "")
	refuse(SetRange, "/maximum", "maximum", spec.Maximum != "")
	refuse(SetDateRange, "/x-constraint", "minDate", spec.MinDate != "")
	refuse(SetDateRange, "/x-constraint", "maxDate", spec.MaxDate != "")
	refuse(SetRows, "/minItems", "minRows", spec.MinRows != nil)
	refuse(SetRows, "/maxItems", "maxRows", spec.MaxRows != nil)
	refuse(SetDefault, "/default", "default", spec.Default != nil)
	refuse(SetChoices, "/x-choices", "choices", len(spec.Choices) > 0 || spec.ChoicesText != "")
	refuse(SetChoices, "/x-choice-filter", "choiceFilter", spec.ChoiceFilter != "")
	refuse(SetConstraint, "/x-constraint", "constraint", spec.Constraint != "")
	refuse(SetCalculate, "/x-calculate", "calculate", spec.Calculate != "")
	refuse(SetRequired, "/x-required-if", "requiredIf", spec.RequiredIf != "")
	refuse(SetRequired, "", "required", spec.Required)
	refuse(SetRequired, "/x-required-message", "requiredMessage", spec.RequiredMessage.ZH != "" || spec.RequiredMessage.EN != "")
	if len(ps) > 0 {
		return ps
	}

	// Limits: each non-negative where it counts, the lower not above the upper.
	counts := func(lo, hi *int, loSub string) {
		for _, v := range []*int{lo, hi} {
			if v != nil && *v < 0 {
				add(loSub, CodeBadNumber, fmt.Sprint(*v))
			}
		}
		if lo != nil && hi != nil && *lo > *hi {
			add(loSub, CodeMinAboveMax, *lo, *hi)
		}
	}
	counts(spec.MinLength, spec.MaxLength, "/minLength")
	counts(spec.MinRows, spec.MaxRows, "/minItems")
	for _, x := range []struct {
		v   *int
		sub string
	}{{spec.MinRows, "/minItems"}, {spec.MaxRows, "/maxItems"}} {
		if x.v != nil && *x.v > MaxRows {
			add(x.sub, CodeTooManyRows, *x.v, MaxRows)
		}
	}
	if spec.MaxLength != nil && *spec.MaxLength > MaxTextLength {
		add("/maxLength", CodeTooManyRows, *spec.MaxLength, MaxTextLength)
	}
	var lo, hi *big.Rat
	for _, x := range []struct {
		n   json.Number
		sub string
		r   **big.Rat
	}{{spec.Minimum, "/minimum", &lo}, {spec.Maximum, "/maximum", &hi}} {
		if x.n == "" {
			continue
		}
		r, ok := parseRat(x.n)
		if !ok || (t.ID == TypeInteger && !r.IsInt()) {
			add(x.sub, CodeBadNumber, string(x.n))
			continue
		}
		*x.r = r
	}
	if lo != nil && hi != nil && lo.Cmp(hi) > 0 {
		add("/minimum", CodeMinAboveMax, spec.Minimum, spec.Maximum)
	}
	datesOK := true
	for _, d := range []string{spec.MinDate, spec.MaxDate} {
		if d != "" && !parseDate(d) {
			add("/x-constraint", CodeBadDate, d)
			datesOK = false
		}
	}
	if datesOK && spec.MinDate != "" && spec.MaxDate != "" && spec.MinDate > spec.MaxDate {
		add("/x-constraint", CodeMinAboveMax, spec.MinDate, spec.MaxDate)
	}
	if (spec.MinDate != "" || spec.MaxDate != "") && spec.Constraint != "" && !isDateRange(spec.Constraint) {
		add("/x-constraint", CodeConstraintClash)
	}

	// A calculated field may label its values with choices; other choice
	// types need them.
	if t.HasChoices() && (t.ID != TypeCalculated && t.ID != TypeAdminCode || len(spec.Choices) > 0 || spec.ChoicesText != "") {
		ps = append(ps, t.resolveChoices(ptr, spec, existing)...)
	}
	if spec.Default != nil && len(ps) == 0 {
		if !t.defaultFits(spec, existing) {
			add("/default", CodeBadDefault, fmt.Sprint(spec.Default))
		}
	}
	if t.ID == TypeCalculated {
		if _, ok := calcValueTypes[spec.ValueType]; !ok {
			add("/type", CodeUnknownType, spec.ValueType)
		}
		if strings.TrimSpace(spec.Calculate) == "" {
			add("/x-calculate", CodeBadExpression, "empty")
		}
	}
	for _, e := range []struct{ src, key string }{
		{spec.Relevant, "x-relevant"}, {spec.RequiredIf, "x-required-if"}, {spec.Constraint, "x-constraint"},
		{spec.Calculate, "x-calculate"}, {spec.ChoiceFilter, "x-choice-filter"},
	} {
		if strings.TrimSpace(e.src) == "" {
			continue
		}
		if _, err := parser.Parse(e.src); err != nil {
			add("/"+e.key, CodeBadExpression, err.Error())
		}
	}
	if spec.PII != "" && spec.PII != t.PII && (spec.PII != forms.PIIName || t.JSONType != "string" || t.Format != "") {
		add("/x-pii", CodeBadSetting, t.NameZH, "x-pii "+spec.PII)
	}
	return ps
}

// resolveChoices turns ChoicesText into Choices and checks them: at least
// one, at most MaxChoices, labels present and unique, values unique and of
// the field's type.
func (t FieldType) resolveChoices(ptr string, spec *FieldSpec, existing *node) problems {
	xptr := ptr + "/x-choices"
	valueType := choiceValueType(t, existing)
	if t.ID == TypeCalculated {
		valueType = calcValueTypes[spec.ValueType].jsonType
	}
	if spec.ChoicesText != "" {
		var lines []string
		for _, l := range strings.Split(strings.ReplaceAll(spec.ChoicesText, "\r\n", "\n"), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) > MaxChoices {
			return problemAt(xptr, CodeTooManyChoices, len(lines), MaxChoices)
		}
		old := spec.Choices
		if len(old) == 0 && existing != nil {
			// The field's own choices keep their values when their labels
			// are pasted again, whatever the caller sent.
			old = specOf("", existing, false).Choices
		}
		spec.Choices = choicesFromLines(lines, old, valueType)
		spec.ChoicesText = ""
	}
	limit := MaxChoices
	if t.ID == TypeAdminCode {
		limit = MaxOrgChoices
		for i, c := range spec.Choices {
			if orgLevelOfCode(c.Value) == "" || spec.OrgLevel != "" && orgLevelOfCode(c.Value) != spec.OrgLevel {
				return problemAt(fmt.Sprintf("%s/%d/value", xptr, i), CodeBadChoice, i+1, "value_type").withReasons(1)
			}
		}
	}
	switch {
	case len(spec.Choices) == 0:
		return problemAt(xptr, CodeNoChoices)
	case len(spec.Choices) > limit:
		return problemAt(xptr, CodeTooManyChoices, len(spec.Choices), limit)
	}
	var ps problems
	labels, values := map[string]bool{}, map[string]bool{}
	for i, c := range spec.Choices {
		iptr := fmt.Sprintf("%s/%d", xptr, i)
		label := strings.TrimSpace(c.Label.ZH)
		switch {
		case label == "":
			ps = append(ps, problem{ptr: iptr + "/label/zh", code: CodeBadChoice, args: []any{i + 1, "empty_label"}, reasonArgs: []int{1}})
		case labels[label]:
			ps = append(ps, problem{ptr: iptr + "/label/zh", code: CodeDuplicateChoice, args: []any{label}})
		}
		labels[label] = true
		if !choiceValueFits(c.Value, valueType) {
			ps = append(ps, problem{ptr: iptr + "/value", code: CodeBadChoice, args: []any{i + 1, "value_type"}, reasonArgs: []int{1}})
		} else if values[c.Value] {
			ps = append(ps, problem{ptr: iptr + "/value", code: CodeDuplicateChoice, args: []any{c.Value}})
		}
		values[c.Value] = true
	}
	return ps
}

func choiceValueFits(v, valueType string) bool {
	switch valueType {
	case "integer":
		_, err := strconv.Atoi(v)
		return err == nil
	case "number":
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	}
	return v != ""
}

// choicesFromLines makes choices of pasted labels. A label that is already
// a choice keeps its value, so re-pasting a list does not change what
// stored answers mean; a new one gets its English-looking slug when the
// label is ASCII, else the next free number.
func choicesFromLines(lines []string, old []ChoiceSpec, valueType string) []ChoiceSpec {
	byLabel := map[string]string{}
	used := map[string]bool{}
	for _, c := range old {
		byLabel[strings.TrimSpace(c.Label.ZH)] = c.Value
	}
	for _, l := range lines {
		if v, ok := byLabel[l]; ok {
			used[v] = true
		}
	}
	next := 1
	out := make([]ChoiceSpec, 0, len(lines))
	for _, l := range lines {
		v, ok := byLabel[l]
		if !ok {
			if s := slug(l, false); s != "" && valueType == "string" && !used[s] {
				v = s
			} else {
				for used[strconv.Itoa(next)] {
					next++
				}
				v = strconv.Itoa(next)
			}
		}
		used[v] = true
		out = append(out, ChoiceSpec{Value: v, Label: forms.Text{ZH: l}})
	}
	return out
}

// defaultFits reports whether spec.Default is a value the field can hold.
func (t FieldType) defaultFits(spec *FieldSpec, existing *node) bool {
	inChoices := func(v string) bool {
		for _, c := range spec.Choices {
			if c.Value == v {
				return true
			}
		}
		return false
	}
	d := spec.Default
	switch t.ID {
	case TypeYesNo:
		_, ok := d.(bool)
		return ok
	case TypeInteger, TypeDecimal:
		s, ok := numberText(d)
		if !ok {
			return false
		}
		r, ok := parseRat(json.Number(s))
		if !ok || t.ID == TypeInteger && !r.IsInt() {
			return false
		}
		// Within the limits, as an answer must be.
		if lo, ok := parseRat(spec.Minimum); ok && spec.Minimum != "" && r.Cmp(lo) < 0 {
			return false
		}
		if hi, ok := parseRat(spec.Maximum); ok && spec.Maximum != "" && r.Cmp(hi) > 0 {
			return false
		}
		return true
	case TypeCheckbox:
		list, ok := d.([]any)
		if !ok {
			return false
		}
		for _, v := range list {
			s, ok := scalarText(v)
			if !ok || !inChoices(s) {
				return false
			}
		}
		return true
	case TypeRadio, TypeSelect:
		s, ok := scalarText(d)
		return ok && inChoices(s)
	case TypeDate:
		s, ok := d.(string)
		return ok && parseDate(s) && (spec.MinDate == "" || s >= spec.MinDate) && (spec.MaxDate == "" || s <= spec.MaxDate)
	case TypeResidentID:
		s, ok := d.(string)
		if !ok {
			return false
		}
		_, err := rules.ParseResidentID(s, time.Time{})
		return err == nil
	case TypeMobile:
		s, ok := d.(string)
		return ok && rules.ValidMobile(s)
	case TypeAdminCode:
		s, ok := d.(string)
		if len(spec.Choices) > 0 {
			return ok && inChoices(s)
		}
		return ok && rules.ValidAdminCode(s)
	}
	s, ok := d.(string)
	return ok && (spec.MaxLength == nil || len([]rune(s)) <= *spec.MaxLength) && (spec.MinLength == nil || len([]rune(s)) >= *spec.MinLength)
}

func numberText(v any) (string, bool) {
	switch n := v.(type) {
	case json.Number:
		return string(n), true
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64), true
	case int:
		return strconv.Itoa(n), true
	}
	return "", false
}

func scalarText(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	return numberText(v)
}

// valueNode writes a choice value or default in JSON type typ.
func valueNode(v string, typ string) *node {
	if typ == "integer" || typ == "number" {
		return numNode(json.Number(v))
	}
	return strNode(v)
}

func textNode(t forms.Text) *node {
	n := objNode()
	n.members = append(n.members, member{"zh", strNode(t.ZH)})
	if t.EN != "" {
		n.members = append(n.members, member{"en", strNode(t.EN)})
	}
	return n
}

func readText(n *node) forms.Text {
	return forms.Text{ZH: n.getString("zh"), EN: n.getString("en")}
}

// managedKeys are the keys a spec decides; writing a spec removes the ones
// it does not set.
var managedKeys = []string{"type", "format", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems",
	"uniqueItems", "default", "readOnly", "x-widget", "x-pii", "x-label", "x-hint", "x-relevant", "x-required-if",
	"x-required-message", "x-constraint", "x-constraint-message", "x-calculate", "x-choice-filter", "x-choices", "enum"}

// writeSpec writes spec onto field schema n (a new object or an existing
// field). spec has passed validateSettings.
func writeSpec(n *node, t FieldType, spec FieldSpec) {
	oldChoices := map[string]*node{}
	if xc := n.get("x-choices"); xc != nil {
		for _, c := range xc.items {
			if v := c.get("value"); v != nil {
				oldChoices[scalarOf(v)] = c
			}
		}
	}
	valueType := choiceValueType(t, n)
	if t.ID == TypeCalculated {
		valueType = calcValueTypes[spec.ValueType].jsonType
	}
	fresh := len(n.members) == 0
	oldUnique := n.get("uniqueItems")
	// A field written without x-widget, whose default widget is the
	// type's, stays without: saving it unchanged must not change the file.
	widget := t.Widget
	if !fresh && n.get("x-widget") == nil && (t.ID == TypeSelect || t.ID == TypeCheckbox || t.ID == TypeYesNo) {
		widget = ""
	}
	oldItems := n.get("items")
	// The managed keys are staged in w, then merged into n: a key that
	// stays keeps its place in the author's order.
	w := objNode()
	defer func() {
		for _, k := range managedKeys {
			if w.get(k) == nil {
				n.del(k)
			}
		}
		for _, m := range w.members {
			n.set(m.key, m.value)
		}
	}()
	setStr := func(k, v string) {
		if v != "" {
			w.set(k, strNode(v))
		}
	}
	setInt := func(k string, v *int) {
		if v != nil {
			w.set(k, intNode(*v))
		}
	}
	setNum := func(k string, v json.Number) {
		if v != "" {
			w.set(k, numNode(v))
		}
	}
	setText := func(k string, v forms.Text) {
		if v.ZH != "" || v.EN != "" {
			w.set(k, textNode(v))
		}
	}

	jsonType, format := t.JSONType, t.Format
	if t.ID == TypeAdminCode && len(spec.Choices) > 0 {
		// An org-tree list: its choices are the check; it keeps the
		// widget it was written with.
		format, widget = "", n.getString("x-widget")
	}
	if t.ID == TypeCalculated {
		vt := calcValueTypes[spec.ValueType]
		jsonType, format = vt.jsonType, vt.format
	} else if t.HasChoices() && t.ItemType == "" {
		jsonType = valueType
	}
	setStr("type", jsonType)
	setStr("format", format)
	setInt("minLength", spec.MinLength)
	setInt("maxLength", spec.MaxLength)
	setNum("minimum", spec.Minimum)
	setNum("maximum", spec.Maximum)
	setInt("minItems", spec.MinRows)
	setInt("maxItems", spec.MaxRows)
	switch t.ID {
	case TypeCheckbox:
		switch {
		case oldUnique != nil:
			w.set("uniqueItems", oldUnique)
		case fresh:
			w.set("uniqueItems", boolNode(true))
		}
		items := objNode()
		if oldItems != nil && oldItems.getString("type") != "object" {
			items = oldItems
			items.del("enum")
		}
		items.set("type", strNode(valueType))
		n.set("items", items)
	case TypeRepeat:
		if oldItems == nil || oldItems.getString("type") != "object" {
			oldItems = objNode()
			oldItems.set("type", strNode("object"))
			oldItems.set("properties", objNode())
		}
		n.set("items", oldItems)
	case TypeSection:
		if n.get("properties") == nil {
			n.set("properties", objNode())
		}
	default:
		n.del("items")
	}
	if spec.Default != nil {
		w.set("default", defaultNode(spec.Default, valueType))
	}
	if t.ReadOnly {
		w.set("readOnly", boolNode(true))
	}
	setStr("x-widget", widget)
	setStr("x-pii", piiFor(t, spec))
	setText("x-label", forms.Text{ZH: strings.TrimSpace(spec.Label.ZH), EN: strings.TrimSpace(spec.Label.EN)})
	setText("x-hint", spec.Hint)
	setStr("x-relevant", strings.TrimSpace(spec.Relevant))
	setStr("x-required-if", strings.TrimSpace(spec.RequiredIf))
	if spec.Required || strings.TrimSpace(spec.RequiredIf) != "" {
		setText("x-required-message", forms.Text{ZH: strings.TrimSpace(spec.RequiredMessage.ZH), EN: strings.TrimSpace(spec.RequiredMessage.EN)})
	}
	constraint := strings.TrimSpace(spec.Constraint)
	if spec.MinDate != "" || spec.MaxDate != "" {
		key := spec.Key
		constraint = dateRangeExpr(key, spec.MinDate, spec.MaxDate)
		if spec.ConstraintMessage.ZH == "" {
			spec.ConstraintMessage = dateRangeMessage(spec.MinDate, spec.MaxDate)
		}
	}
	setStr("x-constraint", constraint)
	if constraint != "" {
		setText("x-constraint-message", spec.ConstraintMessage)
	}
	setStr("x-calculate", strings.TrimSpace(spec.Calculate))
	setStr("x-choice-filter", strings.TrimSpace(spec.ChoiceFilter))
	if t.HasChoices() && len(spec.Choices) > 0 {
		xc := &node{kind: kindArray}
		for _, c := range spec.Choices {
			cn := oldChoices[c.Value]
			if cn == nil {
				cn = objNode()
			}
			// An existing choice keeps its keys where they are; a new one
			// is written value first, then label.
			cn.set("value", valueNode(c.Value, valueType))
			cn.set("label", textNode(forms.Text{ZH: strings.TrimSpace(c.Label.ZH), EN: strings.TrimSpace(c.Label.EN)}))
			for _, k := range slices.Sorted(maps.Keys(c.Data)) {
				cn.set(k, strNode(c.Data[k]))
			}
			xc.items = append(xc.items, cn)
		}
		w.set("x-choices", xc)
	}
}

func defaultNode(v any, valueType string) *node {
	switch d := v.(type) {
	case bool:
		return boolNode(d)
	case string:
		return valueNode(d, valueType)
	case []any:
		n := &node{kind: kindArray}
		for _, it := range d {
			s, _ := scalarText(it)
			n.items = append(n.items, valueNode(s, valueType))
		}
		return n
	}
	s, _ := numberText(v)
	return numNode(json.Number(s))
}

func scalarOf(n *node) string {
	if n == nil {
		return "" // a choice without a value, in a hand-written draft
	}
	switch n.kind {
	case kindString:
		return n.str
	case kindNumber:
		return n.num.String()
	case kindBool:
		return strconv.FormatBool(n.boolean)
	}
	return ""
}

// piiFor decides x-pii: the type's own, "name" for name-like text fields,
// else what the author chose.
func piiFor(t FieldType, spec FieldSpec) string {
	switch {
	case t.PII != "":
		return t.PII
	case (t.ID == TypeText || t.ID == TypeTextarea) && nameLikeLabel(spec.Label):
		return forms.PIIName
	case spec.PII == forms.PIIName && (t.ID == TypeText || t.ID == TypeTextarea):
		return forms.PIIName
	}
	return ""
}

// specOf reads a field's schema into a spec.
func specOf(key string, n *node, required bool) FieldSpec {
	t := typeOfNode(n)
	spec := FieldSpec{
		Type: t, Key: key, Required: required,
		Label: readText(n.get("x-label")), Hint: readText(n.get("x-hint")),
		Minimum: numberOf(n.get("minimum")), Maximum: numberOf(n.get("maximum")),
		PII:        n.getString("x-pii"),
		Relevant:   n.getString("x-relevant"),
		RequiredIf: n.getString("x-required-if"), RequiredMessage: readText(n.get("x-required-message")),
		Constraint: n.getString("x-constraint"), ConstraintMessage: readText(n.get("x-constraint-message")),
		Calculate: n.getString("x-calculate"), ChoiceFilter: n.getString("x-choice-filter"),
	}
	if spec.Label.ZH == "" {
		spec.Label.ZH = n.getString("title")
	}
	spec.MinLength, spec.MaxLength = intOf(n.get("minLength")), intOf(n.get("maxLength"))
	spec.MinRows, spec.MaxRows = intOf(n.get("minItems")), intOf(n.get("maxItems"))
	if d := n.get("default"); d != nil {
		spec.Default = d.plain()
		if s, ok := spec.Default.(json.Number); ok {
			spec.Default = s
		}
	}
	if t == TypeCalculated {
		for vt, m := range calcValueTypes {
			if m.jsonType == n.getString("type") && m.format == n.getString("format") {
				spec.ValueType = vt
			}
		}
	}
	if lo, hi, ok := parseDateRange(key, spec.Constraint); ok {
		// The panel shows the range as limits, not as an expression.
		spec.MinDate, spec.MaxDate, spec.Constraint = lo, hi, ""
	}
	if t == TypeAdminCode {
		spec.OrgLevel = orgLevelOfNode(n)
		if _, key, ok := orgParentOf(spec.ChoiceFilter); ok && spec.OrgLevel != "" {
			spec.OrgParent = key
		}
	}
	if xc := n.get("x-choices"); xc != nil {
		for _, c := range xc.items {
			spec.Choices = append(spec.Choices, ChoiceSpec{Value: scalarOf(c.get("value")), Label: readText(c.get("label"))})
		}
	} else if e := enumOf(n); e != nil {
		for _, it := range e.items {
			spec.Choices = append(spec.Choices, ChoiceSpec{Value: scalarOf(it), Label: forms.Text{ZH: scalarOf(it)}})
		}
	}
	return spec
}

func enumOf(n *node) *node {
	if e := n.get("enum"); e != nil {
		return e
	}
	return n.get("items").get("enum")
}

func numberOf(n *node) json.Number {
	if n != nil && n.kind == kindNumber {
		return n.num
	}
	return ""
}

func intOf(n *node) *int {
	if n == nil || n.kind != kindNumber {
		return nil
	}
	v, err := strconv.Atoi(n.num.String())
	if err != nil {
		return nil
	}
	return &v
}
