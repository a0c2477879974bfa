package studio_test

import (
	"fmt"

	"canvass/engine"
	"canvass/engine/studio"
	"canvass/forms"
)

// The studio opens the draft, applies each edit the author makes, and
// saves Bytes as the new draft.
func Example() {
	doc, err := studio.OpenForm([]byte(`{"x-form-id": "signup", "x-title": {"zh": "报名表"}, "type": "object",
		"properties": {"lunch": {"type": "boolean", "x-widget": "yesno", "x-label": {"zh": "是否用午餐"}}}}`))
	if err != nil {
		panic(err)
	}
	// 饮食要求, asked only when lunch is 是.
	cond, _ := doc.ConditionExpr(studio.Condition{Rows: []studio.ConditionRow{{Field: "lunch", Op: studio.OpEq, Value: "是"}}})
	_, err = doc.AddField("", -1, studio.FieldSpec{Type: studio.TypeRadio, Label: forms.Text{ZH: "饮食要求", EN: "Diet"},
		ChoicesText: "无\n清真\n素食", Relevant: cond})
	if err != nil {
		panic(err)
	}
	// Deleting lunch would leave diet's condition reading nothing.
	err = doc.DeleteField("/properties/lunch", false)
	for _, f := range engine.ErrorFields(err) {
		fmt.Println(f.Pointer, f.Code, f.Message)
	}
	fmt.Print(string(doc.Bytes()))
	// Output:
	// /properties/diet/x-relevant field_referenced “饮食要求”的显示条件用到了“是否用午餐”
	// {
	//   "x-form-id": "signup",
	//   "x-title": {"zh": "报名表"},
	//   "type": "object",
	//   "properties": {
	//     "lunch": {
	//       "type": "boolean",
	//       "x-widget": "yesno",
	//       "x-label": {"zh": "是否用午餐"}
	//     },
	//     "diet": {
	//       "type": "string",
	//       "x-widget": "radio",
	//       "x-label": {"zh": "饮食要求", "en": "Diet"},
	//       "x-relevant": "lunch == true",
	//       "x-choices": [
	//         {"value": "1", "label": {"zh": "无"}},
	//         {"value": "2", "label": {"zh": "清真"}},
	//         {"value": "3", "label": {"zh": "素食"}}
	//       ]
	//     }
	//   }
	// }
}
