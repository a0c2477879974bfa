package rules

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzCompile compiles arbitrary sources against the form environment:
// Compile must not panic or hang and must return a positioned
// *CompileError or a program; programs that compile must run to a value or
// an error within the run limits.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`married && householdSize > 2`,
		`age(idNumber, refTime) >= 18`,
		`count(members, .age >= 60)`,
		`quarterEnd(refTime) + days(15)`,
		`monthsBetween(birthDate, addMonths(refTime, -6)) >= 0`,
		`fen(income) / householdSize`,
		"1 + (2",
		"name + 1",
		`$env["name"]`,
		`let r = 1..100; all(r, all(r, true))`,
		`reduce(1..20, #acc + #acc, "ab")`,
		`map(1..1000000, {#})`,
	} {
		f.Add(s)
	}
	env := formEnv()
	vars := formVars()
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Compile(src, env, ResultAny)
		if err != nil {
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("Compile(%q) error %T %v, want *CompileError", src, err, err)
			}
			if ce.Line < 1 || ce.Col < 1 || ce.Code == "" || strings.Contains(ce.Message, "internal error") {
				t.Fatalf("Compile(%q) error %+v is not positioned", src, ce)
			}
			return
		}
		start := time.Now()
		_, _ = p.Run(vars)
		if elapsed := time.Since(start); elapsed > 2*MaxRunTime {
			t.Fatalf("Run(%q) took %v", src, elapsed)
		}
	})
}
