// Package indicators owns what campaigns report: indicator counters kept
// from every record write (a record follower), indicator values against
// targets, official figures, periodic reports with their slots, reminders
// and sweep, and the data of the campaign dashboard.
package indicators

import (
	"context"
	"sync"
	"time"

	"canvass/engine"
)

// Store is what indicators need of a store: the core, counters, official
// figures and report slots.
type Store interface {
	engine.Store
	IndicatorStore // store_indicator.go
	ReportStore    // store_report.go
}

// Service is the indicators capability over one engine.
type Service struct {
	e     *engine.Engine
	store Store

	// campaignTerms remembers the counted terms of each compiled campaign
	// version (which never changes), so a write does not hash them again.
	campaignTerms sync.Map // *campaigns.Campaign → *termSet

	// laidOut remembers the (campaign version, report, period) whose
	// report slots this service has stored, so that a sweep stores a
	// period's slots once, not on every tick. Another replica doing it
	// again is harmless: PutReportSlots keeps existing slots. A unit added
	// to the tree mid-period gets its slot with the next period (or after
	// a restart).
	laidOut sync.Map // "campaign|version|report|period" → struct{}
}

// New returns the indicators service over e, storing in st (the engine's
// store).
func New(e *engine.Engine, st Store) *Service {
	return &Service{e: e, store: st}
}

// RecordWritten brings the campaign's indicator counters up to date with
// a written record: the service is the engine's indicator follower.
// Failures are logged by the engine; the catch-up pass repairs them.
func (s *Service) RecordWritten(ctx context.Context, r *engine.Record) error {
	_, err := s.applyIndicators(ctx, r)
	return err
}

// CatchUp returns the Background that applies, every interval, the
// counter contributions missing from the records updated in the last four
// intervals (a crash between a record's write and its counters' update).
func (s *Service) CatchUp(every time.Duration) *engine.Loop {
	return engine.NewLoop("indicator catch-up", every, s.e.Logger(), func(ctx context.Context) {
		s.CatchUpIndicators(ctx, s.e.Now().Add(-4*every)) // logs its own failures; counters are idempotent
	})
}

// ReportSweeper returns the Background that lays out report slots and
// sends the periodic reports' due reminders every interval, in batches, as
// owner (unique per process: it names the lease holder).
func (s *Service) ReportSweeper(owner string, every time.Duration) *engine.Loop {
	return engine.NewLoop("report sweeper", every, s.e.Logger(), func(ctx context.Context) {
		sent, err := engine.DrainBatches(ctx, engine.SweepBatch, func(ctx context.Context, limit int) (int, error) {
			return s.SweepReports(ctx, owner, limit)
		})
		if err != nil && ctx.Err() == nil {
			s.e.Logger().Error("report reminders failed", "err", err)
		}
		if sent > 0 {
			s.e.Logger().Info("report reminders sent", "count", sent)
		}
	})
}
