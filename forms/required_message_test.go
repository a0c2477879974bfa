package forms

import (
	"testing"
)

// TestRequiredMessage: x-required-message is what an empty required field
// says, in the reader's language (Chinese when there is no English), for
// "required" and x-required-if alike, in repeat rows too; without it the
// standard message stands.
func TestRequiredMessage(t *testing.T) {
	f := mustLoad(t, "required-message.form.json", `{"type": "object", "x-title": {"zh": "必填提示"},
	  "required": ["name", "plain", "kids"],
	  "properties": {
	    "name": {"type": "string", "x-label": {"zh": "姓名"}, "x-required-message": {"zh": "请填写户主姓名", "en": "Enter the head's name"}},
	    "plain": {"type": "string", "x-label": {"zh": "备注"}},
	    "away": {"type": "boolean", "x-label": {"zh": "外出"}},
	    "reason": {"type": "string", "x-label": {"zh": "外出原因"}, "x-required-if": "away", "x-required-message": {"zh": "外出的要写原因"}},
	    "kids": {"type": "array", "x-label": {"zh": "子女"}, "items": {"type": "object", "required": ["kidName"],
	      "properties": {"kidName": {"type": "string", "x-label": {"zh": "子女姓名"}, "x-required-message": {"zh": "请填写子女姓名", "en": "Enter the child's name"}}}}}
	  }}`)
	answers := map[string]any{"away": true, "kids": []any{map[string]any{}}}
	tests := []struct {
		lang string
		want map[string]string
	}{
		{LangZH, map[string]string{"/name": "请填写户主姓名", "/plain": "此项必填", "/reason": "外出的要写原因", "/kids/0/kidName": "请填写子女姓名"}},
		{LangEN, map[string]string{"/name": "Enter the head's name", "/plain": "This field is required", "/reason": "外出的要写原因", "/kids/0/kidName": "Enter the child's name"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			s := Evaluate(f, answers, Env{Lang: tt.lang})
			got := map[string]string{}
			for _, e := range s.Errors {
				if e.Code != CodeRequired {
					t.Errorf("%s: code %s, want required", e.Pointer, e.Code)
				}
				got[e.Pointer] = e.Message
			}
			if len(got) != len(tt.want) {
				t.Errorf("errors = %v, want %v", got, tt.want)
			}
			for ptr, want := range tt.want {
				if got[ptr] != want {
					t.Errorf("%s: %q, want %q", ptr, got[ptr], want)
				}
			}
		})
	}
	if s := Evaluate(f, map[string]any{"name": "王", "plain": "x", "away": false, "kids": []any{map[string]any{"kidName": "小王"}}}, Env{}); len(s.Errors) != 0 {
		t.Errorf("answered form: %v", s.Errors)
	}
}

// TestRequiredMessageLint: the message on a field that is never required
// is a warning at the key, and a text that is not {zh, en} an error.
func TestRequiredMessageLint(t *testing.T) {
	tests := []struct {
		name, props, required string
		wantCode, wantSev     string
		wantPath              string
	}{
		{"never required", `"a": {"type": "string", "x-label": {"zh": "甲"}, "x-required-message": {"zh": "请填"}}`, `[]`,
			CodeBadExtension, "warning", "/properties/a/x-required-message"},
		{"a section", `"a": {"type": "object", "x-label": {"zh": "甲"}, "x-required-message": {"zh": "请填"}, "properties": {}}`, `["a"]`,
			CodeBadExtension, "warning", "/properties/a/x-required-message"},
		{"not a text", `"a": {"type": "string", "x-label": {"zh": "甲"}, "x-required-message": "请填"}`, `["a"]`,
			CodeBadExtension, "error", "/properties/a/x-required-message"},
		{"required", `"a": {"type": "string", "x-label": {"zh": "甲"}, "x-required-message": {"zh": "请填"}}`, `["a"]`, "", "", ""},
		{"required-if", `"a": {"type": "string", "x-label": {"zh": "甲"}, "x-required-if": "true", "x-required-message": {"zh": "请填"}}`, `[]`, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := Load("t.form.json", []byte(`{"type": "object", "x-title": {"zh": "表"}, "required": `+tt.required+`, "properties": {`+tt.props+`}}`))
			if tt.wantCode == "" {
				if len(diags) != 0 {
					t.Errorf("diags = %v, want none", diags)
				}
				return
			}
			if len(diags) != 1 || diags[0].Code != tt.wantCode || diags[0].Severity != tt.wantSev || diags[0].Path != tt.wantPath {
				t.Fatalf("diags = %v, want one %s %s at %s", diags, tt.wantSev, tt.wantCode, tt.wantPath)
			}
			if len(diags[0].MissingArgs()) != 0 {
				t.Errorf("the message lacks %v: %s", diags[0].MissingArgs(), diags[0].Text("zh"))
			}
		})
	}
}
