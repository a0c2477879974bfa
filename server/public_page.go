package server

import (
	"canvass/engine"
	"canvass/forms"
	"net/url"

	"github.com/gofiber/fiber/v3"
)

// publicFormToken returns the double-submit token for a public form page,
// reusing the browser's cookie, and (re)sets the cookie for the public
// pages and the public API.
func (s *Server) publicFormToken(c fiber.Ctx) string {
	token := c.Cookies(publicCookie)
	if !validLoginToken(token) {
		token = newLoginToken()
	}
	s.setCookie(c, publicCookie, token, "/", s.now().Add(loginCookieTTL))
	return token
}

// publicFormPage shows the form behind a link: GET /p/:token. No sign-in;
// the page shows nothing but the empty form and the link's preset answers.
func (s *Server) publicFormPage(c fiber.Ctx) error {
	pf, err := s.engine.OpenLink(c.Context(), c.Params("token"))
	if err != nil {
		return s.renderPublicError(c, err)
	}
	p := s.newPage(c, "form.title", "", "")
	p.CSRF = s.publicFormToken(c)
	return s.renderPublicForm(c, fiber.StatusOK, p, pf, map[string]any{}, nil)
}

// publicFormSubmit takes the posted public form (no JavaScript needed):
// row actions and checks show the form again; submit stores the record
// and sends the browser to the thank-you page.
func (s *Server) publicFormSubmit(c fiber.Ctx) error {
	if err := checkPublicToken(c); err != nil {
		return s.renderPublicError(c, err)
	}
	token := c.Params("token")
	pf, err := s.engine.OpenLink(c.Context(), token)
	if err != nil {
		return s.renderPublicError(c, err)
	}
	p := s.newPage(c, "form.title", "", publicPath(token))
	p.CSRF = s.publicFormToken(c)
	values := postedValues(c)
	answers := decodeFormValues(pf.Form, values)
	action := firstValue(values, "_action")
	fp := formPage{form: pf.Form, refTime: pf.Campaign.RefTime()}
	if done, status := s.formRowAction(pf.Form, answers, action, p.Lang, &fp); done {
		return s.renderPublicForm(c, status, p, pf, answers, fp.errs)
	}
	if action != formActionSubmit {
		return s.renderPublicForm(c, fiber.StatusOK, p, pf, answers, nil)
	}
	res, err := s.engine.SubmitPublic(c.Context(), token, answers, p.Lang, s.clientIP(c))
	switch engine.ErrorCode(err) {
	case "":
	case engine.EINVALID:
		p.Error = p.T("form.invalid")
		return s.renderPublicForm(c, statusByCode[engine.EINVALID], p, pf, answers, engine.ErrorFields(err))
	default:
		return s.renderPublicError(c, err)
	}
	return redirect(c, publicPath(token)+"/thanks?ref="+url.QueryEscape(res.Record.ID))
}

// renderPublicForm renders the public form with the link's preset answers
// over the typed ones, shown read-only.
func (s *Server) renderPublicForm(c fiber.Ctx, status int, p *pageData, pf *engine.PublicForm, answers map[string]any, errs []engine.FieldError) error {
	token := c.Params("token")
	answers = pf.Answers(answers)
	st := forms.Evaluate(pf.Form, answers, forms.Env{RefTime: pf.Campaign.RefTime(), SubmittedAt: s.now(), Lang: p.Lang})
	b := newFormBuilder(p, pf.Form, st, errs)
	fields := b.build(answers)
	preset := map[string]any{} // pointer → value, wherever the field sits
	for _, pa := range pf.Preset() {
		preset[pa.Field.Pointer()] = pa.Value
	}
	markPreset(fields, preset)
	p.Data = &formView{
		Title: pf.Form.Title(p.Lang), CampaignTitle: pf.Campaign.Title(p.Lang), Action: publicPath(token),
		EvaluateURL: "/api/v1/public/" + token + "/evaluate?" + url.Values{"lang": {p.Lang}}.Encode(),
		Fields:      fields, Problems: b.problems(),
	}
	return s.render(c, status, "form", p)
}

// publicDone is the data of the thank-you page.
type publicDone struct {
	Ref        string
	AnotherURL string // an open link may be filled in again
}

// publicThanks shows the thank-you page after a public submission: the
// record's reference and nothing of its answers.
func (s *Server) publicThanks(c fiber.Ctx) error {
	p := s.newPage(c, "public.thanks", "", "")
	d := publicDone{}
	if ref := c.Query("ref"); engine.ValidID(ref) {
		d.Ref = ref
	}
	if pf, err := s.engine.OpenLink(c.Context(), c.Params("token")); err == nil && !pf.Link.OneTime {
		d.AnotherURL = publicPath(c.Params("token"))
	}
	p.Data = d
	return s.render(c, fiber.StatusOK, "public_done", p)
}

// renderPublicError tells a respondent, in their language, why a link
// takes nothing: unknown, revoked, expired, used, the campaign closed, or
// too many tries. Other errors get the common error page.
func (s *Server) renderPublicError(c fiber.Ctx, err error) error {
	code := engine.ErrorCode(err)
	key := ""
	switch code {
	case engine.ENOTFOUND:
		key = "public.not_found"
	case engine.ECLOSED:
		key = "public.closed"
		if f := engine.ErrorFields(err); len(f) == 1 && f[0].Pointer == "/link" {
			key = "public." + f[0].Code
		}
	case engine.ERATELIMITED, engine.EFORBIDDEN:
		key = "error." + code
	default:
		return s.renderErrorPage(c, err)
	}
	p := s.newPage(c, "public.title", "", "")
	p.Error = p.T(key)
	return s.render(c, statusByCode[code], "public_error", p)
}

// markPreset makes the fields a link presets read-only, in sections too.
// A personal value shows masked: whoever holds the link sees it like
// everyone else, and the engine puts the real one back.
func markPreset(fields []*fieldView, preset map[string]any) {
	for _, f := range fields {
		markPreset(f.Children, preset)
		v, ok := preset[f.Pointer]
		if !ok {
			continue
		}
		f.ReadOnly = true
		if f.PII != "" {
			f.Value = engine.Mask(f.PII, formatValue(v))
		}
	}
}
