package yamldoc

import (
	"strings"
	"testing"
)

func TestClosest(t *testing.T) {
	long := strings.Repeat("a", maxHintRunes)
	tests := []struct {
		name       string
		s          string
		candidates []string
		want       string
	}{
		{"within two edits", "titel", []string{"id", "title"}, "title"},
		{"three edits is too far", "abcdef", []string{"abcxyz"}, ""},
		{"nothing near", "colour", []string{"id", "title"}, ""},
		{"tie goes to the first listed", "ab", []string{"abd", "abc"}, "abd"},
		{"longest name compared", long + "b", []string{long}, ""},
		{"a name at the limit", long[1:] + "b", []string{long}, long},
		{"a longer candidate is skipped", long, []string{long + "b", long[2:]}, long[2:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.s, tt.candidates); got != tt.want {
				t.Errorf("Closest(%q, %q) = %q, want %q", tt.s, tt.candidates, got, tt.want)
			}
		})
	}
}
