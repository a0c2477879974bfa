package workflows

import (
	"slices"
	"strings"
	"testing"

	"canvass/internal/linttest"
	"canvass/rules"
)

func TestLintGolden(t *testing.T) {
	linttest.Golden(t, ".workflow.yaml", Load)
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
		{"unknown-key", []finding{
			{"unknown_key", "titel", 2, E},
			{"unknown_key", "states.review.stpe", 6, E},
			{"missing_key", "states.review.step.role", 7, E},
			{"unknown_key", "states.review.step.rol", 7, E},
			{"unknown_key", "states.review.actions.approve.gaurd", 9, E},
			{"unknown_key", "states.done.colour", 12, E},
		}},
		{"unknown-state", []finding{
			{"unknown_state", "start", 2, E},
			{"unknown_state", "states.review.actions.approve.to", 7, E},
			{"unknown_state", "states.review.actions.return.to", 8, E},
			{"unknown_state", "states.review.actions.reject.routes[0].to", 11, E},
		}},
		{"graph", []finding{
			{"dead_end", "states.loop_a", 9, E},
			{"dead_end", "states.loop_b", 13, E},
			{"unreachable_state", "states.orphan", 17, W},
		}},
		{"no-actor", []finding{
			{"no_actor", "states.collect", 4, E},
			{"unknown_role", "states.review.step.role", 8, E},
			{"unknown_level", "states.review.step.level", 8, E},
			{"missing_key", "states.check.step.level", 12, E},
			{"unknown_role", "states.check.step.role[1]", 12, E},
			{"no_actions", "states.idle.actions", 15, E},
			{"unreachable_state", "states.idle", 15, W},
		}},
		{"bad-expression", []finding{
			{"bad_expression", "states.review.due", 6, E},
			{"bad_expression", "states.review.actions.approve.routes[0].when", 10, E},
			{"bad_expression", "states.review.actions.approve.routes[1].when", 12, E},
			{"bad_expression", "states.review.actions.approve.routes[2].when", 14, E},
			{"bad_expression", "states.review.actions.reject.guard", 21, E},
		}},
		{"bad-duration", []finding{
			{"bad_duration", "states.review.due", 6, E},
			{"bad_duration", "states.review.remind.every", 7, E},
			{"bad_value", "states.review.remind.times", 7, E},
			{"bad_duration", "states.review.escalate.after", 8, E},
			{"unreachable_state", "states.recheck", 11, W},
			{"bad_duration", "states.recheck.due", 13, E},
			{"missing_key", "states.recheck.remind.every", 14, E},
			{"bad_value", "states.recheck.remind.times", 14, E},
		}},
		{"routes", []finding{
			{"missing_default_route", "states.review.actions.approve.routes", 8, W},
			{"unreachable_route", "states.review.actions.reject.routes[1]", 14, W},
			{"conflicting_keys", "states.review.actions.return.routes", 17, E},
			{"missing_default_route", "states.review.actions.submit.routes", 20, W},
			{"missing_key", "states.review.actions.submit.routes[0].to", 21, E},
			{"missing_key", "states.district.actions.approve", 25, E},
			{"bad_value", "states.district.actions.return.reason", 26, E},
			{"bad_value", "states.district.actions.reject.reason", 27, E},
		}},
		{"timers", []finding{
			{"no_level_above", "states.review.escalate.to", 7, E},
			{"unknown_action", "states.review.actions.claim", 10, E},
			{"unknown_action", "states.review.actions.aprove", 11, E},
			{"missing_due", "states.spot.auto", 14, E},
			{"conflicting_keys", "states.spot.auto", 14, E},
			{"unknown_action", "states.spot.auto", 14, E},
			{"missing_due", "states.spot.remind", 15, E},
			{"bad_value", "states.auto_return.auto", 21, E},
			{"conflicting_keys", "states.auto_missing.auto", 27, E},
			{"unknown_action", "states.auto_missing.auto", 27, E},
			{"conflicting_keys", "states.auto_missing.escalate", 28, E},
			{"final_with_task", "states.done", 31, E},
		}},
		{"no-final", []finding{
			{"bad_id", "id", 1, E},
			{"no_final_state", "states", 3, E},
			{"bad_name", "states.B", 8, E},
			{"unreachable_state", "states.B", 8, W},
		}},
		{"syntax", []finding{
			{"yaml_syntax", "", 6, E},
		}},
		{"wrong-type", []finding{
			{"wrong_type", "title", 2, E},
			{"wrong_type", "states.review.final", 6, E},
			{"wrong_type", "states.review.step", 7, E},
			{"wrong_type", "states.review.remind.times", 8, E},
			{"wrong_type", "states.review.due", 9, E},
			{"wrong_type", "states.review.actions", 11, E},
			{"wrong_type", "states.list_state", 12, E},
			{"yaml_syntax", "", 15, E},
		}},
		{"empty", []finding{
			{"missing_key", "", 1, E},
		}},
		{"untitled", []finding{ // an English title alone is no title: pages are Chinese first
			{"untitled_state", "states.review", 5, E},
			{"untitled_state", "states.fix", 10, E},
			{"untitled_state", "states.done", 15, E},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, ds := linttest.LoadFile(t, "testdata/lint/"+tt.file+".workflow.yaml", Load)
			got := linttest.Findings[finding](ds)
			if tt.file != "untitled" {
				// The other fixtures leave their states untitled to stay
				// short; each is about its own codes.
				got = slices.DeleteFunc(got, func(f finding) bool { return f.Code == rules.CodeUntitledState })
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestLintExpressionColumns checks that an expression error points inside
// the expression, whatever the YAML quoting.
func TestLintExpressionColumns(t *testing.T) {
	tests := []struct {
		name    string
		value   string // the YAML value of when:
		line    int
		col     int
		snippet string // the caret line must sit under this text
	}{
		{"plain", `answers.ok && nope`, 9, 33, "nope"},
		{"double quoted", `"answers.ok && nope"`, 9, 34, "nope"},
		{"single quoted", `'answers.ok && nope'`, 9, 34, "nope"},
		{"literal block", "|\n              answers.ok &&\n                nope", 11, 17, "nope"},
		{"chinese before the error", `"answers.名称 == '乡镇' && nope"`, 9, 42, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "id: cols\nstart: a\nstates:\n  a:\n    step: {role: reviewer, level: township}\n    actions:\n      approve:\n        routes:\n          - when: " + tt.value + "\n            to: done\n          - to: done\n  done: {final: true}\n"
			_, ds := Load("cols.workflow.yaml", []byte(src))
			ds = slices.DeleteFunc(ds, func(d rules.Diagnostic) bool { return d.Code == rules.CodeUntitledState }) // the states are untitled to keep the lines counted above
			if len(ds) != 1 || ds[0].Code != "bad_expression" {
				t.Fatalf("got %v, want one bad_expression", ds)
			}
			d := ds[0]
			if d.Line != tt.line || d.Col != tt.col {
				t.Errorf("position %d:%d, want %d:%d\n%s", d.Line, d.Col, tt.line, tt.col, d.Snippet)
			}
			lines := strings.Split(src, "\n")
			if got := string([]rune(lines[d.Line-1])[d.Col-1:]); !strings.HasPrefix(got, tt.snippet) {
				t.Errorf("column points at %q, want %q", got, tt.snippet)
			}
		})
	}
}
