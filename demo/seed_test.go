package demo_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"canvass/app"
	"canvass/demo"
	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/engine/pay"
	"canvass/store/sqlite"
)

// seedClock is when the test seeds: a day on which every example campaign
// takes submissions, so the figures below do not depend on today's date.
var seedClock = time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)

// openEngine opens a SQLite file at path and an engine on it with a PII
// vault and the fixed clock.
func openEngine(t *testing.T, path string) (*app.App, app.Store) {
	t.Helper()
	return openEngineAt(t, path, seedClock)
}

// openEngineAt is openEngine with the clock stopped at now.
func openEngineAt(t *testing.T, path string, now time.Time) (*app.App, app.Store) {
	t.Helper()
	st, err := sqlite.Open(path, sqlite.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	eng := app.New(app.Config{Config: engine.Config{Store: st, Vault: vault, Now: func() time.Time { return now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	return eng, st
}

// snapshot is what seeding leaves in a store, counted.
type snapshot struct {
	users, units, definitions int
	records                   map[string]map[string]int64 // campaign → state → records
	ledger                    map[string][2]int64         // campaign → {entries, fen}
}

func takeSnapshot(t *testing.T, st app.Store, campaigns []string, states map[string][]string) snapshot {
	t.Helper()
	ctx := context.Background()
	users, err := st.ListUsers(ctx, engine.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	units, err := st.ListOrgUnits(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defs, err := st.ListDefinitions(ctx, engine.DefinitionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{users: len(users), units: len(units), definitions: len(defs), records: map[string]map[string]int64{}, ledger: map[string][2]int64{}}
	for _, c := range campaigns {
		s.records[c] = map[string]int64{}
		for _, state := range states[c] {
			n, err := st.CountRecords(ctx, engine.RecordFilter{CampaignID: c, States: []string{state}})
			if err != nil {
				t.Fatal(err)
			}
			s.records[c][state] = n
		}
		sums, err := st.SumLedger(ctx, pay.LedgerFilter{CampaignID: c}, []string{pay.LedgerByCampaign})
		if err != nil {
			t.Fatal(err)
		}
		for _, sum := range sums {
			s.ledger[c] = [2]int64{sum.Count, sum.AmountFen}
		}
	}
	return s
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	eng, st := openEngine(t, path)

	res, err := demo.Seed(ctx, eng, demo.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if !res.Seeded {
		t.Fatal("Seed on an empty store: Seeded is false")
	}

	// Every state of every campaign's workflow, and drafts, hold records;
	// the states a campaign's schedule opens tasks in too, as the demo
	// runs the schedule's latest firing.
	var ids []string
	states := map[string][]string{}
	for _, c := range res.Campaigns {
		ids = append(ids, c.ID)
		camp, err := eng.Campaign(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		wf, _, err := eng.Workflow(ctx, camp.Workflow(), 0)
		if err != nil {
			t.Fatal(err)
		}
		states[c.ID] = append(wf.States(), engine.StateDraft)
	}
	got := takeSnapshot(t, st, ids, states)
	for _, c := range ids {
		for _, state := range states[c] {
			if got.records[c][state] == 0 {
				t.Errorf("campaign %s: no record in state %s", c, state)
			}
		}
	}
	for _, c := range res.Campaigns {
		t.Logf("%s at %s: records %v, ledger %v, {spot checks, passed, problems, entered, days} %v", c.ID, c.SeededAt.Format(time.RFC3339),
			got.records[c.ID], got.ledger[c.ID], [5]int{c.SpotChecks, c.Passed, c.Problems, c.Entered, c.AttendanceDays})
	}

	t.Run("counts", func(t *testing.T) {
		if want := len(demo.Users()); got.users != want {
			t.Errorf("users: got %d, want %d", got.users, want)
		}
		if want := 1 + 1 + 1 + 3 + 12; got.units != want {
			t.Errorf("org units: got %d, want %d", got.units, want)
		}
		for _, tc := range wantCampaigns {
			t.Run(tc.id, func(t *testing.T) {
				i := slices.IndexFunc(res.Campaigns, func(c demo.CampaignResult) bool { return c.ID == tc.id })
				if i < 0 {
					t.Fatalf("campaign %s was not seeded", tc.id)
				}
				if !maps.Equal(got.records[tc.id], tc.records) {
					t.Errorf("records by state: got %v, want %v", got.records[tc.id], tc.records)
				}
				if got, want := got.ledger[tc.id], tc.ledger; got != want {
					t.Errorf("ledger {entries, fen}: got %v, want %v", got, want)
				}
				c := res.Campaigns[i]
				if g := [5]int{c.SpotChecks, c.Passed, c.Problems, c.Entered, c.AttendanceDays}; g != tc.extras {
					t.Errorf("{spot checks, passed, problems, entered, attendance days}: got %v, want %v", g, tc.extras)
				}
			})
		}
		if len(res.Campaigns) != len(wantCampaigns) {
			t.Errorf("campaigns seeded: got %d, want %d", len(res.Campaigns), len(wantCampaigns))
		}
	})

	t.Run("the vital-events indicators and report have data", func(t *testing.T) {
		if res.OfficialFigures != 48 {
			t.Errorf("official figures: got %d, want 48 (births, deaths, residents and the police register of 12 villages)", res.OfficialFigures)
		}
		admin, err := st.GetUserByUsername(ctx, "admin")
		if err != nil {
			t.Fatal(err)
		}
		a := &engine.Actor{User: admin}
		vs, err := eng.Indicators.IndicatorValues(ctx, a, "vital-events-2027", indicators.IndicatorQuery{OrgUnit: "341299", Period: "2026", Granularity: indicators.GranularityYear, Children: true})
		if err != nil {
			t.Fatal(err)
		}
		accepted := func(form, key, value string) float64 {
			page, err := st.ListRecords(ctx, engine.RecordFilter{CampaignID: "vital-events-2027", FormID: form, States: []string{"accepted"}}, engine.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			n := 0.0
			for _, r := range page.Records {
				if value == "" || r.Answers[key] == value {
					n++
				}
			}
			return n
		}
		// The district's numerator is every registered event, its
		// denominator the sum of its villages' figures; some townships
		// meet the target and some do not, so the demo shows both colours.
		want := map[string]float64{"birth_coverage": accepted("vital-event", "eventType", "birth"), "death_coverage": accepted("vital-event", "eventType", "death"),
			"resident_coverage": accepted("resident-check", "residentType", "usual"), "id_accuracy": accepted("resident-check", "", "")}
		met := map[bool]int{}
		for _, v := range vs {
			if v.OrgUnit != "341299" {
				met[v.Met]++
				continue
			}
			if v.Numerator != want[v.ID] || v.Denominator < v.Numerator || v.NoData {
				t.Errorf("%s: %g / %g (no data %v), want %g over a figure at least as large", v.ID, v.Numerator, v.Denominator, v.NoData, want[v.ID])
			}
			delete(want, v.ID)
		}
		if len(want) > 0 {
			t.Errorf("indicators missing: %v", want)
		}
		if met[true] == 0 || met[false] == 0 {
			t.Errorf("townships meeting / missing the target: %v, want some of each", met)
		}
		st, err := eng.Indicators.ReportStatus(ctx, a, "vital-events-2027", "quarterly", "341299", "2026-Q4")
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(st.Rows, func(r indicators.ReportRow) bool { return r.OrgUnit == "341299" && r.Period == "2026-Q4" })
		if i < 0 {
			t.Fatalf("no district row for 2026-Q4: %+v", st.Rows)
		}
		if row := st.Rows[i]; row.Expected != 12 || row.Submitted == 0 {
			t.Errorf("district 2026-Q4 report: %+v, want 12 expected and some filed", row.ReportTally)
		}
	})

	t.Run("a corrected record shows what changed", func(t *testing.T) {
		for _, tc := range []struct {
			campaign, state string
			pointers        []string
		}{
			{"fertility-survey-2026", "township_check", []string{"/family/householdSize", "/family/note"}},
			{"subsidy-review-2027", "township_check", []string{"/documents", "/villageOpinion"}},
		} {
			page, err := st.ListRecords(ctx, engine.RecordFilter{CampaignID: tc.campaign, States: []string{tc.state}}, engine.Page{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range page.Records {
				if n := len(r.History); n == 3 && r.History[1].Action == "return" && r.History[2].Action == "submit" {
					for _, c := range r.History[2].Changes {
						got = append(got, c.Pointer)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.pointers) {
				t.Errorf("%s: changed fields of the resubmitted record: got %v, want %v", tc.campaign, got, tc.pointers)
			}
		}
	})

	t.Run("personal data is sealed at rest", func(t *testing.T) {
		page, err := st.ListRecords(ctx, engine.RecordFilter{CampaignID: "fertility-survey-2026"}, engine.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Records) == 0 {
			t.Fatal("no fertility records")
		}
		for _, r := range page.Records {
			personal, _ := r.Answers["personal"].(map[string]any)
			for _, key := range []string{"respondentName", "respondentId", "mobile"} {
				if v, _ := personal[key].(string); !engine.IsEncrypted(v) {
					t.Errorf("record %s: %s is stored as %q, not sealed", r.ID, key, v)
				}
			}
		}
	})

	t.Run("the schedule's check tasks wait for the village workers", func(t *testing.T) {
		const camp = "immunization-check-2027"
		firing := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC) // 08:00 on 1 October in China
		// Each demo field worker registered one child before the firing;
		// 陈小雨 (worker) has her check among her tasks, past due.
		for _, username := range []string{"worker", "worker2"} {
			u, err := st.GetUserByUsername(ctx, username)
			if err != nil {
				t.Fatal(err)
			}
			views, _, _, err := eng.Inbox(ctx, &engine.Actor{User: u}, engine.RecordFilter{CampaignID: camp, FormID: "immunization-check", States: []string{"check_due"}}, engine.Page{Limit: 50}, false)
			if err != nil {
				t.Fatal(err)
			}
			if len(views) != 1 {
				t.Fatalf("%s has %d check tasks, want 1", username, len(views))
			}
			r := views[0].Record
			if r.State != "check_due" || r.CreatedBy != engine.SystemActor || !r.CreatedAt.Equal(firing) || !r.DueAt.Equal(firing.AddDate(0, 0, 30)) || r.Answers["childRecord"] == nil {
				t.Errorf("%s's task: state %s by %s at %s, due %s, answers %v; want check_due from the schedule at %s, due 30 days later, naming the child",
					username, r.State, r.CreatedBy, r.CreatedAt, r.DueAt, r.Answers, firing)
			}
		}
		overdue, err := st.CountRecords(ctx, engine.RecordFilter{CampaignID: camp, States: []string{"check_due"}, DueBefore: seedClock})
		if err != nil {
			t.Fatal(err)
		}
		if overdue != 2 {
			t.Errorf("overdue checks on the dashboard: %d, want 2", overdue)
		}
		// The firing is done: the server's runner opens nothing twice.
		if n, err := eng.Followups.RunFiring(ctx, camp, "quarterly-check", firing, "serve"); err != nil || n != 0 {
			t.Errorf("running the seeded firing again opened %d tasks (%v), want none", n, err)
		}
	})

	t.Run("again changes nothing", func(t *testing.T) {
		again, err := demo.Seed(ctx, eng, demo.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatalf("second Seed: %v", err)
		}
		if again.Seeded || len(again.Campaigns) != 0 {
			t.Errorf("second Seed: got Seeded=%v with %d campaigns, want false and none", again.Seeded, len(again.Campaigns))
		}
		after := takeSnapshot(t, st, ids, states)
		if after.users != got.users || after.units != got.units || after.definitions != got.definitions {
			t.Errorf("directory changed: got %d users, %d units, %d definitions; had %d, %d, %d",
				after.users, after.units, after.definitions, got.users, got.units, got.definitions)
		}
		for _, c := range ids {
			if !maps.Equal(after.records[c], got.records[c]) || after.ledger[c] != got.ledger[c] {
				t.Errorf("campaign %s changed: records %v ledger %v, had %v %v", c, after.records[c], after.ledger[c], got.records[c], got.ledger[c])
			}
		}
	})
}

// wantCampaigns are the exact figures seeding leaves, per campaign.
var wantCampaigns = []struct {
	id      string
	records map[string]int64
	ledger  [2]int64 // entries, fen
	extras  [5]int   // spot checks, passed, problems, entered, attendance days
}{
	{
		// 2 in each open state (and one returned and resubmitted
		// corrected), 3 accepted, 2 rejected, 1 draft. Pay: 3
		// households × 50 yuan, one passed check +50, one problem
		// withholds its 50, three supervisor days × 50.
		id:      "fertility-survey-2026",
		records: map[string]int64{"township_check": 3, "correction": 2, "accepted": 3, "rejected": 2, "draft": 1},
		ledger:  [2]int64{3 + 1 + 1 + 3, 3*5000 + 5000 - 5000 + 3*5000},
		extras:  [5]int{3, 1, 1, 0, 3},
	},
	{
		// Pay: 0.5 yuan for each of the 9 submitted, 1.5 for each of the
		// 3 verified. In the door-to-door phase nothing is entered into
		// the provincial system yet: its phase opens on 1 January.
		id:      "migrant-cleanup-2027",
		records: map[string]int64{"township_check": 2, "recheck": 2, "verified": 3, "rejected": 2, "draft": 1},
		ledger:  [2]int64{9 + 3, 9*50 + 3*150},
		extras:  [5]int{0, 0, 0, 0, 0},
	},
	{
		// Township then district: 2 waiting at each level, and one
		// resubmitted corrected. Pay: 5 yuan collected and 5 entered for
		// each of the 3 approved.
		id:      "subsidy-review-2027",
		records: map[string]int64{"township_check": 3, "district_approval": 2, "correction": 2, "approved": 3, "rejected": 2, "draft": 1},
		ledger:  [2]int64{3 + 3, 3*500 + 3*500},
		extras:  [5]int{0, 0, 0, 3, 0},
	},
	{
		// The lecturer's three days on site, 100 yuan each.
		id:      "census-training-2026",
		records: map[string]int64{"office_check": 2, "correction": 2, "confirmed": 3, "rejected": 2, "draft": 1},
		ledger:  [2]int64{3, 3 * 10000},
		extras:  [5]int{0, 0, 0, 0, 3},
	},
	{
		// Four forms, each in every state. Pay: 5 yuan collected for
		// each of the 6 accepted events and checks, 3 entered for each of
		// the 3 vital events, 5 entered for each of the 3 eligibility
		// checks; the quarterly reports and the resident checks pay
		// nothing.
		id:      "vital-events-2027",
		records: map[string]int64{"township_check": 8, "correction": 8, "accepted": 12, "rejected": 8, "draft": 4},
		ledger:  [2]int64{6 + 3 + 3, 6*500 + 3*300 + 3*500},
		extras:  [5]int{0, 0, 0, 6, 0},
	},
	{
		// Two forms, each in every state; no pay table, so no pay.
		id:      "birth-sex-ratio-2027",
		records: map[string]int64{"township_check": 4, "correction": 4, "accepted": 6, "rejected": 4, "draft": 2},
	},
	{
		// Two forms, each in every state a submission reaches, and three
		// children registered on 1 October before the schedule's first
		// firing (08:00 that day), which opened a check for each: one
		// filed, two past due. No pay table, so no pay.
		id:      "immunization-check-2027",
		records: map[string]int64{"clinic_review": 4, "revisit": 4, "registered": 6 + 3, "void": 6, "draft": 2, "check_due": 2, "checked": 1},
	},
	{
		// Checked by the village's own station. Pay: 0.5 yuan for each
		// of the 9 submitted, 1.5 for each of the 3 approved, 1 for each
		// of those 3 entered.
		id:      "migrant-grid-2027",
		records: map[string]int64{"station_check": 2, "revisit": 2, "registered": 3, "rejected": 2, "draft": 1},
		ledger:  [2]int64{9 + 3 + 3, 9*50 + 3*150 + 3*100},
		extras:  [5]int{0, 0, 0, 3, 0},
	},
}

// TestSeedDatesRecordsInsideCampaigns: on a day when the campaigns do not
// take submissions (after the fertility survey and the trainer sign-up
// closed), Seed still fills every state, with records dated on a day
// when each campaign was open.
func TestSeedDatesRecordsInsideCampaigns(t *testing.T) {
	ctx := context.Background()
	later := time.Date(2027, 6, 15, 3, 0, 0, 0, time.UTC)
	eng, st := openEngineAt(t, filepath.Join(t.TempDir(), "demo.db"), later)
	res, err := demo.Seed(ctx, eng, demo.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("Seed on %s: %v", later.Format(time.DateOnly), err)
	}
	for _, c := range res.Campaigns {
		t.Run(c.ID, func(t *testing.T) {
			camp, err := eng.Campaign(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !camp.OpenAt(c.SeededAt) {
				t.Errorf("seeded at %s, when the campaign (%s to %s) was not open", c.SeededAt, camp.Opens(), camp.Closes())
			}
			if camp.OpenAt(later) != c.SeededAt.Equal(later) {
				t.Errorf("seeded at %s; open on %s: %v", c.SeededAt, later, camp.OpenAt(later))
			}
			wf, _, err := eng.Workflow(ctx, camp.Workflow(), 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, state := range append(wf.States(), engine.StateDraft) {
				n, err := st.CountRecords(ctx, engine.RecordFilter{CampaignID: c.ID, States: []string{state}})
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 || int(n) != c.Records[state] {
					t.Errorf("state %s: %d records stored, %d reported; want the same, at least 1", state, n, c.Records[state])
				}
			}
		})
	}
	if len(res.Campaigns) != len(wantCampaigns) {
		t.Errorf("campaigns seeded: got %d, want %d", len(res.Campaigns), len(wantCampaigns))
	}
}
