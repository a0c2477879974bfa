package campaigns

import (
	"testing"
	"time"

	"canvass/internal/linttest"
	"canvass/rules"
)

const indicatorCampaign = `id: births-2027
title: {zh: 出生登记, en: Birth registration}
forms: [vital-event]
workflow: review
org_scope: "450312001"
reference_time: 2027-01-01T00:00:00+08:00
indicators:
  - id: birth_coverage
    title: {zh: 出生登记率, en: Birth registration coverage}
    numerator: count(form == "vital-event" && answers.event_type == "birth" && state == "accepted")
    denominator: official("births") - official("births_abroad")
    factor: 100
    target: 90
    period: year
  - id: children_per_household
    title: 户均子女
    numerator: sum("children", state == "accepted")
    denominator: count(state == "accepted")
    better: lower
`

func TestLoadIndicators(t *testing.T) {
	c, ds := Load("births.campaign.yaml", []byte(indicatorCampaign))
	if c == nil {
		t.Fatalf("not loaded:\n%s", linttest.Output(ds))
	}
	inds := c.Indicators()
	if len(inds) != 2 {
		t.Fatalf("%d indicators, want 2", len(inds))
	}
	cov, ok := c.Indicator("birth_coverage")
	if !ok || cov.Title.In("en") != "Birth registration coverage" || cov.Factor != 100 || cov.Target != 90 || !cov.HasTarget || !cov.HigherIsBetter || cov.Period != IndicatorYear {
		t.Errorf("birth_coverage = %+v", cov)
	}
	if len(cov.Numerator) != 1 || cov.Numerator[0].Func != rules.TermCount || len(cov.Denominator) != 2 ||
		cov.Denominator[0].Key != "births" || cov.Denominator[1].Sign != -1 || cov.Denominator[1].Key != "births_abroad" {
		t.Errorf("birth_coverage terms = %+v / %+v", cov.Numerator, cov.Denominator)
	}
	kids := inds[1]
	if kids.Factor != 1 || kids.HasTarget || kids.HigherIsBetter || kids.Period != "" || kids.Numerator[0].Field != "children" {
		t.Errorf("children_per_household = %+v", kids)
	}
	if n := len(kids.Terms()); n != 2 {
		t.Errorf("Terms() has %d, want 2", n)
	}
	if _, ok := c.Indicator("nope"); ok {
		t.Error("an unknown indicator was found")
	}

	at := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		term   rules.IndicatorTerm
		facts  IndicatorFacts
		match  bool
		amount float64
	}{
		{"accepted birth", cov.Numerator[0], IndicatorFacts{Form: "vital-event", State: "accepted", CreatedAt: at, Answers: map[string]any{"event_type": "birth"}}, true, 1},
		{"birth under review", cov.Numerator[0], IndicatorFacts{Form: "vital-event", State: "review", CreatedAt: at, Answers: map[string]any{"event_type": "birth"}}, false, 1},
		{"no answers", cov.Numerator[0], IndicatorFacts{Form: "vital-event", State: "accepted", CreatedAt: at}, false, 1},
		{"official matches no record", cov.Denominator[0], IndicatorFacts{Form: "vital-event", State: "accepted"}, false, 1},
		{"sum of a number", kids.Numerator[0], IndicatorFacts{State: "accepted", Answers: map[string]any{"children": 3.0}}, true, 3},
		{"sum of a text counts 0", kids.Numerator[0], IndicatorFacts{State: "accepted", Answers: map[string]any{"children": "three"}}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Matches(tt.term, tt.facts)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.match {
				t.Errorf("Matches = %v, want %v", got, tt.match)
			}
			if a := Amount(tt.term, tt.facts.Answers); a != tt.amount {
				t.Errorf("Amount = %g, want %g", a, tt.amount)
			}
		})
	}
}
