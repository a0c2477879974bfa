package engine

import "context"

// CountRecords returns how many records in the actor's scope match f
// (narrowed to the scope, never widened, as ListRecords), without reading
// them: for figures such as the records each campaign phase received.
func (e *Engine) CountRecords(ctx context.Context, a *Actor, f RecordFilter) (int64, error) {
	if err := a.Require(Roles...); err != nil {
		return 0, err
	}
	scope, err := a.NarrowScope(firstOr(f.OrgPaths, ""))
	if err != nil {
		return 0, err
	}
	f.OrgPaths = scope
	return e.store.CountRecords(ctx, f)
}

// CountSubmitted is CountRecords without drafts: the records that were
// handed in, whatever state they have reached since.
func (e *Engine) CountSubmitted(ctx context.Context, a *Actor, f RecordFilter) (int64, error) {
	if len(f.States) > 0 {
		return 0, Errorf(EINVALID, "CountSubmitted counts every state but drafts; it takes no states")
	}
	all, err := e.CountRecords(ctx, a, f)
	if err != nil || all == 0 {
		return all, err
	}
	f.States = []string{StateDraft}
	drafts, err := e.CountRecords(ctx, a, f)
	return all - drafts, err
}
