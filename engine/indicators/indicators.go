// Package indicators owns what campaigns report: indicator counters kept
// from every record write (a record follower), indicator values against
// targets, official figures, periodic reports with their slots, reminders
// and sweep, and the data of the campaign dashboard.
package indicators

import "canvass/engine"

// Store is what indicators need of a store: the core, counters, official
// figures and report slots.
type Store interface {
	engine.Store
}

// Service is the indicators capability over one engine.
type Service struct {
	e     *engine.Engine
	store Store
}

// New returns the indicators service over e, storing in st (the engine's
// store).
func New(e *engine.Engine, st Store) *Service {
	return &Service{e: e, store: st}
}
