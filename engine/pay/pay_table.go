package pay

import (
	"context"
	"time"

	"canvass/engine"
	"canvass/paytables"
)

// PayTable returns a published pay table (version 0: the latest) and its
// version. Returns ENOTFOUND when there is none.
func (s *Service) PayTable(ctx context.Context, id string, version int) (*paytables.PayTable, int, error) {
	v, d, err := s.e.Definition(ctx, engine.KindPayTable, id, version)
	if err != nil {
		return nil, 0, err
	}
	return v.(*paytables.PayTable), d.Version, nil
}

// payTableAt returns the version of pay table id that pays an event at t:
// the latest published version whose effective_from is at or before t. It
// returns a nil table (and no error) when no version is in effect yet: the
// event earns nothing.
func (s *Service) payTableAt(ctx context.Context, id string, at time.Time) (*paytables.PayTable, int, error) {
	versions, err := s.store.ListDefinitions(ctx, engine.DefinitionFilter{Kind: engine.KindPayTable, ID: id, Status: engine.StatusPublished})
	if err != nil {
		return nil, 0, err
	}
	for i := len(versions) - 1; i >= 0; i-- {
		pt, v, err := s.PayTable(ctx, id, versions[i].Version)
		if err != nil {
			return nil, 0, err
		}
		if !pt.EffectiveFrom().After(at) {
			return pt, v, nil
		}
	}
	return nil, 0, nil
}
