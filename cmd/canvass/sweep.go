package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"canvass/rules"
)

// Timer sweeping: how often, and how many records one engine call fires.
const (
	defaultSweepEvery = 15 * time.Second
	sweepBatch        = 500
)

// timerSweeper is what the sweeper needs of the engine.
type timerSweeper interface {
	SweepTimers(ctx context.Context, owner string, limit int) (int, error)
	ReconcilePay(ctx context.Context, since time.Time) (int, error)
}

// sweeper fires due workflow timers (reminders, escalations, automatic
// actions) on a schedule. It sweeps once at start, so timers that fell due
// while the server was down fire at once, then every interval. Each sweep
// calls the engine in batches until a batch fires fewer than a full one.
// Any number of replicas may sweep: the engine leases what it claims, so
// every timer fires once.
type sweeper struct {
	eng   timerSweeper
	every time.Duration
	owner string
	batch int
	log   *slog.Logger
	cron  *cron.Cron

	// ctx ends the engine call in flight when stopping takes too long.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	stopping bool
	running  sync.WaitGroup
}

// startSweeper sweeps now, in the background, then every interval, until
// Stop.
func startSweeper(eng timerSweeper, every time.Duration, log *slog.Logger) *sweeper {
	ctx, cancel := context.WithCancel(context.Background())
	s := &sweeper{eng: eng, every: every, owner: sweepOwner(), batch: sweepBatch, log: log, ctx: ctx, cancel: cancel}
	// A tick that comes while a sweep still runs (the first one included)
	// is skipped: the running sweep goes on until nothing is due.
	job := cron.NewChain(cron.SkipIfStillRunning(cron.DiscardLogger)).Then(cron.FuncJob(s.sweep))
	s.cron = cron.New(cron.WithLocation(rules.Shanghai))
	s.cron.Schedule(cron.Every(every), job)
	s.running.Add(1)
	go func() {
		defer s.running.Done()
		job.Run()
	}()
	s.cron.Start()
	log.Info("timer sweeper started", "every", every.String(), "owner", s.owner)
	return s
}

// sweep fires due timers batch by batch until a batch is not full.
func (s *sweeper) sweep() {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return
	}
	s.running.Add(1)
	s.mu.Unlock()
	defer s.running.Done()

	total := 0
	for {
		fired, err := s.eng.SweepTimers(s.ctx, s.owner, s.batch)
		total += fired
		if err != nil {
			if s.ctx.Err() == nil {
				s.log.Error("timer sweep failed", "err", err)
			}
			break
		}
		if fired < s.batch || s.isStopping() {
			break
		}
	}
	if total > 0 {
		s.log.Info("timers fired", "count", total)
	}
	// Pay that a crash kept from being posted right after its record's
	// update is posted now; looking back four intervals covers a missed
	// tick or two. Posting is idempotent, so replicas may overlap.
	if s.ctx.Err() == nil && !s.isStopping() {
		posted, err := s.eng.ReconcilePay(s.ctx, time.Now().Add(-4*s.every))
		switch {
		case err != nil && s.ctx.Err() == nil:
			s.log.Error("pay reconciliation failed", "err", err)
		case posted > 0:
			s.log.Warn("posted pay that was missing after a crash", "entries", posted)
		}
	}
	if c, ok := s.eng.(interface {
		CatchUpIndicators(context.Context, time.Time) (int, error)
	}); ok && s.ctx.Err() == nil && !s.isStopping() {
		c.CatchUpIndicators(s.ctx, time.Now().Add(-4*s.every)) // logs its own failures; counters are idempotent
	}
}

func (s *sweeper) isStopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopping
}

// Stop ends the schedule and waits for a sweep in progress to finish its
// batch; when ctx ends first, it cancels the engine call and waits for it
// to return. Call it before closing the store.
func (s *sweeper) Stop(ctx context.Context) {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	s.cron.Stop()
	done := make(chan struct{})
	go func() {
		s.running.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("timer sweep still running at the shutdown deadline; cancelling it")
		s.cancel()
		<-done
	}
	s.cancel()
	s.log.Info("timer sweeper stopped")
}

// sweepOwner names this process among the sweepers, for the leases it
// takes: host, process ID and a random part (a restarted process may get
// the same PID).
func sweepOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "canvass"
	}
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		panic("no randomness: " + err.Error())
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}
