package rules

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"canvass/internal/textdist"
)

// Limits on an expression's size and on the memory one run may use.
const (
	// MaxNodes caps the syntax-tree nodes of an expression.
	MaxNodes = 1000
	// MaxSourceBytes caps the length of an expression's source.
	MaxSourceBytes = 16 << 10
	// MemoryBudget is expr's VM memory budget for one run: roughly the
	// elements of the ranges, list and map literals and predicate results
	// it builds (1..1000 costs 1000).
	MemoryBudget = 1_000_000
)

// Result is the type an expression must produce.
type Result int

// The result types. Run converts to them: ints as int, floats as float64,
// times as time.Time in UTC, durations as time.Duration.
const (
	ResultAny      Result = iota
	ResultBool            // bool
	ResultInt             // int
	ResultFloat           // float64; ints are converted
	ResultNumber          // int or float64
	ResultString          // string
	ResultTime            // time.Time
	ResultDuration        // time.Duration
)

var resultNames = [...]string{"any", "bool", "int", "float", "number", "string", "time", "duration"}

func (r Result) String() string {
	if r >= 0 && int(r) < len(resultNames) {
		return resultNames[r]
	}
	return fmt.Sprintf("Result(%d)", int(r))
}

// Codes of a CompileError.
const (
	CodeSyntax            = "syntax"
	CodeUnknownIdentifier = "unknown_identifier"
	CodeUnknownFunction   = "unknown_function"
	CodeTypeMismatch      = "type_mismatch"
	CodeTooComplex        = "too_complex"
	CodeWrongResult       = "wrong_result"
)

// CompileError is why an expression does not compile, with its position
// within the source.
type CompileError struct {
	Line, Col int    // 1-based; Col counts runes
	Code      string // one of the Code… constants
	Message   string
	Ident     string // the unknown name, for unknown_identifier and unknown_function
	Suggest   string // for unknown_function, the nearest function's name, or ""
	// Args are further values its message template names (see Text),
	// such as "why" for a disabled function or "got"/"want" for a
	// wrong result type.
	Args map[string]string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("%d:%d: %s: %s", e.Line, e.Col, e.Code, e.Message)
}

// Diagnostic returns e as a Diagnostic on file at path, positioned within
// src (the expression's source) and with its snippet.
func (e *CompileError) Diagnostic(file, path, src string) Diagnostic {
	d := e.diagnostic()
	d.File, d.Path, d.Snippet = file, path, Snippet(src, e.Line, e.Col)
	return d
}

// Program is a compiled expression, safe for concurrent use.
type Program struct {
	Source string
	Kind   Kind
	Result Result

	program *vm.Program
	idents  []string
	types   map[string]reflect.Type // declared types of idents, nil for any
}

// Compile checks src against env and want and compiles it: parse, reject
// reserved names, type-check, check the result type, guard, optimize,
// compile. Errors are *CompileError.
func Compile(src string, env *Env, want Result) (_ *Program, err error) {
	defer func() {
		if r := recover(); r != nil { // a bug here must not take a publish request down
			err = &CompileError{Line: 1, Col: 1, Code: CodeTypeMismatch, Message: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	if env == nil {
		env = NewEnv("")
	}
	if len(src) > MaxSourceBytes {
		return nil, &CompileError{Line: 1, Col: 1, Code: CodeTooComplex,
			Message: fmt.Sprintf("expression is longer than %d bytes", MaxSourceBytes)}
	}
	config := newConfig(env)

	tree, err := parser.ParseWithConfig(src, config)
	if err != nil {
		return nil, compileError(err, CodeSyntax, src)
	}
	if err := checkNames(tree); err != nil {
		return nil, err
	}
	if err := checkCalls(tree, env, config); err != nil {
		return nil, err
	}
	if _, err := new(checker.Checker).PatchAndCheck(tree, config); err != nil {
		return nil, compileError(err, CodeTypeMismatch, src)
	}
	if err := checkResult(tree, want); err != nil {
		return nil, err
	}
	idents := identifiers(tree.Node, env)

	ast.Walk(&tree.Node, guard{})
	switch want { // after checkResult, which words the type errors for authors
	case ResultBool:
		expr.AsBool()(config)
	case ResultFloat:
		expr.AsFloat64()(config)
		// Not expr.AsInt for ResultInt: it truncates floats silently.
	}
	if err := optimizer.Optimize(&tree.Node, config); err != nil {
		return nil, compileError(err, CodeTypeMismatch, src)
	}
	program, err := compiler.Compile(tree, config)
	if err != nil {
		return nil, compileError(err, CodeTypeMismatch, src)
	}
	types := make(map[string]reflect.Type, len(idents))
	for _, name := range idents {
		types[name] = env.vars[name]
	}
	return &Program{Source: src, Kind: env.kind, Result: want, program: program, idents: idents, types: types}, nil
}

// newConfig is the expr configuration for env, as expr.Compile would
// build it from the same options.
func newConfig(env *Env) *conf.Config {
	opts := append([]expr.Option{expr.Env(env.typesMap()), expr.MaxNodes(MaxNodes)}, exprOptions...)
	config := conf.CreateNew()
	for _, op := range opts {
		op(config)
	}
	for name := range config.Disabled {
		delete(config.Builtins, name)
	}
	config.Check()
	return config
}

// compileError converts an expr error to a CompileError, classifying it
// as code unless its message says otherwise.
func compileError(err error, code, src string) *CompileError {
	ce := &CompileError{Line: 1, Col: 1, Code: code, Message: err.Error()}
	var fe *file.Error
	if errors.As(err, &fe) {
		if fe.Line == 0 { // the optimizer's errors come unbound
			fe = fe.Bind(file.NewSource(src))
		}
		ce.Message = fe.Message
		if fe.Line > 0 {
			ce.Line, ce.Col = fe.Line, fe.Column+1
		}
	}
	switch {
	case strings.Contains(ce.Message, "exceeds maximum allowed nodes"):
		ce.Code = CodeTooComplex
		ce.Message = fmt.Sprintf("expression has more than %d nodes", MaxNodes)
	case strings.HasPrefix(ce.Message, "unknown name "):
		ce.Code = CodeUnknownIdentifier
		ce.Ident = strings.TrimPrefix(ce.Message, "unknown name ")
	}
	return ce
}

// checkNames refuses names starting with "$": $env would read variables
// behind Identifiers' back, and the guard's names are private.
func checkNames(tree *parser.Tree) error {
	var err *CompileError
	ast.Find(tree.Node, func(n ast.Node) bool {
		var name string
		switch n := n.(type) {
		case *ast.IdentifierNode:
			name = n.Value
		case *ast.VariableDeclaratorNode:
			name = n.Name
		}
		if strings.HasPrefix(name, "$") && err == nil {
			err = positioned(tree.Source, n.Location(), &CompileError{Code: CodeUnknownIdentifier,
				Message: "unknown name " + name, Ident: name})
		}
		return false
	})
	if err != nil {
		return err
	}
	return nil
}

// checkCalls refuses a call of a name that is neither a function nor a
// variable, naming the nearest function: expr would call it an unknown
// name, which authors read as a missing field.
func checkCalls(tree *parser.Tree, env *Env, config *conf.Config) error {
	var err *CompileError
	ast.Find(tree.Node, func(n ast.Node) bool {
		call, ok := n.(*ast.CallNode)
		if !ok || err != nil {
			return false
		}
		id, ok := call.Callee.(*ast.IdentifierNode)
		if !ok {
			return false
		}
		name := id.Value
		if _, ok := config.Functions[name]; ok {
			return false
		}
		if _, ok := env.vars[name]; ok {
			return false // the checker says a variable is not a function
		}
		e := &CompileError{Code: CodeUnknownFunction, Ident: name}
		if slices.Contains(disabledBuiltins, name) {
			why, whyZh := disabledWhy(name, env)
			e.Message = fmt.Sprintf("no function named %s: it is disabled in rules (%s)", name, why)
			e.Args = map[string]string{"why.en": "it is disabled in rules: " + why, "why.zh": "规则中不能用它：" + whyZh}
		} else {
			e.Suggest = textdist.Closest(name, callableNames(config), 2)
			e.Message = "no function named " + name
			if e.Suggest != "" {
				e.Message += "; did you mean " + e.Suggest + "?"
			}
		}
		err = positioned(tree.Source, id.Location(), e)
		return false
	})
	if err != nil {
		return err
	}
	return nil
}

// disabledWhy says why a disabled built-in is not offered, in English
// and in Chinese.
func disabledWhy(name string, env *Env) (en, zh string) {
	if name != "now" && name != "timezone" {
		return "rules do not need it", "规则用不到它"
	}
	en, zh = "a result must not depend on when or where it runs", "结果不能取决于运行的时间和地点"
	if _, ok := env.vars["refTime"]; ok {
		en += "; use refTime"
		zh += "；请用 refTime（标准时点）"
	}
	return en, zh
}

// callableNames lists the functions an expression may call, the library's
// first, each group sorted, so that of equally near names the library's wins.
func callableNames(config *conf.Config) []string {
	names := Functions()
	var builtins []string
	for name := range config.Builtins {
		if _, ok := library[name]; !ok {
			builtins = append(builtins, name)
		}
	}
	slices.Sort(builtins)
	return append(names, builtins...)
}

// positioned sets e's Line and Col from loc within src.
func positioned(src file.Source, loc file.Location, e *CompileError) *CompileError {
	fe := (&file.Error{Location: loc}).Bind(src)
	e.Line, e.Col = fe.Line, fe.Column+1
	return e
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// checkResult checks the checked type of the tree against want. A result
// of unknown type (read from a map, say) passes and is checked by Run.
func checkResult(tree *parser.Tree, want Result) error {
	got := tree.Node.Type()
	if got.Kind() == reflect.Interface || want == ResultAny {
		return nil
	}
	ok := false
	switch want {
	case ResultBool:
		ok = got.Kind() == reflect.Bool
	case ResultInt:
		ok = isIntKind(got.Kind()) && got != durationType
	case ResultFloat, ResultNumber:
		ok = (isIntKind(got.Kind()) || isFloatKind(got.Kind())) && got != durationType
	case ResultString:
		ok = got.Kind() == reflect.String
	case ResultTime:
		ok = got == timeType
	case ResultDuration:
		ok = got == durationType
	}
	if ok {
		return nil
	}
	e := &CompileError{Code: CodeWrongResult, Message: fmt.Sprintf("expression is %s, want %s", typeLabel(got), want)}
	e.Args = resultArgs(typeLabel(got), want.String())
	line, col := firstNonSpace(tree.Source.String())
	e.Line, e.Col = line, col
	return e
}

// typeLabel names a Go type as authors know it.
func typeLabel(t reflect.Type) string {
	switch {
	case t == timeType:
		return "time"
	case t == durationType:
		return "duration"
	case t.Kind() == reflect.Bool:
		return "bool"
	case isIntKind(t.Kind()):
		return "int"
	case isFloatKind(t.Kind()):
		return "float"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return "list"
	case t.Kind() == reflect.Map:
		return "map"
	}
	return t.String()
}

func isIntKind(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Uint64
}

func isFloatKind(k reflect.Kind) bool {
	return k == reflect.Float32 || k == reflect.Float64
}

// firstNonSpace returns the 1-based line and rune column of the first
// non-space character of src, 1:1 if none.
func firstNonSpace(src string) (int, int) {
	line, col := 1, 1
	for _, r := range src {
		switch {
		case r == '\n':
			line, col = line+1, 1
		case unicode.IsSpace(r):
			col++
		default:
			return line, col
		}
	}
	return 1, 1
}

// identifiers returns the declared variables the tree reads, sorted.
func identifiers(node ast.Node, env *Env) []string {
	seen := map[string]bool{}
	ast.Find(node, func(n ast.Node) bool {
		if id, ok := n.(*ast.IdentifierNode); ok {
			if _, declared := env.vars[id.Value]; declared {
				seen[id.Value] = true
			}
		}
		return false
	})
	return slices.Sorted(maps.Keys(seen))
}

// Identifiers returns the variables the expression reads, sorted: those
// of its Env it names, built-ins included. Lint and the ordering of
// calculated fields use it.
func (p *Program) Identifiers() []string {
	return slices.Clone(p.idents)
}

// Run evaluates p with vars, the values of the Env's variables, and
// returns the result converted to p.Result.
//
// Values are first converted to the declared types where that loses
// nothing, so answers decoded from JSON can be passed as they are: an
// integral float64 or any integer for an int variable, any number for a
// float64 one, a date string (see date) for a time.Time one. Other
// mismatches are an error. A declared variable missing from vars is nil,
// which typed operations refuse: test it first (x != nil && x > 3, or
// (x ?? 0) > 3).
//
// Failures are errors, positioned in Source (*RunError) when they happen
// inside the expression: a function given the wrong type, a panic, or a
// limit exceeded (MemoryBudget, MaxSteps, MaxStringBytes, MaxNesting,
// MaxRunTime).
func (p *Program) Run(vars map[string]any) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("rules: panic: %v", r)
		}
	}()
	env := make(map[string]any, len(vars)+1)
	maps.Copy(env, vars)
	for name, t := range p.types {
		v, err := coerce(env[name], t)
		if err != nil {
			return nil, fmt.Errorf("rules: variable %s: %w", name, err)
		}
		env[name] = v
	}
	state := newRunState()
	env[runVar] = state
	machine := vm.VM{MemoryBudget: MemoryBudget}
	v, err := machine.Run(p.program, env)
	if err != nil {
		return nil, runError(err)
	}
	if err := state.charge(v, false); err != nil { // results leave the sandbox sized
		return nil, err
	}
	return convertResult(v, p.Result)
}

// runError drops expr's multi-line snippet from run errors, keeping the
// message and position.
func runError(err error) error {
	var fe *file.Error
	if errors.As(err, &fe) && fe.Line > 0 {
		return &RunError{Line: fe.Line, Col: fe.Column + 1, Message: fe.Message, Err: fe.Unwrap()}
	}
	return err
}

// RunError is a failure while running an expression, positioned in its
// source.
type RunError struct {
	Line, Col int
	Message   string
	Err       error // the underlying error, for errors.Is (ErrStepBudget…)
}

func (e *RunError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Message)
}

func (e *RunError) Unwrap() error { return e.Err }

// convertResult converts a run's value to want.
func convertResult(v any, want Result) (any, error) {
	bad := func() (any, error) {
		return nil, fmt.Errorf("rules: result is %s, want %s", typeName(v), want)
	}
	switch want {
	case ResultAny:
		if tm, ok := v.(time.Time); ok {
			return tm.UTC(), nil
		}
		if n, ok := exactInt(v); ok && !isFloatKind(reflect.TypeOf(v).Kind()) {
			return n, nil // int64, uint8… as int; floats stay floats
		}
		return v, nil
	case ResultBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case ResultInt:
		if n, ok := exactInt(v); ok {
			return n, nil
		}
	case ResultFloat:
		if _, ok := v.(time.Duration); !ok {
			if f, err := argFloat("", v); err == nil {
				return f, nil
			}
		}
	case ResultNumber:
		if n, ok := exactInt(v); ok {
			if _, isFloat := v.(float64); !isFloat {
				return n, nil
			}
		}
		if f, ok := v.(float64); ok {
			return f, nil
		}
		if f, ok := v.(float32); ok {
			return float64(f), nil
		}
	case ResultString:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case ResultTime:
		if tm, ok := v.(time.Time); ok {
			return tm.UTC(), nil
		}
	case ResultDuration:
		if dur, ok := v.(time.Duration); ok {
			return dur, nil
		}
	}
	return bad()
}

// exactInt converts integers of any Go type, and floats with an integral
// value (numbers decoded from JSON), to int. Durations are not ints.
func exactInt(v any) (int, bool) {
	if _, ok := v.(time.Duration); ok {
		return 0, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() <= math.MaxInt64 {
			return int(rv.Uint()), true
		}
	case reflect.Float64, reflect.Float32:
		f := rv.Float()
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return int(f), true
		}
	}
	return 0, false
}

// RunBool runs a program compiled for ResultBool (or ResultAny).
func (p *Program) RunBool(vars map[string]any) (bool, error) {
	v, err := p.runAs(vars, ResultBool)
	if err != nil {
		return false, err
	}
	return v.(bool), nil
}

// RunInt runs a program compiled for ResultInt (or ResultAny, ResultNumber
// with an integral result).
func (p *Program) RunInt(vars map[string]any) (int64, error) {
	v, err := p.runAs(vars, ResultInt)
	if err != nil {
		return 0, err
	}
	return int64(v.(int)), nil
}

// RunFloat runs a program and returns its numeric result as float64.
func (p *Program) RunFloat(vars map[string]any) (float64, error) {
	v, err := p.runAs(vars, ResultFloat)
	if err != nil {
		return 0, err
	}
	return v.(float64), nil
}

// RunTime runs a program and returns its time result, in UTC.
func (p *Program) RunTime(vars map[string]any) (time.Time, error) {
	v, err := p.runAs(vars, ResultTime)
	if err != nil {
		return time.Time{}, err
	}
	return v.(time.Time), nil
}

// RunDuration runs a program and returns its duration result.
func (p *Program) RunDuration(vars map[string]any) (time.Duration, error) {
	v, err := p.runAs(vars, ResultDuration)
	if err != nil {
		return 0, err
	}
	return v.(time.Duration), nil
}

// RunString runs a program and returns its string result.
func (p *Program) RunString(vars map[string]any) (string, error) {
	v, err := p.runAs(vars, ResultString)
	if err != nil {
		return "", err
	}
	return v.(string), nil
}

func (p *Program) runAs(vars map[string]any, want Result) (any, error) {
	v, err := p.Run(vars)
	if err != nil {
		return nil, err
	}
	return convertResult(v, want)
}

// coerce converts v to the declared type t where nothing is lost.
func coerce(v any, t reflect.Type) (any, error) {
	if v == nil || t == nil || reflect.TypeOf(v) == t {
		return v, nil
	}
	switch {
	case t == timeType:
		if s, ok := v.(string); ok {
			return parseDate(s)
		}
	case t == durationType:
	case isIntKind(t.Kind()):
		if n, ok := exactInt(v); ok {
			c := reflect.ValueOf(n).Convert(t).Interface()
			if back, _ := exactInt(c); back == n { // fits in t
				return c, nil
			}
		}
	case isFloatKind(t.Kind()):
		if _, isDur := v.(time.Duration); !isDur {
			if f, err := argFloat("", v); err == nil {
				return reflect.ValueOf(f).Convert(t).Interface(), nil
			}
		}
	case t.Kind() == reflect.Bool, t.Kind() == reflect.String:
	default:
		return v, nil // lists and maps: expr reads any list or map alike
	}
	return nil, fmt.Errorf("want %s, got %s", typeLabel(t), typeName(v))
}
