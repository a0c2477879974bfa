package studio

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Condition operators, as the condition builder offers them.
const (
	OpEq       = "eq"       // 等于
	OpNe       = "ne"       // 不等于
	OpGt       = "gt"       // 大于
	OpLt       = "lt"       // 小于
	OpGe       = "ge"       // 大于等于
	OpLe       = "le"       // 小于等于
	OpSelected = "selected" // 已选: a multiple-choice answer includes the value
	OpEmpty    = "empty"    // 未填
	OpFilled   = "filled"   // 已填
)

// Joins of condition rows.
const (
	JoinAnd = "and" // 且
	JoinOr  = "or"  // 或
)

// Operator is one comparison of the condition builder.
type Operator struct {
	ID     string `json:"id"`
	NameZH string `json:"nameZH"`
	NameEN string `json:"nameEN"`
	Value  bool   `json:"value"` // it compares with a value
	expr   string
}

var operators = []Operator{
	{OpEq, "等于", "equals", true, "=="},
	{OpNe, "不等于", "is not", true, "!="},
	{OpGt, "大于", "is more than", true, ">"},
	{OpLt, "小于", "is less than", true, "<"},
	{OpGe, "大于等于", "is at least", true, ">="},
	{OpLe, "小于等于", "is at most", true, "<="},
	{OpSelected, "已选", "includes", true, "in"},
	{OpEmpty, "未填", "is empty", false, "== nil"},
	{OpFilled, "已填", "is answered", false, "!= nil"},
}

// Operators returns the builder's comparisons in the order it offers them.
func Operators() []Operator { return append([]Operator(nil), operators...) }

func operator(id string) (Operator, bool) {
	for _, o := range operators {
		if o.ID == id {
			return o, true
		}
	}
	return Operator{}, false
}

// OperatorsFor returns the comparisons that fit a field of palette type t.
func OperatorsFor(t string) []string {
	switch t {
	case TypeInteger, TypeDecimal, TypeDate:
		return []string{OpEq, OpNe, OpGt, OpLt, OpGe, OpLe, OpEmpty, OpFilled}
	case TypeCheckbox:
		return []string{OpSelected, OpEmpty, OpFilled}
	case TypeYesNo, TypeRadio, TypeSelect, TypeText, TypeTextarea, TypeResidentID, TypeMobile, TypeAdminCode:
		return []string{OpEq, OpNe, OpEmpty, OpFilled}
	case TypeCalculated:
		return []string{OpEq, OpNe, OpGt, OpLt, OpGe, OpLe, OpEmpty, OpFilled}
	}
	return nil
}

// Condition is what the condition builder edits: rows joined by 且 (and)
// or 或 (or). It writes x-relevant and x-required-if.
type Condition struct {
	Join string         `json:"join"` // and (default) or or; 且 and 或 are accepted
	Rows []ConditionRow `json:"rows"`
}

// ConditionRow is one comparison: a field, an operator and, for the
// operators that take one, a value as the author typed it ("female", 3,
// 2026-01-31, true).
type ConditionRow struct {
	Field string `json:"field"` // the field's key
	Op    string `json:"op"`
	Value string `json:"value,omitempty"`
}

// literal writes v as an expression literal of a field of palette type t
// and JSON type jsonType.
func literal(v, t, jsonType string) (string, bool) {
	switch {
	case jsonType == "boolean":
		switch v {
		case "true", "是":
			return "true", true
		case "false", "否":
			return "false", true
		}
		return "", false
	case jsonType == "integer":
		if _, err := strconv.Atoi(v); err != nil {
			return "", false
		}
		return v, true
	case jsonType == "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil || strings.ContainsAny(v, "eEInf") {
			return "", false
		}
		return v, true
	case t == TypeDate && !parseDate(v):
		return "", false
	}
	return quote(v), true
}

// quote writes s as a single-quoted expr string.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}

// fieldInfo returns the palette type and the value type of the field with
// key (the items' type for multiple choice).
func (d *FormDoc) fieldInfo(key string) (t, jsonType string, ok bool) {
	ptr, ok := d.Pointer(key)
	if !ok {
		return "", "", false
	}
	f, _ := d.field(ptr)
	jsonType = f.node.getString("type")
	if jsonType == "array" {
		jsonType = f.node.get("items").getString("type")
	}
	return typeOfNode(f.node), jsonType, true
}

// ConditionExpr writes the expression of a condition. Problems are keyed
// by pointers into the condition ("/rows/1/value"): bad_condition when a
// row names no field, an operator that does not fit its field, or a value
// missing or of the wrong type. Whether the fields are in scope where the
// expression goes is checked when it is saved (AddField, UpdateField).
func (d *FormDoc) ConditionExpr(c Condition) (string, error) {
	src, ps := d.conditionExpr(c)
	return src, ps.err(d.lang())
}

func (d *FormDoc) conditionExpr(c Condition) (string, problems) {
	join := " && "
	switch c.Join {
	case "", JoinAnd, "且":
	case JoinOr, "或":
		join = " || "
	default:
		return "", problems{{ptr: "/join", code: CodeBadCondition, args: []any{0, "bad_join"}, reasonArgs: []int{1}}}
	}
	if len(c.Rows) == 0 {
		return "", problems{{ptr: "/rows", code: CodeBadCondition, args: []any{0, "no_rows"}, reasonArgs: []int{1}}}
	}
	var parts []string
	var ps problems
	bad := func(i int, sub, why string) {
		ps = append(ps, problem{ptr: fmt.Sprintf("/rows/%d/%s", i, sub), code: CodeBadCondition, args: []any{i + 1, why}, reasonArgs: []int{1}})
	}
	for i, r := range c.Rows {
		t, jsonType, ok := d.fieldInfo(r.Field)
		if !ok {
			bad(i, "field", "unknown_field")
			continue
		}
		op, ok := operator(r.Op)
		if !ok {
			bad(i, "op", "unknown_op")
			continue
		}
		fits := false
		for _, o := range OperatorsFor(t) {
			fits = fits || o == op.ID
		}
		if !fits {
			bad(i, "op", "op_type")
			continue
		}
		if !op.Value {
			parts = append(parts, r.Field+" "+op.expr)
			continue
		}
		if strings.TrimSpace(r.Value) == "" {
			bad(i, "value", "value_missing")
			continue
		}
		lit, ok := literal(strings.TrimSpace(r.Value), t, jsonType)
		if !ok {
			bad(i, "value", "value_bad")
			continue
		}
		if op.ID == OpSelected {
			parts = append(parts, lit+" in "+r.Field)
		} else {
			parts = append(parts, r.Field+" "+op.expr+" "+lit)
		}
	}
	if len(ps) > 0 {
		return "", ps
	}
	return strings.Join(parts, join), nil
}

// ParseCondition reads an expression back into builder rows, when it is
// one the builder writes (rows of comparisons joined by one of && or
// ||). ok is false for any other expression; the page then shows it as
// written.
func (d *FormDoc) ParseCondition(src string) (c Condition, ok bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return Condition{}, false
	}
	var leaves []ast.Node
	var flatten func(n ast.Node, op string) bool
	flatten = func(n ast.Node, op string) bool {
		if b, isBin := n.(*ast.BinaryNode); isBin && isJoin(b.Operator) {
			if op != "" && joinOf(b.Operator) != op {
				return false
			}
			c.Join = joinOf(b.Operator)
			return flatten(b.Left, c.Join) && flatten(b.Right, c.Join)
		}
		leaves = append(leaves, n)
		return true
	}
	if !flatten(tree.Node, "") {
		return Condition{}, false
	}
	if c.Join == "" {
		c.Join = JoinAnd
	}
	for _, n := range leaves {
		row, ok := rowOf(n)
		if !ok {
			return Condition{}, false
		}
		c.Rows = append(c.Rows, row)
	}
	// Only what the builder would write back the same way is a builder
	// condition: anything else (parentheses, 1.0 for 1) stays an expression.
	again, ps := d.conditionExpr(c)
	if len(ps) > 0 || strings.Join(strings.Fields(again), "") != strings.Join(strings.Fields(src), "") {
		return Condition{}, false
	}
	return c, true
}

func isJoin(op string) bool { return op == "&&" || op == "||" || op == "and" || op == "or" }

func joinOf(op string) string {
	if op == "&&" || op == "and" {
		return JoinAnd
	}
	return JoinOr
}

func literalText(n ast.Node) (string, bool) {
	switch l := n.(type) {
	case *ast.StringNode:
		return l.Value, true
	case *ast.IntegerNode:
		return strconv.Itoa(l.Value), true
	case *ast.FloatNode:
		return strconv.FormatFloat(l.Value, 'f', -1, 64), true
	case *ast.BoolNode:
		return strconv.FormatBool(l.Value), true
	}
	return "", false
}

func rowOf(n ast.Node) (ConditionRow, bool) {
	b, ok := n.(*ast.BinaryNode)
	if !ok {
		return ConditionRow{}, false
	}
	if b.Operator == "in" {
		id, ok := b.Right.(*ast.IdentifierNode)
		v, okv := literalText(b.Left)
		if !ok || !okv {
			return ConditionRow{}, false
		}
		return ConditionRow{Field: id.Value, Op: OpSelected, Value: v}, true
	}
	id, ok := b.Left.(*ast.IdentifierNode)
	if !ok {
		return ConditionRow{}, false
	}
	if _, isNil := b.Right.(*ast.NilNode); isNil {
		switch b.Operator {
		case "==":
			return ConditionRow{Field: id.Value, Op: OpEmpty}, true
		case "!=":
			return ConditionRow{Field: id.Value, Op: OpFilled}, true
		}
		return ConditionRow{}, false
	}
	v, ok := literalText(b.Right)
	if !ok {
		return ConditionRow{}, false
	}
	for _, o := range operators {
		if o.expr == b.Operator && o.Value && o.ID != OpSelected {
			return ConditionRow{Field: id.Value, Op: o.ID, Value: v}, true
		}
	}
	return ConditionRow{}, false
}
