package workflows

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"canvass/rules"
)

// runTimers plays the engine's sweeper for a record that nobody acts on:
// it fires each timer at its time, keeps the counters the engine keeps in
// the record's history, and returns what happened, one line per timer.
func runTimers(t *testing.T, w *Workflow, begin Outcome, limit int) []string {
	t.Helper()
	var log []string
	state, due := begin.To, begin.DueAt
	next, kind := begin.NextTimerAt, begin.TimerKind
	step := begin.Step
	sent, escalated := 0, false
	for kind != "" {
		if len(log) == limit {
			t.Fatalf("more than %d timers: %v", limit, log)
		}
		out := w.OnTimer(TimerInput{State: state, Kind: kind, FiredAt: next, DueAt: due, RemindersSent: sent, Escalated: escalated})
		at := next.In(rules.Shanghai).Format("01-02 15:04")
		switch {
		case out.Remind:
			sent++
			log = append(log, fmt.Sprintf("%s remind %s@%s", at, step.Roles, step.Level))
		case out.Escalate != nil:
			step, sent, escalated = out.Escalate, 0, true
			log = append(log, fmt.Sprintf("%s escalate to %s@%s", at, step.Roles, step.Level))
		case out.Action != "":
			log = append(log, fmt.Sprintf("%s auto %s", at, out.Action))
		default:
			log = append(log, fmt.Sprintf("%s nothing", at))
		}
		if !out.NextTimerAt.IsZero() && !out.NextTimerAt.After(next) && out.Action == "" {
			t.Fatalf("timer at %v set the next one at %v: not later", next, out.NextTimerAt)
		}
		next, kind = out.NextTimerAt, out.TimerKind
	}
	return log
}

func TestOnTimerSequence(t *testing.T) {
	tests := []struct {
		name  string
		flow  string
		state string // entered by Begin or by the named action from the start
		want  []string
	}{
		{"subsidy: three daily reminders, then the district takes over", "subsidy-review", "", []string{
			"11-23 09:30 remind [reviewer]@township",
			"11-24 09:30 remind [reviewer]@township",
			"11-25 09:30 remind [reviewer]@township",
			"11-26 09:30 escalate to [reviewer]@district",
			"11-27 09:30 remind [reviewer]@district",
			"11-28 09:30 remind [reviewer]@district",
			"11-29 09:30 remind [reviewer]@district",
		}},
		{"returned: two reminders, no escalation", "subsidy-review", "return", []string{
			"11-25 09:30 remind [field_worker]@village",
			"11-26 09:30 remind [field_worker]@village",
		}},
		{"survey: accepted when nobody spot-checks", "fertility-survey", "", []string{
			"11-27 09:30 auto approve",
		}},
		{"survey correction: widen to the supervisor after the reminders", "fertility-survey", "return", []string{
			"11-22 09:30 remind [field_worker]@village",
			"11-23 09:30 remind [field_worker]@village",
			"11-24 09:30 escalate to [field_worker supervisor]@village",
			"11-25 09:30 remind [field_worker supervisor]@village",
			"11-26 09:30 remind [field_worker supervisor]@village",
		}},
		// Two reminders, then the escalation waits for its own time: the
		// due time + P3D, not a day after the last reminder.
		{"quarterly: escalation after a fixed delay", "quarterly-report", "", []string{
			"01-16 00:00 remind [reviewer]@township",
			"01-17 00:00 remind [reviewer]@township",
			"01-19 00:00 escalate to [reviewer]@district",
			"01-20 00:00 remind [reviewer]@district",
			"01-21 00:00 remind [reviewer]@district",
		}},
	}
	now := cst(2026, 11, 20, 9, 30)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mustLoad(t, tt.flow)
			in := Input{SubmittedAt: now, CreatedAt: now, At: now}
			out, err := w.Begin(in)
			if err != nil {
				t.Fatal(err)
			}
			if tt.state != "" {
				in.State, in.Action, in.Reason, in.ActorRoles = out.To, tt.state, "补充材料", out.Step.Roles
				if out, err = w.Apply(in); err != nil {
					t.Fatal(err)
				}
			}
			if got := runTimers(t, w, out, 20); !slices.Equal(got, tt.want) {
				t.Errorf("timers:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestOnTimerEdges(t *testing.T) {
	w := mustLoad(t, "subsidy-review")
	due := cst(2026, 11, 23, 9, 30)
	fired := cst(2026, 11, 23, 9, 31)
	tests := []struct {
		name string
		in   TimerInput
		want TimerOutcome
	}{
		{"a late timer does not catch up", TimerInput{State: "township_review", Kind: TimerRemind, FiredAt: cst(2026, 11, 29, 8, 0), DueAt: due},
			TimerOutcome{Remind: true, NextTimerAt: cst(2026, 11, 30, 8, 0).UTC(), TimerKind: TimerRemind}},
		{"escalated once is enough", TimerInput{State: "township_review", Kind: TimerEscalate, FiredAt: fired, DueAt: due, Escalated: true},
			TimerOutcome{}},
		{"reminders exhausted after escalation", TimerInput{State: "township_review", Kind: TimerRemind, FiredAt: fired, DueAt: due, RemindersSent: 2, Escalated: true},
			TimerOutcome{Remind: true}},
		{"stale kind: no auto in this state", TimerInput{State: "township_review", Kind: TimerAuto, FiredAt: fired, DueAt: due},
			TimerOutcome{}},
		{"stale state: the record has finished", TimerInput{State: "approved", Kind: TimerRemind, FiredAt: fired, DueAt: due},
			TimerOutcome{}},
		{"unknown state", TimerInput{State: "gone", Kind: TimerRemind, FiredAt: fired, DueAt: due},
			TimerOutcome{}},
		{"unknown kind", TimerInput{State: "township_review", Kind: "due", FiredAt: fired, DueAt: due},
			TimerOutcome{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := w.OnTimer(tt.in)
			if got.Remind != tt.want.Remind || (got.Escalate == nil) != (tt.want.Escalate == nil) || got.Action != tt.want.Action ||
				!got.NextTimerAt.Equal(tt.want.NextTimerAt) || got.TimerKind != tt.want.TimerKind {
				t.Errorf("OnTimer = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestOnTimerDeterministic(t *testing.T) {
	w := mustLoad(t, "quarterly-report")
	in := TimerInput{State: "township_review", Kind: TimerRemind, FiredAt: time.Date(2027, 1, 14, 16, 0, 0, 0, time.UTC), DueAt: time.Date(2027, 1, 14, 16, 0, 0, 0, time.UTC), RemindersSent: 1}
	first := w.OnTimer(in)
	for range 100 {
		if got := w.OnTimer(in); got.NextTimerAt != first.NextTimerAt || got.TimerKind != first.TimerKind || got.Remind != first.Remind {
			t.Fatalf("OnTimer(%+v) = %+v, then %+v", in, first, got)
		}
	}
}
