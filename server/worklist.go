package server

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/worklist"
	"canvass/ui"
)

// worklistRoutes installs the duplicate and reconciliation worklists and
// the reconciliation runs: the JSON API under /api/v1 and the pages. The
// engine checks roles and org scope on each; an item or run outside the
// caller's subtree is 404.
func (s *Server) worklistRoutes(api fiber.Router) {
	api.Get("/campaigns/:id/worklist", s.signedInAPI, s.apiWorklist)
	api.Post("/campaigns/:id/duplicates/scan", s.signedInAPI, s.apiScanDuplicates)
	api.Get("/worklist/:item", s.signedInAPI, s.apiWorklistItem)
	api.Post("/worklist/:item/merge", s.signedInAPI, s.apiWorklistDecide)
	api.Post("/worklist/:item/dismiss", s.signedInAPI, s.apiWorklistDecide)
	api.Post("/worklist/:item/resolve", s.signedInAPI, s.apiWorklistDecide)
	api.Post("/campaigns/:id/reconcile", s.signedInAPI, s.apiReconcile)
	api.Get("/campaigns/:id/reconcile/runs", s.signedInAPI, s.apiReconcileRuns)
	api.Get("/reconcile/runs/:run", s.signedInAPI, s.apiReconcileRun)

	s.app.Get("/worklist", s.signedInPage, s.worklistPage)
	s.app.Get("/worklist/:item", s.signedInPage, s.worklistItemPage)
	s.app.Post("/worklist/:item/:decision", s.signedInPage, s.worklistDecideSubmit)
	s.app.Get("/reconcile", s.signedInPage, s.reconcilePage)
	s.app.Post("/reconcile", s.signedInPage, s.reconcileSubmit)
	s.app.Get("/reconcile/runs/:run", s.signedInPage, s.reconcileRunPage)
}

type workValueJSON struct {
	Field   string   `json:"field"`
	Label   string   `json:"label"`
	Ours    string   `json:"ours,omitempty"`
	Theirs  string   `json:"theirs,omitempty"`
	Values  []string `json:"values,omitempty"`
	Differs bool     `json:"differs"`
}

type workResolutionJSON struct {
	By        string            `json:"by"`
	At        time.Time         `json:"at"`
	Side      string            `json:"side,omitempty"`
	Survivor  string            `json:"survivor,omitempty"`
	Corrected map[string]string `json:"corrected,omitempty"`
	Note      string            `json:"note,omitempty"`
}

type worklistItemJSON struct {
	ID          string              `json:"id"`
	Kind        string              `json:"kind"`
	Campaign    string              `json:"campaign"`
	Run         string              `json:"run,omitempty"`
	OrgUnit     string              `json:"orgUnit"`
	OrgPath     string              `json:"orgPath"`
	Status      string              `json:"status"`
	Records     []string            `json:"records"`
	ExternalRow int                 `json:"externalRow,omitempty"`
	MatchedBy   string              `json:"matchedBy,omitempty"`
	Values      []workValueJSON     `json:"values"`
	Resolution  *workResolutionJSON `json:"resolution,omitempty"`
	Version     int64               `json:"version"`
	CreatedAt   time.Time           `json:"createdAt"`
	UpdatedAt   time.Time           `json:"updatedAt"`
}

func toWorklistItemJSON(it *worklist.WorklistItem) worklistItemJSON {
	out := worklistItemJSON{ID: it.ID, Kind: it.Kind, Campaign: it.CampaignID, Run: it.RunID, OrgUnit: it.OrgUnit, OrgPath: it.OrgPath,
		Status: it.Status, Records: it.RecordIDs, ExternalRow: it.ExternalRow, MatchedBy: it.MatchedBy, Values: []workValueJSON{},
		Version: it.Version, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	if out.Records == nil {
		out.Records = []string{}
	}
	for _, v := range it.Values {
		out.Values = append(out.Values, workValueJSON(v))
	}
	if r := it.Resolution; r != nil {
		out.Resolution = &workResolutionJSON{By: r.By, At: r.At, Side: r.Side, Survivor: r.Survivor, Corrected: r.Corrected, Note: r.Note}
	}
	return out
}

type worklistCountJSON struct {
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Side   string `json:"side,omitempty"`
	Count  int64  `json:"count"`
}

type worklistJSON struct {
	Items  []worklistItemJSON  `json:"items"`
	Next   string              `json:"next,omitempty"`
	Counts []worklistCountJSON `json:"counts"`
}

// worklistQuery is a worklist filter as typed in a query string.
type worklistQuery struct {
	Kind, Status, Org, Run, After, Limit string
}

func worklistQueryOf(c fiber.Ctx) worklistQuery {
	return worklistQuery{Kind: c.Query("kind"), Status: c.Query("status"), Org: c.Query("org"),
		Run: c.Query("run"), After: c.Query("after"), Limit: c.Query("limit")}
}

// worklistFilter checks a query and turns it into a filter and a page.
// Returns EINVALID naming each bad parameter, ENOTFOUND for an org unit
// outside the actor's subtree.
func (s *Server) worklistFilter(c fiber.Ctx, a *engine.Actor, campaign string, q worklistQuery) (worklist.WorklistFilter, engine.Page, error) {
	f := worklist.WorklistFilter{CampaignID: campaign}
	p := engine.Page{After: q.After}
	var bad []engine.FieldError
	if q.Kind != "" {
		if !slices.Contains(worklist.WorkKinds, q.Kind) {
			bad = append(bad, engine.FieldError{Pointer: "/kind", Code: "enum", Message: strings.Join(worklist.WorkKinds, ", ")})
		}
		f.Kinds = []string{q.Kind}
	}
	if q.Status != "" {
		if !slices.Contains(worklist.WorkStatuses, q.Status) {
			bad = append(bad, engine.FieldError{Pointer: "/status", Code: "enum", Message: strings.Join(worklist.WorkStatuses, ", ")})
		}
		f.Statuses = []string{q.Status}
	}
	if q.Run != "" {
		if !engine.ValidID(q.Run) {
			bad = append(bad, engine.FieldError{Pointer: "/run", Code: "pattern", Message: "a run ID"})
		}
		f.RunID = q.Run
	}
	if q.After != "" && !engine.ValidID(q.After) {
		bad = append(bad, engine.FieldError{Pointer: "/after", Code: "pattern", Message: "a cursor from next"})
	}
	if q.Limit != "" {
		n, err := strconv.Atoi(q.Limit)
		if err != nil || n < 1 || n > engine.MaxPageLimit {
			bad = append(bad, engine.FieldError{Pointer: "/limit", Code: "range", Message: "a whole number from 1 to " + strconv.Itoa(engine.MaxPageLimit)})
		}
		p.Limit = n
	}
	if len(bad) > 0 {
		return f, p, &engine.Error{Code: engine.EINVALID, Message: "some filters are not valid", Fields: bad}
	}
	if q.Org != "" {
		unit, err := s.engine.OrgUnit(c.Context(), a, q.Org)
		if err != nil {
			return f, p, err
		}
		f.OrgPaths = []string{unit.Path}
	}
	return f, p, nil
}

// apiWorklist answers GET /api/v1/campaigns/:id/worklist: one page of the
// items in the caller's subtree, and the counts of all that match.
func (s *Server) apiWorklist(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	f, p, err := s.worklistFilter(c, a, id, worklistQueryOf(c))
	if err != nil {
		return localizeFields(err, requestLang(c, a.User))
	}
	page, err := s.worklist.Items(c.Context(), a, f, p)
	if err != nil {
		return err
	}
	counts, err := s.worklist.Counts(c.Context(), a, f)
	if err != nil {
		return err
	}
	out := worklistJSON{Items: []worklistItemJSON{}, Next: page.Next, Counts: []worklistCountJSON{}}
	for _, it := range page.Items {
		out.Items = append(out.Items, toWorklistItemJSON(it))
	}
	for _, n := range counts {
		out.Counts = append(out.Counts, worklistCountJSON(n))
	}
	return c.JSON(out)
}

// itemParam returns the :item parameter, or ENOTFOUND when it cannot be
// an item ID.
func itemParam(c fiber.Ctx) (string, error) {
	id := c.Params("item")
	if !engine.ValidID(id) {
		return "", engine.Errorf(engine.ENOTFOUND, "worklist item not found")
	}
	return id, nil
}

// apiWorklistItem answers GET /api/v1/worklist/:item.
func (s *Server) apiWorklistItem(c fiber.Ctx) error {
	id, err := itemParam(c)
	if err != nil {
		return err
	}
	it, err := s.worklist.Item(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toWorklistItemJSON(it))
}

// decisionJSON is the body of a merge, dismissal or resolution.
type decisionJSON struct {
	Version   int64             `json:"version"`
	Survivor  string            `json:"survivor"`
	Side      string            `json:"side"`
	Corrected map[string]string `json:"corrected"`
	Note      string            `json:"note"`
}

// decide applies a decision named by the last path segment.
func (s *Server) decide(c fiber.Ctx, id, decision string, d worklist.Decision) (*worklist.WorklistItem, error) {
	a := actorOf(c)
	switch decision {
	case "merge":
		return s.worklist.MergeDuplicates(c.Context(), a, id, d)
	case "dismiss":
		return s.worklist.DismissItem(c.Context(), a, id, d)
	case "resolve":
		return s.worklist.ResolveItem(c.Context(), a, id, d)
	}
	return nil, engine.Errorf(engine.ENOTFOUND, "no such decision")
}

// apiWorklistDecide answers POST /api/v1/worklist/:item/{merge,dismiss,resolve}.
func (s *Server) apiWorklistDecide(c fiber.Ctx) error {
	id, err := itemParam(c)
	if err != nil {
		return err
	}
	var body decisionJSON
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	a := actorOf(c)
	lang := requestLang(c, a.User)
	path := c.Path()
	decision := path[strings.LastIndexByte(path, '/')+1:]
	it, err := s.decide(c, id, decision, worklist.Decision{Version: body.Version, Survivor: body.Survivor, Side: body.Side,
		Corrected: body.Corrected, Note: body.Note, Lang: lang})
	if err != nil {
		return localizeFields(err, lang)
	}
	return c.JSON(toWorklistItemJSON(it))
}

type scanJSON struct {
	Groups int `json:"groups"`
}

// apiScanDuplicates answers POST /api/v1/campaigns/:id/duplicates/scan.
func (s *Server) apiScanDuplicates(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	n, err := s.worklist.RescanDuplicates(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(scanJSON{Groups: n})
}

// localizeFields rewrites the messages of err's field errors in lang
// where the catalog knows their code ("worklist.code.<code>"), so a client
// can show them as they are.
func localizeFields(err error, lang string) error {
	var e *engine.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i, f := range out.Fields {
		if key := "worklist.code." + f.Code; ui.HasMessage(key) {
			out.Fields[i].Message = ui.Message(lang, key)
		}
	}
	return &out
}
