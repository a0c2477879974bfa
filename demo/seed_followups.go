package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"canvass/app"
	"canvass/campaigns"
	"canvass/engine"
	"canvass/engine/followup"
	"canvass/forms"
	"canvass/workflows"
)

// Follow-up tasks in the demo: a campaign with a schedule (the quarterly
// immunization check) gets its tasks the way a running server makes them.
// A few subjects (children) are registered shortly before the schedule's
// latest firings while the campaign was open, and those firings are run
// through the follow-up service, which opens one task per subject for the
// village worker. The oldest firing's tasks are past due, so the
// dashboard has overdue checks; one task is filed, so the checked state
// has a record too. The server's own runner later finds those firings
// done and opens nothing twice.

const (
	// subjectsPerFiring are registered before the earliest firing run.
	subjectsPerFiring = 3
	// firingsRun is how many of the latest firings the demo runs.
	firingsRun = 2
	// registerLead is how long before a firing its subjects are
	// registered, when the campaign was open then.
	registerLead = 4 * time.Hour
	// demoOwner holds the schedule leases the demo takes.
	demoOwner = "demo"
)

// seedFollowups registers subjects and runs the latest firings of each of
// the campaign's schedule entries, counting what it leaves in res.
func (s *seeder) seedFollowups(ctx context.Context, camp *campaigns.Campaign, wf *workflows.Workflow, res *CampaignResult) error {
	now := s.eng.Now()
	for _, entry := range camp.Schedule() {
		firings := latestFirings(camp, entry, now)
		if len(firings) == 0 {
			continue
		}
		registerAt, ok := registrationTime(camp, entry.For, firings[0])
		if !ok {
			s.log.Info("demo: no day to register subjects before the schedule fired", "campaign", camp.ID(), "entry", entry.Name)
			continue
		}
		subjects, err := s.registerSubjects(ctx, camp, wf, entry, registerAt, res)
		if err != nil {
			return fmt.Errorf("schedule %s: register %s: %w", entry.Name, entry.For, err)
		}
		if len(subjects) == 0 {
			continue
		}
		for _, at := range firings {
			opened, err := s.eng.Followups.RunFiring(ctx, camp.ID(), entry.Name, at, demoOwner)
			if err != nil {
				return fmt.Errorf("schedule %s: firing at %s: %w", entry.Name, at.Format(time.RFC3339), err)
			}
			res.Records[entry.State] += opened
		}
		if err := s.fileOneTask(ctx, camp, wf, entry, firings[len(firings)-1], subjects[len(subjects)-1], res); err != nil {
			return fmt.Errorf("schedule %s: file a task: %w", entry.Name, err)
		}
	}
	return nil
}

// latestFirings returns up to firingsRun of the entry's latest firings at
// or before now while the campaign was open, oldest first.
func latestFirings(camp *campaigns.Campaign, entry campaigns.ScheduleEntry, now time.Time) []time.Time {
	var out []time.Time
	for at := now; len(out) < firingsRun; {
		f := followup.LatestFiring(entry, at)
		if f.IsZero() || !camp.OpenAt(f) {
			break
		}
		out = append(out, f)
		at = f.Add(-time.Second)
	}
	slices.Reverse(out)
	return out
}

// registrationTime is when to register subjects of the form for the
// firing at fireAt: registerLead before it, or halfway between the
// campaign's opening and the firing when that is too early; false when
// the campaign (or its phase for the form) was not open then.
func registrationTime(camp *campaigns.Campaign, formID string, fireAt time.Time) (time.Time, bool) {
	at := fireAt.Add(-registerLead)
	if !camp.OpenAt(at) {
		at = camp.Opens().Add(fireAt.Sub(camp.Opens()) / 2)
	}
	ok := at.Before(fireAt) && camp.OpenAt(at) && camp.PhaseOpen(formID, at).Open
	return at.Truncate(time.Second), ok
}

// registerSubjects brings subjectsPerFiring records of the entry's
// subject form into a state the entry picks, dated at, with an engine
// whose clock runs from then, one per demo field worker in turn. It
// returns their IDs.
func (s *seeder) registerSubjects(ctx context.Context, camp *campaigns.Campaign, wf *workflows.Workflow, entry campaigns.ScheduleEntry, at time.Time, res *CampaignResult) ([]string, error) {
	gen, ok := samples[entry.For]
	if !ok {
		return nil, fmt.Errorf("the demo has no sample answers for form %s", entry.For)
	}
	form, _, err := s.eng.Form(ctx, entry.For, 0)
	if err != nil {
		return nil, err
	}
	var clean []map[string]any
	for v := range gen.variants {
		clean = append(clean, forms.Evaluate(form, gen.answers(v, 0), forms.Env{RefTime: camp.RefTime(), Lang: "zh-CN"}).Clean)
	}
	var paths []pathTo
	for _, sp := range planPaths(wf, clean, engine.LevelVillage, camp.RefTime(), at) {
		if len(entry.States) == 0 && !wf.IsFinal(sp.state) || slices.Contains(entry.States, sp.state) {
			paths = append(paths, sp.paths...)
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	seedEng := s.eng
	defer func() { s.eng = seedEng }()
	start := time.Now()
	s.eng = app.New(app.Config{Config: engine.Config{Store: s.root.Store(), Vault: s.root.Vault(), Logger: s.log,
		Now: func() time.Time { return at.Add(time.Since(start)) }}})
	var ids []string
	for k := range subjectsPerFiring {
		p := paths[k%len(paths)]
		r, err := s.liveThrough(ctx, camp.ID(), entry.For, workerUsernames[k%len(workerUsernames)], gen.answers(p.variant, s.next()), p.actions)
		if err != nil {
			return ids, fmt.Errorf("to %s by %v: %w", p.state, p.actions, err)
		}
		res.Records[r.State]++
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// fileOneTask has the village worker file the task the firing at fireAt
// opened for subject, with sample answers added to those the schedule
// copied.
func (s *seeder) fileOneTask(ctx context.Context, camp *campaigns.Campaign, wf *workflows.Workflow, entry campaigns.ScheduleEntry, fireAt time.Time, subject string, res *CampaignResult) error {
	gen, ok := samples[entry.Form]
	actions := wf.Actions(entry.State)
	if !ok || len(actions) == 0 {
		return nil
	}
	task, err := s.eng.Store().GetRecord(ctx, followup.TaskID(camp.ID(), entry.Name, fireAt, subject))
	if err != nil {
		return err
	}
	form, _, err := s.eng.Form(ctx, entry.Form, task.FormVersion)
	if err != nil {
		return err
	}
	answers := gen.answers(0, s.next())
	for k, v := range s.eng.OpenAnswers(form, task.Answers, true) {
		answers[k] = v // the child the schedule named, as the worker sees it
	}
	for _, u := range s.order {
		if !u.HasRole(engine.RoleFieldWorker) || u.OrgPath != task.TaskOrgPath {
			continue
		}
		view, err := s.eng.Act(ctx, &engine.Actor{User: u, IP: "127.0.0.1"}, task.ID, engine.Action{Name: actions[0], Answers: answers, Version: task.Version, Lang: "zh-CN"})
		if err != nil {
			return err
		}
		res.Records[entry.State]--
		res.Records[view.State]++
		return nil
	}
	return fmt.Errorf("no demo field worker works in %s", task.TaskOrgPath)
}
