package xlsform

import (
	"testing"

	"github.com/expr-lang/expr/parser"
)

var fuzzFields = map[string]*fieldInfo{
	"n":    {key: "n", kind: "integer"},
	"s":    {key: "s", kind: "string"},
	"d":    {key: "d", kind: "date"},
	"m":    {key: "m", kind: "multi"},
	"rows": {key: "rows", kind: "repeat"},
	"amt":  {key: "amt", kind: "number", repeat: "rows"},
}

// FuzzTranslate: no input makes the translator panic; whatever it accepts
// is an expression of the rules language, and its translation back to
// XPath reads back as the same expression.
func FuzzTranslate(f *testing.F) {
	for _, s := range []string{
		"${n} > 1 and ${s} != ''", ". mod 2 = 0", "selected(${m}, 'a')", "count-selected(${m}) >= 1",
		"string-length(${s}) < 5", "regex(${s}, '^[0-9]+$')", "if(${n} > 1, 'a', 'b')", "coalesce(${n}, 0)",
		"concat(${s}, '-', ${n})", "contains(${s}, 'x') or starts-with(${s}, 'y')", "int(${n} div 3)",
		"round(${n}, 2)", "${d} <= today()", "date('2026-01-01') < ${d}", "decimal-date-time(${d})",
		"sum(${amt})", "count(${rows})", "not(${n} = '')", "-${n} + 3 * (2 - 1)", "age(${d}, today())",
		"expr: n > 1", "pulldata('a')", "${n} ＞ 1", "/data/n", "${", "'open", "((1)", "1 +",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		cx := &exprContext{fields: fuzzFields, self: fuzzFields["n"]}
		out, err := toRules(src, cx)
		if err != nil {
			if _, ok := err.(*TranslateError); !ok {
				t.Fatalf("%q: the error is a %T, not a *TranslateError", src, err)
			}
			return
		}
		if len(src) > 0 && src[0] == 'e' { // expr: passes through verbatim
			return
		}
		if _, err := parser.Parse(out); err != nil {
			t.Fatalf("%q became %q, which does not parse: %v", src, out, err)
		}
		x := toXPath(out, cx)
		back, err := toRules(x, cx)
		if err != nil {
			t.Fatalf("%q → %q → %q does not read back: %v", src, out, x, err)
		}
		if !sameRules(back, out) {
			t.Fatalf("%q → %q → %q → %q", src, out, x, back)
		}
	})
}
