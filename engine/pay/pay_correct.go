package pay

import (
	"context"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/paytables"
)

// LedgerEntry returns one ledger entry in the actor's scope (finance and
// admins). Returns ENOTFOUND when there is none or it lies outside.
func (s *Service) LedgerEntry(ctx context.Context, a *engine.Actor, id string) (*LedgerEntry, error) {
	if err := a.Require(engine.RoleFinance, engine.RoleAdmin); err != nil {
		return nil, err
	}
	le, err := s.ledgerEntry(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Sees(le.WorkerOrgPath) {
		return nil, engine.Errorf(engine.ENOTFOUND, "ledger entry not found")
	}
	return le, nil
}

// ledgerEntry finds an entry by ID: the first entry, going down, below
// the ID followed by the smallest character is the entry itself.
func (s *Service) ledgerEntry(ctx context.Context, id string) (*LedgerEntry, error) {
	if id == "" {
		return nil, engine.Errorf(engine.ENOTFOUND, "ledger entry not found")
	}
	page, err := s.store.ListLedger(ctx, LedgerFilter{}, engine.Page{After: id + "\x00", Desc: true, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Entries) == 0 || page.Entries[0].ID != id {
		return nil, engine.Errorf(engine.ENOTFOUND, "ledger entry not found")
	}
	return page.Entries[0], nil
}

// ReverseEntry corrects a ledger entry the only way the ledger allows: a
// new entry with the negated amount whose Reverses names it, with the
// reason. It lands in the entry's period, or the next open one when that
// is locked. Finance and admins. Returns ENOTFOUND for an entry outside the
// actor's scope; EINVALID without a reason or for a reversal (reverse the
// original instead: a reversal is never reversed); ECONFLICT when the
// entry was already reversed or withheld.
func (s *Service) ReverseEntry(ctx context.Context, a *engine.Actor, entryID, reason string) (*LedgerEntry, error) {
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	orig, rev, locked, err := s.reversalOf(ctx, a, entryID)
	if err != nil {
		return nil, err
	}
	rev.Reason, rev.CreatedBy = reason, a.ID()
	// The reversal names the original period itself (original_period).
	p := LedgerPost{Entry: *rev}
	n, err := s.post(ctx, &p, orig.Period, "", locked)
	if err != nil {
		return nil, err
	}
	if n == 0 { // another process reversed it meanwhile
		return nil, engine.Errorf(engine.ECONFLICT, "this entry was already reversed")
	}
	done, period := p.Entry, p.Entry.Period
	return &done, s.e.Audit(ctx, a, "ledger.reverse", "ledger", orig.ID, orig.WorkerOrgPath,
		map[string]any{"reversal": done.ID, "amount_fen": done.AmountFen, "period": period, "reason": reason})
}

// PreviewReversal returns the entry ReverseEntry would post for entryID
// now, without posting it: its amount, and the period it lands in (the
// entry's own, or the next open one when that is locked). The same roles
// and errors as ReverseEntry, but for the reason.
func (s *Service) PreviewReversal(ctx context.Context, a *engine.Actor, entryID string) (*LedgerEntry, error) {
	orig, rev, locked, err := s.reversalOf(ctx, a, entryID)
	if err != nil {
		return nil, err
	}
	rev.Period = openPeriod(locked, orig.Period)
	return rev, nil
}

// reversalOf checks that entryID may be reversed by a and builds the
// reversal, its period not yet chosen; locked is the campaign's locks.
func (s *Service) reversalOf(ctx context.Context, a *engine.Actor, entryID string) (orig, rev *LedgerEntry, locked map[string]bool, err error) {
	orig, err = s.LedgerEntry(ctx, a, entryID)
	if err != nil {
		return nil, nil, nil, err
	}
	if orig.Reverses != "" {
		return nil, nil, nil, &engine.Error{Code: engine.EINVALID, Message: "a reversal cannot be reversed; post the corrected event instead",
			Fields: []engine.FieldError{{Pointer: "/entry", Code: "is_reversal", Message: "this entry is a reversal"}}}
	}
	existing, err := s.recordLedger(ctx, orig.CampaignID, orig.RecordID, orig.WorkerID)
	if err != nil {
		return nil, nil, nil, err
	}
	if existing.reversed[orig.ID] {
		return nil, nil, nil, engine.Errorf(engine.ECONFLICT, "this entry was already reversed")
	}
	if locked, err = s.lockedPeriods(ctx, orig.CampaignID); err != nil {
		return nil, nil, nil, err
	}
	now := s.e.Now()
	rev = &LedgerEntry{
		ID: engine.NewID(now), Key: orig.Key + "/reversed", CampaignID: orig.CampaignID, PayTableID: orig.PayTableID,
		PayTableVersion: orig.PayTableVersion, Item: orig.Item, Rule: "reversal of " + orig.Key,
		Inputs:   map[string]any{"reverses_key": orig.Key, "original_period": orig.Period, "original_fen": orig.AmountFen},
		WorkerID: orig.WorkerID, WorkerOrgPath: orig.WorkerOrgPath, Role: orig.Role, RecordID: orig.RecordID,
		AmountFen: -orig.AmountFen, Reverses: orig.ID, CreatedAt: now,
	}
	return orig, rev, locked, nil
}

// ReversalOf returns the entry that reverses entryID, or nil when none
// does. Finance and admins, in scope (ENOTFOUND otherwise).
func (s *Service) ReversalOf(ctx context.Context, a *engine.Actor, entryID string) (*LedgerEntry, error) {
	orig, err := s.LedgerEntry(ctx, a, entryID)
	if err != nil {
		return nil, err
	}
	var found *LedgerEntry
	err = s.eachLedgerEntry(ctx, LedgerFilter{CampaignID: orig.CampaignID, RecordID: orig.RecordID, WorkerID: orig.WorkerID}, func(le *LedgerEntry) error {
		if le.Reverses == orig.ID {
			found = le
		}
		return nil
	})
	return found, err
}

// MarkEntered records that a record collected in the field (or on paper)
// has been typed into the official system by the actor, the clerk: the
// record.entered event, paid to the actor by items on it. A record is
// entered once; marking it again changes nothing and returns it. Field
// workers and admins whose scope covers the record. Returns ENOTFOUND for
// a record outside the scope, EINVALID for a draft or a record in a state
// that is not an acceptance once final (rejected), ECONFLICT when it
// changed meanwhile.
func (s *Service) MarkEntered(ctx context.Context, a *engine.Actor, id string) (*engine.Record, error) {
	if err := a.Require(engine.RoleFieldWorker, engine.RoleAdmin); err != nil {
		return nil, err
	}
	r, err := s.e.ScopedRecord(ctx, a, id)
	if err != nil {
		return nil, err
	}
	for _, h := range r.History {
		if h.Action == ActionEnter {
			return r, nil
		}
	}
	if r.State == engine.StateDraft || notAccepted[r.State] {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "only a submitted record that was not rejected can be entered",
			Fields: []engine.FieldError{{Pointer: "/state", Code: "not_enterable", Message: r.State}}}
	}
	now := s.e.Now()
	camp, err := s.e.Campaign(ctx, r.CampaignID)
	if err != nil {
		return nil, err
	}
	if err := s.e.PhaseOpen(ctx, camp, campaigns.PhaseEnter, now, a.User.Locale); err != nil {
		return nil, err
	}
	r.History = append(r.History, engine.HistoryEntry{At: now, Actor: a.ID(), Action: ActionEnter, FromState: r.State})
	r.UpdatedAt = now
	updated, err := s.e.UpdateRecord(ctx, r)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECONFLICT {
			if cur, gerr := s.store.GetRecord(ctx, id); gerr == nil {
				return nil, engine.StaleError(cur)
			}
		}
		return nil, err
	}
	if err := s.e.Audit(ctx, a, "record.enter", "record", id, updated.OrgPath, nil); err != nil {
		return nil, err
	}
	return updated, nil
}

// Attendance is one day a worker spent on site for a campaign.
type Attendance struct {
	CampaignID string
	Date       string // YYYY-MM-DD, in China
	WorkerID   string
}

// RecordAttendance records a supervisor's day on site and posts the
// attendance.day pay it earns; recording the same day again writes nothing.
// It returns the entries the day earned (new or already posted).
// Supervisors and admins, for a worker in their scope (themselves
// included). Returns ENOTFOUND for an unknown campaign or a worker outside
// the scope; EINVALID for a malformed date, a day in the future or outside
// the campaign's pay table.
func (s *Service) RecordAttendance(ctx context.Context, a *engine.Actor, at Attendance) ([]*LedgerEntry, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleAdmin); err != nil {
		return nil, err
	}
	camp, root, err := s.e.CampaignInScope(ctx, a, at.CampaignID)
	if err != nil {
		return nil, err
	}
	day, err := time.ParseInLocation("2006-01-02", at.Date, shanghai)
	if err != nil || day.After(s.e.Now()) {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the date must be a past or present day, YYYY-MM-DD",
			Fields: []engine.FieldError{{Pointer: "/date", Code: "bad_date", Message: "YYYY-MM-DD, not in the future"}}}
	}
	worker, err := s.store.GetUser(ctx, at.WorkerID)
	if err != nil || !a.Sees(worker.OrgPath) || !engine.InSubtree(worker.OrgPath, root) {
		if err != nil && engine.ErrorCode(err) != engine.ENOTFOUND {
			return nil, err
		}
		return nil, &engine.Error{Code: engine.ENOTFOUND, Message: "no such worker", Fields: []engine.FieldError{{Pointer: "/worker", Code: "not_found", Message: "no such worker"}}}
	}
	if camp.PayTable() == "" {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the campaign has no pay table",
			Fields: []engine.FieldError{{Pointer: "/campaign", Code: "no_paytable", Message: "no pay table"}}}
	}
	recordID := "attendance:" + camp.ID() + ":" + at.Date
	ev := paytables.Event{Kind: paytables.EventAttendanceDay, RecordID: recordID, ActorID: worker.ID, At: day.UTC()}
	if _, err := s.postEvents(ctx, camp.ID(), camp.PayTable(), recordID, []paytables.Event{ev}, a.ID()); err != nil {
		return nil, err
	}
	if err := s.e.Audit(ctx, a, "attendance.day", "user", worker.ID, worker.OrgPath, map[string]any{"campaign": camp.ID(), "date": at.Date}); err != nil {
		return nil, err
	}
	var out []*LedgerEntry
	err = s.eachLedgerEntry(ctx, LedgerFilter{CampaignID: camp.ID(), RecordID: recordID, WorkerID: worker.ID}, func(le *LedgerEntry) error {
		out = append(out, le)
		return nil
	})
	return out, err
}
