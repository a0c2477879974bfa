package engine

import "context"

// indicatorsOnWrite brings the campaign's indicator counters up to date
// with r. Scaffolding: issue #9 fills it in.
func (e *Engine) indicatorsOnWrite(ctx context.Context, r *Record) {}
