package pay

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"canvass/campaigns"
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
//     in the period within the campaign. The store reads that sum and
//     appends the capped entry in one atomic step (LedgerStore.PostLedger),
//     so any number of server processes paying the same person at once
//     never exceed the cap; the amount of every line stays traceable (Rule
//     and Inputs say what the cap left).
//   - Locked periods: an entry whose period is locked lands in the next
//     open period, its Inputs naming the period it was earned in. The
//     store checks the lock in the same step as the append and answers
//     ECLOSED for a period locked since the engine last read the locks, so
//     nothing lands in a period once LockPeriod has returned, whichever
//     process locked it.

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

// appendLine posts one line: skipped when its key is in the ledger, a
// withholding resolved against the entry it reverses, a payment capped by
// the payee's period sum as the store sees it when it appends (see post).
func (s *Service) appendLine(ctx context.Context, pt *paytables.PayTable, line paytables.Line, entry LedgerEntry, locked map[string]bool) (int, error) {
	existing, err := s.recordLedger(ctx, entry.CampaignID, entry.RecordID, entry.WorkerID)
	if err != nil {
		return 0, err
	}
	if existing.byKey[entry.Key] != nil {
		return 0, nil
	}
	p := LedgerPost{Entry: entry}
	if line.Reverses != "" {
		orig := existing.withheld(line)
		if orig == nil {
			return 0, nil // nothing was paid, or it was already taken back
		}
		p.Entry.AmountFen, p.Entry.Reverses, p.Entry.Reason = -orig.AmountFen, orig.ID, line.Rule
		p.Entry.PayTableID, p.Entry.PayTableVersion = orig.PayTableID, orig.PayTableVersion
	} else {
		p.Entry.AmountFen = line.AmountFen
		if _, ok := pt.CapFor(line.Role); ok {
			p.Cap = func(e LedgerEntry, paid int64) LedgerEntry {
				l := line
				l.Period = e.Period
				capped := pt.ApplyCap(l, paid)
				e.AmountFen, e.Rule = capped.AmountFen, capped.Rule
				for k, v := range capped.Inputs {
					e.Inputs = withInput(e.Inputs, k, v)
				}
				return e
			}
		}
	}
	now := s.e.Now()
	p.Entry.ID, p.Entry.CreatedAt = engine.NewID(now), now
	return s.post(ctx, &p, line.Period, "earned_in_period", locked)
}

// post stores p into the period it was earned in or, when that is locked,
// the first open period after it, with Inputs[earnedKey] naming where it
// was earned (unless earnedKey is empty). locked is what the engine knows
// of the campaign's locks; a period the store finds locked since (ECLOSED)
// is added to it and the entry moves on. It returns 1 when the entry was
// stored (p.Entry is then what was asked to be stored, in its period), 0
// when the store already held its key or its reversal.
func (s *Service) post(ctx context.Context, p *LedgerPost, earned, earnedKey string, locked map[string]bool) (int, error) {
	inputs := p.Entry.Inputs
	for range maxLockedInARow {
		p.Entry.Period, p.Entry.Inputs = openPeriod(locked, earned), inputs
		if p.Entry.Period != earned && earnedKey != "" {
			p.Entry.Inputs = withInput(inputs, earnedKey, earned)
		}
		added, err := s.store.PostLedger(ctx, *p)
		if engine.ErrorCode(err) == engine.ECLOSED {
			locked[p.Entry.Period] = true
			continue
		}
		if err != nil || !added {
			return 0, err
		}
		return 1, nil
	}
	return 0, engine.Errorf(engine.ECLOSED, "no open pay period after %s", earned)
}

// maxLockedInARow bounds how many periods locked one after another an
// entry moves past: far more than finance ever locks ahead of time.
const maxLockedInARow = 1000

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

// withheld returns the entry a withholding line takes back, or nil when
// nothing was paid or it was taken back already. The worked example
// (Example) resolves withholdings with it too.
func (r *recordEntries) withheld(line paytables.Line) *LedgerEntry {
	orig := r.byKey[line.ReversedKey()]
	if orig == nil || r.reversed[orig.ID] {
		return nil
	}
	return orig
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
	// Only campaigns with a pay table earn pay: the others' records are
	// not read at all.
	camps, err := s.e.PublishedCampaignsWhere(ctx, func(c *campaigns.Campaign) bool { return c.PayTable() != "" })
	if err != nil {
		return 0, err
	}
	written := 0
	for _, c := range camps {
		n, err := s.reconcileCampaignPay(ctx, c.ID(), since)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// reconcileCampaignPay is ReconcilePay for one campaign's records.
func (s *Service) reconcileCampaignPay(ctx context.Context, campaignID string, since time.Time) (int, error) {
	written := 0
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListRecords(ctx, engine.RecordFilter{CampaignID: campaignID, UpdatedFrom: since}, p)
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
