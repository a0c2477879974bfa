package paytables_test

import (
	"slices"
	"testing"

	"canvass/engine"
	"canvass/paytables"
)

// The paytables package repeats the engine's role names because the engine
// imports it; this external test keeps the copies equal.
func TestNamesMatchEngine(t *testing.T) {
	if got, want := paytables.Roles, engine.Roles; !slices.Equal(got, want) {
		t.Errorf("paytables has %v, engine has %v", got, want)
	}
}
