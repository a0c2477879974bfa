package engine

import "context"

// recordWritten runs after every durable insert or update of a record, with
// the stored copy, to keep what is derived from records current: the
// duplicate worklist (dedup.go) and the indicator counters
// (indicator_counters.go). A failure here does not undo the write, which is
// already durable: each follower logs it and catches up on its own (a rescan
// on the sweeper tick), so derived figures are eventually right.
func (e *Engine) recordWritten(ctx context.Context, r *Record) {
	e.duplicatesOnWrite(ctx, r)
	e.indicatorsOnWrite(ctx, r)
}
