package paytables

import (
	"testing"

	"canvass/internal/linttest"
)

// TestDocExample loads the example file of the package documentation, so
// the documentation cannot drift from what Load accepts.
func TestDocExample(t *testing.T) {
	linttest.DocExample(t, Load)
}
