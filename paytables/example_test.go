package paytables_test

import (
	"fmt"
	"time"

	"canvass/paytables"
	"canvass/rules"
)

func Example() {
	src := []byte(`
id: survey-pay
title: {zh: 调查劳务补助, en: Survey pay}
effective_from: 2026-11-01
period: month
items:
  - key: household_surveyed
    on: record.accepted
    pays: creator
    role: field_worker
    amount: 5000
    withheld_on: qc.problem
  - key: survey_bonus
    on: qc.pass
    pays: creator
    role: field_worker
    amount: 5000
caps:
  - {role: field_worker, max: 300000}
`)
	pt, diags := paytables.Load("survey.paytable.yaml", src)
	for _, d := range diags {
		fmt.Println(d)
	}
	ev := paytables.Event{
		Kind: paytables.EventRecordAccepted, RecordID: "h1", CreatorID: "w1", CreatorRoles: []string{"field_worker"},
		At: time.Date(2026, 12, 8, 15, 0, 0, 0, rules.Shanghai),
	}
	lines, _ := pt.Lines(ev)
	for _, l := range lines {
		l = pt.ApplyCap(l, 298000) // what w1 was paid as a field worker in 2026-12
		fmt.Println(l.Key, l.Period, l.AmountFen, l.Rule)
	}

	ev.Kind = paytables.EventQCProblem
	lines, _ = pt.Lines(ev)
	for _, l := range lines {
		fmt.Println(l.Key, "reverses", l.ReversedKey())
	}

	_, diags = paytables.Load("bad.paytable.yaml", []byte("id: bad\ntitle: 坏\neffective_from: 2026-11-01\nperiod: month\nitems:\n  - {key: x, on: record.accepted, pays: creator, role: field_worker, amount: 0.5}\n"))
	fmt.Println(diags[0].Code, diags[0].Message)
	// Output:
	// h1/w1/household_surveyed 2026-12 2000 5000 fen per record; capped at 300000 fen per month
	// h1/w1/household_surveyed/withheld reverses h1/w1/household_surveyed
	// bad_amount amounts are integer fen: write 50 (0.5 yuan)
}
