package campaigns

import (
	"strings"
	"testing"
	"time"

	"canvass/rules"
)

const phased = `id: phased
title: {zh: 分阶段的清理}
forms: [verification, registration]
workflow: review
org_scope: "341299"
reference_time: 2027-01-01
opens: 2026-11-01
closes: 2027-01-31
phases:
  - key: prepare
    name: {zh: 调查准备, en: Preparation}
    from: 2026-11-01
    to: 2026-11-15
  - key: survey
    name: {zh: 入户核查摸底, en: Survey}
    from: 2026-11-16
    to: 2026-12-31
    forms: [verification]
    actions: [review, reconcile]
  - key: compare
    name: {zh: 比对录入, en: Compare and enter}
    from: 2027-01-05
    to: 2027-01-31
    forms: [registration]
    actions: [review, enter]
`

// chinaDay returns the instant of a China wall-clock time.
func chinaDay(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, rules.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPhaseOpen(t *testing.T) {
	c, diags := Load("phased.campaign.yaml", []byte(phased))
	if c == nil {
		t.Fatalf("load: %v", diags)
	}
	// The gap from 1 to 4 January is meant: one warning, nothing else.
	if len(diags) != 1 || diags[0].Code != rules.CodePhaseGap {
		t.Fatalf("findings %v, want one phase_gap", diags)
	}
	if got := len(c.Phases()); got != 3 {
		t.Fatalf("%d phases", got)
	}
	tests := []struct {
		at, what      string
		open          bool
		current, next string
	}{
		{"2026-11-01 00:00", "verification", false, "prepare", "survey"},
		{"2026-11-15 23:59", "verification", false, "prepare", "survey"},
		{"2026-11-16 00:00", "verification", true, "survey", ""},
		{"2026-12-31 23:59", PhaseReconcile, true, "survey", ""},
		{"2026-12-31 23:59", PhaseEnter, false, "survey", "compare"},
		{"2026-12-10 09:00", "registration", false, "survey", "compare"},
		{"2027-01-02 09:00", PhaseReview, false, "", "compare"},
		{"2027-01-05 00:00", PhaseReview, true, "compare", ""},
		{"2027-01-20 09:00", "verification", false, "compare", ""},
		{"2027-01-20 09:00", PhaseReconcile, false, "compare", ""},
		{"2027-02-01 00:00", PhaseReview, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.at+" "+tt.what, func(t *testing.T) {
			g := c.PhaseOpen(tt.what, chinaDay(t, tt.at))
			cur, next := "", ""
			if g.Current != nil {
				cur = g.Current.Key
			}
			if g.Next != nil {
				next = g.Next.Key
			}
			if g.Open != tt.open || cur != tt.current || next != tt.next {
				t.Errorf("open %v, current %q, next %q; want %v, %q, %q", g.Open, cur, next, tt.open, tt.current, tt.next)
			}
		})
	}
	p := c.Phases()[1]
	if p.FromDate() != "2026-11-16" || p.ToDate() != "2026-12-31" {
		t.Errorf("survey runs %s to %s", p.FromDate(), p.ToDate())
	}
}

// TestWithoutPhases: a campaign without phases opens everything, as before.
func TestWithoutPhases(t *testing.T) {
	src := phased[:strings.Index(phased, "phases:")]
	c, diags := Load("plain.campaign.yaml", []byte(src))
	if c == nil || len(diags) != 0 {
		t.Fatalf("load: %v", diags)
	}
	for _, what := range []string{"verification", PhaseReview, PhaseReconcile, PhaseEnter} {
		if g := c.PhaseOpen(what, chinaDay(t, "2026-11-02 09:00")); !g.Open || g.Current != nil {
			t.Errorf("%s: %+v", what, g)
		}
	}
	if _, ok := c.PhaseAt(chinaDay(t, "2026-11-02 09:00")); ok || c.Phases() != nil {
		t.Error("a campaign without phases has a phase")
	}
}

// TestPhaseFindingsInChinese: the phase findings name the phases by their
// labels, in Chinese and English.
func TestPhaseFindingsInChinese(t *testing.T) {
	src := strings.Replace(phased, "from: 2027-01-05", "from: 2026-12-20", 1)
	_, diags := Load("overlap.campaign.yaml", []byte(src))
	var overlap *rules.Diagnostic
	for i := range diags {
		if diags[i].Code == rules.CodePhaseOverlap {
			overlap = &diags[i]
		}
	}
	if overlap == nil {
		t.Fatalf("no overlap in %v", diags)
	}
	if got := overlap.Text("zh"); !strings.Contains(got, "「比对录入」从 2026-12-20 开始") || !strings.Contains(got, "「入户核查摸底」的结束日期 2026-12-31") {
		t.Errorf("zh: %s", got)
	}
	if got := overlap.Text("en"); !strings.Contains(got, "Phase Compare and enter starts on 2026-12-20") || !strings.Contains(got, "Survey, ends on 2026-12-31") {
		t.Errorf("en: %s", got)
	}
}

// A phase outside the campaign's dates names those dates, not the file's
// keys: a user never reads "closes".
func TestPhaseOutsideNamesTheDates(t *testing.T) {
	src := strings.Replace(strings.Replace(phased, "to: 2027-01-31", "to: 2027-02-05", 1), "from: 2026-11-01", "from: 2026-10-28", 1)
	_, diags := Load("outside.campaign.yaml", []byte(src))
	var zh, en []string
	for _, d := range diags {
		if d.Code == rules.CodePhaseOutside {
			zh, en = append(zh, d.Text("zh")), append(en, d.Text("en"))
		}
	}
	all := strings.Join(zh, "\n") + "\n" + strings.Join(en, "\n")
	for _, want := range []string{"早于工作项目的开始日期 2026-11-01", "晚于工作项目的截止日期 2027-01-31", "before the campaign opens on 2026-11-01", "after the campaign closes on 2027-01-31"} {
		if !strings.Contains(all, want) {
			t.Errorf("the findings lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "closes)") || strings.Contains(all, "opens)") {
		t.Errorf("a finding names a file key:\n%s", all)
	}
}
