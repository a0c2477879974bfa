package server

import (
	"bytes"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/pay"
	"canvass/engine/tabular"
)

// payrollOf builds the 劳务报酬发放表 of a payment query: the unit is the
// org unit filtered on, else the actor's own. Each person's ID number is
// in full for the roles that may reveal it (finance, admin), which the
// engine audits as one reveal naming how many people the sheet (format
// "xlsx" or "print") shows; masked otherwise.
func (s *Server) payrollOf(c fiber.Ctx, q pay.PaymentQuery, format string) (*pay.Payroll, error) {
	a := actorOf(c)
	t, err := s.pay.Payments(c.Context(), a, q)
	if err != nil {
		return nil, err
	}
	unit := q.OrgUnit
	if unit == "" {
		unit = a.User.OrgUnit
	}
	pr := pay.NewPayroll(t, s.engine.Names(c.Context()).Unit(unit), q.Lang)
	var workers []string
	for _, l := range pr.Lines {
		if l.Seq > 0 {
			workers = append(workers, l.WorkerID)
		}
	}
	ids, _, err := s.engine.PayrollIDNumbers(c.Context(), a, q.CampaignID, workers,
		map[string]any{"period": q.Period, "org": q.OrgUnit, "worker": q.WorkerID, "format": format})
	if err != nil {
		return nil, err
	}
	for i := range pr.Lines { // every line, as the name: the sheet filters by person
		pr.Lines[i].IDNumber = ids[pr.Lines[i].WorkerID]
	}
	return pr, nil
}

// apiPayroll answers GET /api/v1/campaigns/:id/payroll.xlsx.
func (s *Server) apiPayroll(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	return s.exportPayroll(c, paymentQuery(c, id))
}

// financePayrollExport answers the page's 发放表 link.
func (s *Server) financePayrollExport(c fiber.Ctx) error {
	q := pay.PaymentQuery{CampaignID: c.Query("campaign"), Period: c.Query("period"),
		OrgUnit: c.Query("org"), WorkerID: c.Query("worker"), Lang: s.pageLang(c, actorOf(c).User)}
	if err := s.exportPayroll(c, q); err != nil {
		return s.renderErrorPage(c, err)
	}
	return nil
}

func (s *Server) exportPayroll(c fiber.Ctx, q pay.PaymentQuery) error {
	a := actorOf(c)
	pr, err := s.payrollOf(c, q, "xlsx")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pay.WritePayroll(tabular.NewXLSX(&buf), pr); err != nil {
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	if err := s.engine.Audit(c.Context(), a, "export.payroll", "campaign", q.CampaignID, a.User.OrgPath,
		map[string]any{"period": q.Period, "org": q.OrgUnit, "worker": q.WorkerID, "format": "xlsx"}); err != nil {
		return err
	}
	name := "payroll-" + q.CampaignID
	if q.Period != "" {
		name += "-" + q.Period
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// financePayrollLine is a payroll line with yuan figures.
type financePayrollLine struct {
	pay.PayrollLine
	Rate, Amount, PersonTotal string
}

// financePayrollData is the print view of the 发放表.
type financePayrollData struct {
	Payroll *pay.Payroll
	Lines   []financePayrollLine
	Total   string
	Back    string
}

// financePayrollPage is the 发放表 to print on A4 landscape.
func (s *Server) financePayrollPage(c fiber.Ctx) error {
	a := actorOf(c)
	if !a.Has(engine.RoleFinance, engine.RoleAdmin) {
		return s.renderErrorPage(c, engine.Errorf(engine.EFORBIDDEN, "finance only"))
	}
	p := s.newPage(c, "finance.payroll.title", "finance", "/finance/payroll")
	q := financeQueryOf(func(k string) string { return c.Query(k) })
	for k, v := range q.values() {
		p.query[k] = v
	}
	pr, err := s.payrollOf(c, pay.PaymentQuery{CampaignID: q.Campaign, Period: q.Period, OrgUnit: q.Org, WorkerID: q.Worker, Lang: p.Lang}, "print")
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	if err := s.engine.Audit(c.Context(), a, "export.payroll", "campaign", q.Campaign, a.User.OrgPath,
		map[string]any{"period": q.Period, "org": q.Org, "worker": q.Worker, "format": "print"}); err != nil {
		return s.renderErrorPage(c, err)
	}
	d := &financePayrollData{Payroll: pr, Total: pay.Yuan(pr.TotalFen), Back: q.URL("")}
	for _, l := range pr.Lines {
		fl := financePayrollLine{PayrollLine: l, Amount: pay.Yuan(l.AmountFen)}
		if l.RateFen != 0 {
			fl.Rate = pay.Yuan(l.RateFen)
		}
		if l.HasPersonTotal {
			fl.PersonTotal = pay.Yuan(l.PersonTotalFen)
		}
		d.Lines = append(d.Lines, fl)
	}
	p.Data = d
	return s.render(c, fiber.StatusOK, "finance_payroll", p)
}
