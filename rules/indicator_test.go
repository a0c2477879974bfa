package rules

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestCompileIndicator(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		terms     []IndicatorTerm // Filter and Forms compared by source/values
		code      string
		line, col int
	}{
		{name: "count", src: `count(form == "birth" && state == "approved")`,
			terms: []IndicatorTerm{{Sign: 1, Func: TermCount, Line: 1, Col: 1}}},
		{name: "count all", src: `count()`, terms: []IndicatorTerm{{Sign: 1, Func: TermCount, Line: 1, Col: 1}}},
		{name: "sum minus official", src: `sum("children", state == "approved") - official("births")`,
			terms: []IndicatorTerm{{Sign: 1, Func: TermSum, Field: "children", Line: 1, Col: 1}, {Sign: -1, Func: TermOfficial, Key: "births", Line: 1, Col: 40}}},
		{name: "nested minus", src: `official("a") - (count() - count(state == "x"))`,
			terms: []IndicatorTerm{{Sign: 1, Func: TermOfficial, Key: "a", Line: 1, Col: 1}, {Sign: -1, Func: TermCount, Line: 1, Col: 18}, {Sign: 1, Func: TermCount, Line: 1, Col: 28}}},
		{name: "division", src: `count() / official("births")`, code: CodeIndicatorDivision, line: 1, col: 9},
		{name: "product", src: `count() * 2`, code: CodeIndicatorShape, line: 1, col: 9},
		{name: "constant", src: `count() + 1`, code: CodeIndicatorShape, line: 1, col: 11},
		{name: "unknown name", src: `count(stat == "x")`, code: CodeUnknownIdentifier, line: 1, col: 7},
		{name: "filter not bool", src: `count(state)`, code: CodeWrongResult, line: 1, col: 7},
		{name: "arity", src: `official("a", "b")`, code: CodeIndicatorShape, line: 1, col: 1},
		{name: "sum field not literal", src: `sum(state, true)`, code: CodeTypeMismatch, line: 1, col: 5},
		{name: "official bad key", src: `official("Births")`, code: CodeTypeMismatch, line: 1, col: 10},
		{name: "nested count", src: `count(count() > 1)`, code: CodeIndicatorShape, line: 1, col: 7},
		{name: "syntax", src: `count(`, code: CodeSyntax, line: 1, col: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CompileIndicator(tt.src, nil)
			if tt.code != "" {
				var ce *CompileError
				if !errors.As(err, &ce) {
					t.Fatalf("err = %v, want code %s", err, tt.code)
				}
				if ce.Code != tt.code || ce.Line != tt.line || ce.Col != tt.col {
					t.Fatalf("got %s at %d:%d (%s), want %s at %d:%d", ce.Code, ce.Line, ce.Col, ce.Message, tt.code, tt.line, tt.col)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Terms) != len(tt.terms) {
				t.Fatalf("got %d terms, want %d", len(got.Terms), len(tt.terms))
			}
			for i, w := range tt.terms {
				g := got.Terms[i]
				if g.Sign != w.Sign || g.Func != w.Func || g.Field != w.Field || g.Key != w.Key || g.Line != w.Line || g.Col != w.Col {
					t.Errorf("term %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}

func TestIndicatorFilterRuns(t *testing.T) {
	x, err := CompileIndicator(`count(form == "birth" && state in ["approved", "archived"] && answers.sex == "F") + count(form in ["death", "move"])`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Terms[0].Forms; len(got) != 1 || got[0] != (Literal{"birth", 1, 15}) {
		t.Errorf("forms of term 0 = %+v", got)
	}
	if got := x.Terms[1].Forms; len(got) != 2 || got[0].Value != "death" || got[1].Value != "move" {
		t.Errorf("forms of term 1 = %+v", got)
	}
	rec := func(form, state, sex string) map[string]any {
		return map[string]any{"form": form, "state": state, "orgUnit": "v1", "createdAt": time.Now(), "answers": map[string]any{"sex": sex}}
	}
	tests := []struct {
		name string
		vars map[string]any
		want bool
	}{
		{"match", rec("birth", "approved", "F"), true},
		{"other state", rec("birth", "draft", "F"), false},
		{"other sex", rec("birth", "archived", "M"), false},
		{"other form", rec("death", "approved", "F"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := x.Terms[0].Filter.RunBool(tt.vars)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if x.Terms[0].Filter.Source == "" {
		t.Error("filter has no source")
	}
}

// A filter's state literals and answer fields are collected for the
// publish-time check against the workflow and the forms.
func TestIndicatorTermReferences(t *testing.T) {
	got, err := CompileIndicator(`count(form == "vital-event" && answers.eventType == "birth" && state in ["accepted", "archived"]) + sum("children", answers["household"].size > 0 && state != "rejected")`, nil)
	if err != nil {
		t.Fatal(err)
	}
	lits := func(ls []Literal) []string {
		var out []string
		for _, l := range ls {
			out = append(out, fmt.Sprintf("%s@%d:%d", l.Value, l.Line, l.Col))
		}
		return out
	}
	tests := []struct {
		term            int
		states, answers []string
	}{
		{0, []string{"accepted@1:74", "archived@1:86"}, []string{"eventType@1:40"}},
		{1, []string{"rejected@1:159"}, []string{"household.size@1:125"}},
	}
	for _, tt := range tests {
		term := got.Terms[tt.term]
		if g := lits(term.States); !slices.Equal(g, tt.states) {
			t.Errorf("term %d states %v, want %v", tt.term, g, tt.states)
		}
		if g := lits(term.Answers); !slices.Equal(g, tt.answers) {
			t.Errorf("term %d answers %v, want %v", tt.term, g, tt.answers)
		}
	}
}
