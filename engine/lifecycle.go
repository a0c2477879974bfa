package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Background is a long-running piece of work — a sweeper, a runner, a
// catch-up pass — with one lifecycle: Start begins it and returns at once;
// Stop ends it, waiting for the pass in hand until ctx ends, then
// cancelling it. The app starts every Background in one place and stops
// them in reverse order before the store closes.
type Background interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

// Loop is the Background of a periodic pass: it runs the pass once at
// Start (so that work that fell due while the server was down is done at
// once), then every interval. A tick that comes while a pass still runs is
// skipped. Passes take leases on what they claim, so any number of server
// processes may run the same loop: each item is handled once.
type Loop struct {
	name  string
	every time.Duration
	pass  func(ctx context.Context)
	log   *slog.Logger

	interrupt bool // Stop cancels the pass in hand at once

	mu     sync.Mutex
	stop   chan struct{} // closed by Stop: no pass after the one in hand
	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutine has returned
}

// NewLoop returns a loop that calls pass every interval once started. name
// is what the log calls it ("timer sweeper"). A pass checks ctx and returns
// soon after it ends.
func NewLoop(name string, every time.Duration, log *slog.Logger, pass func(ctx context.Context)) *Loop {
	if log == nil {
		log = slog.Default()
	}
	return &Loop{name: name, every: every, pass: pass, log: log}
}

// Interruptible makes Stop cancel the pass in hand at once instead of
// waiting for it, for passes that resume where they stopped (an import job
// restarts from its checkpoint). It returns l.
func (l *Loop) Interruptible() *Loop {
	l.interrupt = true
	return l
}

// Every returns the loop's interval.
func (l *Loop) Every() time.Duration { return l.every }

// Start runs the first pass and the schedule in a goroutine. The loop
// lives until Stop; ctx only carries values to the passes (its end does not
// stop the loop: Stop does, so that the shutdown order stays in one place).
// Starting a started loop does nothing.
func (l *Loop) Start(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done != nil {
		return nil
	}
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop, done := make(chan struct{}), make(chan struct{})
	l.stop, l.cancel, l.done = stop, cancel, done
	go func() {
		defer close(done)
		t := time.NewTicker(l.every)
		defer t.Stop()
		for {
			l.pass(run)
			// A tick that came during the pass is dropped, not run at once.
			select {
			case <-t.C:
			default:
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	l.log.Info(l.name+" started", "every", l.every.String())
	return nil
}

// Stop ends the schedule and waits for the pass in hand to finish; when
// ctx ends first it cancels the pass, waits for it to return and returns
// ctx's error. Stopping a loop that never started, or twice, does nothing.
func (l *Loop) Stop(ctx context.Context) error {
	l.mu.Lock()
	stop, cancel, done := l.stop, l.cancel, l.done
	l.stop = nil
	l.mu.Unlock()
	if stop == nil {
		return nil
	}
	close(stop)
	if l.interrupt {
		cancel()
	}
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		l.log.Warn(l.name + " still running at the shutdown deadline; cancelling it")
		cancel()
		<-done
		err = ctx.Err()
	}
	cancel()
	l.log.Info(l.name + " stopped")
	return err
}

// DrainBatches calls sweep with limit until a call handles fewer than limit
// items, an error, or ctx's end, and returns how many it handled in all:
// a sweep after downtime catches up on everything due without waiting for
// the next tick.
func DrainBatches(ctx context.Context, limit int, sweep func(ctx context.Context, limit int) (int, error)) (int, error) {
	total := 0
	for {
		n, err := sweep(ctx, limit)
		total += n
		if err != nil || n < limit || ctx.Err() != nil {
			return total, err
		}
	}
}
