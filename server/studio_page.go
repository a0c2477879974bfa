package server

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/rules"
	"canvass/ui"
)

// The campaign studio's shell (issue #16): /studio lists the campaigns an
// author may edit and makes new ones; /studio/campaigns/:id shows one
// campaign in tabs — 基本信息, 表单 (links to the form designer), 源文件,
// 检查并发布. Every change is a draft saved through the engine, so the
// definition-scope rule decides who may do what.

func (s *Server) studioRoutes() {
	s.app.Get("/studio", s.signedInPage, s.studioPage)
	s.app.Post("/studio/campaigns", s.signedInPage, s.studioNewCampaign)
	s.app.Post("/studio/copies", s.signedInPage, s.studioCopyCampaign)
	s.app.Get("/studio/campaigns/:id", s.signedInPage, s.studioCampaignPage)
	s.app.Post("/studio/campaigns/:id/basics", s.signedInPage, s.studioSaveBasics)
	s.app.Get("/studio/campaigns/:id/source", s.signedInPage, s.studioSourcePage)
	s.app.Get("/studio/campaigns/:id/files/:kind/:file", s.signedInPage, s.studioDownload)
	s.app.Post("/studio/campaigns/:id/files/:kind/:file", s.signedInPage, s.studioUpload)
	s.app.Get("/studio/campaigns/:id/publish", s.signedInPage, s.studioPublishPage)
	s.app.Post("/studio/campaigns/:id/publish", s.signedInPage, s.studioPublish)
	s.studioWorkflowRoutes()
	s.studioVersionRoutes()
	s.studioCampaignPartRoutes()
	s.studioPayRoutes()
	s.studioSourceEditRoutes()
	s.app.Post("/studio/campaigns/:id/phases", s.signedInPage, s.studioSavePhases)
}

// studioRow is one campaign in the studio list.
type studioRow struct {
	ID, Title, Scope string
	Published        bool
	Unpublished      bool
	SavedAt          time.Time
	URL              string
}

type studioOption struct{ Value, Label string }

type studioListData struct {
	Rows      []studioRow
	Published []studioOption
	NewTitle  string
}

// studioPage lists the campaigns the author may edit: GET /studio.
func (s *Server) studioPage(c fiber.Ctx) error {
	return s.renderStudioList(c, fiber.StatusOK, "", "")
}

func (s *Server) renderStudioList(c fiber.Ctx, status int, errMsg, newTitle string) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	ctx := c.Context()
	list, err := s.engine.StudioCampaigns(ctx, a)
	if err != nil {
		return err
	}
	published, err := s.engine.PublishedCampaigns(ctx, a)
	if err != nil {
		return err
	}
	p := s.newPage(c, "studio.title", "studio", "/studio")
	p.Error = errMsg
	lang := textLangOf(p.Lang)
	names := s.engine.Names(ctx)
	data := &studioListData{NewTitle: newTitle}
	for _, sc := range list {
		title := sc.ID
		if t := sc.Title; t != nil {
			title = titleIn(t, lang, sc.ID)
		}
		scope := ""
		if sc.OrgScope != "" {
			scope = names.Unit(sc.OrgScope)
		}
		data.Rows = append(data.Rows, studioRow{ID: sc.ID, Title: title, Scope: scope, Published: sc.Published,
			Unpublished: sc.Unpublished(), SavedAt: sc.CreatedAt, URL: studioURL(sc.ID, "")})
	}
	for _, pc := range published {
		data.Published = append(data.Published, studioOption{Value: pc.ID, Label: titleIn(pc.Title, lang, pc.ID) + "（" + names.Unit(pc.OrgScope) + "）"})
	}
	slices.SortFunc(data.Published, func(x, y studioOption) int { return strings.Compare(x.Label, y.Label) })
	p.Data = data
	return s.render(c, status, "studio", p)
}

func titleIn(t map[string]string, lang, fallback string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t["zh"]; s != "" {
		return s
	}
	if s := t["en"]; s != "" {
		return s
	}
	return fallback
}

// studioURL is the campaign page's address; tab "" is 基本信息.
func studioURL(id, tab string) string {
	u := "/studio/campaigns/" + url.PathEscape(id)
	if tab != "" {
		u += "/" + tab
	}
	return u
}

// studioNewCampaign creates a blank campaign: POST /studio/campaigns
// (title).
func (s *Server) studioNewCampaign(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	title := strings.TrimSpace(bodyField(c, "title"))
	id, err := s.engine.NewBlankCampaign(c.Context(), a, title)
	if engine.ErrorCode(err) == engine.EINVALID {
		return s.renderStudioList(c, fiber.StatusUnprocessableEntity, ui.Message(s.pageLang(c, a.User), "field.title_zh.required"), title)
	}
	if err != nil {
		return err
	}
	return redirect(c, studioURL(id, "")+"?created=1")
}

// studioCopyCampaign copies a published campaign into new drafts: POST
// /studio/copies (source).
func (s *Server) studioCopyCampaign(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	id, err := s.engine.CopyCampaign(c.Context(), a, bodyField(c, "source"))
	if err != nil {
		return err
	}
	return redirect(c, studioURL(id, "")+"?copied=1")
}

// studioField is what the template "studio-field" gets: the page and one
// input of 基本信息.
type studioField struct {
	P                 *pageData
	Name, Type, Value string
	Tip               bool
}

func newStudioField(p *pageData, name, typ, value string) studioField {
	return studioField{P: p, Name: name, Type: typ, Value: value, Tip: ui.HasMessage("studio.basics." + name + ".tip")}
}

// studioTab is one entry of the campaign page's tab bar.
type studioTab struct {
	Label, URL string
	Current    bool
}

// studioFileView is one file of the campaign as the pages show it.
type studioFileView struct {
	Kind, KindLabel, ID, Title, Filename string
	Version                              int
	Draft                                bool
	Checksum                             string
	Anchor                               string
	DownloadURL, UploadURL, DesignURL    string
	Lines                                []string
	LinesLabel                           string
}

// studioCampaignData is the campaign page's own data; Tab says which tab
// it shows.
type studioCampaignData struct {
	ID, Title string
	Tab       string
	Tabs      []studioTab
	Files     []studioFileView
	Forms     []studioFileView

	// 基本信息
	Basics      engine.CampaignBasics
	Base        string
	Units       []studioOption
	FieldErrors map[string]string
	Phases      *studioPhasesData // studio_phases.go

	// 源文件: what the linter found in an upload
	Diagnostics []studioDiagnostic

	// 检查并发布
	Steps    []string
	Problems []studioProblem
	Warnings []studioProblem // the campaign publishes, but someone should look
	Checked  bool
}

// studioDiagnostic is one lint finding of an upload, in the page's
// language, linking to its line.
type studioDiagnostic struct {
	Error                     bool
	Location, Message, Detail string
	Snippet, URL              string
	Line, Col                 int
}

// problemText is a lint or check finding's text in the page's language,
// from the rules code table, with the linter's own English text as the
// detail when it says more. A code outside the table (an engine error
// about a file) reads as a general Chinese sentence with that detail.
func problemText(p *pageData, d rules.Diagnostic) (text, detail string) {
	if !rules.IsLintCode(d.Code) {
		if p.Lang != ui.DefaultLang {
			return d.Message, ""
		}
		return p.T("studio.problem.other"), d.Message
	}
	text = d.Text(p.Lang)
	if d.Message != text {
		detail = d.Message
	}
	return text, detail
}

// studioProblem is one problem of a campaign check, in the page's
// language, with a link to where it is fixed.
type studioProblem struct {
	File    string // kind label and title
	Where   string
	Message string
	Detail  string // the engine's own text, for a zh page
	URL     string
}

// studioCampaign loads what every tab needs and starts the page.
func (s *Server) studioCampaign(c fiber.Ctx, tab string) (*pageData, *studioCampaignData, error) {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return nil, nil, err
	}
	id := c.Params("id")
	p := s.newPage(c, "studio.title", "studio", studioURL(id, tab))
	camp, files, err := s.engine.StudioCampaignFiles(c.Context(), a, id, p.Lang)
	if err != nil {
		return nil, nil, err
	}
	d := &studioCampaignData{ID: id, Title: id, Tab: tab, FieldErrors: map[string]string{}}
	if camp != nil {
		d.Title = titleIn(map[string]string{"zh": camp.Title("zh"), "en": camp.Title("en")}, textLangOf(p.Lang), id)
		d.Basics = engine.CampaignBasicsOf(camp)
	}
	for _, f := range files {
		v := studioFileView{Kind: f.Kind, KindLabel: p.T("studio.kind." + f.Kind), ID: f.ID, Title: f.Title, Filename: f.Filename,
			Version: f.Version, Draft: f.Status == engine.StatusDraft, Checksum: f.Checksum, Anchor: "file-" + f.Kind + "-" + f.ID,
			DownloadURL: studioURL(id, "files/"+f.Kind+"/"+url.PathEscape(f.ID)),
			UploadURL:   studioURL(id, "files/"+f.Kind+"/"+url.PathEscape(f.ID))}
		if f.Kind == engine.KindForm {
			v.DesignURL = studioURL(id, "forms/"+url.PathEscape(f.ID))
			d.Forms = append(d.Forms, v)
		}
		if f.Kind == engine.KindCampaign {
			d.Base = f.Checksum
		}
		d.Files = append(d.Files, v)
	}
	for _, t := range studioTabs {
		if t.key == "forms" && len(d.Forms) == 0 {
			continue
		}
		u := studioURL(id, t.tab)
		if t.tab == "forms" {
			u = studioURL(id, "") + "?tab=forms" // /forms/:form is the form designer's
		}
		d.Tabs = append(d.Tabs, studioTab{Label: p.T("studio.tab." + t.key), URL: u, Current: t.tab == tab})
	}
	p.Data = d
	return p, d, nil
}

// studioTabs are the campaign page's tabs in the order the author works
// through them; tab is the path under /studio/campaigns/:id ("" is
// 基本信息, "forms" is shown by the same page as ?tab=forms).
var studioTabs = []struct{ key, tab string }{
	{"basics", ""},
	{"forms", "forms"},
	{"workflow", "workflow"},
	{"pay", "pay"},
	{"qc", "qc"},
	{"budget", "budget"},
	{"indicators", "indicators"},
	{"source", "source"},
	{"versions", "versions"},
	{"publish", "publish"},
}

// studioCampaignPage shows 基本信息 (and, with ?tab=forms, 表单): GET
// /studio/campaigns/:id.
func (s *Server) studioCampaignPage(c fiber.Ctx) error {
	tab := ""
	if c.Query("tab") == "forms" {
		tab = "forms"
	}
	p, d, err := s.studioCampaign(c, tab)
	if err != nil {
		return err
	}
	switch {
	case c.Query("created") != "":
		p.Flash = p.T("studio.created", d.Title)
	case c.Query("copied") != "":
		p.Flash = p.T("studio.copied", d.Title)
	case c.Query("saved") != "":
		p.Flash = p.T("studio.basics.saved")
	case c.Query("phases") != "":
		p.Flash = p.T("studio.phases.saved")
	}
	if tab == "" {
		if err := s.studioPhasesFor(c, p, d); err != nil {
			return err
		}
		if err := s.studioUnits(c, p, d); err != nil {
			return err
		}
	}
	return s.render(c, fiber.StatusOK, "studio_campaign", p)
}

// studioUnits fills the org-scope choices: the units of the author's
// subtree, indented by level.
func (s *Server) studioUnits(c fiber.Ctx, p *pageData, d *studioCampaignData) error {
	a := actorOf(c)
	units, err := s.engine.OrgUnits(c.Context(), a, "")
	if err != nil {
		return err
	}
	top := strings.Count(a.User.OrgPath, "/")
	for _, u := range units {
		indent := strings.Repeat("\u3000", max(0, strings.Count(u.Path, "/")-top))
		d.Units = append(d.Units, studioOption{Value: u.Code, Label: indent + u.Name + "（" + p.T("level."+u.Level) + "）"})
	}
	if d.Basics.OrgScope != "" && !slices.ContainsFunc(d.Units, func(o studioOption) bool { return o.Value == d.Basics.OrgScope }) {
		// A scope outside the author's subtree is shown, so the form
		// does not silently pick another; saving it is refused.
		d.Units = append([]studioOption{{Value: d.Basics.OrgScope, Label: s.engine.Names(c.Context()).Unit(d.Basics.OrgScope)}}, d.Units...)
	}
	return nil
}

// studioSaveBasics saves 基本信息 as a draft: POST
// /studio/campaigns/:id/basics (base, title_zh, title_en, org_scope,
// opens, closes, reference_time).
func (s *Server) studioSaveBasics(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	id := c.Params("id")
	b := engine.CampaignBasics{
		TitleZH: bodyField(c, "title_zh"), TitleEN: bodyField(c, "title_en"), OrgScope: bodyField(c, "org_scope"),
		Opens: bodyField(c, "opens"), Closes: bodyField(c, "closes"), ReferenceTime: bodyField(c, "reference_time"),
	}
	_, err := s.engine.UpdateCampaignBasics(c.Context(), a, id, bodyField(c, "base"), b)
	code := engine.ErrorCode(err)
	if code == "" {
		return redirect(c, studioURL(id, "")+"?saved=1")
	}
	if code != engine.EINVALID && code != engine.ECONFLICT {
		if key := scopeRefusal(err); key != "" {
			return s.studioRefused(c, err, key)
		}
		return err
	}
	p, d, lerr := s.studioCampaign(c, "")
	if lerr != nil {
		return lerr
	}
	d.Basics = b
	if err := s.studioUnits(c, p, d); err != nil {
		return err
	}
	if code == engine.ECONFLICT {
		p.Error = p.T("studio.conflict", conflictWho(err))
	} else {
		p.Error = p.T("studio.basics.failed")
		d.Base = bodyField(c, "base") // keep the author's base: the draft did not change
		for _, fe := range engine.ErrorFields(err) {
			name := strings.TrimPrefix(fe.Pointer, "/")
			if _, seen := d.FieldErrors[name]; seen {
				continue
			}
			d.FieldErrors[name] = fe.Message
			if key := "field." + name + "." + fe.Code; ui.HasMessage(key) {
				d.FieldErrors[name] = p.T(key)
			}
		}
	}
	return s.render(c, statusByCode[code], "studio_campaign", p)
}

// conflictWho is the name an ECONFLICT from a stale save gives.
func conflictWho(err error) string {
	for _, f := range engine.ErrorFields(err) {
		if f.Pointer == "/version" {
			return f.Message
		}
	}
	return "?"
}

// studioRefused shows a refusal of the definition-scope rule as an error
// page with its own message.
func (s *Server) studioRefused(c fiber.Ctx, err error, key string) error {
	p := s.newPage(c, "error.title", "studio", "/studio")
	p.Error = p.T(key)
	return s.render(c, statusByCode[engine.ErrorCode(err)], "error", p)
}

// studioSourcePage shows each file of the campaign with line numbers:
// GET /studio/campaigns/:id/source.
func (s *Server) studioSourcePage(c fiber.Ctx) error {
	p, d, err := s.studioCampaign(c, "source")
	if err != nil {
		return err
	}
	if err := s.studioSource(c, p, d); err != nil {
		return err
	}
	if q := c.Query("saved"); q != "" {
		for _, f := range d.Files {
			if f.Kind+"/"+f.ID == q {
				p.Flash = p.T("studio.source.saved", f.KindLabel, f.Title, f.Version)
			}
		}
	}
	return s.render(c, fiber.StatusOK, "studio_campaign", p)
}

// studioSource fills the files' lines.
func (s *Server) studioSource(c fiber.Ctx, p *pageData, d *studioCampaignData) error {
	a := actorOf(c)
	for i := range d.Files {
		f := &d.Files[i]
		v, err := s.engine.DefinitionVersion(c.Context(), a, f.Kind, f.ID, f.Version)
		if err != nil {
			return err
		}
		f.Lines = strings.Split(strings.TrimSuffix(string(v.Source), "\n"), "\n")
		f.LinesLabel = p.T("studio.source.lines", f.Filename, len(f.Lines))
	}
	return nil
}

// studioFile finds the campaign's file kind/:file, or ENOTFOUND.
func studioFile(d *studioCampaignData, kind, id string) (*studioFileView, error) {
	for i := range d.Files {
		if d.Files[i].Kind == kind && d.Files[i].ID == id {
			return &d.Files[i], nil
		}
	}
	return nil, engine.Errorf(engine.ENOTFOUND, "%s %s is not a file of this campaign", kind, id)
}

// studioDownload sends one file of the campaign, its newest version: GET
// /studio/campaigns/:id/files/:kind/:file.
func (s *Server) studioDownload(c fiber.Ctx) error {
	_, d, err := s.studioCampaign(c, "source")
	if err != nil {
		return err
	}
	f, err := studioFile(d, c.Params("kind"), c.Params("file"))
	if err != nil {
		return err
	}
	v, err := s.engine.DefinitionVersion(c.Context(), actorOf(c), f.Kind, f.ID, f.Version)
	if err != nil {
		return err
	}
	if f.Kind == engine.KindForm && c.Query("format") == "xlsx" {
		return sendFormWorkbook(c, f.ID, v.Source)
	}
	ctype := "application/yaml; charset=utf-8"
	if f.Kind == engine.KindForm {
		ctype = fiber.MIMEApplicationJSONCharsetUTF8
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename=%q`, v.Filename))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(v.Source)
}

// studioUpload replaces one file of the campaign with an uploaded one, as
// a draft based on the version the page showed: POST
// /studio/campaigns/:id/files/:kind/:file (multipart: file, base).
func (s *Server) studioUpload(c fiber.Ctx) error {
	p, d, err := s.studioCampaign(c, "source")
	if err != nil {
		return err
	}
	f, err := studioFile(d, c.Params("kind"), c.Params("file"))
	if err != nil {
		return err
	}
	status := fiber.StatusUnprocessableEntity
	fh, ferr := c.FormFile("file")
	if ferr != nil || fh == nil {
		p.Error = p.T("field.file.required")
	} else if src, rerr := readUpload(fh); rerr != nil {
		return rerr
	} else if src, wbProblems, xerr := studioWorkbook(f.Kind, f.ID, f.Title, fh.Filename, src, p.Lang); xerr != nil {
		p.Error = p.T("studio.source.failed") + engine.ErrorMessage(xerr)
		if wbProblems != nil {
			p.Error = p.T("xlsform.refused")
			d.Diagnostics = studioWorkbookProblems(p, wbProblems, f.Anchor)
		}
	} else {
		res, st, err := s.studioSaveSource(c, p, f, src, bodyField(c, "base"))
		if st == 0 {
			return err
		}
		status = st
		if res != nil {
			d.Diagnostics = append(studioWorkbookProblems(p, wbProblems, f.Anchor), studioDiagnostics(p, res.Diagnostics, "#"+f.Anchor+"-L%d")...)
			if len(d.Diagnostics) == 0 {
				return redirect(c, studioURL(d.ID, "source")+"?saved="+url.QueryEscape(f.Kind+"/"+f.ID))
			}
			// Show what the linter found, on the files as they are now.
			if p, d, err = s.studioCampaignKeeping(c, d); err != nil {
				return err
			}
			if nf, err := studioFile(d, f.Kind, f.ID); err == nil {
				f = nf // its title as uploaded
			}
			p.Flash = p.T("studio.source.saved", f.KindLabel, f.Title, res.Definition.Version)
		}
	}
	if err := s.studioSource(c, p, d); err != nil {
		return err
	}
	return s.render(c, status, "studio_campaign", p)
}

// studioCampaignKeeping reloads the source tab after a save, keeping the
// lint findings.
func (s *Server) studioCampaignKeeping(c fiber.Ctx, old *studioCampaignData) (*pageData, *studioCampaignData, error) {
	p, d, err := s.studioCampaign(c, "source")
	if err != nil {
		return nil, nil, err
	}
	d.Diagnostics = old.Diagnostics
	return p, d, nil
}

// studioPublishPage checks the whole campaign and lists what stands in
// the way: GET /studio/campaigns/:id/publish.
func (s *Server) studioPublishPage(c fiber.Ctx) error {
	p, d, err := s.studioCampaign(c, "publish")
	if err != nil {
		return err
	}
	check, err := s.engine.CheckCampaign(c.Context(), actorOf(c), d.ID)
	if err != nil {
		return err
	}
	s.studioCheck(p, d, check)
	// The flash only when the check agrees: a crafted link cannot make
	// the page claim a publish that did not happen.
	if n, err := strconv.Atoi(c.Query("published")); err == nil && n > 0 && n < 100 && check.OK() && len(check.Steps) == 0 {
		p.Flash = p.T("studio.publish.done", n)
	}
	return s.render(c, fiber.StatusOK, "studio_campaign", p)
}

// studioCheck puts a check's outcome on the page, each problem in the
// page's language with a link to the tab where it is fixed.
func (s *Server) studioCheck(p *pageData, d *studioCampaignData, check *engine.CampaignCheck) {
	d.Checked = true
	title := func(kind, id string) string {
		for _, f := range d.Files {
			if f.Kind == kind && f.ID == id {
				return f.Title
			}
		}
		return id
	}
	for _, st := range check.Steps {
		d.Steps = append(d.Steps, p.T("studio.kind."+st.Kind)+"“"+title(st.Kind, st.ID)+"” "+p.T("studio.version", st.Version))
	}
	for _, pr := range check.Problems {
		d.Problems = append(d.Problems, studioProblemView(p, d, check, pr, title))
	}
	for _, pr := range check.Warnings {
		d.Warnings = append(d.Warnings, studioProblemView(p, d, check, pr, title))
	}
}

// studioProblemView is one problem (or warning) of a check in the page's
// language, with a link to the tab where it is fixed.
func studioProblemView(p *pageData, d *studioCampaignData, check *engine.CampaignCheck, pr engine.CampaignProblem, title func(kind, id string) string) studioProblem {
	basics := []string{"/title", "/org_scope", "/opens", "/closes", "/reference_time"}
	sp := studioProblem{File: p.T("studio.kind."+pr.Kind) + "“" + title(pr.Kind, pr.ID) + "”"}
	if pr.Line > 0 {
		sp.Where = p.T("studio.problem.where.line", pr.Line)
	} else if pr.Pointer != "" {
		top := "/" + strings.SplitN(strings.TrimPrefix(pr.Pointer, "/"), "/", 2)[0]
		if key := "studio.where." + top; ui.HasMessage(key) {
			sp.Where = p.T(key)
		} else {
			sp.Where = pr.Pointer
		}
	}
	sp.Message, sp.Detail = problemText(p, problemDiagnostic(check, pr, title))
	switch {
	case pr.Kind == engine.KindForm && slices.ContainsFunc(d.Forms, func(f studioFileView) bool { return f.ID == pr.ID }):
		sp.URL = studioURL(d.ID, "forms/"+url.PathEscape(pr.ID))
	case pr.Kind == engine.KindCampaign && slices.ContainsFunc(basics, func(b string) bool { return strings.HasPrefix(pr.Pointer, b) }):
		sp.URL = studioURL(d.ID, "")
	case pr.Kind == engine.KindWorkflow || pr.Kind == engine.KindCampaign && strings.HasPrefix(pr.Pointer, "/workflow"):
		sp.URL = studioURL(d.ID, "workflow") + workflowAnchor(pr.Pointer)
	case pr.Kind == engine.KindPayTable && pr.Line == 0:
		sp.URL = studioURL(d.ID, "pay")
	default:
		sp.URL = studioURL(d.ID, "source") + "#file-" + pr.Kind + "-" + pr.ID
		if pr.Line > 0 {
			sp.URL += fmt.Sprintf("-L%d", pr.Line)
		}
	}
	return sp
}

// studioPublish publishes the campaign's drafts, all or nothing: POST
// /studio/campaigns/:id/publish.
func (s *Server) studioPublish(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireRole(a, authorRoles...); err != nil {
		return err
	}
	id := c.Params("id")
	check, err := s.engine.PublishCampaign(c.Context(), a, id)
	code := engine.ErrorCode(err)
	if code == "" {
		return redirect(c, studioURL(id, "publish")+fmt.Sprintf("?published=%d", len(check.Steps)))
	}
	if key := scopeRefusal(err); key != "" {
		return s.studioRefused(c, err, key)
	}
	if code != engine.EINVALID && code != engine.ECONFLICT {
		return err
	}
	p, d, lerr := s.studioCampaign(c, "publish")
	if lerr != nil {
		return lerr
	}
	p.Error = s.studioPublishRefused(c, p, d, check, code)
	return s.render(c, statusByCode[code], "studio_campaign", p)
}
