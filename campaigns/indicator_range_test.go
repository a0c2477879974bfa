package campaigns

import (
	"slices"
	"strings"
	"testing"

	"canvass/internal/linttest"
	"canvass/rules"
)

const rangeCampaign = `id: sex-ratio-2027
title: {zh: 出生人口性别比, en: Sex ratio at birth}
forms: [birth]
workflow: review
org_scope: "341299"
reference_time: 2027-01-01T00:00:00+08:00
indicators:
  - id: sex_ratio
    title: {zh: 出生人口性别比, en: Sex ratio at birth}
    numerator: count(answers.childSex == "male")
    denominator: count(answers.childSex == "female")
    factor: 100
`

// TestIndicatorRange: a normal range is two numbers, the lower first,
// and replaces a target and better.
func TestIndicatorRange(t *testing.T) {
	c, ds := Load("r.campaign.yaml", []byte(rangeCampaign+"    range: [103, 107.5]\n"))
	if c == nil || len(ds) != 0 {
		t.Fatalf("not loaded cleanly:\n%s", linttest.Output(ds))
	}
	ind, _ := c.Indicator("sex_ratio")
	if !ind.HasRange || ind.RangeLow != 103 || ind.RangeHigh != 107.5 || ind.HasTarget {
		t.Errorf("sex_ratio = %+v", ind)
	}
	tests := []struct {
		name, yaml string
		path       string
	}{
		{"one number", "    range: [103]\n", "indicators[0].range"},
		{"three numbers", "    range: [103, 105, 107]\n", "indicators[0].range"},
		{"low above high", "    range: [107, 103]\n", "indicators[0].range"},
		{"equal ends", "    range: [105, 105]\n", "indicators[0].range"},
		{"a negative end", "    range: [-1, 107]\n", "indicators[0].range[0]"},
		{"with a target", "    target: 105\n    range: [103, 107]\n", "indicators[0].target"},
		{"with better", "    better: lower\n    range: [103, 107]\n", "indicators[0].better"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := Load("r.campaign.yaml", []byte(rangeCampaign+tt.yaml))
			i := slices.IndexFunc(ds, func(d rules.Diagnostic) bool { return d.Code == rules.CodeBadRange })
			if i < 0 {
				t.Fatalf("no %s in:\n%s", rules.CodeBadRange, linttest.Output(ds))
			}
			if got := ds[i].Path; got != tt.path {
				t.Errorf("path %q, want %q", got, tt.path)
			}
			if msg := ds[i].Text("zh"); !strings.Contains(msg, "正常范围") {
				t.Errorf("message %q does not name the normal range", msg)
			}
		})
	}
	// A range that is not a list of numbers is a type error.
	_, ds = Load("r.campaign.yaml", []byte(rangeCampaign+"    range: [low, high]\n"))
	if !slices.ContainsFunc(ds, func(d rules.Diagnostic) bool { return d.Code == rules.CodeWrongType }) {
		t.Errorf("range of words:\n%s", linttest.Output(ds))
	}
}
