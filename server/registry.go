package server

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/registry"
	"canvass/engine/tabular"
)

// registryRoutes installs registry imports, exports and bulk updates: the
// JSON API and the pages. The engine checks roles and org scope on each.
//
// An upload arrives either whole, as multipart/form-data under the body
// limit, or in chunks of registry.ImportChunkSize (each one request under
// the limit, so lists far larger than the limit go through): POST the
// import as JSON to start it, PUT each chunk's bytes, POST finish.
func (s *Server) registryRoutes(api fiber.Router) {
	api.Get("/campaigns/:id/import-mapping", s.signedInAPI, s.apiImportMapping)
	api.Put("/campaigns/:id/import-mapping", s.signedInAPI, s.apiSaveImportMapping)
	api.Get("/campaigns/:id/imports", s.signedInAPI, s.apiImportJobs)
	api.Post("/campaigns/:id/imports", s.signedInAPI, s.apiStartImport)
	api.Get("/campaigns/:id/export", s.signedInAPI, s.apiExport)
	api.Get("/imports/:job", s.signedInAPI, s.apiImportJob)
	api.Put("/imports/:job/chunks/:seq", s.signedInAPI, s.apiImportChunk)
	api.Post("/imports/:job/finish", s.signedInAPI, s.apiFinishImport)
	api.Post("/imports/:job/confirm", s.signedInAPI, s.apiConfirmImport)
	api.Get("/imports/:job/report", s.signedInAPI, s.apiImportReport)
	api.Get("/imports/:job/report.xlsx", s.signedInAPI, s.apiImportReportXLSX)

	s.app.Get("/registry", s.signedInPage, s.registryPage)
	s.app.Post("/registry/upload", s.signedInPage, s.registryUploadSubmit)
	s.app.Post("/registry/mapping", s.signedInPage, s.registryMappingSubmit)
	s.app.Get("/registry/jobs/:job", s.signedInPage, s.registryJobPage)
	s.app.Post("/registry/jobs/:job/confirm", s.signedInPage, s.registryConfirmSubmit)
}

// jobIDPattern is the form of an import job ID (a ULID).
var jobIDPattern = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)

// jobParam returns the :job parameter, or ENOTFOUND when it cannot be one.
func jobParam(c fiber.Ctx) (string, error) {
	id := c.Params("job")
	if !jobIDPattern.MatchString(id) {
		return "", engine.Errorf(engine.ENOTFOUND, "import not found")
	}
	return id, nil
}

// importJobJSON is a job as the API shows it.
type importJobJSON struct {
	ID           string            `json:"id"`
	Kind         string            `json:"kind"`
	Campaign     string            `json:"campaign"`
	Form         string            `json:"form"`
	Mode         string            `json:"mode"`
	FileName     string            `json:"fileName"`
	FileSize     int64             `json:"fileSize"`
	ChunkSize    int               `json:"chunkSize"`
	Chunks       int               `json:"chunks"`
	Mapping      map[string]string `json:"mapping"`
	State        string            `json:"state"`
	Finished     bool              `json:"finished"`
	Rows         int64             `json:"rows"`
	Valid        int64             `json:"valid"`
	Invalid      int64             `json:"invalid"`
	Written      int64             `json:"written"`
	Changed      int64             `json:"changed"`
	Reported     int64             `json:"reported"`
	Checkpoint   int               `json:"checkpoint"`
	ErrorCode    string            `json:"errorCode,omitempty"`
	ErrorMessage string            `json:"errorMessage,omitempty"`
	CreatedAt    time.Time         `json:"createdAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
	FinishedAt   *time.Time        `json:"finishedAt,omitempty"`
}

func toImportJobJSON(j *registry.ImportJob) importJobJSON {
	out := importJobJSON{ID: j.ID, Kind: j.Kind, Campaign: j.CampaignID, Form: j.FormID, Mode: j.Mode, FileName: j.FileName,
		FileSize: j.FileSize, ChunkSize: j.ChunkSize, Mapping: j.Mapping, State: j.State, Finished: j.Finished(),
		Rows: j.Rows, Valid: j.Valid, Invalid: j.Invalid, Written: j.Written, Changed: j.Changed, Reported: j.Reported,
		Checkpoint: j.Checkpoint, ErrorCode: j.ErrorCode, ErrorMessage: j.ErrorMessage, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
	if j.ChunkSize > 0 {
		out.Chunks = int((j.FileSize + int64(j.ChunkSize) - 1) / int64(j.ChunkSize))
	}
	if out.Mapping == nil {
		out.Mapping = map[string]string{}
	}
	if !j.FinishedAt.IsZero() {
		t := j.FinishedAt
		out.FinishedAt = &t
	}
	return out
}

// mappingJSON is a saved mapping with the fields a column may map to.
type mappingJSON struct {
	Campaign string              `json:"campaign"`
	Form     string              `json:"form"`
	Columns  map[string]string   `json:"columns"`
	Targets  []mappingTargetJSON `json:"targets"`
}

type mappingTargetJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// apiImportMapping answers GET /api/v1/campaigns/:id/import-mapping?form=.
func (s *Server) apiImportMapping(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	m, form, err := s.registry.ImportMapping(c.Context(), a, id, c.Query("form"))
	if err != nil {
		return err
	}
	out := mappingJSON{Campaign: m.CampaignID, Form: form.ID(), Columns: m.Columns}
	for _, t := range registry.ImportTargets(form, requestLang(c, a.User)) {
		out.Targets = append(out.Targets, mappingTargetJSON{Key: t.Key, Label: t.Label})
	}
	return c.JSON(out)
}

// apiSaveImportMapping answers PUT /api/v1/campaigns/:id/import-mapping
// with {"form": …, "columns": {header: field}}.
func (s *Server) apiSaveImportMapping(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Form    string            `json:"form"`
		Columns map[string]string `json:"columns"`
	}
	if err := decodeJSONBody(c, &in); err != nil {
		return err
	}
	if in.Columns == nil {
		in.Columns = map[string]string{}
	}
	m := &registry.ImportMapping{CampaignID: id, FormID: in.Form, Columns: in.Columns}
	if err := s.registry.SaveImportMapping(c.Context(), actorOf(c), m); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// decodeJSONBody decodes a JSON request body strictly. Returns EINVALID.
func decodeJSONBody(c fiber.Ctx, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return engine.WrapError(engine.EINVALID, "the body is not the expected JSON", err)
	}
	return nil
}

// apiImportJobs answers GET /api/v1/campaigns/:id/imports.
func (s *Server) apiImportJobs(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	jobs, err := s.registry.ImportJobs(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	out := struct {
		Imports []importJobJSON `json:"imports"`
	}{Imports: []importJobJSON{}}
	for _, j := range jobs {
		out.Imports = append(out.Imports, toImportJobJSON(j))
	}
	return c.JSON(out)
}

// apiStartImport answers POST /api/v1/campaigns/:id/imports. A multipart
// body (fields form, kind, mode and the file in "file") is stored and
// queued at once (202); a JSON body {form, kind, mode, fileName, size}
// starts a chunked upload (201).
func (s *Server) apiStartImport(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	lang := requestLang(c, a.User)
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		j, err := s.uploadWhole(c, a, id, lang)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusAccepted).JSON(toImportJobJSON(j))
	}
	var in struct {
		Form     string `json:"form"`
		Kind     string `json:"kind"`
		Mode     string `json:"mode"`
		FileName string `json:"fileName"`
		Size     int64  `json:"size"`
	}
	if err := decodeJSONBody(c, &in); err != nil {
		return err
	}
	j, err := s.registry.StartImport(c.Context(), a, registry.ImportRequest{Kind: in.Kind, CampaignID: id, FormID: in.Form, Mode: in.Mode, FileName: in.FileName, Size: in.Size, Lang: lang})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toImportJobJSON(j))
}

// uploadWhole stores a multipart upload as a queued job.
func (s *Server) uploadWhole(c fiber.Ctx, a *engine.Actor, campaignID, lang string) (*registry.ImportJob, error) {
	fh, err := uploadedFile(c, "file")
	if err != nil {
		return nil, err
	}
	f, err := fh.Open()
	if err != nil {
		return nil, engine.WrapError(engine.EINTERNAL, "", err)
	}
	defer f.Close()
	return s.registry.UploadImport(c.Context(), a, registry.ImportRequest{
		Kind: bodyField(c, "kind"), CampaignID: campaignID, FormID: bodyField(c, "form"), Mode: bodyField(c, "mode"),
		FileName: fh.Filename, Size: fh.Size, Lang: lang,
	}, f)
}

// apiImportChunk answers PUT /api/v1/imports/:job/chunks/:seq with the
// chunk's bytes as the body.
func (s *Server) apiImportChunk(c fiber.Ctx) error {
	id, err := jobParam(c)
	if err != nil {
		return err
	}
	seq, err := strconv.Atoi(c.Params("seq"))
	if err != nil {
		return engine.Errorf(engine.ENOTFOUND, "no such chunk")
	}
	if err := s.registry.PutImportUpload(c.Context(), actorOf(c), id, seq, c.Body()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiFinishImport answers POST /api/v1/imports/:job/finish.
func (s *Server) apiFinishImport(c fiber.Ctx) error {
	id, err := jobParam(c)
	if err != nil {
		return err
	}
	j, err := s.registry.FinishImportUpload(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(toImportJobJSON(j))
}

// apiImportJob answers GET /api/v1/imports/:job: the progress.
func (s *Server) apiImportJob(c fiber.Ctx) error {
	id, err := jobParam(c)
	if err != nil {
		return err
	}
	j, err := s.registry.ImportJob(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toImportJobJSON(j))
}

// apiConfirmImport answers POST /api/v1/imports/:job/confirm: apply a
// previewed bulk update.
func (s *Server) apiConfirmImport(c fiber.Ctx) error {
	id, err := jobParam(c)
	if err != nil {
		return err
	}
	j, err := s.registry.ConfirmImportUpdate(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(toImportJobJSON(j))
}

// importRowJSON is one report line.
type importRowJSON struct {
	Row      int                  `json:"row"`
	Column   string               `json:"column"`
	Code     string               `json:"code"`
	Message  string               `json:"message"`
	RecordID string               `json:"recordId,omitempty"`
	Changes  []engine.FieldChange `json:"changes,omitempty"`
}

// apiImportReport answers GET /api/v1/imports/:job/report?after=&limit=.
func (s *Server) apiImportReport(c fiber.Ctx) error {
	id, err := jobParam(c)
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(c.Query("limit"))
	page, err := s.registry.ImportReport(c.Context(), actorOf(c), id, engine.Page{After: c.Query("after"), Limit: limit})
	if err != nil {
		return err
	}
	out := struct {
		Rows []importRowJSON `json:"rows"`
		Next string          `json:"next,omitempty"`
	}{Rows: []importRowJSON{}, Next: page.Next}
	for _, r := range page.Rows {
		out.Rows = append(out.Rows, importRowJSON{r.Row, r.Column, r.Code, r.Message, r.RecordID, r.Changes})
	}
	return c.JSON(out)
}

// apiImportReportXLSX answers GET /api/v1/imports/:job/report.xlsx.
func (s *Server) apiImportReportXLSX(c fiber.Ctx) error {
	id, err := jobParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	return s.sendSpooled(c, "import-"+id+"-report.xlsx", mimeXLSX, func(w io.Writer) error {
		return s.registry.WriteImportReport(c.Context(), a, id, tabular.NewXLSX(w), requestLang(c, a.User))
	})
}

const mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// apiExport answers GET /api/v1/campaigns/:id/export?form=&org=&format=
// xlsx|csv|zip&split=village&reveal=1&state=…; state (repeated or
// comma-separated) keeps the records in those states, none: every state.
func (s *Server) apiExport(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	req := registry.ExportRequest{CampaignID: id, FormID: c.Query("form"), OrgUnit: c.Query("org"),
		Format: c.Query("format"), PerVillage: c.Query("split") == "village", Reveal: c.Query("reveal") == "1",
		States: exportStatesOf(c), Lang: requestLang(c, a.User)}
	if req.Format == "" {
		req.Format = registry.ExportXLSX
	}
	mime := map[string]string{registry.ExportXLSX: mimeXLSX, registry.ExportCSV: "text/csv; charset=utf-8", registry.ExportZip: "application/zip"}[req.Format]
	ext := req.Format
	if req.Format == registry.ExportCSV && req.PerVillage {
		ext, mime = registry.ExportZip, "application/zip"
	}
	name := id + "-" + time.Now().In(chinaTime).Format("20060102") + "." + ext
	return s.sendSpooled(c, name, mime, func(w io.Writer) error {
		_, err := s.registry.ExportRecords(c.Context(), a, req, w)
		return err
	})
}

// sendSpooled writes a download to a temporary file first, so that a
// failure halfway (or the audit that closes an export) still answers with
// a proper error instead of half a file, then streams the file. The file
// is unlinked at once: it vanishes when the response is sent.
func (s *Server) sendSpooled(c fiber.Ctx, name, mime string, write func(io.Writer) error) error {
	f, err := os.CreateTemp("", "canvass-download-*")
	if err != nil {
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	_ = os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	c.Set(fiber.HeaderContentType, mime)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStream(f, int(size))
}
