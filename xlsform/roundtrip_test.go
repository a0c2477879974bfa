package xlsform

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestRoundTripExamples exports every example form, imports it, exports and
// imports again: the two imports are identical and the first is the same
// form as the example (semanticallyEqual).
func TestRoundTripExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/*/*.form.json")
	if len(files) < 5 {
		t.Fatalf("found %d example forms, want at least 5", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			first := roundTrip(t, src, filepath.Base(file))
			second := roundTrip(t, first, filepath.Base(file))
			if !bytes.Equal(first, second) {
				t.Errorf("the second round trip differs:\n%s\n---\n%s", first, second)
			}
			if diff := semanticDiff(t, src, first); diff != "" {
				t.Errorf("the imported form differs from the example: %s\n%s", diff, first)
			}
		})
	}
}

func roundTrip(t *testing.T, src []byte, name string) []byte {
	t.Helper()
	var wb bytes.Buffer
	if err := Export(src, &wb); err != nil {
		t.Fatalf("export: %v", err)
	}
	res, err := Import(&wb, Options{Filename: name})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res.JSON
}
