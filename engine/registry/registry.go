// Package registry owns bulk work on a campaign's records: import jobs
// (uploads in chunks, validation, restartable writing with a per-row
// report), exports to XLSX and CSV, and bulk updates from an edited export.
package registry

import "canvass/engine"

// Store is what the registry needs of a store: the core, import jobs,
// their chunks, rows and column mappings.
type Store interface {
	engine.Store
}

// Service is the registry capability over one engine.
type Service struct {
	e     *engine.Engine
	store Store
}

// New returns the registry service over e, storing in st (the engine's
// store).
func New(e *engine.Engine, st Store) *Service {
	return &Service{e: e, store: st}
}
