package workflows

import (
	"slices"
	"testing"
)

func TestAcceptedStates(t *testing.T) {
	src := `id: signup
title: {zh: 报名确认}
start: check
states:
  check:
    title: {zh: 街道确认}
    step: {role: reviewer, level: township}
    actions:
      approve:
        routes:
          - {when: "answers.age > 60", to: senior}
          - {to: confirmed}
      return: {to: fix}
      reject: {to: refused}
  fix:
    title: {zh: 退回补正}
    step: {role: field_worker, level: village}
    actions:
      submit: check
  confirmed: {title: {zh: 已确认}, final: true}
  senior: {title: {zh: 已确认（年长）}, final: true}
  refused: {title: {zh: 不予报名}, final: true}
`
	w, ds := Load("signup.workflow.yaml", []byte(src))
	if w == nil {
		t.Fatal(ds)
	}
	if got, want := w.AcceptedStates(), []string{"confirmed", "senior"}; !slices.Equal(got, want) {
		t.Errorf("accepted states: got %v, want %v", got, want)
	}
}
