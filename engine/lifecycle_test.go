package engine_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"canvass/engine"
)

// counter counts passes and answers each sweep call with the next of
// fired (0 once they run out).
type counter struct {
	mu     sync.Mutex
	passes int
	fired  []int
	limits []int
}

func (c *counter) pass(context.Context) { c.mu.Lock(); c.passes++; c.mu.Unlock() }

func (c *counter) count() int { c.mu.Lock(); defer c.mu.Unlock(); return c.passes }

func (c *counter) sweep(_ context.Context, limit int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.limits = append(c.limits, limit)
	if len(c.fired) == 0 {
		return 0, nil
	}
	n := c.fired[0]
	c.fired = c.fired[1:]
	return n, nil
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)) }

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waited 5s for %s", what)
}

func TestDrainBatchesCatchesUpUntilABatchIsShort(t *testing.T) {
	// Two full batches then a short one: three calls, 1003 handled.
	c := &counter{fired: []int{500, 500, 3}}
	total, err := engine.DrainBatches(context.Background(), 500, c.sweep)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := total, 1003; got != want {
		t.Errorf("total: got %d, want %d", got, want)
	}
	if got, want := c.limits, []int{500, 500, 500}; !slices.Equal(got, want) {
		t.Errorf("limits: got %v, want %v", got, want)
	}
}

func TestLoopRunsAtStartThenTicksAndStops(t *testing.T) {
	c := &counter{}
	var logs bytes.Buffer
	l := engine.NewLoop("test loop", time.Second, slog.New(slog.NewTextHandler(&logs, nil)), c.pass)
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the pass at start", func() bool { return c.count() >= 1 })
	waitFor(t, "the first tick after the start", func() bool { return c.count() >= 2 })
	if err := l.Stop(context.Background()); err != nil {
		t.Fatalf("stop: %v", err)
	}
	after := c.count()
	time.Sleep(1500 * time.Millisecond)
	if got := c.count(); got != after {
		t.Errorf("passes after Stop: got %d, want %d", got, after)
	}
	for _, want := range []string{"test loop started", "test loop stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if err := l.Stop(context.Background()); err != nil {
		t.Errorf("a second Stop: %v", err)
	}
}

func TestLoopStopWaitsForThePassThenCancelsAtTheDeadline(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	l := engine.NewLoop("blocking loop", time.Hour, quietLog(), func(ctx context.Context) {
		once.Do(func() { close(started) })
		<-ctx.Done()
	})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-started
	// The clock starts before the deadline is set, so the deadline cannot
	// fall before 100ms on it.
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := l.Stop(ctx)
	if d := time.Since(start); d < 100*time.Millisecond || d > 2*time.Second {
		t.Errorf("Stop took %v with a 100ms deadline: it should wait for the pass until the deadline, then cancel it", d)
	}
	if err != context.DeadlineExceeded {
		t.Errorf("Stop: got %v, want the deadline's error", err)
	}
}

func TestInterruptibleLoopCancelsThePassAtOnce(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	l := engine.NewLoop("import runner", time.Hour, quietLog(), func(ctx context.Context) {
		once.Do(func() { close(started) })
		<-ctx.Done()
	}).Interruptible()
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := l.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Stop took %v: an interruptible pass is cancelled at once", d)
	}
}

// TestTimerSweeperFiresOverdueTimersAfterARestart runs the timer sweeper
// on a real engine whose clock is past a record's due time, as after a
// restart: the pass at start fires the reminder without waiting for a
// tick.
func TestTimerSweeperFiresOverdueTimersAfterARestart(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	seedTree(t, e)
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	worker := mustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker)
	publishSubsidy(t, e, author)
	res, err := e.Submit(ctx, worker, engine.Submission{CampaignID: "subsidy-2026", FormID: "subsidy-application",
		Answers: map[string]any{"applicant": "孙丽", "idNumber": "370102197512034524", "amount": 3000}})
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(3 * 24 * time.Hour) // the due time: the first reminder is due

	s := e.TimerSweeper("sweeper-test", time.Hour)
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop(context.Background())
	waitFor(t, "the reminder", func() bool {
		r, err := e.Store().GetRecord(ctx, res.Record.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := r.History[len(r.History)-1]
		return last.Actor == "system" && last.Action == engine.ActionRemind
	})
}
