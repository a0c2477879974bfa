package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"canvass/engine"
	"canvass/store/sqlite"
)

// countingSweeper stands in for the engine where the test is about the
// schedule: it answers each call with the next of fired (0 once they run
// out) and counts the calls.
type countingSweeper struct {
	mu     sync.Mutex
	fired  []int
	calls  int
	owners []string
	limits []int
}

func (c *countingSweeper) ReconcilePay(context.Context, time.Time) (int, error) { return 0, nil }

func (c *countingSweeper) SweepTimers(_ context.Context, owner string, limit int) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	c.owners = append(c.owners, owner)
	c.limits = append(c.limits, limit)
	if len(c.fired) == 0 {
		return 0, nil
	}
	n := c.fired[0]
	c.fired = c.fired[1:]
	return n, nil
}

func (c *countingSweeper) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

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

func TestSweeperCatchesUpInBatchesAtStart(t *testing.T) {
	// Two full batches then a short one: three calls, then it rests until
	// the next tick (an hour away).
	eng := &countingSweeper{fired: []int{sweepBatch, sweepBatch, 3}}
	s := startSweeper(eng, time.Hour, discardLog())
	waitFor(t, "the catch-up sweep", func() bool { return eng.count() >= 3 })
	time.Sleep(50 * time.Millisecond)
	s.Stop(context.Background())
	if got, want := eng.count(), 3; got != want {
		t.Errorf("calls: got %d, want %d", got, want)
	}
	if got, want := eng.limits, []int{sweepBatch, sweepBatch, sweepBatch}; !slices.Equal(got, want) {
		t.Errorf("limits: got %v, want %v", got, want)
	}
	owner := regexp.MustCompile(`^[^/]+/` + strconv.Itoa(os.Getpid()) + `/[0-9a-f]{8}$`)
	for _, o := range eng.owners {
		if !owner.MatchString(o) || o != eng.owners[0] {
			t.Errorf("owner %q: want one host/pid/random name for the process", o)
		}
	}
	if sweepOwner() == eng.owners[0] {
		t.Errorf("two sweepers of one process share the owner %q", eng.owners[0])
	}
}

func TestSweeperTicksAndStops(t *testing.T) {
	eng := &countingSweeper{}
	s := startSweeper(eng, time.Second, discardLog())
	waitFor(t, "the first tick after the start", func() bool { return eng.count() >= 2 })
	s.Stop(context.Background())
	after := eng.count()
	time.Sleep(1500 * time.Millisecond)
	if got := eng.count(); got != after {
		t.Errorf("calls after Stop: got %d, want %d", got, after)
	}
}

// blockingSweeper holds each call until its context ends.
type blockingSweeper struct{ started chan struct{} }

func (b *blockingSweeper) ReconcilePay(context.Context, time.Time) (int, error) { return 0, nil }

func (b *blockingSweeper) SweepTimers(ctx context.Context, _ string, _ int) (int, error) {
	close(b.started)
	<-ctx.Done()
	return 0, ctx.Err()
}

func TestSweeperStopCancelsAtTheDeadline(t *testing.T) {
	eng := &blockingSweeper{started: make(chan struct{})}
	s := startSweeper(eng, time.Hour, discardLog())
	<-eng.started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	s.Stop(ctx)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Stop took %v with a 100ms deadline", d)
	}
}

// TestSweeperFiresOverdueTimersAfterARestart runs the sweeper on a real
// engine whose clock is past a record's due time, as after a restart: the
// sweep at start fires the reminder without waiting for a tick.
func TestSweeperFiresOverdueTimersAfterARestart(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Logger: discardLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var mu sync.Mutex
	now := time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Store: st, Now: clock, Vault: vault, Logger: discardLog()})
	if rows, err := eng.ImportOrgUnits(ctx, nil, []engine.OrgUnitRow{
		{Row: 2, Code: "370000", Name: "示例省", Level: engine.LevelProvince},
		{Row: 3, Code: "370100", Name: "示例市", ParentCode: "370000", Level: engine.LevelCity},
		{Row: 4, Code: "370102", Name: "示例区", ParentCode: "370100", Level: engine.LevelDistrict},
		{Row: 5, Code: "370102001", Name: "东关街道", ParentCode: "370102", Level: engine.LevelTownship},
		{Row: 6, Code: "370102001001", Name: "东关村", ParentCode: "370102001", Level: engine.LevelVillage},
	}); err != nil {
		t.Fatalf("import: %v %v", err, rows)
	}
	user := func(name, unit, role string) *engine.Actor {
		u, err := eng.CreateUser(ctx, nil, engine.NewUser{Username: name, DisplayName: name, Password: "s3cret-pass", Roles: []string{role}, OrgUnit: unit})
		if err != nil {
			t.Fatal(err)
		}
		return &engine.Actor{User: u}
	}
	author, worker := user("author", "370102", engine.RoleAuthor), user("worker", "370102001001", engine.RoleFieldWorker)
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "subsidy-application", "subsidy-application.form.json"},
		{engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml"},
		{engine.KindCampaign, "subsidy-2026", "subsidy-2026.campaign.yaml"},
	} {
		src, err := os.ReadFile(filepath.Join("..", "..", "engine", "testdata", "subsidy", f.file))
		if err != nil {
			t.Fatal(err)
		}
		d, err := eng.SaveDraft(ctx, author, f.kind, f.id, f.file, src)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Publish(ctx, author, f.kind, f.id, d.Definition.Version); err != nil {
			t.Fatal(err)
		}
	}
	res, err := eng.Submit(ctx, worker, engine.Submission{CampaignID: "subsidy-2026", FormID: "subsidy-application",
		Answers: map[string]any{"applicant": "孙丽", "idNumber": "370102197512034524", "amount": 3000}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(3 * 24 * time.Hour) // the due time: the first reminder is due
	mu.Unlock()

	s := startSweeper(eng, time.Hour, discardLog())
	defer s.Stop(context.Background())
	waitFor(t, "the reminder", func() bool {
		r, err := st.GetRecord(ctx, res.Record.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := r.History[len(r.History)-1]
		return last.Actor == "system" && last.Action == engine.ActionRemind
	})
}

func TestServeRunsTheSweeper(t *testing.T) {
	got := runCanvass(t, t.TempDir(), "serve", "--sweep-every", "500ms", "--db", "sqlite:c.db")
	if got.code != exitUsage {
		t.Errorf("--sweep-every 500ms: exit code %d, want %d (%s)", got.code, exitUsage, got.stderr)
	}
	checkContains(t, "stderr", got.stderr, "--sweep-every must be at least 1s")

	s := startServe(t, t.TempDir(), "--db", "sqlite:c.db", "--sweep-every", "1s")
	waitFor(t, "the sweeper to start", func() bool { return hasMessage(s, "timer sweeper started") })
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code %d, log %v", code, s.messages())
	}
	msgs := s.messages()
	stopped := slices.Index(msgs, "timer sweeper stopped")
	if stopped < 0 || stopped > slices.Index(msgs, "stopped") {
		t.Errorf("log: got %v, want the sweeper stopped before the store closed", msgs)
	}
}
