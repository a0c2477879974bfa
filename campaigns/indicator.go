package campaigns

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// Limits on the indicators section.
const (
	maxIndicators = 50
	maxFactor     = 1_000_000
	maxTarget     = 1e12
)

// Indicator periods: the granularity an indicator is read in by default.
const (
	IndicatorMonth   = "month"
	IndicatorQuarter = "quarter"
	IndicatorYear    = "year"
)

// Indicator is one figure a campaign is judged by:
// Numerator ÷ Denominator × Factor, against Target. Each side is a sum of
// terms (rules.CompileIndicator): record counts and sums with a filter
// over one record, and imported official figures.
//
//	indicators:
//	  - id: birth_coverage
//	    title: {zh: 出生登记率, en: Birth registration coverage}
//	    numerator: count(form == "birth" && state == "approved")
//	    denominator: official("births")
//	    factor: 100
//	    target: 90
//	    better: higher
//	    period: quarter
//
// Instead of a target and better, an indicator may have a normal range,
// flagged when the value falls outside it (the sex ratio at birth, boys per
// 100 girls, is normal from 103 to 107):
//
//	factor: 100
//	range: [103, 107]
type Indicator struct {
	ID             string
	Title          Text
	Numerator      []rules.IndicatorTerm
	Denominator    []rules.IndicatorTerm
	NumeratorSrc   string
	DenominatorSrc string
	Factor         float64 // 1 when not set
	Target         float64
	HasTarget      bool
	HigherIsBetter bool   // better: higher (the default) or lower
	Period         string // IndicatorMonth, IndicatorQuarter, IndicatorYear or "" (the reader's choice)
	// RangeLow and RangeHigh are the normal range (range: [103, 107]), both
	// ends included, when HasRange: a value outside it is flagged. An
	// indicator has a target or a range, never both.
	RangeLow, RangeHigh float64
	HasRange            bool
}

// Terms returns the numerator's terms then the denominator's. A term's
// index in this list is its stable number within the indicator (the
// engine keys its counters by it).
func (ind *Indicator) Terms() []rules.IndicatorTerm {
	return append(slices.Clone(ind.Numerator), ind.Denominator...)
}

// Indicators returns the campaign's indicators in file order.
func (c *Campaign) Indicators() []Indicator { return c.indicators }

// Indicator returns the indicator with the given ID.
func (c *Campaign) Indicator(id string) (Indicator, bool) {
	for _, ind := range c.indicators {
		if ind.ID == id {
			return ind, true
		}
	}
	return Indicator{}, false
}

// indicators decodes the indicators section.
func (l *loader) indicators(e yamldoc.Entry, c *Campaign) []Indicator {
	items, ok := l.Sequence(e, "indicators")
	if !ok {
		return nil
	}
	if len(items) > maxIndicators {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a campaign may have at most %d indicators", maxIndicators).With("max", strconv.Itoa(maxIndicators))
		items = items[:maxIndicators]
	}
	var out []Indicator
	for i, item := range items {
		p := yamldoc.Index(e.Key.Path, i)
		entries, ok := l.Mapping(item, p, "an indicator")
		if !ok {
			continue
		}
		f := l.Fields(entries, "an indicator", "id", "title", "numerator", "denominator", "factor", "target", "better", "period", "range")
		l.Require(f, yamldoc.PosOf(item), p, "an indicator", "id", "title", "numerator", "denominator")
		ind := Indicator{Title: l.Text(f["title"]), Factor: 1, HigherIsBetter: true}
		if id := l.Str(f["id"]); id.Set {
			switch {
			case !yamldoc.NamePattern.MatchString(id.Val):
				l.Errorf(id.At, id.Path, rules.CodeBadName, "indicator id %q must be lower-case letters, digits and underscores, starting with a letter", id.Val).With("value", id.Val)
			case slices.ContainsFunc(out, func(o Indicator) bool { return o.ID == id.Val }):
				l.Errorf(id.At, id.Path, rules.CodeDuplicateKey, "indicator %s appears twice", id.Val).With("value", id.Val)
			default:
				ind.ID = id.Val
			}
		}
		if s := l.Str(f["numerator"]); s.Set {
			ind.NumeratorSrc = s.Val
			ind.Numerator = l.indicatorSide(s, c)
		}
		if s := l.Str(f["denominator"]); s.Set {
			ind.DenominatorSrc = s.Val
			ind.Denominator = l.indicatorSide(s, c)
		}
		if v, at, set := l.Float(f["factor"]); set {
			if v <= 0 || v > maxFactor {
				l.Errorf(at, f["factor"].Key.Path, rules.CodeBadFactor, "factor must be above 0 and at most %d: 100 for a percentage, 1000 per mille", maxFactor).With("max", strconv.Itoa(maxFactor))
			} else {
				ind.Factor = v
			}
		}
		if v, at, set := l.Float(f["target"]); set {
			switch {
			case v < 0 || v > maxTarget:
				l.Errorf(at, f["target"].Key.Path, rules.CodeBadTarget, "target must be between 0 and %g", maxTarget).With("value", strconv.FormatFloat(v, 'g', -1, 64)).With("max", strconv.FormatFloat(maxTarget, 'g', -1, 64))
			case ind.Factor == 100 && v > 1000:
				l.Errorf(at, f["target"].Key.Path, rules.CodeBadTarget, "target %g is a percentage above 1000 %%: write 90 for 90 %%", v).With("value", strconv.FormatFloat(v, 'g', -1, 64))
			default:
				ind.Target, ind.HasTarget = v, true
			}
		}
		if b := l.Str(f["better"]); b.Set {
			switch b.Val {
			case "higher":
			case "lower":
				ind.HigherIsBetter = false
			default:
				l.Errorf(b.At, b.Path, rules.CodeBadValue, "better must be higher or lower").With("value", b.Val).With("want", "higher / lower")
			}
		}
		if s := l.Str(f["period"]); s.Set {
			switch s.Val {
			case IndicatorMonth, IndicatorQuarter, IndicatorYear:
				ind.Period = s.Val
			default:
				l.Errorf(s.At, s.Path, rules.CodeBadValue, "period must be month, quarter or year").With("value", s.Val).With("want", "month / quarter / year")
			}
		}
		l.indicatorRange(f["range"], &ind)
		if ind.HasRange && (f["target"].Key.Set || f["better"].Key.Set) {
			k := f["target"].Key
			if !k.Set {
				k = f["better"].Key
			}
			l.Errorf(k.At, k.Path, rules.CodeBadRange, "an indicator has a target or a normal range, not both: remove %s or range", k.Val).With("key", k.Val)
			ind.HasTarget = false
		}
		out = append(out, ind)
	}
	return out
}

// indicatorRange decodes range: [low, high], the normal range of a value.
func (l *loader) indicatorRange(e yamldoc.Entry, ind *Indicator) {
	if !e.Key.Set {
		return
	}
	items, ok := l.Sequence(e, "range")
	if !ok {
		return
	}
	if len(items) != 2 {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeBadRange, "range is two numbers, the lowest and the highest normal value: [103, 107]")
		return
	}
	var ends [2]float64
	for i, item := range items {
		v, at, set := l.Float(yamldoc.Entry{Key: yamldoc.Scalar{Val: "range", Path: yamldoc.Index(e.Key.Path, i), At: yamldoc.PosOf(item), Set: true}, Value: item})
		if !set {
			return
		}
		if v < 0 || v > maxTarget {
			l.Errorf(at, yamldoc.Index(e.Key.Path, i), rules.CodeBadRange, "a range end must be between 0 and %g", maxTarget).With("value", strconv.FormatFloat(v, 'g', -1, 64))
			return
		}
		ends[i] = v
	}
	if ends[0] >= ends[1] {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeBadRange, "the range's lowest value %g must be below its highest %g", ends[0], ends[1]).
			With("value", fmt.Sprintf("[%g, %g]", ends[0], ends[1]))
		return
	}
	ind.RangeLow, ind.RangeHigh, ind.HasRange = ends[0], ends[1], true
}

// indicatorSide compiles a numerator or denominator and checks the forms
// its filters name.
func (l *loader) indicatorSide(s yamldoc.Scalar, c *Campaign) []rules.IndicatorTerm {
	if len(s.Val) == 0 || len(s.Val) > rules.MaxSourceBytes || isBlank(s.Val) {
		l.Errorf(s.At, s.Path, rules.CodeBadExpression, "empty expression").WithText("detail", "表达式是空的", "it is empty")
		return nil
	}
	x, err := rules.CompileIndicator(s.Val, rules.IndicatorEnv())
	if err != nil {
		var ce *rules.CompileError
		if !errors.As(err, &ce) {
			l.Errorf(s.At, s.Path, rules.CodeBadExpression, "%v", err)
			return nil
		}
		code := rules.CodeBadExpression
		if ce.Code == rules.CodeIndicatorShape || ce.Code == rules.CodeIndicatorDivision {
			code = ce.Code
		}
		f := l.Errorf(l.ExprPos(s, ce.Line, ce.Col), s.Path, code, "%s", ce.Message)
		if code == rules.CodeBadExpression {
			f.WithCompileError(ce)
		}
		return nil
	}
	ok := true
	for _, t := range x.Terms {
		for _, form := range t.Forms {
			if l.formsKnown && !c.HasForm(form.Value) {
				hint := ""
				if h := yamldoc.Closest(form.Value, c.forms); h != "" {
					hint = fmt.Sprintf(" (did you mean %q?)", h)
				}
				l.Errorf(l.ExprPos(s, form.Line, form.Col), s.Path, rules.CodeUnknownForm, "form %s is not one of the campaign's forms%s", form.Value, hint).
					With("value", form.Value).With("suggest", yamldoc.Closest(form.Value, c.forms))
				ok = false
			}
		}
	}
	if !ok {
		return nil
	}
	return x.Terms
}

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// IndicatorFacts are what an indicator filter sees of one record.
type IndicatorFacts struct {
	Form      string
	State     string
	OrgUnit   string
	CreatedAt time.Time
	// Answers as the filter sees them: the engine passes the record's
	// answers flattened (every field by key, sections kept), once per row
	// for a term that reads a repeat group's fields (engine/indicators).
	Answers map[string]any
}

// Matches reports whether the record passes the term's filter (always
// true without one). Official terms match no record.
func Matches(t rules.IndicatorTerm, r IndicatorFacts) (bool, error) {
	if t.Func == rules.TermOfficial {
		return false, nil
	}
	if t.Filter == nil {
		return true, nil
	}
	answers := r.Answers
	if answers == nil {
		answers = map[string]any{}
	}
	return t.Filter.RunBool(map[string]any{"form": r.Form, "state": r.State, "orgUnit": r.OrgUnit, "createdAt": r.CreatedAt, "answers": answers})
}

// Amount is what one record (or row) adds to a term it matches: 1 for a
// count, the number under the key t.Field in answers for a sum (0 when
// missing or not a number). The engine resolves a path in t.Field to its
// key first.
func Amount(t rules.IndicatorTerm, answers map[string]any) float64 {
	if t.Func != rules.TermSum {
		return 1
	}
	switch v := answers[t.Field].(type) {
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	}
	return 0
}
