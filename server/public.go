package server

import (
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// publicCookie carries the double-submit CSRF token of the public forms
// (as loginCookie does for the sign-in form): a respondent has no session,
// so the posted form must echo a cookie another site cannot read.
const publicCookie = "canvass_public"

// checkPublicToken refuses a public post whose X-CSRF-Token header or
// _csrf field does not echo the public cookie. Returns EFORBIDDEN.
func checkPublicToken(c fiber.Ctx) error {
	got := c.Get(headerCSRF)
	if got == "" {
		got = bodyField(c, fieldCSRF)
	}
	cookie := c.Cookies(publicCookie)
	if !validLoginToken(cookie) || !sameToken(got, cookie) {
		return engine.Errorf(engine.EFORBIDDEN, "the form token is missing or wrong; reload the page and try again")
	}
	return nil
}

// redactPath hides link tokens in a path written to the access log: a
// token is the permission to submit, and logs travel further than URLs.
func redactPath(p string) string {
	for _, prefix := range []string{"/p/", "/api/v1/public/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			_, tail, _ := strings.Cut(rest, "/")
			if tail != "" {
				tail = "/" + tail
			}
			return prefix + "…" + tail
		}
	}
	return p
}

// publicSubmitRequest is the body of POST /api/v1/public/:token/records.
type publicSubmitRequest struct {
	Answers map[string]any `json:"answers"`
}

// apiPublicEvaluate answers POST /api/v1/public/:token/evaluate: the
// form state of the answers with the link's presets, for the public form's
// script. It needs the public cookie's token in X-CSRF-Token.
func (s *Server) apiPublicEvaluate(c fiber.Ctx) error {
	if err := checkPublicToken(c); err != nil {
		return err
	}
	var req evaluateRequest
	if err := decodeAnswersJSON(c, &req); err != nil {
		return err
	}
	st, err := s.engine.EvaluatePublic(c.Context(), c.Params("token"), req.Answers, apiLang(c), s.clientIP(c))
	if err != nil {
		return err
	}
	return c.JSON(toStateJSON(st))
}

// publicReceiptJSON is all a public submitter learns: the reference and
// that it was stored. No answers, no state.
type publicReceiptJSON struct {
	ID       string `json:"id"`
	Replayed bool   `json:"replayed"`
}

// apiPublicSubmit answers POST /api/v1/public/:token/records: 201 with
// the reference; 422 with field errors; 409 closed for a revoked,
// expired or used link (error.fields[0].code says which) or a closed
// campaign; 404 for an unknown token; 429 past the rate limits.
func (s *Server) apiPublicSubmit(c fiber.Ctx) error {
	if err := checkPublicToken(c); err != nil {
		return err
	}
	var req publicSubmitRequest
	if err := decodeAnswersJSON(c, &req); err != nil {
		return err
	}
	res, err := s.engine.SubmitPublic(c.Context(), c.Params("token"), req.Answers, apiLang(c), s.clientIP(c))
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if res.Replayed {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(publicReceiptJSON{ID: res.Record.ID, Replayed: res.Replayed})
}
