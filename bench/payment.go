package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"canvass/engine"
	"canvass/engine/pay"
)

// paymentRow compares the payment table with the raw grouped sum.
type paymentRow struct {
	entries, groups int64
	store, raw      time.Duration // medians
}

// Pay items and their rates in fen, after the vital-events labour table
// (collected, entered, checked for each event).
var payItems = []struct {
	item string
	fen  int64
}{
	{"marriage_collected", 500}, {"marriage_entered", 300},
	{"birth_collected", 500}, {"birth_entered", 300},
	{"death_collected", 500}, {"death_entered", 300},
	{"eligibility_checked", 500}, {"eligibility_entered", 500},
}

const (
	payPeriod  = "2026-12"
	payWorkers = 2000
)

// measurePaymentTable fills a store with ledger entries (one period, 2,000
// workers, eight items) and times Store.SumLedger grouped by worker and
// item against the database's own grouped sum over the same data,
// alternating the two.
func measurePaymentTable(ctx context.Context, b *backend, cfg config, r *report, progress func(string, ...any)) error {
	st, err := b.openStore(ctx, "ledger")
	if err != nil {
		return err
	}
	defer st.Close()
	t0 := time.Now()
	if err := populateLedger(ctx, st, cfg.sizes.ledgerEntries); err != nil {
		return err
	}
	progress("stored %d ledger entries in %.1fs", cfg.sizes.ledgerEntries, time.Since(t0).Seconds())

	raw, closeRaw, err := b.newRawLedgerSum("ledger")
	if err != nil {
		return err
	}
	defer closeRaw()
	filter := pay.LedgerFilter{CampaignID: campaignID, Periods: []string{payPeriod}}
	groupBy := []string{pay.LedgerByWorker, pay.LedgerByItem}
	row := paymentRow{}
	var storeTimes, rawTimes []time.Duration
	for k := -1; k < cfg.sizes.ledgerRuns; k++ { // k = -1 warms the caches
		t := time.Now()
		sums, err := st.SumLedger(ctx, filter, groupBy)
		if err != nil {
			return err
		}
		ds := time.Since(t)
		var entries, total int64
		for _, s := range sums {
			entries, total = entries+s.Count, total+s.AmountFen
		}

		t = time.Now()
		groups, rawEntries, rawTotal, err := raw(ctx, campaignID, payPeriod)
		if err != nil {
			return fmt.Errorf("raw grouped sum: %w", err)
		}
		dr := time.Since(t)
		if groups != int64(len(sums)) || rawEntries != entries || rawTotal != total || entries != int64(cfg.sizes.ledgerEntries) {
			return fmt.Errorf("the payment table (%d groups, %d entries, %d fen) and the raw sum (%d, %d, %d) disagree, or miss entries (%d stored)",
				len(sums), entries, total, groups, rawEntries, rawTotal, cfg.sizes.ledgerEntries)
		}
		row.entries, row.groups = entries, groups
		if k >= 0 {
			storeTimes, rawTimes = append(storeTimes, ds), append(rawTimes, dr)
		}
	}
	row.store, row.raw = median(storeTimes), median(rawTimes)
	progress("payment table: %v, raw %v", row.store, row.raw)
	r.payment = &row
	return nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// populateLedger appends n entries in batches of 1,000 from a few
// goroutines.
func populateLedger(ctx context.Context, st pay.Store, n int) error {
	const batch, workers = 1000, 8
	created := benchNow()
	var (
		next    atomic.Int64
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
			entries := make([]pay.LedgerEntry, 0, batch)
			for {
				from := int(next.Add(batch) - batch)
				if from >= n || ctx.Err() != nil {
					return
				}
				entries = entries[:0]
				for i := from; i < min(n, from+batch); i++ {
					p := payItems[i%len(payItems)]
					worker := (i / len(payItems)) % payWorkers
					t, v := 1+worker%townships, 1+(worker/townships)%villages
					record := fmt.Sprintf("rec-%07d", i/len(payItems))
					entries = append(entries, pay.LedgerEntry{
						ID:  engine.NewID(created.Add(time.Duration(i) * time.Millisecond)),
						Key: fmt.Sprintf("%s/w%04d/%s/%d", record, worker, p.item, i), CampaignID: campaignID,
						PayTableID: "bench-pay", PayTableVersion: 1, Item: p.item,
						Rule: fmt.Sprintf("fen(%d) * count", p.fen/100), Inputs: map[string]any{"count": 1},
						WorkerID: fmt.Sprintf("w%04d", worker), WorkerOrgPath: villagePath(t, v), Role: engine.RoleFieldWorker,
						RecordID: record, Period: payPeriod, AmountFen: p.fen, CreatedBy: "system", CreatedAt: created,
					})
				}
				if _, err := st.AppendLedger(ctx, entries); err != nil {
					errOnce.Do(func() { failed = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		return failed
	}
	return ctx.Err()
}
