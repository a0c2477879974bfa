package rules

import (
	"fmt"
	"slices"
	"testing"
)

// Indicator terms name answer fields by path: a filter's member chains
// are read whole, and sum takes a dotted path.
func TestIndicatorAnswerPaths(t *testing.T) {
	tests := []struct {
		name, src string
		field     string
		answers   []string
	}{
		{"a chain into a section", `count(answers.birth.childSex == "male")`, "", []string{"birth.childSex@1:15"}},
		{"a bare key", `count(answers.childSex == "male" && answers.childAge < 6)`, "", []string{"childSex@1:15", "childAge@1:45"}},
		{"brackets", `count(answers["birth"]["childSex"] == "male")`, "", []string{"birth.childSex@1:15"}},
		{"a computed key stops the chain", `count(answers.care[state].x == 1)`, "", []string{"care@1:15"}},
		{"a dotted sum", `sum("care.childCount", answers.care.childCount > 0)`, "care.childCount", []string{"care.childCount@1:32"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := CompileIndicator(tt.src, nil)
			if err != nil {
				t.Fatal(err)
			}
			term := x.Terms[0]
			var got []string
			for _, l := range term.Answers {
				got = append(got, fmt.Sprintf("%s@%d:%d", l.Value, l.Line, l.Col))
			}
			if !slices.Equal(got, tt.answers) {
				t.Errorf("answers %v, want %v", got, tt.answers)
			}
			if term.Field != tt.field {
				t.Errorf("field %q, want %q", term.Field, tt.field)
			}
		})
	}
	for _, bad := range []string{`sum("care..x")`, `sum(".x")`, `sum("care.children[0]")`} {
		if _, err := CompileIndicator(bad, nil); err == nil {
			t.Errorf("%s compiled", bad)
		}
	}
}
