package forms

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const summaryForm = `{
  "x-form-id": "household",
  "x-title": {"zh": "住户"},
  "type": "object",
  %s
  "properties": {
    "personal": {"type": "object", "x-label": {"zh": "个人"}, "properties": {
      "name": {"type": "string", "x-label": {"zh": "姓名"}, "x-pii": "name"},
      "idNumber": {"type": "string", "x-label": {"zh": "身份号码"}, "x-pii": "id-number"}
    }},
    "children": {"type": "array", "x-label": {"zh": "子女"}, "items": {"type": "object", "properties": {
      "childSex": {"type": "string", "x-label": {"zh": "性别"}}
    }}},
    "village": {"type": "string", "x-label": {"zh": "村"}},
    "size": {"type": "integer", "x-label": {"zh": "人口"}},
    "needs": {"type": "array", "x-label": {"zh": "需求"}, "items": {"type": "string", "enum": ["a", "b"]}}
  }
}`

func TestSummary(t *testing.T) {
	paths := func(fs []*Field) []string {
		var out []string
		for _, fd := range fs {
			out = append(out, fd.Path())
		}
		return out
	}
	tests := []struct {
		name    string
		summary string
		want    []string // paths, when it loads
		code    string   // the finding's code otherwise
	}{
		{"default: the first four one-value fields, sections included", "", []string{"personal.name", "personal.idNumber", "village", "size"}, ""},
		{"named by key and path", `"x-summary": ["village", "personal.idNumber", "needs"],`, []string{"village", "personal.idNumber", "needs"}, ""},
		{"unknown field", `"x-summary": ["vilage"],`, nil, CodeUnknownField},
		{"wrong section", `"x-summary": ["children.name"],`, nil, CodeWrongPath},
		{"a field of every row", `"x-summary": ["childSex"],`, nil, CodeFieldInRepeat},
		{"a section", `"x-summary": ["personal"],`, nil, CodeFieldInRepeat},
		{"twice", `"x-summary": ["village", "village"],`, nil, CodeDuplicateKey},
		{"empty", `"x-summary": [],`, nil, CodeBadExtension},
		{"not a string", `"x-summary": [3],`, nil, CodeBadExtension},
		{"too many", `"x-summary": ["village", "size", "needs", "personal.name", "idNumber", "a", "b"],`, nil, CodeBadExtension},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ds := Load("household.form.json", []byte(fmt.Sprintf(summaryForm, tt.summary)))
			if tt.code == "" {
				if f == nil {
					t.Fatalf("does not load: %v", ds)
				}
				if got := paths(f.Summary()); !slices.Equal(got, tt.want) {
					t.Errorf("Summary() = %v, want %v", got, tt.want)
				}
				return
			}
			if f != nil {
				t.Fatalf("loaded with x-summary %s", tt.summary)
			}
			if len(ds) == 0 || ds[0].Code != tt.code || !strings.HasPrefix(ds[0].Path, "/x-summary") || ds[0].Line != 5 {
				t.Errorf("findings %v, want %s at line 5", ds, tt.code)
			}
		})
	}
}

func TestSummaryAnswers(t *testing.T) {
	answers := map[string]any{"personal": map[string]any{"idNumber": "x"}, "size": 3, "needs": []any{"a"},
		"children": []any{map[string]any{"childSex": "male"}}}
	tests := []struct {
		name, summary string
		want          []string
	}{
		{"default: the first four answered", "", []string{"personal.idNumber=x", "size=3", "needs=[a]"}},
		{"named: the answered ones, in order", `"x-summary": ["size", "village", "personal.idNumber"],`, []string{"size=3", "personal.idNumber=x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ds := Load("household.form.json", []byte(fmt.Sprintf(summaryForm, tt.summary)))
			if f == nil {
				t.Fatal(ds)
			}
			var got []string
			for _, a := range f.SummaryAnswers(answers) {
				got = append(got, fmt.Sprintf("%s=%v", a.Field.Path(), a.Value))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("SummaryAnswers = %v, want %v", got, tt.want)
			}
		})
	}
}
