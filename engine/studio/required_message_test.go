package studio

import (
	"bytes"
	"testing"

	"canvass/forms"
)

// TestRequiredMessage: the designer's 未填时的提示 is written as
// x-required-message while the field is required, read back into the
// panel, dropped when the field stops being required, and refused on a
// kind of question that is never required (说明文字).
func TestRequiredMessage(t *testing.T) {
	d := household(t)
	msg := forms.Text{ZH: "请填写回访日期，没有回访写“未回访”", EN: "Enter the date of the second visit"}
	ptr, err := d.AddField("", -1, FieldSpec{Type: TypeDate, Key: "revisit", Label: forms.Text{ZH: "回访日期"}, Required: true, RequiredMessage: msg})
	if err != nil {
		t.Fatal(err)
	}
	mustLoad(t, d)
	spec, err := d.SpecOf(ptr)
	if err != nil || spec.RequiredMessage != msg {
		t.Fatalf("read back: %+v %v", spec.RequiredMessage, err)
	}
	if !bytes.Contains(d.Bytes(), []byte(`"x-required-message"`)) {
		t.Fatalf("no x-required-message written:\n%s", d.Bytes())
	}

	spec.Required = false
	if _, err := d.UpdateField(ptr, spec); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(d.Bytes(), []byte(`"x-required-message"`)) {
		t.Errorf("a field no longer required keeps its message:\n%s", d.Bytes())
	}
	mustLoad(t, d)

	if _, err := d.AddField("", -1, FieldSpec{Type: TypeNote, Key: "intro", Label: forms.Text{ZH: "说明"}, RequiredMessage: msg}); err == nil {
		t.Errorf("a 说明文字 took a required message")
	}
}
