package server

import (
	"strconv"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/forms"
	"canvass/rules"
)

// submitRequest is the body of POST /api/v1/records.
type submitRequest struct {
	ID       string         `json:"id"`
	Campaign string         `json:"campaign"`
	Form     string         `json:"form"`
	OrgUnit  string         `json:"orgUnit"`
	Answers  map[string]any `json:"answers"`
	Draft    bool           `json:"draft"`
}

// receiptJSON is what a submission gets back: the record's ID, the state
// it entered, its version (for the actions that follow) and the form
// version it was filled with. Replayed says the same submission had been
// stored before and nothing changed.
type receiptJSON struct {
	ID          string `json:"id"`
	State       string `json:"state"`
	Version     int64  `json:"version"`
	FormVersion int    `json:"formVersion"`
	Replayed    bool   `json:"replayed"`
}

// apiSubmit answers POST /api/v1/records: 201 with the receipt for a new
// record, 200 with replayed: true when the same submission (same id, same
// content) was stored before, 409 conflict for the same id with other
// content, 422 with every field error (nothing stored), 409 closed when
// the campaign takes no submissions now.
func (s *Server) apiSubmit(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, submitRoles...); err != nil {
		return err
	}
	var req submitRequest
	if err := decodeAnswersJSON(c, &req); err != nil {
		return err
	}
	res, err := s.engine.Submit(c.Context(), a, engine.Submission{
		ID: req.ID, CampaignID: req.Campaign, FormID: req.Form, OrgUnit: req.OrgUnit,
		Answers: req.Answers, Lang: apiLang(c), Draft: req.Draft,
	})
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if res.Replayed {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(toReceiptJSON(res.Record, res.Replayed))
}

func toReceiptJSON(r *engine.Record, replayed bool) receiptJSON {
	return receiptJSON{ID: r.ID, State: r.State, Version: r.Version, FormVersion: r.FormVersion, Replayed: replayed}
}

// evaluateRequest is the body of the evaluate endpoints.
type evaluateRequest struct {
	Answers map[string]any `json:"answers"`
}

// stateJSON is forms.State as the page's script reads it: every map and
// list present (never null), and without the clean answers, which the
// script has no use for and which would echo personal data back.
type stateJSON struct {
	Relevant   map[string]bool    `json:"relevant"`
	Required   map[string]bool    `json:"required"`
	Calculated map[string]any     `json:"calculated"`
	Choices    map[string][]any   `json:"choices"`
	Errors     []rules.FieldError `json:"errors"`
	Reasons    map[string]string  `json:"reasons"`
}

func toStateJSON(st forms.State) stateJSON {
	out := stateJSON{Relevant: st.Relevant, Required: st.Required, Calculated: st.Calculated, Choices: st.Choices, Errors: st.Errors, Reasons: st.Reasons}
	if out.Errors == nil {
		out.Errors = []rules.FieldError{}
	}
	return out
}

// apiEvaluate answers POST /api/v1/campaigns/:campaign/forms/:form/evaluate
// with the state of the answers in the body: what is relevant and required,
// the calculated values, the choices filters allow, and the errors, in
// the caller's language. It stores nothing: it is what the form page asks
// as a person types. ?version= evaluates an older published version (a
// record being resumed keeps the version it was started with).
func (s *Server) apiEvaluate(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, submitRoles...); err != nil {
		return err
	}
	version := 0
	if v := c.Query("version"); v != "" {
		n, err := versionQuery(v)
		if err != nil {
			return err
		}
		version = n
	}
	var req evaluateRequest
	if err := decodeAnswersJSON(c, &req); err != nil {
		return err
	}
	cf, err := s.lookupCampaignForm(c.Context(), a, c.Params("campaign"), c.Params("form"), version)
	if err != nil {
		return err
	}
	st := forms.Evaluate(cf.form, req.Answers, forms.Env{RefTime: cf.campaign.RefTime(), SubmittedAt: s.now(), Lang: apiLang(c)})
	return c.JSON(toStateJSON(st))
}

// apiEvaluatePreview answers POST
// /api/v1/definitions/form/:id/versions/:version/evaluate: the same as
// apiEvaluate for a form version an author is previewing, draft or
// published. There is no campaign, so the reference time is now.
func (s *Server) apiEvaluatePreview(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	version, err := versionParam(c)
	if err != nil {
		return err
	}
	var req evaluateRequest
	if err := decodeAnswersJSON(c, &req); err != nil {
		return err
	}
	form, err := s.engine.PreviewForm(c.Context(), a, c.Params("id"), version)
	if err != nil {
		return err
	}
	st := forms.Evaluate(form, req.Answers, forms.Env{RefTime: s.now(), SubmittedAt: s.now(), Lang: apiLang(c)})
	return c.JSON(toStateJSON(st))
}

// versionQuery parses a ?version= value: a positive integer, or EINVALID.
func versionQuery(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &engine.Error{Code: engine.EINVALID, Message: "version must be a positive integer",
			Fields: []engine.FieldError{{Pointer: "/version", Code: "type", Message: "a positive integer"}}}
	}
	return n, nil
}

// maxAnswerDepth bounds how deeply a body with answers may nest. A form
// nests sections and repeat groups a few levels deep; the JSON decoder's
// own limit (10,000) would let a draft, which is stored unchecked, carry
// thousands of levels of junk into the database.
const maxAnswerDepth = 32

// decodeAnswersJSON is decodeJSON for bodies that carry answers, refusing
// one that nests deeper than maxAnswerDepth first.
func decodeAnswersJSON(c fiber.Ctx, v any) error {
	if jsonDepth(c.Body()) > maxAnswerDepth {
		return engine.Errorf(engine.EINVALID, "the body nests deeper than %d levels", maxAnswerDepth)
	}
	return decodeJSON(c, v)
}

// jsonDepth returns the deepest nesting of objects and arrays in b,
// skipping strings. It does not validate: the decoder does that after.
func jsonDepth(b []byte) int {
	depth, deepest, inString, escaped := 0, 0, false, false
	for _, ch := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
		case ch == '"':
			inString = true
		case ch == '{' || ch == '[':
			depth++
			deepest = max(deepest, depth)
		case ch == '}' || ch == ']':
			depth--
		}
	}
	return deepest
}
