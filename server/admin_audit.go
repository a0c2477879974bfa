package server

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// chinaTime is the zone of every time people type or read: China has kept
// UTC+8 without daylight saving since 1991, so a fixed zone is exact and
// needs no tz database on the server.
var chinaTime = time.FixedZone("CST", 8*60*60)

// auditQuery is the audit log's filter as the query string spells it:
// actor (user ID or username), action, object (ID), from and before (a
// date, taken as China time, or an RFC 3339 time), after (the cursor of
// the next page) and limit.
type auditQuery struct {
	Actor, Action, Object, From, Before, After string
	Limit                                      string
}

func auditQueryOf(c fiber.Ctx) auditQuery {
	q := func(k string) string { return strings.TrimSpace(c.Query(k)) }
	return auditQuery{
		Actor: q("actor"), Action: q("action"), Object: q("object"),
		From: q("from"), Before: q("before"), After: q("after"), Limit: q("limit"),
	}
}

// values returns the query as URL values, without the cursor, for links
// to the first and next pages.
func (q auditQuery) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"actor": q.Actor, "action": q.Action, "object": q.Object, "from": q.From, "before": q.Before, "limit": q.Limit} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// parse checks the query. Returns EINVALID with a field error per bad
// parameter.
func (q auditQuery) parse() (engine.AuditFilter, engine.Page, error) {
	f := engine.AuditFilter{Actor: q.Actor, Action: q.Action, ObjectID: q.Object}
	p := engine.Page{After: q.After, Desc: true}
	var fields []engine.FieldError
	var err error
	if f.From, err = parseQueryTime(q.From); err != nil {
		fields = append(fields, engine.FieldError{Pointer: "/from", Code: "format", Message: "a date (2026-12-06) or an RFC 3339 time"})
	}
	if f.Before, err = parseQueryTime(q.Before); err != nil {
		fields = append(fields, engine.FieldError{Pointer: "/before", Code: "format", Message: "a date (2026-12-06) or an RFC 3339 time"})
	}
	if q.After != "" && !engine.ValidID(q.After) {
		fields = append(fields, engine.FieldError{Pointer: "/after", Code: "format", Message: "the next cursor of an earlier page"})
	}
	if q.Limit != "" {
		n, err := strconv.Atoi(q.Limit)
		if err != nil || n < 1 || n > engine.MaxPageLimit {
			fields = append(fields, engine.FieldError{Pointer: "/limit", Code: "range", Message: "a whole number from 1 to " + strconv.Itoa(engine.MaxPageLimit)})
		}
		p.Limit = n
	}
	for _, s := range []string{q.Actor, q.Action, q.Object} {
		if len(s) > 200 {
			fields = append(fields, engine.FieldError{Pointer: "/", Code: "too_long", Message: "filters have at most 200 characters"})
			break
		}
	}
	if len(fields) > 0 {
		return f, p, &engine.Error{Code: engine.EINVALID, Message: "the audit filter has errors", Fields: fields}
	}
	return f, p.Normalize(), nil
}

// parseQueryTime reads "" (no bound), a date as China time, or an RFC 3339
// time.
func parseQueryTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, chinaTime); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC(), err
}

// auditLog returns one page of the audit log, newest first: the events
// whose object lies in the actor's subtree. Admins only. Returns EINVALID
// for a bad query.
func (s *Server) auditLog(ctx context.Context, a *engine.Actor, q auditQuery) (*engine.AuditPage, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	f, p, err := q.parse()
	if err != nil {
		return nil, err
	}
	if f.Actor != "" && f.Actor != "system" && !engine.ValidID(f.Actor) {
		// A username: events store user IDs. An unknown name keeps the
		// filter as typed, which matches nothing.
		id, err := s.engine.UserIDByName(ctx, f.Actor)
		switch {
		case err == nil:
			f.Actor = id
		case engine.ErrorCode(err) != engine.ENOTFOUND:
			return nil, err
		}
	}
	return s.engine.AuditLog(ctx, a, f, p)
}

type auditEventJSON struct {
	ID         string         `json:"id"`
	At         time.Time      `json:"at"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	ObjectKind string         `json:"objectKind,omitempty"`
	ObjectID   string         `json:"objectId,omitempty"`
	OrgPath    string         `json:"orgPath,omitempty"`
	IP         string         `json:"ip,omitempty"`
	Detail     map[string]any `json:"detail,omitempty"`
}

type auditJSON struct {
	Events []auditEventJSON `json:"events"`
	Next   string           `json:"next,omitempty"`
}

// apiAudit answers GET /api/v1/audit. The next page is
// ?after=<next> with the same filter.
func (s *Server) apiAudit(c fiber.Ctx) error {
	page, err := s.auditLog(c.Context(), actorOf(c), auditQueryOf(c))
	if err != nil {
		return err
	}
	out := auditJSON{Events: make([]auditEventJSON, 0, len(page.Events)), Next: page.Next}
	for _, e := range page.Events {
		out.Events = append(out.Events, auditEventJSON{
			ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, ObjectKind: e.ObjectKind,
			ObjectID: e.ObjectID, OrgPath: e.OrgPath, IP: e.IP, Detail: e.Detail,
		})
	}
	return c.JSON(out)
}
