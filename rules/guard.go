package rules

import (
	"errors"
	"reflect"
	"slices"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// Limits on one run of a Program, on top of MaxNodes and MemoryBudget.
// They exist so that an expression cannot hang or exhaust a server, by
// accident (a loop over a big range inside another) or on purpose.
const (
	// MaxSteps caps the iterations of every predicate (map, filter, all,
	// reduce, sortBy…) in one run, nested loops multiplying, plus the
	// elements visited when comparing, printing or aggregating nested lists.
	MaxSteps = 1_000_000
	// MaxStringBytes caps the bytes of strings an expression builds in one
	// run (concatenation, repeat, join, replace, string, upper, split…),
	// summed.
	MaxStringBytes = 32 << 20
	// MaxNesting caps how deeply lists and maps may nest when a value is
	// compared, printed or flattened.
	MaxNesting = 100
	// MaxRunTime is a last-resort wall-clock limit, checked between
	// predicate iterations.
	MaxRunTime = 2 * time.Second
)

// Errors from the run-time limits; Run wraps them with the position.
var (
	ErrStepBudget   = errors.New("step budget exceeded")
	ErrStringBudget = errors.New("string budget exceeded")
	ErrNesting      = errors.New("lists nested too deeply")
	ErrRunTime      = errors.New("run time exceeded")
)

// runVar is the hidden variable holding the run state. Users cannot name
// it: identifiers starting with "$" are refused at compile time.
const runVar = "$run"

// runState is the per-run accounting the guard functions charge.
type runState struct {
	steps      int
	sinceClock int // steps since the clock was last read
	bytes      int
	deadline   time.Time
}

func newRunState() *runState {
	return &runState{deadline: time.Now().Add(MaxRunTime)}
}

func (r *runState) step(n int) error {
	r.steps += n
	if r.steps > MaxSteps {
		return ErrStepBudget
	}
	r.sinceClock += n
	if r.sinceClock >= 4096 {
		r.sinceClock = 0
		if time.Now().After(r.deadline) {
			return ErrRunTime
		}
	}
	return nil
}

func (r *runState) alloc(n int) error {
	r.bytes += n
	if n < 0 || r.bytes > MaxStringBytes {
		return ErrStringBudget
	}
	return nil
}

// charge walks v, charging one step per list element or map entry and,
// when withBytes, the bytes of every string in it, so that work
// proportional to v's full size (deep comparison, printing, flattening) is
// paid for before it is done, shared sub-lists counted each time they
// appear.
func (r *runState) charge(v any, withBytes bool) error {
	type item struct {
		v     reflect.Value
		depth int
	}
	switch v := v.(type) {
	case nil, bool, int, int64, float64, time.Time, time.Duration:
		return nil
	case string:
		if withBytes {
			return r.alloc(len(v))
		}
		return nil
	}
	stack := []item{{reflect.ValueOf(v), 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		val := it.v
		for val.Kind() == reflect.Interface || val.Kind() == reflect.Pointer {
			if val.IsNil() {
				break
			}
			val = val.Elem()
		}
		switch val.Kind() {
		case reflect.String:
			if withBytes {
				if err := r.alloc(val.Len()); err != nil {
					return err
				}
			}
		case reflect.Slice, reflect.Array:
			if it.depth >= MaxNesting {
				return ErrNesting
			}
			if err := r.step(val.Len()); err != nil {
				return err
			}
			if elem := val.Type().Elem().Kind(); isScalarKind(elem) && (elem != reflect.String || !withBytes) {
				continue
			}
			for i := 0; i < val.Len(); i++ {
				stack = append(stack, item{val.Index(i), it.depth + 1})
			}
		case reflect.Map:
			if it.depth >= MaxNesting {
				return ErrNesting
			}
			if err := r.step(val.Len()); err != nil {
				return err
			}
			iter := val.MapRange()
			for iter.Next() {
				stack = append(stack, item{iter.Key(), it.depth + 1}, item{iter.Value(), it.depth + 1})
			}
		}
	}
	return nil
}

func isScalarKind(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}

// run extracts the run state a guard call received as its first argument.
func run(args []any) *runState {
	if r, ok := args[0].(*runState); ok {
		return r
	}
	panic("rules: guard called without run state")
}

// Guard functions, inserted by guard after type checking; users cannot
// call them because their names start with "$".
var guardFuncs = map[string]func(args ...any) (any, error){
	// $step(run, v) charges one predicate iteration and returns v.
	"$step": func(args ...any) (any, error) {
		return args[1], run(args).step(1)
	},
	// $charge(run, v) charges v's full size, strings included, and
	// returns v.
	"$charge": func(args ...any) (any, error) {
		return args[1], run(args).charge(args[1], true)
	},
	// $add(run, a, b) is a + b, charging the bytes of a string result.
	"$add": func(args ...any) (any, error) {
		r := run(args)
		if a, ok := args[1].(string); ok {
			if b, ok := args[2].(string); ok {
				if err := r.alloc(len(a) + len(b)); err != nil {
					return nil, err
				}
				return a + b, nil
			}
		}
		return runtime.Add(args[1], args[2]), nil
	},
	// $eq(run, a, b) and $ne are a == b and a != b; comparing two lists
	// or maps is charged by their sizes.
	"$eq": func(args ...any) (any, error) {
		if err := chargeCompare(run(args), args[1], args[2]); err != nil {
			return nil, err
		}
		return runtime.Equal(args[1], args[2]), nil
	},
	"$ne": func(args ...any) (any, error) {
		if err := chargeCompare(run(args), args[1], args[2]); err != nil {
			return nil, err
		}
		return !runtime.Equal(args[1], args[2]), nil
	},
	// $in(run, x, c) is x in c: a scan of a list is charged by its length,
	// or its full size when x is itself a list or map; a map lookup is free.
	"$in": func(args ...any) (any, error) {
		r, x, c := run(args), args[1], args[2]
		if v := reflect.ValueOf(c); v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
			var err error
			if isCompound(x) {
				err = chargeCompare(r, x, c)
			} else {
				err = r.step(v.Len())
			}
			if err != nil {
				return nil, err
			}
		}
		return runtime.In(x, c), nil
	},
}

// chargeCompare charges a deep comparison of a and b: nothing unless both
// are lists or maps, since comparing a scalar with anything is quick.
func chargeCompare(r *runState, a, b any) error {
	if !isCompound(a) || !isCompound(b) {
		return nil
	}
	if err := r.charge(a, false); err != nil {
		return err
	}
	return r.charge(b, false)
}

func isCompound(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct, reflect.Pointer, reflect.Interface:
		return true
	}
	return false
}

// unchargedBuiltins are the expr built-ins whose cost does not grow with
// the size of a list or map argument, or which allocate nothing. Every
// other built-in (string, flatten, sort, max, split, upper, concat,
// reverse, keys, …) has its non-scalar and string arguments wrapped in
// $charge, so calling it on a big or deeply shared value is paid for
// first. Built-ins with a predicate (map, filter, all, reduce, …) pay per
// iteration instead.
var unchargedBuiltins = map[string]bool{
	"len": true, "type": true, "first": true, "last": true, "get": true, "abs": true,
	"ceil": true, "floor": true, "round": true, "int": true, "float": true, "trim": true,
	"trimPrefix": true, "trimSuffix": true, "indexOf": true, "lastIndexOf": true,
	"hasPrefix": true, "hasSuffix": true, "duration": true, "bitnot": true, "bitand": true,
	"bitor": true, "bitxor": true, "bitnand": true, "bitshl": true, "bitshr": true, "bitushr": true,
}

// guard rewrites a type-checked tree so that running it pays into a
// runState: predicate bodies step, string concatenation and deep
// comparisons charge, and so do the arguments of chargedBuiltins.
// It runs after the checker, so it sets the types of the nodes it adds.
type guard struct{}

var (
	anyType     = reflect.TypeFor[any]()
	runType     = reflect.TypeFor[*runState]()
	guardFnType = map[int]reflect.Type{
		2: reflect.TypeFor[func(any, any) any](),
		3: reflect.TypeFor[func(any, any, any) any](),
	}
)

// guardCall builds $name(run, args...) typed like the node it replaces.
func guardCall(name string, like ast.Node, args ...ast.Node) ast.Node {
	callee := &ast.IdentifierNode{Value: name}
	callee.SetType(guardFnType[len(args)+1])
	callee.SetLocation(like.Location())
	runIdent := &ast.IdentifierNode{Value: runVar}
	runIdent.SetType(runType)
	runIdent.SetLocation(like.Location())
	call := &ast.CallNode{Callee: callee, Arguments: append([]ast.Node{runIdent}, args...)}
	call.SetNature(*like.Nature())
	call.SetLocation(like.Location())
	return call
}

func (guard) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.PredicateNode:
		n.Node = guardCall("$step", n.Node, n.Node)
	case *ast.BuiltinNode:
		if unchargedBuiltins[n.Name] || slices.ContainsFunc(n.Arguments, isPredicate) {
			return
		}
		for i, arg := range n.Arguments {
			if !isScalarType(arg.Type()) || arg.Type().Kind() == reflect.String {
				n.Arguments[i] = guardCall("$charge", arg, arg)
			}
		}
	case *ast.CallNode:
		// Library functions that build strings get the run state first.
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && library[id.Value].withRun && id.Type().Kind() == reflect.Func {
			ft := id.Type()
			ins := []reflect.Type{anyType}
			for i := range ft.NumIn() {
				ins = append(ins, ft.In(i))
			}
			outs := make([]reflect.Type, ft.NumOut())
			for i := range outs {
				outs[i] = ft.Out(i)
			}
			id.SetType(reflect.FuncOf(ins, outs, ft.IsVariadic()))
			runIdent := &ast.IdentifierNode{Value: runVar}
			runIdent.SetType(runType)
			runIdent.SetLocation(n.Location())
			n.Arguments = append([]ast.Node{runIdent}, n.Arguments...)
		}
	case *ast.BinaryNode:
		l, r := n.Left.Type(), n.Right.Type()
		var fn string
		switch n.Operator {
		case "+":
			if isStringOrAny(l) || isStringOrAny(r) {
				fn = "$add"
			}
		case "==", "!=":
			// Comparing with a literal scalar or nil is quick whatever the
			// other side.
			if (!isScalarType(l) || !isScalarType(r)) && !isScalarLiteral(n.Left) && !isScalarLiteral(n.Right) {
				fn = map[string]string{"==": "$eq", "!=": "$ne"}[n.Operator]
			}
		case "in":
			// A literal list or range is bounded by MaxNodes or MemoryBudget,
			// and the optimizer turns it into a set or two comparisons.
			if !isScalarType(l) ||
				(r.Kind() == reflect.Slice || r.Kind() == reflect.Array || r.Kind() == reflect.Interface) && !isLiteralCollection(n.Right) {
				fn = "$in"
			}
		}
		if fn != "" {
			*node = guardCall(fn, n, n.Left, n.Right)
		}
	}
}

func isPredicate(n ast.Node) bool {
	_, ok := n.(*ast.PredicateNode)
	return ok
}

func isScalarLiteral(n ast.Node) bool {
	switch n.(type) {
	case *ast.NilNode, *ast.BoolNode, *ast.IntegerNode, *ast.FloatNode, *ast.StringNode:
		return true
	}
	return false
}

func isLiteralCollection(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.ArrayNode:
		return true
	case *ast.BinaryNode:
		return n.Operator == ".."
	}
	return false
}

func isStringOrAny(t reflect.Type) bool {
	return t.Kind() == reflect.String || t.Kind() == reflect.Interface
}

// isScalarType reports whether values of t are cheap to compare: numbers,
// strings, bools, times and durations.
func isScalarType(t reflect.Type) bool {
	return isScalarKind(t.Kind()) || t == reflect.TypeFor[time.Time]()
}
