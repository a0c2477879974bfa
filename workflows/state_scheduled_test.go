package workflows_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"canvass/workflows"
)

const scheduledWorkflow = `id: checks
title: {zh: 查验}
start: review
states:
  review:
    title: {zh: 审核}
    step: {role: reviewer, level: village}
    actions:
      approve: registered
  registered: {title: {zh: 已登记}, final: true}
  check_due:
    title: {zh: 待查验}
    scheduled: %s
    step: {role: field_worker, level: village}
    due: P30D
    actions:
      submit: checked
  checked: {title: {zh: 已查验}, final: true}
`

func TestScheduledState(t *testing.T) {
	codes := func(src string) []string {
		_, ds := workflows.Load("checks.workflow.yaml", []byte(src))
		var out []string
		for _, d := range ds {
			out = append(out, d.Code+" "+d.Path)
		}
		return out
	}
	tests := []struct {
		name, src string
		want      []string
	}{
		{"scheduled: the states after it are reachable", fmt.Sprintf(scheduledWorkflow, "true"), nil},
		{"not scheduled: unreachable", fmt.Sprintf(scheduledWorkflow, "false"),
			[]string{"unreachable_state states.check_due", "unreachable_state states.checked"}},
		{"not a boolean", fmt.Sprintf(scheduledWorkflow, "yes please"),
			[]string{"unreachable_state states.check_due", "wrong_type states.check_due.scheduled", "unreachable_state states.checked"}},
		{"a final state cannot be scheduled", "id: f\ntitle: {zh: 完}\nstart: a\nstates:\n  a: {title: {zh: 甲}, final: true, scheduled: true}\n",
			[]string{"bad_value states.a.scheduled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(tt.src); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEnterScheduledState(t *testing.T) {
	wf, ds := workflows.Load("checks.workflow.yaml", []byte(fmt.Sprintf(scheduledWorkflow, "true")))
	if wf == nil || len(ds) > 0 {
		t.Fatalf("load: %v", ds)
	}
	if !wf.Scheduled("check_due") || wf.Scheduled("review") || wf.Scheduled("nope") {
		t.Errorf("Scheduled: check_due %v, review %v, nope %v", wf.Scheduled("check_due"), wf.Scheduled("review"), wf.Scheduled("nope"))
	}
	fire := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	out, err := wf.Enter("check_due", workflows.Input{At: fire})
	if err != nil {
		t.Fatal(err)
	}
	if out.To != "check_due" || out.Step == nil || out.Step.Name != "check_due" || !out.DueAt.Equal(fire.AddDate(0, 0, 30)) || out.Action != "" {
		t.Errorf("outcome %+v", out)
	}
	for _, st := range []string{"checked", "nope"} {
		if _, err := wf.Enter(st, workflows.Input{At: fire}); err == nil {
			t.Errorf("entered %s", st)
		}
	}
}
