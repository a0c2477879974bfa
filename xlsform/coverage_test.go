package xlsform

import (
	"slices"
	"strings"
	"testing"
)

// TestCorpusCoversTheSpec walks issue 17's list — sheets, columns, types,
// expressions and settings — and checks that some corpus workbook (whose
// forms are golden and round-tripped by TestCorpus) uses each. A feature
// added to the converter without a workbook that exercises it fails here.
func TestCorpusCoversTheSpec(t *testing.T) {
	var sheets, headers, types, cells []string
	for _, c := range corpus {
		for _, s := range c.sheets {
			sheets = append(sheets, s.Name)
			if len(s.Rows) == 0 {
				continue
			}
			headers = append(headers, s.Rows[0]...)
			for _, r := range s.Rows[1:] {
				if s.Name == "survey" || s.Name == "问卷" || s.Name == "题目" {
					if len(r) > 0 {
						types = append(types, r[0])
					}
				}
				cells = append(cells, r...)
			}
		}
	}
	has := func(list []string, pred func(string) bool) bool { return slices.ContainsFunc(list, pred) }
	exact := func(list []string, want string) func(*testing.T) {
		return func(t *testing.T) {
			if !has(list, func(s string) bool { return s == want }) {
				t.Errorf("no corpus workbook has %q", want)
			}
		}
	}
	prefix := func(list []string, want string) func(*testing.T) {
		return func(t *testing.T) {
			if !has(list, func(s string) bool { return strings.HasPrefix(s, want) }) {
				t.Errorf("no corpus workbook has %q…", want)
			}
		}
	}
	contains := func(list []string, want string) func(*testing.T) {
		return func(t *testing.T) {
			if !has(list, func(s string) bool { return strings.Contains(s, want) }) {
				t.Errorf("no corpus workbook cell holds %q", want)
			}
		}
	}
	for _, s := range []string{"survey", "choices", "settings", "问卷", "题目", "选项", "设置"} {
		t.Run("sheet "+s, exact(sheets, s))
	}
	for _, h := range []string{"type", "name", "label", "label::中文 (zh)", "label::English (en)", "label::zh", "label::en",
		"hint::中文 (zh)", "hint::English (en)", "required", "required_message::zh", "required_message::中文 (zh)", "required_message::English (en)",
		"constraint", "constraint_message::zh", "constraint_message::en", "relevant", "calculation", "choice_filter",
		"appearance", "default", "read_only", "repeat_count", "parameters", "pii", "remarks",
		"form_title", "form_id", "version", "default_language", "类型", "名称", "标题", "必填", "个人信息", "题型", "变量名", "必填提示", "校验提示"} {
		t.Run("column "+h, exact(headers, h))
	}
	for _, ty := range []string{"text", "integer", "decimal", "date", "datetime", "time", "select_one ", "select_multiple ",
		"select_one reasons or_other", "note", "calculate", "acknowledge", "hidden", "begin group", "end group",
		"begin repeat", "end repeat", "resident_id", "mobile", "org_unit"} {
		t.Run("type "+ty, prefix(types, ty))
	}
	for _, e := range []string{"${", ". ", " = ", "!=", "<=", ">=", " and ", " or ", "not(", " div ", " mod ", "selected(",
		"count-selected(", "string-length(", "regex(", "if(", "coalesce(", "concat(", "contains(", "starts-with(",
		"int(", "round(", "today()", "date(", "decimal-date-time(", "position(..)", "sum(", "true()", "false()", "expr: "} {
		t.Run("expression "+e, contains(cells, e))
	}
}
