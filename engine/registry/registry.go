// Package registry owns bulk work on a campaign's records: import jobs
// (uploads in chunks, validation, restartable writing with a per-row
// report), exports to XLSX, CSV and zip, and bulk updates from an edited
// export.
package registry

import (
	"context"

	"canvass/engine"
)

// Store is what the registry needs of a store: the core, import jobs,
// their chunks, rows and column mappings.
type Store interface {
	engine.Store
	ImportStore // store_import.go
}

// Options are the registry's links to other capabilities, set when the
// app is assembled.
type Options struct {
	// ScanDuplicates puts a campaign's duplicates on its worklist and
	// returns how many groups it found; an insert import calls it when it
	// is done. Nil: no scan.
	ScanDuplicates func(ctx context.Context, campaignID string) (int, error)
}

// Service is the registry capability over one engine.
type Service struct {
	e     *engine.Engine
	store Store
	opts  Options
}

// New returns the registry service over e, storing in st (the engine's
// store).
func New(e *engine.Engine, st Store, opts Options) *Service {
	return &Service{e: e, store: st, opts: opts}
}
