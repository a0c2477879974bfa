package engine

import "context"

// duplicatesOnWrite puts r on the campaign's duplicate worklist when another
// record shares its DedupKey. Scaffolding: issue #8 fills it in.
func (e *Engine) duplicatesOnWrite(ctx context.Context, r *Record) {}
