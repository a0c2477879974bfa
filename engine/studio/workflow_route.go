package studio

import (
	"fmt"
	"regexp"
	"strings"
)

// Routing rules ("申请金额 > 5000 时需区县审批") use the form designer's
// condition builder. A workflow reads answers as answers.<key>, so the
// builder's rows are written against the campaign's forms and each field
// is prefixed; only top-level questions can be named (a section's fields
// are answers.<section>.<key>, which the builder does not write).

// RouteExpr writes the expression of a routing condition over the
// top-level fields of forms. Problems are keyed like ConditionExpr's
// ("/rows/1/field").
func RouteExpr(docs []*FormDoc, c Condition, lang string) (string, error) {
	join := " && "
	switch c.Join {
	case "", JoinAnd, "且":
	case JoinOr, "或":
		join = " || "
	default:
		return "", problems{{ptr: "/join", code: CodeBadCondition, args: []any{0, "bad_join"}, reasonArgs: []int{1}}}.err(lang)
	}
	if len(c.Rows) == 0 {
		return "", problems{{ptr: "/rows", code: CodeBadCondition, args: []any{0, "no_rows"}, reasonArgs: []int{1}}}.err(lang)
	}
	var parts []string
	var ps problems
	for i, r := range c.Rows {
		doc := topLevelOwner(docs, r.Field)
		if doc == nil {
			ps = append(ps, problem{ptr: fmt.Sprintf("/rows/%d/field", i), code: CodeBadCondition, args: []any{i + 1, "unknown_field"}, reasonArgs: []int{1}})
			continue
		}
		src, rps := doc.conditionExpr(Condition{Rows: []ConditionRow{r}})
		if len(rps) > 0 {
			for _, p := range rps {
				p.ptr = strings.Replace(p.ptr, "/rows/0/", fmt.Sprintf("/rows/%d/", i), 1)
				p.args = []any{i + 1, p.args[1]}
				ps = append(ps, p)
			}
			continue
		}
		switch {
		case strings.HasPrefix(src, r.Field+" "):
			src = "answers." + src
		case strings.HasSuffix(src, " in "+r.Field):
			src = strings.TrimSuffix(src, r.Field) + "answers." + r.Field
		}
		parts = append(parts, src)
	}
	if len(ps) > 0 {
		return "", ps.err(lang)
	}
	return strings.Join(parts, join), nil
}

// topLevelOwner returns the form whose top-level questions include key.
func topLevelOwner(docs []*FormDoc, key string) *FormDoc {
	for _, d := range docs {
		for _, f := range d.Outline() {
			if f.Key == key && f.Type != TypeSection && f.Type != TypeRepeat {
				return d
			}
		}
	}
	return nil
}

var answersRef = regexp.MustCompile(`\banswers\.([A-Za-z_][A-Za-z0-9_]*)`)

// ParseRoute reads a routing condition back into builder rows, when the
// builder wrote it; ok is false for any other expression, which the page
// then shows as written.
func ParseRoute(docs []*FormDoc, src string) (c Condition, ok bool) {
	if len(docs) == 0 {
		return Condition{}, false
	}
	bare := answersRef.ReplaceAllString(src, "$1")
	for _, d := range docs {
		if c, ok = d.ParseCondition(bare); ok {
			break
		}
	}
	if !ok {
		// Rows over several forms: each row must parse in its own form.
		return Condition{}, false
	}
	again, err := RouteExpr(docs, c, "")
	if err != nil || strings.Join(strings.Fields(again), "") != strings.Join(strings.Fields(src), "") {
		return Condition{}, false
	}
	return c, true
}
