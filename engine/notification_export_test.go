package engine

import "context"

// NotifyTimer exposes notifyTimer to the engine_test package, to replay a
// sweep that fired a timer but was retried.
func (e *Engine) NotifyTimer(ctx context.Context, r *Record) { e.notifyTimer(ctx, r) }
