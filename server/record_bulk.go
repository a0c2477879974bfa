package server

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// maxBulkItems caps one bulk action: a reviewer's screenful many times
// over, yet small enough that the request ends well within the write
// timeout (every record is its own conditional update).
const maxBulkItems = 200

// bulkActions are the actions that can be applied to many records at
// once: the ones that need nothing per record but its version.
var bulkActions = []string{"approve", "return", "reject", engine.ActionClaim, engine.ActionUnclaim}

// bulkRequest is the body of POST /api/v1/records/actions.
type bulkRequest struct {
	Action string     `json:"action"`
	Reason string     `json:"reason"`
	Items  []bulkItem `json:"items"`
}

// bulkItem names a record and the version the client saw: a bulk action
// never applies to a record that changed since.
type bulkItem struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
}

// bulkResult is what happened to one record. On success State and Version
// are the new ones; on a conflict, the current ones.
type bulkResult struct {
	ID      string `json:"id"`
	OK      bool   `json:"ok"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	State   string `json:"state,omitempty"`
	Version int64  `json:"version,omitempty"`

	field string             // the code of the first field error, for pages
	view  *engine.RecordView // the record after the action, or as it is now after a conflict
}

// record returns the record the result speaks of, or an empty one.
func (r bulkResult) record() *engine.Record {
	if r.view == nil {
		return &engine.Record{}
	}
	return r.view.Record
}

type bulkJSON struct {
	Results   []bulkResult `json:"results"`
	Succeeded int          `json:"succeeded"`
	Failed    int          `json:"failed"`
}

// apiBulkAction applies one action to many records, each on its own: the
// answer is 200 with a result per record, some of which may have failed
// (a stale version, a record outside the caller's reach). A request that
// is wrong as a whole (unknown action, return without a reason, no items,
// bad or repeated IDs) answers 422; more than maxBulkItems items 413.
func (s *Server) apiBulkAction(c fiber.Ctx) error {
	var req bulkRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	results, err := s.bulkAct(c, actorOf(c), req)
	if err != nil {
		return err
	}
	out := bulkJSON{Results: results}
	for _, r := range results {
		if r.OK {
			out.Succeeded++
		} else {
			out.Failed++
		}
	}
	return c.JSON(out)
}

// checkBulk refuses a bulk request that is wrong as a whole.
func checkBulk(req bulkRequest) error {
	if len(req.Items) > maxBulkItems {
		return &engine.Error{Code: engine.ETOOLARGE, Message: fmt.Sprintf("at most %d records per request", maxBulkItems),
			Fields: []engine.FieldError{{Pointer: "/items", Code: "max_items", Message: fmt.Sprintf("at most %d", maxBulkItems)}}}
	}
	var fields []engine.FieldError
	if !slices.Contains(bulkActions, req.Action) {
		fields = append(fields, engine.FieldError{Pointer: "/action", Code: "enum", Message: "one of " + strings.Join(bulkActions, ", ")})
	}
	if req.Action == "return" && strings.TrimSpace(req.Reason) == "" {
		// Every workflow requires a reason to return a record; saying so
		// once beats the same refusal for every record.
		fields = append(fields, engine.FieldError{Pointer: "/reason", Code: "required", Message: "say why the records go back"})
	}
	if len(req.Items) == 0 {
		fields = append(fields, engine.FieldError{Pointer: "/items", Code: "required", Message: "at least one record"})
	}
	seen := map[string]bool{}
	for i, it := range req.Items {
		switch {
		case !engine.ValidID(it.ID):
			fields = append(fields, engine.FieldError{Pointer: fmt.Sprintf("/items/%d/id", i), Code: "format", Message: "a record ID"})
		case seen[it.ID]:
			fields = append(fields, engine.FieldError{Pointer: fmt.Sprintf("/items/%d/id", i), Code: "duplicate", Message: "this record is already in the list"})
		}
		seen[it.ID] = true
		if it.Version < 1 {
			fields = append(fields, engine.FieldError{Pointer: fmt.Sprintf("/items/%d/version", i), Code: "minimum", Message: "the record version you saw"})
		}
	}
	if len(fields) > 0 {
		return &engine.Error{Code: engine.EINVALID, Message: "the bulk action has errors", Fields: fields}
	}
	return nil
}

// bulkAct checks the request, then applies the action record by record.
func (s *Server) bulkAct(c fiber.Ctx, a *engine.Actor, req bulkRequest) ([]bulkResult, error) {
	req.Action = strings.TrimSpace(req.Action)
	if err := checkBulk(req); err != nil {
		return nil, err
	}
	lang := requestLang(c, a.User)
	results := make([]bulkResult, 0, len(req.Items))
	for _, it := range req.Items {
		act := engine.Action{Name: req.Action, Reason: req.Reason, Version: it.Version, Lang: lang}
		results = append(results, s.actOne(c, a, it, act))
	}
	return results, nil
}

// actOne applies one action of a bulk request and says how it went. The
// records before it stay done whatever happens to it, so even a failure
// of the server itself is that record's result (logged, never shown).
func (s *Server) actOne(c fiber.Ctx, a *engine.Actor, it bulkItem, act engine.Action) bulkResult {
	res := bulkResult{ID: it.ID}
	v, err := s.engine.Act(c.Context(), a, it.ID, act)
	if err == nil {
		res.OK, res.State, res.Version, res.view = true, v.State, v.Version, v
		return res
	}
	_, body := s.describeError(c, err)
	res.Code, res.Message = body.Error.Code, body.Error.Message
	if len(body.Error.Fields) > 0 {
		res.field = body.Error.Fields[0].Code
	}
	if res.Code == engine.ECONFLICT {
		if cur, gerr := s.engine.GetRecord(c.Context(), a, it.ID); gerr == nil {
			res.State, res.Version, res.view = cur.State, cur.Version, cur
		}
	}
	return res
}
