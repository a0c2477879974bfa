package server

import (
	"context"
	"errors"
	"mime/multipart"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/tabular"
)

// orgUnitJSON is an org unit as the API shows it.
type orgUnitJSON struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parentCode,omitempty"`
	Level      string `json:"level"`
	Path       string `json:"path"`
}

func toOrgUnitJSON(u engine.OrgUnit) orgUnitJSON {
	return orgUnitJSON{Code: u.Code, Name: u.Name, ParentCode: u.ParentCode, Level: u.Level, Path: u.Path}
}

type orgUnitsJSON struct {
	OrgUnits []orgUnitJSON `json:"orgUnits"`
}

// importJSON answers a successful import.
type importJSON struct {
	Imported int `json:"imported"`
}

// rowReportJSON answers an import with bad rows: the usual error body
// plus one entry per problem, so a client can show a table to fix the
// sheet by.
type rowReportJSON struct {
	Error errorDetail       `json:"error"`
	Rows  []engine.RowError `json:"rows"`
}

// orgUnitsUnder returns the units of the actor's subtree, or of the
// subtree under rootCode when given, parents before children. Returns
// ENOTFOUND when rootCode is unknown or outside the actor's subtree.
func (s *Server) orgUnitsUnder(ctx context.Context, a *engine.Actor, rootCode string) ([]engine.OrgUnit, error) {
	path := ""
	if rootCode != "" {
		root, err := s.engine.OrgUnit(ctx, a, rootCode)
		if err != nil {
			return nil, err
		}
		path = root.Path
	}
	return s.engine.OrgUnits(ctx, a, path)
}

// apiOrgUnits answers GET /api/v1/orgunits[?root=CODE]: the tree as a
// list ordered by path, so each unit comes after its parent.
func (s *Server) apiOrgUnits(c fiber.Ctx) error {
	units, err := s.orgUnitsUnder(c.Context(), actorOf(c), c.Query("root"))
	if err != nil {
		return err
	}
	out := orgUnitsJSON{OrgUnits: make([]orgUnitJSON, 0, len(units))}
	for _, u := range units {
		out.OrgUnits = append(out.OrgUnits, toOrgUnitJSON(u))
	}
	return c.JSON(out)
}

// apiOrgUnit answers GET /api/v1/orgunits/:code.
func (s *Server) apiOrgUnit(c fiber.Ctx) error {
	u, err := s.engine.OrgUnit(c.Context(), actorOf(c), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(toOrgUnitJSON(*u))
}

// apiImportOrgUnits answers POST /api/v1/orgunits/import, a multipart
// upload with the sheet in the field "file".
func (s *Server) apiImportOrgUnits(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireAdmin(a); err != nil {
		return err
	}
	fh, err := uploadedFile(c, "file")
	if err != nil {
		return err
	}
	n, rows, err := s.importOrgUnitFile(c.Context(), a, fh)
	if len(rows) > 0 {
		status, body := s.describeError(c, err)
		return c.Status(status).JSON(rowReportJSON{Error: body.Error, Rows: rows})
	}
	if err != nil {
		return err
	}
	return c.JSON(importJSON{Imported: n})
}

// uploadedFile returns the multipart file in field. Returns EINVALID when
// the request has none.
func uploadedFile(c fiber.Ctx, field string) (*multipart.FileHeader, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh == nil {
		return nil, &engine.Error{Code: engine.EINVALID, Message: "upload the sheet as multipart/form-data in the field \"" + field + "\"", Err: err,
			Fields: []engine.FieldError{{Pointer: "/" + field, Code: "required", Message: "a CSV or XLSX file"}}}
	}
	return fh, nil
}

// importOrgUnitFile reads an uploaded CSV or XLSX sheet of org units and
// imports it: all rows, or none when any is bad. It returns how many units
// were stored, or the per-row problems with an EINVALID error.
func (s *Server) importOrgUnitFile(ctx context.Context, a *engine.Actor, fh *multipart.FileHeader) (int, []engine.RowError, error) {
	f, err := fh.Open()
	if err != nil {
		return 0, nil, engine.WrapError(engine.EINTERNAL, "", err)
	}
	defer f.Close()
	r, err := tabular.Open(fh.Filename, f)
	if err != nil {
		if errors.Is(err, tabular.ErrFormat) {
			return 0, nil, engine.WrapError(engine.EINVALID, "the file is not a CSV or XLSX sheet with a header row", err)
		}
		return 0, nil, engine.WrapError(engine.EINVALID, "the file cannot be read as a sheet", err)
	}
	defer r.Close()
	rows, rowErrs, err := engine.ReadOrgUnitRows(r)
	if err != nil {
		return 0, nil, err
	}
	if len(rowErrs) > 0 {
		// The rows that could be read may all be valid, and the import
		// would then store them: the sheet must be fixed first.
		return 0, rowErrs, engine.Errorf(engine.EINVALID, "%d rows cannot be read; nothing was imported", len(rowErrs))
	}
	rowErrs, err = s.engine.ImportOrgUnits(ctx, a, rows)
	if err != nil {
		return 0, rowErrs, err
	}
	return len(rows), nil, nil
}
