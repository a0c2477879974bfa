package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"canvass/engine"
)

// ingestRow is the ingest rates, in operations per second, at one
// concurrency.
type ingestRow struct {
	concurrency int
	http        float64 // POST /api/v1/records through the real app
	engine      float64 // engine.Submit in-process
	store       float64 // Store.InsertRecord of prepared records
	raw         float64 // the database alone, one durable insert per write

	// CPU time of this process per operation (user + system, getrusage),
	// load generator included: on a shared machine the rates move with
	// the load, the CPU per operation much less.
	httpCPU, engineCPU, storeCPU, rawCPU time.Duration
}

// op is one unit of work of an ingest path, run by worker on its own rng.
type op func(ctx context.Context, rng *rand.Rand, worker int) error

// measureIngest runs the four ingest paths at each concurrency, in
// interleaved rounds (raw, store, engine, HTTP, raw, …) so that a change
// in the machine's load lands on all of them, and profiles the HTTP cells.
func measureIngest(ctx context.Context, b *backend, cfg config, r *report, progress func(string, ...any)) error {
	st, err := b.openStore(ctx, "ingest")
	if err != nil {
		return err
	}
	w, err := newWorld(ctx, st)
	if err != nil {
		st.Close()
		return err
	}
	defer w.close()

	variants := 1024
	if cfg.sizes.name == tinySizes.name {
		variants = 32
	}
	answers := newAnswerSet(variants, 1)
	decoded := make([]map[string]any, len(answers.json))
	workers := make([]*engine.Actor, fieldWorkers)
	for i := range workers {
		workers[i] = w.actors[workerName(i)]
	}
	// Every variant goes through the engine once: it checks that they are
	// all valid and warms the definition cache; the first stored record is
	// the template of the prepared records.
	var tmpl *engine.Record
	for i, a := range answers.json {
		if err := json.Unmarshal(a, &decoded[i]); err != nil {
			return err
		}
		res, err := w.eng.Submit(ctx, workers[i%fieldWorkers], engine.Submission{CampaignID: campaignID, FormID: formID, Answers: cloneAnswers(a)})
		if err != nil {
			return fmt.Errorf("answers variant %d: %v %v", i, err, engine.ErrorFields(err))
		}
		if tmpl == nil {
			tmpl = res.Record
		}
	}
	expected := int64(len(answers.json))

	maxConc := 0
	for _, c := range cfg.sizes.concurrency {
		maxConc = max(maxConc, c)
	}
	raw, err := b.newRawInserter(ctx, "ingest", tmpl, maxConc)
	if err != nil {
		return fmt.Errorf("raw baseline: %w", err)
	}
	defer raw.close()

	var dedup atomic.Int64
	paths := []struct {
		name    string
		rate    func(*ingestRow) *float64
		cpu     func(*ingestRow) *time.Duration
		op      op
		counted bool // its records land in the store
	}{
		{"raw", func(r *ingestRow) *float64 { return &r.raw }, func(r *ingestRow) *time.Duration { return &r.rawCPU }, func(ctx context.Context, rng *rand.Rand, _ int) error {
			return raw.insert(ctx, engine.NewID(benchNow()))
		}, false},
		{"store", func(r *ingestRow) *float64 { return &r.store }, func(r *ingestRow) *time.Duration { return &r.storeCPU }, func(ctx context.Context, rng *rand.Rand, _ int) error {
			rec := *tmpl
			rec.ID, rec.DedupKey, rec.Version = engine.NewID(benchNow()), fmt.Sprintf("prepared-%d", dedup.Add(1)), 0
			_, _, err := st.InsertRecord(ctx, &rec)
			return err
		}, true},
		{"engine", func(r *ingestRow) *float64 { return &r.engine }, func(r *ingestRow) *time.Duration { return &r.engineCPU }, func(ctx context.Context, rng *rand.Rand, worker int) error {
			_, err := w.eng.Submit(ctx, workers[worker%fieldWorkers], engine.Submission{
				ID: newUUID(rng), CampaignID: campaignID, FormID: formID, Answers: cloneAnswers(answers.json[rng.IntN(len(answers.json))]),
			})
			return err
		}, true},
		{"http", func(r *ingestRow) *float64 { return &r.http }, func(r *ingestRow) *time.Duration { return &r.httpCPU }, func(ctx context.Context, rng *rand.Rand, worker int) error {
			body := submitBody(newUUID(rng), answers.json[rng.IntN(len(answers.json))])
			return w.do(ctx, workerName(worker%fieldWorkers), http.MethodPost, "/api/v1/records", body, http.StatusCreated)
		}, true},
	}

	var profiles []string
	for _, c := range cfg.sizes.concurrency {
		row := ingestRow{concurrency: c}
		ops := make([]int64, len(paths))
		took := make([]time.Duration, len(paths))
		cpu := make([]time.Duration, len(paths))
		for round := range cfg.sizes.ingestRounds {
			for i, p := range paths {
				var prof string
				if p.name == "http" {
					prof = filepath.Join(cfg.dir, fmt.Sprintf("ingest-c%d-r%d.pprof", c, round))
				}
				cpu0 := processCPU()
				n, d, err := runCell(ctx, c, cfg.sizes.ingestCell, p.op, prof)
				if err != nil {
					return fmt.Errorf("%s at concurrency %d: %w", p.name, c, err)
				}
				cpu[i] += processCPU() - cpu0
				ops[i], took[i] = ops[i]+n, took[i]+d
				if p.counted {
					expected += n
				}
				if prof != "" {
					profiles = append(profiles, prof)
				}
			}
		}
		for i, p := range paths {
			*p.rate(&row) = float64(ops[i]) / took[i].Seconds()
			*p.cpu(&row) = cpu[i] / time.Duration(max(ops[i], 1))
		}
		progress("ingest c=%d: http %.0f/s, engine %.0f/s, store %.0f/s, raw %.0f/s", c, row.http, row.engine, row.store, row.raw)
		r.ingest = append(r.ingest, row)
	}

	// Every acknowledged submission must be in the store.
	n, err := st.CountRecords(ctx, engine.RecordFilter{CampaignID: campaignID})
	if err != nil {
		return err
	}
	if n != expected {
		return fmt.Errorf("the store holds %d records, %d were acknowledged", n, expected)
	}
	if r.cpu, err = cpuShares(ctx, profiles); err != nil {
		return fmt.Errorf("CPU profile: %w", err)
	}
	for _, p := range profiles {
		os.Remove(p)
	}
	return nil
}

// cloneAnswers decodes a fresh answers map: the engine owns what it is given.
func cloneAnswers(b []byte) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err) // made by json.Marshal
	}
	return m
}

// runCell runs op on c workers until d has passed, and returns how many
// ops completed and how long they took from the start to the last one.
// With a profile path, a CPU profile covers the cell; the workers carry the
// label side=client, so the profile can tell the load generator from the
// server.
func runCell(ctx context.Context, c int, d time.Duration, fn op, profile string) (int64, time.Duration, error) {
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return 0, 0, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return 0, 0, err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		done     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	start := time.Now()
	deadline := start.Add(d)
	for i := range c {
		wg.Add(1)
		go pprof.Do(ctx, pprof.Labels("side", "client"), func(ctx context.Context) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano())))
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if err := fn(ctx, rng, i); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if firstErr != nil {
		return 0, 0, firstErr
	}
	return done.Load(), took, ctx.Err()
}
