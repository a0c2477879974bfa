package storetest

import (
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// Schedule runs: "ClaimScheduleRun leases the firing … creates the run
// when there is none, or takes it over when it is not done and its lease
// has expired … A run that is done is never claimed again; two claimers
// never hold the same run at once"; FinishScheduleRun "Returns ENOTFOUND
// when there is no such run, ECONFLICT when another owner holds it or it
// is done"; ListScheduleRuns "newest firing first".
func scheduleRunScenarios() []scenario {
	fire := time.Date(2027, 3, 31, 16, 0, 0, 0, time.UTC) // 1 April 00:00 in China
	now := fire.Add(time.Minute)
	claim := func(t *testing.T, s app.Store, owner string, at time.Time) bool {
		t.Helper()
		ok, err := s.ClaimScheduleRun(t.Context(), "camp-1", "check", fire, owner, at, time.Minute)
		must(t, err, "ClaimScheduleRun "+owner)
		return ok
	}
	return []scenario{
		{"first_claim_wins_until_the_lease_expires", func(t *testing.T, s app.Store) {
			if !claim(t, s, "p1", now) {
				t.Fatal("p1 did not get a new run")
			}
			if claim(t, s, "p2", now.Add(30*time.Second)) {
				t.Error("p2 took a run whose lease still runs")
			}
			if !claim(t, s, "p2", now.Add(time.Minute)) {
				t.Error("p2 did not take over an expired lease")
			}
			wantCode(t, s.FinishScheduleRun(t.Context(), "camp-1", "check", fire, "p1", 3, now), engine.ECONFLICT, "finish by the old owner")
			must(t, s.FinishScheduleRun(t.Context(), "camp-1", "check", fire, "p2", 3, now.Add(time.Minute)), "finish by p2")
			if claim(t, s, "p3", now.Add(time.Hour)) {
				t.Error("a done run was claimed again")
			}
			runs, err := s.ListScheduleRuns(t.Context(), "camp-1")
			must(t, err, "ListScheduleRuns")
			if len(runs) != 1 {
				t.Fatalf("runs = %+v, want one", runs)
			}
			r := runs[0]
			if r.Entry != "check" || !r.FireAt.Equal(fire) || r.LeaseOwner != "p2" || r.Created != 3 || !r.DoneAt.Equal(now.Add(time.Minute)) {
				t.Errorf("run = %+v", r)
			}
		}},
		{"one_of_many_concurrent_claimers_wins", func(t *testing.T, s app.Store) {
			var wg sync.WaitGroup
			wins := make(chan string, 8)
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					owner := string(rune('a' + i))
					ok, err := s.ClaimScheduleRun(t.Context(), "camp-1", "check", fire, owner, now, time.Minute)
					if err != nil {
						t.Errorf("claim %s: %v", owner, err)
					}
					if ok {
						wins <- owner
					}
				}()
			}
			wg.Wait()
			close(wins)
			if n := len(wins); n != 1 {
				t.Errorf("%d claimers won, want 1", n)
			}
		}},
		{"runs_are_kept_apart_and_listed_newest_first", func(t *testing.T, s app.Store) {
			for _, at := range []time.Time{fire, fire.AddDate(0, 3, 0), fire.AddDate(0, -3, 0)} {
				ok, err := s.ClaimScheduleRun(t.Context(), "camp-1", "check", at, "p1", now, time.Minute)
				must(t, err, "claim")
				if !ok {
					t.Errorf("firing %v not claimed", at)
				}
			}
			ok, err := s.ClaimScheduleRun(t.Context(), "camp-2", "check", fire, "p1", now, time.Minute)
			must(t, err, "claim camp-2")
			if !ok {
				t.Error("the same firing of another campaign was not claimed")
			}
			runs, err := s.ListScheduleRuns(t.Context(), "camp-1")
			must(t, err, "ListScheduleRuns")
			if len(runs) != 3 || !runs[0].FireAt.Equal(fire.AddDate(0, 3, 0)) || !runs[2].FireAt.Equal(fire.AddDate(0, -3, 0)) || !runs[0].DoneAt.IsZero() {
				t.Errorf("runs = %+v", runs)
			}
			runs, err = s.ListScheduleRuns(t.Context(), "camp-3")
			must(t, err, "ListScheduleRuns camp-3")
			if len(runs) != 0 {
				t.Errorf("camp-3 runs = %+v, want none", runs)
			}
		}},
		{"bad_arguments", func(t *testing.T, s app.Store) {
			_, err := s.ClaimScheduleRun(t.Context(), "", "check", fire, "p1", now, time.Minute)
			wantCode(t, err, engine.EINVALID, "no campaign")
			_, err = s.ClaimScheduleRun(t.Context(), "camp-1", "check", time.Time{}, "p1", now, time.Minute)
			wantCode(t, err, engine.EINVALID, "no firing time")
			_, err = s.ClaimScheduleRun(t.Context(), "camp-1", "check", fire, "", now, time.Minute)
			wantCode(t, err, engine.EINVALID, "no owner")
			_, err = s.ClaimScheduleRun(t.Context(), "camp-1", "check", fire, "p1", now, 0)
			wantCode(t, err, engine.EINVALID, "no lease")
			wantCode(t, s.FinishScheduleRun(t.Context(), "camp-1", "check", fire, "p1", 0, now), engine.ENOTFOUND, "finish a run never claimed")
		}},
	}
}
