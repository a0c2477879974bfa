package campaigns

import (
	"slices"
	"testing"
	"time"

	"canvass/internal/linttest"
	"canvass/rules"
)

const reportsCampaign = `id: vital-reports
title: {zh: 季度报表, en: Quarterly reports}
forms: [quarterly-report, monthly-update]
workflow: village-township-review
org_scope: "450312001"
reference_time: 2027-01-01
reports:
  - id: quarterly
    title: {zh: 季度报表, en: Quarterly report}
    form: quarterly-report
    level: village
    period: quarter
    due: quarterEnd(periodStart) + days(15)
    remind: {before: [3, 1], after: [1, 7]}
  - {id: quarterly-days, form: quarterly-report, level: village, period: quarter, due: 15, period_field: period}
  - {id: monthly, form: monthly-update, level: township, period: month, due: "periodEnd + days(5)", roles: [supervisor]}
  - {id: yearly, form: monthly-update, level: township, period: year, due: 31}
`

func TestReportLoad(t *testing.T) {
	c, ds := Load("reports.campaign.yaml", []byte(reportsCampaign))
	if c == nil || len(ds) > 0 {
		t.Fatalf("findings:\n%s", linttest.Output(ds))
	}
	if got := len(c.Reports()); got != 4 {
		t.Fatalf("reports = %d, want 4", got)
	}
	q, ok := c.Report("quarterly")
	if !ok || q.Form != "quarterly-report" || q.Level != "village" || q.Period != ReportQuarter || q.Title.In("en") != "Quarterly report" {
		t.Errorf("quarterly = %+v", q)
	}
	if !slices.Equal(q.RemindBefore, []int{3, 1}) || !slices.Equal(q.RemindAfter, []int{1, 7}) {
		t.Errorf("reminders = %v / %v", q.RemindBefore, q.RemindAfter)
	}
	if _, ok := c.Report("nope"); ok {
		t.Error("an unknown report was found")
	}
	if m, _ := c.Report("monthly"); !slices.Equal(m.Roles, []string{"supervisor"}) {
		t.Errorf("roles = %v", m.Roles)
	}
}

func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, rules.Shanghai).UTC()
}

func TestReportDueAt(t *testing.T) {
	c, ds := Load("reports.campaign.yaml", []byte(reportsCampaign))
	if c == nil {
		t.Fatalf("findings:\n%s", linttest.Output(ds))
	}
	tests := []struct {
		name, report string
		at           time.Time // any instant inside the period
		wantKey      string
		wantDue      time.Time
	}{
		{"Q4 by expression: end of 15 January", "quarterly", cst(2026, 11, 20, 9, 0), "2026-Q4", cst(2027, 1, 16, 0, 0)},
		{"Q4 by days: the same instant", "quarterly-days", cst(2026, 12, 31, 23, 59), "2026-Q4", cst(2027, 1, 16, 0, 0)},
		{"Q1: end of 15 April", "quarterly", cst(2027, 1, 1, 0, 0), "2027-Q1", cst(2027, 4, 16, 0, 0)},
		{"Q2 first instant in China", "quarterly-days", cst(2027, 4, 1, 0, 0), "2027-Q2", cst(2027, 7, 16, 0, 0)},
		{"Q3: end of 15 October", "quarterly", cst(2027, 9, 30, 23, 59), "2027-Q3", cst(2027, 10, 16, 0, 0)},
		{"February month", "monthly", cst(2027, 2, 14, 12, 0), "2027-02", cst(2027, 3, 6, 0, 0)},
		{"year", "yearly", cst(2027, 6, 1, 0, 0), "2027", cst(2028, 2, 1, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := c.Report(tt.report)
			start := r.PeriodStart(tt.at)
			if got := r.PeriodKey(start); got != tt.wantKey {
				t.Errorf("period = %s, want %s", got, tt.wantKey)
			}
			if back, ok := r.ParsePeriod(tt.wantKey); !ok || !back.Equal(start) {
				t.Errorf("ParsePeriod(%s) = %v, %v; want %v", tt.wantKey, back, ok, start)
			}
			due, err := r.DueAt(start, c.RefTime())
			if err != nil || !due.Equal(tt.wantDue) {
				t.Errorf("due = %v, %v; want %v", due, err, tt.wantDue)
			}
		})
	}
}

func TestReportParsePeriodRejects(t *testing.T) {
	c, _ := Load("reports.campaign.yaml", []byte(reportsCampaign))
	q, _ := c.Report("quarterly")
	m, _ := c.Report("monthly")
	y, _ := c.Report("yearly")
	for _, tt := range []struct {
		r   Report
		key string
	}{{q, "2026-Q5"}, {q, "2026-Q0"}, {q, "2026-11"}, {q, "26-Q1"}, {q, "2026-Q1x"}, {m, "2026-13"}, {m, "2026-1"}, {m, "2026-Q1"}, {y, "1999"}, {y, "20260"}, {y, "abcd"}} {
		if _, ok := tt.r.ParsePeriod(tt.key); ok {
			t.Errorf("%s period %q parsed", tt.r.Period, tt.key)
		}
	}
}

func TestReportReminders(t *testing.T) {
	c, _ := Load("reports.campaign.yaml", []byte(reportsCampaign))
	q, _ := c.Report("quarterly")
	due := cst(2027, 1, 16, 0, 0)
	got := q.Reminders(due)
	want := []time.Time{cst(2027, 1, 13, 0, 0), cst(2027, 1, 15, 0, 0), cst(2027, 1, 17, 0, 0), cst(2027, 1, 23, 0, 0)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("reminders = %v, want %v", got, want)
	}
}
