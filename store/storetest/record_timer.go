package storetest

import (
	"slices"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// insertTimer stores a record whose timer is due at `due` (zero: no timer).
func insertTimer(t *testing.T, s app.Store, due time.Time) *engine.Record {
	t.Helper()
	r := NewRecord(Epoch.Add(-24 * time.Hour))
	r.NextTimerAt = due
	if !due.IsZero() {
		r.TimerKind = "due"
	}
	return mustInsert(t, s, r)
}

func claim(t *testing.T, s app.Store, owner string, now time.Time, lease time.Duration, limit int) []*engine.Record {
	t.Helper()
	rs, err := s.ClaimDueTimers(t.Context(), owner, now, lease, limit)
	must(t, err, "ClaimDueTimers "+owner)
	if len(rs) > limit {
		t.Fatalf("ClaimDueTimers(limit %d) returned %d records", limit, len(rs))
	}
	return rs
}

// sameIDSet reports whether got holds exactly the IDs of want, in any order.
func sameIDSet(got, want []string) bool {
	return slices.Equal(sortedIDs(got), sortedIDs(want))
}

// ClaimDueTimers: "leases up to limit records whose NextTimerAt is at or
// before now and whose lease is free or expired (LeaseUntil at or before
// now), setting LeaseOwner=owner and LeaseUntil=now+lease without changing
// Version … a lease that expires can be claimed again", and UpdateRecord
// "also releases any timer lease". The order of claimed records is not
// promised.
func timerScenarios() []scenario {
	now := Epoch
	const lease = 5 * time.Minute
	return []scenario{
		{"claims_only_due", func(t *testing.T, s app.Store) {
			past := insertTimer(t, s, now.Add(-time.Hour))
			atNow := insertTimer(t, s, now)
			insertTimer(t, s, now.Add(time.Millisecond))
			insertTimer(t, s, time.Time{}) // no timer: the zero time is not "due"
			got := claim(t, s, "a", now, lease, 10)
			if ids := recordIDs(got); !sameIDSet(ids, []string{past.ID, atNow.ID}) {
				t.Fatalf("claimed %q, want the past and the now timer %q", ids, []string{past.ID, atNow.ID})
			}
			for _, r := range got {
				want := past
				if r.ID == atNow.ID {
					want = atNow
				}
				w := *want
				w.LeaseOwner, w.LeaseUntil = "a", now.Add(lease)
				checkRecord(t, "claimed record", r, &w)
				checkRecord(t, "stored claimed record", mustGet(t, s, r.ID), &w)
			}
		}},
		{"respects_limit", func(t *testing.T, s app.Store) {
			var due []string
			for i := range 5 {
				due = append(due, insertTimer(t, s, now.Add(-time.Duration(i)*time.Minute)).ID)
			}
			var got []string
			for _, want := range []int{2, 2, 1, 0} {
				rs := claim(t, s, "a", now, lease, 2)
				if len(rs) != want {
					t.Fatalf("claim in batches of 2 gave %d records, want %d", len(rs), want)
				}
				got = append(got, recordIDs(rs)...)
			}
			if !sameIDSet(got, due) {
				t.Errorf("batches claimed %q, want each of %q once", got, due)
			}
		}},
		{"held_lease_not_claimed_again", func(t *testing.T, s app.Store) {
			r := insertTimer(t, s, now.Add(-time.Minute))
			claim(t, s, "a", now, lease, 10)
			for _, at := range []time.Time{now, now.Add(lease - time.Millisecond)} {
				if rs := claim(t, s, "b", at, lease, 10); len(rs) != 0 {
					t.Errorf("at %s another owner claimed %q while the lease is held", fmtTime(at), recordIDs(rs))
				}
			}
			if rs := claim(t, s, "a", now.Add(time.Minute), lease, 10); len(rs) != 0 {
				t.Errorf("the holder claimed its held lease again: %q", recordIDs(rs))
			}
			if got := mustGet(t, s, r.ID); got.LeaseOwner != "a" || !sameTime(got.LeaseUntil, now.Add(lease)) {
				t.Errorf("lease = %q until %s, want a until %s", got.LeaseOwner, fmtTime(got.LeaseUntil), fmtTime(now.Add(lease)))
			}
		}},
		{"expired_lease_reclaimed", func(t *testing.T, s app.Store) {
			r := insertTimer(t, s, now.Add(-time.Minute))
			claim(t, s, "a", now, lease, 10)
			later := now.Add(lease) // LeaseUntil at or before now: free again
			got := claim(t, s, "b", later, lease, 10)
			if len(got) != 1 || got[0].ID != r.ID {
				t.Fatalf("after the lease expired, b claimed %q, want %q", recordIDs(got), r.ID)
			}
			want := *r
			want.LeaseOwner, want.LeaseUntil = "b", later.Add(lease)
			checkRecord(t, "reclaimed record", got[0], &want)
			checkRecord(t, "stored reclaimed record", mustGet(t, s, r.ID), &want)
		}},
		{"update_releases_lease", func(t *testing.T, s app.Store) {
			r := insertTimer(t, s, now.Add(-time.Minute))
			got := claim(t, s, "a", now, time.Hour, 10)
			if len(got) != 1 {
				t.Fatalf("claimed %d records, want 1", len(got))
			}
			// The sweeper updates the copy it claimed (lease fields set);
			// the timer stays due.
			c := got[0]
			c.State = "overdue"
			c.UpdatedAt = now.Add(time.Second)
			want := *c
			want.Version = 2
			want.LeaseOwner, want.LeaseUntil = "", time.Time{}
			updated, err := s.UpdateRecord(t.Context(), c)
			must(t, err, "UpdateRecord of a claimed record")
			checkRecord(t, "UpdateRecord result", updated, &want)
			checkRecord(t, "stored after update", mustGet(t, s, r.ID), &want)
			again := claim(t, s, "b", now.Add(2*time.Second), lease, 10)
			if len(again) != 1 || again[0].ID != r.ID || again[0].Version != 2 {
				t.Errorf("after the update released the lease, b claimed %q, want %q at Version 2", recordIDs(again), r.ID)
			}
		}},
		{"claim_keeps_version_and_content", func(t *testing.T, s app.Store) {
			r := mustInsert(t, s, func() *engine.Record {
				r := fullRecord(Epoch.Add(-time.Hour))
				r.NextTimerAt = now
				return r
			}())
			claim(t, s, "a", now, lease, 1)
			want := *r
			want.LeaseOwner, want.LeaseUntil = "a", now.Add(lease)
			checkRecord(t, "stored after claim", mustGet(t, s, r.ID), &want)
			// A write at the version the engine read still succeeds: the claim
			// was not a change of content.
			r.State = "escalated"
			r.UpdatedAt = now.Add(time.Second)
			_, err := s.UpdateRecord(t.Context(), r)
			must(t, err, "UpdateRecord at the pre-claim version")
		}},
		{"nothing_due", func(t *testing.T, s app.Store) {
			insertTimer(t, s, now.Add(time.Hour))
			if rs := claim(t, s, "a", now, lease, 10); len(rs) != 0 {
				t.Errorf("claimed %q with nothing due", recordIDs(rs))
			}
		}},
	}
}
