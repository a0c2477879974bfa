package studio

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"canvass/forms"
)

// exampleForms lists every form the repository ships: the examples and the
// server's test form.
func exampleForms(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"../../examples/*/*.form.json", "../../server/testdata/forms/*.form.json"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 6 {
		t.Fatalf("found only %d forms", len(files))
	}
	return files
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fieldSummary is what the forms API exposes about a field, flattened.
type fieldSummary struct {
	Key, Pointer, Type, ItemType, Format, Widget string
	LabelZH, LabelEN, HintZH, HintEN             string
	Required, RequiredIf, Conditional, ReadOnly  bool
	PII                                          string
	Choices                                      []string
	Children                                     []fieldSummary
}

func summarize(fds []*forms.Field) []fieldSummary {
	var out []fieldSummary
	for _, fd := range fds {
		s := fieldSummary{
			Key: fd.Key(), Pointer: fd.Pointer(), Type: fd.Type(), ItemType: fd.ItemType(), Format: fd.Format(),
			Widget: fd.Widget(), LabelZH: fd.Label(forms.LangZH), LabelEN: fd.Label(forms.LangEN),
			HintZH: fd.Hint(forms.LangZH), HintEN: fd.Hint(forms.LangEN),
			Required: fd.Required(), RequiredIf: fd.RequiredIf(), Conditional: fd.Conditional(), ReadOnly: fd.ReadOnly(),
			PII: fd.PII(), Children: summarize(fd.Children()),
		}
		for _, c := range fd.Choices() {
			extra, _ := json.Marshal(c.Extra())
			s.Choices = append(s.Choices, jsonString(c.Value())+"|"+c.Label(forms.LangZH)+"|"+c.Label(forms.LangEN)+"|"+string(extra))
		}
		out = append(out, s)
	}
	return out
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// keyOrders lists the key order of every object in v, by JSON pointer.
func keyOrders(n *node, ptr string, out map[string][]string) {
	switch n.kind {
	case kindObject:
		var keys []string
		for _, m := range n.members {
			keys = append(keys, m.key)
			keyOrders(m.value, ptr+"/"+m.key, out)
		}
		out[ptr] = keys
	case kindArray:
		for i, it := range n.items {
			keyOrders(it, ptr+"/"+jsonString(i), out)
		}
	}
}

func decodePlain(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRoundTripKeepsTheForm(t *testing.T) {
	for _, path := range exampleForms(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src := mustRead(t, path)
			doc, err := OpenForm(src)
			if err != nil {
				t.Fatal(err)
			}
			out := doc.Bytes()
			if !bytes.HasSuffix(out, []byte("}\n")) {
				t.Errorf("output does not end in a newline")
			}

			want, diags := forms.Load(path, src)
			if want == nil {
				t.Fatalf("the original does not load: %v", diags)
			}
			got, diags := forms.Load(path, out)
			if got == nil {
				t.Fatalf("the saved form does not load: %v", diags)
			}
			if got.ID() != want.ID() || got.Title(forms.LangZH) != want.Title(forms.LangZH) || got.Title(forms.LangEN) != want.Title(forms.LangEN) {
				t.Errorf("id or title changed")
			}
			if g, w := summarize(got.Fields()), summarize(want.Fields()); !reflect.DeepEqual(g, w) {
				t.Errorf("fields differ\ngot  %+v\nwant %+v", g, w)
			}

			if g, w := decodePlain(t, out), decodePlain(t, src); !reflect.DeepEqual(g, w) {
				t.Errorf("the JSON values differ")
			}
			reopened, err := OpenForm(out)
			if err != nil {
				t.Fatal(err)
			}
			g, w := map[string][]string{}, map[string][]string{}
			keyOrders(reopened.root, "", g)
			keyOrders(doc.root, "", w)
			if !reflect.DeepEqual(g, w) {
				t.Errorf("key order differs")
			}
			if !bytes.Equal(reopened.Bytes(), out) {
				t.Errorf("saving twice changes the bytes")
			}
			if !bytes.Equal(out, src) {
				t.Logf("not byte-identical to the source (allowed)")
			}
		})
	}
}

func TestOpenFormRefusesWhatIsNotAForm(t *testing.T) {
	for _, tc := range []struct {
		name, src, code string
	}{
		{"empty", ``, CodeSyntax},
		{"broken", `{"type": `, CodeSyntax},
		{"trailing", `{} {}`, CodeSyntax},
		{"array", `[]`, CodeNotObject},
		{"string", `"form"`, CodeNotObject},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OpenForm([]byte(tc.src))
			assertProblem(t, err, "", tc.code)
		})
	}
}

func TestBytesKeepsUnknownKeysAndNumbers(t *testing.T) {
	src := `{"x-form-id":"f","type":"object","x-vendor":{"b":[1,2.50,{"c":null}],"a":1e3},"properties":{"n":{"type":"number","maximum":1.10,"x-label":{"zh":"数 <&>"}}}}`
	doc, err := OpenForm([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := string(doc.Bytes())
	want := `{
  "x-form-id": "f",
  "type": "object",
  "x-vendor": {
    "b": [
      1,
      2.50,
      {"c": null}
    ],
    "a": 1e3
  },
  "properties": {
    "n": {
      "type": "number",
      "maximum": 1.10,
      "x-label": {"zh": "数 <&>"}
    }
  }
}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
