package rules

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/expr-lang/expr"
)

// formEnv is a form environment with one field of each common type.
func formEnv() *Env {
	return NewEnv(KindForm).
		Var("name", "").
		Var("householdSize", 0).
		Var("income", float64(0)).
		Var("married", false).
		Var("idNumber", "").
		Var("birthDate", time.Time{}).
		Var("members", []map[string]any{}).
		Var("tags", []any{}).
		Var("extra", map[string]any{}).
		Var("anything", nil)
}

var ref = time.Date(2026, 7, 1, 2, 0, 0, 0, time.UTC) // 10:00 in China

func formVars() map[string]any {
	return map[string]any{
		"refTime":       ref,
		"name":          "Wang Fang",
		"householdSize": 4,
		"income":        1234.5,
		"married":       true,
		"idNumber":      "370102199003071238",
		"birthDate":     time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC),
		"members": []map[string]any{
			{"name": "A", "age": 40}, {"name": "B", "age": 12}, {"name": "C", "age": 70},
		},
		"tags":     []any{"a", "b"},
		"extra":    map[string]any{"n": 2.0, "f": 2.5, "s": "x", "id": "11010519491231002X"},
		"anything": 5,
	}
}

func TestCompile(t *testing.T) {
	tests := []struct {
		name      string
		kind      Kind
		src       string
		want      Result
		wantCode  string // "" for success
		wantLine  int
		wantCol   int
		wantIdent string
		wantIDs   []string
	}{
		// good expressions, per kind
		{name: "form relevance", kind: KindForm, src: `married && householdSize > 2`, want: ResultBool, wantIDs: []string{"householdSize", "married"}},
		{name: "form constraint with age", kind: KindForm, src: `age(idNumber, refTime) >= 18`, want: ResultBool, wantIDs: []string{"idNumber", "refTime"}},
		{name: "form calculation", kind: KindForm, src: `income / householdSize`, want: ResultFloat, wantIDs: []string{"householdSize", "income"}},
		{name: "form count over a repeat", kind: KindForm, src: `count(members, .age >= 60)`, want: ResultInt, wantIDs: []string{"members"}},
		{name: "form string", kind: KindForm, src: `upper(name) + "!"`, want: ResultString, wantIDs: []string{"name"}},
		{name: "int is a number", kind: KindForm, src: `householdSize * 2`, want: ResultNumber},
		{name: "float is a number", kind: KindForm, src: `income * 2`, want: ResultNumber},
		{name: "int is a float", kind: KindForm, src: `householdSize`, want: ResultFloat},
		{name: "map value is unknown, checked at run", kind: KindForm, src: `extra.n`, want: ResultInt, wantIDs: []string{"extra"}},
		{name: "any variable", kind: KindForm, src: `anything + 1`, want: ResultAny, wantIDs: []string{"anything"}},
		{name: "let and predicates", kind: KindForm, src: "let old = filter(members, .age >= 60);\nlen(old) > 0", want: ResultBool, wantIDs: []string{"members"}},
		{name: "routing", kind: KindRouting, src: `answers.flag == true && state == "submitted" && orgLevel == "village"`, want: ResultBool, wantIDs: []string{"answers", "orgLevel", "state"}},
		{name: "deadline time", kind: KindDeadline, src: `quarterEnd(submittedAt) + days(15)`, want: ResultTime, wantIDs: []string{"submittedAt"}},
		{name: "deadline duration", kind: KindDeadline, src: `days(3) + hours(12)`, want: ResultDuration},
		{name: "deadline difference", kind: KindDeadline, src: `submittedAt - createdAt`, want: ResultDuration, wantIDs: []string{"createdAt", "submittedAt"}},
		{name: "pay", kind: KindPay, src: `qc == "problem" ? 0 : count * fen(0.5)`, want: ResultInt, wantIDs: []string{"count", "qc"}},
		{name: "pay by role", kind: KindPay, src: `role == "reviewer" ? fen(1.5) * count : fen(1) * count`, want: ResultInt},
		{name: "indicator", kind: KindIndicator, src: `1 + 1`, want: ResultInt},
		{name: "budget", kind: KindBudget, src: `roundHalfUp(190 * 5 + 10 * 2 * 190, 2)`, want: ResultFloat},
		{name: "comments and newlines", kind: KindForm, src: "// adults only\nage(birthDate, refTime) >= 18 /* inclusive */", want: ResultBool},

		// syntax
		{name: "unclosed paren", kind: KindForm, src: "1 + (2", want: ResultAny, wantCode: CodeSyntax, wantLine: 1, wantCol: 6},
		{name: "syntax error on line 2", kind: KindForm, src: "householdSize > 1 &&\n  married )", want: ResultBool, wantCode: CodeSyntax, wantLine: 2, wantCol: 11},
		{name: "dangling operator", kind: KindForm, src: "householdSize >", want: ResultBool, wantCode: CodeSyntax, wantLine: 1, wantCol: 15},
		{name: "bad string", kind: KindForm, src: `name == "x`, want: ResultBool, wantCode: CodeSyntax, wantLine: 1, wantCol: 11},
		{name: "empty", kind: KindForm, src: "", want: ResultBool, wantCode: CodeSyntax, wantLine: 1, wantCol: 1},

		// unknown identifiers
		{name: "unknown variable", kind: KindForm, src: "householdSize > 1 &&\n  marrried", want: ResultBool, wantCode: CodeUnknownIdentifier, wantLine: 2, wantCol: 3, wantIdent: "marrried"},
		{name: "unknown function", kind: KindForm, src: `ageOf(idNumber)`, want: ResultInt, wantCode: CodeUnknownFunction, wantLine: 1, wantCol: 1, wantIdent: "ageOf"},
		{name: "unknown function inside", kind: KindForm, src: "householdSize > 1 &&\n  addMonth(birthDate, 3) > refTime", want: ResultBool, wantCode: CodeUnknownFunction, wantLine: 2, wantCol: 3, wantIdent: "addMonth"},
		{name: "unknown function in a pipe", kind: KindForm, src: `birthDate | addMonth(3)`, want: ResultTime, wantCode: CodeUnknownFunction, wantLine: 1, wantCol: 13, wantIdent: "addMonth"},
		{name: "unknown function named like nothing", kind: KindDeadline, src: `frobnicate(createdAt)`, want: ResultTime, wantCode: CodeUnknownFunction, wantLine: 1, wantCol: 1, wantIdent: "frobnicate"},
		{name: "calling a variable is a type mismatch", kind: KindForm, src: `name(1)`, want: ResultAny, wantCode: CodeTypeMismatch, wantLine: 1, wantCol: 1},
		{name: "non-ASCII columns count runes", kind: KindForm, src: `name == "张三" && 年龄 > 1`, want: ResultBool, wantCode: CodeUnknownIdentifier, wantLine: 1, wantCol: 17, wantIdent: "年龄"},
		{name: "kind's variables only", kind: KindPay, src: `submittedAt`, want: ResultTime, wantCode: CodeUnknownIdentifier, wantLine: 1, wantCol: 1, wantIdent: "submittedAt"},
		{name: "no now()", kind: KindDeadline, src: `now() > createdAt`, want: ResultBool, wantCode: CodeUnknownFunction, wantIdent: "now", wantLine: 1, wantCol: 1},
		{name: "no timezone()", kind: KindDeadline, src: `createdAt.In(timezone("Asia/Shanghai"))`, want: ResultTime, wantCode: CodeUnknownFunction, wantIdent: "timezone", wantLine: 1, wantCol: 14},
		{name: "no $env", kind: KindForm, src: `$env["name"] == "x"`, want: ResultBool, wantCode: CodeUnknownIdentifier, wantIdent: "$env", wantLine: 1, wantCol: 1},
		{name: "no $run", kind: KindForm, src: `1 + 1 == 2 && $run == nil`, want: ResultBool, wantCode: CodeUnknownIdentifier, wantIdent: "$run", wantLine: 1, wantCol: 15},
		{name: "no guard functions", kind: KindForm, src: `$add(nil, 1, 2)`, want: ResultAny, wantCode: CodeUnknownIdentifier, wantIdent: "$add", wantLine: 1, wantCol: 1},
		{name: "no $ lets", kind: KindForm, src: `let $run = 1; 2`, want: ResultAny, wantCode: CodeUnknownIdentifier, wantIdent: "$run", wantLine: 1, wantCol: 5},

		// type mismatches
		{name: "string plus int", kind: KindForm, src: `name + 1`, want: ResultAny, wantCode: CodeTypeMismatch, wantLine: 1, wantCol: 6},
		{name: "function argument", kind: KindForm, src: `age(householdSize, refTime)`, want: ResultInt, wantCode: CodeTypeMismatch, wantLine: 1, wantCol: 5},
		{name: "too many arguments", kind: KindForm, src: `idSex(idNumber, 1)`, want: ResultString, wantCode: CodeTypeMismatch, wantLine: 1, wantCol: 1},
		{name: "constant division by zero", kind: KindForm, src: `householdSize + 1 % 0`, want: ResultInt, wantCode: CodeTypeMismatch, wantLine: 1, wantCol: 19},

		// wrong result
		{name: "int for bool", kind: KindForm, src: `householdSize + 1`, want: ResultBool, wantCode: CodeWrongResult, wantLine: 1, wantCol: 1},
		{name: "float for int", kind: KindForm, src: "\n  income * 2", want: ResultInt, wantCode: CodeWrongResult, wantLine: 2, wantCol: 3},
		{name: "duration for time", kind: KindDeadline, src: `days(3)`, want: ResultTime, wantCode: CodeWrongResult, wantLine: 1, wantCol: 1},
		{name: "duration is not a number", kind: KindDeadline, src: `days(3)`, want: ResultNumber, wantCode: CodeWrongResult, wantLine: 1, wantCol: 1},
		{name: "string for bool", kind: KindForm, src: `name`, want: ResultBool, wantCode: CodeWrongResult, wantLine: 1, wantCol: 1},
		{name: "list for int", kind: KindForm, src: `tags`, want: ResultInt, wantCode: CodeWrongResult, wantLine: 1, wantCol: 1},

		// too complex
		{name: "over MaxNodes", kind: KindForm, src: "1" + strings.Repeat(" + 1", MaxNodes), want: ResultInt, wantCode: CodeTooComplex},
		{name: "over MaxSourceBytes", kind: KindForm, src: "1 " + strings.Repeat(" ", MaxSourceBytes), want: ResultInt, wantCode: CodeTooComplex, wantLine: 1, wantCol: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := formEnv()
			if tt.kind != KindForm {
				env = NewEnv(tt.kind)
			}
			p, err := Compile(tt.src, env, tt.want)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Compile(%q) error = %v", tt.src, err)
				}
				if tt.wantIDs != nil && !reflect.DeepEqual(p.Identifiers(), tt.wantIDs) {
					t.Errorf("Identifiers() = %v, want %v", p.Identifiers(), tt.wantIDs)
				}
				if p.Source != tt.src || p.Kind != tt.kind || p.Result != tt.want {
					t.Errorf("Program = %q %s %s", p.Source, p.Kind, p.Result)
				}
				return
			}
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("Compile(%q) error = %v, want a *CompileError", tt.src, err)
			}
			if ce.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q (%v)", ce.Code, tt.wantCode, ce)
			}
			if tt.wantLine != 0 && (ce.Line != tt.wantLine || ce.Col != tt.wantCol) {
				t.Errorf("position = %d:%d, want %d:%d (%v)", ce.Line, ce.Col, tt.wantLine, tt.wantCol, ce)
			}
			if ce.Ident != tt.wantIdent {
				t.Errorf("Ident = %q, want %q", ce.Ident, tt.wantIdent)
			}
			if ce.Line < 1 || ce.Col < 1 {
				t.Errorf("position %d:%d is not 1-based", ce.Line, ce.Col)
			}
		})
	}
}

// TestUnknownFunctionMessage checks the words of unknown_function: the
// nearest function when one is within two edits, the library's before
// expr's built-ins, and why a disabled built-in is missing.
func TestUnknownFunctionMessage(t *testing.T) {
	tests := []struct {
		name, src   string
		kind        Kind
		wantMessage string
		wantSuggest string
	}{
		{"one letter short", `addMonth(birthDate, 3)`, KindForm, "no function named addMonth; did you mean addMonths?", "addMonths"},
		{"wrong case", `monthsbetween(birthDate, refTime)`, KindForm, "no function named monthsbetween; did you mean monthsBetween?", "monthsBetween"},
		{"a built-in", `lenn(name)`, KindForm, "no function named lenn; did you mean len?", "len"},
		{"nothing near", `frobnicate(refTime)`, KindForm, "no function named frobnicate", ""},
		{"now with refTime", `now()`, KindForm, "no function named now: it is disabled in rules (a result must not depend on when or where it runs; use refTime)", ""},
		{"now without refTime", `now()`, KindPay, "no function named now: it is disabled in rules (a result must not depend on when or where it runs)", ""},
		{"an encoder", `toJSON(1)`, KindForm, "no function named toJSON: it is disabled in rules (rules do not need it)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := formEnv()
			if tt.kind != KindForm {
				env = NewEnv(tt.kind)
			}
			_, err := Compile(tt.src, env, ResultAny)
			var ce *CompileError
			if !errors.As(err, &ce) || ce.Code != CodeUnknownFunction {
				t.Fatalf("Compile(%q) error = %v, want %s", tt.src, err, CodeUnknownFunction)
			}
			if ce.Message != tt.wantMessage || ce.Suggest != tt.wantSuggest {
				t.Errorf("Message, Suggest = %q, %q; want %q, %q", ce.Message, ce.Suggest, tt.wantMessage, tt.wantSuggest)
			}
		})
	}
}

func TestCompileErrorDiagnostic(t *testing.T) {
	src := "householdSize > 1 &&\n  marrried"
	_, err := Compile(src, formEnv(), ResultBool)
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v", err)
	}
	d := ce.Diagnostic("forms/census.yaml", "/properties/x/x-relevant", src)
	want := "forms/census.yaml:2:3: unknown_identifier: unknown name marrried\n |   marrried\n |   ^"
	if got := d.String(); got != want {
		t.Errorf("Diagnostic =\n%s\nwant\n%s", got, want)
	}
	if got, want := ce.Error(), "2:3: unknown_identifier: unknown name marrried"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestEnv(t *testing.T) {
	e := NewEnv(KindPay)
	if got, want := e.Names(), []string{"answers", "count", "item", "qc", "role"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	c := e.Clone().Var("bonus", 0)
	if len(e.Names()) != 5 || len(c.Names()) != 6 {
		t.Errorf("Clone shares variables: %v / %v", e.Names(), c.Names())
	}
	// A later Var replaces the type.
	e.Var("count", "")
	if _, err := Compile(`count + "x"`, e, ResultString); err != nil {
		t.Errorf("after Var replaced count with a string: %v", err)
	}
	if typ, ok := c.Type("count"); !ok || typ.Kind() != reflect.Int {
		t.Errorf("clone's count = %v, %v", typ, ok)
	}
	if got := NewEnv("no-such-kind").Names(); len(got) != 0 {
		t.Errorf("unknown kind declares %v", got)
	}
	for kind, want := range map[Kind][]string{
		KindForm:      {"refTime", "submittedAt"},
		KindRouting:   {"answers", "orgLevel", "refTime", "state", "submittedAt"},
		KindDeadline:  {"answers", "createdAt", "refTime", "submittedAt"},
		KindIndicator: {},
		KindBudget:    {},
	} {
		if got := NewEnv(kind).Names(); !slices.Equal(got, want) {
			t.Errorf("NewEnv(%s).Names() = %v, want %v", kind, got, want)
		}
	}
}

func TestReserved(t *testing.T) {
	for name, want := range map[string]bool{
		"age": true, "date": true, "len": true, "count": true, "in": true, "let": true,
		"now": false, "toJSON": false, "householdSize": false, "name": false,
	} {
		if got := Reserved(name); got != want {
			t.Errorf("Reserved(%q) = %v, want %v", name, got, want)
		}
	}
	if got := Functions(); len(got) == 0 || got[0] != "addDays" {
		t.Errorf("Functions() = %v", got)
	}
}

// A variable named like a function hides it, as Reserved warns.
func TestVarHidesFunction(t *testing.T) {
	env := formEnv().Var("age", 0)
	if _, err := Compile(`age > 18`, env, ResultBool); err != nil {
		t.Errorf("age as a variable: %v", err)
	}
	_, err := Compile(`age(idNumber, refTime) > 18`, env, ResultBool)
	var ce *CompileError
	if !errors.As(err, &ce) || ce.Code != CodeTypeMismatch {
		t.Errorf("calling a hidden function: %v", err)
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    Result
		vars    func(map[string]any)
		result  any
		wantErr string // substring; "" for success
	}{
		{name: "bool", src: `married && householdSize > 2`, want: ResultBool, result: true},
		{name: "int", src: `householdSize * 2`, want: ResultInt, result: 8},
		{name: "float from int", src: `householdSize`, want: ResultFloat, result: 4.0},
		{name: "float", src: `income / householdSize`, want: ResultFloat, result: 308.625},
		{name: "number int", src: `householdSize + 1`, want: ResultNumber, result: 5},
		{name: "number float", src: `income + 1`, want: ResultNumber, result: 1235.5},
		{name: "string", src: `name + "!"`, want: ResultString, result: "Wang Fang!"},
		{name: "time in UTC", src: `addDays(refTime, 1)`, want: ResultTime, result: ref.AddDate(0, 0, 1)},
		{name: "duration", src: `days(1) + hours(2)`, want: ResultDuration, result: 26 * time.Hour},
		{name: "any int", src: `anything + 1`, want: ResultAny, result: 6},
		{name: "any list", src: `map(members, .age)`, want: ResultAny, result: []any{40, 12, 70}},
		{name: "JSON number as int", src: `extra.n`, want: ResultInt, result: 2},
		{name: "JSON number with a fraction is not an int", src: `extra.f`, want: ResultInt, wantErr: "result is float64, want int"},
		{name: "unknown-type result of the wrong type", src: `extra.s`, want: ResultBool, wantErr: "bool(string)"},
		{name: "missing variable is nil", src: `name == nil`, want: ResultBool, vars: func(m map[string]any) { delete(m, "name") }, result: true},
		{name: "missing variable used", src: `householdSize > 2`, want: ResultBool, vars: func(m map[string]any) { delete(m, "householdSize") }, wantErr: "1:15"},
		{name: "function given the wrong type at run", src: `idSex(extra.n)`, want: ResultString, wantErr: "idSex: want a string, got float64"},
		{name: "invalid ID at run", src: `idSex(extra.s)`, want: ResultString, wantErr: "resident id: not 18 characters"},
		{name: "index out of range", src: `members[5].age`, want: ResultAny, wantErr: "index out of range"},
		{name: "modulo by zero", src: `householdSize % (householdSize - 4)`, want: ResultInt, wantErr: "integer divide by zero"},
		{name: "nil member", src: `extra.none.deeper == 1`, want: ResultBool, wantErr: "cannot fetch deeper"},
		{name: "in a literal list", src: `name in ["Wang Fang", "Li Lei"]`, want: ResultBool, result: true},
		{name: "in a list variable", src: `"b" in tags`, want: ResultBool, result: true},
		{name: "in a map", src: `"s" in extra`, want: ResultBool, result: true},
		{name: "not in a range", src: `householdSize not in 5..10`, want: ResultBool, result: true},
		{name: "deep equality", src: `filter(tags, # != "a") == ["b"]`, want: ResultBool, result: true},
		{name: "string concat through any", src: `extra.s + extra.s`, want: ResultString, result: "xx"},
		{name: "number add through any", src: `extra.n + 1`, want: ResultNumber, result: 3.0},
		{name: "repeat", src: `repeat("ab", 3)`, want: ResultString, result: "ababab"},
		{name: "replace", src: `replace(name, "a", "A")`, want: ResultString, result: "WAng FAng"},
		{name: "join", src: `join(map(members, .name), ",")`, want: ResultString, result: "A,B,C"},
		{name: "join strings", src: `join(split("a b c", " "))`, want: ResultString, result: "abc"},
		{name: "uniq", src: `uniq([1, 1.0, 2, "a", "a", [1], [1]])`, want: ResultAny, result: []any{1, 2, "a", []any{1}}},
		{name: "uniq of a range", src: `len(uniq(1..10))`, want: ResultInt, result: 10},
		{name: "uniq of many lists", src: `len(uniq(map(1..3000, [# % 10])))`, want: ResultInt, result: 10},
		{name: "uniq tells 1 from 1.0 inside lists, as ==", src: `len(uniq([[1], [1.0]]))`, want: ResultInt, result: 2},
		{name: "reduce", src: `reduce(members, #acc + .age, 0)`, want: ResultInt, result: 122},
		{name: "sortBy", src: `map(sortBy(members, .age), .name)`, want: ResultAny, result: []any{"B", "A", "C"}},
		{name: "string of a list", src: `string(tags)`, want: ResultString, result: "[a b]"},
		{name: "max", src: `max(map(members, .age))`, want: ResultInt, result: 70},
		{name: "sum with predicate", src: `sum(members, .age)`, want: ResultInt, result: 122},
		{name: "time methods", src: `refTime.Year()`, want: ResultInt, result: 2026},
		{name: "time comparison", src: `addDays(refTime, 1) > refTime`, want: ResultBool, result: true},
		{name: "duration arithmetic", src: `addDays(refTime, 2) - refTime == days(2)`, want: ResultBool, result: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(tt.src, formEnv(), tt.want)
			if err != nil {
				t.Fatalf("Compile(%q) error = %v", tt.src, err)
			}
			vars := formVars()
			if tt.vars != nil {
				tt.vars(vars)
			}
			got, err := p.Run(vars)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Run(%q) = %#v, %v; want error containing %q", tt.src, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Run(%q) error = %v", tt.src, err)
			}
			if !reflect.DeepEqual(got, tt.result) {
				t.Errorf("Run(%q) = %#v (%T), want %#v (%T)", tt.src, got, got, tt.result, tt.result)
			}
		})
	}
}

func TestRunTyped(t *testing.T) {
	vars := formVars()
	compile := func(src string, want Result) *Program {
		t.Helper()
		p, err := Compile(src, formEnv(), want)
		if err != nil {
			t.Fatalf("Compile(%q): %v", src, err)
		}
		return p
	}
	if got, err := compile(`married`, ResultBool).RunBool(vars); err != nil || !got {
		t.Errorf("RunBool = %v, %v", got, err)
	}
	if got, err := compile(`householdSize * 3`, ResultInt).RunInt(vars); err != nil || got != 12 {
		t.Errorf("RunInt = %v, %v", got, err)
	}
	if got, err := compile(`householdSize`, ResultNumber).RunFloat(vars); err != nil || got != 4 {
		t.Errorf("RunFloat of an int = %v, %v", got, err)
	}
	if got, err := compile(`date("2026-07-02")`, ResultTime).RunTime(vars); err != nil || !got.Equal(time.Date(2026, 7, 1, 16, 0, 0, 0, time.UTC)) || got.Location() != time.UTC {
		t.Errorf("RunTime = %v, %v", got, err)
	}
	if got, err := compile(`days(2)`, ResultDuration).RunDuration(vars); err != nil || got != 48*time.Hour {
		t.Errorf("RunDuration = %v, %v", got, err)
	}
	if got, err := compile(`name`, ResultString).RunString(vars); err != nil || got != "Wang Fang" {
		t.Errorf("RunString = %v, %v", got, err)
	}
	// A typed runner on a result of another type is an error, not a panic.
	if _, err := compile(`name`, ResultAny).RunBool(vars); err == nil {
		t.Error("RunBool of a string: no error")
	}
	if _, err := compile(`income`, ResultAny).RunInt(vars); err == nil {
		t.Error("RunInt of 1234.5: no error")
	}
	if _, err := compile(`days(1)`, ResultAny).RunFloat(vars); err == nil {
		t.Error("RunFloat of a duration: no error")
	}
}

// Programs are compiled once and run from many goroutines.
func TestRunConcurrent(t *testing.T) {
	p, err := Compile(`reduce(members, #acc + .age, 0) + len(repeat("x", householdSize))`, formEnv(), ResultInt)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				vars := formVars()
				vars["householdSize"] = i + j
				got, err := p.RunInt(vars)
				if err != nil || got != int64(122+i+j) {
					t.Errorf("RunInt = %d, %v; want %d", got, err, 122+i+j)
					return
				}
			}
		})
	}
	wg.Wait()
}

// A panic inside a function, or anywhere in a run, becomes an error.
func TestRunRecoversPanics(t *testing.T) {
	saved := exprOptions
	t.Cleanup(func() { exprOptions = saved })
	exprOptions = append(append([]expr.Option{}, saved...),
		expr.Function("boom", func(args ...any) (any, error) { panic("boom went the function") }, new(func(int) int)))
	p, err := Compile("1 +\n  boom(householdSize)", formEnv(), ResultInt)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Run(formVars())
	var re *RunError
	if !errors.As(err, &re) || !strings.Contains(re.Message, "boom went the function") || re.Line != 2 || re.Col != 3 {
		t.Fatalf("Run error = %#v, want a RunError at 2:3", err)
	}
}

// Expressions that would exhaust memory or time fail with an error.
func TestRunLimits(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		wantErr error  // checked with errors.Is when set
		wantMsg string // substring otherwise
	}{
		{name: "big range", src: `len(map(1..1000000, {#})) > 0`, wantMsg: "memory budget exceeded"},
		{name: "huge range", src: `len(0..9223372036854775806) > 0`, wantMsg: "memory budget exceeded"},
		{name: "nested loops", src: `let r = 1..2000; all(r, all(r, true))`, wantErr: ErrStepBudget},
		{name: "loop over a variable in a loop", src: `let r = 1..5000; sum(r, # in r ? 1 : 0) == 5000`, wantErr: ErrStepBudget},
		{name: "string doubling", src: `reduce(1..40, #acc + #acc, "abcdefgh") != ""`, wantErr: ErrStringBudget},
		{name: "string doubling with let", src: "let a = name + name; let b = a + a; let c = b + b; let d = c + c; let e = d + d; let f = e + e;" +
			" let g = f + f; let h = g + g; let i = h + h; let j = i + i; let k = j + j; let l = k + k; let m = l + l; let n = m + m;" +
			" let o = n + n; let p = o + o; let q = p + p; let r = q + q; let s = r + r; let u = s + s; let v = u + u; let w = v + v; w != \"\"", wantErr: ErrStringBudget},
		{name: "repeat", src: `repeat("abc", 100000000) != ""`, wantErr: ErrStringBudget},
		{name: "repeat of repeat", src: `repeat(repeat("a", 1000000), 1000) != ""`, wantErr: ErrStringBudget},
		{name: "repeat in a loop", src: `all(1..100000, repeat("x", 1000) != "")`, wantErr: ErrStringBudget},
		{name: "replace", src: `let a = repeat("a", 1000000); replace(a, "a", a) != ""`, wantErr: ErrStringBudget},
		{name: "join", src: `let a = repeat("a", 1000000); join(map(1..100, a)) != ""`, wantErr: ErrStringBudget},
		{name: "shared nested lists printed", src: `string(reduce(1..60, [#acc, #acc], 0)) != ""`, wantErr: ErrStepBudget},
		{name: "shared nested lists compared", src: `reduce(1..60, [#acc, #acc], 0) == reduce(1..60, [#acc, #acc], 1)`, wantErr: ErrStepBudget},
		{name: "shared nested lists flattened", src: `len(flatten(reduce(1..60, [#acc, #acc], 0))) > 0`, wantErr: ErrStepBudget},
		{name: "shared nested lists in", src: `reduce(1..60, [#acc, #acc], 0) in [reduce(1..60, [#acc, #acc], 1)]`, wantErr: ErrStepBudget},
		{name: "shared nested lists max", src: `max(reduce(1..60, [#acc, #acc], 0)) > 0`, wantErr: ErrStepBudget},
		{name: "deep nesting", src: `string(reduce(1..1000, [#acc], 0)) != ""`, wantErr: ErrNesting},
		{name: "uniq of shared nested lists", src: `len(uniq([reduce(1..60, [#acc, #acc], 0)])) > 0`, wantErr: ErrStepBudget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(tt.src, formEnv(), ResultBool)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			start := time.Now()
			got, err := p.Run(formVars())
			if elapsed := time.Since(start); elapsed > 2*MaxRunTime {
				t.Errorf("took %v", elapsed)
			}
			switch {
			case err == nil:
				t.Fatalf("Run = %v, want an error", got)
			case errors.Is(err, ErrRunTime) && tt.wantErr == ErrStepBudget:
				// On a slow machine (or -race) the clock may stop it first.
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("Run error = %v, want %v", err, tt.wantErr)
			case tt.wantErr == nil && !strings.Contains(err.Error(), tt.wantMsg):
				t.Fatalf("Run error = %v, want %q", err, tt.wantMsg)
			}
		})
	}
}

// Work below the limits is not refused: a loop over a large answer list,
// building moderate strings.
func TestRunUnderLimits(t *testing.T) {
	members := make([]map[string]any, 100_000)
	for i := range members {
		members[i] = map[string]any{"name": "member", "age": i % 90}
	}
	vars := formVars()
	vars["members"] = members
	p, err := Compile(`count(members, .age >= 60) + len(join(map(filter(members, .age == 1), .name + "-" + string(.age)), ","))`, formEnv(), ResultInt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.RunInt(vars)
	if err != nil {
		t.Fatal(err)
	}
	n1 := 100_000/90 + 1 // members aged 1
	if want := int64(33330 + n1*len("member-1") + n1 - 1); got != want {
		t.Errorf("RunInt = %d, want %d", got, want)
	}
}

// A variable of any type named like a library function compiles without
// panicking; the call reaches the function, which then lacks its run
// state and fails with an error.
func TestAnyVarNamedLikeFunction(t *testing.T) {
	env := formEnv().Var("join", nil)
	p, err := Compile(`join(tags)`, env, ResultAny)
	if err != nil {
		return // refusing it is fine too
	}
	if _, err := p.Run(formVars()); err == nil {
		t.Error("Run: no error")
	}
}

func TestCompileNilEnv(t *testing.T) {
	p, err := Compile(`1 + 2`, nil, ResultInt)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.RunInt(nil); err != nil || got != 3 {
		t.Errorf("RunInt = %d, %v", got, err)
	}
}

func BenchmarkCompile(b *testing.B) {
	env := formEnv()
	for b.Loop() {
		if _, err := Compile(`age(idNumber, refTime) >= 18 && count(members, .age >= 60) < householdSize`, env, ResultBool); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRun(b *testing.B) {
	p, err := Compile(`age(idNumber, refTime) >= 18 && count(members, .age >= 60) < householdSize`, formEnv(), ResultBool)
	if err != nil {
		b.Fatal(err)
	}
	vars := formVars()
	for b.Loop() {
		if _, err := p.RunBool(vars); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunLoop measures the cost of the step guard per iteration.
func BenchmarkRunLoop(b *testing.B) {
	p, err := Compile(`count(members, .age >= 60)`, formEnv(), ResultInt)
	if err != nil {
		b.Fatal(err)
	}
	members := make([]map[string]any, 10_000)
	for i := range members {
		members[i] = map[string]any{"age": i % 90}
	}
	vars := formVars()
	vars["members"] = members
	for b.Loop() {
		if _, err := p.RunInt(vars); err != nil {
			b.Fatal(err)
		}
	}
}

// Values are converted to the declared types where nothing is lost, so
// JSON-decoded answers can be passed as they are.
func TestRunCoercesVariables(t *testing.T) {
	env := NewEnv(KindForm).Var("n", 0).Var("f", 0.0).Var("when", time.Time{}).Var("s", "").Var("small", int8(0))
	tests := []struct {
		src     string
		vars    map[string]any
		want    any
		wantErr string
	}{
		{src: `n == 3`, vars: map[string]any{"n": 3.0}, want: true},
		{src: `n == 3`, vars: map[string]any{"n": int64(3)}, want: true},
		{src: `n in [3, 4]`, vars: map[string]any{"n": 3.0}, want: true},
		{src: `n % 2`, vars: map[string]any{"n": 3.0}, want: 1},
		{src: `n == 3`, vars: map[string]any{"n": 3.5}, wantErr: "variable n: want int, got float64"},
		{src: `n == 3`, vars: map[string]any{"n": "3"}, wantErr: "variable n: want int, got string"},
		{src: `n == nil`, vars: map[string]any{}, want: true},
		{src: `(n ?? 0) + 1`, vars: map[string]any{"n": nil}, want: 1},
		{src: `f * 2`, vars: map[string]any{"f": 2}, want: 4.0},
		{src: `f * 2`, vars: map[string]any{"f": true}, wantErr: "variable f: want float, got bool"},
		{src: `when == date("2026-03-01")`, vars: map[string]any{"when": "2026-03-01"}, want: true},
		{src: `when == date("2026-03-01")`, vars: map[string]any{"when": "1 March"}, wantErr: "variable when"},
		{src: `s == "x"`, vars: map[string]any{"s": 1}, wantErr: "variable s: want string, got int"},
		{src: `small + 1`, vars: map[string]any{"small": 100.0}, want: 101},
		{src: `small + 1`, vars: map[string]any{"small": 1000}, wantErr: "variable small"},
	}
	for _, tt := range tests {
		p, err := Compile(tt.src, env, ResultAny)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.src, err)
		}
		got, err := p.Run(tt.vars)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Run(%q, %v) = %v, %v; want error %q", tt.src, tt.vars, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Run(%q, %v) = %#v, %v; want %#v", tt.src, tt.vars, got, err, tt.want)
		}
	}
}
