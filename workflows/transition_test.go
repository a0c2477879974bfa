package workflows

import (
	"errors"
	"slices"
	"testing"
	"time"

	"canvass/rules"
)

// cst returns a time in China Standard Time, where the campaigns run.
func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, rules.Shanghai)
}

// want is the expected result of Apply or Begin: either an outcome, or a
// refusal (code, pointer, field code), or an expression failure.
type want struct {
	to          string
	final       bool
	step        *Step
	dueAt       time.Time
	nextTimerAt time.Time
	timerKind   string

	code, pointer, fieldCode string
	runFailure               bool // an expression failed to run: not an *ActionError
}

func checkOutcome(t *testing.T, out Outcome, err error, w want) {
	t.Helper()
	var ae *ActionError
	switch {
	case w.runFailure:
		if err == nil || errors.As(err, &ae) {
			t.Fatalf("err = %v, want an expression failure", err)
		}
		return
	case w.code != "":
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v, want *ActionError %s %s %s", err, w.code, w.pointer, w.fieldCode)
		}
		if ae.Code != w.code || ae.Pointer != w.pointer || ae.FieldCode != w.fieldCode {
			t.Errorf("refused with %s %s %s, want %s %s %s", ae.Code, ae.Pointer, ae.FieldCode, w.code, w.pointer, w.fieldCode)
		}
		return
	case err != nil:
		t.Fatalf("err = %v, want an outcome", err)
	}
	if out.To != w.to || out.Final != w.final {
		t.Errorf("to %s (final %v), want %s (final %v)", out.To, out.Final, w.to, w.final)
	}
	switch {
	case w.step == nil && out.Step != nil:
		t.Errorf("step = %+v, want none", out.Step)
	case w.step != nil && (out.Step == nil || out.Step.Name != w.step.Name || out.Step.Level != w.step.Level || !slices.Equal(out.Step.Roles, w.step.Roles)):
		t.Errorf("step = %+v, want %+v", out.Step, w.step)
	}
	if !out.DueAt.Equal(w.dueAt) {
		t.Errorf("due at %v, want %v", out.DueAt.In(rules.Shanghai), w.dueAt.In(rules.Shanghai))
	}
	if !out.NextTimerAt.Equal(w.nextTimerAt) || out.TimerKind != w.timerKind {
		t.Errorf("next timer %v %q, want %v %q", out.NextTimerAt.In(rules.Shanghai), out.TimerKind, w.nextTimerAt.In(rules.Shanghai), w.timerKind)
	}
	if out.DueAt.Location() != time.UTC || out.NextTimerAt.Location() != time.UTC {
		t.Errorf("times must be UTC: due %v, timer %v", out.DueAt.Location(), out.NextTimerAt.Location())
	}
}

func TestApplySubsidyReview(t *testing.T) {
	w := mustLoad(t, "subsidy-review")
	now := cst(2026, 11, 20, 9, 30)
	threeDays := cst(2026, 11, 23, 9, 30)
	township := &Step{Name: "township_review", Roles: []string{"reviewer"}, Level: "township"}
	district := &Step{Name: "district_review", Roles: []string{"reviewer"}, Level: "district"}
	village := &Step{Name: "returned", Roles: []string{"field_worker"}, Level: "village"}
	reviewer := []string{"reviewer"}
	checked := map[string]any{"amount": 1500, "eligibilityChecked": true}

	tests := []struct {
		name string
		in   Input
		want want
	}{
		{"small amount skips the district",
			Input{State: "township_review", Action: "approve", ActorRoles: reviewer, Answers: map[string]any{"amount": 500}},
			want{to: "approved", final: true}},
		{"amount of 1000 goes to the district",
			Input{State: "township_review", Action: "approve", ActorRoles: reviewer, Answers: map[string]any{"amount": 1000}},
			want{to: "district_review", step: district, dueAt: threeDays, nextTimerAt: threeDays, timerKind: TimerRemind}},
		{"float amount above the limit goes to the district",
			Input{State: "township_review", Action: "approve", ActorRoles: reviewer, Answers: map[string]any{"amount": 2400.5}},
			want{to: "district_review", step: district, dueAt: threeDays, nextTimerAt: threeDays, timerKind: TimerRemind}},
		{"district approves",
			Input{State: "district_review", Action: "approve", ActorRoles: reviewer, Answers: checked},
			want{to: "approved", final: true}},
		{"return needs a reason",
			Input{State: "township_review", Action: "return", ActorRoles: reviewer},
			want{code: CodeInvalid, pointer: "/reason", fieldCode: "required"}},
		{"a blank reason is no reason",
			Input{State: "district_review", Action: "return", ActorRoles: reviewer, Reason: " \t\n"},
			want{code: CodeInvalid, pointer: "/reason", fieldCode: "required"}},
		{"return goes back to the village",
			Input{State: "township_review", Action: "return", ActorRoles: reviewer, Reason: "户籍证明缺页"},
			want{to: "returned", step: village, dueAt: cst(2026, 11, 25, 9, 30), nextTimerAt: cst(2026, 11, 25, 9, 30), timerKind: TimerRemind}},
		{"district returns to the village too",
			Input{State: "district_review", Action: "return", ActorRoles: reviewer, Reason: "金额与证明不符"},
			want{to: "returned", step: village, dueAt: cst(2026, 11, 25, 9, 30), nextTimerAt: cst(2026, 11, 25, 9, 30), timerKind: TimerRemind}},
		{"village resubmits to the township",
			Input{State: "returned", Action: "submit", ActorRoles: []string{"field_worker"}},
			want{to: "township_review", step: township, dueAt: threeDays, nextTimerAt: threeDays, timerKind: TimerRemind}},
		{"reject is guarded by the eligibility check",
			Input{State: "township_review", Action: "reject", ActorRoles: reviewer, Reason: "不符合条件", Answers: map[string]any{"amount": 800}},
			want{code: CodeInvalid, pointer: "/action", fieldCode: "guard_failed"}},
		{"reject needs a reason where the workflow says so",
			Input{State: "township_review", Action: "reject", ActorRoles: reviewer, Answers: checked},
			want{code: CodeInvalid, pointer: "/reason", fieldCode: "required"}},
		{"reject after the eligibility check",
			Input{State: "township_review", Action: "reject", ActorRoles: reviewer, Reason: "不符合条件", Answers: checked},
			want{to: "rejected", final: true}},
		{"action not declared on the state",
			Input{State: "township_review", Action: "submit", ActorRoles: reviewer},
			want{code: CodeInvalid, pointer: "/action", fieldCode: "not_allowed"}},
		{"task actions are the engine's",
			Input{State: "township_review", Action: "claim", ActorRoles: reviewer},
			want{code: CodeInvalid, pointer: "/action", fieldCode: "not_allowed"}},
		{"a field worker cannot approve",
			Input{State: "township_review", Action: "approve", ActorRoles: []string{"field_worker"}, Answers: checked},
			want{code: CodeForbidden, pointer: "/action", fieldCode: "not_candidate"}},
		{"a widened candidate may act",
			Input{State: "township_review", Action: "approve", ActorRoles: []string{"supervisor"}, CandidateRoles: []string{"reviewer", "supervisor"}, Answers: map[string]any{"amount": 10}},
			want{to: "approved", final: true}},
		{"the system needs no role",
			Input{State: "township_review", Action: "approve", System: true, Answers: map[string]any{"amount": 10}},
			want{to: "approved", final: true}},
		{"a final state takes no action",
			Input{State: "approved", Action: "approve", ActorRoles: reviewer},
			want{code: CodeInvalid, pointer: "/state", fieldCode: "final_state"}},
		{"a state from another version",
			Input{State: "draft", Action: "submit", ActorRoles: reviewer},
			want{code: CodeInvalid, pointer: "/state", fieldCode: "unknown_state"}},
		{"a reason over the limit",
			Input{State: "township_review", Action: "return", ActorRoles: reviewer, Reason: string(make([]rune, maxReasonLength+1))},
			want{code: CodeInvalid, pointer: "/reason", fieldCode: "too_long"}},
		{"a routing rule that cannot run on the answers",
			Input{State: "township_review", Action: "approve", ActorRoles: reviewer, Answers: map[string]any{"amount": "一千"}},
			want{runFailure: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.At = now
			out, err := w.Apply(in)
			checkOutcome(t, out, err, tt.want)
			if err == nil && (out.From != in.State || out.Action != in.Action) {
				t.Errorf("from %s by %s, want from %s by %s", out.From, out.Action, in.State, in.Action)
			}
		})
	}
}

func TestGuardMessage(t *testing.T) {
	w := mustLoad(t, "subsidy-review")
	_, err := w.Apply(Input{State: "township_review", Action: "reject", ActorRoles: []string{"reviewer"}, Reason: "x"})
	var ae *ActionError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *ActionError", err)
	}
	if got, want := ae.Text.In("zh"), "请先完成资格核查"; got != want {
		t.Errorf("guard message = %q, want %q", got, want)
	}
}

func TestNoRouteMatches(t *testing.T) {
	src := `
id: no-default
start: a
states:
  a:
    title: {zh: a, en: a}
    step: {role: reviewer, level: township}
    actions:
      approve:
        routes:
          - {when: "answers.amount < 1000", to: done}
  done: {title: {zh: 已办结, en: Done}, final: true}
`
	w, _ := Load("x.workflow.yaml", []byte(src))
	if w == nil {
		t.Fatal("did not load")
	}
	_, err := w.Apply(Input{State: "a", Action: "approve", ActorRoles: []string{"reviewer"}, Answers: map[string]any{"amount": 5000}})
	checkOutcome(t, Outcome{}, err, want{code: CodeInvalid, pointer: "/action", fieldCode: "no_route"})
}

func TestBeginDue(t *testing.T) {
	tests := []struct {
		name      string
		flow      string
		submitted time.Time
		want      want
	}{
		{"P3D from submission", "subsidy-review", cst(2026, 11, 20, 16, 45), want{
			to:    "township_review",
			step:  &Step{Name: "township_review", Roles: []string{"reviewer"}, Level: "township"},
			dueAt: cst(2026, 11, 23, 16, 45), nextTimerAt: cst(2026, 11, 23, 16, 45), timerKind: TimerRemind,
		}},
		// rules.quarterEnd is the instant the quarter ends in China
		// (1 January 00:00), so + days(15) is the end of 15 January.
		{"quarterEnd(submittedAt) + days(15)", "quarterly-report", cst(2026, 11, 20, 10, 0), want{
			to:    "township_review",
			step:  &Step{Name: "township_review", Roles: []string{"reviewer"}, Level: "township"},
			dueAt: cst(2027, 1, 16, 0, 0), nextTimerAt: cst(2027, 1, 16, 0, 0), timerKind: TimerRemind,
		}},
		{"quarter end on the quarter's last day", "quarterly-report", cst(2026, 3, 31, 23, 59), want{
			to:    "township_review",
			step:  &Step{Name: "township_review", Roles: []string{"reviewer"}, Level: "township"},
			dueAt: cst(2026, 4, 16, 0, 0), nextTimerAt: cst(2026, 4, 16, 0, 0), timerKind: TimerRemind,
		}},
		// 1 January 05:00 in China is still 31 December in UTC: the quarter
		// is China's.
		{"quarter boundary in China, not UTC", "quarterly-report", cst(2027, 1, 1, 5, 0), want{
			to:    "township_review",
			step:  &Step{Name: "township_review", Roles: []string{"reviewer"}, Level: "township"},
			dueAt: cst(2027, 4, 16, 0, 0), nextTimerAt: cst(2027, 4, 16, 0, 0), timerKind: TimerRemind,
		}},
		{"auto approve at the end of the spot-check window", "fertility-survey", cst(2026, 12, 6, 11, 0), want{
			to:    "spot_check",
			step:  &Step{Name: "spot_check", Roles: []string{"supervisor"}, Level: "city"},
			dueAt: cst(2026, 12, 13, 11, 0), nextTimerAt: cst(2026, 12, 13, 11, 0), timerKind: TimerAuto,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mustLoad(t, tt.flow)
			out, err := w.Begin(Input{SubmittedAt: tt.submitted, CreatedAt: tt.submitted, At: tt.submitted})
			checkOutcome(t, out, err, tt.want)
			if out.From != "" || out.Action != ActionSubmit {
				t.Errorf("from %q by %q, want from \"\" by submit", out.From, out.Action)
			}
		})
	}
}

func TestDueExpressionFromEnteredAt(t *testing.T) {
	w := mustLoad(t, "quarterly-report")
	at := cst(2026, 11, 21, 14, 0)
	out, err := w.Apply(Input{State: "township_review", Action: "return", Reason: "出生数与登记不符", ActorRoles: []string{"reviewer"},
		SubmittedAt: cst(2026, 11, 20, 10, 0), At: at})
	checkOutcome(t, out, err, want{
		to:    "correction",
		step:  &Step{Name: "correction", Roles: []string{"field_worker"}, Level: "village"},
		dueAt: cst(2026, 11, 24, 14, 0),
	})
}

func TestActionsFor(t *testing.T) {
	w := mustLoad(t, "subsidy-review")
	tests := []struct {
		name string
		in   Input
		want []string
	}{
		{"reviewer before the eligibility check", Input{State: "township_review", ActorRoles: []string{"reviewer"}}, []string{"approve", "return"}},
		{"reviewer after the eligibility check", Input{State: "township_review", ActorRoles: []string{"reviewer"}, Answers: map[string]any{"eligibilityChecked": true}}, []string{"approve", "return", "reject"}},
		{"not a candidate", Input{State: "township_review", ActorRoles: []string{"field_worker", "finance"}}, nil},
		{"field worker on a returned record", Input{State: "returned", ActorRoles: []string{"field_worker"}}, []string{"submit"}},
		{"final state", Input{State: "approved", ActorRoles: []string{"reviewer"}}, nil},
		{"unknown state", Input{State: "nowhere", ActorRoles: []string{"reviewer"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.ActionsFor(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("ActionsFor = %v, want %v", got, tt.want)
			}
		})
	}
}
