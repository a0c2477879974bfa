package studio

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"canvass/forms"
)

// Ready-made constraints (x-constraint with its x-constraint-message).
const (
	ConstraintAgeRange      = "ageRange"      // 年龄范围: from an ID number or a birth date, at refTime
	ConstraintDateBefore    = "dateBefore"    // 日期早于 another date field or a date
	ConstraintDateAfter     = "dateAfter"     // 日期晚于 another date field or a date
	ConstraintNumberBetween = "numberBetween" // 数值介于
	ConstraintSameAs        = "sameAs"        // 与某项一致
)

// Constraint is a ready-made constraint on field Field. Other names
// another field, Date a fixed date (dateBefore, dateAfter); Min and Max
// bound ageRange and numberBetween (either may be empty).
type Constraint struct {
	Kind  string      `json:"kind"`
	Field string      `json:"field"`
	Other string      `json:"other,omitempty"`
	Date  string      `json:"date,omitempty"`
	Min   json.Number `json:"min,omitempty"`
	Max   json.Number `json:"max,omitempty"`
}

// ConstraintExpr writes a ready-made constraint: the expression and the
// message shown when it fails, in Chinese and English. Problems point into
// the constraint ("/other", "/min").
func (d *FormDoc) ConstraintExpr(c Constraint) (string, forms.Text, error) {
	src, msg, ps := d.constraintExpr(c)
	return src, msg, ps.err(d.lang())
}

func (d *FormDoc) constraintExpr(c Constraint) (string, forms.Text, problems) {
	self, _, ok := d.fieldInfo(c.Field)
	if !ok {
		return "", forms.Text{}, problemAt("/field", CodeUnknownField, c.Field)
	}
	bounds := func(whole bool) (lo, hi string, ps problems) {
		for _, b := range []struct {
			n   json.Number
			sub string
			out *string
		}{{c.Min, "/min", &lo}, {c.Max, "/max", &hi}} {
			if b.n == "" {
				continue
			}
			r, ok := parseRat(b.n)
			if !ok || whole && !r.IsInt() {
				ps = append(ps, problemAt(b.sub, CodeBadNumber, string(b.n))...)
				continue
			}
			*b.out = string(b.n)
		}
		if lo == "" && hi == "" && ps == nil {
			ps = problemAt("/min", CodeBadNumber, "")
		}
		if ps == nil && lo != "" && hi != "" {
			l, _ := parseRat(c.Min)
			h, _ := parseRat(c.Max)
			if l.Cmp(h) > 0 {
				ps = problemAt("/min", CodeMinAboveMax, lo, hi)
			}
		}
		return lo, hi, ps
	}
	between := func(subject, lo, hi string) string {
		switch {
		case lo == "":
			return subject + " <= " + hi
		case hi == "":
			return subject + " >= " + lo
		}
		return subject + " >= " + lo + " && " + subject + " <= " + hi
	}
	// other returns the other date: a field or a fixed date, and how the
	// message names it.
	other := func() (src, zh, en string, ps problems) {
		if c.Other != "" {
			t, _, ok := d.fieldInfo(c.Other)
			if !ok || (t != TypeDate && t != TypeCalculated) {
				return "", "", "", problemAt("/other", CodeUnknownField, c.Other)
			}
			p, _ := d.Pointer(c.Other)
			f, _ := d.field(p)
			l := readText(f.node.get("x-label"))
			return c.Other, "「" + l.ZH + "」", "“" + orElse(l.EN, l.ZH) + "”", nil
		}
		if !parseDate(c.Date) {
			return "", "", "", problemAt("/date", CodeBadDate, c.Date)
		}
		return quote(c.Date), c.Date, c.Date, nil
	}

	switch c.Kind {
	case ConstraintAgeRange:
		if self != TypeResidentID && self != TypeDate {
			return "", forms.Text{}, problemAt("/field", CodeBadSetting, self, c.Kind)
		}
		lo, hi, ps := bounds(true)
		if ps != nil {
			return "", forms.Text{}, ps
		}
		src := between("age("+c.Field+", refTime)", lo, hi)
		return src, rangeMessage(lo, hi, "周岁", "years old", "年龄", "The age"), nil
	case ConstraintNumberBetween:
		if self != TypeInteger && self != TypeDecimal {
			return "", forms.Text{}, problemAt("/field", CodeBadSetting, self, c.Kind)
		}
		lo, hi, ps := bounds(self == TypeInteger)
		if ps != nil {
			return "", forms.Text{}, ps
		}
		return between(c.Field, lo, hi), rangeMessage(lo, hi, "", "", "数值", "The number"), nil
	case ConstraintDateBefore, ConstraintDateAfter:
		if self != TypeDate {
			return "", forms.Text{}, problemAt("/field", CodeBadSetting, self, c.Kind)
		}
		o, zh, en, ps := other()
		if ps != nil {
			return "", forms.Text{}, ps
		}
		if c.Kind == ConstraintDateBefore {
			return "daysBetween(" + c.Field + ", " + o + ") > 0",
				forms.Text{ZH: "日期应早于" + zh, EN: "The date must be before " + en}, nil
		}
		return "daysBetween(" + o + ", " + c.Field + ") > 0",
			forms.Text{ZH: "日期应晚于" + zh, EN: "The date must be after " + en}, nil
	case ConstraintSameAs:
		t, _, ok := d.fieldInfo(c.Other)
		if !ok || t == TypeSection || t == TypeRepeat {
			return "", forms.Text{}, problemAt("/other", CodeUnknownField, c.Other)
		}
		p, _ := d.Pointer(c.Other)
		f, _ := d.field(p)
		l := readText(f.node.get("x-label"))
		return c.Field + " == " + c.Other,
			forms.Text{ZH: "应与「" + l.ZH + "」一致", EN: "Must be the same as “" + orElse(l.EN, l.ZH) + "”"}, nil
	}
	return "", forms.Text{}, problemAt("/kind", CodeUnknownType, c.Kind)
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func rangeMessage(lo, hi, unitZH, unitEN, whatZH, whatEN string) forms.Text {
	sp := ""
	if unitEN != "" {
		sp = " " + unitEN
	}
	switch {
	case lo == "":
		return forms.Text{ZH: fmt.Sprintf("%s应不超过 %s %s", whatZH, hi, unitZH), EN: fmt.Sprintf("%s must be at most %s%s", whatEN, hi, sp)}
	case hi == "":
		return forms.Text{ZH: fmt.Sprintf("%s应不小于 %s %s", whatZH, lo, unitZH), EN: fmt.Sprintf("%s must be at least %s%s", whatEN, lo, sp)}
	}
	return forms.Text{ZH: fmt.Sprintf("%s应在 %s 至 %s %s之间", whatZH, lo, hi, unitZH), EN: fmt.Sprintf("%s must be %s to %s%s", whatEN, lo, hi, sp)}
}

var (
	ident       = `([A-Za-z][A-Za-z0-9_]*)`
	num         = `(-?[0-9]+(?:\.[0-9]+)?)`
	dateLit     = `'(\d{4}-\d{2}-\d{2})'`
	reAgeBoth   = regexp.MustCompile(`^age\(` + ident + `, refTime\) >= ` + num + ` && age\(` + ident + `, refTime\) <= ` + num + `$`)
	reAgeOne    = regexp.MustCompile(`^age\(` + ident + `, refTime\) (>=|<=) ` + num + `$`)
	reNumBoth   = regexp.MustCompile(`^` + ident + ` >= ` + num + ` && ` + ident + ` <= ` + num + `$`)
	reNumOne    = regexp.MustCompile(`^` + ident + ` (>=|<=) ` + num + `$`)
	reDaysPos   = regexp.MustCompile(`^daysBetween\(` + `(\w+|` + dateLit + `)` + `, ` + `(\w+|` + dateLit + `)` + `\) > 0$`)
	reSame      = regexp.MustCompile(`^` + ident + ` == ` + ident + `$`)
	reDateRange = regexp.MustCompile(`^(?:daysBetween\(` + dateLit + `, ` + ident + `\) >= 0)?(?: && )?(?:daysBetween\(` + ident + `, ` + dateLit + `\) >= 0)?$`)
)

// ParseConstraint reads a constraint on field back into the builder's
// form, when the builder wrote it. ok is false otherwise.
func (d *FormDoc) ParseConstraint(field, src string) (Constraint, bool) {
	var c Constraint
	switch self, _, _ := d.fieldInfo(field); {
	case reAgeBoth.MatchString(src):
		m := reAgeBoth.FindStringSubmatch(src)
		c = Constraint{Kind: ConstraintAgeRange, Field: m[1], Min: json.Number(m[2]), Max: json.Number(m[4])}
	case reAgeOne.MatchString(src):
		m := reAgeOne.FindStringSubmatch(src)
		c = Constraint{Kind: ConstraintAgeRange, Field: m[1]}
		setBound(&c, m[2], m[3])
	case reDaysPos.MatchString(src):
		m := reDaysPos.FindStringSubmatch(src)
		// m[1] is the first argument (m[2] its date), m[3] the second.
		if m[1] == field {
			c = Constraint{Kind: ConstraintDateBefore, Field: field}
			c.Other, c.Date = otherOf(m[3], m[4])
		} else {
			c = Constraint{Kind: ConstraintDateAfter, Field: field}
			c.Other, c.Date = otherOf(m[1], m[2])
		}
	case (self == TypeInteger || self == TypeDecimal) && reNumBoth.MatchString(src):
		m := reNumBoth.FindStringSubmatch(src)
		c = Constraint{Kind: ConstraintNumberBetween, Field: m[1], Min: json.Number(m[2]), Max: json.Number(m[4])}
	case (self == TypeInteger || self == TypeDecimal) && reNumOne.MatchString(src):
		m := reNumOne.FindStringSubmatch(src)
		c = Constraint{Kind: ConstraintNumberBetween, Field: m[1]}
		setBound(&c, m[2], m[3])
	case reSame.MatchString(src):
		m := reSame.FindStringSubmatch(src)
		c = Constraint{Kind: ConstraintSameAs, Field: m[1], Other: m[2]}
	default:
		return Constraint{}, false
	}
	again, _, ps := d.constraintExpr(c)
	if len(ps) > 0 || again != src || c.Field != field {
		return Constraint{}, false
	}
	return c, true
}

func setBound(c *Constraint, op, n string) {
	if op == ">=" {
		c.Min = json.Number(n)
	} else {
		c.Max = json.Number(n)
	}
}

func otherOf(arg, date string) (other, fixed string) {
	if date != "" {
		return "", date
	}
	return arg, ""
}

// dateRangeExpr writes the date range of a date field: on or after lo and
// on or before hi (either may be "").
func dateRangeExpr(key, lo, hi string) string {
	var s string
	if lo != "" {
		s = "daysBetween(" + quote(lo) + ", " + key + ") >= 0"
	}
	if hi != "" {
		if s != "" {
			s += " && "
		}
		s += "daysBetween(" + key + ", " + quote(hi) + ") >= 0"
	}
	return s
}

func dateRangeMessage(lo, hi string) forms.Text {
	switch {
	case lo == "":
		return forms.Text{ZH: "日期不能晚于 " + hi, EN: "The date cannot be after " + hi}
	case hi == "":
		return forms.Text{ZH: "日期不能早于 " + lo, EN: "The date cannot be before " + lo}
	}
	return forms.Text{ZH: "日期应在 " + lo + " 至 " + hi + " 之间", EN: "The date must fall from " + lo + " to " + hi}
}

// parseDateRange reads a date range the designer wrote for field key.
func parseDateRange(key, src string) (lo, hi string, ok bool) {
	m := reDateRange.FindStringSubmatch(src)
	if src == "" || m == nil {
		return "", "", false
	}
	lo, hi = m[1], m[4]
	if dateRangeExpr(key, lo, hi) != src {
		return "", "", false
	}
	return lo, hi, true
}

// isDateRange reports whether src is a date range the designer wrote, for
// any field.
func isDateRange(src string) bool {
	m := reDateRange.FindStringSubmatch(src)
	if src == "" || m == nil {
		return false
	}
	_, _, ok := parseDateRange(orElse(m[2], m[3]), src)
	return ok
}

// Ready-made calculations (x-calculate).
const (
	CalcAge            = "age"            // 年龄: from an ID number or a birth date, at refTime
	CalcBirthDate      = "birthDate"      // 出生日期 from an ID number
	CalcDaysBetween    = "daysBetween"    // 间隔天数 between two dates (Other "refTime" for the reference time)
	CalcDatePlusDays   = "datePlusDays"   // 日期加 N 天
	CalcMonthsBetween  = "monthsBetween"  // 间隔月数 (needs rules.monthsBetween)
	CalcDatePlusMonths = "datePlusMonths" // 日期加 N 个月 (needs rules.addMonths)
	CalcSum            = "sum"            // 重复组某项合计
)

// Calculation is a ready-made calculation. Field is the date or ID it
// starts from (for sum: the numeric field of the rows), Other the second
// date or "refTime", N the days or months to add, Group the repeat group
// summed over.
type Calculation struct {
	Kind  string `json:"kind"`
	Field string `json:"field"`
	Other string `json:"other,omitempty"`
	N     int    `json:"n,omitempty"`
	Group string `json:"group,omitempty"`
}

// CalculationExpr writes a ready-made calculation and the value type
// (FieldSpec.ValueType) of the calculated field that holds it.
func (d *FormDoc) CalculationExpr(c Calculation) (src, valueType string, err error) {
	src, valueType, ps := d.calculationExpr(c)
	return src, valueType, ps.err(d.lang())
}

func (d *FormDoc) calculationExpr(c Calculation) (string, string, problems) {
	t, jsonType, ok := d.fieldInfo(c.Field)
	if !ok {
		return "", "", problemAt("/field", CodeUnknownField, c.Field)
	}
	isDate := t == TypeDate || t == TypeCalculated && jsonType == "string"
	other := func() (string, problems) {
		if c.Other == "refTime" {
			return "refTime", nil
		}
		if ot, _, ok := d.fieldInfo(c.Other); !ok || ot != TypeDate {
			return "", problemAt("/other", CodeUnknownField, c.Other)
		}
		return c.Other, nil
	}
	switch c.Kind {
	case CalcBirthDate:
		if t != TypeResidentID {
			return "", "", problemAt("/field", CodeBadSetting, t, c.Kind)
		}
		return "idBirthDate(" + c.Field + ")", TypeDate, nil
	case CalcAge:
		if t != TypeResidentID && !isDate {
			return "", "", problemAt("/field", CodeBadSetting, t, c.Kind)
		}
		return "age(" + c.Field + ", refTime)", TypeInteger, nil
	case CalcDaysBetween, CalcMonthsBetween:
		if !isDate {
			return "", "", problemAt("/field", CodeBadSetting, t, c.Kind)
		}
		o, ps := other()
		if ps != nil {
			return "", "", ps
		}
		return c.Kind + "(" + c.Field + ", " + o + ")", TypeInteger, nil
	case CalcDatePlusDays, CalcDatePlusMonths:
		if !isDate {
			return "", "", problemAt("/field", CodeBadSetting, t, c.Kind)
		}
		fn := "addDays"
		if c.Kind == CalcDatePlusMonths {
			fn = "addMonths"
		}
		return fn + "(" + c.Field + ", " + strconv.Itoa(c.N) + ")", TypeDate, nil
	case CalcSum:
		gt, _, ok := d.fieldInfo(c.Group)
		if !ok || gt != TypeRepeat {
			return "", "", problemAt("/group", CodeUnknownField, c.Group)
		}
		gp, _ := d.Pointer(c.Group)
		fp, _ := d.Pointer(c.Field)
		numeric := t != TypeCheckbox && (jsonType == "integer" || jsonType == "number")
		if fp != gp+"/items/properties/"+escapePointer(c.Field) || !numeric {
			return "", "", problemAt("/field", CodeUnknownField, c.Field)
		}
		vt := TypeDecimal
		if jsonType == "integer" {
			vt = TypeInteger
		}
		return "sum(" + c.Group + " ?? [], ." + c.Field + " ?? 0)", vt, nil
	}
	return "", "", problemAt("/kind", CodeUnknownType, c.Kind)
}

var (
	reCalcCall2 = regexp.MustCompile(`^(age|daysBetween|monthsBetween)\(` + ident + `, ` + ident + `\)$`)
	reCalcAdd   = regexp.MustCompile(`^(addDays|addMonths)\(` + ident + `, (-?[0-9]+)\)$`)
	reCalcBirth = regexp.MustCompile(`^idBirthDate\(` + ident + `\)$`)
	reCalcSum   = regexp.MustCompile(`^sum\(` + ident + ` \?\? \[\], \.` + ident + ` \?\? 0\)$`)
)

// ParseCalculation reads a calculation back into the builder's form, when
// the builder wrote it. ok is false otherwise.
func (d *FormDoc) ParseCalculation(src string) (Calculation, bool) {
	var c Calculation
	switch {
	case reCalcCall2.MatchString(src):
		m := reCalcCall2.FindStringSubmatch(src)
		c = Calculation{Kind: m[1], Field: m[2], Other: m[3]}
		if m[1] == "age" {
			c.Other = ""
			if m[3] != "refTime" {
				return Calculation{}, false
			}
		}
	case reCalcAdd.MatchString(src):
		m := reCalcAdd.FindStringSubmatch(src)
		n, _ := strconv.Atoi(m[3])
		c = Calculation{Kind: CalcDatePlusDays, Field: m[2], N: n}
		if m[1] == "addMonths" {
			c.Kind = CalcDatePlusMonths
		}
	case reCalcBirth.MatchString(src):
		c = Calculation{Kind: CalcBirthDate, Field: reCalcBirth.FindStringSubmatch(src)[1]}
	case reCalcSum.MatchString(src):
		m := reCalcSum.FindStringSubmatch(src)
		c = Calculation{Kind: CalcSum, Group: m[1], Field: m[2]}
	default:
		return Calculation{}, false
	}
	again, _, ps := d.calculationExpr(c)
	if len(ps) > 0 || again != src {
		return Calculation{}, false
	}
	return c, true
}
