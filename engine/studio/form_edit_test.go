package studio

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"canvass/forms"
	"canvass/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func intp(i int) *int { return &i }

// household opens the package's own copy of the household visit form.
func household(t *testing.T) *FormDoc {
	t.Helper()
	return open(t, "testdata/household.form.json")
}

func open(t *testing.T, path string) *FormDoc {
	t.Helper()
	d, err := OpenForm(mustRead(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mustLoad loads the document and fails on any error diagnostic.
func mustLoad(t *testing.T, d *FormDoc) *forms.Form {
	t.Helper()
	f, diags := d.Load()
	if rules.HasErrors(diags) {
		t.Fatalf("the form does not load: %v\n%s", diags, d.Bytes())
	}
	return f
}

func outlineKeys(fs []Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key)
	}
	return out
}

func formKeys(fds []*forms.Field) []string {
	var out []string
	for _, fd := range fds {
		out = append(out, fd.Key())
	}
	return out
}

func TestAddField(t *testing.T) {
	for _, tc := range []struct {
		name    string
		parent  string
		index   int
		spec    FieldSpec
		wantPtr string
		check   func(t *testing.T, f *forms.Form, d *FormDoc)
	}{
		{name: "text at the top, key numbered", index: 0,
			spec:    FieldSpec{Type: TypeText, Label: forms.Text{ZH: "联系人"}},
			wantPtr: "/properties/field1",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				if got := formKeys(f.Fields())[0]; got != "field1" {
					t.Errorf("first field %s, want field1", got)
				}
			}},
		{name: "key from the English label", index: -1,
			spec:    FieldSpec{Type: TypeDate, Label: forms.Text{ZH: "回访日期", EN: "Date of the second visit"}, Required: true},
			wantPtr: "/properties/dateOfTheSecondVisit",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				fd := f.Field("dateOfTheSecondVisit")
				if fd.Widget() != forms.WidgetDate || !fd.Required() {
					t.Errorf("widget %s required %v", fd.Widget(), fd.Required())
				}
			}},
		{name: "English slug taken: numbered", index: -1,
			spec:    FieldSpec{Type: TypeText, Label: forms.Text{ZH: "备注二", EN: "Note"}},
			wantPtr: "/properties/note1"},
		{name: "into a section", parent: "/properties/address", index: 1,
			spec:    FieldSpec{Type: TypeText, Key: "group", Label: forms.Text{ZH: "组"}},
			wantPtr: "/properties/address/properties/group",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				if got := formKeys(f.Field("address").Children()); !slices.Equal(got, []string{"township", "group", "village", "street"}) {
					t.Errorf("section fields %v", got)
				}
			}},
		{name: "into a repeat group", parent: "/properties/children", index: -1,
			spec:    FieldSpec{Type: TypeResidentID, Key: "childId", Label: forms.Text{ZH: "子女身份证号码"}},
			wantPtr: "/properties/children/items/properties/childId",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				if got := f.Field("childId").PII(); got != forms.PIIIDNumber {
					t.Errorf("pii %q", got)
				}
			}},
		{name: "name-like text is personal data", index: -1,
			spec:    FieldSpec{Type: TypeText, Key: "contactName", Label: forms.Text{ZH: "联系人姓名"}},
			wantPtr: "/properties/contactName",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				if got := f.Field("contactName").PII(); got != forms.PIIName {
					t.Errorf("pii %q", got)
				}
			}},
		{name: "mobile", index: -1,
			spec:    FieldSpec{Type: TypeMobile, Key: "phone", Label: forms.Text{ZH: "手机号码"}},
			wantPtr: "/properties/phone",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				if fd := f.Field("phone"); fd.PII() != forms.PIIPhone || fd.Format() != forms.FormatMobile {
					t.Errorf("pii %q format %q", fd.PII(), fd.Format())
				}
			}},
		{name: "pasted choices", index: -1,
			spec:    FieldSpec{Type: TypeRadio, Key: "sex", Label: forms.Text{ZH: "性别"}, ChoicesText: "男\r\n女\n\nOther \n"},
			wantPtr: "/properties/sex",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				var got []string
				for _, c := range f.Field("sex").Choices() {
					got = append(got, c.Value().(string)+"="+c.Label(forms.LangZH))
				}
				if want := []string{"1=男", "2=女", "other=Other"}; !slices.Equal(got, want) {
					t.Errorf("choices %v, want %v", got, want)
				}
			}},
		{name: "multiple choice with a default", index: -1,
			spec: FieldSpec{Type: TypeCheckbox, Key: "needs", Label: forms.Text{ZH: "需求"}, MinRows: intp(1),
				Choices: []ChoiceSpec{{Value: "a", Label: forms.Text{ZH: "甲"}}, {Value: "b", Label: forms.Text{ZH: "乙"}}},
				Default: []any{"a"}},
			wantPtr: "/properties/needs"},
		{name: "date range", index: -1,
			spec:    FieldSpec{Type: TypeDate, Key: "visitedOn", Label: forms.Text{ZH: "日期"}, MinDate: "2026-01-01", MaxDate: "2026-12-31"},
			wantPtr: "/properties/visitedOn",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				spec, err := d.SpecOf("/properties/visitedOn")
				if err != nil || spec.MinDate != "2026-01-01" || spec.MaxDate != "2026-12-31" || spec.Constraint != "" {
					t.Errorf("read back %+v %v", spec, err)
				}
			}},
		{name: "note", index: -1,
			spec:    FieldSpec{Type: TypeNote, Key: "intro", Label: forms.Text{ZH: "以下问题由户主回答"}},
			wantPtr: "/properties/intro",
			check: func(t *testing.T, f *forms.Form, d *FormDoc) {
				if got := TypeOf(f.Field("intro")); got != TypeNote {
					t.Errorf("type %s", got)
				}
			}},
		{name: "empty section then repeat", index: -1,
			spec:    FieldSpec{Type: TypeSection, Key: "extra", Label: forms.Text{ZH: "补充"}},
			wantPtr: "/properties/extra"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := household(t)
			ptr, err := d.AddField(tc.parent, tc.index, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if ptr != tc.wantPtr {
				t.Errorf("pointer %s, want %s", ptr, tc.wantPtr)
			}
			f := mustLoad(t, d)
			if tc.check != nil {
				tc.check(t, f, d)
			}
			spec, err := d.SpecOf(ptr)
			if err != nil {
				t.Fatal(err)
			}
			if spec.Type != tc.spec.Type {
				t.Errorf("reads back as %s", spec.Type)
			}
			// Saving the spec read back changes nothing.
			before := d.Bytes()
			if _, err := d.UpdateField(ptr, spec); err != nil {
				t.Fatal(err)
			}
			if after := d.Bytes(); !bytes.Equal(before, after) {
				t.Errorf("updating with the same spec changed the form:\n%s", after)
			}
		})
	}
}

// TestOperationsRefuse covers bad input: each case asserts the code and
// pointer, and that the document did not change.
func TestOperationsRefuse(t *testing.T) {
	thousands := strings.Repeat("选项\n", 10000)
	for _, tc := range []struct {
		name      string
		op        func(d *FormDoc) error
		ptr, code string
	}{
		{"empty label", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeText, Key: "x", Label: forms.Text{ZH: "  ", EN: "X"}})
			return err
		}, "/properties/x/x-label/zh", CodeLabelRequired},
		{"duplicate key, even in another section", func(d *FormDoc) error {
			_, err := d.AddField("/properties/address", -1, FieldSpec{Type: TypeText, Key: "respondentName", Label: forms.Text{ZH: "名"}})
			return err
		}, "/properties/address/properties/respondentName", CodeDuplicateKey},
		{"reserved key", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeText, Key: "refTime", Label: forms.Text{ZH: "时"}})
			return err
		}, "/properties/refTime", CodeReservedKey},
		{"function name key", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeInteger, Key: "age", Label: forms.Text{ZH: "年龄"}})
			return err
		}, "/properties/age", CodeReservedKey},
		{"bad key", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeText, Key: "1st-name", Label: forms.Text{ZH: "名"}})
			return err
		}, "/properties/1st-name", CodeBadKey},
		{"unknown type", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: "signature", Label: forms.Text{ZH: "签名"}})
			return err
		}, "", CodeUnknownType},
		{"10,000 pasted choice lines", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeSelect, Key: "village2", Label: forms.Text{ZH: "村"}, ChoicesText: thousands})
			return err
		}, "/properties/village2/x-choices", CodeTooManyChoices},
		{"duplicate pasted choices", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeRadio, Key: "c", Label: forms.Text{ZH: "选"}, ChoicesText: "是\n否\n是"})
			return err
		}, "/properties/c/x-choices/2/label/zh", CodeDuplicateChoice},
		{"duplicate choice values", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeRadio, Key: "c", Label: forms.Text{ZH: "选"},
				Choices: []ChoiceSpec{{Value: "a", Label: forms.Text{ZH: "甲"}}, {Value: "a", Label: forms.Text{ZH: "乙"}}}})
			return err
		}, "/properties/c/x-choices/1/value", CodeDuplicateChoice},
		{"choice type without choices", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeSelect, Key: "c", Label: forms.Text{ZH: "选"}})
			return err
		}, "/properties/c/x-choices", CodeNoChoices},
		{"length min above max", func(d *FormDoc) error {
			_, err := d.AddField("", -1, FieldSpec{Type: TypeText, Key: "t", Label: forms.Text{ZH: "文"}, MinLength: intp(5), MaxLength: intp(2)})
			return err
		}, "/properties/t/minLength", CodeMinAboveMax},
		{"number min above max", func(d *FormDoc) error {
			_, err := d.UpdateField("/properties/householdSize", FieldSpec{Type: TypeInteger, Label: forms.Text{ZH: "人口"}, Minimum: "30", Maximum: "1"})
			return err
		}, "/properties/householdSize/minimum", CodeMinAboveMax},
		{"whole number limit with a fraction", func(d *FormDoc) error {
			_, err := d.UpdateField("/properties/householdSize", FieldSpec{Type: TypeInteger, Label: forms.Text{ZH: "人口"}, Maximum: "2.5"})
			return err
		}, "/properties/householdSize/maximum", CodeBadNumber},
		{"date min after max", func(d *FormDoc) error {
			_, err := d.UpdateField("/properties/visitDate", FieldSpec{Type: TypeDate, Label: forms.Text{ZH: "日期"}, MinDate: "2026-12-31", MaxDate: "2026-01-01"})
			return err
		}, "/properties/visitDate/x-constraint", CodeMinAboveMax},
		{"not a date", func(d *FormDoc) error {
			_, err := d.UpdateField("/properties/visitDate", FieldSpec{Type: TypeDate, Label: forms.Text{ZH: "日期"}, MinDate: "2026-02-30"})
			return err
		}, "/properties/visitDate/x-constraint", CodeBadDate},
		{"a setting the type does not take", func(d *FormDoc) error {
			_, err := d.UpdateField("/properties/householdSize", FieldSpec{Type: TypeInteger, Label: forms.Text{ZH: "人口"}, MaxLength: intp(3)})
			return err
		}, "/properties/householdSize/maxLength", CodeBadSetting},
		{"a default that is no choice", func(d *FormDoc) error {
			spec, _ := d.SpecOf("/properties/housing")
			spec.Default = "castle"
			_, err := d.UpdateField("/properties/housing", spec)
			return err
		}, "/properties/housing/default", CodeBadDefault},
		{"an expression that does not parse", func(d *FormDoc) error {
			spec, _ := d.SpecOf("/properties/note")
			spec.Relevant = "hasChildren =="
			_, err := d.UpdateField("/properties/note", spec)
			return err
		}, "/properties/note/x-relevant", CodeBadExpression},
		{"a condition on a field that is not there", func(d *FormDoc) error {
			spec, _ := d.SpecOf("/properties/note")
			spec.Relevant = "hasPets == true"
			_, err := d.UpdateField("/properties/note", spec)
			return err
		}, "/properties/note/x-relevant", forms.CodeUnknownIdentifier},
		{"a row field read from outside its group", func(d *FormDoc) error {
			spec, _ := d.SpecOf("/properties/note")
			spec.RequiredIf = "childAge > 3"
			_, err := d.UpdateField("/properties/note", spec)
			return err
		}, "/properties/note/x-required-if", forms.CodeUnknownIdentifier},
		{"rename onto another key", func(d *FormDoc) error {
			spec, _ := d.SpecOf("/properties/note")
			spec.Key = "visitDate"
			_, err := d.UpdateField("/properties/note", spec)
			return err
		}, "/properties/note", CodeDuplicateKey},
		{"a section into itself", func(d *FormDoc) error {
			_, err := d.MoveField("/properties/address", "/properties/address", 0)
			return err
		}, "/properties/address", CodeMoveIntoItself},
		{"a group into its own row", func(d *FormDoc) error {
			_, err := d.MoveField("/properties/children", "/properties/children/items/properties/childName", 0)
			return err
		}, "/properties/children/items/properties/childName", CodeMoveIntoItself},
		{"into a question", func(d *FormDoc) error {
			_, err := d.MoveField("/properties/note", "/properties/visitDate", 0)
			return err
		}, "/properties/visitDate", CodeNotContainer},
		{"position out of range", func(d *FormDoc) error {
			_, err := d.MoveField("/properties/note", "/properties/address", 9)
			return err
		}, "/properties/address", CodeBadIndex},
		{"a row field out of its group while a neighbour reads it", func(d *FormDoc) error {
			_, err := d.MoveField("/properties/children/items/properties/childAge", "", -1)
			return err
		}, "/properties/childAge/x-calculate", forms.CodeUnknownIdentifier},
		{"delete a field a condition reads", func(d *FormDoc) error {
			return d.DeleteField("/properties/hasChildren", false)
		}, "/properties/children/x-relevant", CodeFieldReferenced},
		{"delete a field that is not there", func(d *FormDoc) error {
			return d.DeleteField("/properties/nothing", false)
		}, "/properties/nothing", CodeUnknownField},
		{"a section with fields cannot become a question", func(d *FormDoc) error {
			_, err := d.UpdateField("/properties/address", FieldSpec{Type: TypeText, Label: forms.Text{ZH: "住址"}})
			return err
		}, "/properties/address/type", CodeBadSetting},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := household(t)
			before := d.Bytes()
			err := tc.op(d)
			assertProblem(t, err, tc.ptr, tc.code)
			if !bytes.Equal(d.Bytes(), before) {
				t.Errorf("a refused operation changed the document")
			}
		})
	}
}

func TestErrorsSpeakTheDocLanguage(t *testing.T) {
	d := household(t)
	_, err := d.AddField("", -1, FieldSpec{Type: TypeText, Key: "x"})
	if got := err.Error(); !strings.Contains(got, "请填写中文标题") {
		t.Errorf("zh: %s", got)
	}
	d.Lang = forms.LangEN
	_, err = d.AddField("", -1, FieldSpec{Type: TypeText, Key: "x"})
	if got := err.Error(); !strings.Contains(got, "enter a Chinese label") {
		t.Errorf("en: %s", got)
	}
	if got := Message("en", CodeTooManyChoices, 10000, MaxChoices); got != "10000 choices, at most 500; use an uploaded list for longer ones" {
		t.Errorf("Message: %s", got)
	}
}

func TestMoveField(t *testing.T) {
	t.Run("within an x-ordered level renumbers", func(t *testing.T) {
		d := open(t, "../../examples/trainer-signup/trainer-signup.form.json")
		ptr, err := d.MoveField("/properties/lunch", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if ptr != "/properties/lunch" {
			t.Errorf("pointer %s", ptr)
		}
		f := mustLoad(t, d)
		got := formKeys(f.Fields())
		want := []string{"lunch", "traineeName", "idNumber", "sex", "mobile", "duty", "enumerationArea", "education", "pastCensus", "sessions", "diet"}
		if !slices.Equal(got, want) {
			t.Errorf("order %v, want %v", got, want)
		}
		if got := outlineKeys(d.Outline()); !slices.Equal(got, want) {
			t.Errorf("outline %v", got)
		}
	})
	t.Run("into a section keeps required", func(t *testing.T) {
		d := household(t)
		ptr, err := d.MoveField("/properties/respondentName", "/properties/address", 0)
		if err != nil {
			t.Fatal(err)
		}
		if ptr != "/properties/address/properties/respondentName" {
			t.Errorf("pointer %s", ptr)
		}
		f := mustLoad(t, d)
		if fd := f.Field("respondentName"); !fd.Required() || formKeys(f.Field("address").Children())[0] != "respondentName" {
			t.Errorf("required %v, section %v", fd.Required(), formKeys(f.Field("address").Children()))
		}
	})
	t.Run("a field into a repeat group", func(t *testing.T) {
		d := household(t)
		if _, err := d.MoveField("/properties/note", "/properties/children", -1); err != nil {
			t.Fatal(err)
		}
		f := mustLoad(t, d)
		if got := formKeys(f.Field("children").Children()); !slices.Equal(got, []string{"childName", "childBirthDate", "childAge", "note"}) {
			t.Errorf("row fields %v", got)
		}
	})
}

func TestDeleteField(t *testing.T) {
	t.Run("names every rule that reads it, row members included", func(t *testing.T) {
		d := open(t, "../../examples/fertility-survey/fertility-household.form.json")
		ptr, _ := d.Pointer("childAge")
		err := d.DeleteField(ptr, false)
		assertProblem(t, err, "/properties/care/properties/children/items/properties/childcareBy/x-relevant", CodeFieldReferenced)
		assertProblem(t, err, "/properties/care/properties/childrenUnder3/x-calculate", CodeFieldReferenced)
	})
	t.Run("a string that looks like the key is no reference", func(t *testing.T) {
		d := household(t)
		spec, _ := d.SpecOf("/properties/note")
		spec.Relevant = "housing == 'benefits'"
		if _, err := d.UpdateField("/properties/note", spec); err != nil {
			t.Fatal(err)
		}
		if err := d.DeleteField("/properties/benefits", false); err != nil {
			t.Fatal(err)
		}
		mustLoad(t, d)
	})
	t.Run("force removes the rules with consent", func(t *testing.T) {
		d := household(t)
		if err := d.DeleteField("/properties/hasChildren", true); err != nil {
			t.Fatal(err)
		}
		f := mustLoad(t, d)
		if f.Field("hasChildren") != nil || f.Field("children").Conditional() {
			t.Errorf("field or its rule left behind")
		}
		// A condition on the deleted field cannot be built any more.
		_, err := d.ConditionExpr(Condition{Rows: []ConditionRow{{Field: "hasChildren", Op: OpEq, Value: "true"}}})
		assertProblem(t, err, "/rows/0/field", CodeBadCondition)
	})
	t.Run("a section and its fields", func(t *testing.T) {
		d := household(t)
		err := d.DeleteField("/properties/address", false)
		if err != nil {
			t.Fatal(err)
		}
		f := mustLoad(t, d)
		if f.Field("village") != nil {
			t.Errorf("children left behind")
		}
	})
}

func TestRenameFollowsReferences(t *testing.T) {
	d := household(t)
	spec, err := d.SpecOf("/properties/respondentId")
	if err != nil {
		t.Fatal(err)
	}
	spec.Key = "residentId"
	ptr, err := d.UpdateField("/properties/respondentId", spec)
	if err != nil {
		t.Fatal(err)
	}
	if ptr != "/properties/residentId" {
		t.Errorf("pointer %s", ptr)
	}
	f := mustLoad(t, d)
	if !f.Field("residentId").Required() {
		t.Errorf("required lost")
	}
	s, _ := d.SpecOf("/properties/respondentAge")
	if s.Calculate != "age(residentId, refTime)" {
		t.Errorf("calculation %q", s.Calculate)
	}
}

func TestDuplicateField(t *testing.T) {
	d := household(t)
	ptr, err := d.DuplicateField("/properties/children")
	if err != nil {
		t.Fatal(err)
	}
	if ptr != "/properties/children2" {
		t.Errorf("pointer %s", ptr)
	}
	f := mustLoad(t, d)
	if got := formKeys(f.Field("children2").Children()); !slices.Equal(got, []string{"childName2", "childBirthDate2", "childAge2"}) {
		t.Errorf("copied rows %v", got)
	}
	s, _ := d.SpecOf("/properties/children2/items/properties/childAge2")
	if s.Calculate != "age(childBirthDate2, refTime)" {
		t.Errorf("copied calculation %q", s.Calculate)
	}
	if got := outlineKeys(d.Outline()); got[slices.Index(got, "children")+1] != "children2" {
		t.Errorf("copy not next to the original: %v", got)
	}
	if l := f.Field("children2").Label(forms.LangZH); l != "子女情况（副本）" {
		t.Errorf("label %s", l)
	}
}

func TestChoicesRepastedKeepTheirValues(t *testing.T) {
	d := household(t)
	ptr, err := d.AddField("", -1, FieldSpec{Type: TypeSelect, Key: "sex", Label: forms.Text{ZH: "性别"}, ChoicesText: "男\n女"})
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := d.SpecOf(ptr)
	spec.ChoicesText = "女\n男\n不详"
	if _, err := d.UpdateField(ptr, spec); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range mustLoad(t, d).Field("sex").Choices() {
		got = append(got, c.Value().(string)+"="+c.Label(forms.LangZH))
	}
	if want := []string{"2=女", "1=男", "3=不详"}; !slices.Equal(got, want) {
		t.Errorf("choices %v, want %v", got, want)
	}
}

func TestChoiceExtrasSurviveAnUpdate(t *testing.T) {
	d := household(t)
	spec, _ := d.SpecOf("/properties/address/properties/village")
	spec.Choices[0].Label.ZH = "东关社区"
	if _, err := d.UpdateField("/properties/address/properties/village", spec); err != nil {
		t.Fatal(err)
	}
	f := mustLoad(t, d)
	c := f.Field("village").Choices()[0]
	if c.Label(forms.LangZH) != "东关社区" || c.Extra()["township"] != "370102001" {
		t.Errorf("choice %v %v", c.Label(forms.LangZH), c.Extra())
	}
}

func TestTypeOfEveryExampleField(t *testing.T) {
	for _, path := range exampleForms(t) {
		f, diags := forms.Load(path, mustRead(t, path))
		if f == nil {
			t.Fatalf("%s: %v", path, diags)
		}
		d := open(t, path)
		var walk func(fds []*forms.Field)
		walk = func(fds []*forms.Field) {
			for _, fd := range fds {
				ptr, _ := d.Pointer(fd.Key())
				f, _ := d.field(ptr)
				if a, b := TypeOf(fd), typeOfNode(f.node); a != b {
					t.Errorf("%s %s: TypeOf %s, from the file %s", filepath.Base(path), fd.Key(), a, b)
				}
				if _, ok := LookupType(TypeOf(fd)); !ok {
					t.Errorf("%s: %s is no palette type", fd.Key(), TypeOf(fd))
				}
				walk(fd.Children())
			}
		}
		walk(f.Fields())
	}
}

func TestPalette(t *testing.T) {
	p := Palette()
	seen := map[string]bool{}
	for _, ft := range p {
		if ft.NameZH == "" || ft.NameEN == "" || seen[ft.ID] {
			t.Errorf("palette entry %+v", ft)
		}
		seen[ft.ID] = true
		// Every palette type makes a field that loads and maps back.
		d := household(t)
		spec := FieldSpec{Type: ft.ID, Key: "probe", Label: forms.Text{ZH: ft.NameZH}}
		if ft.HasChoices() && ft.ID != TypeCalculated && ft.ID != TypeAdminCode {
			spec.ChoicesText = "甲\n乙"
		}
		if ft.ID == TypeCalculated {
			spec.Calculate, spec.ValueType = "householdSize * 2", TypeInteger
		}
		if _, err := d.AddField("", -1, spec); err != nil {
			t.Errorf("%s: %v", ft.ID, err)
			continue
		}
		if got := TypeOf(mustLoad(t, d).Field("probe")); got != ft.ID {
			t.Errorf("%s maps back to %s", ft.ID, got)
		}
	}
	if err := paletteByID[TypeInteger].ValidateSettings("en", "/properties/n", FieldSpec{Type: TypeInteger, Label: forms.Text{ZH: "数"}, MinLength: intp(1)}); err == nil {
		t.Errorf("ValidateSettings took minLength on an integer")
	}
}

// TestGolden keeps the output of a few operations under testdata/golden;
// run with -update to refresh them after a deliberate change.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  func(t *testing.T, d *FormDoc)
	}{
		{"add-fields", func(t *testing.T, d *FormDoc) {
			must(t)(d.AddField("/properties/address", -1, FieldSpec{Type: TypeAdminCode, Key: "county", Label: forms.Text{ZH: "县级行政区划", EN: "County"}, Required: true}))
			must(t)(d.AddField("", 1, FieldSpec{Type: TypeRadio, Key: "sex", Label: forms.Text{ZH: "性别", EN: "Sex"}, ChoicesText: "男\n女", Hint: forms.Text{ZH: "按身份证填写"}}))
			must(t)(d.AddField("/properties/children", -1, FieldSpec{Type: TypeDecimal, Key: "childCost", Label: forms.Text{ZH: "每月花费（元）"}, Minimum: "0", Maximum: "100000"}))
			expr, vt, err := d.CalculationExpr(Calculation{Kind: CalcSum, Group: "children", Field: "childCost"})
			if err != nil {
				t.Fatal(err)
			}
			must(t)(d.AddField("", -1, FieldSpec{Type: TypeCalculated, Key: "totalCost", Label: forms.Text{ZH: "子女花费合计"}, Calculate: expr, ValueType: vt}))
		}},
		{"duplicate-and-move", func(t *testing.T, d *FormDoc) {
			ptr := must(t)(d.DuplicateField("/properties/children"))
			must(t)(d.MoveField(ptr, "", 0))
		}},
		{"delete-with-consent", func(t *testing.T, d *FormDoc) {
			if err := d.DeleteField("/properties/children/items/properties/childBirthDate", true); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := household(t)
			tc.ops(t, d)
			mustLoad(t, d)
			got := d.Bytes()
			path := filepath.Join("testdata", "golden", tc.name+".form.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := mustRead(t, path)
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (run with -update after a deliberate change):\n%s", path, got)
			}
		})
	}
}

// must returns a function that fails the test on an operation's error
// and returns its pointer.
func must(t *testing.T) func(string, error) string {
	return func(ptr string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ptr
	}
}

func TestSpecJSON(t *testing.T) {
	// The page sends specs as JSON; numbers stay as typed.
	var spec FieldSpec
	if err := json.Unmarshal([]byte(`{"type":"decimal","label":{"ZH":"面积"},"minimum":"0.5","maximum":2000}`), &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Minimum != "0.5" || spec.Maximum != "2000" {
		t.Errorf("limits %q %q", spec.Minimum, spec.Maximum)
	}
}

// TestSpecOfEveryExampleFieldSavesBackUnchanged opens every field of every
// shipped form in the field panel and saves it untouched: the file must
// not change.
func TestSpecOfEveryExampleFieldSavesBackUnchanged(t *testing.T) {
	for _, path := range exampleForms(t) {
		d := open(t, path)
		for _, f := range d.fields() {
			spec, err := d.SpecOf(f.ptr)
			if err != nil {
				t.Fatal(err)
			}
			before := d.Bytes()
			if _, err := d.UpdateField(f.ptr, spec); err != nil {
				t.Errorf("%s %s: %v", filepath.Base(path), f.ptr, err)
				continue
			}
			if after := d.Bytes(); !bytes.Equal(before, after) {
				t.Errorf("%s %s: saving the field unchanged changed the file", filepath.Base(path), f.ptr)
			}
		}
	}
}
