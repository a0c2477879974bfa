package server

import (
	"bytes"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/pay"
	"canvass/engine/tabular"
)

// financeRoutes installs labour payments, spot checks, attendance,
// period locks and budgets. The engine checks roles and org scope on each.
func (s *Server) financeRoutes(api fiber.Router) {
	api.Get("/campaigns/:id/payments", s.signedInAPI, s.apiPayments)
	api.Get("/campaigns/:id/payments/entries", s.signedInAPI, s.apiPaymentEntries)
	api.Get("/campaigns/:id/payments.xlsx", s.signedInAPI, s.apiPaymentsExport)
	api.Get("/campaigns/:id/payments.csv", s.signedInAPI, s.apiPaymentsExport)
	api.Get("/campaigns/:id/periods", s.signedInAPI, s.apiPeriodLocks)
	api.Post("/campaigns/:id/periods/:period/lock", s.signedInAPI, s.apiLockPeriod)
	api.Post("/campaigns/:id/periods/:period/unlock", s.signedInAPI, s.apiUnlockPeriod)
	api.Get("/campaigns/:id/payroll.xlsx", s.signedInAPI, s.apiPayroll)
	api.Get("/campaigns/:id/budget", s.signedInAPI, s.apiBudget)
	api.Post("/campaigns/:id/attendance", s.signedInAPI, s.apiAttendance)
	api.Post("/campaigns/:id/qc/sample", s.signedInAPI, s.apiSampleQC)
	api.Post("/records/:id/qc", s.signedInAPI, s.apiQCOutcome)
	api.Post("/records/:id/entered", s.signedInAPI, s.apiMarkEntered)
	api.Post("/ledger/:id/reverse", s.signedInAPI, s.apiReverseEntry)

	s.app.Get("/finance", s.signedInPage, s.financePage)
	s.app.Post("/finance/lock", s.signedInPage, s.financeLockSubmit)
	s.app.Post("/finance/unlock", s.signedInPage, s.financeUnlockSubmit)
	s.app.Get("/finance/entries/:id/reverse", s.signedInPage, s.financeReversePage)
	s.app.Post("/finance/entries/:id/reverse", s.signedInPage, s.financeReverseSubmit)
	s.app.Get("/finance/payroll", s.signedInPage, s.financePayrollPage)
	s.app.Get("/finance/payroll.xlsx", s.signedInPage, s.financePayrollExport)
	s.app.Get("/finance/export.xlsx", s.signedInPage, s.financeExport)
	s.app.Get("/finance/export.csv", s.signedInPage, s.financeExport)
}

var campaignIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$`)

// campaignParam returns the :id parameter, or ENOTFOUND when it cannot be
// a campaign ID.
func campaignParam(c fiber.Ctx) (string, error) {
	id := c.Params("id")
	if !campaignIDPattern.MatchString(id) {
		return "", engine.Errorf(engine.ENOTFOUND, "campaign not found")
	}
	return id, nil
}

// amountsJSON are the figures of a row or total, in fen and as yuan.
type amountsJSON struct {
	Count        int64  `json:"count"`
	AmountFen    int64  `json:"amountFen"`
	BonusFen     int64  `json:"bonusFen"`
	DeductionFen int64  `json:"deductionFen"`
	TotalFen     int64  `json:"totalFen"`
	Total        string `json:"total"` // yuan, two decimals
}

func toAmountsJSON(a pay.PaymentAmounts) amountsJSON {
	return amountsJSON{a.Count, a.AmountFen, a.BonusFen, a.DeductionFen, a.TotalFen, pay.Yuan(a.TotalFen)}
}

type paymentRowJSON struct {
	Worker     string `json:"worker"`
	WorkerName string `json:"workerName"`
	OrgUnit    string `json:"orgUnit"`
	OrgName    string `json:"orgName"`
	Period     string `json:"period"`
	Item       string `json:"item"`
	ItemLabel  string `json:"itemLabel"`
	RateFen    int64  `json:"rateFen"`
	amountsJSON
}

type paymentTotalJSON struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	amountsJSON
}

type paymentsJSON struct {
	Campaign string             `json:"campaign"`
	Title    string             `json:"title"`
	Period   string             `json:"period,omitempty"`
	Rows     []paymentRowJSON   `json:"rows"`
	Workers  []paymentTotalJSON `json:"workers"`
	OrgUnits []paymentTotalJSON `json:"orgUnits"`
	Total    amountsJSON        `json:"total"`
	Locked   []string           `json:"locked"`
}

func toPaymentsJSON(t *pay.PaymentTable) paymentsJSON {
	out := paymentsJSON{Campaign: t.CampaignID, Title: t.Title, Period: t.Period, Rows: []paymentRowJSON{},
		Workers: []paymentTotalJSON{}, OrgUnits: []paymentTotalJSON{}, Total: toAmountsJSON(t.Total), Locked: t.Locked}
	if out.Locked == nil {
		out.Locked = []string{}
	}
	for _, r := range t.Rows {
		out.Rows = append(out.Rows, paymentRowJSON{r.WorkerID, r.WorkerName, r.OrgUnit, r.OrgName, r.Period, r.Item, r.ItemLabel, r.RateFen, toAmountsJSON(r.PaymentAmounts)})
	}
	for _, w := range t.Workers {
		out.Workers = append(out.Workers, paymentTotalJSON{w.Key, w.Name, toAmountsJSON(w.PaymentAmounts)})
	}
	for _, u := range t.OrgUnits {
		out.OrgUnits = append(out.OrgUnits, paymentTotalJSON{u.Key, u.Name, toAmountsJSON(u.PaymentAmounts)})
	}
	return out
}

// paymentQuery reads ?period=&org=&worker= for campaign id.
func paymentQuery(c fiber.Ctx, id string) pay.PaymentQuery {
	return pay.PaymentQuery{CampaignID: id, Period: c.Query("period"), OrgUnit: c.Query("org"),
		WorkerID: c.Query("worker"), Lang: requestLang(c, actorOf(c).User)}
}

// apiPayments answers GET /api/v1/campaigns/:id/payments.
func (s *Server) apiPayments(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	t, err := s.pay.Payments(c.Context(), actorOf(c), paymentQuery(c, id))
	if err != nil {
		return err
	}
	return c.JSON(toPaymentsJSON(t))
}

type ledgerEntryJSON struct {
	ID              string         `json:"id"`
	Key             string         `json:"key"`
	Campaign        string         `json:"campaign"`
	PayTable        string         `json:"payTable"`
	PayTableVersion int            `json:"payTableVersion"`
	Item            string         `json:"item"`
	Rule            string         `json:"rule"`
	Inputs          map[string]any `json:"inputs"`
	Worker          string         `json:"worker"`
	WorkerOrgPath   string         `json:"workerOrgPath"`
	Role            string         `json:"role"`
	Record          string         `json:"record"`
	Period          string         `json:"period"`
	AmountFen       int64          `json:"amountFen"`
	Amount          string         `json:"amount"`
	Reverses        string         `json:"reverses,omitempty"`
	Reason          string         `json:"reason,omitempty"`
	CreatedBy       string         `json:"createdBy"`
	CreatedAt       time.Time      `json:"createdAt"`
}

func toLedgerEntryJSON(le *pay.LedgerEntry) ledgerEntryJSON {
	return ledgerEntryJSON{le.ID, le.Key, le.CampaignID, le.PayTableID, le.PayTableVersion, le.Item, le.Rule, le.Inputs,
		le.WorkerID, le.WorkerOrgPath, le.Role, le.RecordID, le.Period, le.AmountFen, pay.Yuan(le.AmountFen),
		le.Reverses, le.Reason, le.CreatedBy, le.CreatedAt}
}

// apiPaymentEntries answers GET /api/v1/campaigns/:id/payments/entries:
// one page of the entries behind an amount.
func (s *Server) apiPaymentEntries(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	q := paymentQuery(c, id)
	page, err := s.pay.PaymentEntries(c.Context(), actorOf(c), id, q.Period, q.OrgUnit, q.WorkerID, c.Query("item"), p)
	if err != nil {
		return err
	}
	out := struct {
		Entries []ledgerEntryJSON `json:"entries"`
		Next    string            `json:"next,omitempty"`
	}{Entries: []ledgerEntryJSON{}, Next: page.Next}
	for _, le := range page.Entries {
		out.Entries = append(out.Entries, toLedgerEntryJSON(le))
	}
	return c.JSON(out)
}

// pageOf reads ?after=&limit= for a keyset page.
func pageOf(c fiber.Ctx) (engine.Page, error) {
	p := engine.Page{After: c.Query("after")}
	if l := c.Query("limit"); l != "" {
		n := 0
		for _, ch := range l {
			if ch < '0' || ch > '9' || n > engine.MaxPageLimit {
				return p, engine.Errorf(engine.EINVALID, "limit must be a number from 1 to %d", engine.MaxPageLimit)
			}
			n = n*10 + int(ch-'0')
		}
		p.Limit = n
	}
	return p, nil
}

// apiPaymentsExport answers GET …/payments.xlsx and …/payments.csv.
func (s *Server) apiPaymentsExport(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	return s.exportPayments(c, paymentQuery(c, id), strings.HasSuffix(c.Path(), ".csv"))
}

func (s *Server) exportPayments(c fiber.Ctx, q pay.PaymentQuery, csv bool) error {
	a := actorOf(c)
	t, err := s.pay.Payments(c.Context(), a, q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w, ext, mime := tabular.NewXLSX(&buf), "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if csv {
		w, ext, mime = tabular.NewCSV(&buf), "csv", "text/csv; charset=utf-8"
	}
	if err := pay.WritePayments(w, t); err != nil {
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	if err := s.engine.Audit(c.Context(), a, "export.payments", "campaign", t.CampaignID, a.User.OrgPath,
		map[string]any{"period": q.Period, "org": q.OrgUnit, "worker": q.WorkerID, "format": ext}); err != nil {
		return err
	}
	name := "payments-" + t.CampaignID
	if q.Period != "" {
		name += "-" + q.Period
	}
	c.Set(fiber.HeaderContentType, mime)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+"."+ext+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

type periodLockJSON struct {
	Campaign string    `json:"campaign"`
	Period   string    `json:"period"`
	LockedBy string    `json:"lockedBy"`
	LockedAt time.Time `json:"lockedAt"`
}

// apiPeriodLocks answers GET /api/v1/campaigns/:id/periods: the locked ones.
func (s *Server) apiPeriodLocks(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	locks, err := s.pay.PeriodLocks(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	out := struct {
		Locked []periodLockJSON `json:"locked"`
	}{Locked: []periodLockJSON{}}
	for _, l := range locks {
		out.Locked = append(out.Locked, periodLockJSON{l.CampaignID, l.Period, l.LockedBy, l.LockedAt})
	}
	return c.JSON(out)
}

// apiLockPeriod answers POST /api/v1/campaigns/:id/periods/:period/lock
// with an optional body {reason}.
func (s *Server) apiLockPeriod(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
	}
	l, err := s.pay.LockPeriod(c.Context(), actorOf(c), id, c.Params("period"), body.Reason)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(periodLockJSON{l.CampaignID, l.Period, l.LockedBy, l.LockedAt})
}

// apiUnlockPeriod answers POST /api/v1/campaigns/:id/periods/:period/unlock
// {reason}.
func (s *Server) apiUnlockPeriod(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if err := s.pay.UnlockPeriod(c.Context(), actorOf(c), id, c.Params("period"), body.Reason); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type budgetLineJSON struct {
	Key       string           `json:"key"`
	Label     string           `json:"label"`
	AmountFen int64            `json:"amountFen"`
	Amount    string           `json:"amount"`
	Rule      string           `json:"rule"`
	Inputs    map[string]int64 `json:"inputs"`
}

type budgetJSON struct {
	Campaign string           `json:"campaign"`
	Counts   map[string]int64 `json:"counts"`
	Lines    []budgetLineJSON `json:"lines"`
	TotalFen int64            `json:"totalFen"`
	Total    string           `json:"total"`
}

// apiBudget answers GET /api/v1/campaigns/:id/budget.
func (s *Server) apiBudget(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	b, err := s.pay.CampaignBudget(c.Context(), a, id)
	if err != nil {
		return err
	}
	lang := "zh"
	if strings.HasPrefix(requestLang(c, a.User), "en") {
		lang = "en"
	}
	out := budgetJSON{Campaign: b.CampaignID, Counts: b.Counts, Lines: []budgetLineJSON{}, TotalFen: b.TotalFen, Total: pay.Yuan(b.TotalFen)}
	for _, l := range b.Lines {
		out.Lines = append(out.Lines, budgetLineJSON{l.Key, l.Label.In(lang), l.AmountFen, pay.Yuan(l.AmountFen), l.Rule, l.Inputs})
	}
	return c.JSON(out)
}

// apiAttendance answers POST /api/v1/campaigns/:id/attendance
// {date, worker}: a supervisor's day on site, paid once.
func (s *Server) apiAttendance(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	var body struct {
		Date   string `json:"date"`
		Worker string `json:"worker"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	entries, err := s.pay.RecordAttendance(c.Context(), actorOf(c), pay.Attendance{CampaignID: id, Date: body.Date, WorkerID: body.Worker})
	if err != nil {
		return err
	}
	return c.JSON(entriesJSON(entries))
}

func entriesJSON(entries []*pay.LedgerEntry) any {
	out := struct {
		Entries []ledgerEntryJSON `json:"entries"`
	}{Entries: []ledgerEntryJSON{}}
	for _, le := range entries {
		out.Entries = append(out.Entries, toLedgerEntryJSON(le))
	}
	return out
}

// apiSampleQC answers POST /api/v1/campaigns/:id/qc/sample {period}.
func (s *Server) apiSampleQC(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	var body struct {
		Period string `json:"period"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	sample, err := s.pay.SampleQC(c.Context(), actorOf(c), id, body.Period)
	if err != nil {
		return err
	}
	records := map[string][]string{}
	for w, ids := range sample.Records {
		records[w] = ids
	}
	status := fiber.StatusOK
	if sample.Drawn {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(map[string]any{"campaign": sample.CampaignID, "period": sample.Period, "scope": sample.Scope,
		"seed": sample.Seed, "records": records, "drawn": sample.Drawn})
}

// apiQCOutcome answers POST /api/v1/records/:id/qc {pass, reason}.
func (s *Server) apiQCOutcome(c fiber.Ctx) error {
	id, err := recordID(c)
	if err != nil {
		return err
	}
	var body struct {
		Pass   *bool  `json:"pass"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Pass == nil {
		return &engine.Error{Code: engine.EINVALID, Message: "say whether the spot check passed",
			Fields: []engine.FieldError{{Pointer: "/pass", Code: "required", Message: "true or false"}}}
	}
	r, err := s.pay.RecordQCOutcome(c.Context(), actorOf(c), id, *body.Pass, body.Reason)
	if err != nil {
		return err
	}
	return c.JSON(map[string]any{"id": r.ID, "state": r.State, "version": r.Version})
}

// apiMarkEntered answers POST /api/v1/records/:id/entered: the clerk typed
// the record into the official system.
func (s *Server) apiMarkEntered(c fiber.Ctx) error {
	id, err := recordID(c)
	if err != nil {
		return err
	}
	r, err := s.pay.MarkEntered(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(map[string]any{"id": r.ID, "state": r.State, "version": r.Version})
}

// apiReverseEntry answers POST /api/v1/ledger/:id/reverse {reason}.
func (s *Server) apiReverseEntry(c fiber.Ctx) error {
	id := c.Params("id")
	if !engine.ValidID(id) {
		return engine.Errorf(engine.ENOTFOUND, "ledger entry not found")
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	rev, err := s.pay.ReverseEntry(c.Context(), actorOf(c), id, body.Reason)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toLedgerEntryJSON(rev))
}
