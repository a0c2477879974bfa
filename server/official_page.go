package server

import (
	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/ui"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// officialData is the official-figures page's own data.
type officialData struct {
	Key, Org, Source string
	CanImport        bool
	Imports          []*indicators.OfficialImport
	Figures          []officialRow
	Report           []reportRow
}

// officialPage lists the imports and figures, and the import form.
func (s *Server) officialPage(c fiber.Ctx) error {
	return s.renderOfficial(c, fiber.StatusOK, "", nil, "", "")
}

// officialImportSubmit imports an uploaded sheet, then shows the page
// (303) or the form again with the table of bad rows (422).
func (s *Server) officialImportSubmit(c fiber.Ctx) error {
	a := actorOf(c)
	source := bodyField(c, "source")
	fh, err := uploadedFile(c, "file")
	if err != nil {
		return s.renderOfficial(c, fiber.StatusUnprocessableEntity, source, nil, "field.file.required", "")
	}
	imp, rows, err := s.importOfficialFile(c.Context(), a, source, fh)
	switch code := engine.ErrorCode(err); {
	case len(rows) > 0:
		return s.renderOfficial(c, fiber.StatusUnprocessableEntity, source, rows, "official.failed", "")
	case code == engine.EINVALID || code == engine.ETOOLARGE:
		return s.renderOfficial(c, statusByCode[code], source, nil, "official.failed", engine.ErrorMessage(err))
	case err != nil:
		return s.renderErrorPage(c, err)
	}
	return redirect(c, "/official?imported="+strconv.FormatInt(imp.Version, 10))
}

func (s *Server) renderOfficial(c fiber.Ctx, status int, source string, rows []engine.RowError, errKey, detail string) error {
	a := actorOf(c)
	path := "/official"
	if c.Method() == fiber.MethodGet {
		path = ""
	}
	p := s.newPage(c, "official.title", "official", path)
	d := &officialData{Key: c.Query("key"), Org: c.Query("org"), Source: source,
		CanImport: a.Has(engine.RoleAdmin, engine.RoleSupervisor)}
	p.Data = d
	if v, err := strconv.Atoi(c.Query("imported")); err == nil && v > 0 {
		p.Flash = p.T("official.imported", v)
	}
	if errKey != "" {
		p.Error = strings.TrimSpace(p.T(errKey) + " " + detail)
	}
	imps, err := s.indicators.OfficialImports(c.Context(), a)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	d.Imports = imps
	figs, err := s.indicators.OfficialFigures(c.Context(), a, d.Key, d.Org)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	for _, f := range figs {
		d.Figures = append(d.Figures, officialRow{OfficialFigureView: f, Value: indicatorCountText(f.Value)})
	}
	for _, r := range rows {
		problem := r.Message
		if key := "official.row." + r.Code; ui.HasMessage(key) {
			problem = p.T(key)
		}
		d.Report = append(d.Report, reportRow{Row: r.Row, Column: r.Column, Problem: problem, Detail: r.Message})
	}
	return s.render(c, status, "official", p)
}

// officialRow is one figure on the page.
type officialRow struct {
	indicators.OfficialFigureView
	Value string
}
