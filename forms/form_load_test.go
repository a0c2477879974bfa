package forms

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"canvass/internal/linttest"
)

// TestLintGolden loads every testdata/lint/*.form.json and compares the
// formatted diagnostics with the .golden file next to it. Run
// `go test ./forms -update` to rewrite them after an intended change.
func TestLintGolden(t *testing.T) {
	linttest.Golden(t, ".form.json", Load)
}

// TestLintCodes pins the codes and positions each fixture must produce, so
// that rewriting the golden files cannot quietly lose a finding.
func TestLintCodes(t *testing.T) {
	type finding struct {
		code      string
		line, col int
		path      string
	}
	type lintCase struct {
		file string
		want []finding
	}
	tests := []lintCase{
		{"syntax", []finding{{CodeSyntax, 5, 5, ""}}},
		{"syntax_duplicate_member", []finding{{CodeSyntax, 4, 57, ""}}},
		{"unknown_extension", []finding{
			{CodeUnknownExtension, 9, 7, "/properties/childCount/x-relevent"},
			{CodeUnknownExtension, 10, 7, "/properties/childCount/x-hnit"},
			{CodeUnknownExtension, 13, 3, "/x-formid"},
		}},
		{"unknown_keyword", []finding{
			{CodeUnknownKeyword, 5, 34, "/properties/years/minimun"},
			{CodeBadField, 6, 5, "/properties/mother"},
			{CodeUnsupportedKeyword, 6, 16, "/properties/mother/$ref"},
			{CodeUnsupportedKeyword, 7, 34, "/properties/answer/oneOf"},
			{CodeUnsupportedKeyword, 9, 3, "/$defs"},
		}},
		{"bad_schema", []finding{
			{CodeBadSchema, 5, 45, "/properties/years/minimum"},
			{CodeBadSchema, 6, 22, "/properties/name/type"},
			{CodeBadSchema, 7, 43, "/properties/code/pattern"},
		}},
		{"bad_expression", []finding{
			// "name == \"张三\" && years >>= 18": the column counts the
			// escaped quotes as written, and lands on the second '>'.
			{CodeBadExpression, 10, 47, "/properties/adult/x-relevant"},
			{CodeBadExpression, 15, 23, "/properties/nameLength/x-calculate"},
			{CodeBadExpression, 20, 30, "/properties/older/x-constraint"},
			{CodeBadExpression, 26, 25, "/properties/born/x-required-if"},
		}},
		{"unknown_identifier", []finding{
			{CodeUnknownIdentifier, 9, 27, "/properties/motherAge/x-calculate"},
			{CodeUnknownIdentifier, 24, 23, "/properties/firstBirth/x-calculate"},
			// Line 2 of the expression, after the escaped "\n".
			{CodeUnknownIdentifier, 29, 42, "/properties/nextYear/x-calculate"},
		}},
		{"unknown_function", []finding{
			{CodeUnknownFunction, 10, 23, "/properties/firstVisit/x-calculate"},
			// Line 2 of the expression, after the escaped "\n".
			{CodeUnknownFunction, 16, 47, "/properties/visitDate/x-constraint"},
			{CodeUnknownFunction, 21, 22, "/properties/note/x-relevant"},
		}},
		{"calculate_cycle", []finding{
			{CodeCalculateCycle, 5, 74, "/properties/total/x-calculate"},
			{CodeRelevanceCycle, 7, 73, "/properties/askA/x-relevant"},
			{CodeCalculateCycle, 9, 73, "/properties/self/x-calculate"},
		}},
		{"missing_label", []finding{
			{CodeMissingLabel, 1, 1, ""},
			{CodeMissingLabel, 4, 5, "/properties/name"},
			{CodeMissingLabel, 5, 5, "/properties/sex"},
			{CodeMissingLabel, 10, 9, "/properties/sex/x-choices/1"},
		}},
		{"keys", []finding{
			{CodeBadKey, 6, 5, "/properties/birth-date"},
			{CodeShadowedFunction, 7, 5, "/properties/date"},
			{CodeBadKey, 8, 5, "/properties/row"},
			{CodeBadKey, 9, 5, "/properties/submittedAt"},
			{CodeDuplicateKey, 16, 11, "/properties/members/items/properties/name"},
		}},
		{"structure", []finding{
			{CodeBadExtension, 8, 7, "/properties/home/x-calculate"},
			{CodeBadChoices, 15, 20, "/properties/sex/x-choices"},
			{CodeBadField, 17, 5, "/properties/hobbies"},
			{CodeBadField, 18, 50, "/properties/flags/items/type"},
			{CodeUnknownExtension, 22, 35, "/properties/members/items/x-label"},
			{CodeBadWidget, 24, 44, "/properties/town/x-widget"},
			{CodeBadWidget, 25, 44, "/properties/born/x-widget"},
			{CodeBadField, 26, 43, "/properties/size/format"},
			{CodeBadWidget, 27, 46, "/properties/total/x-widget"},
		}},
		{"fields", []finding{
			{CodeUnknownRequired, 4, 24, "/required/1"},
			{CodeBadField, 6, 5, "/properties/name"},
			{CodeBadField, 7, 23, "/properties/years/type"},
			{CodeBadField, 8, 5, "/properties/tags"},
			{CodeUnknownFormat, 9, 43, "/properties/phone/format"},
			{CodeBadWidget, 10, 47, "/properties/amount/x-widget"},
			{CodeBadExtension, 10, 89, "/properties/amount/x-pii"},
			{CodeBadChoices, 14, 69, "/properties/sex/x-choices/1/value"},
			{CodeBadChoices, 14, 105, "/properties/sex/x-choices/2/value"},
			{CodeBadExtension, 16, 76, "/properties/town/x-choice-filter"},
			{CodeBadExtension, 17, 58, "/properties/remark/x-label/fr"},
			{CodeBadExtension, 17, 77, "/properties/remark/x-constraint-message"},
			{CodeBadExtension, 18, 45, "/properties/level/x-order"},
			{CodeBadExtension, 18, 66, "/properties/level/x-widget"},
			{CodeBadExtension, 18, 87, "/properties/level/x-label"},
		}},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "lint", "*.form.json"))
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".form.json")
		if !slices.ContainsFunc(tests, func(tt lintCase) bool { return tt.file == name }) {
			t.Errorf("fixture %s has no entry here", name)
		}
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", "lint", tt.file+".form.json"))
			if err != nil {
				t.Fatal(err)
			}
			_, diags := Load(tt.file+".form.json", src)
			var got []finding
			for _, d := range diags {
				got = append(got, finding{d.Code, d.Line, d.Col, d.Path})
			}
			for _, w := range tt.want {
				i := slices.Index(got, w)
				if i < 0 {
					t.Errorf("missing %+v\ngot %+v", w, got)
					continue
				}
				got = slices.Delete(got, i, i+1)
			}
			if len(got) > 0 {
				t.Errorf("unexpected findings %+v", got)
			}
		})
	}
}

func TestHouseholdLoadsWithoutFindings(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "household.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	f, diags := Load("household.form.json", src)
	if f == nil || len(diags) != 0 {
		t.Fatalf("Load: %v\n%s", f, linttest.Output(diags))
	}
	if got, want := f.ID(), "household-survey"; got != want {
		t.Errorf("ID = %q, want %q", got, want)
	}
}
