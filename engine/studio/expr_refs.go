package studio

import (
	"slices"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// ExpressionKeys are the keys of a field whose values are expressions over
// other fields. References are looked for in these, and nowhere else.
var ExpressionKeys = []string{"x-relevant", "x-required-if", "x-constraint", "x-calculate", "x-choice-filter"}

// ref is one place an expression names a field: an identifier (a field in
// scope) or a row member (.childAge inside count(children, …), row.childAge).
type ref struct {
	name     string
	from, to int // rune offsets in the source
	member   bool
}

// refVisitor collects refs. Callees of function calls are names of
// functions, not fields.
type refVisitor struct {
	refs    []ref
	callees map[ast.Node]bool
}

func (v *refVisitor) Visit(np *ast.Node) {
	switch n := (*np).(type) {
	case *ast.CallNode:
		v.callees[n.Callee] = true
	case *ast.IdentifierNode:
		if !v.callees[n] {
			loc := n.Location()
			v.refs = append(v.refs, ref{name: n.Value, from: loc.From, to: loc.To})
		}
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			return
		}
		rowish := false
		switch base := n.Node.(type) {
		case *ast.PointerNode:
			rowish = base.Name == ""
		case *ast.IdentifierNode:
			rowish = base.Value == "row"
		}
		if rowish {
			loc := prop.Location()
			v.refs = append(v.refs, ref{name: prop.Value, from: loc.From, to: loc.To, member: true})
		}
	}
}

// refsOf parses src and returns every field it may name. ok is false when
// src does not parse.
func refsOf(src string) (refs []ref, ok bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, false
	}
	// Walk visits children before parents; collect callees in a first pass.
	v := &refVisitor{callees: map[ast.Node]bool{}}
	ast.Walk(&tree.Node, &calleeVisitor{v.callees})
	ast.Walk(&tree.Node, v)
	return v.refs, true
}

type calleeVisitor struct{ callees map[ast.Node]bool }

func (c *calleeVisitor) Visit(np *ast.Node) {
	if n, ok := (*np).(*ast.CallNode); ok {
		c.callees[n.Callee] = true
	}
}

// names reports whether src names any of keys. Row members count only for
// keys in rowKeys (fields of a repeat group).
func names(src string, keys, rowKeys map[string]bool) []string {
	refs, ok := refsOf(src)
	if !ok {
		return nil
	}
	var out []string
	for _, r := range refs {
		if (!r.member && keys[r.name]) || (r.member && rowKeys[r.name]) {
			if !slices.Contains(out, r.name) {
				out = append(out, r.name)
			}
		}
	}
	return out
}

// renameRefs rewrites src so that the fields in renames (old key → new
// key) are named by their new keys. Row members are renamed only for keys
// in rowKeys. Text that is not a reference — strings, functions, other
// names — is untouched.
func renameRefs(src string, renames map[string]string, rowKeys map[string]bool) string {
	refs, ok := refsOf(src)
	if !ok {
		return src
	}
	runes := []rune(src)
	slices.SortFunc(refs, func(a, b ref) int { return b.from - a.from })
	for _, r := range refs {
		to, hit := renames[r.name]
		if !hit || (r.member && !rowKeys[r.name]) || r.from < 0 || r.to > len(runes) || string(runes[r.from:r.to]) != r.name {
			continue
		}
		runes = slices.Concat(runes[:r.from], []rune(to), runes[r.to:])
	}
	return string(runes)
}
