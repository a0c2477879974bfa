package server

import (
	"net/url"
	"slices"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/indicators"
)

// The dashboard's overdue follow-ups: for each schedule entry of the
// campaign (a quarterly check of each registered child), the tasks it
// opened that are still open past their due time under the dashboard's
// unit, the oldest due first.

// followupLimit bounds the overdue tasks the dashboard lists per entry;
// the count says how many there are in all.
const followupLimit = 20

// followupView is one schedule entry's overdue tasks.
type followupView struct {
	Name    string // the entry's name, for the anchor
	Title   string // the follow-up form's title
	State   string // the title of the state its tasks open in
	Overdue int64
	Rows    []followupRow
	More    int64 // overdue tasks not listed
}

// followupRow is one overdue task.
type followupRow struct {
	URL, Summary, Unit string
	DueAt              string
}

// dashboardFollowups lists the overdue follow-up tasks of the dashboard's
// campaign under its root unit, in the reader's scope.
func (s *Server) dashboardFollowups(c fiber.Ctx, d *indicators.Dashboard, p *pageData) ([]followupView, error) {
	ctx := c.Context()
	a := actorOf(c)
	camp, err := s.engine.Campaign(ctx, d.CampaignID)
	if err != nil {
		return nil, err
	}
	sched := camp.Schedule()
	if len(sched) == 0 {
		return nil, nil
	}
	names := newNamer(s, ctx, a, p.Lang)
	var out []followupView
	for _, entry := range sched {
		views, _, total, err := s.engine.ListRecords(ctx, a, engine.RecordFilter{CampaignID: camp.ID(), FormID: entry.Form,
			States: []string{entry.State}, OrgPaths: []string{d.Root.Path}, DueBefore: s.engine.Now()}, engine.Page{Limit: engine.MaxPageLimit}, true)
		if err != nil {
			return nil, err
		}
		v := followupView{Name: entry.Name, Overdue: total}
		form, _, err := s.engine.Form(ctx, entry.Form, 0)
		if err == nil {
			v.Title = form.Title(p.Lang)
		}
		if wf, _, err := s.engine.Workflow(ctx, camp.Workflow(), 0); err == nil {
			v.State = wf.StateTitle(entry.State, p.Lang)
		}
		sortByDue(views)
		for i, rv := range views {
			if i == followupLimit {
				break
			}
			r := rv.Record
			row := followupRow{URL: "/records/" + url.PathEscape(r.ID), Unit: names.unit(r.OrgUnit), DueAt: localTime(r.DueAt)}
			for j, sr := range summaryRows(names.form(r), rv.Answers, p.Lang) {
				if j > 0 {
					row.Summary += p.T("list.sep")
				}
				row.Summary += sr.Value
			}
			if row.Summary == "" {
				row.Summary = v.Title
			}
			v.Rows = append(v.Rows, row)
		}
		v.More = total - int64(len(v.Rows))
		out = append(out, v)
	}
	return out, nil
}

// sortByDue orders tasks by due time, the oldest first, then by ID.
func sortByDue(vs []*engine.RecordView) {
	slices.SortFunc(vs, func(a, b *engine.RecordView) int {
		if c := a.Record.DueAt.Compare(b.Record.DueAt); c != 0 {
			return c
		}
		switch {
		case a.Record.ID < b.Record.ID:
			return -1
		case a.Record.ID > b.Record.ID:
			return 1
		}
		return 0
	})
}
