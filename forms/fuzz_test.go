package forms

import (
	"encoding/json"
	"testing"

	"canvass/internal/linttest"
)

// FuzzLoad feeds arbitrary bytes to Load as a definition: it must neither
// panic nor hang, must return a form exactly when there is no error, and a
// form it returns must evaluate empty answers. Seeds: the committed corpus
// under testdata/fuzz/FuzzLoad and every form in testdata.
func FuzzLoad(f *testing.F) {
	linttest.FuzzSeeds(f, ".form.json")
	f.Fuzz(func(t *testing.T, src []byte) {
		form, diags := Load("fuzz.form.json", src)
		for _, d := range diags {
			if d.Line < 1 || d.Col < 1 || d.Code == "" || d.Message == "" {
				t.Fatalf("malformed diagnostic %+v", d)
			}
		}
		if form == nil {
			if len(diags) == 0 {
				t.Fatal("no form and no diagnostic")
			}
			return
		}
		Evaluate(form, map[string]any{}, Env{RefTime: refTime})
	})
}

// FuzzEvaluate feeds arbitrary JSON answers to the household form: no
// panic, and Clean holds only keys the form declares.
func FuzzEvaluate(f *testing.F) {
	form := mustLoadFile(f, "household.form.json")
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"hasChildren": true, "children": [{"childBirthDate": "2020-01-01"}, 1, null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var answers map[string]any
		if json.Unmarshal(data, &answers) != nil {
			return
		}
		s := Evaluate(form, answers, Env{RefTime: refTime, Lang: LangEN})
		for k := range s.Clean {
			if form.Field(k) == nil {
				t.Fatalf("Clean holds undeclared key %q", k)
			}
		}
		for _, e := range s.Errors {
			if e.Code == "" || e.Message == "" {
				t.Fatalf("error without code or message: %+v", e)
			}
		}
	})
}
