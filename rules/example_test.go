package rules_test

import (
	"errors"
	"fmt"
	"time"

	"canvass/rules"
)

func ExampleCompile() {
	env := rules.NewEnv(rules.KindForm).Var("idNumber", "")
	p, err := rules.Compile(`age(idNumber, refTime) >= 18`, env, rules.ResultBool)
	if err != nil {
		panic(err)
	}
	adult, err := p.RunBool(map[string]any{
		"idNumber": "370102199003071238",
		"refTime":  time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
	})
	fmt.Println(adult, err, p.Identifiers())
	// Output: true <nil> [idNumber refTime]
}

func ExampleCompileError() {
	env := rules.NewEnv(rules.KindForm).Var("householdSize", 0)
	src := "householdSize > 1 &&\n  househodSize < 10"
	_, err := rules.Compile(src, env, rules.ResultBool)
	var ce *rules.CompileError
	if errors.As(err, &ce) {
		fmt.Println(ce.Code, ce.Ident, ce.Line, ce.Col)
		fmt.Println(ce.Diagnostic("census.yaml", "/properties/members/x-constraint", src))
	}
	// Output:
	// unknown_identifier househodSize 2 3
	// census.yaml:2:3: unknown_identifier: unknown name househodSize
	//  |   househodSize < 10
	//  |   ^
}

// Expressions must produce the Result they are compiled for.
func ExampleCompile_wrongResult() {
	env := rules.NewEnv(rules.KindPay)
	_, err := rules.Compile(`count * 0.5`, env, rules.ResultInt)
	fmt.Println(err)
	// Output: 1:1: wrong_result: expression is float, want int
}

// age counts completed years at a day in China, and goes up on the
// birthday.
func Example_age() {
	env := rules.NewEnv(rules.KindForm)
	for _, at := range []string{"2026-03-06", "2026-03-07"} {
		p, _ := rules.Compile(`age("370102199003071238", "`+at+`")`, env, rules.ResultInt)
		n, _ := p.RunInt(nil)
		fmt.Println(at, n)
	}
	// Output:
	// 2026-03-06 35
	// 2026-03-07 36
}

// quarterEnd is the instant the quarter ends in China, so
// quarterEnd(submittedAt) + days(15) is the end of 15 January: a quarterly
// report is on time all that day.
func Example_quarterEnd() {
	env := rules.NewEnv(rules.KindDeadline)
	p, _ := rules.Compile(`quarterEnd(submittedAt) + days(15)`, env, rules.ResultTime)
	due, _ := p.RunTime(map[string]any{"submittedAt": time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)})
	fmt.Println(due)
	fmt.Println(due.In(rules.Shanghai))
	// Output:
	// 2027-01-15 16:00:00 +0000 UTC
	// 2027-01-16 00:00:00 +0800 CST
}

// The calendar is China's: 31 March 16:00 UTC is already 1 April there.
func Example_quarterOf() {
	env := rules.NewEnv(rules.KindDeadline)
	p, _ := rules.Compile(`quarterOf(submittedAt)`, env, rules.ResultInt)
	q, _ := p.RunInt(map[string]any{"submittedAt": time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)})
	fmt.Println(q)
	// Output: 2
}

func Example_daysBetween() {
	env := rules.NewEnv(rules.KindDeadline)
	p, _ := rules.Compile(`daysBetween(createdAt, submittedAt) <= 30`, env, rules.ResultBool)
	ok, _ := p.RunBool(map[string]any{
		"createdAt":   time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC),
		"submittedAt": time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC), // 1 February in China
	})
	fmt.Println(ok)
	// Output: false
}

// Pay is computed in integer fen: 0.5 yuan per record collected.
func Example_fen() {
	env := rules.NewEnv(rules.KindPay)
	p, _ := rules.Compile(`qc == "problem" ? 0 : count * fen(0.5)`, env, rules.ResultInt)
	for _, qc := range []string{"pass", "problem"} {
		n, _ := p.RunInt(map[string]any{"count": 37, "qc": qc})
		fmt.Println(qc, n)
	}
	// Output:
	// pass 1850
	// problem 0
}

func ExampleFen() {
	for _, yuan := range []float64{0.5, 1.5, 1.005, -0.125} {
		fen, _ := rules.Fen(yuan)
		fmt.Println(yuan, fen)
	}
	// Output:
	// 0.5 50
	// 1.5 150
	// 1.005 101
	// -0.125 -13
}

func ExampleRoundHalfUp() {
	for _, x := range []float64{2.5, -2.5, 2.675} {
		r0, _ := rules.RoundHalfUp(x, 0)
		r2, _ := rules.RoundHalfUp(x, 2)
		fmt.Println(x, r0, r2)
	}
	// Output:
	// 2.5 3 2.5
	// -2.5 -3 -2.5
	// 2.675 3 2.68
}

// Budget lines are expressions over the sign-ups.
func Example_budget() {
	env := rules.NewEnv(rules.KindBudget).Var("signups", 0)
	p, _ := rules.Compile(`signups * (fen(5) + 2 * fen(10))`, env, rules.ResultInt)
	total, _ := p.RunInt(map[string]any{"signups": 190})
	fmt.Println(total, "fen")
	// Output: 475000 fen
}

func ExampleParseResidentID() {
	id, err := rules.ParseResidentID("11010519491231002X", time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(id.Region, id.BirthDate.Format("2006-01-02"), id.Sex, err)
	_, err = rules.ParseResidentID("11010519491231002x", time.Time{})
	fmt.Println(err, errors.Is(err, rules.ErrIDLowerX))
	// Output:
	// 110105 1949-12-31 female <nil>
	// resident id: check character must be upper-case X true
}

// A run that would take too much memory or time fails with an error.
func ExampleProgram_Run_limits() {
	env := rules.NewEnv(rules.KindIndicator)
	p, _ := rules.Compile(`len(map(1..1000000, {#}))`, env, rules.ResultInt)
	_, err := p.Run(nil)
	fmt.Println(err)
	// Output: 1:10: memory budget exceeded
}

func ExampleFunctionDocs() {
	for _, d := range rules.FunctionDocs() {
		if d.Name == "addMonths" {
			fmt.Println(d.Signature)
			fmt.Println(d.Summary.EN)
			fmt.Println(d.Example, "→", d.Result)
		}
	}
	// Output:
	// addMonths(date, n) time
	// date plus n calendar months in China; n may be negative. A day the target month lacks becomes its last day: 31 January plus a month is 28 February (29 in leap years).
	// addMonths(date("2026-01-31"), 1) → 2026-02-28
}
