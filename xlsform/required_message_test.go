package xlsform

import (
	"bytes"
	"testing"

	"canvass/forms"
	"canvass/xlsform/xlsformtest"
)

// TestRequiredMessageShown: a workbook's required_message is what the
// form says, in Chinese and English, when the required question is left
// empty — through "required" (yes), a required condition and a repeat
// row — and it survives export and import.
func TestRequiredMessageShown(t *testing.T) {
	var wb []byte
	for _, c := range corpus {
		if c.name == "required-message" {
			wb = xlsformtest.Workbook(t, c.sheets...)
		}
	}
	if wb == nil {
		t.Fatal("no required-message workbook in the corpus")
	}
	res, err := Import(bytes.NewReader(wb), Options{Filename: "required-message.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Export(res.JSON, &out); err != nil {
		t.Fatal(err)
	}
	again, err := Import(&out, Options{Filename: "required-message.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]any{"away": true, "kids": []any{map[string]any{}}}
	tests := []struct {
		lang string
		want map[string]string
	}{
		{forms.LangZH, map[string]string{"/headName": "请填写户主姓名", "/reason": "外出的要写原因", "/kids/0/kidName": "请填写子女姓名"}},
		{forms.LangEN, map[string]string{"/headName": "Enter the head's name", "/reason": "外出的要写原因", "/kids/0/kidName": "Enter the child's name"}},
	}
	for _, form := range []*forms.Form{res.Form, again.Form} {
		for _, tt := range tests {
			s := forms.Evaluate(form, answers, forms.Env{Lang: tt.lang})
			got := map[string]string{}
			for _, e := range s.Errors {
				got[e.Pointer] = e.Message
			}
			if len(got) != len(tt.want) {
				t.Errorf("%s: errors %v, want %v", tt.lang, got, tt.want)
			}
			for ptr, want := range tt.want {
				if got[ptr] != want {
					t.Errorf("%s %s: %q, want %q", tt.lang, ptr, got[ptr], want)
				}
			}
		}
	}
}
