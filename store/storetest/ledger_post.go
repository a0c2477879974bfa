package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/pay"
)

// PostLedger: "as one atomic step that holds whatever other server
// processes post or lock at the same time: … ECLOSED … when the entry's
// period is locked; … false … when an entry with the same Key exists, or
// Entry.Reverses names an entry that another entry already reverses; …
// otherwise it stores the entry, Cap applied". The concurrent scenarios
// start their goroutines together on a closed channel.
func postLedgerScenarios() []scenario {
	const campaign, worker, role, period = "camp-1", "u-worker", "field_worker", "2026-11"
	entry := func(record string, fen int64) pay.LedgerEntry {
		return newEntry(campaign, worker, "/p/c1/t1/v1/", role, record, "household_surveyed", period, fen)
	}
	return []scenario{
		{"concurrent_posts_never_exceed_the_cap", func(t *testing.T, s app.Store) {
			// 24 payments of 300 fen under a cap of 3,000 fen, all at once:
			// each Cap must see every payment stored before it, so the paid
			// sums the entries record chain up to exactly the cap.
			const posts, fen, capFen = 24, 300, 3000
			results := make([]error, posts)
			begin := make(chan struct{})
			var wg sync.WaitGroup
			for i := range posts {
				wg.Go(func() {
					<-begin
					p := pay.LedgerPost{Entry: entry(fmt.Sprintf("r%02d", i), fen), Cap: capAt(capFen)}
					added, err := s.PostLedger(t.Context(), p)
					if err == nil && !added {
						err = fmt.Errorf("not added")
					}
					results[i] = err
				})
			}
			close(begin)
			wg.Wait()
			for i, err := range results {
				must(t, err, fmt.Sprintf("PostLedger %d", i))
			}
			got := listAllLedger(t, s, pay.LedgerFilter{CampaignID: campaign, WorkerID: worker, Periods: []string{period}}, 100, false)
			if len(got) != posts {
				t.Fatalf("%d entries, want %d", len(got), posts)
			}
			slices.SortStableFunc(got, func(a, b *pay.LedgerEntry) int {
				return cmp.Or(cmp.Compare(paidBefore(a), paidBefore(b)), cmp.Compare(b.AmountFen, a.AmountFen))
			})
			var sum int64
			for _, e := range got {
				if paidBefore(e) != sum {
					t.Errorf("entry %s: Cap saw %d fen paid, but the entries before it sum to %d", e.Key, paidBefore(e), sum)
				}
				sum += e.AmountFen
			}
			if sum != capFen {
				t.Errorf("paid %d fen in all, want the cap, %d", sum, capFen)
			}
		}},
		{"cap_sees_the_payees_role_in_the_period", func(t *testing.T, s app.Store) {
			other := func(e pay.LedgerEntry, change func(*pay.LedgerEntry)) pay.LedgerEntry {
				change(&e)
				return e
			}
			appendLedger(t, s,
				entry("r1", 500),
				entry("r2", -200),
				other(entry("r3", 1000), func(e *pay.LedgerEntry) { e.Role = "clerk" }),
				other(entry("r4", 1000), func(e *pay.LedgerEntry) { e.Period = "2026-12" }),
				other(entry("r5", 1000), func(e *pay.LedgerEntry) { e.CampaignID = "camp-2" }),
				other(entry("r6", 1000), func(e *pay.LedgerEntry) { e.WorkerID = "u-other" }),
			)
			var saw int64 = -1
			p := pay.LedgerPost{Entry: entry("r7", 700), Cap: func(e pay.LedgerEntry, paid int64) pay.LedgerEntry {
				saw = paid
				e.AmountFen, e.Rule = 650, e.Rule+"; capped"
				e.Inputs = map[string]any{"paid_before_fen": paid}
				return e
			}}
			added, err := s.PostLedger(t.Context(), p)
			must(t, err, "PostLedger")
			if !added || saw != 300 {
				t.Fatalf("added %v, Cap saw %d fen paid; want true, 300", added, saw)
			}
			got := listAllLedger(t, s, pay.LedgerFilter{RecordID: "r7"}, 10, false)
			want := p.Entry
			want.AmountFen, want.Rule, want.Inputs = 650, want.Rule+"; capped", map[string]any{"paid_before_fen": 300}
			if len(got) != 1 {
				t.Fatalf("%d entries for r7", len(got))
			}
			diffEntry(got[0], want).report(t, "capped entry")
		}},
		{"locked_period_is_closed", func(t *testing.T, s app.Store) {
			must(t, s.LockPeriod(t.Context(), &pay.PeriodLock{CampaignID: campaign, Period: period, LockedBy: "u-finance", LockedAt: Epoch}), "LockPeriod")
			capCalled := false
			added, err := s.PostLedger(t.Context(), pay.LedgerPost{Entry: entry("r1", 500), Cap: func(e pay.LedgerEntry, _ int64) pay.LedgerEntry {
				capCalled = true
				return e
			}})
			wantCode(t, err, engine.ECLOSED, "PostLedger into the locked period")
			if added || capCalled {
				t.Errorf("added %v, Cap called %v; want neither", added, capCalled)
			}
			next := entry("r1", 500)
			next.Period = "2026-12"
			added, err = s.PostLedger(t.Context(), pay.LedgerPost{Entry: next})
			must(t, err, "PostLedger into the next period")
			got := listAllLedger(t, s, pay.LedgerFilter{CampaignID: campaign}, 10, false)
			if !added || len(got) != 1 || got[0].Period != "2026-12" {
				t.Errorf("added %v, ledger %d entries; want the one in 2026-12", added, len(got))
			}
			// Another campaign's period of the same name is open.
			o := entry("r2", 500)
			o.CampaignID = "camp-2"
			if added, err := s.PostLedger(t.Context(), pay.LedgerPost{Entry: o}); err != nil || !added {
				t.Errorf("camp-2 2026-11: %v, %v", added, err)
			}
		}},
		{"unlocked_period_is_open_again", func(t *testing.T, s app.Store) {
			wantCode(t, s.UnlockPeriod(t.Context(), campaign, period), engine.ENOTFOUND, "UnlockPeriod of an open period")
			must(t, s.LockPeriod(t.Context(), &pay.PeriodLock{CampaignID: campaign, Period: period, LockedBy: "u-finance", LockedAt: Epoch}), "LockPeriod")
			must(t, s.UnlockPeriod(t.Context(), campaign, period), "UnlockPeriod")
			wantCode(t, s.UnlockPeriod(t.Context(), campaign, period), engine.ENOTFOUND, "UnlockPeriod twice")
			locks, err := s.ListPeriodLocks(t.Context(), campaign)
			must(t, err, "ListPeriodLocks")
			if len(locks) != 0 {
				t.Errorf("locks after the unlock: %+v", locks)
			}
			added, err := s.PostLedger(t.Context(), pay.LedgerPost{Entry: entry("r1", 500)})
			if err != nil || !added {
				t.Errorf("PostLedger into the unlocked period: %v, %v", added, err)
			}
			// Locked again, it is closed again.
			must(t, s.LockPeriod(t.Context(), &pay.PeriodLock{CampaignID: campaign, Period: period, LockedBy: "u-finance", LockedAt: Epoch}), "LockPeriod again")
			_, err = s.PostLedger(t.Context(), pay.LedgerPost{Entry: entry("r2", 500)})
			wantCode(t, err, engine.ECLOSED, "PostLedger after locking again")
		}},
		{"lock_during_posts_keeps_the_period_closed", func(t *testing.T, s app.Store) {
			// Posts race a lock of their period, one round per month. When
			// LockPeriod returns, the ledger must hold every entry that
			// went in, and nothing may go in afterwards: each post either
			// stored its entry before (true, and it is in the snapshot) or
			// got ECLOSED. A store whose check and append are apart loses
			// a round now and then; six rounds catch it most runs.
			for month := 1; month <= 6; month++ {
				raceLock(t, s, fmt.Sprintf("2026-%02d", month), 16)
			}
		}},
		{"same_key_returns_false", func(t *testing.T, s app.Store) {
			first := entry("r1", 500)
			added, err := s.PostLedger(t.Context(), pay.LedgerPost{Entry: first})
			must(t, err, "PostLedger")
			again := entry("r1", 900) // a fresh ID, the same key, another amount
			added2, err := s.PostLedger(t.Context(), pay.LedgerPost{Entry: again})
			must(t, err, "PostLedger again")
			if !added || added2 {
				t.Errorf("added %v then %v, want true then false", added, added2)
			}
			got := listAllLedger(t, s, pay.LedgerFilter{CampaignID: campaign}, 10, false)
			if len(got) != 1 {
				t.Fatalf("%d entries, want 1", len(got))
			}
			diffEntry(got[0], first).report(t, "stored entry")
		}},
		{"an_entry_is_reversed_once", func(t *testing.T, s app.Store) {
			orig := entry("r1", 500)
			appendLedger(t, s, orig)
			// A withholding and finance's reversal race: different keys,
			// the same entry reversed.
			const racers = 6
			added := make([]bool, racers)
			errs := make([]error, racers)
			begin := make(chan struct{})
			var wg sync.WaitGroup
			for i := range racers {
				wg.Go(func() {
					<-begin
					rev := entry("r1", -500)
					rev.ID, rev.Key, rev.Reverses = engine.NewID(Epoch), fmt.Sprintf("%s/reversal-%d", orig.Key, i), orig.ID
					added[i], errs[i] = s.PostLedger(t.Context(), pay.LedgerPost{Entry: rev})
				})
			}
			close(begin)
			wg.Wait()
			n := 0
			for i := range racers {
				must(t, errs[i], fmt.Sprintf("reversal %d", i))
				if added[i] {
					n++
				}
			}
			got := listAllLedger(t, s, pay.LedgerFilter{CampaignID: campaign}, 10, false)
			if n != 1 || len(got) != 2 {
				t.Errorf("%d reversals added, %d entries; want 1 and 2", n, len(got))
			}
		}},
		{"incomplete_entry_invalid", func(t *testing.T, s app.Store) {
			for _, tt := range []struct {
				name   string
				change func(*pay.LedgerEntry)
			}{
				{"no_period", func(e *pay.LedgerEntry) { e.Period = "" }},
				{"no_key", func(e *pay.LedgerEntry) { e.Key = "" }},
				{"no_worker", func(e *pay.LedgerEntry) { e.WorkerID = "" }},
			} {
				e := entry("r1", 500)
				tt.change(&e)
				_, err := s.PostLedger(t.Context(), pay.LedgerPost{Entry: e})
				wantCode(t, err, engine.EINVALID, tt.name)
			}
		}},
	}
}

// capAt is a Cap that trims a payment to what capFen leaves, recording
// the paid sum it saw in Inputs["paid_before_fen"].
func capAt(capFen int64) func(pay.LedgerEntry, int64) pay.LedgerEntry {
	return func(e pay.LedgerEntry, paid int64) pay.LedgerEntry {
		e.AmountFen = min(e.AmountFen, max(0, capFen-paid))
		e.Inputs = map[string]any{"paid_before_fen": paid}
		return e
	}
}

// paidBefore reads what capAt recorded.
func paidBefore(e *pay.LedgerEntry) int64 {
	switch v := jsonValue(e.Inputs["paid_before_fen"]).(type) {
	case float64:
		return int64(v)
	}
	return -1
}

// raceLock runs posts PostLedgers into period of camp-1 at once, and locks
// the period once a quarter of them returned; see
// lock_during_posts_keeps_the_period_closed.
func raceLock(t *testing.T, s app.Store, period string, posts int) {
	t.Helper()
	entry := func(i int) pay.LedgerEntry {
		return newEntry("camp-1", "u-worker", "/p/c1/t1/v1/", "field_worker", fmt.Sprintf("%s-r%02d", period, i), "household_surveyed", period, 100)
	}
	results := make([]error, posts)
	var done atomic.Int32
	var snapshot []*pay.LedgerEntry
	begin := make(chan struct{})
	var wg sync.WaitGroup
	for i := range posts {
		wg.Go(func() {
			<-begin
			added, err := s.PostLedger(t.Context(), pay.LedgerPost{Entry: entry(i)})
			if err == nil && !added {
				err = fmt.Errorf("not added")
			}
			results[i] = err
			done.Add(1)
		})
	}
	wg.Go(func() {
		<-begin
		for int(done.Load()) < posts/4 {
			time.Sleep(time.Millisecond)
		}
		if err := s.LockPeriod(t.Context(), &pay.PeriodLock{CampaignID: "camp-1", Period: period, LockedBy: "u-finance", LockedAt: Epoch}); err != nil {
			t.Errorf("%s: LockPeriod: %v", period, err)
			return
		}
		page, err := s.ListLedger(t.Context(), pay.LedgerFilter{CampaignID: "camp-1", Periods: []string{period}}, engine.Page{Limit: engine.MaxPageLimit})
		if err != nil {
			t.Errorf("%s: ListLedger: %v", period, err)
			return
		}
		snapshot = page.Entries
	})
	close(begin)
	wg.Wait()
	inSnapshot := map[string]bool{}
	for _, e := range snapshot {
		inSnapshot[e.Key] = true
	}
	closed := 0
	for i, err := range results {
		switch engine.ErrorCode(err) {
		case "":
			if !inSnapshot[entry(i).Key] {
				t.Errorf("%s: post %d was stored but is not in the ledger when LockPeriod returned", period, i)
			}
		case engine.ECLOSED:
			closed++
		default:
			t.Errorf("%s: post %d: %v, want nil or ECLOSED", period, i, err)
		}
	}
	final := listAllLedger(t, s, pay.LedgerFilter{CampaignID: "camp-1", Periods: []string{period}}, 100, false)
	if got, want := len(final), len(snapshot); got != want {
		t.Errorf("%s: the locked period holds %d entries, %d when LockPeriod returned", period, got, want)
	}
	if len(final)+closed != posts {
		t.Errorf("%s: %d entries stored and %d posts closed, want %d in all", period, len(final), closed, posts)
	}
}
