package xlsform

import (
	"errors"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

var errNoXPath = errors.New("no XPath form")

// toXPath translates a rules-language expression into XLSForm's XPath, the
// inverse of toRules on everything toRules writes. An expression with no
// XPath form comes back as ExprPrefix + src, which toRules reads verbatim.
func toXPath(src string, cx *exprContext) string {
	tree, err := parser.Parse(src)
	if err == nil {
		if s, _, err := cx.xpath(tree.Node); err == nil {
			// Only keep the translation when it reads back the same.
			if back, err := toRules(s, cx); err == nil && sameRules(back, src) {
				return s
			}
		}
	}
	return ExprPrefix + " " + src
}

// sameRules reports whether two rules-language expressions parse to the
// same tree.
func sameRules(a, b string) bool {
	ta, err1 := parser.Parse(a)
	tb, err2 := parser.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return normalizeRules(ta.Node.String()) == normalizeRules(tb.Node.String())
}

func normalizeRules(s string) string {
	return strings.NewReplacer(" and ", " && ", " or ", " || ", "not ", "!").Replace(s)
}

// XPath precedence: or 1, and 2, = != 3, < <= > >= 4, + - 5, * div mod 6.
func xpathPrec(op string) int {
	switch op {
	case "or":
		return 1
	case "and":
		return 2
	case "=", "!=":
		return 3
	case "<", "<=", ">", ">=":
		return 4
	case "+", "-":
		return 5
	case "*", "div", "mod":
		return 6
	}
	return 9
}

func xquote(s string) (string, error) {
	if !strings.Contains(s, "'") {
		return "'" + s + "'", nil
	}
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`, nil
	}
	return "", errNoXPath
}

// unwrapNil returns X of "X ?? ”" (or of "X ?? []" when list).
func unwrapNil(n ast.Node, list bool) (ast.Node, bool) {
	b, ok := n.(*ast.BinaryNode)
	if !ok || b.Operator != "??" {
		return nil, false
	}
	if list {
		if a, ok := b.Right.(*ast.ArrayNode); ok && len(a.Nodes) == 0 {
			return b.Left, true
		}
		return nil, false
	}
	if s, ok := b.Right.(*ast.StringNode); ok && s.Value == "" {
		return b.Left, true
	}
	return nil, false
}

func (cx *exprContext) x(n ast.Node, min int) (string, error) {
	s, p, err := cx.xpath(n)
	if err != nil {
		return "", err
	}
	if p < min {
		return "(" + s + ")", nil
	}
	return s, nil
}

func (cx *exprContext) xargs(ns ...ast.Node) (string, error) {
	parts := make([]string, len(ns))
	for i, a := range ns {
		s, err := cx.x(a, 0)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	return strings.Join(parts, ", "), nil
}

func (cx *exprContext) xpath(n ast.Node) (string, int, error) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		switch {
		case n.Value == "refTime":
			return "today()", 9, nil
		case n.Value == "choice" && cx.choices:
			return "name", 9, nil
		case cx.fields[n.Value] != nil:
			if cx.self != nil && n.Value == cx.self.key && cx.self.kind != "group" && cx.self.kind != "repeat" {
				return ".", 9, nil
			}
			return "${" + n.Value + "}", 9, nil
		}
	case *ast.IntegerNode:
		return strconv.Itoa(n.Value), 9, nil
	case *ast.FloatNode:
		s := strconv.FormatFloat(n.Value, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0" // stays a float when read back
		}
		return s, 9, nil
	case *ast.StringNode:
		s, err := xquote(n.Value)
		return s, 9, err
	case *ast.BoolNode:
		return strconv.FormatBool(n.Value) + "()", 9, nil
	case *ast.MemberNode:
		if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == "choiceData" && cx.choices {
			if p, ok := n.Property.(*ast.StringNode); ok && keyLike(p.Value) {
				return p.Value, 9, nil
			}
		}
	case *ast.UnaryNode:
		switch n.Operator {
		case "!", "not":
			s, err := cx.x(n.Node, 0)
			return "not(" + s + ")", 9, err
		case "-":
			s, err := cx.x(n.Node, 9)
			return "-" + s, 8, err
		}
	case *ast.ConditionalNode:
		a, err := cx.xargs(n.Cond, n.Exp1, n.Exp2)
		return "if(" + a + ")", 9, err
	case *ast.BinaryNode:
		return cx.xbinary(n)
	case *ast.BuiltinNode:
		return cx.xbuiltin(n)
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		if !ok {
			break
		}
		switch {
		case id.Value == "roundHalfUp" && len(n.Arguments) == 2:
			if i, ok := n.Arguments[1].(*ast.IntegerNode); ok && i.Value == 0 {
				a, err := cx.xargs(n.Arguments[0])
				return "round(" + a + ")", 9, err
			}
			a, err := cx.xargs(n.Arguments...)
			return "round(" + a + ")", 9, err
		case id.Value == "daysBetween" && len(n.Arguments) == 2:
			if s, ok := n.Arguments[0].(*ast.StringNode); ok && s.Value == "1970-01-01" {
				a, err := cx.xargs(n.Arguments[1])
				return "decimal-date-time(" + a + ")", 9, err
			}
		case id.Value == "date" && len(n.Arguments) == 1:
			if f, ok := n.Arguments[0].(*ast.IdentifierNode); ok && cx.fields[f.Value] != nil && cx.fields[f.Value].kind == "date" {
				return cx.xpath(f) // comparisons wrap date questions again on import
			}
		}
		if canvassFuncs[id.Value] {
			a, err := cx.xargs(n.Arguments...)
			return id.Value + "(" + a + ")", 9, err
		}
	}
	return "", 0, errNoXPath
}

func (cx *exprContext) xbinary(n *ast.BinaryNode) (string, int, error) {
	switch n.Operator {
	case "??":
		a, err := cx.xargs(n.Left, n.Right)
		return "coalesce(" + a + ")", 9, err
	case "in":
		if x, ok := unwrapNil(n.Right, true); ok {
			a, err := cx.xargs(x, n.Left)
			return "selected(" + a + ")", 9, err
		}
		return "", 0, errNoXPath
	case "matches", "contains", "startsWith":
		x, ok := unwrapNil(n.Left, false)
		if !ok {
			return "", 0, errNoXPath
		}
		f := map[string]string{"matches": "regex", "contains": "contains", "startsWith": "starts-with"}[n.Operator]
		a, err := cx.xargs(x, n.Right)
		return f + "(" + a + ")", 9, err
	case "==", "!=":
		if _, ok := n.Right.(*ast.NilNode); ok {
			s, err := cx.x(n.Left, 4)
			return s + " " + map[string]string{"==": "=", "!=": "!="}[n.Operator] + " ''", 3, err
		}
	case "+":
		if parts, ok := concatParts(n); ok {
			a, err := cx.xargs(parts...)
			return "concat(" + a + ")", 9, err
		}
		if i, ok := n.Right.(*ast.IntegerNode); ok && i.Value == 1 {
			if id, ok := n.Left.(*ast.IdentifierNode); ok && id.Value == "rowIndex" {
				return "position(..)", 9, nil
			}
		}
	}
	op, ok := map[string]string{"||": "or", "or": "or", "&&": "and", "and": "and", "==": "=", "!=": "!=",
		"<": "<", "<=": "<=", ">": ">", ">=": ">=", "+": "+", "-": "-", "*": "*", "/": "div", "%": "mod"}[n.Operator]
	if !ok {
		return "", 0, errNoXPath
	}
	p := xpathPrec(op)
	l, err := cx.x(n.Left, p)
	if err != nil {
		return "", 0, err
	}
	r, err := cx.x(n.Right, p+1)
	return l + " " + op + " " + r, p, err
}

// concatParts recognises string(a ?? ”) + string(b ?? ”) + …
func concatParts(n ast.Node) ([]ast.Node, bool) {
	if b, ok := n.(*ast.BinaryNode); ok && b.Operator == "+" {
		l, ok1 := concatParts(b.Left)
		r, ok2 := concatParts(b.Right)
		return append(l, r...), ok1 && ok2
	}
	if s, ok := n.(*ast.StringNode); ok {
		return []ast.Node{s}, true
	}
	if b, ok := n.(*ast.BuiltinNode); ok && b.Name == "string" && len(b.Arguments) == 1 {
		if x, ok := unwrapNil(b.Arguments[0], false); ok {
			return []ast.Node{x}, true
		}
	}
	return nil, false
}

func (cx *exprContext) xbuiltin(n *ast.BuiltinNode) (string, int, error) {
	switch {
	case n.Name == "len" && len(n.Arguments) == 1:
		if x, ok := unwrapNil(n.Arguments[0], false); ok {
			a, err := cx.xargs(x)
			return "string-length(" + a + ")", 9, err
		}
		if x, ok := unwrapNil(n.Arguments[0], true); ok {
			if id, ok := x.(*ast.IdentifierNode); ok && cx.fields[id.Value] != nil {
				f := "count-selected"
				if cx.fields[id.Value].kind == "repeat" {
					f = "count"
				}
				return f + "(${" + id.Value + "})", 9, nil
			}
		}
	case n.Name == "int" && len(n.Arguments) == 1:
		a, err := cx.xargs(n.Arguments...)
		return "int(" + a + ")", 9, err
	case n.Name == "sum" && len(n.Arguments) == 2:
		g, ok := unwrapNil(n.Arguments[0], true)
		pr, ok2 := n.Arguments[1].(*ast.PredicateNode)
		if !ok || !ok2 {
			break
		}
		b, ok := pr.Node.(*ast.BinaryNode)
		if !ok || b.Operator != "??" {
			break
		}
		if z, ok := b.Right.(*ast.IntegerNode); !ok || z.Value != 0 {
			break
		}
		m, ok := b.Left.(*ast.MemberNode)
		if !ok {
			break
		}
		prop, ok := m.Property.(*ast.StringNode)
		gid, ok2 := g.(*ast.IdentifierNode)
		if ok && ok2 && cx.fields[prop.Value] != nil && cx.fields[prop.Value].repeat == gid.Value {
			return "sum(${" + prop.Value + "})", 9, nil
		}
	}
	return "", 0, errNoXPath
}

func keyLike(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
