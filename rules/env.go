package rules

import (
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/expr-lang/expr/types"
)

// Kind names what an expression is for; it decides the built-in variables
// the expression sees (see the package documentation).
type Kind string

// The kinds of expression authors write.
const (
	KindForm      Kind = "form"      // validation, relevance, calculated fields
	KindRouting   Kind = "routing"   // which step or org unit a record goes to next
	KindDeadline  Kind = "deadline"  // when a step is due
	KindPay       Kind = "pay"       // how much a unit of work earns
	KindIndicator Kind = "indicator" // campaign indicators
	KindBudget    Kind = "budget"    // budget lines
)

// Sample values for the built-in variables.
var (
	sampleTime    = time.Time{}
	sampleAnswers = map[string]any{}
)

// builtinVars are the variables each kind declares before callers add
// theirs; the package documentation lists them.
var builtinVars = map[Kind]map[string]any{
	KindForm: {
		"refTime":     sampleTime,
		"submittedAt": sampleTime,
	},
	KindRouting: {
		"answers":     sampleAnswers,
		"state":       "",
		"orgLevel":    "",
		"submittedAt": sampleTime,
		"refTime":     sampleTime,
	},
	KindDeadline: {
		"submittedAt": sampleTime,
		"createdAt":   sampleTime,
		"refTime":     sampleTime,
		"answers":     sampleAnswers,
	},
	KindPay: {
		"count":   0,
		"role":    "",
		"item":    "",
		"qc":      "",
		"answers": sampleAnswers,
	},
	KindIndicator: {},
	KindBudget:    {},
}

// Env is the typed environment an expression is compiled against: the
// variables it may read and their Go types. Functions are the same in every
// Env. An Env is not safe for concurrent modification; compiled Programs do
// not refer back to it.
type Env struct {
	kind Kind
	vars map[string]reflect.Type // nil Type: declared with a nil sample, any type
	// types is vars as expr's types, kept up to date by Var: a form
	// compiles every expression of a scope against one Env, and building
	// the map per expression made loading a 1,000-question form quadratic.
	types types.Map
}

// NewEnv returns an Env declaring kind's built-in variables. An unknown kind
// declares none.
func NewEnv(kind Kind) *Env {
	e := &Env{kind: kind, vars: map[string]reflect.Type{}, types: types.Map{runVar: rtype(reflect.TypeFor[*runState]())}}
	for name, sample := range builtinVars[kind] {
		e.Var(name, sample)
	}
	return e
}

// Var declares the variable name with the Go type of sample, e.g. "",
// int(0), float64(0), false, time.Time{}, []any{}, []map[string]any{} or
// map[string]any{}; a nil sample declares a variable of any type, checked
// only when the expression runs. A later Var of the same name replaces the
// earlier one. A variable named like a function (age, date, len, count…)
// hides that function in this Env; Reserved reports such names. Var
// returns e for chaining.
func (e *Env) Var(name string, sample any) *Env {
	t := reflect.TypeOf(sample)
	e.vars[name] = t
	if t == nil {
		e.types[name] = types.Any
	} else {
		e.types[name] = rtype(t)
	}
	return e
}

// Clone returns an independent copy of e.
func (e *Env) Clone() *Env {
	return &Env{kind: e.kind, vars: maps.Clone(e.vars), types: maps.Clone(e.types)}
}

// Kind returns the kind e was created for.
func (e *Env) Kind() Kind { return e.kind }

// Names returns the declared variable names, sorted.
func (e *Env) Names() []string {
	return slices.Sorted(maps.Keys(e.vars))
}

// Type returns the declared Go type of the variable name, nil for a
// variable of any type, and whether it is declared.
func (e *Env) Type(name string) (reflect.Type, bool) {
	t, ok := e.vars[name]
	return t, ok
}

// typesMap is the environment handed to expr: variables by type, plus the
// hidden run state.
func (e *Env) typesMap() types.Map {
	return e.types
}

// rtype turns a reflect.Type into an expr types.Type.
func rtype(t reflect.Type) types.Type {
	return types.TypeOf(reflect.Zero(t).Interface())
}
