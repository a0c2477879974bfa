// Package worklist owns the lists of records that need a person's
// decision: duplicates found by ID number (a record follower), the
// reconciliation of a campaign's records with another department's file,
// and the resolution of each item (merge, dismiss, correct).
package worklist

import "canvass/engine"

// Store is what the worklist needs of a store: the core, worklist items
// and reconciliation runs.
type Store interface {
	engine.Store
}

// Service is the worklist capability over one engine.
type Service struct {
	e     *engine.Engine
	store Store
}

// New returns the worklist service over e, storing in st (the engine's
// store).
func New(e *engine.Engine, st Store) *Service {
	return &Service{e: e, store: st}
}
