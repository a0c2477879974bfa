package forms

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/internal/linttest"
	"canvass/rules"
)

// refTime is the survey's reference time: 6 December 2026, midnight in China.
var refTime = time.Date(2026, 12, 6, 0, 0, 0, 0, rules.Shanghai)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func mustLoadFile(t testing.TB, name string) *Form {
	t.Helper()
	return mustLoad(t, name, string(readTestdata(t, name)))
}

func mustLoad(t testing.TB, name, src string) *Form {
	t.Helper()
	f, diags := Load(name, []byte(src))
	if f == nil {
		t.Fatalf("Load(%s) failed:\n%s", name, linttest.Output(diags))
	}
	for _, d := range diags {
		if d.Code != CodeMissingLabel {
			t.Fatalf("Load(%s): unexpected warning %s", name, d)
		}
	}
	return f
}

// answers decodes a JSON object as a client would send it.
func answers(t testing.TB, js string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("bad test answers %s: %v", js, err)
	}
	return m
}

// errorCodes returns the errors of s as pointer → code.
func errorCodes(s State) map[string]string {
	m := map[string]string{}
	for _, e := range s.Errors {
		m[e.Pointer] = e.Code
	}
	return m
}

// withCheck appends the GB 11643 check character to 17 digits.
func withCheck(d17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d17[i]-'0') * w
	}
	return d17 + string("10X98765432"[sum%11])
}

// wrongCheck returns the 17 digits with a check character that is not theirs.
func wrongCheck(d17 string) string {
	good := withCheck(d17)[17]
	for _, c := range "0123456789X" {
		if byte(c) != good {
			return d17 + string(c)
		}
	}
	panic("unreachable")
}

const idForm = `{
  "type": "object",
  "x-title": {"zh": "身份证号码"},
  "properties": {
    "id": {"type": "string", "format": "cn-resident-id", "x-label": {"zh": "身份证号码", "en": "ID number"}}
  }
}`

func TestEvaluateResidentID(t *testing.T) {
	f := mustLoad(t, "id.form.json", idForm)
	withX := "11010519491231002X" // the check character of these 17 digits is X
	if withCheck(withX[:17]) != withX {
		t.Fatalf("test data: %s does not end in its check character", withX)
	}
	tests := []struct {
		name       string
		id         any
		ref        time.Time
		wantCode   string // "" for valid
		wantReason string
	}{
		{"valid, check character X", withX, refTime, "", ""},
		{"valid, Jinan 1990", withCheck("37010219900307124"), refTime, "", ""},
		{"valid, Beijing 1985", withCheck("11010819851231003"), refTime, "", ""},
		{"valid, leap day 2000", withCheck("44030420000229556"), refTime, "", ""},
		{"valid, first day of 1900", withCheck("31011519000101001"), refTime, "", ""},
		{"valid, born on the reference day", withCheck("37010220261206002"), refTime, "", ""},
		{"valid, born on the reference day, reference late in the evening", withCheck("37010220261206002"),
			time.Date(2026, 12, 6, 23, 59, 0, 0, rules.Shanghai), "", ""},
		{"valid, surrounding spaces are trimmed", "  " + withCheck("51010719780615321") + " ", refTime, "", ""},
		{"valid, Xinjiang 2010", withCheck("65010220100930048"), refTime, "", ""},
		{"valid, Hong Kong prefix", withCheck("81000019960101002"), refTime, "", ""},
		{"empty counts as unanswered", "", refTime, "", ""},
		{"bad check digit, Jinan", wrongCheck("37010219900307124"), refTime, CodeResidentID, ReasonIDCheckDigit},
		{"bad check digit, Beijing", wrongCheck("11010819851231003"), refTime, CodeResidentID, ReasonIDCheckDigit},
		{"bad check digit, X expected", "110105194912310021", refTime, CodeResidentID, ReasonIDCheckDigit},
		{"bad check digit, X given", wrongCheck("44030420000229556")[:17] + "X", refTime, CodeResidentID, ReasonIDCheckDigit},
		{"two digits swapped", swapDigits(withCheck("37010219900307124"), 14, 15), refTime, CodeResidentID, ReasonIDCheckDigit},
		{"30 February 1999", withCheck("37010219990230123"), refTime, CodeResidentID, ReasonIDBirthDate},
		{"29 February 2023", withCheck("37010220230229123"), refTime, CodeResidentID, ReasonIDBirthDate},
		{"month 13", withCheck("37010219991301123"), refTime, CodeResidentID, ReasonIDBirthDate},
		{"day 00", withCheck("37010219990100123"), refTime, CodeResidentID, ReasonIDBirthDate},
		{"31 April", withCheck("37010219990431123"), refTime, CodeResidentID, ReasonIDBirthDate},
		{"before 1900", withCheck("37010218991231123"), refTime, CodeResidentID, ReasonIDBirthDate},
		{"17 characters", withCheck("37010219900307124")[:17], refTime, CodeResidentID, ReasonIDLength},
		{"19 characters", withCheck("37010219900307124") + "1", refTime, CodeResidentID, ReasonIDLength},
		{"old 15-digit number", "370102900307124", refTime, CodeResidentID, ReasonIDLength},
		{"lower-case x", strings.ToLower(withX), refTime, CodeResidentID, ReasonIDLowerX},
		{"letter inside", "3701021990O307124X", refTime, CodeResidentID, ReasonIDChars},
		{"full-width digits", "３７０１０２１９９００３０７１２４Ｘ", refTime, CodeResidentID, ReasonIDChars},
		{"born the day after the reference day", withCheck("37010220261207002"), refTime, CodeResidentID, ReasonIDFutureBirth},
		{"born next year", withCheck("37010220270101002"), refTime, CodeResidentID, ReasonIDFutureBirth},
		{"born after an earlier reference time", withCheck("37010220200101002"),
			time.Date(2019, 12, 31, 0, 0, 0, 0, rules.Shanghai), CodeResidentID, ReasonIDFutureBirth},
		{"a number, not a string", 370102199003071240, refTime, CodeType, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Evaluate(f, map[string]any{"id": tt.id}, Env{RefTime: tt.ref})
			if got, want := errorCodes(s)["/id"], tt.wantCode; got != want {
				t.Errorf("code = %q, want %q (errors %v)", got, want, s.Errors)
			}
			if got, want := s.Reasons["/id"], tt.wantReason; got != want {
				t.Errorf("reason = %q, want %q", got, want)
			}
			want := 1
			if tt.wantCode == "" {
				want = 0
			}
			if got := len(s.Errors); got != want {
				t.Errorf("got %d errors, want %d", got, want)
			}
		})
	}
}

func swapDigits(s string, i, j int) string {
	b := []byte(s)
	b[i], b[j] = b[j], b[i]
	return string(b)
}

// household answers: a valid record the scenarios below vary.
const motherID = "37010219900307124" // born 7 March 1990, check character added below

func validHousehold(t *testing.T) map[string]any {
	return answers(t, `{
	  "address": {"countyCode": "370102", "township": "370102101", "village": "370102101202"},
	  "respondentName": "林秀英",
	  "respondentId": "`+withCheck(motherID)+`",
	  "phoneFollowUp": true,
	  "mobile": "13912345678",
	  "hasChildren": true,
	  "children": [
	    {"childName": "周子涵", "childSex": "2", "childBirthDate": "2012-05-20"},
	    {"childName": "周子轩", "childSex": "1", "childBirthDate": "2022-11-03"}
	  ],
	  "note": "  二孩家庭  "
	}`)
}

func TestEvaluateHousehold(t *testing.T) {
	f := mustLoadFile(t, "household.form.json")
	tests := []struct {
		name       string
		change     func(a map[string]any)
		wantErrors map[string]string // pointer → code; exactly these
		check      func(t *testing.T, s State)
	}{
		{
			name:       "complete and valid",
			wantErrors: map[string]string{},
			check: func(t *testing.T, s State) {
				wantCalc := map[string]any{
					"/respondentAge":       36, // 7 March 1990 → 6 December 2026
					"/children/0/childAge": 14,
					"/children/1/childAge": 4,
					"/childCount":          2,
					"/childrenUnder6":      1, // needs both childAge values first
				}
				if !reflect.DeepEqual(s.Calculated, wantCalc) {
					t.Errorf("Calculated = %v, want %v", s.Calculated, wantCalc)
				}
				if got, want := s.Clean["note"], "二孩家庭"; got != want {
					t.Errorf("Clean note = %q, want %q", got, want)
				}
				if got, want := s.Clean["respondentAge"], 36; got != want {
					t.Errorf("Clean respondentAge = %v, want %v", got, want)
				}
				rows := s.Clean["children"].([]any)
				if got, want := rows[1].(map[string]any)["childAge"], 4; got != want {
					t.Errorf("Clean child 1 age = %v, want %v", got, want)
				}
				if !s.Required["/mobile"] || !s.Required["/children/1/childBirthDate"] || s.Required["/note"] {
					t.Errorf("Required = %v", s.Required)
				}
			},
		},
		{
			name: "no children: the group and its counts are dropped",
			change: func(a map[string]any) {
				a["hasChildren"] = false // the rows typed before stay in the answers
			},
			wantErrors: map[string]string{},
			check: func(t *testing.T, s State) {
				for _, k := range []string{"children", "childCount", "childrenUnder6"} {
					if _, ok := s.Clean[k]; ok {
						t.Errorf("Clean[%s] = %v, want it dropped", k, s.Clean[k])
					}
				}
				if got, ok := s.Relevant["/children"]; !ok || got {
					t.Errorf("Relevant[/children] = %v, %v; want false, true", got, ok)
				}
				if _, ok := s.Relevant["/children/0/childName"]; ok {
					t.Errorf("rows of an irrelevant group are listed in Relevant")
				}
				if _, ok := s.Calculated["/childCount"]; ok {
					t.Errorf("an irrelevant calculated field has a value")
				}
			},
		},
		{
			name: "has children unanswered: the group is not asked",
			change: func(a map[string]any) {
				delete(a, "hasChildren")
			},
			wantErrors: map[string]string{"/hasChildren": CodeRequired},
			check: func(t *testing.T, s State) {
				if s.Relevant["/children"] {
					t.Errorf("children relevant without an answer to hasChildren")
				}
			},
		},
		{
			name: "has children but no rows",
			change: func(a map[string]any) {
				a["children"] = []any{}
			},
			wantErrors: map[string]string{"/children": CodeRequired},
		},
		{
			name: "has children, group missing",
			change: func(a map[string]any) {
				delete(a, "children")
			},
			wantErrors: map[string]string{"/children": CodeRequired},
		},
		{
			name: "child born before the mother",
			change: func(a map[string]any) {
				row(a, 0)["childBirthDate"] = "1989-01-01"
			},
			wantErrors: map[string]string{"/children/0/childBirthDate": CodeConstraint},
		},
		{
			name: "child born before the mother turned 15",
			change: func(a map[string]any) {
				row(a, 1)["childBirthDate"] = "2005-03-06" // she turned 15 on 7 March 2005
			},
			wantErrors: map[string]string{"/children/1/childBirthDate": CodeConstraint},
		},
		{
			name: "child born on the mother's 15th birthday",
			change: func(a map[string]any) {
				row(a, 1)["childBirthDate"] = "2005-03-07"
			},
			wantErrors: map[string]string{},
		},
		{
			name: "child born after the reference date",
			change: func(a map[string]any) {
				row(a, 0)["childBirthDate"] = "2026-12-07"
			},
			wantErrors: map[string]string{"/children/0/childBirthDate": CodeConstraint},
		},
		{
			name: "child's birth date is no date",
			change: func(a map[string]any) {
				row(a, 0)["childBirthDate"] = "2012-02-30"
			},
			wantErrors: map[string]string{"/children/0/childBirthDate": CodeFormat},
			check: func(t *testing.T, s State) {
				if _, ok := s.Calculated["/children/0/childAge"]; ok {
					t.Errorf("age calculated from an impossible date")
				}
			},
		},
		{
			name: "mother's ID broken: her rule and her children's are not applied",
			change: func(a map[string]any) {
				a["respondentId"] = wrongCheck(motherID)
				row(a, 1)["childBirthDate"] = "2001-01-01"
			},
			wantErrors: map[string]string{"/respondentId": CodeResidentID},
			check: func(t *testing.T, s State) {
				if _, ok := s.Calculated["/respondentAge"]; ok {
					t.Errorf("age calculated from a broken ID")
				}
			},
		},
		{
			name: "respondent younger than 15",
			change: func(a map[string]any) {
				a["respondentId"] = withCheck("37010220120307124")
				delete(a, "children")
				a["hasChildren"] = false
			},
			wantErrors: map[string]string{"/respondentId": CodeConstraint},
		},
		{
			name: "mobile required only for a follow-up call",
			change: func(a map[string]any) {
				delete(a, "mobile")
			},
			wantErrors: map[string]string{"/mobile": CodeRequired},
		},
		{
			name: "no follow-up call: mobile optional",
			change: func(a map[string]any) {
				delete(a, "mobile")
				a["phoneFollowUp"] = false
			},
			wantErrors: map[string]string{},
			check: func(t *testing.T, s State) {
				if s.Required["/mobile"] {
					t.Errorf("mobile required without a follow-up call")
				}
			},
		},
		{
			name: "village of another township",
			change: func(a map[string]any) {
				a["address"].(map[string]any)["village"] = "370102102201"
			},
			wantErrors: map[string]string{"/address/village": CodeChoiceNotAllowed},
			check: func(t *testing.T, s State) {
				want := []any{"370102101201", "370102101202"}
				if got := s.Choices["/address/village"]; !reflect.DeepEqual(got, want) {
					t.Errorf("Choices = %v, want %v", got, want)
				}
			},
		},
		{
			name: "no township yet: no village allowed",
			change: func(a map[string]any) {
				delete(a["address"].(map[string]any), "township")
			},
			wantErrors: map[string]string{
				"/address/township": CodeRequired,
				"/address/village":  CodeChoiceNotAllowed,
			},
			check: func(t *testing.T, s State) {
				if got := s.Choices["/address/village"]; len(got) != 0 {
					t.Errorf("Choices = %v, want none", got)
				}
			},
		},
		{
			name: "a value that is no choice",
			change: func(a map[string]any) {
				a["address"].(map[string]any)["village"] = "999"
				row(a, 0)["childSex"] = "3"
			},
			wantErrors: map[string]string{
				"/address/village":     CodeEnum,
				"/children/0/childSex": CodeEnum,
			},
		},
		{
			name: "formats and lengths",
			change: func(a map[string]any) {
				a["mobile"] = "12345678901"
				a["address"].(map[string]any)["countyCode"] = "990102"
				a["respondentName"] = "林"
				a["note"] = strings.Repeat("很", 201)
			},
			wantErrors: map[string]string{
				"/mobile":             CodeMobile,
				"/address/countyCode": CodeAdminCode,
				"/respondentName":     CodeMinLength,
				"/note":               CodeMaxLength,
			},
		},
		{
			name: "wrong types",
			change: func(a map[string]any) {
				a["respondentName"] = 42.0
				a["hasChildren"] = "yes"
				a["address"] = "青石镇"
			},
			wantErrors: map[string]string{
				"/respondentName": CodeType,
				"/hasChildren":    CodeType,
				"/address":        CodeType,
			},
		},
		{
			name: "everything missing",
			change: func(a map[string]any) {
				clear(a)
			},
			wantErrors: map[string]string{
				"/address/countyCode": CodeRequired,
				"/address/township":   CodeRequired,
				"/address/village":    CodeRequired,
				"/respondentName":     CodeRequired,
				"/respondentId":       CodeRequired,
				"/hasChildren":        CodeRequired,
			},
			check: func(t *testing.T, s State) {
				if len(s.Clean) != 0 {
					t.Errorf("Clean = %v, want empty", s.Clean)
				}
			},
		},
		{
			name: "missing row fields are reported per row",
			change: func(a map[string]any) {
				delete(row(a, 1), "childName")
				row(a, 1)["childSex"] = ""
			},
			wantErrors: map[string]string{
				"/children/1/childName": CodeRequired,
				"/children/1/childSex":  CodeRequired,
			},
		},
		{
			name: "answers to calculated fields and unknown keys are ignored",
			change: func(a map[string]any) {
				a["respondentAge"] = 99.0
				a["childCount"] = 7.0
				a["hacked"] = "<script>"
				row(a, 0)["extra"] = true
			},
			wantErrors: map[string]string{},
			check: func(t *testing.T, s State) {
				if got, want := s.Clean["respondentAge"], 36; got != want {
					t.Errorf("respondentAge = %v, want %v", got, want)
				}
				if got, want := s.Clean["childCount"], 2; got != want {
					t.Errorf("childCount = %v, want %v", got, want)
				}
				if _, ok := s.Clean["hacked"]; ok {
					t.Errorf("unknown key kept")
				}
				if _, ok := s.Clean["children"].([]any)[0].(map[string]any)["extra"]; ok {
					t.Errorf("unknown row key kept")
				}
			},
		},
		{
			name: "too many children",
			change: func(a map[string]any) {
				var rows []any
				for range 16 {
					rows = append(rows, map[string]any{"childName": "周一", "childSex": "1", "childBirthDate": "2015-01-01"})
				}
				a["children"] = rows
			},
			wantErrors: map[string]string{"/children": CodeMaxItems},
		},
		{
			name: "errors sorted with row numbers compared as numbers",
			change: func(a map[string]any) {
				var rows []any
				for range 12 {
					rows = append(rows, map[string]any{"childName": "周一", "childSex": "1", "childBirthDate": "2015-01-01"})
				}
				rows[2].(map[string]any)["childSex"] = "9"
				rows[10].(map[string]any)["childSex"] = "9"
				a["children"] = rows
			},
			wantErrors: map[string]string{"/children/2/childSex": CodeEnum, "/children/10/childSex": CodeEnum},
			check: func(t *testing.T, s State) {
				if got, want := s.Errors[0].Pointer, "/children/2/childSex"; got != want {
					t.Errorf("first error at %s, want %s", got, want)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validHousehold(t)
			if tt.change != nil {
				tt.change(a)
			}
			before, _ := json.Marshal(a)
			s := Evaluate(f, a, Env{RefTime: refTime, Lang: LangZH})
			if got, want := errorCodes(s), tt.wantErrors; !maps.Equal(got, want) {
				t.Errorf("errors = %v, want %v", got, want)
			}
			if tt.check != nil {
				tt.check(t, s)
			}
			if after, _ := json.Marshal(a); string(after) != string(before) {
				t.Errorf("Evaluate changed its input")
			}
			again := Evaluate(f, a, Env{RefTime: refTime, Lang: LangZH})
			if !reflect.DeepEqual(again, s) {
				t.Errorf("a second Evaluate differs from the first")
			}
		})
	}
}

func row(a map[string]any, i int) map[string]any {
	return a["children"].([]any)[i].(map[string]any)
}

func TestEvaluateMessages(t *testing.T) {
	f := mustLoadFile(t, "household.form.json")
	tests := []struct {
		name, ptr      string
		change         func(a map[string]any)
		wantZH, wantEN string
	}{
		// The author's constraint message wins over the catalog's.
		{"author's message", "/respondentId", func(a map[string]any) {
			a["respondentId"] = withCheck("37010220120307124") // 14 years old
			a["hasChildren"] = false
		}, "被调查人应年满 15 周岁", "The respondent must be 15 or older"},
		{"author's message in a row", "/children/1/childBirthDate", func(a map[string]any) {
			row(a, 1)["childBirthDate"] = "2003-01-01"
		}, "出生日期应在母亲满 15 周岁之后、调查时点之前",
			"The birth date must fall after the mother's 15th birthday and before the reference date"},
		{"catalog: required", "/respondentName", func(a map[string]any) {
			delete(a, "respondentName")
		}, "此项必填", "This field is required"},
		{"catalog: mobile", "/mobile", func(a map[string]any) {
			a["mobile"] = "123"
		}, "请填写 11 位手机号码", "Enter an 11-digit mobile number"},
		{"catalog: resident ID reason", "/respondentId", func(a map[string]any) {
			a["respondentId"] = strings.ToLower(withCheck("11010519491231002"))
		}, "身份证号码最后一位应为大写字母 X", "The last character of a resident ID number is an upper-case X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validHousehold(t)
			tt.change(a)
			zh := Evaluate(f, a, Env{RefTime: refTime, Lang: LangZH})
			en := Evaluate(f, a, Env{RefTime: refTime, Lang: "en-US"})
			def := Evaluate(f, a, Env{RefTime: refTime})
			if len(zh.Errors) != 1 || len(en.Errors) != 1 {
				t.Fatalf("errors: zh %v, en %v; want one each", zh.Errors, en.Errors)
			}
			if zh.Errors[0].Pointer != tt.ptr || en.Errors[0].Pointer != tt.ptr || zh.Errors[0].Code != en.Errors[0].Code {
				t.Errorf("pointers, codes = %v / %v, want %s", zh.Errors, en.Errors, tt.ptr)
			}
			if got := zh.Errors[0].Message; got != tt.wantZH {
				t.Errorf("zh = %q, want %q", got, tt.wantZH)
			}
			if got := en.Errors[0].Message; got != tt.wantEN {
				t.Errorf("en = %q, want %q", got, tt.wantEN)
			}
			if !reflect.DeepEqual(def, zh) {
				t.Errorf("the default language is not Chinese")
			}
		})
	}
	t.Run("author's message without English falls back to Chinese", func(t *testing.T) {
		g := mustLoad(t, "zh-only.form.json", `{"type": "object", "x-title": {"zh": "仅中文"}, "properties": {
		  "n": {"type": "integer", "x-label": {"zh": "数"}, "x-constraint": "n > 0", "x-constraint-message": {"zh": "须为正数"}}}}`)
		s := Evaluate(g, map[string]any{"n": 0}, Env{Lang: LangEN})
		if len(s.Errors) != 1 || s.Errors[0].Message != "须为正数" {
			t.Errorf("errors = %v", s.Errors)
		}
	})
}

// TestMessagesCatalog checks that every message exists in both languages,
// and that no message is the schema library's English.
func TestMessagesCatalog(t *testing.T) {
	for key, text := range messages {
		if text.ZH == "" || text.EN == "" {
			t.Errorf("message %s lacks a language: %+v", key, text)
		}
		if strings.Count(text.ZH, "%") != strings.Count(text.EN, "%") {
			t.Errorf("message %s: zh and en take different arguments", key)
		}
	}
	for _, reason := range []string{ReasonIDLength, ReasonIDChars, ReasonIDLowerX, ReasonIDBirthDate, ReasonIDCheckDigit, ReasonIDFutureBirth} {
		if _, ok := messages[CodeResidentID+"."+reason]; !ok {
			t.Errorf("no message for resident ID reason %s", reason)
		}
	}
}

func TestEvaluateSchemaMessagesAreLocalized(t *testing.T) {
	f := mustLoad(t, "limits.form.json", `{
	  "type": "object",
	  "x-title": {"zh": "限制"},
	  "properties": {
	    "people": {"type": "integer", "minimum": 1, "maximum": 12, "x-label": {"zh": "人数"}},
	    "share":  {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.5, "x-label": {"zh": "比例"}},
	    "code":   {"type": "string", "pattern": "^[A-Z]{2}$", "x-label": {"zh": "代码"}},
	    "when":   {"type": "string", "format": "date", "x-label": {"zh": "日期"}},
	    "step":   {"type": "integer", "multipleOf": 5, "x-label": {"zh": "步长"}},
	    "tags":   {"type": "array", "items": {"type": "string"}, "maxItems": 2, "x-label": {"zh": "标签"},
	               "x-choices": [{"value": "a", "label": {"zh": "甲"}}, {"value": "b", "label": {"zh": "乙"}}, {"value": "c", "label": {"zh": "丙"}}]}
	  }
	}`)
	tests := []struct {
		name      string
		answers   string
		wantCode  string
		wantZH    string
		wantEN    string
		wantField string
	}{
		{"below minimum", `{"people": 0}`, CodeMin, "不能小于 1", "Must be at least 1", "/people"},
		{"above maximum", `{"people": 13}`, CodeMax, "不能大于 12", "Must be at most 12", "/people"},
		{"not a whole number", `{"people": 1.5}`, CodeType, "请填写整数", "Enter a whole number", "/people"},
		{"exclusive minimum", `{"share": 0}`, CodeMin, "必须大于 0", "Must be more than 0", "/share"},
		{"exclusive maximum", `{"share": 0.5}`, CodeMax, "必须小于 0.5", "Must be less than 0.5", "/share"},
		{"pattern", `{"code": "ab"}`, CodePattern, "格式不正确", "This value is not in the expected format", "/code"},
		{"date", `{"when": "2026-13-01"}`, CodeFormat, "请填写有效日期，如 2026-12-06", "Enter a valid date such as 2026-12-06", "/when"},
		{"multiple of", `{"step": 7}`, CodeMultipleOf, "必须是 5 的整数倍", "Must be a multiple of 5", "/step"},
		{"too many ticks", `{"tags": ["a", "b", "c"]}`, CodeMaxItems, "最多填写 2 项", "Enter at most 2 entries", "/tags"},
		{"a tick that is no choice lands on the field", `{"tags": ["z"]}`, CodeEnum, "请从选项中选择", "Choose one of the options", "/tags"},
		{"ticked twice", `{"tags": ["a", "a"]}`, CodeUniqueItems, "有重复的选项", "An option is chosen twice", "/tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []string{LangZH, LangEN} {
				s := Evaluate(f, answers(t, tt.answers), Env{RefTime: refTime, Lang: lang})
				if len(s.Errors) != 1 {
					t.Fatalf("errors = %v, want one", s.Errors)
				}
				e := s.Errors[0]
				want := tt.wantZH
				if lang == LangEN {
					want = tt.wantEN
				}
				if e.Pointer != tt.wantField || e.Code != tt.wantCode || e.Message != want {
					t.Errorf("%s: got %+v, want %s %s %q", lang, e, tt.wantField, tt.wantCode, want)
				}
			}
		})
	}
}

func TestEvaluateCalculationOrder(t *testing.T) {
	// Declared in the reverse of the order they must run in, across a
	// section and a repeat group.
	f := mustLoad(t, "order.form.json", `{
	  "type": "object",
	  "x-title": {"zh": "计算顺序"},
	  "properties": {
	    "grandTotal": {"type": "number", "x-label": {"zh": "总计"}, "x-calculate": "subtotal + tax"},
	    "tax":        {"type": "number", "x-label": {"zh": "税"}, "x-calculate": "roundHalfUp(subtotal * 0.06, 2)"},
	    "subtotal":   {"type": "number", "x-label": {"zh": "小计"}, "x-calculate": "sum(items, .lineTotal ?? 0)"},
	    "items": {
	      "type": "array", "x-label": {"zh": "明细"},
	      "items": {"type": "object", "properties": {
	        "lineTotal": {"type": "number", "x-label": {"zh": "金额"}, "x-calculate": "qty * price"},
	        "qty":       {"type": "integer", "x-label": {"zh": "数量"}},
	        "price":     {"type": "number", "x-label": {"zh": "单价"}},
	        "line":      {"type": "integer", "x-label": {"zh": "行号"}, "x-calculate": "rowIndex + 1"}
	      }}
	    },
	    "bonus": {
	      "type": "object", "x-label": {"zh": "奖励"},
	      "properties": {
	        "eligible": {"type": "boolean", "x-label": {"zh": "是否符合"}, "x-calculate": "grandTotal >= 100"}
	      }
	    }
	  }
	}`)
	s := Evaluate(f, answers(t, `{"items": [{"qty": 2, "price": 30}, {"qty": 1, "price": 50.5}]}`), Env{RefTime: refTime})
	want := map[string]any{
		"/items/0/lineTotal": 60.0,
		"/items/1/lineTotal": 50.5,
		"/items/0/line":      1,
		"/items/1/line":      2,
		"/subtotal":          110.5,
		"/tax":               6.63,
		"/grandTotal":        117.13,
		"/bonus/eligible":    true,
	}
	if !reflect.DeepEqual(s.Calculated, want) {
		t.Errorf("Calculated = %v\nwant %v", s.Calculated, want)
	}
	if len(s.Errors) != 0 {
		t.Errorf("errors: %v", s.Errors)
	}
	if got := s.Clean["bonus"].(map[string]any)["eligible"]; got != true {
		t.Errorf("Clean bonus.eligible = %v", got)
	}
}

func TestEvaluateSkipLogic(t *testing.T) {
	// A chain of conditions: q3 is asked when q2 is "yes", q2 when q1 is.
	// A stale "yes" to q2 must not keep q3 alive once q1 is "no".
	f := mustLoad(t, "skip.form.json", `{
	  "type": "object",
	  "x-title": {"zh": "跳转"},
	  "required": ["q1", "q2", "q3"],
	  "properties": {
	    "q1": {"type": "boolean", "x-label": {"zh": "问题一"}},
	    "q2": {"type": "boolean", "x-label": {"zh": "问题二"}, "x-relevant": "q1 == true"},
	    "q3": {"type": "string", "x-label": {"zh": "问题三"}, "x-relevant": "q2 == true", "minLength": 2},
	    "extra": {
	      "type": "object", "x-label": {"zh": "补充"}, "x-relevant": "q1 == true",
	      "properties": {
	        "detail": {"type": "string", "x-label": {"zh": "详情"}, "x-required-if": "q2 == true"}
	      }
	    }
	  }
	}`)
	tests := []struct {
		name         string
		answers      string
		wantRelevant map[string]bool
		wantErrors   map[string]string
		wantClean    map[string]any
	}{
		{
			name:         "all yes",
			answers:      `{"q1": true, "q2": true, "q3": "好的", "extra": {"detail": "无"}}`,
			wantRelevant: map[string]bool{"/q1": true, "/q2": true, "/q3": true, "/extra": true, "/extra/detail": true},
			wantErrors:   map[string]string{},
			wantClean:    map[string]any{"q1": true, "q2": true, "q3": "好的", "extra": map[string]any{"detail": "无"}},
		},
		{
			name:         "first no: everything after it dropped, stale answers included",
			answers:      `{"q1": false, "q2": true, "q3": "x", "extra": {"detail": "旧"}}`,
			wantRelevant: map[string]bool{"/q1": true, "/q2": false, "/q3": false, "/extra": false, "/extra/detail": false},
			wantErrors:   map[string]string{},
			wantClean:    map[string]any{"q1": false},
		},
		{
			name:         "second missing: third not asked, second required",
			answers:      `{"q1": true}`,
			wantRelevant: map[string]bool{"/q1": true, "/q2": true, "/q3": false, "/extra": true, "/extra/detail": true},
			wantErrors:   map[string]string{"/q2": CodeRequired},
			wantClean:    map[string]any{"q1": true},
		},
		{
			name:         "required-if inside a section",
			answers:      `{"q1": true, "q2": true, "q3": "x"}`,
			wantRelevant: map[string]bool{"/q1": true, "/q2": true, "/q3": true, "/extra": true, "/extra/detail": true},
			wantErrors:   map[string]string{"/q3": CodeMinLength, "/extra/detail": CodeRequired},
			wantClean:    map[string]any{"q1": true, "q2": true, "q3": "x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Evaluate(f, answers(t, tt.answers), Env{RefTime: refTime})
			if !maps.Equal(s.Relevant, tt.wantRelevant) {
				t.Errorf("Relevant = %v, want %v", s.Relevant, tt.wantRelevant)
			}
			if got := errorCodes(s); !maps.Equal(got, tt.wantErrors) {
				t.Errorf("errors = %v, want %v", got, tt.wantErrors)
			}
			if !reflect.DeepEqual(s.Clean, tt.wantClean) {
				t.Errorf("Clean = %v, want %v", s.Clean, tt.wantClean)
			}
		})
	}
}

// TestEvaluateSubmittedAt checks expressions reading submittedAt, the
// time Env.SubmittedAt gives: the engine's clock at submission, or the
// time of a live check. Days are counted in China: 16:30Z on 6 December is
// already 7 December there.
func TestEvaluateSubmittedAt(t *testing.T) {
	f := mustLoad(t, "visit.form.json", `{
	  "type": "object",
	  "x-title": {"zh": "随访"},
	  "properties": {
	    "visitDate": {"type": "string", "format": "date", "x-label": {"zh": "随访日期"},
	      "x-constraint": "daysBetween(visitDate, submittedAt) >= 0",
	      "x-constraint-message": {"zh": "随访日期不能晚于提交日期", "en": "The visit cannot be after the submission"}},
	    "daysAgo": {"type": "integer", "x-label": {"zh": "距今天数"}, "x-calculate": "daysBetween(visitDate, submittedAt)"},
	    "late": {"type": "string", "x-label": {"zh": "迟报原因"}, "x-relevant": "addMonths(visitDate, 1) < submittedAt"},
	    "visits": {
	      "type": "array", "x-label": {"zh": "以往随访"},
	      "items": {"type": "object", "properties": {
	        "on": {"type": "string", "format": "date", "x-label": {"zh": "日期"}, "x-constraint": "date(on) <= submittedAt"}
	      }}
	    }
	  }
	}`)
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name         string
		answers      string
		submittedAt  time.Time
		wantErrors   map[string]string
		wantCalc     map[string]any
		wantRelevant bool // late
	}{
		{"visit the same day", `{"visitDate": "2026-12-06"}`, at("2026-12-06T10:00:00+08:00"),
			map[string]string{}, map[string]any{"/daysAgo": 0}, false},
		{"visit after submission", `{"visitDate": "2026-12-07"}`, at("2026-12-06T10:00:00+08:00"),
			map[string]string{"/visitDate": CodeConstraint}, map[string]any{"/daysAgo": -1}, false},
		{"submitted just after midnight in China", `{"visitDate": "2026-12-07"}`, at("2026-12-06T16:30:00Z"),
			map[string]string{}, map[string]any{"/daysAgo": 0}, false},
		{"submitted just before midnight in China", `{"visitDate": "2026-12-07"}`, at("2026-12-06T15:59:00Z"),
			map[string]string{"/visitDate": CodeConstraint}, map[string]any{"/daysAgo": -1}, false},
		{"a month late", `{"visitDate": "2026-10-31"}`, at("2026-12-01T09:00:00+08:00"),
			map[string]string{}, map[string]any{"/daysAgo": 31}, true},
		{"inside a repeat group", `{"visits": [{"on": "2026-12-01"}, {"on": "2026-12-09"}]}`, at("2026-12-06T10:00:00+08:00"),
			map[string]string{"/visits/1/on": CodeConstraint}, map[string]any{}, false},
		// Without a submission time submittedAt is nil: the expressions
		// fail and count as false, so nothing is violated or calculated.
		{"no submission time", `{"visitDate": "2027-12-07", "visits": [{"on": "2027-01-01"}]}`, time.Time{},
			map[string]string{}, map[string]any{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Evaluate(f, answers(t, tt.answers), Env{RefTime: refTime, SubmittedAt: tt.submittedAt, Lang: "en"})
			if got := errorCodes(s); !maps.Equal(got, tt.wantErrors) {
				t.Errorf("errors = %v, want %v", got, tt.wantErrors)
			}
			if !maps.Equal(s.Calculated, tt.wantCalc) {
				t.Errorf("Calculated = %v, want %v", s.Calculated, tt.wantCalc)
			}
			if s.Relevant["/late"] != tt.wantRelevant {
				t.Errorf("Relevant[/late] = %v, want %v", s.Relevant["/late"], tt.wantRelevant)
			}
			for _, e := range s.Errors {
				if e.Pointer == "/visitDate" && e.Message != "The visit cannot be after the submission" {
					t.Errorf("message = %q", e.Message)
				}
			}
		})
	}
}

func TestEvaluateRowScope(t *testing.T) {
	// Rows see their own fields, the form's, row and rowIndex; nested
	// groups see every enclosing row.
	f := mustLoad(t, "rows.form.json", `{
	  "type": "object",
	  "x-title": {"zh": "行"},
	  "properties": {
	    "limit": {"type": "integer", "x-label": {"zh": "上限"}},
	    "families": {
	      "type": "array", "x-label": {"zh": "家庭"},
	      "items": {"type": "object", "properties": {
	        "surname": {"type": "string", "x-label": {"zh": "姓"}},
	        "members": {
	          "type": "array", "x-label": {"zh": "成员"},
	          "x-constraint": "len(members) <= limit",
	          "items": {"type": "object", "properties": {
	            "given": {"type": "string", "x-label": {"zh": "名"}},
	            "fullName": {"type": "string", "x-label": {"zh": "全名"}, "x-calculate": "surname + given"},
	            "leader": {"type": "boolean", "x-label": {"zh": "首位"}, "x-calculate": "rowIndex == 0 && row.given != nil"}
	          }}
	        }
	      }}
	    }
	  }
	}`)
	s := Evaluate(f, answers(t, `{"limit": 1, "families": [
	  {"surname": "赵", "members": [{"given": "一"}, {"given": "二"}]},
	  {"surname": "钱", "members": [{"given": "三"}]}
	]}`), Env{RefTime: refTime})
	want := map[string]any{
		"/families/0/members/0/fullName": "赵一",
		"/families/0/members/1/fullName": "赵二",
		"/families/1/members/0/fullName": "钱三",
		"/families/0/members/0/leader":   true,
		"/families/0/members/1/leader":   false,
		"/families/1/members/0/leader":   true,
	}
	if !reflect.DeepEqual(s.Calculated, want) {
		t.Errorf("Calculated = %v\nwant %v", s.Calculated, want)
	}
	if got, want := errorCodes(s), map[string]string{"/families/0/members": CodeConstraint}; !maps.Equal(got, want) {
		t.Errorf("errors = %v, want %v", got, want)
	}
}

func TestEvaluateNeverPanicsOnOddAnswers(t *testing.T) {
	f := mustLoadFile(t, "household.form.json")
	tests := []struct {
		name    string
		answers map[string]any
	}{
		{"nil map", nil},
		{"rows that are not objects", map[string]any{"hasChildren": true, "children": []any{"a", nil, 3.0, map[string]any{"childSex": []any{}}}}},
		{"children an object", map[string]any{"hasChildren": true, "children": map[string]any{"0": map[string]any{}}}},
		{"section an array", map[string]any{"address": []any{"x"}}},
		{"Go types", map[string]any{"respondentId": []byte("x"), "hasChildren": true, "children": []map[string]any{{"childBirthDate": time.Now()}}}},
		{"huge numbers", map[string]any{"respondentName": 1e308, "hasChildren": json.Number("1e999")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Evaluate(f, tt.answers, Env{RefTime: refTime})
			if len(s.Errors) == 0 {
				t.Errorf("odd answers passed")
			}
		})
	}
}

func TestFieldTree(t *testing.T) {
	f := mustLoad(t, "tree.form.json", `{
	  "x-form-id": "tree",
	  "x-title": {"zh": "字段树", "en": "Field tree"},
	  "type": "object",
	  "required": ["b"],
	  "properties": {
	    "c": {"type": "string", "x-order": 2, "x-label": {"zh": "丙", "en": "C"}, "x-hint": {"zh": "提示"}},
	    "a": {"type": "integer", "x-label": {"zh": "甲", "en": "A"}},
	    "b": {"type": "string", "format": "date", "x-label": {"zh": "乙"}},
	    "top": {"type": "boolean", "x-order": -1, "x-label": {"zh": "首"}},
	    "g": {
	      "type": "array", "x-label": {"zh": "组"}, "x-order": 1,
	      "items": {"type": "object", "properties": {
	        "s": {"type": "string", "x-label": {"zh": "选"}, "x-pii": "name",
	              "x-choices": [{"value": "x", "label": {"zh": "叉", "en": "Ex"}, "group": 1}, {"value": "y"}]},
	        "n": {"type": "number", "x-label": {"zh": "数"}, "x-calculate": "1.5"}
	      }}
	    }
	  }
	}`)
	type row struct{ key, ptr, typ, widget, label string }
	var got []row
	var walk func(fs []*Field)
	walk = func(fs []*Field) {
		for _, fd := range fs {
			got = append(got, row{fd.Key(), fd.Pointer(), fd.Type(), fd.Widget(), fd.Label(LangEN)})
			walk(fd.Children())
		}
	}
	walk(f.Fields())
	want := []row{
		{"top", "/top", "boolean", WidgetYesNo, "首"},
		{"a", "/a", "integer", WidgetInteger, "A"},
		{"b", "/b", "string", WidgetDate, "乙"},
		{"g", "/g", "array", WidgetRepeat, "组"},
		{"s", "/g/*/s", "string", WidgetSelect, "选"},
		{"n", "/g/*/n", "number", WidgetCalculated, "数"},
		{"c", "/c", "string", WidgetText, "C"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("fields =\n%v\nwant\n%v", got, want)
	}
	if f.ID() != "tree" || f.Title(LangEN) != "Field tree" || f.Title(LangZH) != "字段树" {
		t.Errorf("ID, Title = %q, %q", f.ID(), f.Title(LangEN))
	}
	s := f.Field("s")
	if got, want := s.PointerAt(3), "/g/3/s"; got != want {
		t.Errorf("PointerAt = %q, want %q", got, want)
	}
	ch := s.Choices()
	if len(ch) != 2 || ch[0].Value() != "x" || ch[0].Label(LangEN) != "Ex" || ch[1].Label(LangZH) != "y" || ch[0].Extra()["group"] != 1 {
		t.Errorf("choices = %+v", ch)
	}
	if !f.Field("b").Required() || f.Field("a").Required() {
		t.Errorf("Required wrong")
	}
	if !f.Field("n").ReadOnly() || f.Field("a").ReadOnly() {
		t.Errorf("ReadOnly wrong")
	}
	if f.Field("c").Hint(LangEN) != "提示" {
		t.Errorf("hint does not fall back to Chinese")
	}
	if pii := f.PIIFields(); len(pii) != 1 || pii[0].Key() != "s" || pii[0].PII() != PIIName {
		t.Errorf("PIIFields = %v", pii)
	}
}

func TestLoadRefusesOversizedExpressions(t *testing.T) {
	big := "1" + strings.Repeat(" + 1", rules.MaxNodes)
	src := `{"type": "object", "x-title": {"zh": "大"}, "properties": {
	  "n": {"type": "integer", "x-label": {"zh": "数"}, "x-calculate": "` + big + `"}}}`
	f, diags := Load("big.form.json", []byte(src))
	if f != nil {
		t.Fatal("a form with an oversized expression loaded")
	}
	if len(diags) != 1 || diags[0].Code != CodeBadExpression || diags[0].Path != "/properties/n/x-calculate" {
		t.Errorf("diagnostics = %v", diags)
	}
}

func TestLoadRefusesOtherDrafts(t *testing.T) {
	tests := []struct {
		name, src, wantCode string
	}{
		{"draft 7", `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}`, CodeBadSchema},
		{"top level not an object", `[1, 2]`, CodeBadForm},
		{"top level a string schema", `{"type": "string", "x-title": {"zh": "标题"}}`, CodeBadForm},
		{"empty file", ``, CodeSyntax},
		{"trailing garbage", `{"type": "object"} x`, CodeSyntax},
		{"invalid UTF-8", "{\"type\": \"object\", \"title\": \"\xff\"}", CodeSyntax},
		{"deep nesting", strings.Repeat("[", 100) + strings.Repeat("]", 100), CodeSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, diags := Load("x.form.json", []byte(tt.src))
			var codes []string
			for _, d := range diags {
				if d.Severity == rules.SeverityError {
					codes = append(codes, d.Code)
				}
			}
			if f != nil || !slices.Equal(codes, []string{tt.wantCode}) {
				t.Errorf("Load = %v, %v; want one error %s", f, diags, tt.wantCode)
			}
		})
	}
}

func TestMatchLang(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", LangZH},
		{"zh-CN,zh;q=0.9,en;q=0.8", LangZH},
		{"en-US,en;q=0.9", LangEN},
		{"en-GB", LangEN},
		{"fr-FR,en;q=0.5", LangEN},
		{"fr-FR", LangZH},
		{"zh-TW", LangZH},
		{"en;q=0.2,zh;q=0.9", LangZH},
		{"garbage;;;", LangZH},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := MatchLang(tt.header); got != tt.want {
				t.Errorf("MatchLang(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestEvaluateConcurrently(t *testing.T) {
	f := mustLoadFile(t, "household.form.json")
	want := Evaluate(f, validHousehold(t), Env{RefTime: refTime})
	done := make(chan State)
	for range 8 {
		go func() { done <- Evaluate(f, validHousehold(t), Env{RefTime: refTime}) }()
	}
	for range 8 {
		if got := <-done; !reflect.DeepEqual(got, want) {
			t.Errorf("concurrent Evaluate differs")
		}
	}
}
