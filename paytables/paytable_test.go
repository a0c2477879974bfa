package paytables

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"canvass/internal/linttest"
	"canvass/rules"
)

// mustLoad loads a testdata pay table that must lint clean.
func mustLoad(t testing.TB, file string) *PayTable {
	t.Helper()
	return linttest.MustLoad(t, "testdata/"+file, Load)
}

func china(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, rules.Shanghai)
}

// ledger does what the engine does with the lines of an event: it skips
// keys it already holds (retries pay once), resolves a withholding to the
// negation of the entry it reverses (nothing when there is none), and caps
// payments by what the payee was paid under the role in the period.
type ledger struct {
	pt      *PayTable
	entries map[string]Line
	order   []string
}

func newLedger(pt *PayTable) *ledger { return &ledger{pt: pt, entries: map[string]Line{}} }

func (l *ledger) post(t *testing.T, ev Event) {
	t.Helper()
	lines, err := l.pt.Lines(ev)
	if err != nil {
		t.Fatalf("Lines(%s %s): %v", ev.Kind, ev.RecordID, err)
	}
	for _, line := range lines {
		if _, done := l.entries[line.Key]; done {
			continue
		}
		if line.Reverses != "" {
			orig, paid := l.entries[line.ReversedKey()]
			if !paid {
				continue
			}
			line.AmountFen = -orig.AmountFen
		} else {
			line = l.pt.ApplyCap(line, l.paid(line.PayeeID, line.Role, line.Period))
		}
		l.entries[line.Key] = line
		l.order = append(l.order, line.Key)
	}
}

func (l *ledger) paid(payee, role, period string) int64 {
	var sum int64
	for _, e := range l.entries {
		if e.PayeeID == payee && e.Role == role && e.Period == period {
			sum += e.AmountFen
		}
	}
	return sum
}

// total sums the entries matching keep.
func (l *ledger) total(keep func(Line) bool) int64 {
	var sum int64
	for _, e := range l.entries {
		if keep(e) {
			sum += e.AmountFen
		}
	}
	return sum
}

func payee(id string) func(Line) bool    { return func(e Line) bool { return e.PayeeID == id } }
func forItem(key string) func(Line) bool { return func(e Line) bool { return e.Item == key } }

var (
	fieldWorker = []string{"field_worker"}
	reviewer    = []string{"reviewer"}
	supervisor  = []string{"supervisor"}
)

// TestVitalEventsQuarter pays a quarter of a village's vital events: 4
// births, 2 marriages and 1 death at 5 yuan collected + 3 entered each, and
// 3 eligibility checks at 5 + 5. The village worker collects, a township
// clerk enters.
func TestVitalEventsQuarter(t *testing.T) {
	pt := mustLoad(t, "vital-events.paytable.yaml")
	l := newLedger(pt)
	events := []struct {
		form, kind string
		n          int
	}{
		{"vital-event", "birth", 4},
		{"vital-event", "marriage", 2},
		{"vital-event", "death", 1},
		{"vital-event", "adoption", 1}, // not in the table: pays nothing
		{"eligibility-check", "", 3},
	}
	day := 0
	for _, e := range events {
		for i := range e.n {
			day++
			rec := fmt.Sprintf("%s-%s-%d", e.form, e.kind, i)
			base := Event{RecordID: rec, FormID: e.form, CreatorID: "village-worker", CreatorRoles: fieldWorker,
				Answers: map[string]any{"event_type": e.kind}, At: china(2027, 2, day, 10)}
			accepted := base
			accepted.Kind, accepted.ActorID, accepted.ActorRoles = EventRecordAccepted, "township-reviewer", reviewer
			entered := base
			entered.Kind, entered.ActorID, entered.ActorRoles = EventRecordEntered, "township-clerk", fieldWorker
			l.post(t, accepted)
			l.post(t, entered)
			l.post(t, entered) // a retry pays nothing more
		}
	}
	tests := []struct {
		name string
		keep func(Line) bool
		want int64
	}{
		{"village worker: 10 records collected × 5 yuan", payee("village-worker"), 5000},
		{"township clerk: 7 × 3 yuan + 3 × 5 yuan entered", payee("township-clerk"), 3600},
		{"reviewer: not in the table", payee("township-reviewer"), 0},
		{"births collected", forItem("birth_collected"), 2000},
		{"births entered", forItem("birth_entered"), 1200},
		{"marriages", func(e Line) bool { return strings.HasPrefix(e.Item, "marriage_") }, 1600},
		{"deaths", func(e Line) bool { return strings.HasPrefix(e.Item, "death_") }, 800},
		{"eligibility checks", func(e Line) bool { return strings.HasPrefix(e.Item, "eligibility_") }, 3000},
		{"all, 86 yuan", func(Line) bool { return true }, 8600},
		{"all in 2027-Q1", func(e Line) bool { return e.Period == "2027-Q1" }, 8600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.total(tt.keep); got != tt.want {
				t.Errorf("got %d fen, want %d", got, tt.want)
			}
		})
	}
	t.Run("an entry says why", func(t *testing.T) {
		got := l.entries["vital-event-birth-0/village-worker/birth_collected"]
		want := Line{
			Key: "vital-event-birth-0/village-worker/birth_collected", RecordID: "vital-event-birth-0", Item: "birth_collected",
			PayeeID: "village-worker", Role: "field_worker", Period: "2027-Q1", AmountFen: 500,
			Rule:   "500 fen per record when answers.event_type == 'birth'",
			Inputs: map[string]any{"event": "record.accepted", "count": 1, "answers.event_type": "birth"},
		}
		if !equalLine(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	})
}

func equalLine(a, b Line) bool {
	return a.Key == b.Key && a.RecordID == b.RecordID && a.Item == b.Item && a.PayeeID == b.PayeeID && a.Role == b.Role &&
		a.Period == b.Period && a.AmountFen == b.AmountFen && a.Rule == b.Rule && a.Reverses == b.Reverses &&
		maps.EqualFunc(a.Inputs, b.Inputs, func(x, y any) bool { return x == y })
}

// TestFertilitySurveySpotChecks pays 50 yuan per household surveyed and 50
// more when the spot check finds no problem; a problem withholds both.
func TestFertilitySurveySpotChecks(t *testing.T) {
	pt := mustLoad(t, "fertility-survey.paytable.yaml")
	ev := func(kind, rec string, day int, qc string) Event {
		return Event{Kind: kind, RecordID: rec, FormID: "fertility-household", CreatorID: "surveyor", CreatorRoles: fieldWorker,
			ActorID: "city-checker", ActorRoles: reviewer, QC: qc, At: china(2026, 12, day, 15)}
	}
	tests := []struct {
		name   string
		events []Event
		want   int64 // the surveyor's total
		lines  int   // ledger entries written
	}{
		{"accepted, not sampled", []Event{ev(EventRecordAccepted, "h1", 8, "")}, 5000, 1},
		{"spot check passes: 50 + 50 bonus", []Event{ev(EventRecordAccepted, "h1", 8, ""), ev(EventQCPass, "h1", 12, "")}, 10000, 2},
		{"spot check finds a problem: withheld, no bonus", []Event{ev(EventRecordAccepted, "h1", 8, ""), ev(EventQCProblem, "h1", 12, "")}, 0, 2},
		{"the city finds what the province passed: both withheld", []Event{
			ev(EventRecordAccepted, "h1", 8, ""), ev(EventQCPass, "h1", 12, ""), ev(EventQCProblem, "h1", 15, "pass"),
		}, 0, 4},
		{"a problem reported twice is withheld once", []Event{
			ev(EventRecordAccepted, "h1", 8, ""), ev(EventQCProblem, "h1", 12, ""), ev(EventQCProblem, "h1", 13, ""),
		}, 0, 2},
		{"a problem found before acceptance: never paid", []Event{
			ev(EventQCProblem, "h1", 7, ""), ev(EventRecordAccepted, "h1", 8, "problem"),
		}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLedger(pt)
			for _, e := range tt.events {
				l.post(t, e)
			}
			if got := l.total(payee("surveyor")); got != tt.want {
				t.Errorf("surveyor paid %d fen, want %d", got, tt.want)
			}
			if got := len(l.entries); got != tt.lines {
				t.Errorf("%d ledger entries, want %d: %v", got, tt.lines, l.order)
			}
		})
	}
	t.Run("the withholding line", func(t *testing.T) {
		lines, err := pt.Lines(ev(EventQCProblem, "h1", 12, ""))
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 2 {
			t.Fatalf("%d lines, want 2 withholdings: %+v", len(lines), lines)
		}
		want := Line{Key: "h1/surveyor/household_surveyed/withheld", RecordID: "h1", Item: "household_surveyed", PayeeID: "surveyor",
			Role: "field_worker", Period: "2026-12", Rule: "withheld: qc.problem", Inputs: map[string]any{"event": "qc.problem"},
			Reverses: "household_surveyed"}
		if !equalLine(lines[0], want) || lines[0].ReversedKey() != "h1/surveyor/household_surveyed" {
			t.Errorf("got %+v\nwant %+v", lines[0], want)
		}
	})
	t.Run("supervisor days", func(t *testing.T) {
		l := newLedger(pt)
		for day := 8; day <= 9; day++ {
			l.post(t, Event{Kind: EventAttendanceDay, RecordID: fmt.Sprintf("attendance-%d", day), ActorID: "supervisor-1",
				ActorRoles: supervisor, At: china(2026, 12, day, 18)})
		}
		l.post(t, Event{Kind: EventAttendanceDay, RecordID: "attendance-10", ActorID: "surveyor", ActorRoles: fieldWorker, At: china(2026, 12, 10, 18)})
		if got := l.total(payee("supervisor-1")); got != 10000 {
			t.Errorf("supervisor paid %d fen, want 10000", got)
		}
		if got := len(l.entries); got != 2 {
			t.Errorf("%d entries, want 2 (a field worker's attendance pays nothing)", got)
		}
		if e := l.entries["attendance-8/supervisor-1/supervisor_day"]; e.Rule != "fen(50) * count" || e.Inputs["count"] != 1 {
			t.Errorf("rule %q, inputs %v", e.Rule, e.Inputs)
		}
	})
}

// TestMigrantPerItem pays 0.5, 1 and 1.5 yuan per record collected,
// entered and passed.
func TestMigrantPerItem(t *testing.T) {
	pt := mustLoad(t, "migrant-cleanup.paytable.yaml")
	l := newLedger(pt)
	for i := range 3 {
		rec := fmt.Sprintf("m%d", i)
		base := Event{RecordID: rec, CreatorID: "collector", CreatorRoles: fieldWorker, At: china(2027, 3, 2+i, 9)}
		for _, step := range []struct {
			kind, actor string
			roles       []string
		}{
			{EventRecordSubmitted, "collector", fieldWorker},
			{EventRecordSubmitted, "collector", fieldWorker}, // resubmitted after a return: paid once
			{EventRecordEntered, "clerk", fieldWorker},
			{EventRecordApproved, "reviewer", reviewer},
			{EventRecordAccepted, "reviewer", reviewer},
		} {
			ev := base
			ev.Kind, ev.ActorID, ev.ActorRoles = step.kind, step.actor, step.roles
			l.post(t, ev)
		}
	}
	tests := []struct {
		name string
		keep func(Line) bool
		want int64
	}{
		{"collected, 0.5 yuan", forItem("collected"), 3 * 50},
		{"entered, 1 yuan", forItem("entered"), 3 * 100},
		{"passed review, 1.5 yuan", forItem("approved"), 3 * 150},
		{"collector", payee("collector"), 3 * 200},
		{"clerk", payee("clerk"), 3 * 100},
		{"March", func(e Line) bool { return e.Period == "2027-03" }, 900},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.total(tt.keep); got != tt.want {
				t.Errorf("got %d fen, want %d", got, tt.want)
			}
		})
	}
}

// TestCap caps a village worker at 3,000 yuan a quarter.
func TestCap(t *testing.T) {
	pt := mustLoad(t, "vital-events.paytable.yaml")
	line := Line{Key: "r/w/birth_collected", Item: "birth_collected", PayeeID: "w", Role: "field_worker", Period: "2027-Q1",
		AmountFen: 500, Rule: "500 fen per record", Inputs: map[string]any{"count": 1}}
	tests := []struct {
		name   string
		line   Line
		paid   int64
		amount int64
		capped bool
	}{
		{"room left", line, 100000, 500, false},
		{"exactly at the cap", line, 299500, 500, false},
		{"partly", line, 299800, 200, true},
		{"cap reached", line, 300000, 0, true},
		{"over the cap already", line, 300100, 0, true},
		{"no cap on the role", Line{Role: "reviewer", AmountFen: 500}, 1_000_000, 500, false},
		{"withholdings are not capped", Line{Role: "field_worker", Reverses: "birth_collected"}, 1_000_000, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pt.ApplyCap(tt.line, tt.paid)
			if got.AmountFen != tt.amount {
				t.Errorf("amount %d, want %d", got.AmountFen, tt.amount)
			}
			if capped := strings.Contains(got.Rule, "capped at 300000 fen per quarter"); capped != tt.capped {
				t.Errorf("rule %q, capped %v", got.Rule, tt.capped)
			}
			if tt.capped && (got.Inputs["cap_fen"] != int64(300000) || got.Inputs["paid_before_fen"] != tt.paid) {
				t.Errorf("inputs %v", got.Inputs)
			}
		})
	}
	if _, ok := line.Inputs["cap_fen"]; ok {
		t.Errorf("ApplyCap changed the caller's inputs")
	}
	t.Run("through the ledger", func(t *testing.T) {
		l := newLedger(pt)
		for i := range 601 {
			l.post(t, Event{Kind: EventRecordAccepted, RecordID: fmt.Sprintf("b%d", i), FormID: "vital-event", CreatorID: "w",
				CreatorRoles: fieldWorker, Answers: map[string]any{"event_type": "birth"}, At: china(2027, 1, 1+i%90, 9)})
		}
		l.post(t, Event{Kind: EventRecordAccepted, RecordID: "april", FormID: "vital-event", CreatorID: "w",
			CreatorRoles: fieldWorker, Answers: map[string]any{"event_type": "birth"}, At: china(2027, 4, 1, 0)})
		if got := l.total(func(e Line) bool { return e.Period == "2027-Q1" }); got != 300000 {
			t.Errorf("Q1 total %d, want the cap 300000", got)
		}
		if got := l.total(func(e Line) bool { return e.Period == "2027-Q2" }); got != 500 {
			t.Errorf("Q2 total %d, want 500: the cap starts again", got)
		}
		if got := len(l.entries); got != 602 {
			t.Errorf("%d entries, want 602: capped lines keep their key", got)
		}
	})
}

func TestLinesErrors(t *testing.T) {
	src := `id: errors
title: 错误
effective_from: 2027-01-01
period: month
items:
  - {key: by_size, on: record.accepted, pays: creator, role: field_worker, amount_expr: "fen(1) * answers.size"}
  - {key: checked, on: record.approved, pays: actor, role: reviewer, when: "answers.size > 2", amount: 100}
`
	pt, ds := Load("errors.paytable.yaml", []byte(src))
	if pt == nil {
		t.Fatalf("does not load:\n%s", linttest.Output(ds))
	}
	at := china(2027, 3, 1, 9)
	ok := Event{Kind: EventRecordAccepted, RecordID: "r", CreatorID: "w", CreatorRoles: fieldWorker, Answers: map[string]any{"size": 3}, At: at}
	tests := []struct {
		name string
		edit func(*Event)
		want string // "" for no error
		is   error
	}{
		{"fine", func(*Event) {}, "", nil},
		{"unknown kind", func(e *Event) { e.Kind = "record.deleted" }, `unknown event "record.deleted"`, nil},
		{"no record", func(e *Event) { e.RecordID = "" }, "needs a record and a time", nil},
		{"no time", func(e *Event) { e.At = time.Time{} }, "needs a record and a time", nil},
		{"before effective_from", func(e *Event) { e.At = china(2026, 12, 31, 23) }, "not in effect", ErrNotInEffect},
		{"no creator", func(e *Event) { e.CreatorID = "" }, "has no creator", nil},
		{"no actor", func(e *Event) { e.Kind = EventRecordApproved }, "has no actor", nil},
		{"negative count", func(e *Event) { e.Count = -1 }, "negative count", nil},
		{"negative amount", func(e *Event) { e.Answers = map[string]any{"size": -3} }, "cannot be negative", nil},
		{"rule fails", func(e *Event) { e.Answers = map[string]any{"size": "three"} }, "item by_size: amount_expr", nil},
		{"condition fails", func(e *Event) {
			e.Kind, e.ActorID, e.ActorRoles, e.Answers = EventRecordApproved, "r1", reviewer, map[string]any{"size": "three"}
		}, "item checked: when", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := ok
			tt.edit(&ev)
			_, err := pt.Lines(ev)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			case tt.is != nil && !errors.Is(err, tt.is):
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

func TestPeriod(t *testing.T) {
	monthly := mustLoad(t, "migrant-cleanup.paytable.yaml")
	quarterly := mustLoad(t, "vital-events.paytable.yaml")
	tests := []struct {
		name string
		pt   *PayTable
		at   time.Time
		want string
	}{
		{"month, China's day", monthly, time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), "2026-12"},
		{"month, still November", monthly, time.Date(2026, 11, 30, 15, 59, 59, 0, time.UTC), "2026-11"},
		{"quarter, last second of Q4", quarterly, time.Date(2026, 12, 31, 15, 59, 59, 0, time.UTC), "2026-Q4"},
		{"quarter, first second of Q1", quarterly, time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "2027-Q1"},
		{"quarter, Q3", quarterly, china(2027, 9, 30, 12), "2027-Q3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.pt.Period(tt.at); got != tt.want {
				t.Errorf("Period(%v) = %q, want %q", tt.at, got, tt.want)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	pt := mustLoad(t, "vital-events.paytable.yaml")
	c, hasCap := pt.CapFor("field_worker")
	tests := []struct {
		name      string
		got, want any
	}{
		{"id", pt.ID(), "vital-events-pay"},
		{"title", pt.Title("en"), "Vital events labour pay"},
		{"effective from", pt.EffectiveFrom(), time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)},
		{"period", pt.PeriodKind(), PeriodQuarter},
		{"items", strings.Join(pt.Items(), ","), "marriage_collected,marriage_entered,birth_collected,birth_entered,death_collected,death_entered,eligibility_checked,eligibility_entered"},
		{"item label", pt.ItemLabel("birth_entered", "zh"), "出生信息录入"},
		{"unknown item label", pt.ItemLabel("nope", "zh"), "nope"},
		{"cap", c, Cap{Role: "field_worker", Period: PeriodQuarter, MaxFen: 300000}},
		{"has cap", hasCap, true},
		{"caps", len(pt.Caps()), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}
