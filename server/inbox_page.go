package server

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/ui"
)

// inboxData is the inbox page's own data.
type inboxData struct {
	// The filter as typed, for the form and the paging links.
	Campaign, State, Org string
	Overdue              bool
	Campaigns, States    []option
	Units                []engine.OrgUnit

	Items          []inboxItem
	Bulk           bool // some listed task can be approved or returned: offer the bulk form
	Total, Late    int64
	Action         string // this page's address, where the bulk form posts
	NextURL        string
	FirstURL       string
	Paged          bool
	Reason         string // as typed, after a failed bulk action
	ReasonError    string
	Results        []bulkRow
	Done, Failures int
	Search         *inboxSearch // the "find a record" box
}

// option is one choice of a select.
type option struct {
	Value, Label string
}

// inboxItem is one task in the list.
type inboxItem struct {
	ID, Number, Form, Campaign, Unit, State, Assignee string
	Version                                           int64
	Summary                                           []answerRow
	DueAt                                             time.Time
	Overdue                                           bool
	Reminders                                         int
	Escalated                                         bool
	Checked                                           bool
}

// bulkRow is the result of a bulk action for one record, in words, with
// the record's summary answers (masked as the viewer requires) so that a
// person sees whose record it was.
type bulkRow struct {
	ID      string
	OK      bool
	Message string
	Summary []answerRow
}

// inboxPage lists the reader's open tasks with filters, counts, paging
// and the bulk approve/return form.
func (s *Server) inboxPage(c fiber.Ctx) error {
	return s.renderInbox(c, fiber.StatusOK, nil, bulkRequest{}, nil)
}

// inboxBulkSubmit applies the bulk form's action to the ticked tasks and
// shows the inbox again with a result per task. A request wrong as a
// whole (no task ticked, return without a reason) shows the form again
// with the problem (422, or 413 for too many tasks) and acts on nothing.
func (s *Server) inboxBulkSubmit(c fiber.Ctx) error {
	req := bulkRequest{Action: strings.TrimSpace(bodyField(c, "action")), Reason: bodyField(c, "reason")}
	for _, v := range formValues(c, "item") {
		id, ver, _ := strings.Cut(v, ":")
		n, _ := strconv.ParseInt(ver, 10, 64)
		req.Items = append(req.Items, bulkItem{ID: id, Version: n})
	}
	results, err := s.bulkAct(c, actorOf(c), req)
	switch code := engine.ErrorCode(err); code {
	case "":
	case engine.EINVALID, engine.ETOOLARGE:
		return s.renderInbox(c, statusByCode[code], nil, req, err)
	default:
		return err
	}
	return s.renderInbox(c, fiber.StatusOK, results, req, nil)
}

// renderInbox shows the inbox for the query string's filter. After a bulk
// post it shows the results, or why the request was refused (bulkErr)
// with the ticked tasks still ticked.
func (s *Server) renderInbox(c fiber.Ctx, status int, results []bulkResult, req bulkRequest, bulkErr error) error {
	a := actorOf(c)
	path := ""
	if c.Method() != fiber.MethodGet {
		path = "/inbox"
	}
	p := s.newPage(c, "inbox.title", "inbox", path)
	names := newNamer(s, c.Context(), a, p.Lang)
	q, err := recordQueryOf(c)
	data := inboxData{
		Campaign: q.Campaign, State: strings.Join(q.States, ","), Org: q.Org, Overdue: q.Overdue,
		Reason: req.Reason, Paged: q.After != "",
	}
	data.FirstURL = withQuery("/inbox", q.values())
	data.Action = withQuery("/inbox/actions", q.values())
	if q.After != "" {
		v := q.values()
		v.Set("after", q.After)
		data.Action = withQuery("/inbox/actions", v)
	}
	var res *inboxResult
	if err == nil {
		res, err = s.inbox(c, a, q)
	}
	switch code := engine.ErrorCode(err); code {
	case "":
	case engine.EINVALID, engine.ENOTFOUND:
		// A bad filter shows the page with the filter to correct.
		status = statusByCode[code]
		p.Error = p.T("inbox.badfilter")
		for _, fe := range engine.ErrorFields(err) {
			p.Error += " " + strings.TrimPrefix(fe.Pointer, "/") + ": " + fe.Message
		}
		res = &inboxResult{}
	default:
		return err
	}
	if bulkErr != nil {
		p.Error = p.T("inbox.bulk.refused")
		if engine.ErrorCode(bulkErr) == engine.ETOOLARGE {
			p.Error = p.T("inbox.bulk.toomany", maxBulkItems)
		}
		for _, fe := range engine.ErrorFields(bulkErr) {
			switch {
			case fe.Pointer == "/reason":
				data.ReasonError = p.T("record.refused.required")
			case fe.Pointer == "/items" && fe.Code == "required":
				p.Error = p.T("inbox.bulk.none")
			}
		}
	}
	ticked := map[string]bool{}
	if bulkErr != nil {
		for _, it := range req.Items {
			ticked[it.ID] = true
		}
	}
	now := s.engine.Now()
	for _, v := range res.views {
		data.Items = append(data.Items, s.inboxItemOf(names, v, now, ticked[v.ID]))
		data.Bulk = data.Bulk || slices.Contains(v.Actions, "approve") || slices.Contains(v.Actions, "return")
	}
	data.Total, data.Late = res.total, res.overdue
	if res.next != "" {
		v := q.values()
		v.Set("after", res.next)
		data.NextURL = withQuery("/inbox", v)
	}
	for _, r := range results {
		row := bulkRow{ID: r.ID, OK: r.OK}
		if r.view != nil {
			row.Summary = summaryRows(names.form(r.view.Record), r.view.Answers, names.lang)
		}
		if r.OK {
			data.Done++
			row.Message = p.T("inbox.result.ok", names.action(req.Action), names.state(r.record(), r.State))
		} else {
			data.Failures++
			row.Message = bulkFailure(p, names, r)
		}
		data.Results = append(data.Results, row)
	}
	if data.Search, err = s.searchInbox(c, a, p, names); err != nil {
		return err
	}
	data.Campaigns, data.States = s.campaignChoices(c.Context(), a, names)
	units, err := s.engine.OrgUnits(c.Context(), a, "")
	if err != nil {
		return err
	}
	data.Units = units[:min(len(units), maxUnitChoices)]
	p.Data = data
	return s.render(c, status, "inbox", p)
}

func (s *Server) inboxItemOf(names *namer, v *engine.RecordView, now time.Time, checked bool) inboxItem {
	r := v.Record
	it := inboxItem{
		ID: r.ID, Number: recordNumberText(r), Version: r.Version, Form: names.formTitle(r), Campaign: names.campaign(r.CampaignID),
		Unit: names.unit(r.OrgUnit), State: names.state(r, r.State), DueAt: r.DueAt, Overdue: overdue(r, now),
		Checked: checked,
	}
	if r.Assignee != "" {
		it.Assignee = names.user(r.Assignee)
	}
	_, it.Reminders, it.Escalated = engine.TimerCounts(r)
	it.Summary = summaryRows(names.form(r), r.Answers, names.lang)
	return it
}

// bulkFailure says in the page's language why a bulk action failed for
// one record.
func bulkFailure(p *pageData, names *namer, r bulkResult) string {
	switch {
	case r.Code == engine.ECONFLICT && r.view != nil:
		return p.T("record.conflict", names.state(r.view.Record, r.State), r.Version)
	case r.field != "" && ui.HasMessage("record.refused."+r.field):
		return p.T("record.refused." + r.field)
	case ui.HasMessage("error." + r.Code):
		return p.T("error." + r.Code)
	}
	return r.Message
}

// campaignChoices lists the published campaigns whose org scope meets the
// actor's, and the states of their workflows, for the filter.
func (s *Server) campaignChoices(ctx context.Context, a *engine.Actor, names *namer) (campaigns, states []option) {
	choices, err := s.engine.CampaignChoices(ctx, a, names.lang)
	if err != nil {
		s.log.Warn("listing campaigns for the inbox filter", "err", err)
		return nil, nil
	}
	for _, ch := range choices {
		camp := ch.Campaign
		campaigns = append(campaigns, option{Value: camp.ID(), Label: ch.Title})
		wf, _, err := s.engine.Workflow(ctx, camp.Workflow(), 0)
		if err != nil {
			continue
		}
		for _, st := range wf.States() {
			if wf.IsFinal(st) || slices.ContainsFunc(states, func(o option) bool { return o.Value == st }) {
				continue
			}
			states = append(states, option{Value: st, Label: wf.StateTitle(st, names.lang)})
		}
	}
	return campaigns, states
}
