package studio

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"canvass/forms"
)

// Form changes: fields are matched by key (a renamed key reads as one
// field deleted and one added), and what a field is told through its
// FieldSpec — the designer's own reading of it — so a change reads as the
// panel shows it.
const (
	ChangeFormTitle       = "form.title"
	ChangeFormOrder       = "form.order"
	ChangeFieldAdded      = "field.added"
	ChangeFieldRemoved    = "field.removed"
	ChangeFieldLabel      = "field.label"
	ChangeFieldLabelEN    = "field.label_en"
	ChangeFieldType       = "field.type"
	ChangeFieldValueType  = "field.value_type"
	ChangeFieldMoved      = "field.moved"
	ChangeFieldKey        = "field.key" // the same field under a new key
	ChangeFieldRequired   = "field.required"
	ChangeFieldRequiredIf = "field.required_if"
	ChangeFieldRelevant   = "field.relevant"
	ChangeFieldRange      = "field.range"
	ChangeFieldLength     = "field.length"
	ChangeFieldDateRange  = "field.date_range"
	ChangeFieldRows       = "field.rows"
	ChangeFieldDefault    = "field.default"
	ChangeFieldHint       = "field.hint"
	ChangeFieldPII        = "field.pii"
	ChangeFieldConstraint = "field.constraint"
	ChangeFieldCalculate  = "field.calculate"
	ChangeFieldFilter     = "field.choice_filter"
	ChangeChoiceAdded     = "choice.added"
	ChangeChoiceRemoved   = "choice.removed"
	ChangeChoiceLabel     = "choice.label"
	ChangeChoiceOrder     = "choice.order"
)

// fieldKeys are the keys of a field that the form describer reads through
// its spec and type; the others are compared generically.
var fieldKeys = []string{"type", "format", "x-widget", "readOnly", "minLength", "maxLength", "minimum", "maximum",
	"minItems", "maxItems", "default", "x-pii", "x-label", "title", "x-hint", "x-relevant", "x-required-if",
	"x-constraint", "x-constraint-message", "x-calculate", "x-choice-filter", "x-choices", "enum", "x-order",
	"properties", "items", "required"}

type formSide struct {
	doc       *FormDoc
	byKey     map[string]fieldRef
	parentKey map[string]string // field key → the key of its section or repeat group, "" at the top
}

func newFormSide(doc *FormDoc) *formSide {
	s := &formSide{doc: doc, byKey: map[string]fieldRef{}, parentKey: map[string]string{}}
	keyAt := map[string]string{}
	for _, f := range doc.fields() {
		s.byKey[f.key] = f
		keyAt[f.ptr] = f.key
		s.parentKey[f.key] = keyAt[f.parentPtr]
	}
	return s
}

// label is what the form calls the field with key.
func (s *formSide) label(key string) phrase {
	f, ok := s.byKey[key]
	if !ok {
		return phrase{key, key}
	}
	t := readText(f.node.get("x-label"))
	if t.ZH == "" {
		t.ZH = f.node.getString("title")
	}
	return named(t, key)
}

func fieldPhrase(l phrase) phrase {
	return phrase{"字段「" + l.zh + "」的", fmt.Sprintf("Field %q: ", l.en)}
}

func formTitle(root *node) forms.Text {
	if t := root.get("x-title"); t != nil {
		return textOf(t)
	}
	return textOf(root.get("title"))
}

func (d *differ) form(a, b *FormDoc) {
	if ta, tb := formTitle(a.root), formTitle(b.root); ta != tb {
		na, nb := named(ta, "—"), named(tb, "—")
		d.add(ChangeFormTitle, "/x-title", fmt.Sprintf("表单名称由「%s」改为「%s」", na.zh, nb.zh),
			fmt.Sprintf("Form title changed from %q to %q", na.en, nb.en))
	}
	d.rest("", "", phrase{"表单的", "Form: "}, a.root, b.root, "x-title", "title", "properties", "required")
	if pa, pb := a.root.get("properties"), b.root.get("properties"); pa != nil && pa.kind != kindObject || pb != nil && pb.kind != kindObject {
		d.generic("/properties", "properties", phrase{"表单的", "Form: "}, pa, pb) // no fields to read
	}
	sa, sb := newFormSide(a), newFormSide(b)
	renamed := renamedKeys(sa, sb, a.fields(), b.fields())
	for _, f := range b.fields() {
		if old, ok := sa.byKey[f.key]; ok {
			d.field(sa, sb, old, f)
			continue
		}
		if oldKey, ok := renamed[f.key]; ok {
			l := sb.label(f.key)
			d.add(ChangeFieldKey, f.ptr, fmt.Sprintf("字段「%s」的字段代码由 %s 改为 %s", l.zh, oldKey, f.key),
				fmt.Sprintf("Field %q: key changed from %s to %s", l.en, oldKey, f.key))
			d.field(sa, sb, sa.byKey[oldKey], f)
			continue
		}
		if p := sb.parentKey[f.key]; p != "" {
			if _, had := sa.byKey[p]; !had {
				continue // inside a section or group that is new itself
			}
		}
		l := sb.label(f.key)
		n := fieldsIn(f.node)
		if n > 0 {
			d.add(ChangeFieldAdded, f.ptr, fmt.Sprintf("新增%s「%s」（含 %d 个字段）", typeName(typeOfNode(f.node), "zh"), l.zh, n),
				fmt.Sprintf("Added %s %q (with %d fields)", strings.ToLower(typeName(typeOfNode(f.node), "en")), l.en, n))
		} else {
			d.add(ChangeFieldAdded, f.ptr, fmt.Sprintf("新增字段「%s」", l.zh), fmt.Sprintf("Added field %q", l.en))
		}
	}
	gone := map[string]bool{}
	for _, old := range renamed {
		gone[old] = true
	}
	for _, f := range a.fields() {
		if _, ok := sb.byKey[f.key]; ok || gone[f.key] {
			continue
		}
		if p := sa.parentKey[f.key]; p != "" {
			if _, kept := sb.byKey[p]; !kept {
				continue
			}
		}
		l := sa.label(f.key)
		if n := fieldsIn(f.node); n > 0 {
			d.add(ChangeFieldRemoved, f.ptr, fmt.Sprintf("删除%s「%s」（含 %d 个字段）", typeName(typeOfNode(f.node), "zh"), l.zh, n),
				fmt.Sprintf("Deleted %s %q (with %d fields)", strings.ToLower(typeName(typeOfNode(f.node), "en")), l.en, n))
		} else {
			d.add(ChangeFieldRemoved, f.ptr, fmt.Sprintf("删除字段「%s」", l.zh), fmt.Sprintf("Deleted field %q", l.en))
		}
	}
	d.formOrder(sa, sb, "", "", a.root, b.root)
}

// renamedKeys pairs a field deleted with a field added in the same place
// under the same label and type, one to one: the author changed its key.
// It maps the new key to the old.
func renamedKeys(sa, sb *formSide, af, bf []fieldRef) map[string]string {
	type slot struct{ parent, label, typ string }
	slotOf := func(s *formSide, f fieldRef) slot {
		return slot{s.parentKey[f.key], s.label(f.key).zh, typeOfNode(f.node)}
	}
	removed, added := map[slot][]string{}, map[slot][]string{}
	for _, f := range af {
		if _, kept := sb.byKey[f.key]; !kept && fieldsIn(f.node) == 0 {
			removed[slotOf(sa, f)] = append(removed[slotOf(sa, f)], f.key)
		}
	}
	for _, f := range bf {
		if _, had := sa.byKey[f.key]; !had && fieldsIn(f.node) == 0 {
			added[slotOf(sb, f)] = append(added[slotOf(sb, f)], f.key)
		}
	}
	out := map[string]string{}
	for sl, news := range added {
		if olds := removed[sl]; len(olds) == 1 && len(news) == 1 {
			out[news[0]] = olds[0]
		}
	}
	return out
}

// formOrder reports a container whose fields kept in both versions show
// in another order, then looks into its sections and groups.
func (d *differ) formOrder(sa, sb *formSide, key, ptr string, ca, cb *node) {
	shown := func(s, other *formSide, c *node) []string {
		var keys []string
		for _, m := range displayOrder(c) {
			if _, ok := other.byKey[m.key]; ok && other.parentKey[m.key] == key {
				keys = append(keys, m.key)
			}
		}
		return keys
	}
	if !slices.Equal(shown(sa, sb, ca), shown(sb, sa, cb)) {
		if key == "" {
			d.add(ChangeFormOrder, "/properties", "字段顺序已调整", "The order of the fields changed")
		} else {
			l := sb.label(key)
			d.add(ChangeFormOrder, ptr, fmt.Sprintf("「%s」中的字段顺序已调整", l.zh), fmt.Sprintf("The order of the fields in %q changed", l.en))
		}
	}
	for _, m := range displayOrder(cb) {
		fa, ok := sa.byKey[m.key]
		if !ok || sa.parentKey[m.key] != key {
			continue
		}
		fb := sb.byKey[m.key]
		if inA, inB := containerOf(fa.node), containerOf(fb.node); inA != nil && inB != nil {
			d.formOrder(sa, sb, m.key, fb.ptr, inA, inB)
		}
	}
}

func containerOf(n *node) *node {
	switch typeOfNode(n) {
	case TypeSection:
		return n
	case TypeRepeat:
		return n.get("items")
	}
	return nil
}

func typeName(id, lang string) string {
	if t, ok := LookupType(id); ok {
		return inLang(lang, t.NameZH, t.NameEN)
	}
	return id
}

// field compares one field kept in both versions.
func (d *differ) field(sa, sb *formSide, fa, fb fieldRef) {
	a := specOf(fa.key, fa.node, isRequired(fa.container, fa.key))
	b := specOf(fb.key, fb.node, isRequired(fb.container, fb.key))
	la, lb := sa.label(fa.key), sb.label(fb.key)
	pre := fieldPhrase(lb)
	ptr := fb.ptr
	if la.zh != lb.zh {
		d.add(ChangeFieldLabel, ptr+"/x-label", fmt.Sprintf("字段「%s」改名为「%s」", la.zh, lb.zh),
			fmt.Sprintf("Field %q renamed %q", la.en, lb.en))
	} else if a.Label.EN != b.Label.EN {
		d.add(ChangeFieldLabelEN, ptr+"/x-label/en", fmt.Sprintf("%s英文标题由 %s 改为 %s", pre.zh, quoted(a.Label.EN, "zh"), quoted(b.Label.EN, "zh")),
			fmt.Sprintf("%sEnglish label changed from %q to %q", pre.en, a.Label.EN, b.Label.EN))
	}
	if a.Type != b.Type {
		d.add(ChangeFieldType, ptr+"/type", fmt.Sprintf("%s类型由「%s」改为「%s」", pre.zh, typeName(a.Type, "zh"), typeName(b.Type, "zh")),
			fmt.Sprintf("%stype changed from %s to %s", pre.en, typeName(a.Type, "en"), typeName(b.Type, "en")))
	} else if a.ValueType != b.ValueType {
		d.add(ChangeFieldValueType, ptr+"/type", fmt.Sprintf("%s计算结果类型由 %s 改为 %s", pre.zh, a.ValueType, b.ValueType),
			fmt.Sprintf("%scalculated value type changed from %s to %s", pre.en, a.ValueType, b.ValueType))
	}
	if pa, pb := sa.parentKey[fa.key], sb.parentKey[fb.key]; pa != pb {
		if pb == "" {
			d.add(ChangeFieldMoved, ptr, fmt.Sprintf("字段「%s」移到表单第一层", lb.zh), fmt.Sprintf("Field %q moved to the top of the form", lb.en))
		} else {
			p := sb.label(pb)
			d.add(ChangeFieldMoved, ptr, fmt.Sprintf("字段「%s」移入「%s」", lb.zh, p.zh), fmt.Sprintf("Field %q moved into %q", lb.en, p.en))
		}
	}
	if a.Required != b.Required {
		if b.Required {
			d.add(ChangeFieldRequired, ptr, fmt.Sprintf("字段「%s」改为必填", lb.zh), fmt.Sprintf("Field %q is now required", lb.en))
		} else {
			d.add(ChangeFieldRequired, ptr, fmt.Sprintf("字段「%s」改为选填", lb.zh), fmt.Sprintf("Field %q is now optional", lb.en))
		}
	}
	d.condition(ChangeFieldRequiredIf, ptr+"/x-required-if", pre, phrase{"必填条件", "required-when condition"}, sa.doc, sb.doc, sa, sb, a.RequiredIf, b.RequiredIf)
	d.condition(ChangeFieldRelevant, ptr+"/x-relevant", pre, phrase{"显示条件", "show-when condition"}, sa.doc, sb.doc, sa, sb, a.Relevant, b.Relevant)
	d.limits(ChangeFieldRange, ptr, pre, phrase{"取值范围", "range"}, "", a.Minimum, a.Maximum, b.Minimum, b.Maximum)
	d.limits(ChangeFieldLength, ptr, pre, phrase{"长度限制", "length limit"}, " 字", numPtr(a.MinLength), numPtr(a.MaxLength), numPtr(b.MinLength), numPtr(b.MaxLength))
	if a.MinDate != b.MinDate || a.MaxDate != b.MaxDate {
		d.add(ChangeFieldDateRange, ptr+"/x-constraint", fmt.Sprintf("%s日期范围由%s改为%s", pre.zh, spaced(dateRangeText(a.MinDate, a.MaxDate, "zh")), strings.TrimRight(spaced(dateRangeText(b.MinDate, b.MaxDate, "zh")), " ")),
			fmt.Sprintf("%sdate range changed from %s to %s", pre.en, dateRangeText(a.MinDate, a.MaxDate, "en"), dateRangeText(b.MinDate, b.MaxDate, "en")))
	}
	rows := phrase{"行数", "number of rows"}
	if b.Type == TypeCheckbox {
		rows = phrase{"可选个数", "number of choices picked"}
	}
	d.limits(ChangeFieldRows, ptr, pre, rows, "", numPtr(a.MinRows), numPtr(a.MaxRows), numPtr(b.MinRows), numPtr(b.MaxRows))
	if da, db := fa.node.get("default"), fb.node.get("default"); !equalNodes(da, db) {
		d.add(ChangeFieldDefault, ptr+"/default", fmt.Sprintf("%s默认值由 %s 改为 %s", pre.zh, answerText(da, a, "zh"), answerText(db, b, "zh")),
			fmt.Sprintf("%sdefault changed from %s to %s", pre.en, answerText(da, a, "en"), answerText(db, b, "en")))
	}
	if a.Hint != b.Hint {
		switch {
		case b.Hint.ZH == "" && b.Hint.EN == "":
			d.add(ChangeFieldHint, ptr+"/x-hint", pre.zh+"提示已删除", pre.en+"hint removed")
		default:
			d.add(ChangeFieldHint, ptr+"/x-hint", fmt.Sprintf("%s提示改为 %s", pre.zh, quoted(named(b.Hint, "").zh, "zh")),
				fmt.Sprintf("%shint changed to %q", pre.en, named(b.Hint, "").en))
		}
	}
	if a.PII != b.PII {
		if b.PII == "" {
			d.add(ChangeFieldPII, ptr+"/x-pii", fmt.Sprintf("字段「%s」不再标为个人信息", lb.zh), fmt.Sprintf("Field %q is no longer marked personal data", lb.en))
		} else {
			d.add(ChangeFieldPII, ptr+"/x-pii", fmt.Sprintf("字段「%s」标为个人信息（%s），加密保存并遮盖显示", lb.zh, piiName(b.PII, "zh")),
				fmt.Sprintf("Field %q is marked personal data (%s): encrypted and masked", lb.en, piiName(b.PII, "en")))
		}
	}
	if a.Constraint != b.Constraint || a.ConstraintMessage != b.ConstraintMessage {
		d.rule(ChangeFieldConstraint, ptr+"/x-constraint", pre, phrase{"校验规则", "check"}, constraintText(a, "zh"), constraintText(b, "zh"), constraintText(a, "en"), constraintText(b, "en"))
	}
	if a.Calculate != b.Calculate && calcText(sa, a.Calculate, "zh") != calcText(sb, b.Calculate, "zh") {
		d.rule(ChangeFieldCalculate, ptr+"/x-calculate", pre, phrase{"计算", "calculation"}, calcText(sa, a.Calculate, "zh"), calcText(sb, b.Calculate, "zh"),
			calcText(sa, a.Calculate, "en"), calcText(sb, b.Calculate, "en"))
	}
	if a.ChoiceFilter != b.ChoiceFilter {
		d.rule(ChangeFieldFilter, ptr+"/x-choice-filter", pre, phrase{"选项筛选条件", "choice filter"}, exprText(a.ChoiceFilter, "zh"), exprText(b.ChoiceFilter, "zh"),
			exprText(a.ChoiceFilter, "en"), exprText(b.ChoiceFilter, "en"))
	}
	d.choices(ptr, lb, fa.node, fb.node, a, b)
	d.rest(ptr, "", pre, fa.node, fb.node, fieldKeys...)
	if fa.node.get("x-label") != nil && fb.node.get("x-label") != nil {
		// "title" stands in for the label only where there is none.
		d.generic(ptr+"/title", "title", pre, fa.node.get("title"), fb.node.get("title"))
	}
	// What "items" holds beyond the choices and the group's own fields.
	d.generic(ptr+"/items", "items", pre, itemsRest(fa.node), itemsRest(fb.node))
}

// itemsRest is a field's "items" without what the describer reads
// elsewhere: choices, a group's fields, and the type.
func itemsRest(n *node) *node {
	it := n.get("items")
	if it == nil || it.kind != kindObject {
		return it
	}
	c := it.clone()
	for _, k := range []string{"enum", "type", "properties", "required"} {
		c.del(k)
	}
	if len(c.members) == 0 {
		return nil
	}
	return c
}

// rule reports a rule (a check, a calculation, a filter) set, changed or
// removed.
func (d *differ) rule(kind, ptr string, pre, what phrase, oldZH, newZH, oldEN, newEN string) {
	switch {
	case oldZH == "":
		d.add(kind, ptr, fmt.Sprintf("%s新增%s：%s", strings.TrimSuffix(pre.zh, "的"), what.zh, newZH),
			fmt.Sprintf("%snew %s: %s", pre.en, what.en, newEN))
	case newZH == "":
		d.add(kind, ptr, fmt.Sprintf("%s%s已删除（原为：%s）", pre.zh, what.zh, oldZH),
			fmt.Sprintf("%s%s removed (was: %s)", pre.en, what.en, oldEN))
	default:
		d.add(kind, ptr, fmt.Sprintf("%s%s改为：%s", pre.zh, what.zh, newZH),
			fmt.Sprintf("%s%s changed to: %s", pre.en, what.en, newEN))
	}
}

// condition reports a show-when or required-when condition.
func (d *differ) condition(kind, ptr string, pre, what phrase, da, db *FormDoc, sa, sb *formSide, a, b string) {
	if a == b || a != "" && b != "" && conditionText(sa, a, "zh") == conditionText(sb, b, "zh") {
		return // the same condition, a field it reads renamed
	}
	if b == "" {
		d.add(kind, ptr, fmt.Sprintf("%s%s已取消", pre.zh, what.zh), fmt.Sprintf("%s%s removed", pre.en, what.en))
		return
	}
	d.rule(kind, ptr, pre, what, conditionText(sa, a, "zh"), conditionText(sb, b, "zh"), conditionText(sa, a, "en"), conditionText(sb, b, "en"))
}

// conditionText reads a condition as the builder shows it — 「性别」等于「女」
// 且「年龄」大于 18 — or as written when the builder did not write it.
func conditionText(s *formSide, src, lang string) string {
	if src == "" {
		return ""
	}
	c, ok := s.doc.ParseCondition(src)
	if !ok {
		return exprText(src, lang)
	}
	var rows []string
	for _, r := range c.Rows {
		op, _ := operator(r.Op)
		l := s.label(r.Field)
		row := inLang(lang, "「"+l.zh+"」"+op.NameZH, fmt.Sprintf("%q %s", l.en, op.NameEN))
		if op.Value {
			row += inLang(lang, "", " ") + choiceValueText(s, r.Field, r.Value, lang)
		}
		rows = append(rows, row)
	}
	join := inLang(lang, "且", " and ")
	if c.Join == JoinOr {
		join = inLang(lang, "或", " or ")
	}
	return strings.Join(rows, join)
}

// choiceValueText shows a compared value by its choice's label when the
// field has choices.
func choiceValueText(s *formSide, key, value, lang string) string {
	if f, ok := s.byKey[key]; ok {
		spec := specOf(key, f.node, false)
		for _, c := range spec.Choices {
			if c.Value == value {
				l := named(c.Label, c.Value)
				return inLang(lang, "「"+l.zh+"」", strconv.Quote(l.en))
			}
		}
		if spec.Type == TypeYesNo {
			switch value {
			case "true":
				return inLang(lang, "“是”", `"yes"`)
			case "false":
				return inLang(lang, "“否”", `"no"`)
			}
		}
	}
	return inLang(lang, " "+value, value)
}

func exprText(src, lang string) string {
	if src == "" {
		return ""
	}
	return inLang(lang, "表达式 "+src, "the expression "+src)
}

func constraintText(s FieldSpec, lang string) string {
	if s.Constraint == "" {
		return ""
	}
	m := s.ConstraintMessage
	if m.ZH != "" || m.EN != "" {
		l := named(m, "")
		return inLang(lang, "“"+l.zh+"”", strconv.Quote(l.en))
	}
	return exprText(s.Constraint, lang)
}

// calcText reads a calculation as the builder names it, or as written.
func calcText(s *formSide, src, lang string) string {
	if src == "" {
		return ""
	}
	c, ok := s.doc.ParseCalculation(src)
	if !ok {
		return exprText(src, lang)
	}
	f := func(key string) string {
		if key == "refTime" {
			return inLang(lang, "标准时点", "the reference time")
		}
		l := s.label(key)
		return inLang(lang, "「"+l.zh+"」", strconv.Quote(l.en))
	}
	switch c.Kind {
	case CalcAge:
		return inLang(lang, "由"+f(c.Field)+"计算年龄", "age from "+f(c.Field))
	case CalcDaysBetween:
		return inLang(lang, f(c.Field)+"与"+f(c.Other)+"相隔的天数", "days between "+f(c.Field)+" and "+f(c.Other))
	case CalcMonthsBetween:
		return inLang(lang, f(c.Field)+"与"+f(c.Other)+"相隔的月数", "months between "+f(c.Field)+" and "+f(c.Other))
	case CalcDatePlusDays:
		return inLang(lang, fmt.Sprintf("%s加 %d 天", f(c.Field), c.N), fmt.Sprintf("%s plus %d days", f(c.Field), c.N))
	case CalcDatePlusMonths:
		return inLang(lang, fmt.Sprintf("%s加 %d 个月", f(c.Field), c.N), fmt.Sprintf("%s plus %d months", f(c.Field), c.N))
	case CalcSum:
		return inLang(lang, f(c.Group)+"中"+f(c.Field)+"的合计", "the sum of "+f(c.Field)+" in "+f(c.Group))
	}
	return exprText(src, lang)
}

func piiName(p, lang string) string {
	switch p {
	case forms.PIIIDNumber:
		return inLang(lang, "身份证号码", "ID number")
	case forms.PIIPhone:
		return inLang(lang, "电话号码", "phone number")
	case forms.PIIName:
		return inLang(lang, "姓名", "name")
	}
	return p
}

func numPtr(p *int) json.Number {
	if p == nil {
		return ""
	}
	return json.Number(strconv.Itoa(*p))
}

// limits reports a pair of limits that changed: 0–120 → 0–100.
func (d *differ) limits(kind, ptr string, pre, what phrase, unit string, aLo, aHi, bLo, bHi json.Number) {
	if sameNumber(aLo, bLo) && sameNumber(aHi, bHi) {
		return
	}
	d.add(kind, ptr, fmt.Sprintf("%s%s由%s改为%s", pre.zh, what.zh, spaced(rangeText(aLo, aHi, unit, "zh")), strings.TrimRight(spaced(rangeText(bLo, bHi, unit, "zh")), " ")),
		fmt.Sprintf("%s%s changed from %s to %s", pre.en, what.en, rangeText(aLo, aHi, "", "en"), rangeText(bLo, bHi, "", "en")))
}

// spaced puts spaces around a text that starts with a digit, as Chinese
// sets numbers off from the words around them: 由 0–120 改为, 由不限改为.
func spaced(s string) string {
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		return " " + s + " "
	}
	return s
}

func sameNumber(a, b json.Number) bool {
	if a == "" || b == "" {
		return a == b
	}
	return equalNodes(numNode(a), numNode(b))
}

func rangeText(lo, hi json.Number, unit, lang string) string {
	switch {
	case lo != "" && hi != "":
		return fmt.Sprintf("%s–%s%s", lo, hi, unit)
	case lo != "":
		return inLang(lang, fmt.Sprintf("不少于 %s%s", lo, unit), "at least "+lo.String())
	case hi != "":
		return inLang(lang, fmt.Sprintf("不超过 %s%s", hi, unit), "at most "+hi.String())
	}
	return inLang(lang, "不限", "no limit")
}

func dateRangeText(lo, hi, lang string) string {
	switch {
	case lo != "" && hi != "":
		return dateText(lo, lang) + "–" + dateText(hi, lang)
	case lo != "":
		return inLang(lang, dateText(lo, lang)+"以后", "from "+dateText(lo, lang))
	case hi != "":
		return inLang(lang, dateText(hi, lang)+"以前", "until "+dateText(hi, lang))
	}
	return inLang(lang, "不限", "no limit")
}

// answerText shows an answer (a default) by its choice label when the
// field has choices.
func answerText(n *node, spec FieldSpec, lang string) string {
	if n == nil {
		return inLang(lang, "（无）", "(none)")
	}
	label := func(v *node) (string, bool) {
		for _, c := range spec.Choices {
			if c.Value == scalarOf(v) {
				l := named(c.Label, c.Value)
				return inLang(lang, "「"+l.zh+"」", strconv.Quote(l.en)), true
			}
		}
		return "", false
	}
	if s, ok := label(n); ok && n.kind != kindArray {
		return s
	}
	if n.kind == kindArray {
		var parts []string
		for _, it := range n.items {
			s, ok := label(it)
			if !ok {
				s = valueText(it, lang)
			}
			parts = append(parts, s)
		}
		return joinWords(parts, lang)
	}
	return valueText(n, lang)
}

// choices reports choices added, deleted, renamed or reordered (by value),
// and the other keys of a kept choice generically.
func (d *differ) choices(ptr string, l phrase, na, nb *node, a, b FieldSpec) {
	old := map[string]ChoiceSpec{}
	for _, c := range a.Choices {
		old[c.Value] = c
	}
	kept := map[string]bool{}
	var added []ChoiceSpec
	for _, c := range b.Choices {
		if o, ok := old[c.Value]; ok {
			kept[c.Value] = true
			if o.Label.ZH != c.Label.ZH {
				lo, ln := named(o.Label, o.Value), named(c.Label, c.Value)
				d.add(ChangeChoiceLabel, ptr+"/x-choices", fmt.Sprintf("字段「%s」的选项「%s」改名为「%s」", l.zh, lo.zh, ln.zh),
					fmt.Sprintf("Field %q: choice %q renamed %q", l.en, lo.en, ln.en))
			}
			continue
		}
		added = append(added, c)
	}
	d.choiceList(ChangeChoiceAdded, ptr+"/x-choices", l, added, "字段「%s」新增选项%s", "Field %q: added choice %s")
	var removed []ChoiceSpec
	for _, c := range a.Choices {
		if !kept[c.Value] {
			removed = append(removed, c)
		}
	}
	d.choiceList(ChangeChoiceRemoved, ptr+"/x-choices", l, removed, "字段「%s」的选项%s已删除", "Field %q: choice %s deleted")
	var orderA, orderB []string
	for _, c := range a.Choices {
		if kept[c.Value] {
			orderA = append(orderA, c.Value)
		}
	}
	for _, c := range b.Choices {
		if kept[c.Value] {
			orderB = append(orderB, c.Value)
		}
	}
	if !slices.Equal(orderA, orderB) {
		d.add(ChangeChoiceOrder, ptr+"/x-choices", fmt.Sprintf("字段「%s」的选项顺序已调整", l.zh), fmt.Sprintf("Field %q: the order of the choices changed", l.en))
	}
	// Extra keys of kept choices (the township a village belongs to).
	xa, xb := na.get("x-choices"), nb.get("x-choices")
	if xa == nil || xb == nil {
		return
	}
	keys, am, bm, _, bt := keyedList(xa, xb, "value")
	for _, k := range keys {
		ca, cb := am[k], bm[k]
		if ca == nil || cb == nil {
			continue
		}
		cl := named(readText(cb.get("label")), k)
		d.rest(fmt.Sprintf("%s/x-choices/%d", ptr, bt[k]), "", phrase{fmt.Sprintf("字段「%s」的选项「%s」的", l.zh, cl.zh), fmt.Sprintf("Field %q, choice %q: ", l.en, cl.en)},
			ca, cb, "value", "label")
	}
}

// choiceList reports choices one sentence each, or, past five, in one
// sentence naming the first ten.
func (d *differ) choiceList(kind, ptr string, l phrase, list []ChoiceSpec, zh, en string) {
	names := func(cs []ChoiceSpec, lang string) string {
		var parts []string
		for i, c := range cs {
			if i == 10 {
				return joinWords(parts, lang) + inLang(lang, fmt.Sprintf("等 %d 个", len(cs)), fmt.Sprintf(" and %d more", len(cs)-10))
			}
			n := named(c.Label, c.Value)
			parts = append(parts, inLang(lang, "「"+n.zh+"」", strconv.Quote(n.en)))
		}
		return joinWords(parts, lang)
	}
	if len(list) > 5 {
		d.add(kind, ptr, fmt.Sprintf(zh, l.zh, names(list, "zh")), fmt.Sprintf(en, l.en, names(list, "en")))
		return
	}
	for _, c := range list {
		one := []ChoiceSpec{c}
		d.add(kind, ptr, fmt.Sprintf(zh, l.zh, names(one, "zh")), fmt.Sprintf(en, l.en, names(one, "en")))
	}
}
