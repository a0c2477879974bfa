package campaigns

import (
	"slices"
	"testing"

	"canvass/internal/linttest"
	"canvass/rules"
)

func TestLintGolden(t *testing.T) {
	linttest.Golden(t, ".campaign.yaml", Load)
}

// TestLoadExamples loads every example campaign: none may have a finding.
func TestLoadExamples(t *testing.T) {
	linttest.Examples(t, ".campaign.yaml", Load, func(t *testing.T, c *Campaign) {
		if c.ID() == "" || len(c.Forms()) == 0 || c.Workflow() == "" || c.OrgScope() == "" || c.RefTime().IsZero() {
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

const E = rules.SeverityError

func TestLintFindings(t *testing.T) {
	tests := []struct {
		file string
		want []finding
	}{
		{"bad-month", []finding{
			{"bad_date", "reference_time", 6, E},
			{"bad_date", "opens", 7, E},
			{"bad_date", "closes", 8, E},
		}},
		{"budget", []finding{
			{"wrong_type", "budget.inputs.rate", 8, E},
			{"bad_name", "budget.inputs.len", 8, E},
			{"bad_name", "budget.inputs.in", 8, E},
			{"bad_name", "budget.inputs.Bad", 8, E},
			{"bad_value", "budget.inputs.debt", 8, E},
			{"duplicate_key", "budget.counts.planned", 11, E},
			{"unknown_form", "budget.counts.visits.form", 12, E},
			{"bad_expression", "budget.lines[1].amount", 15, E},
			{"bad_expression", "budget.lines[2].amount", 16, E},
			{"duplicate_key", "budget.lines[3].key", 17, E},
			{"bad_amount", "budget.lines[4].amount", 18, E},
			{"bad_amount", "budget.lines[5].amount", 19, E},
			{"bad_expression", "budget.lines[7].amount", 24, E},
			{"bad_name", "budget.lines[8].key", 25, E},
			{"bad_expression", "budget.lines[8].amount", 25, E},
		}},
		{"dates", []finding{
			{"bad_date", "reference_time", 6, E},
			{"bad_date", "closes", 8, E},
		}},
		{"empty", []finding{
			{"missing_key", "", 1, E},
		}},
		{"missing", []finding{
			{"missing_key", "id", 1, E},
			{"missing_key", "workflow", 1, E},
			{"missing_key", "reference_time", 1, E},
			{"missing_key", "forms", 2, E},
			{"missing_key", "schedule[0].name", 5, E},
			{"missing_key", "schedule[1].cron", 6, E},
			{"missing_key", "budget.lines", 7, E},
			{"missing_key", "budget.counts.signups.form", 9, E},
		}},
		{"qc", []finding{
			{"duplicate_key", "forms[1]", 3, E},
			{"bad_value", "org_scope", 6, E},
			{"wrong_type", "qc.share", 8, E},
			{"wrong_type", "qc.min", 8, E},
		}},
		{"schedule", []finding{
			{"bad_cron", "schedule[0].cron", 8, E},
			{"bad_cron", "schedule[1].cron", 9, E},
			{"bad_cron", "schedule[2].cron", 10, E},
			{"bad_cron", "schedule[3].cron", 11, E},
			{"duplicate_key", "schedule[4].name", 12, E},
			{"bad_name", "schedule[5].name", 13, E},
			{"unknown_form", "schedule[5].form", 13, E},
			{"bad_cron", "schedule[6].cron", 14, E},
			{"missing_key", "schedule[7].for", 15, E},
			{"missing_key", "schedule[7].state", 15, E},
			{"unknown_form", "schedule[8].for", 16, E},
			{"bad_name", "schedule[8].state", 16, E},
			{"duplicate_key", "schedule[8].states[1]", 16, E},
			{"bad_name", "schedule[8].link", 16, E},
			{"bad_name", "schedule[8].copy.name", 16, E},
			{"duplicate_key", "schedule[9].copy.childRecord", 17, E},
		}},
		{"syntax", []finding{
			{"yaml_syntax", "", 3, E},
		}},
		{"unknown-key", []finding{
			{"missing_key", "title", 1, E},
			{"unknown_key", "titel", 2, E},
			{"missing_key", "qc.share", 7, E},
			{"unknown_key", "qc.shar", 7, E},
			{"missing_key", "schedule[0].cron", 9, E},
			{"unknown_key", "schedule[0].crn", 9, E},
			{"missing_key", "budget.lines[0].amount", 12, E},
			{"unknown_key", "budget.lines[0].amout", 12, E},
			{"unknown_key", "budget.lines[1].label.fr", 13, E},
			{"unknown_key", "colour", 14, E},
		}},
		{"wrong-type", []finding{
			{"wrong_type", "title", 2, E},
			{"wrong_type", "forms", 3, E},
			{"bad_id", "workflow", 4, E},
			{"wrong_type", "org_scope", 5, E},
			{"bad_value", "period", 7, E},
			{"bad_value", "qc.share", 8, E},
			{"bad_value", "qc.min", 8, E},
			{"bad_value", "qc.period", 8, E},
			{"wrong_type", "schedule", 9, E},
			{"wrong_type", "budget", 10, E},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, ds := linttest.LoadFile(t, "testdata/lint/"+tt.file+".campaign.yaml", Load)
			if got := linttest.Findings[finding](ds); !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}
