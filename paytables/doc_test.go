package paytables

import (
	"testing"

	"canvass/internal/linttest"
	"canvass/rules"
)

// TestDocExample loads the example file of the package documentation, so
// the documentation cannot drift from what Load accepts.
func TestDocExample(t *testing.T) {
	linttest.DocExample(t, func(name string, src []byte) (bool, []rules.Diagnostic) {
		got, ds := Load(name, src)
		return got != nil, ds
	})
}
