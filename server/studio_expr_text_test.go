package server

import (
	"maps"
	"net/http"
	"strings"
	"testing"
)

// TestStudioExprCheckSpeaksTheAuthorsLanguage: the advanced-expression
// check answers with the rules code table's sentences, in Chinese for a
// Chinese author and in English when asked for it.
func TestStudioExprCheckSpeaksTheAuthorsLanguage(t *testing.T) {
	w := newScopeWorld(t)
	target := "/api/v1/studio/forms/scoped/expr-check"
	tests := []struct {
		name, kind, src, lang string
		code, text            string
	}{
		{"an unknown function with its near name", "calculate", "addMonth(refTime, 3)", "",
			"unknown_function", "没有函数「addMonth」，您是不是要用「addMonths」？"},
		{"the same in English", "calculate", "addMonth(refTime, 3)", "en",
			"unknown_function", "There is no function named addMonth; did you mean addMonths?"},
		{"a function rules refuse", "relevant", "now() > refTime", "",
			"unknown_function", "没有函数「now」（规则中不能用它：结果不能取决于运行的时间和地点；请用 refTime（标准时点））"},
		{"an unknown field", "relevant", "vilage == 'x'", "",
			"unknown_identifier", "没有名为「vilage」的字段或变量。请从字段列表中选择。"},
		{"a condition that is no yes/no", "relevant", "1 + 2", "",
			"wrong_result", "表达式得出的是整数，这里需要“是/否”。"},
		{"unbalanced brackets", "constraint", "(name == 'x'", "",
			"syntax", "写法有误，无法读取（第 1 行第"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := maps.Clone(bearer(w.tokens[w.owner.Username]))
			if tt.lang != "" {
				header["Accept-Language"] = tt.lang
			}
			res := w.do(req{method: "POST", target: target, header: header, json: map[string]any{"kind": tt.kind, "src": tt.src}})
			if res.status != http.StatusOK {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			if !strings.Contains(res.body, `"code":"`+tt.code+`"`) || !strings.Contains(res.body, tt.text) {
				t.Errorf("got %s\nwant code %s and %q", res.body, tt.code, tt.text)
			}
		})
	}
}
