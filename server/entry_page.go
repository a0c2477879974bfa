package server

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/pay"
)

// The data-entry clerk's page: GET /entry lists a campaign's submitted
// records in the clerk's scope that nobody has marked as typed into the
// official system yet, filtered by unit; POST /entry marks the ticked ones
// (or the one whose button was pressed) 已录入 through pay.MarkEntered,
// which pays the clerk what the pay table pays for record.entered. Each
// item carries the version the page showed: a record changed since is
// refused and named, and a record someone marked meanwhile says who did,
// so nothing is entered (or paid) twice.

// entryScanLimit bounds the records one page of the list reads.
const entryScanLimit = engine.MaxPageLimit

type entryData struct {
	Campaign, Org string
	Campaigns     []option
	Units         []engine.OrgUnit
	Items         []entryItem
	NextURL       string
	Scanned       int
	Results       []entryResult
	Done, Failed  int
}

// entryResult is what marking one record did, in words.
type entryResult struct {
	ID, Label string
	OK        bool
	Message   string
}

type entryItem struct {
	ID, Number, Form, Unit, State, Worker string
	Version                               int64
	Summary                               []answerRow
}

func (s *Server) entryRoutes() {
	s.app.Get("/entry", s.signedInPage, s.entryPage)
	s.app.Post("/entry", s.signedInPage, s.entrySubmit)
}

func (s *Server) entryPage(c fiber.Ctx) error {
	return s.renderEntry(c, fiber.StatusOK, nil)
}

// entrySubmit marks records entered, one result per record.
func (s *Server) entrySubmit(c fiber.Ctx) error {
	a := actorOf(c)
	if !a.Has(engine.RoleFieldWorker, engine.RoleAdmin) {
		return engine.Errorf(engine.EFORBIDDEN, "field workers and admins mark records entered")
	}
	items := formValues(c, "item")
	if one := bodyField(c, "one"); one != "" {
		items = []string{one}
	}
	if len(items) == 0 {
		return s.renderEntry(c, fiber.StatusUnprocessableEntity, nil)
	}
	if len(items) > maxBulkItems {
		return engine.Errorf(engine.ETOOLARGE, "at most %d records at once", maxBulkItems)
	}
	p := s.newPage(c, "entry.title", "entry", "/entry")
	names := newNamer(s, c.Context(), a, p.Lang)
	var results []entryResult
	seen := map[string]bool{}
	for _, it := range items {
		id, ver, _ := strings.Cut(it, ":")
		if seen[id] {
			continue
		}
		seen[id] = true
		version, _ := strconv.ParseInt(ver, 10, 64)
		results = append(results, s.markEntered(c, p, names, id, version))
	}
	return s.renderEntry(c, fiber.StatusOK, results)
}

// markEntered marks one record and says what happened, in words.
func (s *Server) markEntered(c fiber.Ctx, p *pageData, names *namer, id string, version int64) entryResult {
	a := actorOf(c)
	row := entryResult{ID: id}
	if !engine.ValidID(id) {
		row.Message = p.T("error.not_found")
		return row
	}
	v, err := s.engine.GetRecord(c.Context(), a, id)
	if err != nil {
		row.Message = p.T("error." + engine.ErrorCode(err))
		return row
	}
	r := v.Record
	row.Label = entryLabel(p, names, r)
	if h := enteredBy(r); h != nil {
		row.Message = p.T("entry.already", names.user(h.Actor), localTime(h.At))
		return row
	}
	if version != r.Version {
		row.Message = p.T("record.conflict", names.state(r, r.State), r.Version)
		return row
	}
	if _, err := s.pay.MarkEntered(c.Context(), a, id); err != nil {
		switch engine.ErrorCode(err) {
		case engine.ECONFLICT:
			row.Message = p.T("entry.changed")
		case engine.EINVALID:
			row.Message = p.T("entry.notenterable")
		default:
			s.log.Warn("marking a record entered", "record", id, "err", err)
			row.Message = p.T("error." + engine.ErrorCode(err))
		}
		return row
	}
	row.OK, row.Message = true, p.T("entry.ok")
	return row
}

// enteredBy is the history entry that marked r entered, or nil.
func enteredBy(r *engine.Record) *engine.HistoryEntry {
	for i := range r.History {
		if r.History[i].Action == pay.ActionEnter {
			return &r.History[i]
		}
	}
	return nil
}

// entryLabel names a record as people tell records apart: form, number
// and unit.
func entryLabel(p *pageData, names *namer, r *engine.Record) string {
	label := names.formTitle(r)
	if n := recordNumberText(r); n != "" {
		label += " · " + p.T("record.number.short", n)
	}
	return label + " · " + names.unit(r.OrgUnit)
}

func (s *Server) renderEntry(c fiber.Ctx, status int, results []entryResult) error {
	a := actorOf(c)
	if !a.Has(engine.RoleFieldWorker, engine.RoleAdmin) {
		return engine.Errorf(engine.EFORBIDDEN, "field workers and admins mark records entered")
	}
	path := ""
	if c.Method() != fiber.MethodGet {
		path = "/entry"
	}
	p := s.newPage(c, "entry.title", "entry", path)
	names := newNamer(s, c.Context(), a, p.Lang)
	d := entryData{Campaign: strings.TrimSpace(c.Query("campaign")), Org: strings.TrimSpace(c.Query("org")), Results: results}
	for _, r := range results {
		if r.OK {
			d.Done++
		} else {
			d.Failed++
		}
	}
	if status == fiber.StatusUnprocessableEntity {
		p.Error = p.T("entry.none.ticked")
	}
	d.Campaigns, _ = s.campaignChoices(c.Context(), a, names)
	if d.Campaign == "" && len(d.Campaigns) > 0 {
		d.Campaign = d.Campaigns[0].Value
	}
	units, err := s.engine.OrgUnits(c.Context(), a, "")
	if err != nil {
		return err
	}
	d.Units = units[:min(len(units), maxUnitChoices)]
	if d.Campaign != "" && slices.ContainsFunc(d.Campaigns, func(o option) bool { return o.Value == d.Campaign }) {
		f := engine.RecordFilter{CampaignID: d.Campaign}
		if d.Org != "" {
			u, err := s.engine.OrgUnit(c.Context(), a, d.Org)
			if err != nil {
				if engine.ErrorCode(err) != engine.ENOTFOUND {
					return err
				}
				p.Error, status = p.T("entry.badorg"), fiber.StatusNotFound
			} else {
				f.OrgPaths = []string{u.Path}
			}
		}
		after := c.Query("after")
		if after != "" && !engine.ValidID(after) {
			after = ""
		}
		if p.Error == "" {
			views, next, _, err := s.engine.ListRecords(c.Context(), a, f, engine.Page{After: after, Limit: entryScanLimit}, false)
			if err != nil {
				return err
			}
			d.Scanned = len(views)
			for _, v := range views {
				r := v.Record
				if r.State == engine.StateDraft || enteredBy(r) != nil || r.State == "rejected" || r.State == "cancelled" || r.State == "canceled" {
					continue
				}
				it := entryItem{ID: r.ID, Number: recordNumberText(r), Form: names.formTitle(r), Unit: names.unit(r.OrgUnit),
					State: names.state(r, r.State), Worker: names.user(r.CreatedBy), Version: r.Version}
				it.Summary = summaryRows(names.form(r), r.Answers, p.Lang)
				d.Items = append(d.Items, it)
			}
			if next != "" {
				d.NextURL = "/entry?campaign=" + d.Campaign + "&org=" + d.Org + "&after=" + next
			}
		}
	}
	p.Data = d
	return s.render(c, status, "entry", p)
}
