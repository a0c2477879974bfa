package server

import (
	"bytes"
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

// formFromWorkbook converts a workbook to form JSON for the form id. The
// returned file name is the form's ("household.form.json"). A workbook
// with errors is an EINVALID naming every problem by sheet!cell in lang,
// one field error each.
func formFromWorkbook(id, filename string, body []byte, lang string) ([]byte, string, error) {
	return formFromWorkbookTitled(id, filename, "", body, lang)
}

// formFromWorkbookTitled is formFromWorkbook with the title to use when the
// workbook gives none.
func formFromWorkbookTitled(id, filename, title string, body []byte, lang string) ([]byte, string, error) {
	res, err := xlsform.Import(bytes.NewReader(body), xlsform.Options{ID: id, Filename: filename, Title: title})
	if xe, ok := err.(*xlsform.Error); ok {
		e := &engine.Error{Code: engine.EINVALID}
		var msgs []string
		for _, p := range xe.Problems {
			if p.Severity != xlsform.SeverityError {
				continue
			}
			text := p.Where() + ": " + p.Text(lang)
			msgs = append(msgs, text)
			e.Fields = append(e.Fields, engine.FieldError{Pointer: "/" + strings.ReplaceAll(p.Where(), "!", "/"), Code: p.Code, Message: text})
		}
		// Pages put this after their own "not saved"; say what is wrong only.
		if !strings.HasPrefix(lang, "en") {
			e.Message = fmt.Sprintf("工作簿有 %d 处问题：%s", len(msgs), strings.Join(msgs, "；"))
		} else {
			e.Message = fmt.Sprintf("the workbook has %d problem(s): %s", len(msgs), strings.Join(msgs, "; "))
		}
		return nil, "", e
	}
	if err != nil {
		return nil, "", engine.WrapError(engine.EINTERNAL, "", err)
	}
	return res.JSON, id + ".form.json", nil
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
// change); any other upload comes back as it is.
func studioWorkbook(kind, id, title, filename string, src []byte, lang string) ([]byte, error) {
	if kind != engine.KindForm || !isWorkbookUpload("", filename, src) {
		return src, nil
	}
	out, _, err := formFromWorkbookTitled(id, filename, title, src, lang)
	return out, err
}
