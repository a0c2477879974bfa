package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"canvass/engine"
)

// latencyRow is one request's latency in the two stores.
type latencyRow struct {
	name       string
	samples    int // per side
	small      latencies
	large      latencies
	smallCount int
	largeCount int
}

type latencies struct{ p50, p99 time.Duration }

// measureLatency builds two stores that differ only in how many records
// they hold (the small and the large count) and times the same requests
// on both, alternating, over HTTP: the first inbox page of a township
// reviewer, and one record fetched by ID.
//
// The stores model a campaign that has been running a while: most records
// are closed (approved), a fifth of those outside township 1 wait for
// their own township's review, and township 1 holds the inbox that is
// measured: the same number of open tasks in both stores, the newest
// records, while the closed history behind them grows a hundredfold.
func measureLatency(ctx context.Context, b *backend, cfg config, r *report, progress func(string, ...any)) error {
	sz := cfg.sizes
	type side struct {
		w     *world
		count int
		ids   []string // a sample of the record IDs, for fetches
	}
	var sides [2]*side
	for i, n := range []int{sz.smallRecords, sz.largeRecords} {
		st, err := b.openStore(ctx, fmt.Sprintf("records-%d", n))
		if err != nil {
			return err
		}
		w, err := newWorld(ctx, st)
		if err != nil {
			st.Close()
			return err
		}
		defer w.close()
		s := &side{w: w, count: n}
		sides[i] = s
		t0 := time.Now()
		if s.ids, err = populateRecords(ctx, w, n, sz.inboxOpen); err != nil {
			return fmt.Errorf("populate %d records: %w", n, err)
		}
		progress("stored %d records in %.1fs (%.0f/s)", n, time.Since(t0).Seconds(), float64(n)/time.Since(t0).Seconds())
	}

	// Both inboxes must list the same open tasks.
	for _, s := range sides {
		body, err := s.w.get(ctx, userReviewer, "/api/v1/inbox")
		if err != nil {
			return err
		}
		var inbox struct{ Total int64 }
		if err := json.Unmarshal(body, &inbox); err != nil {
			return err
		}
		if inbox.Total != int64(sz.inboxOpen) {
			return fmt.Errorf("the inbox with %d records holds %d tasks, want %d", s.count, inbox.Total, sz.inboxOpen)
		}
	}

	rng := rand.New(rand.NewPCG(7, 7))
	requests := []struct {
		name string
		path func(*side) string
		user string
	}{
		{"inbox, first page of 50 (GET /api/v1/inbox)", func(*side) string { return "/api/v1/inbox" }, userReviewer},
		{"record by ID (GET /api/v1/records/:id)", func(s *side) string { return "/api/v1/records/" + s.ids[rng.IntN(len(s.ids))] }, userDistrict},
	}
	for _, q := range requests {
		// Warm both sides up, then alternate sample by sample, as many
		// as the time budget allows (a slow large side gets fewer).
		var times [2][]time.Duration
		pair := func() error {
			for i, s := range sides {
				t := time.Now()
				if _, err := s.w.get(ctx, q.user, q.path(s)); err != nil {
					return err
				}
				times[i] = append(times[i], time.Since(t))
			}
			return nil
		}
		const warm = 5
		t0 := time.Now()
		for range warm {
			if err := pair(); err != nil {
				return err
			}
		}
		samples := int(sz.latencyBudget / (time.Since(t0) / warm))
		samples = max(min(samples, sz.latencySamples), min(20, sz.latencySamples))
		times[0], times[1] = nil, nil
		for range samples {
			if err := pair(); err != nil {
				return err
			}
		}
		row := latencyRow{name: q.name, samples: samples, small: percentiles(times[0]), large: percentiles(times[1]), smallCount: sides[0].count, largeCount: sides[1].count}
		progress("%s: %v / %v at %d, %v / %v at %d", q.name, row.small.p50, row.small.p99, row.smallCount, row.large.p50, row.large.p99, row.largeCount)
		r.latency = append(r.latency, row)
	}
	return nil
}

func percentiles(ds []time.Duration) latencies {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return latencies{p50: at(0.50), p99: at(0.99)}
}

// populateRecords fills the world's store with n records, inboxOpen of them
// open in township 1's review and newest, through Store.InsertRecord from
// many goroutines (group commit batches them). The records are copies of
// two real submissions, one left open and one approved, moved to other org
// units and times. It returns up to 20,000 of the IDs, sampled evenly.
func populateRecords(ctx context.Context, w *world, n, inboxOpen int) ([]string, error) {
	open, err := submitTemplate(ctx, w)
	if err != nil {
		return nil, err
	}
	closed := *open
	closed.State, closed.Step, closed.CandidateRoles, closed.TaskOrgPath = "approved", "", nil, ""
	closed.DueAt, closed.NextTimerAt, closed.TimerKind = time.Time{}, time.Time{}, ""
	closed.History = append(slices.Clone(open.History), engine.HistoryEntry{
		At: open.CreatedAt.Add(26 * time.Hour), Actor: w.actors[userReviewer].ID(), Action: "approve", FromState: open.State, ToState: "approved",
	})
	due, timer := open.DueAt.Sub(open.CreatedAt), open.NextTimerAt.Sub(open.CreatedAt)

	newest := benchNow().Add(-time.Hour)
	// record i: i < inboxOpen are township 1's open tasks, the newest;
	// the others are older the higher i is, so the large store's extra
	// history lies behind everything the small one holds.
	make1 := func(i int) *engine.Record {
		var rec engine.Record
		var t, v int
		var at time.Time
		if i < inboxOpen {
			rec, t, v = *open, 1, 1+i%villages
			at = newest.Add(-time.Duration(i) * time.Second)
		} else {
			g := i - inboxOpen
			t, v = 1+g%townships, 1+(g/townships)%villages
			at = newest.Add(-time.Duration(inboxOpen+g) * time.Second)
			if t != 1 && g%5 == 0 {
				rec = *open
			} else {
				rec = closed
			}
		}
		rec.ID = engine.NewID(at)
		rec.OrgUnit, rec.OrgPath = villageCode(t, v), villagePath(t, v)
		rec.CreatedAt, rec.UpdatedAt = at, at
		rec.DedupKey = fmt.Sprintf("populated-%d", i)
		rec.Version = 0
		if rec.Step != "" {
			rec.TaskOrgPath, rec.DueAt, rec.NextTimerAt = townshipPath(t), at.Add(due), at.Add(timer)
		} else {
			rec.UpdatedAt = at.Add(26 * time.Hour)
		}
		return &rec
	}

	const workers = 64
	every := max(1, n/20_000)
	var (
		next    atomic.Int64
		mu      sync.Mutex
		ids     []string
		wg      sync.WaitGroup
		errOnce sync.Once
		failed  error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				rec := make1(i)
				if _, _, err := w.store.InsertRecord(ctx, rec); err != nil {
					errOnce.Do(func() { failed = err; cancel() })
					return
				}
				if i%every == 0 {
					mu.Lock()
					ids = append(ids, rec.ID)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		return nil, failed
	}
	return ids, ctx.Err()
}

// submitTemplate submits one household through the engine, as a field
// worker, and returns the stored record: open in township review. The
// world's store then holds one record more than populateRecords writes,
// outside every measured inbox.
func submitTemplate(ctx context.Context, w *world) (*engine.Record, error) {
	answers := newAnswerSet(1, 3)
	res, err := w.eng.Submit(ctx, w.actors[workerName(0)], engine.Submission{CampaignID: campaignID, FormID: formID, Answers: cloneAnswers(answers.json[0])})
	if err != nil {
		return nil, fmt.Errorf("template submission: %v %v", err, engine.ErrorFields(err))
	}
	if res.Record.Step == "" || res.Record.DueAt.IsZero() {
		return nil, fmt.Errorf("template submission: state %s has no open task", res.Record.State)
	}
	return res.Record, nil
}
