package server

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/rules"
	"canvass/ui"
)

// The 源文件 tab's editor (issue #16, item 7): an advanced author edits a
// file of the campaign as text, linted as they type by the same linter as
// publishing, and saves it as a draft through the same path as an upload.
// The page works with plain form posts; ui/static/studio_source.js adds
// the lint as they type and the line-number gutter.

func (s *Server) studioSourceEditRoutes() {
	s.app.Get("/studio/campaigns/:id/files/:kind/:file/edit", s.signedInPage, s.studioSourceEditPage)
	s.app.Post("/studio/campaigns/:id/files/:kind/:file/edit", s.signedInPage, s.studioSourceEditSave)
	s.app.Post("/api/v1/studio/lint", s.signedInAPI, s.apiStudioLint)
}

// studioSourceEditData is the editor page's own data, beside the shell's.
type studioSourceEditData struct {
	*studioCampaignData
	File       *studioFileView
	Source     string
	Base       string
	Numbers    string // the gutter's line numbers, one a line
	Findings   []studioDiagnostic
	ActionURL  string
	SourceURL  string
	MaxBytes   int
	MaxKiB     int
	ServerLint bool // Findings are from a save, not from typing
}

// studioSourceEditPage shows one file of the campaign, its newest version,
// in an editor: GET /studio/campaigns/:id/files/:kind/:file/edit.
func (s *Server) studioSourceEditPage(c fiber.Ctx) error {
	p, d, f, err := s.studioSourceFile(c)
	if err != nil {
		return err
	}
	v, err := s.engine.DefinitionVersion(c.Context(), actorOf(c), f.Kind, f.ID, f.Version)
	if err != nil {
		return err
	}
	return s.renderSourceEdit(c, fiber.StatusOK, p, d, f, string(v.Source), f.Checksum, nil)
}

// studioSourceEditSave saves the editor's text as a draft based on the
// version the page showed: POST /studio/campaigns/:id/files/:kind/:file/edit
// (form: source, base). Without findings it goes back to the 源文件 tab;
// with findings it shows them on the saved text; a refusal keeps what the
// author typed.
func (s *Server) studioSourceEditSave(c fiber.Ctx) error {
	p, d, f, err := s.studioSourceFile(c)
	if err != nil {
		return err
	}
	// A browser sends a textarea's lines ended by CRLF; the files use LF.
	src := strings.ReplaceAll(bodyField(c, "source"), "\r\n", "\n")
	base := bodyField(c, "base")
	res, status, err := s.studioSaveSource(c, p, f, []byte(src), base)
	if status == 0 {
		return err
	}
	if res == nil {
		if status == fiber.StatusConflict {
			p.Error += p.T("studio.source.edit.kept")
		}
		return s.renderSourceEdit(c, status, p, d, f, src, base, nil)
	}
	findings := studioDiagnostics(p, res.Diagnostics, "#source")
	if len(findings) == 0 {
		return redirect(c, studioURL(d.ID, "source")+"?saved="+url.QueryEscape(f.Kind+"/"+f.ID)+"#"+f.Anchor)
	}
	// Saved with findings: the editor again, on the saved version.
	if p, d, f, err = s.studioSourceFile(c); err != nil {
		return err
	}
	p.Flash = p.T("studio.source.saved", f.KindLabel, f.Title, res.Definition.Version)
	return s.renderSourceEdit(c, fiber.StatusOK, p, d, f, src, res.Definition.Checksum, findings)
}

// studioSourceFile loads the campaign's shell with the 源文件 tab current
// and the file the URL names, or ENOTFOUND.
func (s *Server) studioSourceFile(c fiber.Ctx) (*pageData, *studioCampaignData, *studioFileView, error) {
	p, d, err := s.studioCampaign(c, "source")
	if err != nil {
		return nil, nil, nil, err
	}
	f, err := studioFile(d, c.Params("kind"), c.Params("file"))
	if err != nil {
		return nil, nil, nil, err
	}
	return p, d, f, nil
}

func (s *Server) renderSourceEdit(c fiber.Ctx, status int, p *pageData, d *studioCampaignData, f *studioFileView, src, base string, findings []studioDiagnostic) error {
	lines := strings.Count(src, "\n") + 1
	if strings.HasSuffix(src, "\n") {
		lines--
	}
	nums := make([]string, max(lines, 1))
	for i := range nums {
		nums[i] = fmt.Sprint(i + 1)
	}
	action := f.UploadURL + "/edit"
	p.path = action
	p.Title = "studio.source.edit.title"
	p.Data = &studioSourceEditData{
		studioCampaignData: d, File: f, Source: src, Base: base, Numbers: strings.Join(nums, "\n"),
		Findings: findings, ServerLint: findings != nil, ActionURL: action, SourceURL: studioURL(d.ID, "source") + "#" + f.Anchor,
		MaxBytes: engine.MaxDefinitionBytes, MaxKiB: engine.MaxDefinitionBytes >> 10,
	}
	return s.render(c, status, "studio_source_edit", p)
}

// studioSaveSource saves src as the draft of the campaign's file f, based
// on the version whose checksum is base: the one path of the upload and
// the editor. On a refusal it puts the reason on p, in the page's
// language, and returns a nil result with the status to answer with. A
// zero status means the page has been answered, or err is to be returned.
func (s *Server) studioSaveSource(c fiber.Ctx, p *pageData, f *studioFileView, src []byte, base string) (*engine.DraftResult, int, error) {
	if msg, status := sourceRefusal(p.Lang, src); msg != "" {
		p.Error = p.T("studio.source.failed") + msg
		return nil, status, nil
	}
	res, err := s.engine.SaveDraftBased(c.Context(), actorOf(c), f.Kind, f.ID, f.Filename, src, base)
	switch code := engine.ErrorCode(err); {
	case err == nil:
		return res, fiber.StatusOK, nil
	case code == engine.ECONFLICT:
		p.Error = p.T("studio.conflict", conflictWho(err))
		return nil, fiber.StatusConflict, nil
	case code == engine.EINVALID || code == engine.ETOOLARGE:
		msg := engine.ErrorMessage(err)
		for _, fe := range engine.ErrorFields(err) {
			if fe.Code == engine.CodeDeclaredID {
				msg = p.T("studio.source.edit.declared_id", fe.Message, f.ID)
			}
		}
		p.Error = p.T("studio.source.failed") + msg
		return nil, statusByCode[code], nil
	default:
		if key := scopeRefusal(err); key != "" {
			return nil, 0, s.studioRefused(c, err, key)
		}
		return nil, 0, err
	}
}

// sourceRefusal says, in lang, why src cannot be a definition file at all
// (empty, too large, not UTF-8), with the status to answer with; "" when
// it may be one.
func sourceRefusal(lang string, src []byte) (string, int) {
	switch {
	case strings.TrimSpace(string(src)) == "":
		return ui.Message(lang, "studio.source.edit.empty"), fiber.StatusUnprocessableEntity
	case len(src) > engine.MaxDefinitionBytes:
		return ui.Message(lang, "studio.source.edit.too_large", engine.MaxDefinitionBytes>>10), fiber.StatusRequestEntityTooLarge
	case !utf8.Valid(src):
		return ui.Message(lang, "studio.source.edit.utf8"), fiber.StatusUnprocessableEntity
	}
	return "", 0
}

// studioDiagnostics are lint findings in the page's language; link is the
// address of a finding's line, with %d for the line number.
func studioDiagnostics(p *pageData, ds []rules.Diagnostic, link string) []studioDiagnostic {
	out := []studioDiagnostic{}
	for _, dg := range ds {
		sd := studioDiagnostic{Error: dg.Severity != rules.SeverityWarning, Snippet: dg.Snippet, Line: dg.Line, Col: dg.Col,
			Location: p.T("studio.problem.where.line", dg.Line), URL: link}
		if strings.Contains(link, "%d") {
			sd.URL = fmt.Sprintf(link, dg.Line)
		}
		sd.Message, sd.Detail = problemText(p, dg)
		out = append(out, sd)
	}
	return out
}

// lintRequest is the editor's text to lint: POST /api/v1/studio/lint.
type lintRequest struct {
	Kind     string `json:"kind"`
	ID       string `json:"id,omitempty"` // the file's ID: another one declared inside is a finding
	Filename string `json:"filename"`
	Source   string `json:"source"`
}

// lintFinding is one finding, positioned, in the caller's language.
type lintFinding struct {
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"` // error or warning
	Code     string `json:"code"`
	Message  string `json:"message"`
	Detail   string `json:"detail,omitempty"` // the linter's own English, when it says more
	Snippet  string `json:"snippet,omitempty"`
}

// apiStudioLint answers POST /api/v1/studio/lint: the findings of the
// linter publishing runs on the source, which is not saved (an empty
// list: nothing to fix). Authors and admins only.
func (s *Server) apiStudioLint(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	lang := apiLang(c)
	var req lintRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	switch req.Kind {
	case engine.KindForm, engine.KindWorkflow, engine.KindPayTable, engine.KindCampaign:
	default:
		return fieldProblem("/kind", "bad_kind", ui.Message(lang, "studio.source.edit.kind"))
	}
	if req.Filename == "" || len(req.Filename) > 200 || strings.ContainsAny(req.Filename, "/\\\x00") {
		return fieldProblem("/filename", "bad_filename", ui.Message(lang, "studio.source.edit.filename"))
	}
	if msg, status := sourceRefusal(lang, []byte(req.Source)); msg != "" {
		if status == fiber.StatusRequestEntityTooLarge {
			return &engine.Error{Code: engine.ETOOLARGE, Message: msg, Fields: []engine.FieldError{{Pointer: "/source", Code: "too_large", Message: msg}}}
		}
		return fieldProblem("/source", "bad_source", msg)
	}
	ds, declared, err := s.engine.LintDefinition(c.Context(), a, req.Kind, req.Filename, []byte(req.Source))
	if err != nil {
		return err
	}
	p := &pageData{Lang: lang}
	out := []lintFinding{}
	if req.ID != "" && declared != "" && declared != req.ID {
		msg := ui.Message(lang, "studio.source.edit.declared_id", declared, req.ID)
		out = append(out, lintFinding{Line: 1, Col: 1, Severity: rules.SeverityError, Code: engine.CodeDeclaredID, Message: msg})
	}
	for _, dg := range ds {
		text, detail := problemText(p, dg)
		sev := rules.SeverityError
		if dg.Severity == rules.SeverityWarning {
			sev = rules.SeverityWarning
		}
		out = append(out, lintFinding{Line: dg.Line, Col: dg.Col, Severity: sev, Code: dg.Code, Message: text, Detail: detail, Snippet: dg.Snippet})
	}
	return c.JSON(fiber.Map{"diagnostics": out})
}
