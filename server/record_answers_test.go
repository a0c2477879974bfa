package server

import (
	"slices"
	"testing"

	"canvass/forms"
)

// nestedForm has a section, a repeat group, choices and several choices,
// which the record page lays out with their labels.
const nestedForm = `{
  "x-form-id": "nested",
  "x-title": {"zh": "嵌套", "en": "Nested"},
  "type": "object",
  "properties": {
    "address": {"type": "object", "x-label": {"zh": "住址", "en": "Address"}, "properties": {
      "village": {"type": "string", "x-label": {"zh": "村", "en": "Village"},
        "x-choices": [{"value": "v1", "label": {"zh": "上庄村", "en": "Shangzhuang"}}]}
    }},
    "children": {"type": "array", "x-label": {"zh": "子女", "en": "Children"}, "items": {"type": "object", "properties": {
      "childName": {"type": "string", "x-label": {"zh": "姓名", "en": "Name"}},
      "born": {"type": "integer", "x-label": {"zh": "出生年份", "en": "Born"}}
    }}},
    "help": {"type": "array", "x-label": {"zh": "帮扶", "en": "Help"}, "items": {"type": "string"},
      "x-choices": [{"value": "a", "label": {"zh": "资金", "en": "Money"}}, {"value": "b", "label": {"zh": "培训", "en": "Training"}}]},
    "married": {"type": "boolean", "x-label": {"zh": "已婚", "en": "Married"}}
  }
}`

func TestAnswerRowsAndChangeLabels(t *testing.T) {
	f, ds := forms.Load("nested.form.json", []byte(nestedForm))
	if f == nil {
		t.Fatalf("load: %v", ds)
	}
	answers := map[string]any{
		"address":  map[string]any{"village": "v1"},
		"children": []any{map[string]any{"childName": "小明", "born": float64(2015)}, map[string]any{"childName": "小红"}},
		"help":     []any{"a", "b"},
		"married":  false,
		"removed":  "kept from an older version",
	}
	var got []string
	for _, r := range answerRows(f, answers, "en") {
		s := r.Label
		if !r.Heading {
			s += "=" + r.Value
		}
		got = append(got, string(rune('0'+r.Depth))+s)
	}
	want := []string{
		"0Address", "1Village=Shangzhuang",
		"0Children #1", "1Name=小明", "1Born=2015",
		"0Children #2", "1Name=小红",
		"0Help=Money, Training",
		"0Married=No",
		"0removed=kept from an older version",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n got %q\nwant %q", got, want)
	}

	tests := []struct{ pointer, want string }{
		{"/children/1/childName", "子女 #2 › 姓名"},
		{"/address/village", "住址 › 村"},
		{"/help/0", "帮扶 #1"},
		{"/gone", "gone"},
		{"/a~1b", "a/b"},
	}
	for _, tt := range tests {
		if got, _ := pointerLabel(f, tt.pointer, "zh-CN"); got != tt.want {
			t.Errorf("pointerLabel(%s): got %q, want %q", tt.pointer, got, tt.want)
		}
	}
}
