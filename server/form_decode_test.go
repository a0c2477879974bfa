package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"canvass/forms"
)

func loadHouseholdForm(t *testing.T) *forms.Form {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "forms", "household-visit.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, ds := forms.Load("household-visit.form.json", src)
	if f == nil {
		t.Fatalf("load: %v", ds)
	}
	return f
}

func TestDecodeFormValues(t *testing.T) {
	form := loadHouseholdForm(t)
	tests := []struct {
		name   string
		values map[string][]string
		want   string // the answers as JSON
	}{
		{name: "nothing", values: nil, want: `{}`},
		{name: "text is trimmed", values: map[string][]string{"respondentName": {" 赵丽华 "}}, want: `{"respondentName":"赵丽华"}`},
		{name: "empty values are no answer", values: map[string][]string{"respondentName": {""}, "householdSize": {"  "}, "benefits": {""}},
			want: `{}`},
		{name: "integer", values: map[string][]string{"householdSize": {"+3"}}, want: `{"householdSize":3}`},
		{name: "integer that does not parse stays text", values: map[string][]string{"householdSize": {"three"}}, want: `{"householdSize":"three"}`},
		{name: "integer with a fraction stays text", values: map[string][]string{"householdSize": {"2.5"}}, want: `{"householdSize":"2.5"}`},
		{name: "integer beyond 2^53 stays text", values: map[string][]string{"householdSize": {"9007199254740993"}}, want: `{"householdSize":"9007199254740993"}`},
		{name: "decimal", values: map[string][]string{"monthlyIncome": {"2500.50"}}, want: `{"monthlyIncome":2500.5}`},
		{name: "decimal with exponent", values: map[string][]string{"monthlyIncome": {"1e3"}}, want: `{"monthlyIncome":1000}`},
		{name: "decimal refuses Inf, NaN and hex", values: map[string][]string{"monthlyIncome": {"Inf"}, "householdSize": {"0x10"}},
			want: `{"householdSize":"0x10","monthlyIncome":"Inf"}`},
		{name: "yes/no", values: map[string][]string{"hasChildren": {"false"}}, want: `{"hasChildren":false}`},
		{name: "yes/no that is neither", values: map[string][]string{"hasChildren": {"maybe"}}, want: `{"hasChildren":"maybe"}`},
		{name: "checkbox collects every value", values: map[string][]string{"benefits": {"reward", "", "special"}}, want: `{"benefits":["reward","special"]}`},
		{name: "radio and date", values: map[string][]string{"housing": {"rent"}, "visitDate": {"2026-12-05"}}, want: `{"housing":"rent","visitDate":"2026-12-05"}`},
		{name: "section fields nest", values: map[string][]string{"address.township": {"370102001"}, "address.village": {"370102001001"}},
			want: `{"address":{"township":"370102001","village":"370102001001"}}`},
		{name: "rows keep index order and close gaps", values: map[string][]string{
			"children.7.childName": {"乙"}, "children.2.childName": {"甲"}, "children.2.childBirthDate": {"2020-03-01"},
		}, want: `{"children":[{"childBirthDate":"2020-03-01","childName":"甲"},{"childName":"乙"}]}`},
		{name: "a row of empty fields is an empty row", values: map[string][]string{"children.0.childName": {""}},
			want: `{"children":[{}]}`},
		{name: "calculated fields are ignored", values: map[string][]string{"respondentAge": {"99"}, "children.0.childAge": {"3"}},
			want: `{}`},
		{name: "the page's own fields are ignored", values: map[string][]string{"_csrf": {"x"}, "_id": {"y"}, "_action": {"submit"}},
			want: `{}`},
		{name: "forged names leave nothing behind", values: map[string][]string{
			"nosuch": {"x"}, "address": {"x"}, "address.nosuch": {"x"}, "children": {"x"}, "children.0": {"x"},
			"children.x.childName": {"x"}, "children.-1.childName": {"x"}, "children.99999.childName": {"x"},
			"children.0.nosuch": {"x"}, "respondentName.0": {"x"}, "children.0.childName.extra": {"x"},
			"children.__row__.childName": {"x"}, "": {"x"}, "address..village": {"x"},
		}, want: `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeFormValues(form, tt.values)
			var want map[string]any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			// Compare as JSON types: the decoder makes ints, JSON floats.
			gotJSON, _ := json.Marshal(got)
			var gotBack map[string]any
			if err := json.Unmarshal(gotJSON, &gotBack); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotBack, want) {
				t.Errorf("got %s, want %s", gotJSON, tt.want)
			}
		})
	}
}

// TestDecodeFormValuesTypes checks the Go types, which forms.Evaluate
// relies on (int for integer fields, float64 for number fields).
func TestDecodeFormValuesTypes(t *testing.T) {
	form := loadHouseholdForm(t)
	got := decodeFormValues(form, map[string][]string{"householdSize": {"3"}, "monthlyIncome": {"12"}, "hasChildren": {"true"}})
	if v, ok := got["householdSize"].(int); !ok || v != 3 {
		t.Errorf("householdSize: got %#v, want int 3", got["householdSize"])
	}
	if v, ok := got["monthlyIncome"].(float64); !ok || v != 12 {
		t.Errorf("monthlyIncome: got %#v, want float64 12", got["monthlyIncome"])
	}
	if v, ok := got["hasChildren"].(bool); !ok || !v {
		t.Errorf("hasChildren: got %#v, want true", got["hasChildren"])
	}
}

// TestDecodedAnswersEvaluateLikeJSON checks the point of the decoder: a
// posted HTML form and the same answers sent as JSON get the same
// evaluation.
func TestDecodedAnswersEvaluateLikeJSON(t *testing.T) {
	form := loadHouseholdForm(t)
	posted := decodeFormValues(form, map[string][]string{
		"address.township": {"370102001"}, "address.village": {"370102001001"}, "respondentName": {"赵丽华"},
		"respondentId": {headID}, "householdSize": {"3"}, "monthlyIncome": {"2500.5"}, "visitDate": {"2026-12-05"},
		"housing": {"own"}, "benefits": {"reward"}, "hasChildren": {"true"},
		"children.0.childName": {"赵小明"}, "children.0.childBirthDate": {"2020-03-01"},
		"address.street": {"幸福路 12 号"},
	})
	var viaJSON map[string]any
	b, _ := json.Marshal(validAnswers())
	if err := json.Unmarshal(b, &viaJSON); err != nil {
		t.Fatal(err)
	}
	env := forms.Env{RefTime: fixtureRefTime}
	got, want := forms.Evaluate(form, posted, env), forms.Evaluate(form, viaJSON, env)
	if !got.Valid() || !reflect.DeepEqual(got.Clean, want.Clean) {
		t.Errorf("posted: errors %v clean %v;\nJSON: errors %v clean %v", got.Errors, got.Clean, want.Errors, want.Clean)
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, ""}, {"x", "x"}, {true, "true"}, {3, "3"}, {int64(-4), "-4"}, {2500.5, "2500.5"}, {1e21, "1000000000000000000000"},
		{[]any{1}, ""},
	}
	for _, tt := range tests {
		if got := formatValue(tt.in); got != tt.want {
			t.Errorf("formatValue(%#v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
