package studio

import (
	"fmt"
	"regexp"
	"strings"
)

// Routing rules ("申请金额 > 5000 时需区县审批") use the form designer's
// condition builder. A workflow reads answers by path, answers.<path>:
// answers.amount for a top-level question, answers.household.size for a
// question in the section household. The builder's rows name a field by
// its key (keys are unique across a form) or its path, and RouteExpr
// writes the path. A field of a repeat group is refused: a record has a
// value for each row, so "the" value a routing decision would compare
// does not exist — the author adds a calculated field (a sum, a count of
// rows) and routes on that.

// RouteField is a field of the campaign's forms as the routing builder
// offers it: Key is what a row names, Path what the rule reads
// (answers.<Path>), Label the titles from the top joined by " › ". Repeat
// is the repeat group's title when the field is in one, and the builder
// refuses it.
type RouteField struct {
	Key, Path, Label string
	Repeat           string
}

// RouteFields returns every question of docs (sections, repeat groups and
// notes are containers or text, not answers), in display order.
func RouteFields(docs []*FormDoc) []RouteField {
	var out []RouteField
	seen := map[string]bool{}
	var walk func(fs []Field, path, label, repeat string)
	walk = func(fs []Field, path, label, repeat string) {
		for _, f := range fs {
			p, l := path+f.Key, label+f.Label
			switch f.Type {
			case TypeSection:
				walk(f.Children, p+".", l+" › ", repeat)
			case TypeRepeat:
				walk(f.Children, p+".", l+" › ", f.Label)
			case TypeNote:
			default:
				if !seen[f.Key] {
					seen[f.Key] = true
					out = append(out, RouteField{Key: f.Key, Path: p, Label: l, Repeat: repeat})
				}
			}
		}
	}
	for _, d := range docs {
		walk(d.Outline(), "", "", "")
	}
	return out
}

// routeField finds the field a row names, by key or path, and the form it
// is in.
func routeField(docs []*FormDoc, ref string) (*FormDoc, RouteField, bool) {
	for _, d := range docs {
		for _, f := range RouteFields([]*FormDoc{d}) {
			if f.Key == ref || f.Path == ref {
				return d, f, true
			}
		}
	}
	return nil, RouteField{}, false
}

// RouteExpr writes the expression of a routing condition over the fields
// of forms, at any depth. Problems are keyed like ConditionExpr's
// ("/rows/1/field"); a field of a repeat group is CodeRouteInRepeat.
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
		doc, f, ok := routeField(docs, r.Field)
		if !ok {
			ps = append(ps, problem{ptr: fmt.Sprintf("/rows/%d/field", i), code: CodeBadCondition, args: []any{i + 1, "unknown_field"}, reasonArgs: []int{1}})
			continue
		}
		if f.Repeat != "" {
			ps = append(ps, problem{ptr: fmt.Sprintf("/rows/%d/field", i), code: CodeRouteInRepeat, args: []any{i + 1, f.Label, f.Repeat}})
			continue
		}
		r.Field = f.Key
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
		case strings.HasPrefix(src, f.Key+" "):
			src = "answers." + f.Path + strings.TrimPrefix(src, f.Key)
		case strings.HasSuffix(src, " in "+f.Key):
			src = strings.TrimSuffix(src, f.Key) + "answers." + f.Path
		}
		parts = append(parts, src)
	}
	if len(ps) > 0 {
		return "", ps.err(lang)
	}
	return strings.Join(parts, join), nil
}

// CodeRouteInRepeat: a routing rule's row names a field of a repeat group.
const CodeRouteInRepeat = "route_field_in_repeat"

func init() {
	messages[CodeRouteInRepeat] = [2]string{
		"条件第 %d 行：“%s”是重复组“%s”里的字段，一条记录有几行就有几个值，不能用来决定转到哪一步；请在表单中添加一个计算项（如合计、行数）再按它分流",
		"condition row %d: “%s” is a field of the repeat group “%s”, which has one value per row, so it cannot decide where a record goes; add a calculated field to the form (a sum, a count of rows) and route on that",
	}
}

var answersRef = regexp.MustCompile(`\banswers\.((?:[A-Za-z_][A-Za-z0-9_]*\.)*)([A-Za-z_][A-Za-z0-9_]*)`)

// ParseRoute reads a routing condition back into builder rows, when the
// builder wrote it; ok is false for any other expression, which the page
// then shows as written.
func ParseRoute(docs []*FormDoc, src string) (c Condition, ok bool) {
	if len(docs) == 0 {
		return Condition{}, false
	}
	bare := answersRef.ReplaceAllString(src, "$2")
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
