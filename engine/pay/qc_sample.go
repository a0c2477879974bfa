package pay

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"hash/fnv"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/engine"
)

// Spot checks (QC). A spot check is a task on the sampled record itself:
// records are drawn once they are completed (in a final, accepted state),
// where they have no open task, so SampleQC opens one — step engine.QCStep, for
// supervisors, at the record's own unit — and the inbox lists it like any
// other task. RecordQCOutcome closes it with qc.pass or qc.problem in the
// record's history, which is what pays (or withholds) through the ledger.
// Each sample is recorded, with the seed that drew it, in an audit event
// (action "qc.sample", object "<campaign>/<period>@<scope path>"): the same
// seed and the same records always draw the same sample (DrawQCSample), and
// sampling a period again returns the recorded sample.

// QCSample is one period's spot-check sample of a campaign.
type QCSample struct {
	CampaignID string
	Period     string
	Scope      string // org path the sample was drawn in
	Seed       uint64
	// Records are the sampled record IDs by worker (the records' creator),
	// each list sorted.
	Records map[string][]string
	// Drawn is false when the period had been sampled before and this is
	// the recorded sample.
	Drawn bool
}

// DrawQCSample draws, for each worker, q.SampleSize(n) of the worker's n
// record IDs, reproducibly from seed: the same seed and the same records
// give the same sample, whatever order they come in.
func DrawQCSample(q campaigns.QC, seed uint64, byWorker map[string][]string) map[string][]string {
	out := map[string][]string{}
	for worker, ids := range byWorker {
		ids = slices.Clone(ids)
		slices.Sort(ids)
		k := q.SampleSize(len(ids))
		if k == 0 {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(worker))
		rng := mrand.New(mrand.NewPCG(seed, h.Sum64()))
		perm := rng.Perm(len(ids))
		picked := make([]string, k)
		for i := range k {
			picked[i] = ids[perm[i]]
		}
		slices.Sort(picked)
		out[worker] = picked
	}
	return out
}

// SampleQC draws a campaign's spot-check sample for a period in the
// actor's scope — campaign.QC()'s share of each worker's records completed
// in the period, at least its min — records the seed and the sample, and
// opens a spot-check task on each sampled record. Sampling the same period
// and scope again returns the recorded sample and opens nothing.
// Supervisors and admins. Returns ENOTFOUND for an unknown campaign or one
// outside the scope, EINVALID when the campaign has no spot checks or the
// period is malformed.
func (s *Service) SampleQC(ctx context.Context, a *engine.Actor, campaignID, period string) (*QCSample, error) {
	camp, q, err := s.qcCampaign(ctx, a, campaignID, period)
	if err != nil {
		return nil, err
	}
	scope := a.User.OrgPath
	object := campaignID + "/" + period + "@" + scope
	if prev, err := s.recordedSample(ctx, object); err != nil || prev != nil {
		return prev, err
	}
	byWorker, open, err := s.completedRecords(ctx, a, camp.ID(), camp.Workflow(), q, period)
	if err != nil {
		return nil, err
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	qs := &QCSample{CampaignID: campaignID, Period: period, Scope: scope, Seed: binary.LittleEndian.Uint64(b[:]), Drawn: true}
	qs.Records = DrawQCSample(q, qs.Seed, byWorker)
	detail := map[string]any{"period": period, "seed": strconv.FormatUint(qs.Seed, 10), "share_ppm": q.SharePPM, "min": q.Min}
	sample := map[string]any{}
	for w, ids := range qs.Records {
		sample[w] = ids
	}
	detail["sample"] = sample
	// The sample is recorded first: a crash while opening tasks leaves a
	// recorded sample whose missing tasks a second call does not reopen,
	// but never a second, different sample.
	if err := s.e.Audit(ctx, a, "qc.sample", "campaign", object, scope, detail); err != nil {
		return nil, err
	}
	for _, ids := range qs.Records {
		for _, id := range ids {
			if open[id] {
				continue
			}
			if err := s.openQCTask(ctx, a, id, period); err != nil {
				return nil, err
			}
		}
	}
	return qs, nil
}

// completedRecords lists the record IDs completed in period in the
// actor's scope, by worker (the records' creator), and which of them have
// an open task.
func (s *Service) completedRecords(ctx context.Context, a *engine.Actor, campaignID, workflowID string, q campaigns.QC, period string) (byWorker map[string][]string, open map[string]bool, err error) {
	wf, _, err := s.e.Workflow(ctx, workflowID, 0)
	if err != nil {
		return nil, nil, err
	}
	var accepted []string
	for _, st := range wf.States() {
		if AcceptedState(wf, st) {
			accepted = append(accepted, st)
		}
	}
	byWorker, open = map[string][]string{}, map[string]bool{}
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListRecords(ctx, engine.RecordFilter{CampaignID: campaignID, States: accepted, OrgPaths: a.Scope()}, p)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range page.Records {
			if q.PeriodOf(completedAt(r)) != period {
				continue
			}
			byWorker[r.CreatedBy] = append(byWorker[r.CreatedBy], r.ID)
			open[r.ID] = r.Step != ""
		}
		if page.Next == "" {
			return byWorker, open, nil
		}
		p.After = page.Next
	}
}

// completedAt is when a record entered its current state.
func completedAt(r *engine.Record) time.Time {
	for i := len(r.History) - 1; i >= 0; i-- {
		if r.History[i].ToState == r.State {
			return r.History[i].At
		}
	}
	return r.UpdatedAt
}

func (s *Service) recordedSample(ctx context.Context, object string) (*QCSample, error) {
	page, err := s.store.ListAudit(ctx, engine.AuditFilter{Action: "qc.sample", ObjectID: object}, engine.Page{Limit: 1})
	if err != nil || len(page.Events) == 0 {
		return nil, err
	}
	d := page.Events[0].Detail
	campaignID, rest, _ := strings.Cut(object, "/")
	period, scope, _ := strings.Cut(rest, "@")
	qs := &QCSample{CampaignID: campaignID, Period: period, Scope: scope, Records: map[string][]string{}}
	if seed, ok := d["seed"].(string); ok {
		qs.Seed, _ = strconv.ParseUint(seed, 10, 64)
	}
	if sample, ok := d["sample"].(map[string]any); ok {
		for w, v := range sample {
			list, _ := v.([]any)
			for _, id := range list {
				if str, ok := id.(string); ok {
					qs.Records[w] = append(qs.Records[w], str)
				}
			}
		}
	}
	return qs, nil
}

func (s *Service) openQCTask(ctx context.Context, a *engine.Actor, id, period string) error {
	r, err := s.store.GetRecord(ctx, id)
	if err != nil {
		return err
	}
	if r.Step != "" {
		return nil
	}
	now := s.e.Now()
	r.Step, r.CandidateRoles, r.TaskOrgPath, r.Assignee = engine.QCStep, []string{engine.RoleSupervisor}, r.OrgPath, ""
	r.History = append(r.History, engine.HistoryEntry{At: now, Actor: a.ID(), Action: ActionQCSample, FromState: r.State, Reason: period})
	r.UpdatedAt = now
	if _, err := s.e.UpdateRecord(ctx, r); err != nil && engine.ErrorCode(err) != engine.ECONFLICT {
		return err
	}
	return nil
}

// RecordQCOutcome closes a record's spot-check task: pass releases the
// bonus (qc.pass), a problem — which needs a reason — withholds what the
// pay table withholds on qc.problem (qc.problem). Supervisors and admins
// whose scope covers the record. Returns ENOTFOUND for a record outside
// the scope; EINVALID when the record has no open spot check or a problem
// has no reason; EFORBIDDEN when someone else claimed the check; ECONFLICT
// when the record changed meanwhile.
func (s *Service) RecordQCOutcome(ctx context.Context, a *engine.Actor, recordID string, pass bool, reason string) (*engine.Record, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleAdmin); err != nil {
		return nil, err
	}
	r, err := s.e.ScopedRecord(ctx, a, recordID)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case r.Step != engine.QCStep:
		return nil, &engine.Error{Code: engine.EINVALID, Message: "this record has no open spot check",
			Fields: []engine.FieldError{{Pointer: "/record", Code: "no_spot_check", Message: "no open spot check"}}}
	case !pass && reason == "":
		return nil, &engine.Error{Code: engine.EINVALID, Message: "say what the problem is",
			Fields: []engine.FieldError{{Pointer: "/reason", Code: "required", Message: "a reason is required"}}}
	case r.Assignee != "" && r.Assignee != a.ID():
		return nil, engine.Errorf(engine.EFORBIDDEN, "someone else has claimed this spot check")
	}
	action := ActionQCPass
	if !pass {
		action = ActionQCProblem
	}
	now := s.e.Now()
	r.Step, r.CandidateRoles, r.TaskOrgPath, r.Assignee = "", nil, "", ""
	r.History = append(r.History, engine.HistoryEntry{At: now, Actor: a.ID(), Action: action, FromState: r.State, Reason: reason})
	r.UpdatedAt = now
	updated, err := s.e.UpdateRecord(ctx, r)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECONFLICT {
			if cur, gerr := s.store.GetRecord(ctx, recordID); gerr == nil {
				return nil, engine.StaleError(cur)
			}
		}
		return nil, err
	}
	if err := s.e.Audit(ctx, a, "record."+action, "record", recordID, updated.OrgPath, map[string]any{"reason": reason}); err != nil {
		return nil, err
	}
	return updated, nil
}

// qcCampaign is the campaign a spot-check call works on: the actor a
// supervisor or admin, the campaign in their scope with spot checks, the
// period well-formed. SampleQC and QCOverview share it.
func (s *Service) qcCampaign(ctx context.Context, a *engine.Actor, campaignID, period string) (*campaigns.Campaign, campaigns.QC, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleAdmin); err != nil {
		return nil, campaigns.QC{}, err
	}
	camp, _, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return nil, campaigns.QC{}, err
	}
	q, ok := camp.QC()
	if !ok {
		return nil, campaigns.QC{}, &engine.Error{Code: engine.EINVALID, Message: "the campaign has no spot checks",
			Fields: []engine.FieldError{{Pointer: "/campaign", Code: "no_qc", Message: "no spot checks"}}}
	}
	if !ValidPeriod(period) {
		return nil, campaigns.QC{}, engine.PeriodError("a period is a quarter (2026-Q4) or a month (2026-11)")
	}
	return camp, q, nil
}
