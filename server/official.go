package server

import (
	"context"
	"errors"
	"mime/multipart"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/engine/tabular"
)

type officialImportJSON struct {
	ID         string    `json:"id"`
	Version    int64     `json:"version"`
	Source     string    `json:"source"`
	FileName   string    `json:"fileName"`
	ImportedBy string    `json:"importedBy"`
	ImportedAt time.Time `json:"importedAt"`
	Rows       int       `json:"rows"`
}

func toOfficialImportJSON(imp *indicators.OfficialImport) officialImportJSON {
	return officialImportJSON{imp.ID, imp.Version, imp.Source, imp.FileName, imp.ImportedBy, imp.ImportedAt, imp.Rows}
}

type officialFigureJSON struct {
	Key        string  `json:"key"`
	OrgUnit    string  `json:"orgUnit"`
	OrgName    string  `json:"orgName"`
	Period     string  `json:"period"`
	Value      float64 `json:"value"`
	Version    int64   `json:"version"`
	Import     string  `json:"import"`
	Source     string  `json:"source"`
	ImportedBy string  `json:"importedBy"`
	Current    bool    `json:"current"`
}

// apiOfficialFigures answers GET /api/v1/official-figures?key=&org=: every
// version of the figures in the caller's subtree, the current ones marked.
func (s *Server) apiOfficialFigures(c fiber.Ctx) error {
	figs, err := s.indicators.OfficialFigures(c.Context(), actorOf(c), c.Query("key"), c.Query("org"))
	if err != nil {
		return err
	}
	out := struct {
		Figures []officialFigureJSON `json:"figures"`
	}{Figures: make([]officialFigureJSON, 0, len(figs))}
	for _, f := range figs {
		out.Figures = append(out.Figures, officialFigureJSON{f.Key, f.OrgUnit, f.OrgName, f.Period, f.Value, f.Version, f.ImportID, f.Source, f.ImportedBy, f.Current})
	}
	return c.JSON(out)
}

// apiOfficialImports answers GET /api/v1/official-figures/imports.
func (s *Server) apiOfficialImports(c fiber.Ctx) error {
	imps, err := s.indicators.OfficialImports(c.Context(), actorOf(c))
	if err != nil {
		return err
	}
	out := struct {
		Imports []officialImportJSON `json:"imports"`
	}{Imports: make([]officialImportJSON, 0, len(imps))}
	for _, imp := range imps {
		out.Imports = append(out.Imports, toOfficialImportJSON(imp))
	}
	return c.JSON(out)
}

// apiImportOfficialFigures answers POST /api/v1/official-figures/import, a
// multipart upload with the sheet in "file" and where it comes from in
// "source". 201 with the new version; 422 with one entry per bad row.
func (s *Server) apiImportOfficialFigures(c fiber.Ctx) error {
	a := actorOf(c)
	fh, err := uploadedFile(c, "file")
	if err != nil {
		return err
	}
	imp, rows, err := s.importOfficialFile(c.Context(), a, bodyField(c, "source"), fh)
	if len(rows) > 0 {
		status, body := s.describeError(c, err)
		return c.Status(status).JSON(rowReportJSON{Error: body.Error, Rows: rows})
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toOfficialImportJSON(imp))
}

// importOfficialFile reads an uploaded sheet of official figures and
// imports it as one version, or nothing when any row is bad.
func (s *Server) importOfficialFile(ctx context.Context, a *engine.Actor, source string, fh *multipart.FileHeader) (*indicators.OfficialImport, []engine.RowError, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, nil, engine.WrapError(engine.EINTERNAL, "", err)
	}
	defer f.Close()
	r, err := tabular.Open(fh.Filename, f)
	if err != nil {
		if errors.Is(err, tabular.ErrFormat) {
			return nil, nil, engine.WrapError(engine.EINVALID, "the file is not a CSV or XLSX sheet with a header row", err)
		}
		return nil, nil, engine.WrapError(engine.EINVALID, "the file cannot be read as a sheet", err)
	}
	defer r.Close()
	rows, rowErrs, err := indicators.ReadOfficialRows(r)
	if err != nil {
		return nil, nil, err
	}
	if len(rowErrs) > 0 {
		return nil, rowErrs, engine.Errorf(engine.EINVALID, "%d rows cannot be read; nothing was imported", len(rowErrs))
	}
	return s.indicators.ImportOfficialFigures(ctx, a, source, fh.Filename, rows)
}
