package studio

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/goccy/go-yaml"

	"canvass/campaigns"
	"canvass/forms"
	"canvass/workflows"
)

// The 指标与报表 editor. An indicator is numerator ÷ denominator × 100
// against a target percentage; each side is one term the editor builds:
//
//	记录数   count(form == "f" && <condition> && state in [...])
//	数值合计 sum("field", <the same filter>)
//	官方数字 official("births")
//
// with at most one condition on a field of the form at any depth: a
// section's field is answers.section.field; a field of a repeat group
// asks whether any row matches (any(answers.group, .field == …)), and the
// group itself whether it has rows (len(answers.group) > 0). Counting the
// rows themselves, several terms on a side, or a factor other than 100
// are not what the editor writes: such indicators are shown read-only and
// kept as written. sum adds a top-level number field only (campaigns.Amount
// reads answers[field]).

// Limits of the 指标与报表 editor.
const (
	MaxIndicators = 50
	MaxReports    = 20
	maxTarget     = 1000
)

// Kinds of an indicator term.
const (
	TermCount    = "count"
	TermSum      = "sum"
	TermOfficial = "official"
)

// Condition operator of a repeat group: it has at least one row.
const OpRows = "rows"

// IndicatorField is one field an indicator's condition may read.
type IndicatorField struct {
	Form   string `json:"form"`
	Path   string `json:"path"`   // "eventType", "care.elderCount", "children[].age", "children" (the group)
	Label  string `json:"label"`  // with its sections: "家庭情况 › 老人数"
	Type   string `json:"type"`   // JSON type: string, integer, number, boolean, array
	Repeat bool   `json:"repeat"` // a repeat group (conditions: has rows)
	Number bool   `json:"number"` // a top-level number a sum may add
}

// IndicatorFields returns the fields of the campaign's forms an indicator
// may read, form by form, in display order, labelled in lang.
func (d *CampaignDoc) IndicatorFields(lang string) map[string][]IndicatorField {
	out := map[string][]IndicatorField{}
	for _, f := range d.forms {
		out[f.ID()] = indicatorFieldsOf(f, lang)
	}
	return out
}

func indicatorFieldsOf(f *forms.Form, lang string) []IndicatorField {
	var out []IndicatorField
	var walk func(fs []*forms.Field, path, label string, inRepeat string)
	walk = func(fs []*forms.Field, path, label string, inRepeat string) {
		for _, fd := range fs {
			l := fd.Label(lang)
			if l == "" {
				l = fd.Key()
			}
			if label != "" {
				l = label + " › " + l
			}
			p := fd.Key()
			if path != "" {
				p = path + "." + fd.Key()
			}
			switch fd.Widget() {
			case forms.WidgetSection:
				walk(fd.Children(), p, l, inRepeat)
			case forms.WidgetRepeat:
				if inRepeat != "" {
					continue // a group inside a group: any() of any() is not written
				}
				out = append(out, IndicatorField{Form: f.ID(), Path: p, Label: l, Type: "array", Repeat: true})
				walk(fd.Children(), p+"[]", l, p)
			default:
				typ := fd.Type()
				out = append(out, IndicatorField{Form: f.ID(), Path: p, Label: l, Type: typ,
					Number: path == "" && (typ == "integer" || typ == "number")})
			}
		}
	}
	walk(f.Fields(), "", "", "")
	return out
}

// TermEdit is one side of an indicator as the editor shows it.
type TermEdit struct {
	Kind     string   `json:"kind"` // TermCount, TermSum or TermOfficial
	Form     string   `json:"form"` // "": records of every form
	States   []string `json:"states"`
	Field    string   `json:"field"` // a condition: IndicatorField.Path
	Op       string   `json:"op"`
	Value    string   `json:"value"` // as people read it: birth, 3, true
	SumField string   `json:"sumField"`
	Official string   `json:"official"`
	// ValueLabel is Value as people read it: a choice's label, when the
	// field has choices; else Value.
	ValueLabel string `json:"valueLabel"`
	lit        string // Value as an expression literal: "birth", 3, true
}

// IndicatorEdit is an indicator as the editor shows and takes it.
type IndicatorEdit struct {
	ID       string   `json:"id"`
	TitleZH  string   `json:"titleZH"`
	TitleEN  string   `json:"titleEN"`
	Num      TermEdit `json:"num"`
	Den      TermEdit `json:"den"`
	Target   string   `json:"target"` // a percentage, "" for none
	Better   string   `json:"better"` // higher or lower
	Period   string   `json:"period"` // "", month, quarter, year
	Editable bool     `json:"editable"`
	NumSrc   string   `json:"numSrc"`
	DenSrc   string   `json:"denSrc"`
}

// Indicators returns the campaign's indicators.
func (d *CampaignDoc) Indicators() []IndicatorEdit {
	var out []IndicatorEdit
	for _, ind := range d.camp.Indicators() {
		e := IndicatorEdit{ID: ind.ID, TitleZH: ind.Title["zh"], TitleEN: ind.Title["en"], NumSrc: ind.NumeratorSrc, DenSrc: ind.DenominatorSrc,
			Better: "higher", Period: ind.Period}
		if !ind.HigherIsBetter {
			e.Better = "lower"
		}
		if ind.HasTarget {
			e.Target = strconv.FormatFloat(ind.Target, 'f', -1, 64)
		}
		var okN, okD bool
		e.Num, okN = parseTerm(ind.NumeratorSrc)
		e.Den, okD = parseTerm(ind.DenominatorSrc)
		e.Num.ValueLabel, e.Den.ValueLabel = d.valueLabel(e.Num), d.valueLabel(e.Den)
		// A range is kept only by editing the file: the form edits targets.
		e.Editable = okN && okD && ind.Factor == 100 && !ind.HasRange
		out = append(out, e)
	}
	return out
}

var (
	termCall    = regexp.MustCompile(`(?s)^\s*(count|sum|official)\((.*)\)\s*$`)
	sumArgs     = regexp.MustCompile(`(?s)^\s*"([A-Za-z][A-Za-z0-9_]{0,63})"\s*(?:,(.*))?$`)
	officialArg = regexp.MustCompile(`^\s*"([a-z][a-z0-9_]{0,63})"\s*$`)
)

// parseTerm reads a side the editor writes; ok is false for any other.
func parseTerm(src string) (TermEdit, bool) {
	m := termCall.FindStringSubmatch(src)
	if m == nil {
		return TermEdit{}, false
	}
	t := TermEdit{Kind: m[1]}
	filter := m[2]
	switch t.Kind {
	case TermOfficial:
		a := officialArg.FindStringSubmatch(filter)
		if a == nil {
			return TermEdit{}, false
		}
		t.Official = a[1]
		return t, true
	case TermSum:
		a := sumArgs.FindStringSubmatch(filter)
		if a == nil {
			return TermEdit{}, false
		}
		t.SumField, filter = a[1], a[2]
	}
	if strings.TrimSpace(filter) == "" {
		return t, true
	}
	tree, err := parser.Parse(filter)
	if err != nil {
		return TermEdit{}, false
	}
	var leaves []ast.Node
	var flatten func(n ast.Node)
	flatten = func(n ast.Node) {
		if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "&&" || b.Operator == "and") {
			flatten(b.Left)
			flatten(b.Right)
			return
		}
		leaves = append(leaves, n)
	}
	flatten(tree.Node)
	for _, leaf := range leaves {
		if !t.readLeaf(leaf) {
			return TermEdit{}, false
		}
	}
	// Only what the editor writes back the same way is the editor's.
	again, err := parser.Parse(t.filter())
	if err != nil || again.Node.String() != tree.Node.String() {
		return TermEdit{}, false
	}
	return t, true
}

// readLeaf reads one conjunct of a filter into t.
func (t *TermEdit) readLeaf(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.BinaryNode:
		if id, ok := x.Left.(*ast.IdentifierNode); ok && (id.Value == "form" || id.Value == "state") {
			if id.Value == "form" && x.Operator == "==" && t.Form == "" {
				s, ok := x.Right.(*ast.StringNode)
				t.Form = s.Value
				return ok
			}
			if id.Value == "state" && len(t.States) == 0 {
				switch x.Operator {
				case "==":
					s, ok := x.Right.(*ast.StringNode)
					if ok {
						t.States = []string{s.Value}
					}
					return ok
				case "in":
					arr, ok := x.Right.(*ast.ArrayNode)
					if !ok {
						return false
					}
					for _, e := range arr.Nodes {
						s, ok := e.(*ast.StringNode)
						if !ok {
							return false
						}
						t.States = append(t.States, s.Value)
					}
					return len(t.States) > 1
				}
			}
			return false
		}
		if t.Field != "" {
			return false
		}
		if b, ok := x.Left.(*ast.BuiltinNode); ok && b.Name == "len" && x.Operator == ">" && len(b.Arguments) == 1 {
			path, ok := memberPath(b.Arguments[0], "answers")
			t.Field, t.Op = path, OpRows
			return ok
		}
		if x.Operator == "in" {
			path, ok := memberPath(x.Right, "answers")
			v, okv := literalText(x.Left)
			t.Field, t.Op, t.Value, t.lit = path, OpSelected, v, literalSource(x.Left)
			return ok && okv
		}
		return t.readComparison(x, "answers", "")
	case *ast.BuiltinNode:
		if x.Name != "any" || len(x.Arguments) != 2 || t.Field != "" {
			return false
		}
		group, ok := memberPath(x.Arguments[0], "answers")
		pred, okp := x.Arguments[1].(*ast.PredicateNode)
		if !ok || !okp {
			return false
		}
		b, ok := pred.Node.(*ast.BinaryNode)
		return ok && t.readComparison(b, "#", group+"[].")
	}
	return false
}

// readComparison reads answers.path OP literal (or .path in a predicate).
func (t *TermEdit) readComparison(x *ast.BinaryNode, root, prefix string) bool {
	path, ok := memberPath(x.Left, root)
	if !ok {
		return false
	}
	t.Field = prefix + path
	if _, isNil := x.Right.(*ast.NilNode); isNil {
		switch x.Operator {
		case "==":
			t.Op = OpEmpty
		case "!=":
			t.Op = OpFilled
		default:
			return false
		}
		return true
	}
	v, ok := literalText(x.Right)
	if !ok {
		return false
	}
	for _, o := range operators {
		if o.expr == x.Operator && o.Value && o.ID != OpSelected {
			t.Op, t.Value, t.lit = o.ID, v, literalSource(x.Right)
			return true
		}
	}
	return false
}

// literalSource writes a literal node back as expression text.
func literalSource(n ast.Node) string {
	switch l := n.(type) {
	case *ast.StringNode:
		return strconv.Quote(l.Value)
	case *ast.IntegerNode:
		return strconv.Itoa(l.Value)
	case *ast.FloatNode:
		return strconv.FormatFloat(l.Value, 'f', -1, 64)
	case *ast.BoolNode:
		return strconv.FormatBool(l.Value)
	}
	return ""
}

// memberPath reads root.a.b as "a.b"; root "#" is a predicate's element.
func memberPath(n ast.Node, root string) (string, bool) {
	var keys []string
	for {
		m, ok := n.(*ast.MemberNode)
		if !ok {
			break
		}
		s, ok := m.Property.(*ast.StringNode)
		if !ok || m.Optional {
			return "", false
		}
		keys = append([]string{s.Value}, keys...)
		n = m.Node
	}
	switch r := n.(type) {
	case *ast.IdentifierNode:
		if r.Value != root {
			return "", false
		}
	case *ast.PointerNode:
		if root != "#" || r.Name != "" {
			return "", false
		}
	default:
		return "", false
	}
	return strings.Join(keys, "."), len(keys) > 0
}

// filter writes the term's filter: form, condition, states.
func (t TermEdit) filter() string {
	var parts []string
	if t.Form != "" {
		parts = append(parts, "form == "+strconv.Quote(t.Form))
	}
	if t.Field != "" {
		parts = append(parts, t.condition())
	}
	switch len(t.States) {
	case 0:
	case 1:
		parts = append(parts, "state == "+strconv.Quote(t.States[0]))
	default:
		var qs []string
		for _, s := range t.States {
			qs = append(qs, strconv.Quote(s))
		}
		parts = append(parts, "state in ["+strings.Join(qs, ", ")+"]")
	}
	return strings.Join(parts, " && ")
}

// condition writes the condition; Value is already a literal's text.
func (t TermEdit) condition() string {
	group, rest, inRepeat := strings.Cut(t.Field, "[].")
	if t.Op == OpRows {
		return "len(answers." + t.Field + ") > 0"
	}
	target, wrap := "answers."+t.Field, func(s string) string { return s }
	if inRepeat {
		target = "." + rest
		wrap = func(s string) string { return "any(answers." + group + ", " + s + ")" }
	}
	op, _ := operator(t.Op)
	switch {
	case t.Op == OpSelected:
		return wrap(t.lit + " in " + target)
	case !op.Value:
		return wrap(target + " " + op.expr)
	}
	return wrap(target + " " + op.expr + " " + t.lit)
}

// side writes the whole side.
func (t TermEdit) side() string {
	switch t.Kind {
	case TermOfficial:
		return "official(" + strconv.Quote(t.Official) + ")"
	case TermSum:
		if f := t.filter(); f != "" {
			return "sum(" + strconv.Quote(t.SumField) + ", " + f + ")"
		}
		return "sum(" + strconv.Quote(t.SumField) + ")"
	}
	return "count(" + t.filter() + ")"
}

// literalOf writes a condition value for a field of JSON type typ: the
// choice label the author may type becomes its value.
func literalOf(v string, fd *forms.Field) (string, bool) {
	v = strings.TrimSpace(v)
	if fd != nil {
		for _, c := range fd.Choices() {
			if c.Label("zh-CN") == v || c.Label("en") == v {
				v = fmt.Sprint(c.Value())
			}
		}
	}
	typ := ""
	if fd != nil {
		typ = fd.Type()
		if typ == "array" {
			typ = fd.ItemType()
		}
	}
	switch typ {
	case "boolean":
		switch v {
		case "true", "是":
			return "true", true
		case "false", "否":
			return "false", true
		}
		return "", false
	case "integer":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return "", false
		}
		return v, true
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil || strings.ContainsAny(v, "eEInf") {
			return "", false
		}
		return v, true
	}
	if v == "" || utf8.RuneCountInString(v) > 200 {
		return "", false
	}
	return strconv.Quote(v), true
}

// checkTerm validates a side the author set up, keyed /<side>_….
func (d *CampaignDoc) checkTerm(side string, t *TermEdit) problems {
	var ps problems
	at := func(name string) string { return "/" + side + "_" + name }
	switch t.Kind {
	case TermOfficial:
		t.Official = strings.TrimSpace(t.Official)
		if !budgetNamePattern.MatchString(t.Official) {
			ps = append(ps, problemAt(at("official"), CodeBadName, clipInput(t.Official))...)
		}
		*t = TermEdit{Kind: TermOfficial, Official: t.Official}
		return ps
	case TermCount, TermSum:
	default:
		return problemAt(at("kind"), CodeBadTerm, side).withReason(0)
	}
	var formFields []IndicatorField
	if t.Form != "" {
		f := d.form(t.Form)
		if f == nil {
			return problemAt(at("form"), CodeUnknownForm, clipInput(t.Form))
		}
		formFields = indicatorFieldsOf(f, d.Lang)
	} else {
		for _, f := range d.forms {
			formFields = append(formFields, indicatorFieldsOf(f, d.Lang)...)
		}
	}
	find := func(path string) (IndicatorField, bool) {
		i := slices.IndexFunc(formFields, func(f IndicatorField) bool { return f.Path == path })
		if i < 0 {
			return IndicatorField{}, false
		}
		return formFields[i], true
	}
	var states []string
	for _, s := range t.States {
		if slices.Contains(states, s) {
			continue
		}
		if d.workflow != nil && !d.workflow.HasState(s) && s != "draft" {
			ps = append(ps, problemAt(at("states"), CodeNoWorkflowState, clipInput(s))...)
		}
		states = append(states, s)
	}
	t.States = states
	if t.Kind == TermSum {
		f, ok := find(t.SumField)
		if !ok || !f.Number {
			ps = append(ps, problemAt(at("sum"), CodeNotNumeric, clipInput(t.SumField))...)
		}
	} else {
		t.SumField = ""
	}
	t.Official = ""
	if t.Field == "" {
		t.Op, t.Value, t.lit = "", "", ""
		return ps
	}
	f, ok := find(t.Field)
	if !ok {
		return append(ps, problemAt(at("field"), CodeUnknownField, clipInput(t.Field))...)
	}
	fits := f.Repeat && t.Op == OpRows
	if !f.Repeat {
		switch f.Type {
		case "array":
			fits = slices.Contains([]string{OpSelected, OpEmpty, OpFilled}, t.Op)
		case "integer", "number":
			fits = slices.Contains([]string{OpEq, OpNe, OpGt, OpLt, OpGe, OpLe, OpEmpty, OpFilled}, t.Op)
		default:
			fits = slices.Contains([]string{OpEq, OpNe, OpEmpty, OpFilled}, t.Op) ||
				(f.Type == "string" && slices.Contains([]string{OpGt, OpLt, OpGe, OpLe}, t.Op))
		}
	}
	if !fits {
		return append(ps, problemAt(at("op"), CodeBadCondition, 1, "op_type").withReason(1)...)
	}
	if op, _ := operator(t.Op); op.Value {
		var fd *forms.Field
		for _, fm := range d.forms {
			if t.Form == "" || fm.ID() == t.Form {
				if x := fieldAtPath(fm, t.Field); x != nil {
					fd = x
					break
				}
			}
		}
		lit, ok := literalOf(t.Value, fd)
		if !ok {
			return append(ps, problemAt(at("value"), CodeBadValue, clipInput(t.Value), f.Label)...)
		}
		t.lit = lit
	} else {
		t.Value, t.lit = "", ""
	}
	return ps
}

// valueLabel names a condition's value by its choice's label.
func (d *CampaignDoc) valueLabel(t TermEdit) string {
	if t.Value == "" {
		return ""
	}
	for _, f := range d.forms {
		if t.Form != "" && f.ID() != t.Form {
			continue
		}
		if fd := fieldAtPath(f, t.Field); fd != nil {
			for _, c := range fd.Choices() {
				if fmt.Sprint(c.Value()) == t.Value {
					return c.Label(d.Lang)
				}
			}
			if fd.Type() == "boolean" {
				if isEN(d.Lang) {
					return map[string]string{"true": "yes", "false": "no"}[t.Value]
				}
				return map[string]string{"true": "是", "false": "否"}[t.Value]
			}
		}
	}
	return t.Value
}

// fieldAtPath finds the field of a path ("care.elderCount",
// "children[].age").
func fieldAtPath(f *forms.Form, path string) *forms.Field {
	keys := strings.FieldsFunc(strings.ReplaceAll(path, "[]", ""), func(r rune) bool { return r == '.' })
	if len(keys) == 0 {
		return nil
	}
	return f.Field(keys[len(keys)-1])
}

// withReason marks args[i] of every problem as a reason key.
func (ps problems) withReason(i int) problems {
	for j := range ps {
		ps[j].reasonArgs = append(ps[j].reasonArgs, i)
	}
	return ps
}

var targetPattern = regexp.MustCompile(`^\d{1,4}(\.\d{1,2})?$`)

// SetIndicator adds an indicator (old "") or changes the one with id old.
// Problems are keyed /ind_title_zh, /ind_title_en, /ind_id, /ind_target,
// /ind_period, /ind_better and per side /num_… and /den_… (kind, form,
// states, field, op, value, sum, official).
func (d *CampaignDoc) SetIndicator(old string, in IndicatorEdit) error {
	in.TitleZH, in.TitleEN = strings.TrimSpace(in.TitleZH), strings.TrimSpace(in.TitleEN)
	ps := checkLabels("ind", in.TitleZH, in.TitleEN)
	for i := range ps {
		ps[i].ptr = strings.Replace(ps[i].ptr, "_label_", "_title_", 1)
	}
	ps = append(ps, d.checkTerm("num", &in.Num)...)
	ps = append(ps, d.checkTerm("den", &in.Den)...)
	target := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(in.Target), "%％"))
	var tv float64
	if target != "" {
		v, err := strconv.ParseFloat(target, 64)
		if !targetPattern.MatchString(target) || err != nil || v > maxTarget {
			ps = append(ps, problemAt("/ind_target", CodeBadTarget)...)
		}
		tv = v
	}
	switch in.Period {
	case "", campaigns.IndicatorMonth, campaigns.IndicatorQuarter, campaigns.IndicatorYear:
	default:
		ps = append(ps, problemAt("/ind_period", CodeBadPeriod)...)
	}
	if in.Better != "lower" {
		in.Better = "higher"
	}
	cur := d.Indicators()
	var ids []string
	for _, e := range cur {
		if e.ID != old {
			ids = append(ids, e.ID)
		}
	}
	i := slices.IndexFunc(cur, func(e IndicatorEdit) bool { return e.ID == old })
	id := old
	switch {
	case old == "":
		if len(cur) >= MaxIndicators {
			return problemAt("/ind_id", CodeTooMany, MaxIndicators).err(d.Lang)
		}
		var nps problems
		id, nps = freeName("/ind_id", strings.TrimSpace(in.ID), "indicator", ids)
		ps = append(ps, nps...)
	case i < 0:
		return problemAt("/ind_id", CodeNotFound, clipInput(old)).err(d.Lang)
	case !cur[i].Editable:
		return problemAt("/ind_id", CodeReadOnly).err(d.Lang)
	}
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	m := yaml.MapSlice{{Key: "id", Value: id}, {Key: "title", Value: campaignLabel(in.TitleZH, in.TitleEN)},
		{Key: "numerator", Value: in.Num.side()}, {Key: "denominator", Value: in.Den.side()}, {Key: "factor", Value: 100}}
	if target != "" {
		if tv == float64(int64(tv)) {
			m = append(m, yaml.MapItem{Key: "target", Value: int64(tv)})
		} else {
			m = append(m, yaml.MapItem{Key: "target", Value: tv})
		}
	}
	m = append(m, yaml.MapItem{Key: "better", Value: in.Better})
	if in.Period != "" {
		m = append(m, yaml.MapItem{Key: "period", Value: in.Period})
	}
	list, _ := d.value("indicators").([]any)
	list = slices.Clone(list)
	if i >= 0 {
		c := cur[i]
		if c.TitleZH == in.TitleZH && c.TitleEN == in.TitleEN && c.Num.side() == in.Num.side() && c.Den.side() == in.Den.side() &&
			sameTarget(c.Target, target) && c.Better == in.Better && c.Period == in.Period {
			return nil
		}
		list[i] = m
	} else {
		list = append(list, m)
	}
	return d.replace("indicators", list)
}

func sameTarget(a, b string) bool {
	x, errx := strconv.ParseFloat(a, 64)
	y, erry := strconv.ParseFloat(b, 64)
	return a == b || (errx == nil && erry == nil && x == y)
}

// DeleteIndicator deletes an indicator, editable or not.
func (d *CampaignDoc) DeleteIndicator(id string) error {
	cur := d.Indicators()
	i := slices.IndexFunc(cur, func(e IndicatorEdit) bool { return e.ID == id })
	if i < 0 {
		return problemAt("/ind_id", CodeNotFound, clipInput(id)).err(d.Lang)
	}
	list, _ := d.value("indicators").([]any)
	list = slices.Delete(slices.Clone(list), i, i+1)
	if len(list) == 0 {
		return d.replace("indicators", nil)
	}
	return d.replace("indicators", list)
}

// ReportEdit is a periodic report as the editor shows and takes it. Due
// is a whole number of days after the period ends; a due written as an
// expression (DueExpr) is kept as written and shown read-only.
type ReportEdit struct {
	ID       string `json:"id"`
	TitleZH  string `json:"titleZH"`
	TitleEN  string `json:"titleEN"`
	Form     string `json:"form"`
	Level    string `json:"level"`
	Period   string `json:"period"`
	DueDays  string `json:"dueDays"`
	DueExpr  string `json:"dueExpr"`
	Before   string `json:"before"` // reminders, days before due: "3" or "7, 3"
	After    string `json:"after"`
	Extra    bool   `json:"extra"` // it has period_field or roles, kept as written
	Editable bool   `json:"editable"`
}

// Reports returns the campaign's periodic reports.
func (d *CampaignDoc) Reports() []ReportEdit {
	list, _ := d.value("reports").([]any)
	var out []ReportEdit
	for i, r := range d.camp.Reports() {
		e := ReportEdit{ID: r.ID, TitleZH: r.Title["zh"], TitleEN: r.Title["en"], Form: r.Form, Level: r.Level, Period: r.Period, Editable: true,
			Before: joinInts(r.RemindBefore), After: joinInts(r.RemindAfter), Extra: r.PeriodField != "" || len(r.Roles) > 0}
		if i < len(list) {
			switch due := mapValue(asMap(list[i]), "due").(type) {
			case string:
				e.DueExpr = due
			default:
				e.DueDays = strconv.FormatInt(wholeOf(due), 10)
			}
		}
		out = append(out, e)
	}
	return out
}

func joinInts(ns []int) string {
	var s []string
	for _, n := range ns {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ", ")
}

// reminderDays parses "1, 7" (also 1，7 or 1 7): 1…366, no repeats, at
// most 10.
func reminderDays(s string) ([]int, bool) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 366 || slices.Contains(out, n) {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) <= 10
}

var reportIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// SetReport adds a report (old "") or changes the one with id old.
// Problems are keyed /rep_title_zh, /rep_title_en, /rep_id, /rep_form,
// /rep_level, /rep_period, /rep_due, /rep_before and /rep_after.
func (d *CampaignDoc) SetReport(old string, in ReportEdit) error {
	in.TitleZH, in.TitleEN = strings.TrimSpace(in.TitleZH), strings.TrimSpace(in.TitleEN)
	ps := checkLabels("rep", in.TitleZH, in.TitleEN)
	if j := slices.IndexFunc(d.Reports(), func(e ReportEdit) bool { return e.ID == old }); old != "" && j >= 0 && d.Reports()[j].TitleZH == "" {
		ps = keepUnlabelled(ps, in.TitleZH)
	}
	for i := range ps {
		ps[i].ptr = strings.Replace(ps[i].ptr, "_label_", "_title_", 1)
	}
	if !d.camp.HasForm(in.Form) {
		ps = append(ps, problemAt("/rep_form", CodeUnknownForm, clipInput(in.Form))...)
	}
	if !slices.Contains(workflows.Levels, in.Level) {
		ps = append(ps, problemAt("/rep_level", CodeBadLevel)...)
	}
	if !slices.Contains([]string{campaigns.ReportMonth, campaigns.ReportQuarter, campaigns.ReportYear}, in.Period) {
		ps = append(ps, problemAt("/rep_period", CodeBadPeriod)...)
	}
	before, okB := reminderDays(in.Before)
	if !okB {
		ps = append(ps, problemAt("/rep_before", CodeBadWhole, clipInput(in.Before), 366)...)
	}
	after, okA := reminderDays(in.After)
	if !okA {
		ps = append(ps, problemAt("/rep_after", CodeBadWhole, clipInput(in.After), 366)...)
	}
	cur := d.Reports()
	i := slices.IndexFunc(cur, func(e ReportEdit) bool { return e.ID == old })
	keepExpr := i >= 0 && cur[i].DueExpr != ""
	dueDays := 0
	if !keepExpr {
		n, err := strconv.Atoi(strings.TrimSpace(in.DueDays))
		if err != nil || n < 0 || n > 366 {
			ps = append(ps, problemAt("/rep_due", CodeBadWhole, clipInput(in.DueDays), 366)...)
		}
		dueDays = n
	}
	id := old
	switch {
	case old == "":
		if len(cur) >= MaxReports {
			return problemAt("/rep_id", CodeTooMany, MaxReports).err(d.Lang)
		}
		var ids []string
		for _, e := range cur {
			ids = append(ids, e.ID)
		}
		id = strings.TrimSpace(in.ID)
		switch {
		case id == "":
			for n := 1; ; n++ {
				if id = fmt.Sprintf("report-%d", n); !slices.Contains(ids, id) {
					break
				}
			}
		case !reportIDPattern.MatchString(id) || len(id) > 64:
			ps = append(ps, problemAt("/rep_id", CodeBadName, clipInput(id))...)
		case slices.Contains(ids, id):
			ps = append(ps, problemAt("/rep_id", CodeNameTaken, id)...)
		}
	case i < 0:
		return problemAt("/rep_id", CodeNotFound, clipInput(old)).err(d.Lang)
	}
	if len(ps) > 0 {
		return ps.err(d.Lang)
	}
	list, _ := d.value("reports").([]any)
	list = slices.Clone(list)
	var m yaml.MapSlice
	if i >= 0 {
		c := cur[i]
		if c.TitleZH == in.TitleZH && c.TitleEN == in.TitleEN && c.Form == in.Form && c.Level == in.Level && c.Period == in.Period &&
			(keepExpr || c.DueDays == strconv.Itoa(dueDays)) && c.Before == joinInts(sortedDesc(before)) && c.After == joinInts(sortedAsc(after)) {
			return nil
		}
		m = slices.Clone(asMap(list[i]))
	} else {
		m = yaml.MapSlice{{Key: "id", Value: id}}
	}
	m = setIn(m, "title", campaignLabel(in.TitleZH, in.TitleEN))
	m = setIn(m, "form", in.Form)
	m = setIn(m, "level", in.Level)
	m = setIn(m, "period", in.Period)
	if !keepExpr {
		m = setIn(m, "due", dueDays)
	}
	remind := yaml.MapSlice{}
	if len(before) > 0 {
		remind = append(remind, yaml.MapItem{Key: "before", Value: sortedDesc(before)})
	}
	if len(after) > 0 {
		remind = append(remind, yaml.MapItem{Key: "after", Value: sortedAsc(after)})
	}
	m = setIn(m, "remind", orNil(remind))
	if i >= 0 {
		list[i] = m
	} else {
		list = append(list, m)
	}
	return d.replace("reports", list)
}

func sortedAsc(ns []int) []int  { s := slices.Clone(ns); slices.Sort(s); return s }
func sortedDesc(ns []int) []int { s := sortedAsc(ns); slices.Reverse(s); return s }

// DeleteReport deletes a report.
func (d *CampaignDoc) DeleteReport(id string) error {
	cur := d.Reports()
	i := slices.IndexFunc(cur, func(e ReportEdit) bool { return e.ID == id })
	if i < 0 {
		return problemAt("/rep_id", CodeNotFound, clipInput(id)).err(d.Lang)
	}
	list, _ := d.value("reports").([]any)
	list = slices.Delete(slices.Clone(list), i, i+1)
	if len(list) == 0 {
		return d.replace("reports", nil)
	}
	return d.replace("reports", list)
}
