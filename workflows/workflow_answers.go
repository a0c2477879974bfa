package workflows

import (
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Parts of a workflow that an AnswerRead names.
const (
	PartGuard = "guard" // an action's guard
	PartRoute = "route" // a routing rule's when
	PartDue   = "due"   // a state's due expression
)

// AnswerRead is one expression of a workflow that reads the record's
// answers: where it sits, and the answers it reads by path, as written
// after "answers." ("amount", "household.size"; a repeat group's rows are
// read as a whole, by the group's path). The studio names these when an
// author deletes a field they read.
type AnswerRead struct {
	State  string
	Action string // "" for a due expression
	Part   string // PartGuard, PartRoute or PartDue
	Route  int    // the index of the route among the action's routes, for PartRoute
	Paths  []string
}

// AnswerReads returns every guard, routing rule and due expression that
// reads answers, in file order.
func (w *Workflow) AnswerReads() []AnswerRead {
	var out []AnswerRead
	add := func(r AnswerRead, src string) {
		if r.Paths = AnswerPaths(src); len(r.Paths) > 0 {
			out = append(out, r)
		}
	}
	for _, name := range w.order {
		s := w.states[name]
		if s.due != nil && s.due.expr != nil {
			add(AnswerRead{State: name, Part: PartDue}, s.due.expr.Source)
		}
		for _, a := range s.actions {
			if a.guard != nil {
				add(AnswerRead{State: name, Action: a.name, Part: PartGuard}, a.guard.Source)
			}
			for i, r := range a.routes {
				if r.when != nil {
					add(AnswerRead{State: name, Action: a.name, Part: PartRoute, Route: i}, r.when.Source)
				}
			}
		}
	}
	return out
}

// AnswerPaths returns the answer paths an expression reads — every chain
// answers.a.b (or answers["a"], answers?.a) — in order of first
// appearance, shorter chains included ("household" and "household.size"
// for answers.household.size). An expression that does not parse reads
// nothing it can name.
func AnswerPaths(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	var out []string
	ast.Find(tree.Node, func(n ast.Node) bool {
		if m, ok := n.(*ast.MemberNode); ok {
			if p := answerChain(m); p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return false
	})
	return out
}

// answerChain is the path a member chain rooted at answers reads, or "".
func answerChain(m *ast.MemberNode) string {
	var keys []string
	var n ast.Node = m
	for {
		switch x := n.(type) {
		case *ast.MemberNode:
			prop, ok := x.Property.(*ast.StringNode)
			if !ok {
				return ""
			}
			keys = append(keys, prop.Value)
			n = x.Node
		case *ast.ChainNode:
			n = x.Node
		case *ast.IdentifierNode:
			if x.Value != "answers" {
				return ""
			}
			slices.Reverse(keys)
			return strings.Join(keys, ".")
		default:
			return ""
		}
	}
}
