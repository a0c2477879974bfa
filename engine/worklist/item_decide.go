package worklist

import (
	"context"
	"slices"
	"strings"
	"time"

	"canvass/engine"
)

// Roles that may see worklists and verify items (the village's field
// workers and everyone above them), and the roles that may decide
// duplicates (merging changes records).
var (
	worklistRoles = []string{engine.RoleFieldWorker, engine.RoleReviewer, engine.RoleSupervisor, engine.RoleAdmin}
	mergeRoles    = []string{engine.RoleReviewer, engine.RoleSupervisor, engine.RoleAdmin}
)

// Items returns one page of the worklist items in the actor's scope that
// match f (f.OrgPaths narrowed to the scope, never widened; a requested
// subtree outside it is ENOTFOUND).
func (s *Service) Items(ctx context.Context, a *engine.Actor, f WorklistFilter, p engine.Page) (*WorklistPage, error) {
	if err := a.Require(worklistRoles...); err != nil {
		return nil, err
	}
	scope, err := a.NarrowScope(firstOr(f.OrgPaths, ""))
	if err != nil {
		return nil, err
	}
	f.OrgPaths = scope
	return s.store.ListWorklist(ctx, f, p.Normalize())
}

// Counts counts the items in the actor's scope that match f, by
// kind, status and resolution side.
func (s *Service) Counts(ctx context.Context, a *engine.Actor, f WorklistFilter) ([]WorklistCount, error) {
	if err := a.Require(worklistRoles...); err != nil {
		return nil, err
	}
	scope, err := a.NarrowScope(firstOr(f.OrgPaths, ""))
	if err != nil {
		return nil, err
	}
	f.OrgPaths = scope
	return s.store.CountWorklist(ctx, f)
}

// Item returns one worklist item. Returns ENOTFOUND when it does not exist
// or lies outside the actor's scope.
func (s *Service) Item(ctx context.Context, a *engine.Actor, id string) (*WorklistItem, error) {
	if err := a.Require(worklistRoles...); err != nil {
		return nil, err
	}
	it, err := s.store.GetWorklistItem(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Sees(it.OrgPath) {
		return nil, engine.Errorf(engine.ENOTFOUND, "worklist item not found")
	}
	return it, nil
}

// Decision is what a person decides about a worklist item.
type Decision struct {
	// Version is the item version the person saw; non-zero: ECONFLICT
	// when it changed since.
	Version int64
	// Survivor is the record a merge keeps.
	Survivor string
	// Side says which side was right (ours, theirs, neither) when
	// resolving a reconciliation item.
	Side string
	// Corrected are field values (by top-level field key) that replace our
	// record's answers when resolving with side theirs or neither.
	Corrected map[string]string
	Note      string
	Lang      string
}

// openItem loads an open item for a decision.
func (s *Service) openItem(ctx context.Context, a *engine.Actor, id string, d Decision, roles []string) (*WorklistItem, error) {
	it, err := s.Item(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := a.Require(roles...); err != nil {
		return nil, err
	}
	if d.Version != 0 && d.Version != it.Version {
		return nil, engine.Errorf(engine.ECONFLICT, "the item changed meanwhile (version %d)", it.Version)
	}
	if it.Status != WorkOpen {
		return nil, &engine.Error{Code: engine.ECONFLICT, Message: "the item is already " + it.Status,
			Fields: []engine.FieldError{{Pointer: "/status", Code: "not_open", Message: "already " + it.Status}}}
	}
	if len([]rune(d.Note)) > 2000 {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the note is too long",
			Fields: []engine.FieldError{{Pointer: "/note", Code: "max_length", Message: "at most 2000 characters"}}}
	}
	return it, nil
}

// DismissItem closes an item without changing any record: the duplicates
// are different people, or the difference needs no action. A note says why.
func (s *Service) DismissItem(ctx context.Context, a *engine.Actor, id string, d Decision) (*WorklistItem, error) {
	it, err := s.openItem(ctx, a, id, d, mergeRoles)
	if err != nil {
		return nil, err
	}
	note := strings.TrimSpace(d.Note)
	if note == "" {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "say why the item is dismissed",
			Fields: []engine.FieldError{{Pointer: "/note", Code: "required", Message: "a reason is required"}}}
	}
	now := s.e.Now()
	it.Status, it.UpdatedAt = WorkDismissed, now
	it.Resolution = &WorkResolution{By: a.ID(), At: now, Note: note}
	stored, err := s.store.UpdateWorklistItem(ctx, it)
	if err != nil {
		return nil, err
	}
	return stored, s.e.Audit(ctx, a, "worklist.dismiss", "worklist", it.ID, it.OrgPath,
		map[string]any{"kind": it.Kind, "campaign": it.CampaignID, "note": note})
}

// MergeDuplicates decides a duplicate group: d.Survivor stays, every other
// record of the group is marked merged, with a history entry and an audit
// event naming the survivor. Nothing is deleted and no answer changes. A
// merge interrupted half-way leaves the item open; running it again
// completes it.
func (s *Service) MergeDuplicates(ctx context.Context, a *engine.Actor, id string, d Decision) (*WorklistItem, error) {
	it, err := s.openItem(ctx, a, id, d, mergeRoles)
	if err != nil {
		return nil, err
	}
	if it.Kind != WorkDuplicate {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "only duplicates can be merged",
			Fields: []engine.FieldError{{Pointer: "/action", Code: "not_allowed", Message: "not a duplicate"}}}
	}
	if !slices.Contains(it.RecordIDs, d.Survivor) {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "choose the record to keep",
			Fields: []engine.FieldError{{Pointer: "/survivor", Code: "not_in_group", Message: "not one of the duplicates"}}}
	}
	survivor, err := s.store.GetRecord(ctx, d.Survivor)
	if err != nil {
		return nil, err
	}
	if survivor.State == engine.StateMerged {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "the chosen record was itself merged",
			Fields: []engine.FieldError{{Pointer: "/survivor", Code: "merged", Message: "already merged"}}}
	}
	note := strings.TrimSpace(d.Note)
	var merged []string
	for _, rid := range it.RecordIDs {
		if rid == d.Survivor {
			continue
		}
		r, err := s.store.GetRecord(ctx, rid)
		if err != nil {
			return nil, err
		}
		if r.State == engine.StateMerged || !a.Sees(r.OrgPath) {
			continue
		}
		now := s.e.Now()
		reason := "merged into " + d.Survivor
		if note != "" {
			reason += ": " + note
		}
		r.History = append(r.History, engine.HistoryEntry{At: now, Actor: a.ID(), Action: ActionMerge, FromState: r.State, ToState: engine.StateMerged, Reason: reason})
		r.State, r.Step, r.CandidateRoles, r.TaskOrgPath, r.Assignee = engine.StateMerged, "", nil, "", ""
		r.DueAt, r.NextTimerAt, r.TimerKind, r.UpdatedAt = time.Time{}, time.Time{}, "", now
		if _, err := s.e.UpdateRecord(ctx, r); err != nil {
			return nil, err
		}
		if err := s.e.Audit(ctx, a, "record.merge", "record", r.ID, r.OrgPath,
			map[string]any{"survivor": d.Survivor, "worklist": it.ID}); err != nil {
			return nil, err
		}
		merged = append(merged, r.ID)
	}
	now := s.e.Now()
	it.Status, it.UpdatedAt = WorkResolved, now
	it.Resolution = &WorkResolution{By: a.ID(), At: now, Side: SideMerged, Survivor: d.Survivor, Note: note}
	stored, err := s.store.UpdateWorklistItem(ctx, it)
	if err != nil {
		return nil, err
	}
	return stored, s.e.Audit(ctx, a, "worklist.merge", "worklist", it.ID, it.OrgPath,
		map[string]any{"campaign": it.CampaignID, "survivor": d.Survivor, "merged": merged})
}
