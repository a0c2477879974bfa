package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// replicaWorkflow reminds once, a day after a task opens, and then waits.
const replicaWorkflow = `id: replica-check
title: {zh: 复核, en: Check}
start: review
states:
  review:
    title: {zh: 审核, en: Review}
    step: {role: reviewer, level: township}
    due: P1D
    remind: {every: P1D, times: 1}
    actions:
      approve: done
  done:
    title: {zh: 完成, en: Done}
    final: true
`

// RunTimerReplicas checks that two engine instances sweeping the same
// database fire every due timer exactly once (issue: "any number of server
// replicas fire each timer exactly once"). open returns the two stores
// the instances use: two handles on one database where the store allows
// it, or one store twice.
func RunTimerReplicas(t *testing.T, timers int, open func(t *testing.T) (app.Store, app.Store)) {
	t.Helper()
	ctx := context.Background()
	a, b := open(t)
	now := Epoch.Add(48 * time.Hour)
	clock := func() time.Time { return now }
	must(t, a.SaveDraft(ctx, &engine.DefinitionVersion{Kind: engine.KindWorkflow, ID: "replica-check", Version: 1,
		Filename: "replica-check.workflow.yaml", Source: []byte(replicaWorkflow), CreatedAt: Epoch}), "SaveDraft")
	must(t, a.PublishDefinition(ctx, engine.KindWorkflow, "replica-check", 1, "u-author", Epoch), "PublishDefinition")

	ids := make([]string, timers)
	for i := range ids {
		r := NewRecord(Epoch.Add(time.Duration(i) * time.Millisecond))
		r.WorkflowID, r.WorkflowVersion = "replica-check", 1
		r.State, r.Step, r.CandidateRoles, r.TaskOrgPath = "review", "review", []string{"reviewer"}, "/p/c1/t1/"
		r.DueAt, r.NextTimerAt, r.TimerKind = Epoch.Add(24*time.Hour), Epoch.Add(24*time.Hour), "remind"
		mustInsert(t, a, r)
		ids[i] = r.ID
	}

	// The records belong to no published campaign, so posting their pay
	// fails by design; keep those log lines out of the test output.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	engines := []*app.App{app.New(app.Config{Config: engine.Config{Store: a, Now: clock, Logger: quiet}}), app.New(app.Config{Config: engine.Config{Store: b, Now: clock, Logger: quiet}})}
	fired := make([]int, len(engines))
	var wg sync.WaitGroup
	for i, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idle := 0; idle < 3; {
				n, err := e.SweepTimers(ctx, fmt.Sprintf("replica-%d", i), 25)
				if err != nil {
					t.Errorf("replica %d: SweepTimers: %v", i, err)
					return
				}
				fired[i] += n
				if n == 0 {
					idle++
				}
			}
		}()
	}
	wg.Wait()
	if fired[0]+fired[1] != timers {
		t.Errorf("replicas fired %d + %d timers, want %d in all", fired[0], fired[1], timers)
	}
	for _, id := range ids {
		r := mustGet(t, a, id)
		reminders := 0
		for _, h := range r.History {
			if h.Action == engine.ActionRemind {
				reminders++
			}
		}
		if reminders != 1 || !r.NextTimerAt.IsZero() {
			t.Fatalf("record %s: %d reminders, next timer %v; want exactly 1 and none", id, reminders, r.NextTimerAt)
		}
	}
	t.Logf("%d timers: replica 0 fired %d, replica 1 fired %d", timers, fired[0], fired[1])
}
