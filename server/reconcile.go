package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/worklist"
	"canvass/ui"
)

type reconcileRunJSON struct {
	ID       string                    `json:"id"`
	Campaign string                    `json:"campaign"`
	OrgPath  string                    `json:"orgPath"`
	FileName string                    `json:"fileName"`
	By       string                    `json:"by"`
	At       time.Time                 `json:"at"`
	Status   string                    `json:"status"`
	Error    string                    `json:"error,omitempty"`
	Mapping  worklist.ReconcileMapping `json:"mapping"`
	Counts   worklist.ReconcileCounts  `json:"counts"`
}

func toRunJSON(r *worklist.ReconcileRun) reconcileRunJSON {
	return reconcileRunJSON{ID: r.ID, Campaign: r.CampaignID, OrgPath: r.OrgPath, FileName: r.FileName, By: r.By, At: r.At,
		Status: r.Status, Error: r.Error, Mapping: r.Mapping, Counts: r.Counts}
}

type reconcileProblemJSON struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type reconcileResultJSON struct {
	Run      reconcileRunJSON       `json:"run"`
	Problems []reconcileProblemJSON `json:"problems"`
}

func toProblemsJSON(ps []worklist.ReconcileProblem, lang string) []reconcileProblemJSON {
	out := make([]reconcileProblemJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, reconcileProblemJSON{Row: p.Row, Column: p.Column, Code: p.Code, Message: ui.Message(lang, "worklist.code."+p.Code)})
	}
	return out
}

// parseMapping decodes the mapping field of an upload strictly.
func parseMapping(text string) (worklist.ReconcileMapping, error) {
	var m worklist.ReconcileMapping
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || strings.TrimSpace(text) == "" {
		return m, &engine.Error{Code: engine.EINVALID, Message: "the column mapping is not valid JSON for a mapping", Err: err,
			Fields: []engine.FieldError{{Pointer: "/mapping", Code: "format", Message: "a JSON object"}}}
	}
	return m, nil
}

// runReconcile reads the uploaded file and runs the comparison.
func (s *Server) runReconcile(c fiber.Ctx, campaign string, m worklist.ReconcileMapping) (*worklist.ReconcileResult, error) {
	fh, err := uploadedFile(c, "file")
	if err != nil {
		return nil, err
	}
	f, err := fh.Open()
	if err != nil {
		return nil, engine.WrapError(engine.EINTERNAL, "", err)
	}
	defer f.Close()
	return s.worklist.Reconcile(c.Context(), actorOf(c), worklist.ReconcileInput{CampaignID: campaign, FileName: fh.Filename, File: f, Mapping: m, Lang: requestLang(c, actorOf(c).User)})
}

// apiReconcile answers POST /api/v1/campaigns/:id/reconcile, a multipart
// upload: their sheet in "file" and the column mapping as JSON in
// "mapping". 201 with the run's figures and the refused rows.
func (s *Server) apiReconcile(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	lang := requestLang(c, a.User)
	m, err := parseMapping(bodyField(c, "mapping"))
	if err != nil {
		return localizeFields(err, lang)
	}
	res, err := s.runReconcile(c, id, m)
	if err != nil {
		return localizeFields(err, lang)
	}
	return c.Status(fiber.StatusCreated).JSON(reconcileResultJSON{Run: toRunJSON(res.Run), Problems: toProblemsJSON(res.Problems, lang)})
}

type reconcileRunsJSON struct {
	Runs []reconcileRunJSON `json:"runs"`
}

// apiReconcileRuns answers GET /api/v1/campaigns/:id/reconcile/runs.
func (s *Server) apiReconcileRuns(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	runs, err := s.worklist.ReconcileRuns(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	out := reconcileRunsJSON{Runs: []reconcileRunJSON{}}
	for _, r := range runs {
		out.Runs = append(out.Runs, toRunJSON(r))
	}
	return c.JSON(out)
}

type reconcileSummaryJSON struct {
	Run            reconcileRunJSON    `json:"run"`
	Open           int64               `json:"open"`
	ResolvedBySide map[string]int64    `json:"resolvedBySide"`
	Counts         []worklistCountJSON `json:"counts"`
}

// runParam returns the :run parameter, or ENOTFOUND.
func runParam(c fiber.Ctx) (string, error) {
	id := c.Params("run")
	if !engine.ValidID(id) {
		return "", engine.Errorf(engine.ENOTFOUND, "reconciliation run not found")
	}
	return id, nil
}

// apiReconcileRun answers GET /api/v1/reconcile/runs/:run: the run and how
// its items stand (open, resolved by side).
func (s *Server) apiReconcileRun(c fiber.Ctx) error {
	id, err := runParam(c)
	if err != nil {
		return err
	}
	sum, err := s.worklist.ReconcileRun(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	out := reconcileSummaryJSON{Run: toRunJSON(sum.Run), Open: sum.Open, ResolvedBySide: sum.ResolvedBySide, Counts: []worklistCountJSON{}}
	for _, n := range sum.Counts {
		out.Counts = append(out.Counts, worklistCountJSON(n))
	}
	return c.JSON(out)
}
