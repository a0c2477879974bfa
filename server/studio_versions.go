package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/studio"
)

// The studio's 版本历史 tab (issue #16, item 9): GET
// /studio/campaigns/:id/versions lists every stored version of the
// campaign and of each file it binds — who saved and published it, when —
// and, with ?kind=&file=&from=&to=, says in plain words what changed
// between two versions of one file (engine/studio's Diff). GET
// /studio/campaigns/:id/versions/:kind/:file/:version shows one version's
// source, read-only, line-numbered like the 源文件 tab.

func (s *Server) studioVersionRoutes() {
	s.app.Get("/studio/campaigns/:id/versions", s.signedInPage, s.studioVersionsPage)
	s.app.Get("/studio/campaigns/:id/versions/:kind/:file/:version", s.signedInPage, s.studioVersionSourcePage)
}

// studioVersionsData is the versions tab's data: the campaign page's
// shell and the history.
type studioVersionsData struct {
	*studioCampaignData
	Histories []versionHistory
	Diff      *versionDiff
	Source    *versionSource
}

// versionHistory is one file's history as the page shows it.
type versionHistory struct {
	Kind, KindLabel, ID, Title string
	Anchor                     string
	Rows                       []versionRow
	From, To                   int // preselected in the compare form
	Comparable                 bool
}

// versionRow is one stored version.
type versionRow struct {
	Version                  int
	Draft                    bool
	SavedBy, SavedAt         string
	PublishedBy, PublishedAt string
	SourceURL                string
}

// versionDiff is the comparison of two versions of one file.
type versionDiff struct {
	File                   string // kind label and title
	From, To               int
	FromURL, ToURL         string
	Changes                []versionChange
	Kind, ID, HistoryQuery string
}

type versionChange struct {
	Kind, Path, Text string
}

// versionSource is one version's source.
type versionSource struct {
	File       string
	Version    int
	Draft      bool
	Filename   string
	Anchor     string
	Lines      []string
	LinesLabel string
	BackURL    string
	Saved      string
}

// versionTime shows a time as people in China read it, in the page's
// language: 2026年12月7日 15:04.
func versionTime(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(chinaTime)
	if strings.HasPrefix(lang, "en") {
		return t.Format("2 Jan 2006 15:04")
	}
	return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), t.Month(), t.Day(), t.Format("15:04"))
}

// studioVersionsStart loads the shell and the history.
func (s *Server) studioVersionsStart(c fiber.Ctx) (*pageData, *studioVersionsData, error) {
	p, d, err := s.studioCampaign(c, "versions")
	if err != nil {
		return nil, nil, err
	}
	a := actorOf(c)
	ctx := c.Context()
	hist, err := s.engine.StudioVersions(ctx, a, d.ID, p.Lang)
	if err != nil {
		return nil, nil, err
	}
	names := s.engine.Names(ctx)
	vd := &studioVersionsData{studioCampaignData: d}
	for _, h := range hist {
		vh := versionHistory{Kind: h.Kind, KindLabel: p.T("studio.kind." + h.Kind), ID: h.ID, Title: h.Title,
			Anchor: "history-" + h.Kind + "-" + h.ID}
		for _, v := range h.Versions {
			row := versionRow{Version: v.Version, Draft: v.Status == engine.StatusDraft,
				SavedBy: names.User(v.CreatedBy), SavedAt: versionTime(v.CreatedAt, p.Lang),
				SourceURL: versionSourceURL(d.ID, h.Kind, h.ID, v.Version)}
			if !row.Draft {
				row.PublishedBy, row.PublishedAt = names.User(v.PublishedBy), versionTime(v.PublishedAt, p.Lang)
			}
			vh.Rows = append(vh.Rows, row)
		}
		if len(vh.Rows) >= 2 {
			vh.Comparable = true
			vh.To, vh.From = vh.Rows[0].Version, vh.Rows[1].Version
		}
		vd.Histories = append(vd.Histories, vh)
	}
	p.Data = vd
	return p, vd, nil
}

func versionSourceURL(campaignID, kind, id string, version int) string {
	return studioURL(campaignID, fmt.Sprintf("versions/%s/%s/%d", url.PathEscape(kind), url.PathEscape(id), version))
}

// studioVersionsPage shows the history and, when asked, one comparison:
// GET /studio/campaigns/:id/versions[?kind=&file=&from=&to=].
func (s *Server) studioVersionsPage(c fiber.Ctx) error {
	p, vd, err := s.studioVersionsStart(c)
	if err != nil {
		return err
	}
	kind, id := c.Query("kind"), c.Query("file")
	if kind == "" && id == "" && c.Query("from") == "" && c.Query("to") == "" {
		return s.render(c, fiber.StatusOK, "studio_versions", p)
	}
	h := vd.history(kind, id)
	if h == nil {
		p.Error = p.T("studio.versions.error.no_file")
		return s.render(c, fiber.StatusNotFound, "studio_versions", p)
	}
	from, errFrom := strconv.Atoi(c.Query("from"))
	to, errTo := strconv.Atoi(c.Query("to"))
	switch {
	case errFrom != nil || errTo != nil || from < 1 || to < 1:
		p.Error = p.T("studio.versions.error.bad_version")
		return s.render(c, fiber.StatusUnprocessableEntity, "studio_versions", p)
	case from == to:
		p.Error = p.T("studio.versions.error.same")
		return s.render(c, fiber.StatusUnprocessableEntity, "studio_versions", p)
	}
	h.From, h.To = from, to
	if from > to {
		from, to = to, from // the older first, whichever way they were picked
	}
	vs, err := s.engine.StudioFileVersions(c.Context(), actorOf(c), vd.ID, kind, id, from, to)
	if err == nil {
		vd.Diff = s.versionDiff(c, p, vd, h, vs[0], vs[1])
		return s.render(c, fiber.StatusOK, "studio_versions", p)
	}
	if engine.ErrorCode(err) != engine.ENOTFOUND {
		return err
	}
	missing := to
	if !h.has(from) {
		missing = from
	}
	p.Error = p.T("studio.versions.error.no_version", h.KindLabel, h.Title, missing)
	return s.render(c, fiber.StatusNotFound, "studio_versions", p)
}

func (d *studioVersionsData) history(kind, id string) *versionHistory {
	for i := range d.Histories {
		if d.Histories[i].Kind == kind && d.Histories[i].ID == id {
			return &d.Histories[i]
		}
	}
	return nil
}

func (h *versionHistory) has(version int) bool {
	for _, r := range h.Rows {
		if r.Version == version {
			return true
		}
	}
	return false
}

// versionDiff compares two versions, naming org units and the campaign's
// files as the page does.
func (s *Server) versionDiff(c fiber.Ctx, p *pageData, vd *studioVersionsData, h *versionHistory, older, newer *engine.DefinitionVersion) *versionDiff {
	names := s.engine.Names(c.Context())
	titles := map[string]string{}
	for _, f := range vd.Histories {
		titles[f.Kind+"/"+f.ID] = f.Title
	}
	changes := studio.Diff(h.Kind, older.Source, newer.Source, studio.DiffNames{
		Unit:  func(code string) string { return names.Unit(code) },
		Title: func(kind, id string) string { return titles[kind+"/"+id] },
	})
	out := &versionDiff{File: p.T("studio.versions.file.named", h.KindLabel, h.Title), From: older.Version, To: newer.Version,
		FromURL: versionSourceURL(vd.ID, h.Kind, h.ID, older.Version), ToURL: versionSourceURL(vd.ID, h.Kind, h.ID, newer.Version),
		Kind: h.Kind, ID: h.ID}
	for _, ch := range changes {
		out.Changes = append(out.Changes, versionChange{Kind: ch.Kind, Path: ch.Path, Text: ch.Text(p.Lang)})
	}
	return out
}

// studioVersionSourcePage shows one version's source, read-only: GET
// /studio/campaigns/:id/versions/:kind/:file/:version.
func (s *Server) studioVersionSourcePage(c fiber.Ctx) error {
	p, vd, err := s.studioVersionsStart(c)
	if err != nil {
		return err
	}
	kind, id := c.Params("kind"), c.Params("file")
	h := vd.history(kind, id)
	if h == nil {
		p.Error = p.T("studio.versions.error.no_file")
		return s.render(c, fiber.StatusNotFound, "studio_versions", p)
	}
	version, perr := strconv.Atoi(c.Params("version"))
	if perr != nil || version < 1 {
		p.Error = p.T("studio.versions.error.bad_version")
		return s.render(c, fiber.StatusUnprocessableEntity, "studio_versions", p)
	}
	v, err := s.engine.StudioFileVersion(c.Context(), actorOf(c), vd.ID, kind, id, version)
	if engine.ErrorCode(err) == engine.ENOTFOUND {
		p.Error = p.T("studio.versions.error.no_version", h.KindLabel, h.Title, version)
		return s.render(c, fiber.StatusNotFound, "studio_versions", p)
	}
	if err != nil {
		return err
	}
	src := &versionSource{File: p.T("studio.versions.file.named", h.KindLabel, h.Title), Version: v.Version, Draft: v.Status == engine.StatusDraft,
		Filename: v.Filename, Anchor: fmt.Sprintf("v%d", v.Version),
		Lines:   strings.Split(strings.TrimSuffix(string(v.Source), "\n"), "\n"),
		BackURL: studioURL(vd.ID, "versions") + "#" + h.Anchor,
		Saved:   p.T("studio.versions.saved_by", s.engine.Names(c.Context()).User(v.CreatedBy), versionTime(v.CreatedAt, p.Lang))}
	src.LinesLabel = p.T("studio.source.lines", v.Filename, len(src.Lines))
	vd.Source = src
	return s.render(c, fiber.StatusOK, "studio_versions", p)
}
