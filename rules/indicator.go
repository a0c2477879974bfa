package rules

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
)

// Indicator expressions. One side of an indicator (its numerator or its
// denominator) is a sum of terms, each one of
//
//	count(filter)          records the filter holds for
//	sum("field", filter)   the numeric answer field summed over those records
//	official("key")        an imported official figure
//
// joined by + and -. A filter is a bool expression over ONE record: the
// variables of IndicatorEnv (form, state, orgUnit, createdAt, answers).
// Because every term is a sum over records (or a figure), a side adds up
// over org units and periods, which is what lets counters be kept per
// record and rolled up the tree. Anything else — a division, a product, a
// constant, a function of a count — has no such sum and is refused.

// Terms of an indicator side.
const (
	TermCount    = "count"
	TermSum      = "sum"
	TermOfficial = "official"
)

// Codes of an indicator's CompileError, besides the Code… ones.
const (
	CodeIndicatorShape    = "indicator_shape"    // not a sum of count/sum/official terms
	CodeIndicatorDivision = "indicator_division" // a division inside a side
)

// IndicatorTerm is one term of an indicator side.
type IndicatorTerm struct {
	Sign  int    // +1 or -1
	Func  string // TermCount, TermSum or TermOfficial
	Field string // TermSum: the answer field summed, by key or path ("care.childCount")
	Key   string // TermOfficial: the official figure's key
	// Filter says which records count; nil means every record of the
	// campaign. Its Source is the filter as written.
	Filter *Program
	// Forms are the form IDs the filter compares form with (form ==
	// "birth", form in ["a", "b"]), for lint to check; States the states
	// it compares state with and Answers the answer fields it reads, as
	// paths (answers.birth.childSex reads "birth.childSex"), for the
	// publish-time check against the workflow and forms.
	Forms   []Literal
	States  []Literal
	Answers []Literal
	Line    int // position of the term in the source, 1-based
	Col     int
}

// Literal is a string literal of an expression and where it is.
type Literal struct {
	Value     string
	Line, Col int
}

// IndicatorExpr is a compiled indicator side.
type IndicatorExpr struct {
	Source string
	Terms  []IndicatorTerm
}

// IndicatorEnv returns the environment of indicator filters: one record's
// form ID, workflow state, org-unit code, creation time and answers (as
// stored: personal-data fields are ciphertext, so filter on them with
// != nil only).
func IndicatorEnv() *Env {
	return NewEnv(KindIndicator).
		Var("form", "").
		Var("state", "").
		Var("orgUnit", "").
		Var("createdAt", time.Time{}).
		Var("answers", map[string]any{})
}

var (
	indicatorFieldPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}(\.[A-Za-z][A-Za-z0-9_]{0,63}){0,7}$`)
	indicatorKeyPattern   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// indicatorFuncs are count, sum and official as the checker sees them;
// they are never run (only the filters are compiled).
var indicatorFuncs = []expr.Option{
	expr.Function(TermCount, notRun, new(func(any) float64), new(func() float64)),
	expr.Function(TermSum, notRun, new(func(any, any) float64), new(func(any) float64)),
	expr.Function(TermOfficial, notRun, new(func(any) float64)),
}

func notRun(...any) (any, error) {
	return nil, errors.New("rules: indicator terms are counted, not run")
}

// CompileIndicator checks one indicator side against env (IndicatorEnv,
// usually) and compiles the filter of each of its terms. Errors are
// *CompileError, positioned in src.
func CompileIndicator(src string, env *Env) (_ *IndicatorExpr, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &CompileError{Line: 1, Col: 1, Code: CodeTypeMismatch, Message: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	if env == nil {
		env = IndicatorEnv()
	}
	if len(src) > MaxSourceBytes {
		return nil, &CompileError{Line: 1, Col: 1, Code: CodeTooComplex,
			Message: fmt.Sprintf("expression is longer than %d bytes", MaxSourceBytes)}
	}
	config := newConfig(env)
	for _, op := range indicatorFuncs {
		op(config)
	}
	tree, err := parser.ParseWithConfig(src, config)
	if err != nil {
		return nil, compileError(err, CodeSyntax, src)
	}
	if err := checkNames(tree); err != nil {
		return nil, err
	}
	// The shape first: a division deserves its own message before the
	// checker says anything about the operands.
	c := &indicatorCompiler{src: tree.Source}
	c.terms(tree.Node, 1)
	if c.err != nil {
		return nil, c.err
	}
	if _, err := new(checker.Checker).PatchAndCheck(tree, config); err != nil {
		return nil, compileError(err, CodeTypeMismatch, src)
	}
	out := &IndicatorExpr{Source: src}
	for _, t := range c.found {
		term := IndicatorTerm{Sign: t.sign, Func: t.call.Callee.(*ast.IdentifierNode).Value}
		term.Line, term.Col = c.pos(t.call)
		args := t.call.Arguments
		var filter ast.Node
		switch term.Func {
		case TermCount:
			if len(args) == 1 {
				filter = args[0]
			}
		case TermSum:
			name, err := c.literal(args[0], indicatorFieldPattern, "sum's first argument is the answer field to add up, as a quoted key or path: sum(\"childCount\", …) or sum(\"care.childCount\", …)")
			if err != nil {
				return nil, err
			}
			term.Field = name
			if len(args) == 2 {
				filter = args[1]
			}
		case TermOfficial:
			key, err := c.literal(args[0], indicatorKeyPattern, "official's argument is the figure's key, as a quoted lower-case name: official(\"births\")")
			if err != nil {
				return nil, err
			}
			term.Key = key
		}
		if filter != nil {
			// Read before compiling, which patches the tree.
			term.States, term.Answers = comparedLiterals(tree.Source, filter, "state"), answerKeys(tree.Source, filter)
			p, forms, err := compileFilter(tree.Source, filter, env)
			if err != nil {
				return nil, err
			}
			term.Filter, term.Forms = p, forms
		}
		out.Terms = append(out.Terms, term)
	}
	return out, nil
}

type foundTerm struct {
	sign int
	call *ast.CallNode
}

type indicatorCompiler struct {
	src   file.Source
	found []foundTerm
	err   *CompileError
}

func (c *indicatorCompiler) pos(n ast.Node) (int, int) {
	fe := (&file.Error{Location: n.Location()}).Bind(c.src)
	return fe.Line, fe.Column + 1
}

func (c *indicatorCompiler) fail(n ast.Node, code, format string, args ...any) {
	if c.err != nil {
		return
	}
	line, col := c.pos(n)
	c.err = &CompileError{Line: line, Col: col, Code: code, Message: fmt.Sprintf(format, args...)}
}

// terms collects the terms of n, a sum, with sign.
func (c *indicatorCompiler) terms(n ast.Node, sign int) {
	switch n := n.(type) {
	case *ast.BinaryNode:
		switch n.Operator {
		case "+", "-":
			c.terms(n.Left, sign)
			if n.Operator == "-" {
				sign = -sign
			}
			c.terms(n.Right, sign)
			return
		case "/", "%":
			c.fail(n, CodeIndicatorDivision, "a side must not divide: the indicator divides the numerator by the denominator itself, after adding them up over org units")
			return
		}
	case *ast.UnaryNode:
		switch n.Operator {
		case "-":
			c.terms(n.Node, -sign)
			return
		case "+":
			c.terms(n.Node, sign)
			return
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			switch id.Value {
			case TermCount, TermSum, TermOfficial:
				lo, hi, usage := arity(id.Value)
				if len(n.Arguments) < lo || len(n.Arguments) > hi {
					c.fail(n, CodeIndicatorShape, "write %s", usage)
					return
				}
				c.found = append(c.found, foundTerm{sign, n})
				return
			}
		}
	}
	c.fail(n, CodeIndicatorShape, "a side is a sum of count(filter), sum(\"field\", filter) and official(\"key\") terms joined by + and -")
}

// arity returns the numbers of arguments a term takes and how to write it.
func arity(fn string) (lo, hi int, usage string) {
	switch fn {
	case TermCount:
		return 0, 1, "count(filter), or count() for every record"
	case TermSum:
		return 1, 2, `sum("field", filter), or sum("field") over every record`
	}
	return 1, 1, `official("key")`
}

// literal returns the string literal n, matching pattern.
func (c *indicatorCompiler) literal(n ast.Node, pattern *regexp.Regexp, help string) (string, error) {
	s, ok := n.(*ast.StringNode)
	if !ok || !pattern.MatchString(s.Value) {
		line, col := c.pos(n)
		return "", &CompileError{Line: line, Col: col, Code: CodeTypeMismatch, Message: help}
	}
	return s.Value, nil
}

// compileFilter compiles node, a checked sub-tree of a side, as a bool
// program on its own.
func compileFilter(src file.Source, node ast.Node, env *Env) (_ *Program, forms []Literal, err error) {
	cfg := newConfig(env)
	for _, op := range indicatorFuncs {
		op(cfg)
	}
	if t := node.Type(); t != nil && t.Kind() != reflect.Bool && t.Kind() != reflect.Interface {
		fe := (&file.Error{Location: node.Location()}).Bind(src)
		return nil, nil, &CompileError{Line: fe.Line, Col: fe.Column + 1, Code: CodeWrongResult,
			Message: fmt.Sprintf("a filter is a condition on one record; this one is %s, want bool", typeLabel(t)),
			Args:    resultArgs(typeLabel(t), ResultBool.String())}
	}
	var nested *CompileError
	ast.Find(node, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallNode); ok && nested == nil {
			if id, ok := call.Callee.(*ast.IdentifierNode); ok && (id.Value == TermCount || id.Value == TermSum || id.Value == TermOfficial) {
				fe := (&file.Error{Location: call.Location()}).Bind(src)
				nested = &CompileError{Line: fe.Line, Col: fe.Column + 1, Code: CodeIndicatorShape,
					Message: fmt.Sprintf("a filter is a condition on one record; it cannot use %s()", id.Value)}
			}
		}
		return false
	})
	if nested != nil {
		return nil, nil, nested
	}
	forms = formLiterals(src, node)
	text := node.String()
	tree := &parser.Tree{Node: node, Source: src}
	idents := identifiers(tree.Node, env)
	ast.Walk(&tree.Node, guard{})
	expr.AsBool()(cfg)
	if err := optimizer.Optimize(&tree.Node, cfg); err != nil {
		return nil, nil, compileError(err, CodeTypeMismatch, src.String())
	}
	program, err := compiler.Compile(tree, cfg)
	if err != nil {
		return nil, nil, compileError(err, CodeTypeMismatch, src.String())
	}
	types := make(map[string]reflect.Type, len(idents))
	for _, name := range idents {
		types[name] = env.vars[name]
	}
	return &Program{Source: text, Kind: env.kind, Result: ResultBool, program: program, idents: idents, types: types}, forms, nil
}

// formLiterals returns the strings the filter compares the variable form
// with: form == "x", "x" == form, form in ["x", "y"].
func formLiterals(src file.Source, node ast.Node) []Literal {
	return comparedLiterals(src, node, "form")
}

// comparedLiterals returns the strings the filter compares the variable
// name with: name == "x", "x" == name, name in ["x", "y"].
func comparedLiterals(src file.Source, node ast.Node, name string) []Literal {
	var out []Literal
	for _, s := range comparedStrings(node, name) {
		fe := (&file.Error{Location: s.Location()}).Bind(src)
		out = append(out, Literal{Value: s.Value, Line: fe.Line, Col: fe.Column + 1})
	}
	return out
}

// comparedStrings returns the string nodes compared with the variable
// name: name == "x", "x" == name, name != "x", name in ["x", "y"].
func comparedStrings(node ast.Node, name string) []*ast.StringNode {
	var out []*ast.StringNode
	add := func(n ast.Node) {
		if s, ok := n.(*ast.StringNode); ok {
			out = append(out, s)
		}
	}
	isName := func(n ast.Node) bool {
		id, ok := n.(*ast.IdentifierNode)
		return ok && id.Value == name
	}
	ast.Find(node, func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryNode)
		if !ok {
			return false
		}
		switch b.Operator {
		case "==", "!=":
			if isName(b.Left) {
				add(b.Right)
			} else if isName(b.Right) {
				add(b.Left)
			}
		case "in", "not in":
			if isName(b.Left) {
				if arr, ok := b.Right.(*ast.ArrayNode); ok {
					for _, n := range arr.Nodes {
						add(n)
					}
				}
			}
		}
		return false
	})
	return out
}

// answerKeys returns the answer fields the filter reads, as paths:
// answers.x and answers["x"] read "x", answers.x.y reads "x.y". Each is
// placed at its first key.
func answerKeys(src file.Source, node ast.Node) []Literal {
	type chain struct {
		root  ast.Node // the answers identifier
		keys  []string
		first *ast.StringNode
	}
	var chains []chain
	ast.Find(node, func(n ast.Node) bool {
		m, ok := n.(*ast.MemberNode)
		if !ok {
			return false
		}
		var keys []string
		var first *ast.StringNode
		var cur ast.Node = m
		for {
			mm, ok := cur.(*ast.MemberNode)
			if !ok {
				break
			}
			p, ok := mm.Property.(*ast.StringNode)
			if !ok {
				keys, first = nil, nil // answers[x]: only what follows a computed key is unknown
			} else {
				keys, first = append([]string{p.Value}, keys...), p
			}
			cur = mm.Node
		}
		if id, ok := cur.(*ast.IdentifierNode); ok && id.Value == "answers" && len(keys) > 0 {
			chains = append(chains, chain{id, keys, first})
		}
		return false
	})
	// ast.Find meets answers.x.y and then answers.x: keep the longest chain
	// of each answers.
	var out []Literal
	seen := map[ast.Node]bool{}
	for i, c := range chains {
		longest := true
		for j, d := range chains {
			if i != j && d.root == c.root && len(d.keys) > len(c.keys) {
				longest = false
			}
		}
		if longest && !seen[c.root] {
			seen[c.root] = true
			fe := (&file.Error{Location: c.first.Location()}).Bind(src)
			out = append(out, Literal{Value: strings.Join(c.keys, "."), Line: fe.Line, Col: fe.Column + 1})
		}
	}
	return out
}
