package campaigns

import (
	"os"
	"strings"
	"testing"
)

// TestDocExample loads the example file of the package documentation, so
// the documentation cannot drift from what Load accepts.
func TestDocExample(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, found := strings.Cut(string(src), "// # The file\n")
	if !found {
		t.Fatal("doc.go has no '# The file' section")
	}
	var file strings.Builder
	started := false
	for _, line := range strings.Split(after, "\n") {
		code, isCode := strings.CutPrefix(line, "//\t")
		if !isCode {
			if started {
				break
			}
			continue
		}
		started = true
		file.WriteString(code + "\n")
	}
	got, ds := Load("doc.yaml", []byte(file.String()))
	if got == nil || len(ds) > 0 {
		t.Errorf("the documented example does not load cleanly:\n%s\n%s", lintOutput(ds), file.String())
	}
}
