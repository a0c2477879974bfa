// Package worklist owns the lists of records that need a person's
// decision: duplicates found by ID number (a record follower), the
// reconciliation of a campaign's records with another department's file,
// and the resolution of each item (merge, dismiss, correct).
package worklist

import (
	"context"

	"canvass/engine"
)

// Store is what the worklist needs of a store: the core, worklist items
// and reconciliation runs. As in engine.Store, every method honours ctx
// cancellation, returns EUNAVAILABLE when it cannot reach its database,
// and EINTERNAL for any error its comment does not list.
type Store interface {
	engine.Store

	// UpsertWorklistItem stores it as new when no item has its Key, and
	// returns the stored copy with created set; when one exists it changes
	// nothing and returns that one. Returns EINVALID if ID, Key, Kind,
	// CampaignID, OrgPath or Status is empty.
	UpsertWorklistItem(ctx context.Context, it *WorklistItem) (stored *WorklistItem, created bool, err error)

	// GetWorklistItem returns the item with the given ID. Returns ENOTFOUND.
	GetWorklistItem(ctx context.Context, id string) (*WorklistItem, error)

	// UpdateWorklistItem replaces the item's Status, OrgUnit, OrgPath,
	// RecordIDs, Values and Resolution if the stored Version equals
	// it.Version, and returns it with Version+1. Returns ENOTFOUND, or
	// ECONFLICT on a version mismatch.
	UpdateWorklistItem(ctx context.Context, it *WorklistItem) (*WorklistItem, error)

	// ListWorklist returns one keyset page (by ID) of the matching items.
	ListWorklist(ctx context.Context, f WorklistFilter, p engine.Page) (*WorklistPage, error)

	// CountWorklist counts the matching items grouped by kind, status and
	// resolution side (empty while unresolved), sorted by those keys.
	CountWorklist(ctx context.Context, f WorklistFilter) ([]WorklistCount, error)

	// DuplicateGroups returns up to limit dedup keys that more than one
	// record of the campaign shares (records with an empty key never
	// count), ordered by key and starting after the key after, so a caller
	// can walk every group of a large campaign in bounded memory.
	DuplicateGroups(ctx context.Context, campaignID, after string, limit int) ([]DuplicateGroup, error)

	// CreateReconcileRun stores a new run. Returns EINVALID if ID,
	// CampaignID or FileHash is empty, ECONFLICT if the ID exists or the
	// campaign already has a run of the same file that did not fail.
	CreateReconcileRun(ctx context.Context, r *ReconcileRun) error

	// UpdateReconcileRun replaces the run's Status, Error and Counts if the
	// stored Version equals r.Version and returns it with Version+1.
	// Returns ENOTFOUND, or ECONFLICT on a version mismatch.
	UpdateReconcileRun(ctx context.Context, r *ReconcileRun) (*ReconcileRun, error)

	// GetReconcileRun returns the run with the given ID. Returns ENOTFOUND.
	GetReconcileRun(ctx context.Context, id string) (*ReconcileRun, error)

	// ListReconcileRuns returns a campaign's runs whose OrgPath lies under
	// one of orgPaths, newest first.
	ListReconcileRuns(ctx context.Context, campaignID string, orgPaths []string) ([]*ReconcileRun, error)
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

// firstOr returns s[0], or def when s is empty.
func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}
