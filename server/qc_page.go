package server

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/engine/pay"
	"canvass/paytables"
)

// The supervisor's spot-check page of a campaign: GET /campaigns/:id/qc
// shows a period's sampling rule, draws the sample (POST …/qc/sample:
// SampleQC, whose seed and sample are recorded, so a second click shows
// the same sample), lists the sampled records with why each worker was
// sampled as often as they were, takes 通过 / 发现问题 with a note on each
// (POST …/qc/records/:record: RecordQCOutcome, carrying the version the
// page showed) and shows the pay each outcome released or withheld,
// read back from the ledger (pay.RecordPay).

// qcData is the spot-check page's own data.
type qcData struct {
	Campaign, Title string
	Period          string
	Periods         []string
	Share           string // "5%"
	Min             int
	Drawn           bool
	Seed            string
	Scope           string
	Completed       int // records completed in the period, all workers
	Workers         []qcWorkerRow
	Records         []qcRecordRow
	Open            int // sampled records still waiting for an outcome
}

type qcWorkerRow struct {
	Name                 string
	Completed, Sampled   int
	Why                  string
	NotSampled, HasCount bool
}

type qcRecordRow struct {
	ID, Number, Form, Unit, Worker string
	Version                        int64
	Open                           bool
	Outcome, OutcomeText           string // "pass" / "problem", and in words
	Note, By                       string
	At                             time.Time
	Paid                           []qcPayLine // what the record paid and what the check changed
	Reason, ReasonError            string      // as typed after a refusal
	Message                        string      // why the last post about this record was refused
}

type qcPayLine struct {
	Label, Amount string
	Kind          string // "pay", "bonus", "withheld"
}

// qcRoutes are the spot-check pages.
func (s *Server) qcRoutes() {
	s.app.Get("/campaigns/:id/qc", s.signedInPage, s.qcPage)
	s.app.Post("/campaigns/:id/qc/sample", s.signedInPage, s.qcSampleSubmit)
	s.app.Post("/campaigns/:id/qc/records/:record", s.signedInPage, s.qcOutcomeSubmit)
}

// qcPeriods are the campaign's current spot-check period and the five
// before it, newest first.
func qcPeriods(q campaigns.QC, now time.Time) []string {
	step := 1
	if q.Period == campaigns.PeriodQuarter {
		step = 3
	}
	var out []string
	for i := range 6 {
		p := q.PeriodOf(now.AddDate(0, -i*step, 0))
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// qcPage shows one period of the campaign's spot checks.
func (s *Server) qcPage(c fiber.Ctx) error {
	return s.renderQC(c, fiber.StatusOK, c.Query("period"), "", qcRecordRow{})
}

// qcSampleSubmit draws (or reads back) the period's sample and shows it.
func (s *Server) qcSampleSubmit(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	period := strings.TrimSpace(bodyField(c, "period"))
	sample, err := s.pay.SampleQC(c.Context(), actorOf(c), id, period)
	if err != nil {
		if code := engine.ErrorCode(err); code == engine.EINVALID {
			return s.renderQC(c, statusByCode[code], period, "qc.badperiod", qcRecordRow{})
		}
		return err
	}
	done := "drawn"
	if !sample.Drawn {
		done = "recorded"
	}
	return redirect(c, "/campaigns/"+id+"/qc?period="+sample.Period+"&done="+done)
}

// qcOutcomeSubmit records 通过 or 发现问题 on one sampled record, once:
// the page's version must still be the record's, so a double click, a
// stale page or a colleague who recorded first gets the page back with
// what happened meanwhile (409), never a second outcome or ledger line.
func (s *Server) qcOutcomeSubmit(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	recID := c.Params("record")
	a := actorOf(c)
	period := strings.TrimSpace(bodyField(c, "period"))
	row := qcRecordRow{ID: recID, Reason: bodyField(c, "reason")}
	outcome := bodyField(c, "outcome")
	var v *engine.RecordView
	if engine.ValidID(recID) {
		if v, err = s.engine.GetRecord(c.Context(), a, recID); err != nil && engine.ErrorCode(err) != engine.ENOTFOUND {
			return err
		}
	}
	if v == nil || v.Record.CampaignID != id {
		// The page names what is missing, on the campaign's own page.
		return s.renderQC(c, fiber.StatusNotFound, period, "qc.norecord", qcRecordRow{})
	}
	version, verr := strconv.ParseInt(bodyField(c, "version"), 10, 64)
	switch {
	case outcome != "pass" && outcome != "problem":
		row.Message = "qc.refused.outcome"
		return s.renderQC(c, fiber.StatusUnprocessableEntity, period, "", row)
	case verr != nil || version != v.Record.Version:
		row.Message = "qc.refused.stale"
		return s.renderQC(c, fiber.StatusConflict, period, "", row)
	case !a.Has(engine.RoleSupervisor, engine.RoleAdmin):
		return engine.Errorf(engine.EFORBIDDEN, "supervisors and admins record spot checks")
	}
	if _, err := s.pay.RecordQCOutcome(c.Context(), a, recID, outcome == "pass", row.Reason); err != nil {
		switch code := engine.ErrorCode(err); code {
		case engine.EINVALID:
			for _, fe := range engine.ErrorFields(err) {
				if fe.Pointer == "/reason" {
					row.ReasonError = "qc.refused.reason"
				}
			}
			if row.ReasonError == "" {
				row.Message = "qc.refused.stale"
				return s.renderQC(c, fiber.StatusConflict, period, "", row)
			}
			return s.renderQC(c, statusByCode[code], period, "", row)
		case engine.ECONFLICT, engine.EFORBIDDEN:
			row.Message = "qc.refused.stale"
			if code == engine.EFORBIDDEN {
				row.Message = "qc.refused.claimed"
			}
			return s.renderQC(c, statusByCode[code], period, "", row)
		default:
			return err
		}
	}
	return redirect(c, "/campaigns/"+id+"/qc?period="+period+"&done="+outcome+"#r-"+recID)
}

// renderQC shows the page for period (the current one when empty);
// errKey is a page-wide problem, refused the record row whose post was
// refused, with what was typed.
func (s *Server) renderQC(c fiber.Ctx, status int, period, errKey string, refused qcRecordRow) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	if !a.Has(engine.RoleSupervisor, engine.RoleAdmin) {
		return engine.Errorf(engine.EFORBIDDEN, "supervisors and admins do spot checks")
	}
	camp, err := s.engine.Campaign(c.Context(), id)
	if err != nil {
		return err
	}
	path := ""
	if c.Method() != fiber.MethodGet {
		path = "/campaigns/" + id + "/qc"
	}
	p := s.newPage(c, "qc.title", "qc", path)
	q, ok := camp.QC()
	if !ok {
		p.Error = p.T("qc.none")
		p.Data = qcData{Campaign: id, Title: camp.Title(p.Lang)}
		return s.render(c, fiber.StatusOK, "qc", p)
	}
	now := s.engine.Now()
	d := qcData{Campaign: id, Title: camp.Title(p.Lang), Periods: qcPeriods(q, now), Min: q.Min,
		Share: strconv.FormatFloat(q.Share()*100, 'f', -1, 64) + "%"}
	if period == "" || !pay.ValidPeriod(period) {
		if period != "" {
			errKey = "qc.badperiod"
		}
		period = d.Periods[0]
	}
	d.Period = period
	if !slices.Contains(d.Periods, period) {
		d.Periods = append(d.Periods, period)
	}
	if errKey != "" {
		p.Error = p.T(errKey)
	}
	switch c.Query("done") {
	case "drawn":
		p.Flash = p.T("qc.done.drawn")
	case "recorded":
		p.Flash = p.T("qc.done.recorded")
	case "pass", "problem":
		p.Flash = p.T("qc.done.outcome", p.T("qc.outcome."+c.Query("done")))
	}
	o, err := s.pay.QCOverview(c.Context(), a, id, period)
	if err != nil {
		if engine.ErrorCode(err) == engine.EINVALID {
			p.Error = p.T("qc.badperiod")
			p.Data = d
			return s.render(c, fiber.StatusUnprocessableEntity, "qc", p)
		}
		return err
	}
	names := newNamer(s, c.Context(), a, p.Lang)
	d.Scope = names.unitOfPath(a.User.OrgPath)
	var pt *paytables.PayTable
	if camp.PayTable() != "" {
		pt, _, _ = s.pay.PayTable(c.Context(), camp.PayTable(), 0)
	}
	sampled := map[string][]string{}
	if o.Sample != nil {
		d.Drawn, d.Seed, sampled = true, strconv.FormatUint(o.Sample.Seed, 10), o.Sample.Records
	}
	workers := map[string]bool{}
	for w := range o.Completed {
		workers[w] = true
	}
	for w := range sampled {
		workers[w] = true
	}
	for w := range workers {
		n, k := o.Completed[w], len(sampled[w])
		d.Completed += n
		row := qcWorkerRow{Name: names.user(w), Completed: n, Sampled: k}
		switch {
		case !d.Drawn:
			row.Why = p.T("qc.why.plan", n, d.Share, q.Min, q.SampleSize(n))
		case k > 0:
			row.Why = p.T("qc.why.drawn", n, d.Share, q.Min, k)
		default:
			row.Why = p.T("qc.why.none")
		}
		d.Workers = append(d.Workers, row)
	}
	slices.SortFunc(d.Workers, func(x, y qcWorkerRow) int { return strings.Compare(x.Name, y.Name) })
	var ids []string
	for _, list := range sampled {
		ids = append(ids, list...)
	}
	slices.Sort(ids)
	for _, rid := range ids {
		v, err := s.engine.GetRecord(c.Context(), a, rid)
		if err != nil {
			if engine.ErrorCode(err) == engine.ENOTFOUND {
				continue
			}
			return err
		}
		row := s.qcRecordRowOf(c, p, names, pt, v.Record)
		if refused.ID == rid {
			row.Reason = refused.Reason
			if refused.ReasonError != "" {
				row.ReasonError = p.T(refused.ReasonError)
			}
			if refused.Message != "" {
				row.Message = p.T(refused.Message)
				if refused.Message == "qc.refused.stale" && row.Outcome != "" {
					row.Message = p.T("qc.refused.done", row.By, row.OutcomeText, localTime(row.At))
				}
			}
		}
		if row.Open {
			d.Open++
		}
		d.Records = append(d.Records, row)
	}
	if refused.ID != "" && refused.Message != "" {
		p.Error = p.T("qc.refused")
	}
	p.Data = d
	return s.render(c, status, "qc", p)
}

// qcRecordRowOf describes one sampled record: whose, its outcome, and its
// ledger lines by item label and yuan.
func (s *Server) qcRecordRowOf(c fiber.Ctx, p *pageData, names *namer, pt *paytables.PayTable, r *engine.Record) qcRecordRow {
	row := qcRecordRow{ID: r.ID, Number: recordNumberText(r), Form: names.formTitle(r), Unit: names.unit(r.OrgUnit),
		Worker: names.user(r.CreatedBy), Version: r.Version, Open: r.Step == engine.QCStep}
	for i := len(r.History) - 1; i >= 0; i-- {
		h := r.History[i]
		if h.Action == pay.ActionQCPass || h.Action == pay.ActionQCProblem {
			row.Outcome = strings.TrimPrefix(h.Action, "qc.")
			row.OutcomeText = p.T("qc.outcome." + row.Outcome)
			row.Note, row.By, row.At = h.Reason, names.user(h.Actor), h.At
			break
		}
		if h.Action == pay.ActionQCSample {
			break
		}
	}
	entries, err := s.pay.RecordPay(c.Context(), actorOf(c), r.ID)
	if err != nil {
		s.log.Warn("reading a sampled record's pay", "record", r.ID, "err", err)
	}
	for _, le := range entries {
		if le.WorkerID != r.CreatedBy {
			continue
		}
		label := le.Item
		if pt != nil {
			label = pt.ItemLabel(le.Item, p.Lang)
		}
		line := qcPayLine{Label: label, Amount: pay.Yuan(le.AmountFen), Kind: "pay"}
		switch {
		case le.AmountFen < 0 || le.Reverses != "":
			line.Kind, line.Amount = "withheld", pay.Yuan(-le.AmountFen)
		case le.Inputs["event"] == paytables.EventQCPass:
			line.Kind = "bonus"
		}
		row.Paid = append(row.Paid, line)
	}
	return row
}

// recordNumberText is the short number a record is read out by, or ""
// before it has one.
func recordNumberText(r *engine.Record) string {
	if r.Number <= 0 {
		return ""
	}
	return fmt.Sprintf("%d", r.Number)
}
