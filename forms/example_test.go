package forms_test

import (
	"fmt"
	"time"

	"canvass/forms"
	"canvass/rules"
)

func ExampleEvaluate() {
	def := []byte(`{
	  "x-form-id": "trainer-signup",
	  "x-title": {"zh": "普查员培训报名表", "en": "Census trainer sign-up"},
	  "type": "object",
	  "required": ["name", "id", "lunch"],
	  "properties": {
	    "name":  {"type": "string", "x-label": {"zh": "姓名", "en": "Name"}, "x-pii": "name"},
	    "id":    {"type": "string", "format": "cn-resident-id", "x-pii": "id-number",
	              "x-label": {"zh": "身份证号码", "en": "ID number"}},
	    "years": {"type": "integer", "x-calculate": "age(id, refTime)",
	              "x-label": {"zh": "年龄", "en": "Age"}},
	    "lunch": {"type": "boolean", "x-label": {"zh": "是否用午餐", "en": "Lunch"}},
	    "diet":  {"type": "string", "x-relevant": "lunch", "x-label": {"zh": "饮食要求", "en": "Diet"},
	              "x-choices": [{"value": "none", "label": {"zh": "无", "en": "None"}},
	                            {"value": "halal", "label": {"zh": "清真", "en": "Halal"}}]}
	  }
	}`)
	form, diags := forms.Load("signup.form.json", def)
	if form == nil {
		fmt.Println(diags)
		return
	}
	env := forms.Env{RefTime: time.Date(2026, 12, 6, 0, 0, 0, 0, rules.Shanghai), Lang: forms.LangEN}

	// The diet answer is dropped: it is not asked when there is no lunch.
	s := forms.Evaluate(form, map[string]any{
		"name": "  韩雪  ", "id": "11010519491231002X", "lunch": false, "diet": "halal",
	}, env)
	fmt.Println(s.Valid(), s.Clean)

	// A lower-case x and a missing answer.
	s = forms.Evaluate(form, map[string]any{"id": "11010519491231002x", "lunch": true}, env)
	for _, e := range s.Errors {
		fmt.Printf("%s %s: %s\n", e.Pointer, e.Code, e.Message)
	}
	// Output:
	// true map[id:11010519491231002X lunch:false name:韩雪 years:76]
	// /id format_resident_id: The last character of a resident ID number is an upper-case X
	// /name required: This field is required
}
