package server

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/ui"
)

// recordRoutes installs the record API, the inbox and their pages. The
// engine scopes every one: a record outside the caller's subtree answers
// 404 and never appears in a list.
func (s *Server) recordRoutes(api fiber.Router) {
	api.Get("/records", s.signedInAPI, s.apiRecords)
	api.Post("/records/actions", s.signedInAPI, s.apiBulkAction)
	api.Get("/records/:id", s.signedInAPI, s.apiRecord)
	api.Post("/records/:id/reveal", s.signedInAPI, s.apiRevealRecord)
	api.Post("/records/:id/actions", s.signedInAPI, s.apiRecordAction)
	api.Get("/inbox", s.signedInAPI, s.apiInbox)

	s.app.Get("/inbox", s.signedInPage, s.inboxPage)
	s.app.Post("/inbox/actions", s.signedInPage, s.inboxBulkSubmit)
	s.app.Get("/records/:id", s.signedInPage, s.recordPage)
	s.app.Post("/records/:id/actions", s.signedInPage, s.recordActionSubmit)
	s.app.Post("/records/:id/reveal", s.signedInPage, s.recordRevealSubmit)
}

// actionNames are the actions a request may name; the workflow and the
// engine decide which of them apply to a record now.
var actionNames = []string{"submit", "approve", "return", "reject", engine.ActionClaim, engine.ActionUnclaim, engine.ActionReassign}

// recordID returns the :id parameter, or ENOTFOUND when it cannot be a
// record ID (so junk never reaches the store).
func recordID(c fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !engine.ValidID(id) {
		return "", engine.Errorf(engine.ENOTFOUND, "record not found")
	}
	return id, nil
}

// requestLang is the language for messages the engine writes into an API
// answer (validation errors of corrected answers): the user's own setting,
// else the client's Accept-Language.
func requestLang(c fiber.Ctx, u *engine.User) string {
	if u != nil && ui.ValidLang(u.Locale) {
		return u.Locale
	}
	return ui.MatchAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// recordsJSON is a page of records.
type recordsJSON struct {
	Records []recordJSON `json:"records"`
	Next    string       `json:"next,omitempty"`
	Total   *int64       `json:"total,omitempty"`
}

// apiRecords answers GET /api/v1/records: one keyset page of the records
// in scope that match the query, masked, without their history.
func (s *Server) apiRecords(c fiber.Ctx) error {
	a := actorOf(c)
	q, err := recordQueryOf(c)
	if err != nil {
		return err
	}
	f, p, err := s.recordFilter(c, a, q, false)
	if err != nil {
		return err
	}
	views, next, total, err := s.engine.ListRecords(c.Context(), a, f, p, q.Total)
	if err != nil {
		return err
	}
	out := recordsJSON{Records: make([]recordJSON, 0, len(views)), Next: next}
	for _, v := range views {
		out.Records = append(out.Records, toRecordJSON(v, s.engine.Now(), nil))
	}
	if q.Total {
		out.Total = &total
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// apiRecord answers GET /api/v1/records/:id: the record, masked, with its
// history (who by name) and the actions the caller can take now.
func (s *Server) apiRecord(c fiber.Ctx) error {
	id, err := recordID(c)
	if err != nil {
		return err
	}
	v, err := s.engine.GetRecord(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return s.sendRecord(c, fiber.StatusOK, v)
}

// apiRevealRecord answers POST /api/v1/records/:id/reveal: the record with
// its personal values in full, for reviewers, supervisors and admins.
// The engine audits every reveal.
func (s *Server) apiRevealRecord(c fiber.Ctx) error {
	id, err := recordID(c)
	if err != nil {
		return err
	}
	v, err := s.engine.RevealRecord(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return s.sendRecord(c, fiber.StatusOK, v)
}

func (s *Server) sendRecord(c fiber.Ctx, status int, v *engine.RecordView) error {
	names := newNamer(s, c.Context(), actorOf(c), "")
	out := toRecordJSON(v, s.engine.Now(), names.user)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(out)
}

// actionRequest is the body of POST /api/v1/records/:id/actions.
type actionRequest struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
	// Version is the record version the client saw; 0 skips the check.
	Version int64 `json:"version"`
	// Answers are the corrected answers of a resubmission; absent keeps
	// the stored ones.
	Answers map[string]any `json:"answers"`
	// To is the user (ID or username) a reassign hands the task to.
	To string `json:"to"`
}

// apiRecordAction applies one action to one record. A stale version, or
// a record someone changed meanwhile, answers 409 with the record's
// current state and version next to the error.
func (s *Server) apiRecordAction(c fiber.Ctx) error {
	id, err := recordID(c)
	if err != nil {
		return err
	}
	var req actionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a := actorOf(c)
	act, err := s.actionOf(c, a, req.Action, req.Reason, req.Version, req.To)
	if err != nil {
		return err
	}
	act.Answers = req.Answers
	v, err := s.engine.Act(c.Context(), a, id, act)
	if engine.ErrorCode(err) == engine.ECONFLICT {
		return s.sendConflict(c, a, id, err)
	}
	if err != nil {
		return err
	}
	return s.sendRecord(c, fiber.StatusOK, v)
}

// actionOf checks what a request names before the engine sees it: a
// known action, and a user to reassign to. Returns EINVALID with the
// field at fault.
func (s *Server) actionOf(c fiber.Ctx, a *engine.Actor, name, reason string, version int64, to string) (engine.Action, error) {
	name = strings.TrimSpace(name)
	act := engine.Action{Name: name, Reason: reason, Version: version, Lang: requestLang(c, a.User)}
	var fields []engine.FieldError
	if !slices.Contains(actionNames, name) {
		fields = append(fields, engine.FieldError{Pointer: "/action", Code: "enum", Message: "one of " + strings.Join(actionNames, ", ")})
	}
	if version < 0 {
		fields = append(fields, engine.FieldError{Pointer: "/version", Code: "minimum", Message: "the record version you saw, or 0"})
	}
	if name == engine.ActionReassign {
		id, err := s.userIDOf(c, to)
		if err != nil {
			return act, err
		}
		if id == "" {
			fields = append(fields, engine.FieldError{Pointer: "/to", Code: "not_found", Message: "no such user"})
		}
		act.To = id
	}
	if len(fields) > 0 {
		return act, &engine.Error{Code: engine.EINVALID, Message: "the action request has errors", Fields: fields}
	}
	return act, nil
}

// userIDOf resolves a user named by ID or username; "" when there is no
// such user. The engine decides whether that user may take the task.
func (s *Server) userIDOf(c fiber.Ctx, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 64 {
		return "", nil
	}
	if engine.ValidID(ref) {
		return ref, nil
	}
	id, err := s.engine.UserIDByName(c.Context(), ref)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		return "", nil
	}
	return id, err
}

// currentJSON is where a record stands now, sent with a conflict so the
// client can show it and retry with the right version.
type currentJSON struct {
	State   string `json:"state"`
	Version int64  `json:"version"`
}

type conflictJSON struct {
	errorBody
	Current *currentJSON `json:"current,omitempty"`
}

// sendConflict answers 409 with the error and the record's current state.
func (s *Server) sendConflict(c fiber.Ctx, a *engine.Actor, id string, err error) error {
	status, body := s.describeError(c, err)
	out := conflictJSON{errorBody: body}
	if v, gerr := s.engine.GetRecord(c.Context(), a, id); gerr == nil {
		out.Current = &currentJSON{State: v.State, Version: v.Version}
	}
	return c.Status(status).JSON(out)
}
