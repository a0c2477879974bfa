package pay

import (
	"context"

	"canvass/campaigns"
	"canvass/engine"
)

// QCOverview is what a supervisor's spot-check page shows of one period:
// the campaign's sampling rule, how many records each worker completed in
// the period in the actor's scope (why each was sampled as many times as
// it was), and the recorded sample, if it was drawn.
type QCOverview struct {
	CampaignID string
	Period     string
	QC         campaigns.QC
	// Completed counts each worker's records completed in the period.
	Completed map[string]int
	// Sample is the recorded sample of the period in the actor's scope,
	// nil while none was drawn.
	Sample *QCSample
}

// QCOverview reads a period's spot-check state without drawing anything.
// Supervisors and admins. Returns ENOTFOUND for an unknown campaign or
// one outside the scope, EINVALID when the campaign has no spot checks or
// the period is malformed.
func (s *Service) QCOverview(ctx context.Context, a *engine.Actor, campaignID, period string) (*QCOverview, error) {
	camp, q, err := s.qcCampaign(ctx, a, campaignID, period)
	if err != nil {
		return nil, err
	}
	byWorker, _, err := s.completedRecords(ctx, a, camp.ID(), camp.Workflow(), q, period)
	if err != nil {
		return nil, err
	}
	o := &QCOverview{CampaignID: camp.ID(), Period: period, QC: q, Completed: map[string]int{}}
	for w, ids := range byWorker {
		o.Completed[w] = len(ids)
	}
	if o.Sample, err = s.recordedSample(ctx, camp.ID()+"/"+period+"@"+a.User.OrgPath); err != nil {
		return nil, err
	}
	return o, nil
}

// RecordPay returns the ledger entries of one record, oldest first: what
// it paid, and what a spot check withheld or added. Supervisors (who see
// what their outcome caused), finance and admins whose scope covers the
// record. Returns ENOTFOUND for a record outside the scope.
func (s *Service) RecordPay(ctx context.Context, a *engine.Actor, recordID string) ([]*LedgerEntry, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleFinance, engine.RoleAdmin); err != nil {
		return nil, err
	}
	r, err := s.e.ScopedRecord(ctx, a, recordID)
	if err != nil {
		return nil, err
	}
	var out []*LedgerEntry
	err = s.eachLedgerEntry(ctx, LedgerFilter{CampaignID: r.CampaignID, RecordID: r.ID}, func(le *LedgerEntry) error {
		out = append(out, le)
		return nil
	})
	return out, err
}
