package storetest

import (
	"slices"
	"testing"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/pay"
)

// Period locks: "LockPeriod … Returns ECONFLICT if the period is already
// locked, EINVALID if CampaignID or Period is empty"; ListPeriodLocks
// "returns a campaign's locked periods, ordered by period".
func periodLockScenarios() []scenario {
	lock := func(campaign, period string) *pay.PeriodLock {
		return &pay.PeriodLock{CampaignID: campaign, Period: period, LockedBy: "u-finance", LockedAt: Epoch}
	}
	periods := func(t *testing.T, s app.Store, campaign string) []string {
		t.Helper()
		locks, err := s.ListPeriodLocks(t.Context(), campaign)
		must(t, err, "ListPeriodLocks")
		var out []string
		for _, l := range locks {
			out = append(out, l.Period)
		}
		return out
	}
	return []scenario{
		{"lock_and_list_in_period_order", func(t *testing.T, s app.Store) {
			for _, p := range []string{"2027-Q2", "2026-Q4", "2027-Q1"} {
				must(t, s.LockPeriod(t.Context(), lock("camp-1", p)), "LockPeriod "+p)
			}
			must(t, s.LockPeriod(t.Context(), lock("camp-2", "2026-Q4")), "LockPeriod camp-2")
			if got, want := periods(t, s, "camp-1"), []string{"2026-Q4", "2027-Q1", "2027-Q2"}; !slices.Equal(got, want) {
				t.Errorf("camp-1 locks = %v, want %v", got, want)
			}
			locks, err := s.ListPeriodLocks(t.Context(), "camp-2")
			must(t, err, "ListPeriodLocks camp-2")
			if len(locks) != 1 || locks[0] != *lock("camp-2", "2026-Q4") {
				t.Errorf("camp-2 locks = %+v", locks)
			}
			if got := periods(t, s, "camp-3"); len(got) != 0 {
				t.Errorf("camp-3 locks = %v, want none", got)
			}
		}},
		{"second_lock_conflicts", func(t *testing.T, s app.Store) {
			must(t, s.LockPeriod(t.Context(), lock("camp-1", "2026-11")), "LockPeriod")
			wantCode(t, s.LockPeriod(t.Context(), lock("camp-1", "2026-11")), engine.ECONFLICT, "second LockPeriod")
			if got := periods(t, s, "camp-1"); !slices.Equal(got, []string{"2026-11"}) {
				t.Errorf("locks = %v", got)
			}
		}},
		{"empty_fields_invalid", func(t *testing.T, s app.Store) {
			wantCode(t, s.LockPeriod(t.Context(), lock("", "2026-11")), engine.EINVALID, "no campaign")
			wantCode(t, s.LockPeriod(t.Context(), lock("camp-1", "")), engine.EINVALID, "no period")
		}},
	}
}
