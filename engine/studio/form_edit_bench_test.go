package studio

import (
	"fmt"
	"strings"
	"testing"

	"canvass/forms"
)

// form200 is a form of 200 fields: text, integers and yes/no questions,
// every tenth shown only when the yes/no question before it is yes.
func form200() []byte {
	var b strings.Builder
	b.WriteString(`{"x-form-id": "big", "x-title": {"zh": "大表", "en": "Big"}, "type": "object", "properties": {`)
	for i := range 200 {
		if i > 0 {
			b.WriteString(",")
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, `"q%d": {"type": "boolean", "x-widget": "yesno", "x-label": {"zh": "问题%d"}}`, i, i)
		case 1:
			fmt.Fprintf(&b, `"q%d": {"type": "integer", "minimum": 0, "maximum": 99, "x-label": {"zh": "问题%d"}}`, i, i)
		default:
			rel := ""
			if i%10 == 2 {
				rel = fmt.Sprintf(`, "x-relevant": "q%d == true"`, i-2)
			}
			fmt.Fprintf(&b, `"q%d": {"type": "string", "maxLength": 50, "x-label": {"zh": "问题%d"}%s}`, i, i, rel)
		}
	}
	b.WriteString("}}")
	return []byte(b.String())
}

// BenchmarkUpdateField200 is what the designer does for one edit of a
// 200-field form, apart from storing it: open the draft, update one field
// with a condition from the builder, write the file back.
func BenchmarkUpdateField200(b *testing.B) {
	src := form200()
	if _, err := OpenForm(src); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := OpenForm(src)
		if err != nil {
			b.Fatal(err)
		}
		rel, err := d.ConditionExpr(Condition{Rows: []ConditionRow{{Field: "q99", Op: OpEq, Value: "是"}}})
		if err != nil {
			b.Fatal(err)
		}
		spec := FieldSpec{Type: TypeText, Label: forms.Text{ZH: "改过的问题"}, Relevant: rel}
		if _, err := d.UpdateField("/properties/q101", spec); err != nil {
			b.Fatal(err)
		}
		_ = d.Bytes()
	}
}
