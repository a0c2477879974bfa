// Package followup runs campaign schedules: at every firing of a
// schedule entry (campaigns.ScheduleEntry, a cron spec on China's clock)
// each subject record — a child registered once, say — gets one follow-up
// record of the entry's form, created in the entry's workflow state. That
// record is a task like any other: it carries the state's step (who must
// act, where) and due time, shows in its unit's inbox and on the field
// worker's home page, is overdue after its due time, and is done when the
// worker fills it in and submits it.
//
// A firing is run once however many server processes share the store:
// each claims it with a lease (RunStore.ClaimScheduleRun) before creating
// its tasks, and marks it done after. A follow-up record's ID is derived
// from campaign, entry, firing and subject, so a process that takes over
// an expired lease from one that died half-way inserts the same records
// again, and the store's idempotent insert keeps one of each.
package followup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/workflows"
)

// Store is what the schedule runner needs from a database.
type Store interface {
	engine.Store
	RunStore // store_run.go
}

// Service runs the schedules of every published campaign of one engine.
type Service struct {
	e     *engine.Engine
	store Store

	// finished remembers, per campaign and entry, the latest firing this
	// process finished, so a pass does not ask the store about it again.
	mu       sync.Mutex
	finished map[string]time.Time
}

// New returns the schedule service over e and st.
func New(e *engine.Engine, st Store) *Service {
	return &Service{e: e, store: st, finished: map[string]time.Time{}}
}

// RunLease is how long a process holds a firing it claimed. One that dies
// lets it go after this; another process then finishes it.
const RunLease = 5 * time.Minute

// subjectPage is how many subject records one read takes.
const subjectPage = 500

// Runner returns the Background that runs due schedule firings every
// interval, as owner (unique per process: it names the lease holder).
func (s *Service) Runner(owner string, every time.Duration) *engine.Loop {
	return engine.NewLoop("schedule runner", every, s.e.Logger(), func(ctx context.Context) {
		created, err := s.RunDue(ctx, owner)
		if err != nil && ctx.Err() == nil {
			s.e.Logger().Error("schedule run failed", "err", err)
		}
		if created > 0 {
			s.e.Logger().Info("follow-up tasks created", "count", created)
		}
	})
}

// RunDue runs, for every schedule entry of every published campaign, its
// latest firing at or before now, unless that firing ran already or
// another process holds it; a firing before the campaign opens, after it
// ends, or while it is closed does not run. It returns how many follow-up
// tasks this call created. One campaign's failure is logged and does not
// stop the others; the first error is returned.
func (s *Service) RunDue(ctx context.Context, owner string) (int, error) {
	defs, err := s.store.ListDefinitions(ctx, engine.DefinitionFilter{Kind: engine.KindCampaign, Status: engine.StatusPublished})
	if err != nil {
		return 0, err
	}
	now := s.e.Now()
	seen := map[string]bool{}
	created := 0
	var first error
	for _, d := range defs {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		camp, err := s.e.Campaign(ctx, d.ID)
		if err != nil {
			s.e.Logger().Error("schedule: campaign does not load", "campaign", d.ID, "err", err)
			continue
		}
		if len(camp.Schedule()) == 0 {
			continue
		}
		if err := s.e.CampaignOpen(ctx, camp, now); err != nil {
			if engine.ErrorCode(err) != engine.ECLOSED && first == nil {
				first = err
			}
			continue
		}
		for _, entry := range camp.Schedule() {
			fireAt := LatestFiring(entry, now)
			if fireAt.IsZero() || !camp.OpenAt(fireAt) {
				continue
			}
			n, err := s.runFiring(ctx, camp, entry, fireAt, owner)
			created += n
			if err != nil {
				s.e.Logger().Error("schedule: firing failed; it runs again when its lease expires",
					"campaign", camp.ID(), "entry", entry.Name, "firing", fireAt, "err", err)
				if first == nil {
					first = err
				}
			}
		}
	}
	return created, first
}

// LatestFiring returns the entry's last firing at or before now, looking
// back up to about a year, or the zero time when there is none. It looks
// in widening windows so that a spec that fires every minute costs as
// little as one that fires every quarter.
func LatestFiring(entry campaigns.ScheduleEntry, now time.Time) time.Time {
	for _, back := range []time.Duration{time.Hour, 24 * time.Hour, 32 * 24 * time.Hour, 370 * 24 * time.Hour} {
		var last time.Time
		for t := entry.Next(now.Add(-back)); !t.IsZero() && !t.After(now); t = entry.Next(t) {
			last = t
		}
		if !last.IsZero() {
			return last
		}
	}
	return time.Time{}
}

// RunFiring runs one firing of the campaign's schedule entry now, as the
// runner does when its time comes: each subject submitted before fireAt
// gets its task, once, under the same lease. It is for operators and
// tests that must not wait for the clock. Returns ENOTFOUND for an
// unknown campaign or entry.
func (s *Service) RunFiring(ctx context.Context, campaignID, entryName string, fireAt time.Time, owner string) (int, error) {
	camp, err := s.e.Campaign(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	i := slices.IndexFunc(camp.Schedule(), func(e campaigns.ScheduleEntry) bool { return e.Name == entryName })
	if i < 0 {
		return 0, engine.Errorf(engine.ENOTFOUND, "campaign %s has no scheduled task %s", campaignID, entryName)
	}
	return s.runFiring(ctx, camp, camp.Schedule()[i], fireAt.UTC().Truncate(time.Millisecond), owner)
}

// runFiring claims one firing and, when this process holds it, creates
// every subject's follow-up record and marks the firing done.
func (s *Service) runFiring(ctx context.Context, camp *campaigns.Campaign, entry campaigns.ScheduleEntry, fireAt time.Time, owner string) (int, error) {
	key := camp.ID() + "\x00" + entry.Name
	s.mu.Lock()
	seen := s.finished[key].Equal(fireAt)
	s.mu.Unlock()
	if seen {
		return 0, nil
	}
	ok, err := s.store.ClaimScheduleRun(ctx, camp.ID(), entry.Name, fireAt, owner, s.e.Now(), RunLease)
	if err != nil || !ok {
		return 0, err
	}
	wf, wfVersion, err := s.e.Workflow(ctx, camp.Workflow(), 0)
	if err != nil {
		return 0, err
	}
	if step := wf.Step(entry.State); !wf.Scheduled(entry.State) || wf.IsFinal(entry.State) || step == nil {
		return 0, fmt.Errorf("schedule %s: state %s of workflow %s has no open task", entry.Name, entry.State, wf.ID())
	}
	_, formVersion, err := s.e.Form(ctx, entry.Form, 0)
	if err != nil {
		return 0, err
	}
	created := 0
	page := engine.Page{Limit: subjectPage}
	for {
		res, err := s.store.ListRecords(ctx, engine.RecordFilter{CampaignID: camp.ID(), FormID: entry.For, States: entry.States}, page)
		if err != nil {
			return created, err
		}
		for _, subject := range res.Records {
			if !isSubject(subject, entry, fireAt) {
				continue
			}
			ok, err := s.createTask(ctx, camp, entry, fireAt, wf, wfVersion, formVersion, subject)
			if err != nil {
				return created, fmt.Errorf("schedule %s: subject %s: %w", entry.Name, subject.ID, err)
			}
			if ok {
				created++
			}
		}
		if res.Next == "" {
			break
		}
		page.After = res.Next
	}
	if err := s.store.FinishScheduleRun(ctx, camp.ID(), entry.Name, fireAt, owner, created, s.e.Now()); err != nil {
		return created, err
	}
	s.mu.Lock()
	s.finished[key] = fireAt
	s.mu.Unlock()
	return created, nil
}

// isSubject reports whether r gets a task at the firing: it existed before
// the firing, is no draft, and is not itself a scheduled follow-up (an
// entry whose form is its own subject form must not feed on its tasks).
func isSubject(r *engine.Record, entry campaigns.ScheduleEntry, fireAt time.Time) bool {
	return r.State != engine.StateDraft && r.CreatedBy != engine.SystemActor && r.CreatedAt.Before(fireAt) &&
		(len(entry.States) == 0 || slices.Contains(entry.States, r.State))
}

// createTask inserts the subject's follow-up record for the firing, or
// finds it there already. It reports whether this call created it.
func (s *Service) createTask(ctx context.Context, camp *campaigns.Campaign, entry campaigns.ScheduleEntry, fireAt time.Time,
	wf *workflows.Workflow, wfVersion, formVersion int, subject *engine.Record) (bool, error) {
	answers := map[string]any{}
	if entry.Link != "" {
		setPath(answers, entry.Link, subject.ID)
	}
	for _, c := range entry.Copy {
		if v, ok := getPath(subject.Answers, c.From); ok {
			setPath(answers, c.To, v)
		}
	}
	unit, err := s.store.GetOrgUnit(ctx, subject.OrgUnit)
	if err != nil {
		return false, err
	}
	out, err := wf.Enter(entry.State, workflows.Input{Answers: answers, OrgLevel: unit.Level, CreatedAt: fireAt, SubmittedAt: fireAt,
		RefTime: camp.RefTime(), At: fireAt})
	if err != nil {
		return false, err
	}
	r := &engine.Record{
		ID: TaskID(camp.ID(), entry.Name, fireAt, subject.ID), CampaignID: camp.ID(), FormID: entry.Form, FormVersion: formVersion,
		WorkflowID: wf.ID(), WorkflowVersion: wfVersion, OrgUnit: subject.OrgUnit, OrgPath: subject.OrgPath,
		State: out.To, Answers: answers, DueAt: out.DueAt, NextTimerAt: out.NextTimerAt, TimerKind: out.TimerKind,
		CreatedBy: engine.SystemActor, CreatedAt: fireAt, UpdatedAt: fireAt,
		History: []engine.HistoryEntry{{At: fireAt, Actor: engine.SystemActor, Action: ActionSchedule, ToState: out.To,
			Reason: "schedule " + entry.Name + " for record " + subject.ID}},
	}
	if out.Step != nil {
		path, err := s.e.AncestorAt(ctx, r.OrgPath, out.Step.Level)
		if err != nil {
			return false, err
		}
		r.Step, r.CandidateRoles, r.TaskOrgPath = out.Step.Name, out.Step.Roles, path
	}
	stored, created, err := s.store.InsertRecord(ctx, r)
	if err != nil || !created {
		return false, err
	}
	s.e.RecordsWritten(ctx, stored)
	return true, s.e.Audit(ctx, nil, "record."+ActionSchedule, "record", stored.ID, stored.OrgPath,
		map[string]any{"schedule": entry.Name, "subject": subject.ID, "form": entry.Form})
}

// ActionSchedule is the history action of a record the schedule created.
const ActionSchedule = "schedule"

// TaskID is the follow-up record's ID for one subject at one firing: a
// UUID (version 8, RFC 9562) from a hash of the four, so every process
// that runs the firing names the record alike.
func TaskID(campaignID, entry string, fireAt time.Time, subjectID string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{campaignID, entry, fireAt.UTC().Format(time.RFC3339), subjectID}, "\x00")))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// getPath reads the answer at a dotted path.
func getPath(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[k]; !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

// setPath writes v at a dotted path, making the sections on the way.
func setPath(m map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[keys[len(keys)-1]] = v
}
