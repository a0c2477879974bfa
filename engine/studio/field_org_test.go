package studio

import (
	"slices"
	"testing"
	"time"

	"canvass/engine"
	"canvass/forms"
)

// orgUnits is a district with two townships of two villages each, as the
// engine lists a subtree (parents first).
var orgUnits = []engine.OrgUnit{
	{Code: "370102", Name: "示例区", Level: engine.LevelDistrict, Path: "/370000/370100/370102/"},
	{Code: "370102001", Name: "东关街道", Level: engine.LevelTownship, Path: "/370000/370100/370102/370102001/"},
	{Code: "370102002", Name: "西湖镇", Level: engine.LevelTownship, Path: "/370000/370100/370102/370102002/"},
	{Code: "370102001001", Name: "东关村", Level: engine.LevelVillage, Path: "/370000/370100/370102/370102001/370102001001/"},
	{Code: "370102001002", Name: "南门村", Level: engine.LevelVillage, Path: "/370000/370100/370102/370102001/370102001002/"},
	{Code: "370102002001", Name: "湖滨村", Level: engine.LevelVillage, Path: "/370000/370100/370102/370102002/370102002001/"},
	{Code: "370102002002", Name: "柳林村", Level: engine.LevelVillage, Path: "/370000/370100/370102/370102002/370102002002/"},
}

func blank(t *testing.T) *FormDoc {
	t.Helper()
	d, err := OpenForm([]byte(`{"x-form-id": "blank", "x-title": {"zh": "空表"}, "type": "object", "properties": {}}`))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The author picks township then village: two lists, the village list
// narrowed by the township answered, as a field worker sees it.
func TestAddOrgFieldsCascade(t *testing.T) {
	d := blank(t)
	ptrs, err := d.AddOrgFields("", -1, forms.Text{ZH: "所在村居"}, true, []string{engine.LevelTownship, engine.LevelVillage}, orgUnits)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/properties/township", "/properties/village"}; !slices.Equal(ptrs, want) {
		t.Fatalf("pointers %q, want %q", ptrs, want)
	}
	f := mustLoad(t, d)
	for _, key := range []string{"township", "village"} {
		if got := TypeOf(f.Field(key)); got != TypeAdminCode {
			t.Errorf("%s reads back as %s", key, got)
		}
	}
	village, err := d.SpecOf("/properties/village")
	if err != nil {
		t.Fatal(err)
	}
	if village.Label.ZH != "所在村居" || village.OrgLevel != engine.LevelVillage || village.OrgParent != "township" || !village.Required || len(village.Choices) != 4 {
		t.Errorf("village spec: %+v", village)
	}
	township, _ := d.SpecOf("/properties/township")
	if township.Label.ZH != "乡镇（街道）" || township.OrgLevel != engine.LevelTownship || township.OrgParent != "" || len(township.Choices) != 2 {
		t.Errorf("township spec: %+v", township)
	}
	st := forms.Evaluate(f, map[string]any{"township": "370102002"}, forms.Env{RefTime: time.Now()})
	if got, want := st.Choices["/village"], []any{"370102002001", "370102002002"}; !slices.Equal(got, want) {
		t.Errorf("villages offered after 西湖镇: %v, want %v", got, want)
	}
	st = forms.Evaluate(f, map[string]any{"township": "370102002", "village": "370102001001"}, forms.Env{RefTime: time.Now()})
	if len(st.Errors) == 0 {
		t.Errorf("a village of another township was accepted")
	}
	// Saving the spec as read changes nothing; a refresh from the tree
	// keeps the cascade.
	before := string(d.Bytes())
	RefreshOrgChoices(&village, orgUnits)
	if _, err := d.UpdateField("/properties/village", village); err != nil {
		t.Fatal(err)
	}
	if after := string(d.Bytes()); after != before {
		t.Errorf("refreshing the village list changed the file:\n%s\nwas\n%s", after, before)
	}
}

func TestAddOrgFieldsRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		label  string
		levels []string
		units  []engine.OrgUnit
		ptr    string
		code   string
	}{
		{"no levels", "村居", nil, orgUnits, "/levels", CodeBadOrgLevel},
		{"bottom up", "村居", []string{engine.LevelVillage, engine.LevelTownship}, orgUnits, "/levels/1", CodeBadOrgLevel},
		{"twice", "村居", []string{engine.LevelVillage, engine.LevelVillage}, orgUnits, "/levels/1", CodeBadOrgLevel},
		{"unknown", "村居", []string{"planet"}, orgUnits, "/levels/0", CodeBadOrgLevel},
		{"no unit of the level in scope", "村居", []string{engine.LevelTownship, engine.LevelGroup}, orgUnits, "/levels/1", CodeNoOrgUnits},
		{"empty label", " ", []string{engine.LevelVillage}, orgUnits, "/spec/label/zh", CodeLabelRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := blank(t)
			before := string(d.Bytes())
			_, err := d.AddOrgFields("", -1, forms.Text{ZH: tc.label}, false, tc.levels, tc.units)
			assertProblem(t, err, tc.ptr, tc.code)
			if string(d.Bytes()) != before {
				t.Errorf("a refused add changed the form")
			}
		})
	}
}

// A second township list gets the next free key.
func TestAddOrgFieldsTwice(t *testing.T) {
	d := blank(t)
	for range 2 {
		if _, err := d.AddOrgFields("", -1, forms.Text{ZH: "乡镇"}, false, []string{engine.LevelTownship}, orgUnits); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := outlineKeys(d.Outline()), []string{"township", "township2"}; !slices.Equal(got, want) {
		t.Errorf("keys %q, want %q", got, want)
	}
}

// Settings checked before anything is written.
func TestSettingsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec FieldSpec
		ptr  string
		code string
	}{
		{"integer default below the minimum", FieldSpec{Type: TypeInteger, Label: forms.Text{ZH: "数"}, Minimum: "1", Maximum: "9", Default: 0}, "/properties/n/default", CodeBadDefault},
		{"decimal default above the maximum", FieldSpec{Type: TypeDecimal, Label: forms.Text{ZH: "数"}, Maximum: "1.5", Default: 2.5}, "/properties/n/default", CodeBadDefault},
		{"date default outside the range", FieldSpec{Type: TypeDate, Label: forms.Text{ZH: "日"}, MinDate: "2026-01-01", Default: "2025-12-31"}, "/properties/n/default", CodeBadDefault},
		{"an ID number default that is no ID number", FieldSpec{Type: TypeResidentID, Label: forms.Text{ZH: "身份证"}, Default: "123"}, "/properties/n/default", CodeBadDefault},
		{"a mobile default that is no mobile", FieldSpec{Type: TypeMobile, Label: forms.Text{ZH: "手机"}, Default: "12345"}, "/properties/n/default", CodeBadDefault},
		{"a select default outside the choices", FieldSpec{Type: TypeSelect, Label: forms.Text{ZH: "选"}, ChoicesText: "甲\n乙", Default: "丙"}, "/properties/n/default", CodeBadDefault},
		{"repeat min rows above max rows", FieldSpec{Type: TypeRepeat, Label: forms.Text{ZH: "成员"}, MinRows: intp(5), MaxRows: intp(2)}, "/properties/n/minItems", CodeMinAboveMax},
		{"repeat rows above the cap", FieldSpec{Type: TypeRepeat, Label: forms.Text{ZH: "成员"}, MaxRows: intp(MaxRows + 1)}, "/properties/n/maxItems", CodeTooManyRows},
		{"negative rows", FieldSpec{Type: TypeRepeat, Label: forms.Text{ZH: "成员"}, MinRows: intp(-1)}, "/properties/n/minItems", CodeBadNumber},
		{"a text length above the cap", FieldSpec{Type: TypeText, Label: forms.Text{ZH: "文"}, MaxLength: intp(MaxTextLength + 1)}, "/properties/n/maxLength", CodeTooManyRows},
		{"typed choices on an org-tree list", FieldSpec{Type: TypeAdminCode, Label: forms.Text{ZH: "村"}, ChoicesText: "东村\n西村"}, "/properties/n/x-choices/0/value", CodeBadChoice},
		{"an org-tree default outside its units", FieldSpec{Type: TypeAdminCode, Label: forms.Text{ZH: "村"}, OrgLevel: engine.LevelTownship,
			Choices: OrgChoices(orgUnits, engine.LevelTownship, ""), Default: "370102009"}, "/properties/n/default", CodeBadDefault},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Key = "n"
			d := blank(t)
			_, err := d.AddField("", -1, tc.spec)
			assertProblem(t, err, tc.ptr, tc.code)
			if len(d.Outline()) != 0 {
				t.Errorf("a refused field was added")
			}
		})
	}
	// And what fits is taken.
	d := blank(t)
	for i, spec := range []FieldSpec{
		{Type: TypeInteger, Label: forms.Text{ZH: "数"}, Minimum: "1", Maximum: "9", Default: 3},
		{Type: TypeRepeat, Label: forms.Text{ZH: "成员"}, MinRows: intp(1), MaxRows: intp(MaxRows)},
		{Type: TypeSelect, Label: forms.Text{ZH: "选"}, ChoicesText: "甲\n乙", Default: "2"},
		{Type: TypeYesNo, Label: forms.Text{ZH: "是否"}, Default: true},
	} {
		if _, err := d.AddField("", -1, spec); err != nil {
			t.Errorf("spec %d: %v", i, err)
		}
	}
}
