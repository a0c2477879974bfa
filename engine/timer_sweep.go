package engine

import (
	"context"
	"time"

	"canvass/workflows"
)

// Timer history actions, written by "system".
const (
	ActionRemind   = "remind"
	ActionEscalate = "escalate"
	SystemActor    = "system"
)

// TimerLease is how long a sweeper holds the records it claimed. A sweeper
// that dies lets its records go after this; another claims them then.
const TimerLease = time.Minute

// SweepBatch is how many due items one sweep call claims at a time.
const SweepBatch = 500

// TimerSweeper returns the Background that fires due workflow timers
// (reminders, escalations, automatic actions) every interval, in batches,
// as owner (unique per process: it names the lease holder).
func (e *Engine) TimerSweeper(owner string, every time.Duration) *Loop {
	return NewLoop("timer sweeper", every, e.logger, func(ctx context.Context) {
		fired, err := DrainBatches(ctx, SweepBatch, func(ctx context.Context, limit int) (int, error) {
			return e.SweepTimers(ctx, owner, limit)
		})
		if err != nil && ctx.Err() == nil {
			e.logger.Error("timer sweep failed", "err", err)
		}
		if fired > 0 {
			e.logger.Info("timers fired", "count", fired)
		}
	})
}

// SweepTimers claims up to limit records whose timer is due and fires each:
// a reminder, an escalation or the state's automatic action, then the next
// timer. owner names this process (any number of replicas may sweep at
// once). Every firing is one conditional update of the record, so a timer
// takes effect exactly once even when two sweepers meet: the loser's update
// fails on the version and is dropped. It returns how many timers fired.
func (e *Engine) SweepTimers(ctx context.Context, owner string, limit int) (int, error) {
	claimed, err := e.store.ClaimDueTimers(ctx, owner, e.Now(), TimerLease, limit)
	if err != nil {
		return 0, err
	}
	if len(claimed) > 0 {
		// One read of the cache generation for the batch, not one per
		// definition look-up of every fired record and its followers.
		if gctx, err := e.WithCacheGeneration(ctx); err == nil {
			ctx = gctx
		}
	}
	fired := 0
	for _, r := range claimed {
		ok, err := e.fireTimer(ctx, r)
		if err != nil {
			e.logger.Error("timer failed", "record", r.ID, "kind", r.TimerKind, "err", err)
			continue
		}
		if ok {
			fired++
		}
	}
	return fired, nil
}

// fireTimer applies one record's due timer. It reports false when the
// record changed since it was claimed (someone acted on it: its new timer
// will be looked at on its own).
func (e *Engine) fireTimer(ctx context.Context, r *Record) (bool, error) {
	now := e.Now()
	wf, _, err := e.Workflow(ctx, r.WorkflowID, r.WorkflowVersion)
	if err != nil {
		return false, err
	}
	sent, _, escalated := TimerCounts(r)
	out := wf.OnTimer(workflows.TimerInput{State: r.State, Kind: r.TimerKind, FiredAt: now, DueAt: r.DueAt, RemindersSent: sent, Escalated: escalated})
	switch {
	case out.Remind:
		r.History = append(r.History, HistoryEntry{At: now, Actor: SystemActor, Action: ActionRemind, FromState: r.State, ToState: r.State})
	case out.Escalate != nil:
		path, err := e.AncestorAt(ctx, r.OrgPath, out.Escalate.Level)
		if err != nil {
			return false, err
		}
		r.CandidateRoles, r.TaskOrgPath, r.Assignee = out.Escalate.Roles, path, ""
		r.History = append(r.History, HistoryEntry{At: now, Actor: SystemActor, Action: ActionEscalate, FromState: r.State, ToState: r.State,
			Reason: "overdue: handed to " + out.Escalate.Level})
	case out.Action != "":
		camp, err := e.Campaign(ctx, r.CampaignID)
		if err != nil {
			return false, err
		}
		unit, err := e.store.GetOrgUnit(ctx, r.OrgUnit)
		if err != nil {
			return false, err
		}
		answers, err := e.PlainAnswers(ctx, r)
		if err != nil {
			return false, err
		}
		next, err := wf.Apply(workflows.Input{State: r.State, Action: out.Action, System: true, Answers: answers, OrgLevel: unit.Level,
			SubmittedAt: submittedAt(r), CreatedAt: r.CreatedAt, RefTime: camp.RefTime(), At: now})
		if err != nil {
			return false, WorkflowError(err, "")
		}
		from := r.State
		if err := e.enter(ctx, r, next); err != nil {
			return false, err
		}
		r.History = append(r.History, HistoryEntry{At: now, Actor: SystemActor, Action: out.Action, FromState: from, ToState: next.To, Reason: "automatic at the due time"})
		out.NextTimerAt, out.TimerKind = r.NextTimerAt, r.TimerKind
	}
	r.NextTimerAt, r.TimerKind, r.UpdatedAt = out.NextTimerAt, out.TimerKind, now
	last := r.History[len(r.History)-1]
	updated, err := e.UpdateRecord(ctx, r)
	if ErrorCode(err) == ECONFLICT {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	e.notifyTimer(ctx, updated)
	if last.Actor == SystemActor && last.At.Equal(now) {
		return true, e.Audit(ctx, nil, "record."+last.Action, "record", updated.ID, updated.OrgPath, map[string]any{"state": updated.State})
	}
	return true, nil
}

// TimerCounts reads the record's timer state from its history: the
// reminders sent since its task opened in its state or, once escalated,
// since the escalation (what the workflow schedules from); all reminders
// sent in the state; and whether it was escalated in this state.
func TimerCounts(r *Record) (sent, inState int, escalated bool) {
	for i := len(r.History) - 1; i >= 0; i-- {
		h := r.History[i]
		switch {
		case h.Actor == SystemActor && h.Action == ActionRemind:
			inState++
			if !escalated {
				sent++
			}
		case h.Actor == SystemActor && h.Action == ActionEscalate:
			escalated = true
		default:
			if h.ToState == r.State && h.Action != ActionClaim && h.Action != ActionUnclaim && h.Action != ActionReassign {
				return sent, inState, escalated
			}
		}
	}
	return sent, inState, escalated
}
