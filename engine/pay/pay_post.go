package pay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"canvass/engine"
	"canvass/paytables"
	"canvass/workflows"
)

// How pay posts (see the paytables package for what a table says):
//
//   - Events come from a record's history, so the same function serves the
//     live path (RecordWritten, right after the record's update is stored) and
//     the reconciler (ReconcilePay), which re-derives the pay of recently
//     updated records and appends whatever a crash between the two writes
//     left out. Ledger keys ("<record>/<payee>/<item>") make both safe to
//     repeat: a key already in the ledger is skipped, and AppendLedger is
//     idempotent on it even when two replicas race.
//   - record.submitted: each "submit" of the record (its first, or after a
//     return; the key pays it once). record.approved: each "approve".
//     record.accepted: the record entered a final state whose name is not
//     rejected, cancelled or canceled. record.entered: someone marked the
//     record as typed into the official system (MarkEntered, the clerk's
//     "entered" action; a record is entered once). qc.pass and qc.problem:
//     a spot check's outcome (RecordQCOutcome). attendance.day: a
//     supervisor's day on site (RecordAttendance), a ledger-only event.
//   - Caps: a payment is capped by what the payee was paid under its role
//     in the period within the campaign. Payments are serialized per
//     campaign, payee and period in this process; two replicas paying the
//     same person in the same second can both see the same sum and exceed
//     the cap by one line. The amount of every line stays traceable (Rule
//     and Inputs), and finance corrects it with a reversal.
//   - Locked periods: an entry whose period is locked lands in the next
//     open period, its Inputs naming the period it was earned in. Posting
//     and locking are serialized per campaign in this process; across
//     replicas a posting in flight while a period is locked can still land
//     in it (the lock is a finance step at the end of a period, when
//     little is posted).

// History actions of pay that do not move a record between states.
const (
	ActionEnter     = "enter"      // typed into the official system (record.entered)
	ActionQCSample  = "qc.sample"  // drawn for a spot check: a QC task opened
	ActionQCPass    = "qc.pass"    // a spot check found no problem
	ActionQCProblem = "qc.problem" // a spot check found a problem
)

// notAccepted are final-state names that are not an acceptance.
var notAccepted = map[string]bool{"rejected": true, "cancelled": true, "canceled": true}

// AcceptedState reports whether a final state counts as accepted: every
// final state does unless it is named rejected, cancelled or canceled.
func AcceptedState(wf *workflows.Workflow, state string) bool {
	return wf.IsFinal(state) && !notAccepted[state]
}

// RecordWritten posts the pay r's history earns and has not been posted
// yet, right after the record's write was stored: the pay service is a
// record follower (engine.RecordFollower). A failure is logged by the
// engine, not returned to the person who acted: the action happened, and
// the reconciler (ReconcilePay) posts what is missing.
func (s *Service) RecordWritten(ctx context.Context, r *engine.Record) error {
	_, err := s.postRecordPay(ctx, r)
	return err
}

// postRecordPay posts every entry r's history earns that the ledger lacks
// and returns how many it wrote.
func (s *Service) postRecordPay(ctx context.Context, r *engine.Record) (int, error) {
	if r.State == engine.StateDraft || r.WorkflowID == "" {
		return 0, nil
	}
	camp, err := s.e.Campaign(ctx, r.CampaignID)
	if err != nil {
		return 0, err
	}
	if camp.PayTable() == "" {
		return 0, nil
	}
	wf, _, err := s.e.Workflow(ctx, r.WorkflowID, r.WorkflowVersion)
	if err != nil {
		return 0, err
	}
	answers, err := s.e.PlainAnswers(ctx, r)
	if err != nil {
		return 0, err
	}
	creator, err := s.payCreator(ctx, r)
	if err != nil {
		return 0, err
	}
	return s.postEvents(ctx, camp.ID(), camp.PayTable(), r.ID, recordPayEvents(r, creator, wf, answers), engine.SystemActor)
}

// payCreator is who "pays: creator" pays for r: the person who filled it,
// or, for a record a respondent filled through a public link, the person
// who made the link and handed it over — the survey pays the surveyor per
// household either way.
func (s *Service) payCreator(ctx context.Context, r *engine.Record) (string, error) {
	linkID, ok := strings.CutPrefix(r.CreatedBy, engine.PublicActorPrefix)
	if !ok {
		return r.CreatedBy, nil
	}
	l, err := s.store.GetLink(ctx, linkID)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		return r.CreatedBy, nil // pays nobody, as before links kept their maker
	}
	if err != nil {
		return "", err
	}
	return l.CreatedBy, nil
}

// recordPayEvents derives the paying events from a record's history, in
// order, each with the spot-check outcome known at that point; creator is
// who "pays: creator" pays (see payCreator). Roles are
// filled in by postEvents.
func recordPayEvents(r *engine.Record, creator string, wf *workflows.Workflow, answers map[string]any) []paytables.Event {
	var evs []paytables.Event
	qc := ""
	add := func(kind string, h engine.HistoryEntry) {
		evs = append(evs, paytables.Event{Kind: kind, RecordID: r.ID, FormID: r.FormID, CreatorID: creator,
			ActorID: h.Actor, Answers: answers, QC: qc, At: h.At})
	}
	for _, h := range r.History {
		switch h.Action {
		case "submit":
			add(paytables.EventRecordSubmitted, h)
		case "approve":
			add(paytables.EventRecordApproved, h)
		case ActionEnter:
			add(paytables.EventRecordEntered, h)
		case ActionQCPass:
			add(paytables.EventQCPass, h)
			qc = "pass"
		case ActionQCProblem:
			add(paytables.EventQCProblem, h)
			qc = "problem"
		}
		if h.ToState != "" && h.ToState != h.FromState && AcceptedState(wf, h.ToState) {
			add(paytables.EventRecordAccepted, h)
		}
	}
	return evs
}

// payee is what posting needs to know about a person.
type payee struct {
	roles   []string
	orgPath string
}

// postEvents turns events about one record (or attendance day) into ledger
// entries: lines from the pay table in effect at each event, keys already
// in the ledger skipped, withholdings resolved to the negation of what
// they withhold, payments capped, locked periods skipped.
func (s *Service) postEvents(ctx context.Context, campaignID, payTableID, recordID string, evs []paytables.Event, by string) (int, error) {
	if len(evs) == 0 {
		return 0, nil
	}
	lock := s.campaignLock(campaignID)
	lock.RLock()
	defer lock.RUnlock()
	people := map[string]*payee{}
	person := func(id string) (*payee, error) {
		if p, ok := people[id]; ok {
			return p, nil
		}
		p := &payee{}
		if engine.ValidID(id) {
			u, err := s.store.GetUser(ctx, id)
			switch {
			case err == nil && !u.Disabled:
				p.roles, p.orgPath = u.Roles, u.OrgPath
			case err != nil && engine.ErrorCode(err) != engine.ENOTFOUND:
				return nil, err
			}
		}
		people[id] = p
		return p, nil
	}
	locked, err := s.lockedPeriods(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	written := 0
	for _, ev := range evs {
		pt, version, err := s.payTableAt(ctx, payTableID, ev.At)
		if err != nil {
			return written, err
		}
		if pt == nil {
			continue // no version in effect yet: the event earns nothing
		}
		creator, err := person(ev.CreatorID)
		if err != nil {
			return written, err
		}
		actor, err := person(ev.ActorID)
		if err != nil {
			return written, err
		}
		ev.CreatorRoles, ev.ActorRoles = creator.roles, actor.roles
		lines, err := pt.Lines(ev)
		if errors.Is(err, paytables.ErrNotInEffect) {
			continue
		}
		if err != nil {
			return written, engine.WrapError(engine.EINTERNAL, fmt.Sprintf("pay table %s version %d", pt.ID(), version), err)
		}
		for _, line := range lines {
			p, err := person(line.PayeeID)
			if err != nil {
				return written, err
			}
			entry := LedgerEntry{
				Key: line.Key, CampaignID: campaignID, PayTableID: pt.ID(), PayTableVersion: version, Item: line.Item,
				Rule: line.Rule, Inputs: line.Inputs, WorkerID: line.PayeeID, WorkerOrgPath: p.orgPath, Role: line.Role,
				RecordID: recordID, Period: line.Period, CreatedBy: by,
			}
			n, err := s.appendLine(ctx, pt, line, entry, locked)
			if err != nil {
				return written, err
			}
			written += n
		}
	}
	return written, nil
}

// appendLine writes one line under the payee's lock: skipped when its key
// is in the ledger, a withholding resolved against the entry it reverses,
// a payment capped by the payee's period sum.
func (s *Service) appendLine(ctx context.Context, pt *paytables.PayTable, line paytables.Line, entry LedgerEntry, locked map[string]bool) (int, error) {
	entry.Period = openPeriod(locked, line.Period)
	mu := s.payeeLock(entry.CampaignID, entry.WorkerID, entry.Period)
	mu.Lock()
	defer mu.Unlock()
	existing, err := s.recordLedger(ctx, entry.CampaignID, entry.RecordID, entry.WorkerID)
	if err != nil {
		return 0, err
	}
	if existing.byKey[entry.Key] != nil {
		return 0, nil
	}
	if entry.Period != line.Period {
		entry.Inputs = withInput(entry.Inputs, "earned_in_period", line.Period)
	}
	if line.Reverses != "" {
		orig := existing.byKey[line.ReversedKey()]
		if orig == nil || existing.reversed[orig.ID] {
			return 0, nil // nothing was paid, or it was already taken back
		}
		entry.AmountFen, entry.Reverses, entry.Reason = -orig.AmountFen, orig.ID, line.Rule
		entry.PayTableID, entry.PayTableVersion = orig.PayTableID, orig.PayTableVersion
	} else {
		paid, err := s.paidInPeriod(ctx, entry.CampaignID, entry.WorkerID, entry.Role, entry.Period)
		if err != nil {
			return 0, err
		}
		line.Period = entry.Period
		capped := pt.ApplyCap(line, paid)
		entry.AmountFen, entry.Rule = capped.AmountFen, capped.Rule
		for k, v := range capped.Inputs {
			entry.Inputs = withInput(entry.Inputs, k, v)
		}
	}
	now := s.e.Now()
	entry.ID, entry.CreatedAt = engine.NewID(now), now
	return s.store.AppendLedger(ctx, []LedgerEntry{entry})
}

func withInput(in map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(in)+1)
	for key, val := range in {
		out[key] = val
	}
	out[k] = v
	return out
}

// recordEntries are a payee's ledger entries about one record.
type recordEntries struct {
	byKey    map[string]*LedgerEntry
	reversed map[string]bool // IDs of entries some entry reverses
}

func (s *Service) recordLedger(ctx context.Context, campaignID, recordID, workerID string) (*recordEntries, error) {
	out := &recordEntries{byKey: map[string]*LedgerEntry{}, reversed: map[string]bool{}}
	err := s.eachLedgerEntry(ctx, LedgerFilter{CampaignID: campaignID, RecordID: recordID, WorkerID: workerID}, func(le *LedgerEntry) error {
		out.byKey[le.Key] = le
		if le.Reverses != "" {
			out.reversed[le.Reverses] = true
		}
		return nil
	})
	return out, err
}

// eachLedgerEntry calls fn for every entry matching f, page by page.
func (s *Service) eachLedgerEntry(ctx context.Context, f LedgerFilter, fn func(*LedgerEntry) error) error {
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListLedger(ctx, f, p)
		if err != nil {
			return err
		}
		for _, le := range page.Entries {
			if err := fn(le); err != nil {
				return err
			}
		}
		if page.Next == "" {
			return nil
		}
		p.After = page.Next
	}
}

// paidInPeriod is what the worker was paid under role in the campaign's
// period, withholdings and reversals included.
func (s *Service) paidInPeriod(ctx context.Context, campaignID, workerID, role, period string) (int64, error) {
	sums, err := s.store.SumLedger(ctx, LedgerFilter{CampaignID: campaignID, WorkerID: workerID, Periods: []string{period}}, []string{LedgerByRole})
	if err != nil {
		return 0, err
	}
	for _, s := range sums {
		if s.Key[LedgerByRole] == role {
			return s.AmountFen, nil
		}
	}
	return 0, nil
}

// campaignLock is the in-process lock of a campaign's periods: posting
// takes it shared, locking a period takes it exclusively.
func (s *Service) campaignLock(id string) *sync.RWMutex {
	mu, _ := s.campaignLocks.LoadOrStore(id, &sync.RWMutex{})
	return mu.(*sync.RWMutex)
}

// payeeLock serializes payments to one payee in one period, so that caps
// see every earlier payment.
func (s *Service) payeeLock(campaignID, workerID, period string) *sync.Mutex {
	mu, _ := s.payeeLocks.LoadOrStore(campaignID+"\x00"+workerID+"\x00"+period, &sync.Mutex{})
	return mu.(*sync.Mutex)
}

// Reconciler returns the Background that runs ReconcilePay every
// interval over the records updated in the last four intervals, so that a
// pass that failed or a process that died is covered by the next one.
//
// Until its first pass succeeds, it reaches back further: to four
// intervals before the newest audit event, the last thing the store saw
// happen before this process started. A process killed between a
// record's update and its posting may stay down for longer than four
// intervals (a reboot, a crash loop); the last window then lies before
// the restart, and without this the missing pay would never be posted.
func (s *Service) Reconciler(every time.Duration) *engine.Loop {
	lookback := 4 * every
	caughtUp := false // read and written by the loop's goroutine only
	return engine.NewLoop("pay reconciler", every, s.e.Logger(), func(ctx context.Context) {
		since := s.e.Now().Add(-lookback)
		if !caughtUp {
			since = s.lastActivity(ctx, since).Add(-lookback)
		}
		posted, err := s.ReconcilePay(ctx, since)
		switch {
		case err != nil && ctx.Err() == nil:
			s.e.Logger().Error("pay reconciliation failed", "err", err)
		case posted > 0:
			s.e.Logger().Warn("posted pay that was missing after a crash", "entries", posted)
		}
		caughtUp = caughtUp || err == nil
	})
}

// lastActivity is the time of the newest audit event, or now when there
// is none later (or the log cannot be read: the regular window then still
// runs).
func (s *Service) lastActivity(ctx context.Context, now time.Time) time.Time {
	page, err := s.e.Store().ListAudit(ctx, engine.AuditFilter{}, engine.Page{Desc: true, Limit: 1})
	if err != nil || len(page.Events) == 0 || !page.Events[0].At.Before(now) {
		return now
	}
	return page.Events[0].At
}

// ReconcilePay re-derives the pay of every record updated at or after
// since and appends what the ledger lacks (a crash between a record's
// update and its posting). It returns how many entries it wrote. The
// Reconciler loop runs it with since a little further back than its
// interval.
func (s *Service) ReconcilePay(ctx context.Context, since time.Time) (int, error) {
	written := 0
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListRecords(ctx, engine.RecordFilter{UpdatedFrom: since}, p)
		if err != nil {
			return written, err
		}
		for _, r := range page.Records {
			n, err := s.postRecordPay(ctx, r)
			if err != nil {
				s.e.Logger().Error("reconciling pay failed", "record", r.ID, "err", err)
				continue
			}
			written += n
		}
		if page.Next == "" {
			return written, nil
		}
		p.After = page.Next
	}
}

// yuan formats fen as yuan with two decimals: 5000 → "50.00", -50 → "-0.50".
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// Yuan formats an amount in fen as yuan with two decimals, for pages and
// exports.
func Yuan(fen int64) string { return yuan(fen) }
