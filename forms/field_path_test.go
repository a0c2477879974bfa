package forms

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"canvass/examples"
)

func loadExampleForm(t *testing.T, path string) *Form {
	t.Helper()
	src, err := fs.ReadFile(examples.FS, path)
	if err != nil {
		t.Fatal(err)
	}
	f, ds := Load(path, src)
	if f == nil {
		t.Fatalf("%s does not load: %v", path, ds)
	}
	return f
}

func TestResolve(t *testing.T) {
	f := loadExampleForm(t, "fertility-survey/fertility-household.form.json")
	tests := []struct {
		name, ref string
		wantPath  string // "" when the reference must fail
		wantCode  string
		inRepeat  bool
		pii       string
	}{
		{"bare key in a section", "respondentId", "personal.respondentId", "", false, PIIIDNumber},
		{"full path", "personal.respondentId", "personal.respondentId", "", false, PIIIDNumber},
		{"blanks around", "  personal.respondentName ", "personal.respondentName", "", false, PIIName},
		{"repeat-group field by key", "childSex", "care.children.childSex", "", true, ""},
		{"repeat-group field by path", "care.children.childSex", "care.children.childSex", "", true, ""},
		{"a section", "personal", "personal", "", false, ""},
		{"the repeat group itself", "care.children", "care.children", "", false, ""},
		{"unknown key", "respondentID", "", CodeUnknownField, false, ""},
		{"partial path", "children.childSex", "", CodeWrongPath, false, ""},
		{"wrong section", "care.respondentId", "", CodeWrongPath, false, ""},
		{"empty", "", "", CodeBadPath, false, ""},
		{"empty segment", "personal..respondentId", "", CodeBadPath, false, ""},
		{"pointer syntax", "/personal/respondentId", "", CodeBadPath, false, ""},
		{"index", "care.children[0].childSex", "", CodeBadPath, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fd, err := f.Resolve(tt.ref)
			if tt.wantPath == "" {
				var pe *PathError
				if !errors.As(err, &pe) || pe.Code != tt.wantCode {
					t.Fatalf("Resolve(%q) = %v, %v; want a PathError %s", tt.ref, fd, err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tt.ref, err)
			}
			if got := fd.Path(); got != tt.wantPath {
				t.Errorf("Path() = %q, want %q", got, tt.wantPath)
			}
			if got := fd.Group() != nil; got != tt.inRepeat {
				t.Errorf("in a repeat group = %v, want %v", got, tt.inRepeat)
			}
			if want := "/" + strings.ReplaceAll(strings.Replace(tt.wantPath, "children.", "children.*.", 1), ".", "/"); fd.Pointer() != want {
				t.Errorf("Pointer() = %q, want %q", fd.Pointer(), want)
			}
			if fd.PII() != tt.pii {
				t.Errorf("PII() = %q, want %q", fd.PII(), tt.pii)
			}
		})
	}
}

// The message of a reference that does not resolve names the reference,
// the nearest field and the fields there are.
func TestResolveMessage(t *testing.T) {
	f := loadExampleForm(t, "fertility-survey/fertility-household.form.json")
	_, err := f.Resolve("respondentID")
	for _, want := range []string{`"respondentID"`, "did you mean personal.respondentId?", "personal.respondentName (被调查人姓名)", "care.children.childSex (性别)"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("message %v lacks %q", err, want)
		}
	}
	_, err = f.Resolve("care.respondentId")
	if err == nil || !strings.Contains(err.Error(), "is at personal.respondentId") {
		t.Errorf("message %v does not say where the field is", err)
	}
}

func TestFieldValues(t *testing.T) {
	f := loadExampleForm(t, "fertility-survey/fertility-household.form.json")
	answers := map[string]any{
		"personal": map[string]any{"respondentName": "林晓雯", "respondentId": ""},
		"care": map[string]any{"childCount": 2, "children": []any{
			map[string]any{"childSex": "female", "childAge": 7},
			map[string]any{"childAge": 3},
			map[string]any{"childSex": "male", "childAge": 1},
		}},
	}
	field := func(ref string) *Field {
		fd, err := f.Resolve(ref)
		if err != nil {
			t.Fatal(err)
		}
		return fd
	}
	if v, ok := field("respondentName").Value(answers); !ok || v != "林晓雯" {
		t.Errorf("Value(respondentName) = %v, %v", v, ok)
	}
	if v, ok := field("respondentId").Value(answers); ok {
		t.Errorf("an empty answer counts as none, got %v", v)
	}
	if _, ok := field("childSex").Value(answers); ok {
		t.Error("a repeat-group field has no single value")
	}
	if got, want := field("childSex").Values(answers), []any{"female", "male"}; !slices.Equal(got, want) {
		t.Errorf("Values(childSex) = %v, want %v", got, want)
	}
	if got := field("childCount").Values(answers); !slices.Equal(got, []any{2}) {
		t.Errorf("Values(childCount) = %v", got)
	}

	set := map[string]any{}
	if !field("respondentName").SetValue(set, "周岚") {
		t.Fatal("SetValue refused a section field")
	}
	if v, _ := field("personal.respondentName").Value(set); v != "周岚" {
		t.Errorf("SetValue put %v", set)
	}
	if field("childSex").SetValue(set, "male") {
		t.Error("SetValue took a repeat-group field")
	}
	if field("mobile").SetValue(map[string]any{"personal": "x"}, "1") {
		t.Error("SetValue overwrote a non-object where a section goes")
	}

	flat := f.Flatten(answers)
	if flat["respondentName"] != "林晓雯" || flat["childCount"] != 2 || flat["personal"] == nil {
		t.Errorf("Flatten = %v", flat)
	}
	rows := f.RowViews(field("children"), answers)
	if len(rows) != 3 {
		t.Fatalf("RowViews gave %d rows, want 3", len(rows))
	}
	if rows[0]["childSex"] != "female" || rows[1]["childSex"] != nil || rows[2]["childAge"] != 1 || rows[2]["respondentName"] != "林晓雯" {
		t.Errorf("RowViews = %v", rows)
	}
	if got := f.RowViews(field("children"), map[string]any{}); len(got) != 0 {
		t.Errorf("no rows gave %v", got)
	}
}
