package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// Concurrency: the promises that matter when several server replicas, or
// goroutines, share one store. Goroutines wait on a closed channel so they
// start together.
func concurrencyScenarios() []scenario {
	return []scenario{
		// UpdateRecord "if the stored Version equals r.Version … ECONFLICT if
		// its version differs": of two writers at the same version exactly
		// one wins.
		{"update_race_one_wins", func(t *testing.T, s app.Store) {
			ctx := t.Context()
			id := mustInsert(t, s, NewRecord(Epoch)).ID
			for round := range 20 {
				cur := mustGet(t, s, id)
				var results [2]struct {
					state string
					rec   *engine.Record
					err   error
				}
				begin := make(chan struct{})
				var wg sync.WaitGroup
				for w := range results {
					c := *cur
					c.State = fmt.Sprintf("round-%d-writer-%d", round, w)
					c.UpdatedAt = Epoch.Add(time.Duration(round) * time.Minute)
					results[w].state = c.State
					wg.Go(func() {
						<-begin
						results[w].rec, results[w].err = s.UpdateRecord(ctx, &c)
					})
				}
				close(begin)
				wg.Wait()
				winner := -1
				for w, r := range results {
					switch engine.ErrorCode(r.err) {
					case "":
						if winner >= 0 {
							t.Fatalf("round %d: both writers at Version %d succeeded", round, cur.Version)
						}
						winner = w
					case engine.ECONFLICT:
					default:
						t.Fatalf("round %d: writer %d: %v, want nil or conflict", round, w, r.err)
					}
				}
				if winner < 0 {
					t.Fatalf("round %d: both writers got conflict, want one to win", round)
				}
				stored := mustGet(t, s, id)
				if stored.Version != cur.Version+1 || stored.State != results[winner].state {
					t.Fatalf("round %d: stored Version %d State %q, want Version %d State %q (the winner's)",
						round, stored.Version, stored.State, cur.Version+1, results[winner].state)
				}
				if got := results[winner].rec; got.Version != stored.Version {
					t.Errorf("round %d: the winner got Version %d, stored %d", round, got.Version, stored.Version)
				}
			}
		}},

		// InsertRecord "is idempotent on ID": the same submission sent 50
		// times at once makes one record, and every caller gets it.
		{"insert_same_record_50_times", func(t *testing.T, s app.Store) {
			ctx := t.Context()
			const n = 50
			id := engine.NewID(Epoch)
			var got [n]*engine.Record
			var errs [n]error
			begin := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				// Each retry arrives with its own clock reading.
				r := NewRecord(Epoch.Add(time.Duration(i) * time.Millisecond))
				r.ID = id
				wg.Go(func() {
					<-begin
					got[i], _, errs[i] = s.InsertRecord(ctx, r)
				})
			}
			close(begin)
			wg.Wait()
			stored := mustGet(t, s, id)
			if stored.Version != 1 {
				t.Errorf("stored Version = %d, want 1", stored.Version)
			}
			for i := range n {
				if errs[i] != nil {
					t.Errorf("insert %d: %v, want nil", i, errs[i])
					continue
				}
				checkRecord(t, fmt.Sprintf("insert %d result against the stored record", i), got[i], stored)
			}
			count, err := s.CountRecords(ctx, engine.RecordFilter{})
			must(t, err, "CountRecords")
			if count != 1 {
				t.Errorf("CountRecords = %d, want 1", count)
			}
		}},

		// InsertRecord: "Of any number of calls with the same ID, at once or
		// not, exactly one reports created". The engine audits a submission
		// and starts its followers on that word alone, so 50 twins arriving
		// together (in the same millisecond, as a client's retries can)
		// must not get two yeses — nor none.
		{"insert_same_record_50_times_creates_once", func(t *testing.T, s app.Store) {
			ctx := t.Context()
			const n = 50
			id := engine.NewID(Epoch)
			var created [n]bool
			var errs [n]error
			begin := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				r := NewRecord(Epoch) // the same clock reading for all
				r.ID = id
				wg.Go(func() {
					<-begin
					_, created[i], errs[i] = s.InsertRecord(ctx, r)
				})
			}
			close(begin)
			wg.Wait()
			var yes []int
			for i := range n {
				if errs[i] != nil {
					t.Errorf("insert %d: %v, want nil", i, errs[i])
				}
				if created[i] {
					yes = append(yes, i)
				}
			}
			if len(yes) != 1 {
				t.Errorf("inserts reporting created: %v, want exactly one", yes)
			}
			// And a later retry is no creation either.
			r := NewRecord(Epoch.Add(time.Hour))
			r.ID = id
			_, again, err := s.InsertRecord(ctx, r)
			must(t, err, "InsertRecord retry")
			if again {
				t.Errorf("a retry after the race reports created")
			}
		}},

		// ListRecords: "New records inserted while paging never cause one to
		// be returned twice or skipped." Inserts land both after the cursor
		// and before it (IDs made an hour earlier, as a client UUID or a
		// late ULID would).
		{"paging_while_inserting_ascending", func(t *testing.T, s app.Store) { pageWhileInserting(t, s, false) }},
		{"paging_while_inserting_descending", func(t *testing.T, s app.Store) { pageWhileInserting(t, s, true) }},

		// ClaimDueTimers: "Two claimers never hold the same record at once."
		{"claimers_race", func(t *testing.T, s app.Store) {
			now := Epoch
			var due []string
			for i := range 200 {
				due = append(due, insertTimer(t, s, now.Add(-time.Duration(i)*time.Second)).ID)
			}
			claimed := raceClaim(t, s, []string{"a", "b"}, now, time.Hour)
			checkClaimedOnce(t, s, due, claimed)
		}},

		// "a lease that expires can be claimed again", once, by racing
		// claimers.
		{"expired_leases_reclaimed_race", func(t *testing.T, s app.Store) {
			now := Epoch
			var due []string
			for i := range 50 {
				due = append(due, insertTimer(t, s, now.Add(-time.Duration(i)*time.Second)).ID)
			}
			if first := claim(t, s, "a", now, time.Minute, 100); len(first) != len(due) {
				t.Fatalf("a claimed %d of %d due timers", len(first), len(due))
			}
			claimed := raceClaim(t, s, []string{"b", "c"}, now.Add(2*time.Minute), time.Hour)
			checkClaimedOnce(t, s, due, claimed)
		}},
	}
}

// raceClaim lets owners claim in batches of 10 at once until each gets an
// empty batch, then drains what a lost race left with owner "drain". It
// returns each owner's claimed IDs.
func raceClaim(t *testing.T, s app.Store, owners []string, now time.Time, lease time.Duration) map[string][]string {
	t.Helper()
	ctx := t.Context()
	const batch = 10
	claimed := make([][]string, len(owners))
	begin := make(chan struct{})
	var wg sync.WaitGroup
	for i, owner := range owners {
		wg.Go(func() {
			<-begin
			for range 1000 {
				rs, err := s.ClaimDueTimers(ctx, owner, now, lease, batch)
				if err != nil {
					t.Errorf("ClaimDueTimers %s: %v", owner, err)
					return
				}
				if len(rs) > batch {
					t.Errorf("ClaimDueTimers %s returned %d records, over the limit %d", owner, len(rs), batch)
				}
				if len(rs) == 0 {
					return
				}
				for _, r := range rs {
					if r.LeaseOwner != owner {
						t.Errorf("%s claimed %s with LeaseOwner %q", owner, r.ID, r.LeaseOwner)
					}
					claimed[i] = append(claimed[i], r.ID)
				}
			}
		})
	}
	close(begin)
	wg.Wait()
	out := map[string][]string{}
	for i, owner := range owners {
		out[owner] = claimed[i]
	}
	for range 1000 {
		rs := claim(t, s, "drain", now, lease, batch)
		if len(rs) == 0 {
			break
		}
		out["drain"] = append(out["drain"], recordIDs(rs)...)
	}
	return out
}

// checkClaimedOnce checks that every due record was claimed by exactly one
// owner, and that the store holds that owner's lease.
func checkClaimedOnce(t *testing.T, s app.Store, due []string, claimed map[string][]string) {
	t.Helper()
	by := map[string]string{}
	for owner, ids := range claimed {
		for _, id := range ids {
			if prev, ok := by[id]; ok {
				t.Errorf("%s was claimed by %s and by %s", id, prev, owner)
			}
			by[id] = owner
		}
	}
	for _, id := range due {
		owner, ok := by[id]
		if !ok {
			t.Errorf("%s was never claimed", id)
			continue
		}
		if r := mustGet(t, s, id); r.LeaseOwner != owner {
			t.Errorf("%s claimed by %s but the store has LeaseOwner %q", id, owner, r.LeaseOwner)
		}
	}
	if len(by) != len(due) {
		t.Errorf("%d records claimed, want %d", len(by), len(due))
	}
	counts := map[string]int{}
	for owner, ids := range claimed {
		counts[owner] = len(ids)
	}
	t.Logf("claims by owner: %v", counts)
}

// pageWhileInserting pages through 60 records in pages of 7 while one
// goroutine keeps inserting and more records are inserted between pages,
// some with IDs above every cursor, some below, some in between. Every
// record present before paging must come back exactly once, and the IDs
// must run strictly in page order.
func pageWhileInserting(t *testing.T, s app.Store, desc bool) {
	ctx := t.Context()
	before := insertSpread(t, s, 60, "c1")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for k := range 300 {
			select {
			case <-stop:
				return
			default:
			}
			at := Epoch.Add(time.Hour + time.Duration(k)*time.Millisecond)
			if k%2 == 1 {
				at = Epoch.Add(-time.Hour - time.Duration(k)*time.Millisecond)
			}
			r := NewRecord(at)
			r.CampaignID = "c1"
			if _, _, err := s.InsertRecord(ctx, r); err != nil {
				t.Errorf("concurrent InsertRecord: %v", err)
				return
			}
		}
	})

	var got []string
	p := engine.Page{Limit: 7, Desc: desc}
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatal("paging did not end")
		}
		res, err := s.ListRecords(ctx, engine.RecordFilter{CampaignID: "c1"}, p)
		must(t, err, "ListRecords")
		got = append(got, recordIDs(res.Records)...)
		if res.Next == "" {
			break
		}
		p.After = res.Next
		// Between pages: one below everything, one above, one among the
		// original records (on either side of the cursor).
		for _, at := range []time.Time{
			Epoch.Add(-2*time.Hour - time.Duration(page)*time.Millisecond),
			Epoch.Add(2*time.Hour + time.Duration(page)*time.Millisecond),
			Epoch.Add(time.Duration(page*7%60) * time.Millisecond),
		} {
			r := NewRecord(at)
			r.CampaignID = "c1"
			mustInsert(t, s, r)
		}
	}
	close(stop)
	wg.Wait()

	seen := map[string]int{}
	for i, id := range got {
		seen[id]++
		if i > 0 {
			prev := got[i-1]
			if (!desc && id <= prev) || (desc && id >= prev) {
				t.Errorf("IDs out of order at %d: %s after %s (Desc=%v)", i, id, prev, desc)
			}
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s listed %d times", id, n)
		}
	}
	var missing []string
	for _, id := range before {
		if seen[id] == 0 {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d records present before paging were skipped: %q", len(missing), missing)
	}
	t.Logf("listed %d IDs; %d were present before paging", len(got), len(before))
}
