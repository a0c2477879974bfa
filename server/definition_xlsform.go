package server

import (
	"bytes"
	"cmp"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/xlsform"
)

// XLSForm workbooks in and out of the product: an .xlsx upload (studio,
// /author, PUT /api/v1/definitions/form/:id with the XLSX media type) is
// converted to the form's JSON before it is saved as a draft — nothing is
// saved when the workbook has an error — and any form version downloads as
// a workbook. See docs/xlsform.md.

// xlsformRoutes installs the XLSForm downloads.
func (s *Server) xlsformRoutes(api fiber.Router) {
	api.Get("/definitions/form/:id/versions/:version/xlsx", s.signedInAPI, s.formXLSX)
	api.Get("/xlsform/template", s.signedInAPI, s.xlsformTemplate)
	s.app.Get("/author/forms/:id/versions/:version/xlsx", s.signedInPage, s.formXLSX)
	s.app.Get("/author/xlsform-template.xlsx", s.signedInPage, s.xlsformTemplate)
}

// isWorkbookUpload reports whether an upload is an XLSX workbook: by its
// media type, its file name or its first bytes (a zip).
func isWorkbookUpload(contentType, filename string, body []byte) bool {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	return ct == mimeXLSX || strings.EqualFold(filepath.Ext(filename), ".xlsx") || bytes.HasPrefix(body, []byte("PK\x03\x04"))
}

// workbookForm is a workbook converted to a form: the form's JSON, its
// file name ("household.form.json") and what the import warns about —
// unknown columns, ignored settings, lossy constructs — which the saved
// form lives with and the author must be shown.
type workbookForm struct {
	JSON     []byte
	Filename string
	Warnings []xlsform.Problem
	// Problems, when the workbook was refused: every one, errors first
	// in the order of the sheets, warnings included.
	Problems []xlsform.Problem
}

// workbookWarningJSON is one import warning in an API answer: where it
// is, the question's label, and the sentence in the caller's language.
type workbookWarningJSON struct {
	Sheet   string `json:"sheet"`
	Cell    string `json:"cell,omitempty"`
	Row     int    `json:"row,omitempty"`
	Label   string `json:"label,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// workbookDraftJSON is PUT /api/v1/definitions/form/:id's answer to a
// workbook: the draft as for a JSON upload, with the import's warnings.
type workbookDraftJSON struct {
	draftJSON
	WorkbookWarnings []workbookWarningJSON `json:"workbookWarnings"`
}

// workbookWarnings renders an import's warnings in lang.
func workbookWarnings(ps []xlsform.Problem, lang string) []workbookWarningJSON {
	out := []workbookWarningJSON{}
	for _, p := range ps {
		label := p.LabelZH
		if strings.HasPrefix(lang, "en") && p.LabelEN != "" {
			label = p.LabelEN
		}
		out = append(out, workbookWarningJSON{Sheet: p.Sheet, Cell: p.Cell, Row: p.Row, Label: label, Code: p.Code, Message: p.Sentence(lang)})
	}
	return out
}

// formFromWorkbook converts a workbook to form JSON for the form id,
// titled title when the workbook gives no title ("" for the form's ID).
// A workbook with errors is an EINVALID naming every error by row, label
// and sheet!cell in lang, one field error each; nothing is to be saved.
func formFromWorkbook(id, filename, title string, body []byte, lang string) (*workbookForm, error) {
	res, err := xlsform.Import(bytes.NewReader(body), xlsform.Options{ID: id, Filename: filename, Title: title})
	if xe, ok := err.(*xlsform.Error); ok {
		e := &engine.Error{Code: engine.EINVALID}
		var msgs []string
		for _, p := range xe.Problems {
			if p.Severity != xlsform.SeverityError {
				continue
			}
			text := p.Sentence(lang)
			msgs = append(msgs, text)
			e.Fields = append(e.Fields, engine.FieldError{Pointer: "/" + strings.ReplaceAll(p.Where(), "!", "/"), Code: p.Code, Message: text})
		}
		// Pages put this after their own "not saved"; say what is wrong only.
		if !strings.HasPrefix(lang, "en") {
			e.Message = fmt.Sprintf("工作簿有 %d 处问题：%s", len(msgs), strings.Join(msgs, "；"))
		} else {
			e.Message = fmt.Sprintf("the workbook has %d problem(s): %s", len(msgs), strings.Join(msgs, "; "))
		}
		return &workbookForm{Problems: xe.Problems}, e
	}
	if err != nil {
		return nil, engine.WrapError(engine.EINTERNAL, "", err)
	}
	return &workbookForm{JSON: res.JSON, Filename: id + ".form.json", Warnings: res.Warnings}, nil
}

// formXLSX sends a form version as an XLSForm workbook: GET
// /api/v1/definitions/form/:id/versions/:version/xlsx and the author page's
// /author/forms/:id/versions/:version/xlsx. Authors and admins.
func (s *Server) formXLSX(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	version, err := versionParam(c)
	if err != nil {
		return err
	}
	d, err := s.engine.DefinitionVersion(c.Context(), a, engine.KindForm, c.Params("id"), version)
	if err != nil {
		return err
	}
	return sendFormWorkbook(c, d.ID, d.Source)
}

// sendFormWorkbook answers with form source src as a workbook named id.xlsx.
func sendFormWorkbook(c fiber.Ctx, id string, src []byte) error {
	var b bytes.Buffer
	if err := xlsform.Export(src, &b); err != nil {
		return &engine.Error{Code: engine.EINVALID, Message: "the form has errors; correct them before downloading it as a workbook"}
	}
	c.Set(fiber.HeaderContentType, mimeXLSX)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename=%q`, id+".xlsx"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b.Bytes())
}

// xlsformTemplate sends the template workbook.
func (s *Server) xlsformTemplate(c fiber.Ctx) error {
	var b bytes.Buffer
	if err := xlsform.Template(&b); err != nil {
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	c.Set(fiber.HeaderContentType, mimeXLSX)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="xlsform-template.xlsx"`)
	return c.Send(b.Bytes())
}

// studioWorkbook converts a workbook uploaded in the studio's source tab in
// place of form id (titled title, which the workbook's settings may
// change); any other upload comes back as it is. The problems are the
// import's warnings, or with an error every problem that refused it.
func studioWorkbook(kind, id, title, filename string, src []byte, lang string) ([]byte, []xlsform.Problem, error) {
	if kind != engine.KindForm || !isWorkbookUpload("", filename, src) {
		return src, nil, nil
	}
	wf, err := formFromWorkbook(id, filename, title, src, lang)
	if err != nil {
		if wf != nil {
			return nil, wf.Problems, err
		}
		return nil, nil, err
	}
	return wf.JSON, wf.Warnings, nil
}

// studioWorkbookProblems lists a workbook's problems on the studio's
// source tab, each by row and label, linked to the form's file.
func studioWorkbookProblems(p *pageData, ps []xlsform.Problem, anchor string) []studioDiagnostic {
	var out []studioDiagnostic
	for _, pr := range ps {
		place := cmp.Or(pr.Place(p.Lang), p.T("xlsform.problem.workbook"))
		out = append(out, studioDiagnostic{Error: pr.Severity == xlsform.SeverityError, Location: place, Message: pr.Text(p.Lang), URL: "#" + anchor})
	}
	return out
}

// workbookProblemView is one workbook problem on the author page.
type workbookProblemView struct {
	Error       bool
	Place, Text string
}

func authorWorkbookProblems(ps []xlsform.Problem, lang string) []workbookProblemView {
	var out []workbookProblemView
	for _, p := range ps {
		out = append(out, workbookProblemView{Error: p.Severity == xlsform.SeverityError, Place: p.Place(lang), Text: p.Text(lang)})
	}
	return out
}
