package workflows_test

import (
	"slices"
	"testing"

	"canvass/engine"
	"canvass/workflows"
)

// The workflows package repeats the engine's names because the engine
// imports it; this external test keeps the copies equal.
func TestNamesMatchEngine(t *testing.T) {
	tests := []struct {
		name      string
		got, want []string
	}{
		{"roles", workflows.Roles, engine.Roles},
		{"levels", workflows.Levels, engine.Levels},
		{"error codes", []string{workflows.CodeInvalid, workflows.CodeForbidden}, []string{engine.EINVALID, engine.EFORBIDDEN}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("workflows has %v, engine has %v", tt.got, tt.want)
			}
		})
	}
}
