package paytables

import (
	"slices"
	"testing"

	"canvass/internal/linttest"
	"canvass/rules"
)

func TestLintGolden(t *testing.T) {
	linttest.Golden(t, ".paytable.yaml", Load)
}

// TestLoadExamples loads every example pay table: none may have a finding.
func TestLoadExamples(t *testing.T) {
	linttest.Examples(t, ".paytable.yaml", Load, func(t *testing.T, c *PayTable) {
		if c.ID() == "" || c.Title("en") == "" || c.EffectiveFrom().IsZero() || c.PeriodKind() == "" || len(c.Items()) == 0 {
			t.Errorf("a required value is empty: %+v", c)
		}
	})
}

// finding is the stable part of a diagnostic that tests assert on.
type finding struct {
	Code     string
	Path     string
	Line     int
	Severity string
}

const (
	E = rules.SeverityError
	W = rules.SeverityWarning
)

func TestLintFindings(t *testing.T) {
	tests := []struct {
		file string
		want []finding
	}{
		{"amounts", []finding{
			{"bad_amount", "items[0].amount", 6, E},
			{"bad_amount", "items[1].amount", 7, E},
			{"bad_amount", "items[2].amount", 8, E},
			{"wrong_type", "items[3].amount", 9, E},
			{"bad_amount", "items[4].amount", 10, E},
			{"conflicting_keys", "items[5].amount_expr", 11, E},
			{"missing_key", "items[6].amount", 12, E},
			{"bad_expression", "items[7].amount_expr", 13, E},
			{"wrong_type", "items[8].amount", 14, E},
		}},
		{"caps", []finding{
			{"bad_value", "caps[0].period", 8, E},
			{"duplicate_key", "caps[1].role", 9, E},
			{"bad_amount", "caps[1].max", 9, E},
			{"unused_cap", "caps[2].role", 10, W},
			{"unknown_role", "caps[3].role", 11, E},
			{"bad_amount", "caps[3].max", 11, E},
			{"missing_key", "caps[4].role", 12, E},
			{"missing_key", "caps[4].max", 12, E},
		}},
		{"empty", []finding{
			{"missing_key", "", 1, E},
		}},
		{"expressions", []finding{
			{"bad_expression", "items[0].when", 10, E},
			{"bad_expression", "items[1].when", 16, E},
			{"bad_expression", "items[2].amount_expr", 25, E},
			{"bad_expression", "items[3].when", 30, E},
		}},
		{"missing", []finding{
			{"missing_key", "id", 1, E},
			{"missing_key", "effective_from", 1, E},
			{"missing_key", "period", 1, E},
			{"missing_key", "items", 2, E},
		}},
		{"names", []finding{
			{"unknown_event", "items[0].on", 7, E},
			{"duplicate_key", "items[1].key", 11, E},
			{"bad_value", "items[1].pays", 13, E},
			{"unknown_role", "items[1].role", 14, E},
			{"bad_name", "items[2].key", 16, E},
			{"unknown_event", "items[2].on", 17, E},
			{"bad_id", "items[2].form", 18, E},
			{"unknown_role", "items[2].role", 20, E},
		}},
		{"syntax", []finding{
			{"yaml_syntax", "", 4, E},
		}},
		{"top", []finding{
			{"missing_key", "title", 1, E},
			{"bad_id", "id", 1, E},
			{"unknown_key", "titel", 2, E},
			{"bad_date", "effective_from", 3, E},
			{"bad_value", "period", 4, E},
			{"wrong_type", "items", 5, E},
			{"wrong_type", "caps", 6, E},
		}},
		{"unknown-key", []finding{
			{"missing_key", "effective_from", 1, E},
			{"unknown_key", "efective_from", 3, E},
			{"missing_key", "items[0].pays", 6, E},
			{"unknown_key", "items[0].payee", 8, E},
			{"unknown_key", "items[0].comment", 11, E},
		}},
		{"withheld", []finding{
			{"bad_value", "items[0].withheld_on", 6, E},
			{"bad_value", "items[1].withheld_on", 7, E},
			{"conflicting_keys", "items[2].withheld_on", 8, E},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, ds := linttest.LoadFile(t, "testdata/lint/"+tt.file+".paytable.yaml", Load)
			if got := linttest.Findings[finding](ds); !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}
