package campaigns

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/internal/linttest"
	"canvass/rules"
)

// mustLoad loads a testdata campaign that must lint clean.
func mustLoad(t *testing.T, file string) *Campaign {
	t.Helper()
	return linttest.MustLoad(t, "testdata/"+file, Load)
}

func china(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, rules.Shanghai)
}

func TestCampaignAccessors(t *testing.T) {
	c := mustLoad(t, "census-trainers.campaign.yaml")
	qc, hasQC := c.QC()
	tests := []struct {
		name      string
		got, want any
	}{
		{"id", c.ID(), "census-trainers-2026"},
		{"title zh", c.Title("zh"), "人口普查培训报名"},
		{"title en", c.Title("en"), "Census trainer sign-up"},
		{"title fallback", c.Title("fr"), "人口普查培训报名"},
		{"forms", strings.Join(c.Forms(), ","), "trainer-signup,quarterly-report"},
		{"has form", c.HasForm("trainer-signup"), true},
		{"workflow", c.Workflow(), "signup-review"},
		{"pay table", c.PayTable(), "census-pay"},
		{"org scope", c.OrgScope(), "370102"},
		{"reference time", c.RefTime(), time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC)},
		{"opens", c.Opens(), time.Date(2026, 11, 19, 16, 0, 0, 0, time.UTC)},
		{"closes", c.Closes(), time.Date(2026, 12, 20, 16, 0, 0, 0, time.UTC)},
		{"period", c.Period(), PeriodMonth},
		{"period of", c.PeriodOf(china(2026, 12, 1, 0, 0, 0)), "2026-12"},
		{"has qc", hasQC, true},
		{"qc share", qc.Share(), 0.05},
		{"qc min", qc.Min, 1},
		{"qc period", qc.PeriodOf(china(2026, 11, 30, 23, 59, 59)), "2026-11"},
		{"schedule", len(c.Schedule()), 1},
		{"budget counts", c.Budget().Counts(), []Count{{Name: "signups", Form: "trainer-signup", States: []string{"accepted"}}}},
		{"budget inputs", c.Budget().Inputs(), map[string]int64{"planned": 200, "days": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case []Count:
		y := b.([]Count)
		return slices.EqualFunc(x, y, func(p, q Count) bool {
			return p.Name == q.Name && p.Form == q.Form && slices.Equal(p.States, q.States)
		})
	case map[string]int64:
		return maps.Equal(x, b.(map[string]int64))
	case time.Time:
		return x.Equal(b.(time.Time)) && x.Location() == time.UTC
	}
	return a == b
}

// TestCensusBudget reproduces the census-trainer work plan: 5 yuan of
// materials per planned place, two lunches of 10 yuan per sign-up, two
// bottles of water a day per place and a 100-yuan banner come to 5,700.00
// yuan with 190 sign-ups.
func TestCensusBudget(t *testing.T) {
	b := mustLoad(t, "census-trainers.campaign.yaml").Budget()
	lines, total, err := b.Compute(map[string]int64{"signups": 190})
	if err != nil {
		t.Fatal(err)
	}
	if total != 570000 {
		t.Errorf("total = %d fen, want 570000", total)
	}
	want := []BudgetLine{
		{Key: "materials", AmountFen: 100000, Rule: "fen(5) * planned", Inputs: map[string]int64{"planned": 200}},
		{Key: "lunch", AmountFen: 380000, Rule: "fen(10) * days * signups", Inputs: map[string]int64{"days": 2, "signups": 190}},
		{Key: "water", AmountFen: 80000, Rule: "fen(1) * planned * days * 2", Inputs: map[string]int64{"days": 2, "planned": 200}},
		{Key: "banner", AmountFen: 10000, Rule: "fen(100)", Inputs: map[string]int64{}},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	for i, w := range want {
		t.Run(w.Key, func(t *testing.T) {
			got := lines[i]
			if got.Key != w.Key || got.AmountFen != w.AmountFen || got.Rule != w.Rule || !maps.Equal(got.Inputs, w.Inputs) {
				t.Errorf("got %+v, want %+v", got, w)
			}
			if got.Label.In("zh") == "" || got.Label.In("en") == "" {
				t.Errorf("label %v lacks a language", got.Label)
			}
		})
	}
}

func TestBudgetCompute(t *testing.T) {
	src := `id: budget
title: 预算
forms: [sign-up]
workflow: review
org_scope: "370102"
reference_time: 2026-12-06
budget:
  inputs: {rooms: 2}
  counts:
    people: {form: sign-up}
  lines:
    - {key: rent, amount: 30000}
    - {key: refund, amount: "fen(10) * rooms - fen(1) * people"}
`
	c, ds := Load("budget.campaign.yaml", []byte(src))
	if c == nil {
		t.Fatalf("does not load:\n%s", linttest.Output(ds))
	}
	tests := []struct {
		name   string
		counts map[string]int64
		total  int64
		err    string
	}{
		{"fits", map[string]int64{"people": 20}, 30000, ""},
		{"extra counts are ignored", map[string]int64{"people": 0, "other": 5}, 32000, ""},
		{"missing count", map[string]int64{}, 0, "count people is missing"},
		{"negative count", map[string]int64{"people": -1}, 0, "count people is negative"},
		{"negative line", map[string]int64{"people": 21}, 0, "budget line refund: amount -100 fen is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, total, err := c.Budget().Compute(tt.counts)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want %q", err, tt.err)
			case total != tt.total:
				t.Errorf("total = %d, want %d", total, tt.total)
			}
		})
	}
}

func TestOpenAt(t *testing.T) {
	census := mustLoad(t, "census-trainers.campaign.yaml")
	vital := mustLoad(t, "vital-events.campaign.yaml")
	tests := []struct {
		name string
		c    *Campaign
		at   time.Time
		want bool
	}{
		{"before opens", census, china(2026, 11, 19, 23, 59, 59), false},
		{"opens 00:00", census, china(2026, 11, 20, 0, 0, 0), true},
		{"last second of closes", census, china(2026, 12, 20, 23, 59, 59), true},
		{"day after closes", census, china(2026, 12, 21, 0, 0, 0), false},
		{"no end", vital, china(2036, 1, 1, 0, 0, 0), true},
		{"before start", vital, china(2026, 12, 31, 23, 59, 59), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.OpenAt(tt.at); got != tt.want {
				t.Errorf("OpenAt(%v) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
	if !vital.Closes().IsZero() {
		t.Errorf("closes = %v, want zero", vital.Closes())
	}
}

func TestQCSampleSize(t *testing.T) {
	tests := []struct {
		name string
		qc   QC
		n    int
		want int
	}{
		{"none", QC{SharePPM: 50000, Min: 1}, 0, 0},
		{"min", QC{SharePPM: 50000, Min: 1}, 1, 1},
		{"0.95 rounds up", QC{SharePPM: 50000, Min: 1}, 19, 1},
		{"1.05 rounds up", QC{SharePPM: 50000, Min: 1}, 21, 2},
		{"5 % of 100 is exactly 5", QC{SharePPM: 50000, Min: 1}, 100, 5},
		{"190 sign-ups", QC{SharePPM: 50000, Min: 1}, 190, 10},
		{"min above n", QC{SharePPM: 50000, Min: 3}, 2, 2},
		{"everything", QC{SharePPM: 1_000_000}, 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.qc.SampleSize(tt.n); got != tt.want {
				t.Errorf("SampleSize(%d) = %d, want %d", tt.n, got, tt.want)
			}
		})
	}
}

func TestScheduleNext(t *testing.T) {
	vital := mustLoad(t, "vital-events.campaign.yaml")
	sched := vital.Schedule()
	if len(sched) != 2 {
		t.Fatalf("%d schedule entries, want 2", len(sched))
	}
	quarterly, monthly := sched[0], sched[1]
	if quarterly.Name != "quarterly-report" || quarterly.Form != "quarterly-report" || quarterly.Spec != "0 9 1 1,4,7,10 *" {
		t.Errorf("quarterly entry = %+v", quarterly)
	}
	tests := []struct {
		name  string
		entry ScheduleEntry
		after time.Time
		want  time.Time
	}{
		{"first of the quarter at 09:00 China", quarterly, china(2026, 12, 6, 0, 0, 0), china(2027, 1, 1, 9, 0, 0)},
		{"strictly after", quarterly, china(2027, 1, 1, 9, 0, 0), china(2027, 4, 1, 9, 0, 0)},
		{"UTC input, China clock: already 1 July there", quarterly, time.Date(2027, 6, 30, 23, 0, 0, 0, time.UTC), china(2027, 7, 1, 9, 0, 0)},
		{"monthly", monthly, china(2027, 1, 25, 7, 59, 0), china(2027, 1, 25, 8, 0, 0)},
		{"monthly, next month", monthly, china(2027, 1, 25, 8, 0, 0), china(2027, 2, 25, 8, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.entry.Next(tt.after)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Next(%v) = %v, want %v in UTC", tt.after, got, tt.want.UTC())
			}
		})
	}
}

// TestLoadFormsOfValues checks the other ways of writing values: a date
// as reference time, a plain-string title, a literal block amount.
func TestLoadFormsOfValues(t *testing.T) {
	c := mustLoad(t, "fertility-survey.campaign.yaml")
	if got, want := c.RefTime(), china(2026, 12, 6, 0, 0, 0); !got.Equal(want) {
		t.Errorf("reference time %v, want %v", got, want)
	}
	lines, total, err := c.Budget().Compute(map[string]int64{"surveyed": 300})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].AmountFen != 1_800_000 || lines[1].AmountFen != 1_500_000 || total != 3_300_000 {
		t.Errorf("lines %+v, total %d; want 1800000 + 1500000 = 3300000", lines, total)
	}
	if qc, _ := c.QC(); qc.Period != PeriodMonth {
		t.Errorf("qc period %q, want the campaign's (month)", qc.Period)
	}
	if got := mustLoad(t, "vital-events.campaign.yaml").PeriodOf(china(2027, 1, 1, 0, 0, 0)); got != "2027-Q1" {
		t.Errorf("period of 1 January = %q, want 2027-Q1", got)
	}
}
