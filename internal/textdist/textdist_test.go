package textdist

import "testing"

func TestEditDistance(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"equal", "title", "title", 0},
		{"both empty", "", "", 0},
		{"from empty", "", "cron", 4},
		{"to empty", "cron", "", 4},
		{"one substitution", "titel", "tites", 1},
		{"transposition is two edits", "titel", "title", 2},
		{"one insertion", "crn", "cron", 1},
		{"one deletion", "x-relevent", "x-relevnt", 1},
		{"case counts", "motherID", "motherId", 1},
		{"runes, not bytes", "乡镇", "县镇", 1},
		{"rune against letters", "镇", "zhen", 4},
		{"all different", "abc", "xyz", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EditDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := EditDistance(tt.b, tt.a); got != tt.want {
				t.Errorf("EditDistance(%q, %q) = %d, want %d (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	tests := []struct {
		name       string
		s          string
		candidates []string
		maxDist    int
		want       string
	}{
		{"nearest wins", "shar", []string{"min", "share", "period"}, 2, "share"},
		{"nearer later wins", "vilage", []string{"villages", "village"}, 2, "village"},
		{"tie goes to the first listed", "ab", []string{"abc", "abd"}, 2, "abc"},
		{"tie goes to the first listed, reversed", "ab", []string{"abd", "abc"}, 2, "abd"},
		{"at the limit", "titel", []string{"title"}, 2, "title"},
		{"beyond the limit", "colour", []string{"title", "forms"}, 2, ""},
		{"limit 1", "titel", []string{"title"}, 1, ""},
		{"exact match", "cron", []string{"form", "cron"}, 2, "cron"},
		{"no candidates", "cron", nil, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.s, tt.candidates, tt.maxDist); got != tt.want {
				t.Errorf("Closest(%q, %q, %d) = %q, want %q", tt.s, tt.candidates, tt.maxDist, got, tt.want)
			}
		})
	}
}
