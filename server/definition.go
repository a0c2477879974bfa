package server

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/rules"
)

// definitionKinds are the kinds the author pages offer, in the order
// they are usually written: a campaign names its form and workflow.
var definitionKinds = []string{engine.KindForm, engine.KindWorkflow, engine.KindPayTable, engine.KindCampaign}

// definitionJSON is one definition version as the API shows it. Source is
// only in the answer for one version.
type definitionJSON struct {
	Kind        string     `json:"kind"`
	ID          string     `json:"id"`
	Version     int        `json:"version"`
	Status      string     `json:"status"`
	Checksum    string     `json:"checksum"`
	Filename    string     `json:"filename"`
	CreatedBy   string     `json:"createdBy"`
	CreatedAt   time.Time  `json:"createdAt"`
	PublishedBy string     `json:"publishedBy,omitempty"`
	PublishedAt *time.Time `json:"publishedAt,omitempty"`
	Source      *string    `json:"source,omitempty"`
}

func toDefinitionJSON(d *engine.DefinitionVersion, withSource bool) definitionJSON {
	out := definitionJSON{
		Kind: d.Kind, ID: d.ID, Version: d.Version, Status: d.Status, Checksum: d.Checksum,
		Filename: d.Filename, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, PublishedBy: d.PublishedBy,
	}
	if !d.PublishedAt.IsZero() {
		at := d.PublishedAt
		out.PublishedAt = &at
	}
	if withSource {
		src := string(d.Source)
		out.Source = &src
	}
	return out
}

// diagnosticJSON is one lint finding: where (file, line, column, and the
// path inside the definition), what (a stable code) and how bad.
type diagnosticJSON struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Code     string `json:"code"`
	Path     string `json:"path"`
	Message  string `json:"message"`
	Text     string `json:"text"` // the message in the requester's language, from the rules code table
	Severity string `json:"severity"`
	Snippet  string `json:"snippet,omitempty"`
}

func toDiagnosticsJSON(ds []rules.Diagnostic, lang string) []diagnosticJSON {
	out := make([]diagnosticJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, diagnosticJSON{File: d.File, Line: d.Line, Col: d.Col, Code: d.Code, Path: d.Path,
			Message: d.Message, Text: d.Text(lang), Severity: d.Severity, Snippet: d.Snippet})
	}
	return out
}

// draftJSON answers PUT /api/v1/definitions/:kind/:id.
type draftJSON struct {
	Definition  definitionJSON   `json:"definition"`
	Diagnostics []diagnosticJSON `json:"diagnostics"`
}

type definitionsJSON struct {
	Definitions []definitionJSON `json:"definitions"`
}

type publishedJSON struct {
	Definition definitionJSON `json:"definition"`
}

// maxFilenameLength bounds the name a definition is stored under; it only
// labels lint positions.
const maxFilenameLength = 200

// definitionFilename checks the ?filename= of an upload, or makes one
// from the kind and ID ("household.form.json"). Only a plain file name
// is taken: it appears in every lint message, so it must not carry a
// path or control characters into pages and logs.
func definitionFilename(name, kind, id string) (string, error) {
	if name == "" {
		ext := ".yaml"
		if kind == engine.KindForm {
			ext = ".json"
		}
		return id + "." + kind + ext, nil
	}
	bad := len(name) > maxFilenameLength || !utf8.ValidString(name) || strings.ContainsAny(name, `/\`) || name == "." || name == ".."
	for _, r := range name {
		bad = bad || r < 0x20 || r == 0x7f
	}
	if bad {
		return "", &engine.Error{Code: engine.EINVALID, Message: "the file name must be a plain name of at most 200 characters",
			Fields: []engine.FieldError{{Pointer: "/filename", Code: "pattern", Message: "a plain file name"}}}
	}
	return name, nil
}

// apiSaveDefinition answers PUT /api/v1/definitions/:kind/:id: the body is
// the file, stored as the open draft (or a new draft version after a
// published one), with every lint finding. Authors and admins.
func (s *Server) apiSaveDefinition(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	kind, id := c.Params("kind"), c.Params("id")
	filename, err := definitionFilename(c.Query("filename"), kind, id)
	if err != nil {
		return err
	}
	body := c.Body()
	var wb *workbookForm
	if kind == engine.KindForm && isWorkbookUpload(c.Get(fiber.HeaderContentType), filename, body) {
		if wb, err = formFromWorkbook(id, filename, "", body, requestLang(c, a.User)); err != nil {
			return err
		}
		body, filename = wb.JSON, wb.Filename
	}
	res, err := s.engine.SaveDraft(c.Context(), a, kind, id, filename, body)
	if err != nil {
		return err
	}
	out := draftJSON{Definition: toDefinitionJSON(res.Definition, false), Diagnostics: toDiagnosticsJSON(res.Diagnostics, requestLang(c, a.User))}
	if wb != nil {
		return c.JSON(workbookDraftJSON{draftJSON: out, WorkbookWarnings: workbookWarnings(wb.Warnings, requestLang(c, a.User))})
	}
	return c.JSON(out)
}

// apiPublishDefinition answers POST
// /api/v1/definitions/:kind/:id/versions/:version/publish: 200 with the
// published version, 422 with the lint errors as fields, 409 when it is
// published already.
func (s *Server) apiPublishDefinition(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	version, err := versionParam(c)
	if err != nil {
		return err
	}
	d, err := s.engine.Publish(c.Context(), a, c.Params("kind"), c.Params("id"), version)
	if err != nil {
		return err
	}
	return c.JSON(publishedJSON{Definition: toDefinitionJSON(d, false)})
}

// apiDefinitions answers GET /api/v1/definitions[?kind=][&id=][&status=]:
// every version, without sources, ordered by kind, ID and version.
// An author sees the definitions whose owner and the author's subtree
// overlap (the definition-scope rule, engine/definition_scope.go).
func (s *Server) apiDefinitions(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	status := c.Query("status")
	if status != "" && status != engine.StatusDraft && status != engine.StatusPublished {
		return &engine.Error{Code: engine.EINVALID, Message: "status must be draft or published",
			Fields: []engine.FieldError{{Pointer: "/status", Code: "enum", Message: "draft or published"}}}
	}
	list, err := s.engine.Definitions(c.Context(), a, engine.DefinitionFilter{Kind: c.Query("kind"), ID: c.Query("id"), Status: status})
	if err != nil {
		return err
	}
	out := definitionsJSON{Definitions: make([]definitionJSON, 0, len(list))}
	for _, d := range list {
		out.Definitions = append(out.Definitions, toDefinitionJSON(d, false))
	}
	return c.JSON(out)
}

// apiDefinition answers GET /api/v1/definitions/:kind/:id/versions/:version
// with the version's metadata and source.
func (s *Server) apiDefinition(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	version, err := versionParam(c)
	if err != nil {
		return err
	}
	d, err := s.engine.DefinitionVersion(c.Context(), a, c.Params("kind"), c.Params("id"), version)
	if err != nil {
		return err
	}
	return c.JSON(toDefinitionJSON(d, true))
}

// campaignCheckJSON is what checking or publishing a whole campaign found.
type campaignCheckJSON struct {
	Campaign string                `json:"campaign"`
	OK       bool                  `json:"ok"`
	Steps    []campaignStepJSON    `json:"steps"`
	Problems []campaignProblemJSON `json:"problems"`
}

type campaignStepJSON struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Version int    `json:"version"`
}

type campaignProblemJSON struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Version int    `json:"version"`
	Pointer string `json:"pointer"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
}

func toCampaignCheckJSON(c *engine.CampaignCheck) campaignCheckJSON {
	out := campaignCheckJSON{Campaign: c.CampaignID, OK: c.OK(), Steps: []campaignStepJSON{}, Problems: []campaignProblemJSON{}}
	for _, s := range c.Steps {
		out.Steps = append(out.Steps, campaignStepJSON{Kind: s.Kind, ID: s.ID, Version: s.Version})
	}
	for _, p := range c.Problems {
		out.Problems = append(out.Problems, campaignProblemJSON{Kind: p.Kind, ID: p.ID, Version: p.Version, Pointer: p.Pointer,
			Code: p.Code, Message: p.Message, Line: p.Line, Col: p.Col})
	}
	return out
}

// apiCheckCampaign answers GET /api/v1/definitions/campaign/:id/check:
// the drafts a whole-campaign publish would publish and every problem in
// the way, without publishing anything.
func (s *Server) apiCheckCampaign(c fiber.Ctx) error {
	check, err := s.engine.CheckCampaign(c.Context(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toCampaignCheckJSON(check))
}

// apiPublishCampaign answers POST /api/v1/definitions/campaign/:id/publish:
// the campaign's drafts published in order, the campaign last; 422 with
// every problem as a field while any remain, 409 when nothing is left to
// publish.
func (s *Server) apiPublishCampaign(c fiber.Ctx) error {
	check, err := s.engine.PublishCampaign(c.Context(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toCampaignCheckJSON(check))
}
