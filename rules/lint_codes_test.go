package rules

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestLintCodeTable walks the code table: every code has a Chinese and an
// English message that name the same arguments, with well-formed
// [optional] parts; the Chinese one is Chinese and the English one is not.
func TestLintCodeTable(t *testing.T) {
	codes := LintCodes()
	if len(codes) < 60 {
		t.Fatalf("the table has %d codes; the linters emit more than 60", len(codes))
	}
	for _, code := range codes {
		t.Run(code, func(t *testing.T) {
			zh, _ := LintTemplate(code, LangZH)
			en, _ := LintTemplate(code, LangEN)
			if strings.TrimSpace(zh) == "" || strings.TrimSpace(en) == "" {
				t.Fatalf("zh %q, en %q: both are needed", zh, en)
			}
			if got, want := argSet(zh), argSet(en); !slices.Equal(got, want) {
				t.Errorf("zh names %v, en names %v", got, want)
			}
			for lang, tmpl := range map[string]string{"zh": zh, "en": en} {
				if err := checkBrackets(tmpl); err != "" {
					t.Errorf("%s %q: %s", lang, tmpl, err)
				}
				for _, name := range placeholders(tmpl) {
					if name == "" || strings.ContainsAny(name, " {[]") {
						t.Errorf("%s %q: bad placeholder %q", lang, tmpl, name)
					}
				}
			}
			if !hasHan(zh) {
				t.Errorf("zh %q is not Chinese", zh)
			}
			if hasHan(en) {
				t.Errorf("en %q holds Chinese", en)
			}
		})
	}
}

// TestLintTerms checks that every term has both languages.
func TestLintTerms(t *testing.T) {
	for term, m := range lintTerms {
		if m.Zh == "" || m.En == "" || !hasHan(m.Zh) || hasHan(m.En) {
			t.Errorf("term %q: zh %q, en %q", term, m.Zh, m.En)
		}
	}
	for typ, term := range resultTerms {
		if _, ok := lintTerms[term]; !ok {
			t.Errorf("result type %s names term %q, which is not in lintTerms", typ, term)
		}
	}
}

// TestCompileErrorText: compile errors read in Chinese and English, with
// the did-you-mean of an unknown function.
func TestCompileErrorText(t *testing.T) {
	env := NewEnv(KindForm).Var("birthDate", timeType).Var("n", 0)
	tests := []struct {
		name, src string
		want      Result
		code      string
		zh, en    string
	}{
		{"unknown function with a suggestion", `addMonth(refTime, 3) > refTime`, ResultBool, CodeUnknownFunction,
			"没有函数「addMonth」，您是不是要用「addMonths」？", "There is no function named addMonth; did you mean addMonths?"},
		{"unknown function without one", `zzzzzzzz(1)`, ResultAny, CodeUnknownFunction,
			"没有函数「zzzzzzzz」", "There is no function named zzzzzzzz"},
		{"disabled function", `now()`, ResultAny, CodeUnknownFunction,
			"没有函数「now」（规则中不能用它：结果不能取决于运行的时间和地点；请用 refTime（标准时点））",
			"There is no function named now (it is disabled in rules: a result must not depend on when or where it runs; use refTime)"},
		{"wrong result", `n + 1`, ResultBool, CodeWrongResult,
			"表达式得出的是整数，这里需要“是/否”。", "The expression gives a whole number; here it must give yes or no."},
		{"unknown name", `nn > 1`, ResultBool, CodeUnknownIdentifier,
			"没有名为「nn」的字段或变量。请从字段列表中选择。", "There is no field or variable named nn. Pick one"},
		{"syntax", `n > (1`, ResultBool, CodeSyntax, "写法有误，无法读取（第 1 行第", "This is not written correctly (near line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.src, env, tt.want)
			ce, ok := err.(*CompileError)
			if !ok {
				t.Fatalf("Compile(%q) = %v, want a *CompileError", tt.src, err)
			}
			if ce.Code != tt.code {
				t.Fatalf("code %s, want %s (%s)", ce.Code, tt.code, ce.Message)
			}
			if got := ce.Text("zh-CN"); !strings.Contains(got, tt.zh) {
				t.Errorf("zh %q, want it to hold %q", got, tt.zh)
			}
			if got := ce.Text(LangEN); !strings.Contains(got, tt.en) {
				t.Errorf("en %q, want it to hold %q", got, tt.en)
			}
			d := ce.Diagnostic("f.yaml", "when", tt.src)
			if d.Text(LangZH) != ce.Text(LangZH) {
				t.Errorf("Diagnostic.Text %q differs from CompileError.Text %q", d.Text(LangZH), ce.Text(LangZH))
			}
		})
	}
}

// TestDiagnosticText covers the rendering rules: arguments by language,
// the key from the path, optional parts, and a code outside the table.
func TestDiagnosticText(t *testing.T) {
	var ds []Diagnostic
	add := func(d Diagnostic) Finding { ds = append(ds, d); return LastFinding(&ds) }
	add(Diagnostic{Code: CodeWrongType, Path: "states.review.remind.times"}).WithTerm("want", "whole number")
	add(Diagnostic{Code: CodeUnknownRole, Path: "states.a.step.role"}).With("value", "reviwer").With("suggest", "reviewer")
	add(Diagnostic{Code: CodeUnknownRole, Path: "states.a.step.role"}).With("value", "boss")
	add(Diagnostic{Code: CodeNoActions, Path: "states.review"}).WithText("key", "村级审核", "Village review")
	add(Diagnostic{Code: "no_such_code", Message: "as the linter said"})
	tests := []struct{ zh, en string }{
		{"「times」应当写成：整数。请改正。", "times must be a whole number. Correct it."},
		{"没有角色「reviwer」。您是不是要写「reviewer」？请从已有角色中选择。", "There is no role reviwer. Did you mean reviewer? Choose one of the roles."},
		{"没有角色「boss」。请从已有角色中选择。", "There is no role boss. Choose one of the roles."},
		{"状态「村级审核」没有任何操作，记录会一直停在这里。请添加通过、退回等操作。", "State Village review has no actions: records would stay in it forever. Add actions such as approve and return."},
		{"as the linter said", "as the linter said"},
	}
	for i, tt := range tests {
		if got := ds[i].Text("zh-CN"); got != tt.zh {
			t.Errorf("%d zh: got %q, want %q", i, got, tt.zh)
		}
		if got := ds[i].Text("en"); got != tt.en {
			t.Errorf("%d en: got %q, want %q", i, got, tt.en)
		}
	}
	if got := (Finding{}).With("x", "y"); got != (Finding{}) {
		t.Errorf("the zero Finding took an argument")
	}
}

func argSet(tmpl string) []string {
	names := placeholders(tmpl)
	slices.Sort(names)
	return slices.Compact(names)
}

// checkBrackets says what is wrong with tmpl's [optional] parts: nested,
// unclosed, or without an argument (then always shown, so needless).
func checkBrackets(tmpl string) string {
	depth, start := 0, 0
	for i, r := range tmpl {
		switch r {
		case '[':
			if depth > 0 {
				return "nested ["
			}
			depth, start = 1, i
		case ']':
			if depth == 0 {
				return "] without ["
			}
			if len(placeholders(tmpl[start:i])) == 0 {
				return "an optional part without an argument"
			}
			depth = 0
		}
	}
	if depth != 0 {
		return "unclosed ["
	}
	return ""
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
