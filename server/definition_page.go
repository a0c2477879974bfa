package server

import (
	"cmp"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/rules"
	"canvass/ui"
)

// authorRow is one definition version in the author's list.
type authorRow struct {
	Kind, KindLabel, ID string
	Version             int
	Published           bool
	CreatedAt           time.Time
	PublishedAt         time.Time
	PublishURL          string // for a draft
	PreviewURL          string // for a form
	XLSXURL             string // for a form: the version as an XLSForm workbook
}

// diagnosticView is one lint finding as the author page shows it.
type diagnosticView struct {
	Error    bool
	Location string // file:line:col
	Code     string
	Path     string
	Message  string
	Snippet  string // the line and a caret under the column
}

// savedDraft is the outcome of an upload: the version stored and what the
// linter found in it.
type savedDraft struct {
	Kind, ID    string
	Version     int
	HasErrors   bool
	Diagnostics []diagnosticView
	PublishURL  string
	PreviewURL  string
	// WorkbookWarnings: what the import of an uploaded workbook warns
	// about (definition_xlsform.go).
	WorkbookWarnings []workbookProblemView
}

// kindOption is one entry of the upload form's kind list.
type kindOption struct {
	Value, Label string
	Selected     bool
}

// authorData is the author page's own data.
type authorData struct {
	Rows []authorRow
	// Kinds and Upload refill the upload form.
	Kinds  []kindOption
	Upload struct{ Kind, ID string }
	Saved  *savedDraft
	// WorkbookProblems are every problem of a refused workbook.
	WorkbookProblems []workbookProblemView
	// PublishErrors are the lint errors that stopped a publish.
	PublishErrors []string
	// Campaigns with drafts, each offered "check and publish" as a whole.
	Campaigns []campaignDraft
}

// campaignDraft is a campaign with drafts on the author page: its title,
// and what a check finds now.
type campaignDraft struct {
	ID, Title string
	Status    string // "ready to publish" or how many problems stand in the way
	Ready     bool
}

// authorPage lists every definition version with its status, and the
// form to upload a file as a draft: GET /author. Authors and admins.
func (s *Server) authorPage(c fiber.Ctx) error {
	return s.renderAuthor(c, fiber.StatusOK, &authorData{}, "", "")
}

// renderAuthor shows the author page with data (an upload's outcome, a
// publish's errors) and, when errKey is set, that failure message
// followed by detail.
func (s *Server) renderAuthor(c fiber.Ctx, status int, data *authorData, errKey, detail string) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	list, err := s.engine.Definitions(c.Context(), a, engine.DefinitionFilter{})
	if err != nil {
		return err
	}
	p := s.newPage(c, "author.title", "author", "/author")
	if errKey != "" {
		p.Error = strings.TrimSpace(p.T(errKey) + " " + detail)
	}
	for _, d := range list {
		row := authorRow{
			Kind: d.Kind, KindLabel: p.T("kind." + d.Kind), ID: d.ID, Version: d.Version,
			Published: d.Status == engine.StatusPublished, CreatedAt: d.CreatedAt, PublishedAt: d.PublishedAt,
		}
		if !row.Published {
			row.PublishURL = publishPath(d.Kind, d.ID, d.Version)
		}
		if d.Kind == engine.KindForm {
			row.PreviewURL = previewPath(d.ID, d.Version)
			row.XLSXURL = fmt.Sprintf("/author/forms/%s/versions/%d/xlsx", url.PathEscape(d.ID), d.Version)
		}
		data.Rows = append(data.Rows, row)
		if d.Kind == engine.KindCampaign && !row.Published && !slices.ContainsFunc(data.Campaigns, func(cd campaignDraft) bool { return cd.ID == d.ID }) {
			data.Campaigns = append(data.Campaigns, s.campaignDraft(c, a, p, d.ID))
		}
	}
	// The success message names a version only if the list shows it
	// published: a crafted link cannot make the page claim anything else.
	if kind, id, version, ok := parsePublished(c.Query("published")); ok && slices.ContainsFunc(list, func(d *engine.DefinitionVersion) bool {
		return d.Kind == kind && d.ID == id && d.Version == version && d.Status == engine.StatusPublished
	}) {
		p.Flash = p.T("author.published", p.T("kind."+kind), id, version)
	}
	if data.Saved != nil && p.Flash == "" {
		p.Flash = p.T("author.saved", p.T("kind."+data.Saved.Kind), data.Saved.ID, data.Saved.Version)
	}
	for _, k := range definitionKinds {
		data.Kinds = append(data.Kinds, kindOption{Value: k, Label: p.T("kind." + k), Selected: k == data.Upload.Kind})
	}
	p.Data = data
	return s.render(c, status, "author", p)
}

// publishedParam is how the publish redirect names a version:
// kind/id/version.
var publishedParam = regexp.MustCompile(`^([a-z]+)/([a-z0-9-]+)/([0-9]{1,9})$`)

func parsePublished(q string) (kind, id string, version int, ok bool) {
	m := publishedParam.FindStringSubmatch(q)
	if m == nil {
		return "", "", 0, false
	}
	version, _ = strconv.Atoi(m[3])
	return m[1], m[2], version, true
}

func publishPath(kind, id string, version int) string {
	return fmt.Sprintf("/author/definitions/%s/%s/versions/%d/publish", url.PathEscape(kind), url.PathEscape(id), version)
}

func previewPath(id string, version int) string {
	return fmt.Sprintf("/author/forms/%s/versions/%d/preview", url.PathEscape(id), version)
}

// definitionFileName recognises the usual file names, "<id>.<kind>.json"
// or ".yaml", so that an author need not type the kind and ID again.
var definitionFileName = regexp.MustCompile(`^([a-z0-9][a-z0-9-]*[a-z0-9])\.(form|workflow|paytable|campaign)\.(?:json|ya?ml)$`)

// authorUpload stores an uploaded file as a draft and shows the page with
// what the linter found: POST /author/definitions (multipart: kind, id,
// file). Kind and ID default to those in the file's name.
func (s *Server) authorUpload(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	data := &authorData{}
	data.Upload.Kind, data.Upload.ID = strings.TrimSpace(bodyField(c, "kind")), strings.TrimSpace(bodyField(c, "id"))
	fh, err := c.FormFile("file")
	if err != nil || fh == nil {
		return s.renderAuthor(c, fiber.StatusUnprocessableEntity, data, "field.file.required", "")
	}
	if m := definitionFileName.FindStringSubmatch(fh.Filename); m != nil {
		if data.Upload.ID == "" {
			data.Upload.ID = m[1]
		}
		if data.Upload.Kind == "" {
			data.Upload.Kind = m[2]
		}
	}
	workbook := strings.EqualFold(filepath.Ext(fh.Filename), ".xlsx")
	if workbook {
		data.Upload.Kind = cmp.Or(data.Upload.Kind, engine.KindForm)
		data.Upload.ID = cmp.Or(data.Upload.ID, strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(fh.Filename), ".xlsx"), ".form"))
	}
	filename, err := definitionFilename(fh.Filename, data.Upload.Kind, data.Upload.ID)
	if err != nil {
		return s.renderAuthor(c, fiber.StatusUnprocessableEntity, data, "author.failed", engine.ErrorMessage(err))
	}
	src, err := readUpload(fh)
	if err != nil {
		return err
	}
	if len(src) > engine.MaxDefinitionBytes {
		lang := requestLang(c, a.User)
		return s.renderAuthor(c, fiber.StatusRequestEntityTooLarge, data, "author.failed", ui.Message(lang, "upload.too_large", engine.MaxDefinitionBytes>>10))
	}
	var wb *workbookForm
	if workbook && data.Upload.Kind == engine.KindForm {
		lang := requestLang(c, a.User)
		if wb, err = formFromWorkbook(data.Upload.ID, filename, "", src, lang); err != nil {
			if wb == nil {
				return s.renderAuthor(c, statusByCode[engine.ErrorCode(err)], data, "author.failed", engine.ErrorMessage(err))
			}
			data.WorkbookProblems = authorWorkbookProblems(wb.Problems, lang)
			return s.renderAuthor(c, statusByCode[engine.ErrorCode(err)], data, "xlsform.refused", "")
		}
		src, filename = wb.JSON, wb.Filename
	}
	res, err := s.engine.SaveDraft(c.Context(), a, data.Upload.Kind, data.Upload.ID, filename, src)
	if key := scopeRefusal(err); key != "" {
		return s.renderAuthor(c, statusByCode[engine.ErrorCode(err)], data, key, "")
	}
	if code := engine.ErrorCode(err); code == engine.EINVALID || code == engine.ETOOLARGE {
		return s.renderAuthor(c, statusByCode[code], data, "author.failed", engine.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	d := res.Definition
	saved := &savedDraft{Kind: d.Kind, ID: d.ID, Version: d.Version, HasErrors: rules.HasErrors(res.Diagnostics), PublishURL: publishPath(d.Kind, d.ID, d.Version)}
	if d.Kind == engine.KindForm && !saved.HasErrors {
		saved.PreviewURL = previewPath(d.ID, d.Version)
	}
	for _, dg := range res.Diagnostics {
		saved.Diagnostics = append(saved.Diagnostics, diagnosticView{
			Error: dg.Severity != rules.SeverityWarning, Location: fmt.Sprintf("%s:%d:%d", dg.File, dg.Line, dg.Col),
			Code: dg.Code, Path: dg.Path, Message: dg.Message, Snippet: dg.Snippet,
		})
	}
	if wb != nil {
		saved.WorkbookWarnings = authorWorkbookProblems(wb.Warnings, requestLang(c, a.User))
	}
	data.Saved = saved
	return s.renderAuthor(c, fiber.StatusOK, data, "", "")
}

// readUpload reads an uploaded file, refusing one over the definition
// size limit before reading it all.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, engine.WrapError(engine.EINTERNAL, "", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, engine.MaxDefinitionBytes+1))
	if err != nil {
		return nil, engine.WrapError(engine.EINTERNAL, "", err)
	}
	return b, nil
}

// authorPublish publishes a draft: POST
// /author/definitions/:kind/:id/versions/:version/publish, then back to
// the list (303), or the list with the lint errors that stop it (422) or
// a note that it is published already (409).
func (s *Server) authorPublish(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	version, err := versionParam(c)
	if err != nil {
		return err
	}
	kind, id := c.Params("kind"), c.Params("id")
	d, err := s.engine.Publish(c.Context(), a, kind, id, version)
	switch code := engine.ErrorCode(err); code {
	case "":
		return redirect(c, "/author?published="+url.QueryEscape(fmt.Sprintf("%s/%s/%d", d.Kind, d.ID, d.Version)))
	case engine.EINVALID:
		data := &authorData{}
		for _, fe := range engine.ErrorFields(err) {
			data.PublishErrors = append(data.PublishErrors, fe.Message)
		}
		return s.renderAuthor(c, statusByCode[code], data, "author.publish.failed", "")
	case engine.ECONFLICT:
		return s.renderAuthor(c, statusByCode[code], &authorData{}, "author.publish.conflict", "")
	default:
		if key := scopeRefusal(err); key != "" {
			return s.renderAuthor(c, statusByCode[code], &authorData{}, key, "")
		}
		return err
	}
}

// scopeRefusal is the message key for a refusal by the definition-scope
// rule (a definition owned above the author, a campaign wider than the
// author's scope), or "" for any other error.
func scopeRefusal(err error) string {
	if engine.ErrorCode(err) != engine.EFORBIDDEN {
		return ""
	}
	for _, f := range engine.ErrorFields(err) {
		if key := "definition." + f.Code; ui.HasMessage(key) {
			return key
		}
	}
	return ""
}

// authorPublishCampaign checks a whole campaign and publishes its drafts
// in order: POST /author/campaigns/:id/publish. Success goes back to the
// list; problems are listed on the page, each naming the file, version
// and place.
func (s *Server) authorPublishCampaign(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	id := c.Params("id")
	check, err := s.engine.PublishCampaign(c.Context(), a, id)
	switch code := engine.ErrorCode(err); code {
	case "":
		return redirect(c, "/author?published="+url.QueryEscape(fmt.Sprintf("%s/%s/%d", engine.KindCampaign, id, check.Steps[len(check.Steps)-1].Version)))
	case engine.EINVALID:
		data := &authorData{}
		lang := s.pageLang(c, a.User)
		for _, p := range check.Problems {
			where := ui.Message(lang, "kind."+p.Kind) + " " + p.ID + " v" + strconv.Itoa(p.Version)
			if p.Line > 0 {
				where += fmt.Sprintf(":%d:%d", p.Line, p.Col)
			} else if p.Pointer != "" {
				where += " " + p.Pointer
			}
			data.PublishErrors = append(data.PublishErrors, where+" — "+p.Message)
		}
		return s.renderAuthor(c, statusByCode[code], data, "author.publish.failed", "")
	case engine.ECONFLICT:
		return s.renderAuthor(c, statusByCode[code], &authorData{}, "author.campaign.nothing", "")
	default:
		if key := scopeRefusal(err); key != "" {
			return s.renderAuthor(c, statusByCode[code], &authorData{}, key, "")
		}
		return err
	}
}

// campaignDraft checks a campaign with drafts for the author page, so the
// author sees before pressing the button whether it would publish.
func (s *Server) campaignDraft(c fiber.Ctx, a *engine.Actor, p *pageData, id string) campaignDraft {
	cd := campaignDraft{ID: id, Title: id}
	check, err := s.engine.CheckCampaign(c.Context(), a, id)
	if err != nil {
		cd.Status = p.T("error." + engine.ErrorCode(err))
		return cd
	}
	if check.Campaign != nil {
		cd.Title = check.Campaign.Title(textLangOf(p.Lang))
	}
	if cd.Ready = check.OK(); cd.Ready {
		cd.Status = p.T("author.campaign.ready", len(check.Steps))
	} else {
		cd.Status = p.T("author.campaign.problems", len(check.Problems))
	}
	return cd
}
