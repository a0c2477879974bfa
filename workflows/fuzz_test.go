package workflows

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"canvass/internal/linttest"
)

// FuzzLoad checks that Load never panics or hangs, that a workflow it
// returns is usable, and that it reports positions inside the file.
func FuzzLoad(f *testing.F) {
	linttest.FuzzSeeds(f, ".workflow.yaml")
	at := time.Date(2026, 11, 20, 1, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		w, ds := Load("fuzz.workflow.yaml", src)
		// Only LF ends a line here, not also a lone CR as in
		// linttest.LineCount: a tighter bound, which workflows meets.
		linttest.CheckPositions(t, bytes.Count(src, []byte("\n"))+1, ds)
		if w == nil {
			return
		}
		if err := w.invariants(); err != nil {
			t.Fatalf("Load returned a workflow that breaks an invariant: %v\n%s", err, src)
		}
		// A loaded workflow runs: every declared action from every state,
		// and every timer kind, without panicking.
		if _, err := w.Begin(Input{At: at, SubmittedAt: at}); err != nil {
			return
		}
		for _, s := range w.States() {
			for _, a := range w.Actions(s) {
				_, _ = w.Apply(Input{State: s, Action: a, Reason: "r", System: true, At: at, SubmittedAt: at})
			}
			for _, k := range []string{TimerRemind, TimerEscalate, TimerAuto} {
				w.OnTimer(TimerInput{State: s, Kind: k, FiredAt: at, DueAt: at})
			}
		}
	})
}

// invariants checks what Load promises of a workflow it returns, so that
// the engine can rely on it without checking again.
func (w *Workflow) invariants() error {
	if w.states[w.start] == nil {
		return fmt.Errorf("start %q is not a state", w.start)
	}
	for _, name := range w.order {
		s := w.states[name]
		if s.final {
			if s.step != nil || len(s.actions) > 0 || s.due != nil || s.auto != "" {
				return fmt.Errorf("final state %s has a task", name)
			}
			continue
		}
		if s.step == nil || len(s.step.Roles) == 0 || !slices.Contains(Levels, s.step.Level) {
			return fmt.Errorf("state %s: no one can act: %+v", name, s.step)
		}
		if len(s.actions) == 0 {
			return fmt.Errorf("state %s has no actions", name)
		}
		if (s.remind != nil || s.escalate != nil || s.auto != "") && s.due == nil {
			return fmt.Errorf("state %s has a timer but no due time", name)
		}
		if s.escalate != nil && s.escalate.levelAbove && LevelAbove(s.step.Level) == "" {
			return fmt.Errorf("state %s escalates above the top", name)
		}
		if s.auto != "" && (s.action(s.auto) == nil || s.auto == ActionReturn) {
			return fmt.Errorf("state %s: bad auto action %q", name, s.auto)
		}
		for _, a := range s.actions {
			if len(a.routes) == 0 {
				return fmt.Errorf("state %s: action %s has no route", name, a.name)
			}
			for _, r := range a.routes {
				if w.states[r.to] == nil {
					return fmt.Errorf("state %s: action %s goes to unknown state %q", name, a.name, r.to)
				}
			}
		}
	}
	return nil
}
