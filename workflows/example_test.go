package workflows_test

import (
	"errors"
	"fmt"
	"time"

	"canvass/workflows"
)

func Example() {
	src := []byte(`
id: sign-up
title: {zh: 普查员报名, en: Census trainer sign-up}
start: township_review
states:
  township_review:
    title: {zh: 乡镇审核, en: Township review}
    step: {role: reviewer, level: township}
    due: P2D
    remind: {every: P1D, times: 1}
    escalate: {to: level_above}
    actions:
      approve: accepted
      return: {to: correction}
  correction:
    title: {zh: 退回补正, en: Returned for correction}
    step: {role: field_worker, level: village}
    actions:
      submit: township_review
  accepted: {title: {zh: 已通过, en: Accepted}, final: true}
`)
	w, diags := workflows.Load("sign-up.workflow.yaml", src)
	for _, d := range diags {
		fmt.Println(d)
	}
	at := time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC) // 09:00 in China

	out, _ := w.Begin(workflows.Input{At: at, SubmittedAt: at})
	fmt.Println(out.To, out.Step.Roles, out.Step.Level, out.DueAt, out.TimerKind)

	_, err := w.Apply(workflows.Input{State: out.To, Action: "return", ActorRoles: []string{"reviewer"}, At: at})
	var refused *workflows.ActionError
	if errors.As(err, &refused) {
		fmt.Println(refused.Code, refused.Pointer, refused.FieldCode)
	}

	timer := w.OnTimer(workflows.TimerInput{State: out.To, Kind: out.TimerKind, FiredAt: out.NextTimerAt, DueAt: out.DueAt})
	fmt.Println(timer.Remind, timer.TimerKind, timer.NextTimerAt)
	timer = w.OnTimer(workflows.TimerInput{State: out.To, Kind: timer.TimerKind, FiredAt: timer.NextTimerAt, DueAt: out.DueAt, RemindersSent: 1})
	fmt.Println(timer.Escalate.Roles, timer.Escalate.Level)
	// Output:
	// township_review [reviewer] township 2026-11-22 01:00:00 +0000 UTC remind
	// invalid /reason required
	// true escalate 2026-11-23 01:00:00 +0000 UTC
	// [reviewer] district
}
