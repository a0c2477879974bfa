package server

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// Bounds on what a record query may ask for.
const (
	maxQueryStates = 20  // state values in one query
	maxQueryText   = 100 // characters of a campaign, form, state or org value
)

// recordQuery is a record list's or inbox's filter as the query string
// spells it: campaign, form, state (repeated or comma-separated), org (a
// unit code), updatedFrom and updatedBefore (a date, read as China time,
// or an RFC 3339 time), overdue, after (the cursor of the next page),
// limit and total.
type recordQuery struct {
	Campaign, Form, Org        string
	States                     []string
	UpdatedFrom, UpdatedBefore string
	After, Limit               string
	Overdue, Total             bool
}

// recordQueryOf reads the query string. Returns EINVALID for a flag that
// is neither on nor off.
func recordQueryOf(c fiber.Ctx) (recordQuery, error) {
	args := c.Request().URI().QueryArgs()
	q := func(k string) string { return strings.TrimSpace(string(args.Peek(k))) }
	rq := recordQuery{
		Campaign: q("campaign"), Form: q("form"), Org: q("org"),
		UpdatedFrom: q("updatedFrom"), UpdatedBefore: q("updatedBefore"),
		After: q("after"), Limit: q("limit"),
	}
	for _, v := range args.PeekMulti("state") {
		for _, st := range strings.Split(string(v), ",") {
			if st = strings.TrimSpace(st); st != "" {
				rq.States = append(rq.States, st)
			}
		}
	}
	var fields []engine.FieldError
	var ok bool
	if rq.Overdue, ok = queryFlag(q("overdue")); !ok {
		fields = append(fields, engine.FieldError{Pointer: "/overdue", Code: "format", Message: "1 or 0"})
	}
	if rq.Total, ok = queryFlag(q("total")); !ok {
		fields = append(fields, engine.FieldError{Pointer: "/total", Code: "format", Message: "1 or 0"})
	}
	if len(fields) > 0 {
		return rq, &engine.Error{Code: engine.EINVALID, Message: "the record query has errors", Fields: fields}
	}
	return rq, nil
}

// queryFlag reads a boolean query parameter: absent, 0/1, true/false, or
// on (what a checked checkbox sends).
func queryFlag(s string) (value, ok bool) {
	switch strings.ToLower(s) {
	case "", "0", "false", "off":
		return false, true
	case "1", "true", "on":
		return true, true
	}
	return false, false
}

// values returns the query as URL values without the cursor, for links to
// the first and next pages.
func (q recordQuery) values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("campaign", q.Campaign)
	set("form", q.Form)
	set("org", q.Org)
	set("updatedFrom", q.UpdatedFrom)
	set("updatedBefore", q.UpdatedBefore)
	set("limit", q.Limit)
	if len(q.States) > 0 {
		set("state", strings.Join(q.States, ","))
	}
	if q.Overdue {
		v.Set("overdue", "1")
	}
	return v
}

// recordFilter checks the query and turns it into the engine's filter and
// page. For an inbox, org narrows where the task sits (the engine's inbox
// filter); for a list, where the record belongs. Returns EINVALID with a
// field error per bad parameter, ENOTFOUND for an org unit outside the
// caller's scope.
func (s *Server) recordFilter(c fiber.Ctx, a *engine.Actor, q recordQuery, inbox bool) (engine.RecordFilter, engine.Page, error) {
	f := engine.RecordFilter{CampaignID: q.Campaign, FormID: q.Form, States: q.States}
	p := engine.Page{After: q.After}
	var fields []engine.FieldError
	bad := func(pointer, code, msg string) {
		fields = append(fields, engine.FieldError{Pointer: pointer, Code: code, Message: msg})
	}
	for _, t := range []struct{ name, value string }{{"campaign", q.Campaign}, {"form", q.Form}, {"org", q.Org}} {
		if len(t.value) > maxQueryText {
			bad("/"+t.name, "too_long", "at most "+strconv.Itoa(maxQueryText)+" characters")
		}
	}
	if len(q.States) > maxQueryStates {
		bad("/state", "too_many", "at most "+strconv.Itoa(maxQueryStates)+" states")
	}
	for _, st := range q.States {
		if len(st) > maxQueryText {
			bad("/state", "too_long", "at most "+strconv.Itoa(maxQueryText)+" characters")
			break
		}
	}
	var err error
	if f.UpdatedFrom, err = parseQueryTime(q.UpdatedFrom); err != nil {
		bad("/updatedFrom", "format", "a date (2026-12-06) or an RFC 3339 time")
	}
	if f.UpdatedBefore, err = parseQueryTime(q.UpdatedBefore); err != nil {
		bad("/updatedBefore", "format", "a date (2026-12-06) or an RFC 3339 time")
	}
	if q.After != "" && !engine.ValidID(q.After) {
		bad("/after", "format", "the next cursor of an earlier page")
	}
	if q.Limit != "" {
		n, err := strconv.Atoi(q.Limit)
		if err != nil || n < 1 || n > engine.MaxPageLimit {
			bad("/limit", "range", "a whole number from 1 to "+strconv.Itoa(engine.MaxPageLimit))
		}
		p.Limit = n
	}
	if len(fields) > 0 {
		return f, p, &engine.Error{Code: engine.EINVALID, Message: "the record query has errors", Fields: fields}
	}
	if q.Overdue {
		f.DueBefore = s.engine.Now()
	}
	if q.Org != "" {
		u, err := s.engine.OrgUnit(c.Context(), a, q.Org)
		if err != nil {
			return f, p, err
		}
		if inbox {
			f.TaskOrgPaths = []string{u.Path}
		} else {
			f.OrgPaths = []string{u.Path}
		}
	}
	return f, p.Normalize(), nil
}
