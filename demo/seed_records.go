package demo

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"canvass/app"
	"canvass/campaigns"
	"canvass/engine"
	"canvass/engine/pay"
	"canvass/forms"
	"canvass/paytables"
	"canvass/workflows"
)

// Records the demo puts in each state it can reach: more in accepted
// final states, so spot checks and payment tables have rows to show.
const (
	recordsPerState    = 2
	recordsPerAccepted = 3
	draftsPerForm      = 1
)

// seeder carries what seeding one store needs.
type seeder struct {
	root  *app.App // the caller's engine
	eng   *app.App // the engine seeding the current campaign (see seedCampaign)
	log   *slog.Logger
	users map[string]*engine.User // by username
	order []*engine.User          // in Users() order
	// households numbers the sample answers, so that no two records
	// share a name or an ID number.
	households int
}

func (s *seeder) actor(username string) *engine.Actor {
	return &engine.Actor{User: s.users[username], IP: "127.0.0.1"}
}

// publish saves every file of an example as a draft and publishes it, as
// the demo author.
func (s *seeder) publish(ctx context.Context, set exampleSet) error {
	author := s.actor("author")
	for _, f := range set.files {
		d, err := s.eng.SaveDraft(ctx, author, f.kind, f.id, f.name, f.src)
		if err != nil {
			return fmt.Errorf("demo: draft %s/%s: %w", set.dir, f.name, err)
		}
		if _, err := s.eng.Publish(ctx, author, f.kind, f.id, d.Definition.Version); err != nil {
			return fmt.Errorf("demo: publish %s/%s: %w", set.dir, f.name, err)
		}
	}
	return nil
}

// seedCampaign fills one published campaign with records in every state
// its workflow reaches, drafts, spot checks, entries and attendance.
func (s *seeder) seedCampaign(ctx context.Context, campaignID string) (*CampaignResult, error) {
	camp, err := s.root.Campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	// A campaign takes submissions only between its opens and closes
	// days. One that is not open today gets its sample records on a day
	// when it is, from an engine whose clock runs from that day.
	now := s.root.Now()
	res := &CampaignResult{ID: campaignID, Records: map[string]int{}, SeededAt: now}
	s.eng = s.root
	formsOpen := len(camp.Forms()) == 0 || camp.PhaseOpen(camp.Forms()[0], now).Open
	if !camp.OpenAt(now) || !formsOpen {
		res.SeededAt = openDay(camp.Opens(), camp.Closes(), now)
		if p, ok := fillingPhase(camp, now); ok {
			res.SeededAt = openDay(p.From, p.To, now)
		}
		start, shift := time.Now(), res.SeededAt
		s.eng = app.New(app.Config{Config: engine.Config{Store: s.root.Store(), Vault: s.root.Vault(), Logger: s.log,
			Now: func() time.Time { return shift.Add(time.Since(start)) }}})
		now = s.eng.Now()
		s.log.Info("demo campaign is not open today: its sample records are dated when it is", "campaign", campaignID, "dated", now.Format(time.RFC3339))
	}
	if err := s.eng.CampaignOpen(ctx, camp, now); err != nil {
		return nil, fmt.Errorf("cannot seed records: %w", err)
	}
	wf, _, err := s.eng.Workflow(ctx, camp.Workflow(), 0)
	if err != nil {
		return nil, err
	}
	var accepted []seededRecord
	worker := 0
	for _, formID := range camp.Forms() {
		form, _, err := s.eng.Form(ctx, formID, 0)
		if err != nil {
			return nil, err
		}
		gen, ok := samples[formID]
		if !ok {
			return nil, fmt.Errorf("the demo has no sample answers for form %s", formID)
		}
		env := forms.Env{RefTime: camp.RefTime(), Lang: "zh-CN"}
		var clean []map[string]any
		for v := range gen.variants {
			st := forms.Evaluate(form, gen.answers(v, 0), env)
			if !st.Valid() {
				return nil, fmt.Errorf("form %s: sample variant %d is not valid: %v", formID, v, st.Errors)
			}
			clean = append(clean, st.Clean)
		}
		for _, sp := range planPaths(wf, clean, engine.LevelVillage, camp.RefTime(), now) {
			n := recordsPerState
			if pay.AcceptedState(wf, sp.state) {
				n = recordsPerAccepted
			}
			for k := range n {
				p := sp.paths[k%len(sp.paths)]
				answers := gen.answers(p.variant, s.next())
				r, err := s.liveThrough(ctx, campaignID, formID, workerUsernames[worker%len(workerUsernames)], answers, p.actions)
				if err != nil {
					return nil, fmt.Errorf("form %s: to %s by %v: %w", formID, p.state, p.actions, err)
				}
				worker++
				res.Records[r.State]++
				if pay.AcceptedState(wf, r.State) {
					accepted = append(accepted, seededRecord{r, answers})
				}
			}
		}
		if gen.correct != nil {
			r, answers, err := s.returnAndCorrect(ctx, campaignID, formID, wf, clean, gen, workerUsernames[worker%len(workerUsernames)], camp.RefTime(), now)
			if err != nil {
				return nil, fmt.Errorf("form %s: return and correct: %w", formID, err)
			}
			if r != nil {
				worker++
				res.Records[r.State]++
				if pay.AcceptedState(wf, r.State) {
					accepted = append(accepted, seededRecord{r, answers})
				}
			}
		}
		for range draftsPerForm {
			w := s.actor(workerUsernames[worker%len(workerUsernames)])
			worker++
			if _, err := s.eng.Submit(ctx, w, engine.Submission{CampaignID: campaignID, FormID: formID, Answers: gen.answers(0, s.next()), Lang: "zh-CN", Draft: true}); err != nil {
				return nil, fmt.Errorf("form %s: draft: %w", formID, err)
			}
			res.Records[engine.StateDraft]++
		}
	}
	if err := s.seedFollowups(ctx, camp, wf, res); err != nil {
		return nil, err
	}
	if err := s.payExtras(ctx, camp.ID(), camp.PayTable(), accepted, res); err != nil {
		return nil, err
	}
	if q, ok := camp.QC(); ok {
		if err := s.spotCheck(ctx, campaignID, q.PeriodOf(now), res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// openDay returns when to seed a campaign that is not open at now: a day
// after it opens when it opens later, three days before it closes when
// it has closed (never before it opens), at now's time of day.
// fillingPhase is the phase to date sample records in, for a campaign in
// phases: the latest one that opens its first form and has begun by now,
// else the first that opens it.
func fillingPhase(camp *campaigns.Campaign, now time.Time) (campaigns.Phase, bool) {
	var found campaigns.Phase
	ok := false
	for _, p := range camp.Phases() {
		if !p.Allows(camp.Forms()[0]) {
			continue
		}
		if !ok || !p.From.After(now) {
			found, ok = p, true
		}
	}
	return found, ok
}

func openDay(opens, closes, now time.Time) time.Time {
	tod := now.Sub(now.Truncate(24 * time.Hour))
	if !opens.IsZero() && now.Before(opens) {
		at := opens.AddDate(0, 0, 1).Add(tod % (12 * time.Hour))
		if !closes.IsZero() && !at.Before(closes) {
			at = opens
		}
		return at
	}
	at := closes.AddDate(0, 0, -3).Add(tod % (12 * time.Hour))
	if at.Before(opens) {
		at = opens
	}
	return at
}

// seededRecord is a record with the answers it was submitted with.
type seededRecord struct {
	record  *engine.Record
	answers map[string]any
}

func (s *seeder) next() int {
	s.households++
	return s.households
}

// liveThrough submits a record as the field worker and takes the actions
// in order, each by the demo user the record's open task asks for.
func (s *seeder) liveThrough(ctx context.Context, campaignID, formID, worker string, answers map[string]any, actions []string) (*engine.Record, error) {
	sub, err := s.eng.Submit(ctx, s.actor(worker), engine.Submission{CampaignID: campaignID, FormID: formID, Answers: answers, Lang: "zh-CN"})
	if err != nil {
		return nil, err
	}
	r := sub.Record
	for _, act := range actions {
		a, err := s.taskActor(r, worker)
		if err != nil {
			return nil, err
		}
		if _, err := s.eng.Act(ctx, a, r.ID, engine.Action{Name: act, Reason: reasonFor(act), Version: r.Version, Lang: "zh-CN"}); err != nil {
			return nil, fmt.Errorf("%s as %s: %w", act, a.User.Username, err)
		}
		if r, err = s.eng.Store().GetRecord(ctx, r.ID); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// returnAndCorrect brings one record into the first state where the
// field worker has to act (returned for correction), and has the worker
// resubmit it with corrected answers. It returns nil when the workflow
// never hands a record back to the field worker.
func (s *seeder) returnAndCorrect(ctx context.Context, campaignID, formID string, wf *workflows.Workflow, clean []map[string]any, gen sampleSet, worker string, ref, now time.Time) (*engine.Record, map[string]any, error) {
	for _, sp := range planPaths(wf, clean, engine.LevelVillage, ref, now) {
		step := wf.Step(sp.state)
		actions := wf.Actions(sp.state)
		if step == nil || !slices.Contains(step.Roles, engine.RoleFieldWorker) || len(actions) == 0 {
			continue
		}
		p := sp.paths[0]
		answers := gen.answers(p.variant, s.next())
		r, err := s.liveThrough(ctx, campaignID, formID, worker, answers, p.actions)
		if err != nil {
			return nil, nil, err
		}
		corrected := cloneAnswers(answers) // the same household, corrected
		gen.correct(corrected)
		if _, err := s.eng.Act(ctx, s.actor(worker), r.ID, engine.Action{Name: actions[0], Answers: corrected, Version: r.Version, Lang: "zh-CN"}); err != nil {
			return nil, nil, fmt.Errorf("resubmit corrected: %w", err)
		}
		r, err = s.eng.Store().GetRecord(ctx, r.ID)
		return r, corrected, err
	}
	return nil, nil, nil
}

// cloneAnswers copies answers deeply enough to change nested sections.
func cloneAnswers(a map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		if m, ok := v.(map[string]any); ok {
			v = cloneAnswers(m)
		}
		out[k] = v
	}
	return out
}

// taskActor picks who acts on the record's open task: its creator when
// the task is a field worker's, else the demo user holding a candidate
// role whose scope is the smallest that covers the task's unit.
func (s *seeder) taskActor(r *engine.Record, creator string) (*engine.Actor, error) {
	if slices.Contains(r.CandidateRoles, engine.RoleFieldWorker) && engine.InSubtree(r.TaskOrgPath, s.users[creator].OrgPath) {
		return s.actor(creator), nil
	}
	var best *engine.User
	for _, u := range s.order {
		if !slices.ContainsFunc(r.CandidateRoles, u.HasRole) || !engine.InSubtree(r.TaskOrgPath, u.OrgPath) {
			continue
		}
		if best == nil || len(u.OrgPath) > len(best.OrgPath) {
			best = u
		}
	}
	if best == nil {
		return nil, fmt.Errorf("no demo user may act on step %s (roles %v) at %s", r.Step, r.CandidateRoles, r.TaskOrgPath)
	}
	return &engine.Actor{User: best, IP: "127.0.0.1"}, nil
}

// payExtras marks accepted records entered into the official system when
// the pay table pays for that, and records the supervisor's days on site
// when it pays for those.
func (s *seeder) payExtras(ctx context.Context, campaignID, payTableID string, accepted []seededRecord, res *CampaignResult) error {
	if payTableID == "" {
		return nil
	}
	pt, _, err := s.eng.Pay.PayTable(ctx, payTableID, 0)
	if err != nil {
		return err
	}
	now := s.eng.Now()
	camp, err := s.eng.Campaign(ctx, campaignID)
	if err != nil {
		return err
	}
	// A campaign in phases takes entries only in the phase that opens
	// them; before it, the accepted records wait to be entered.
	enterOpen := camp.PhaseOpen(campaigns.PhaseEnter, now).Open
	for _, sr := range accepted {
		if !enterOpen {
			break
		}
		r := sr.record
		creator, err := s.eng.Store().GetUser(ctx, r.CreatedBy)
		if err != nil {
			return err
		}
		lines, err := pt.Lines(paytables.Event{Kind: paytables.EventRecordEntered, RecordID: r.ID, FormID: r.FormID,
			CreatorID: creator.ID, CreatorRoles: creator.Roles, ActorID: creator.ID, ActorRoles: creator.Roles, Answers: sr.answers, At: now})
		if err != nil || len(lines) == 0 {
			continue // this table pays nothing for entering this record
		}
		if _, err := s.eng.Pay.MarkEntered(ctx, &engine.Actor{User: creator, IP: "127.0.0.1"}, r.ID); err != nil {
			return fmt.Errorf("mark %s entered: %w", r.ID, err)
		}
		res.Entered++
	}
	sup := s.users["supervisor"]
	lines, err := pt.Lines(paytables.Event{Kind: paytables.EventAttendanceDay, RecordID: "probe", ActorID: sup.ID, ActorRoles: sup.Roles, At: now})
	if err != nil || len(lines) == 0 {
		return nil
	}
	china := time.FixedZone("CST", 8*3600)
	for d := 2; d >= 0; d-- {
		day := now.In(china).AddDate(0, 0, -d)
		if day.Before(pt.EffectiveFrom()) {
			continue
		}
		if _, err := s.eng.Pay.RecordAttendance(ctx, s.actor("supervisor"), pay.Attendance{CampaignID: campaignID, Date: day.Format(time.DateOnly), WorkerID: sup.ID}); err != nil {
			return fmt.Errorf("attendance %s: %w", day.Format(time.DateOnly), err)
		}
		res.AttendanceDays++
	}
	return nil
}

// spotCheck draws the period's spot-check sample as the supervisor and
// decides all but the last sampled record: the first passes, the second
// has a problem, the rest pass; the last stays open for the demo.
func (s *seeder) spotCheck(ctx context.Context, campaignID, period string, res *CampaignResult) error {
	sup := s.actor("supervisor")
	sample, err := s.eng.Pay.SampleQC(ctx, sup, campaignID, period)
	if err != nil {
		return fmt.Errorf("spot-check sample: %w", err)
	}
	var ids []string
	for _, rs := range sample.Records {
		ids = append(ids, rs...)
	}
	sort.Strings(ids)
	res.SpotChecks = len(ids)
	for i, id := range ids {
		if i == len(ids)-1 && i > 0 {
			break
		}
		pass, reason := i != 1, ""
		if !pass {
			reason = "抽查回访发现登记信息与实际情况不符，需重新核实。"
		}
		if _, err := s.eng.Pay.RecordQCOutcome(ctx, sup, id, pass, reason); err != nil {
			return fmt.Errorf("spot check %s: %w", id, err)
		}
		if pass {
			res.Passed++
		} else {
			res.Problems++
		}
	}
	return nil
}
