package engine

import (
	"context"
	"slices"
)

// Roles that may reveal personal data in full. Every reveal is audited.
var revealRoles = []string{RoleReviewer, RoleSupervisor, RoleAdmin}

// MayReveal reports whether the actor's role may see personal values in
// full (through RevealRecord, which audits it).
func MayReveal(a *Actor) bool { return a.Has(revealRoles...) }

// RecordView is a record as a caller may see it: personal values masked,
// and the actions the caller can take on it now.
type RecordView struct {
	*Record
	Actions []string // workflow actions, plus claim/unclaim where they apply
}

// GetRecord returns a record in the actor's scope with personal values
// masked. Returns ENOTFOUND when it does not exist or lies outside the
// actor's scope (the two are not told apart).
func (e *Engine) GetRecord(ctx context.Context, a *Actor, id string) (*RecordView, error) {
	r, err := e.ScopedRecord(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return e.view(ctx, a, r, false)
}

// RevealRecord returns the record with personal values in full, for the
// roles that may see them, and audits the reveal. Returns EFORBIDDEN for
// other roles, ENOTFOUND as GetRecord.
func (e *Engine) RevealRecord(ctx context.Context, a *Actor, id string) (*RecordView, error) {
	r, err := e.ScopedRecord(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := a.Require(revealRoles...); err != nil {
		return nil, err
	}
	if err := e.Audit(ctx, a, "pii.reveal", "record", r.ID, r.OrgPath, map[string]any{"form": r.FormID}); err != nil {
		return nil, err
	}
	return e.view(ctx, a, r, true)
}

// ScopedRecord returns the stored record when the actor has a role and
// the record lies in the actor's subtree. Returns ENOTFOUND otherwise.
func (e *Engine) ScopedRecord(ctx context.Context, a *Actor, id string) (*Record, error) {
	if err := a.Require(Roles...); err != nil {
		return nil, err
	}
	r, err := e.store.GetRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.Sees(r.OrgPath) {
		return nil, Errorf(ENOTFOUND, "record not found")
	}
	return r, nil
}

func (e *Engine) view(ctx context.Context, a *Actor, r *Record, reveal bool) (*RecordView, error) {
	form, _, err := e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return nil, err
	}
	out := *r
	out.Answers = e.OpenAnswers(form, r.Answers, reveal)
	out.History = maskHistory(r.History)
	out.ContentHash, out.DedupKey = "", ""
	return &RecordView{Record: &out, Actions: e.actionsFor(ctx, a, r)}, nil
}

// maskHistory keeps history changes, which the engine already records
// masked; it copies so callers cannot alter the stored slice.
func maskHistory(h []HistoryEntry) []HistoryEntry { return slices.Clone(h) }

// ListRecords returns one page of the records in the actor's scope that
// match f (narrowed to the scope, never widened), masked. With
// withTotal, the count of all matches too.
func (e *Engine) ListRecords(ctx context.Context, a *Actor, f RecordFilter, p Page, withTotal bool) ([]*RecordView, string, int64, error) {
	if err := a.Require(Roles...); err != nil {
		return nil, "", 0, err
	}
	scope, err := a.NarrowScope(firstOr(f.OrgPaths, ""))
	if err != nil {
		return nil, "", 0, err
	}
	f.OrgPaths = scope
	return e.listViews(ctx, a, f, p, withTotal)
}

// Inbox returns one page of the open tasks the actor may act on: records
// whose candidate roles include one of the actor's and whose task sits in
// the actor's own org unit (for supervisors and admins, anywhere in their
// subtree: spot checks sit in the villages).
func (e *Engine) Inbox(ctx context.Context, a *Actor, f RecordFilter, p Page, withTotal bool) ([]*RecordView, string, int64, error) {
	if err := a.Require(Roles...); err != nil {
		return nil, "", 0, err
	}
	scope, err := a.NarrowScope(firstOr(f.TaskOrgPaths, ""))
	if err != nil {
		return nil, "", 0, err
	}
	units, err := a.NarrowScope(firstOr(f.OrgPaths, ""))
	if err != nil {
		return nil, "", 0, err
	}
	f.TaskOrgPaths, f.OrgPaths, f.AnyRole = scope, units, a.User.Roles
	if !a.Has(RoleSupervisor, RoleAdmin) {
		// Workflow steps are for the unit they sit in (mayAct), so the
		// inbox lists the tasks of the actor's own unit, not those waiting
		// below it. Supervisors (spot checks anywhere below) and admins
		// keep their whole subtree.
		f.TaskOrgPaths, f.TaskOrgPathsExact = []string{a.User.OrgPath}, true
		if len(scope) == 1 && scope[0] != a.User.OrgPath {
			return nil, "", 0, nil // a narrower unit than one's own holds no task of one's own
		}
	}
	return e.listViews(ctx, a, f, p, withTotal)
}

func (e *Engine) listViews(ctx context.Context, a *Actor, f RecordFilter, p Page, withTotal bool) ([]*RecordView, string, int64, error) {
	page, err := e.store.ListRecords(ctx, f, p.Normalize())
	if err != nil {
		return nil, "", 0, err
	}
	var total int64
	if withTotal {
		if total, err = e.store.CountRecords(ctx, f); err != nil {
			return nil, "", 0, err
		}
	}
	views := make([]*RecordView, 0, len(page.Records))
	for _, r := range page.Records {
		v, err := e.view(ctx, a, r, false)
		if err != nil {
			return nil, "", 0, err
		}
		views = append(views, v)
	}
	return views, page.Next, total, nil
}
