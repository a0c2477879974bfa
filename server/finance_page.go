package server

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/pay"
)

// financeQuery is the finance page's filter as typed.
type financeQuery struct {
	Campaign, Period, Org, Worker, Item string
}

func (q financeQuery) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"campaign": q.Campaign, "period": q.Period, "org": q.Org, "worker": q.Worker} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// financeRow is a table row with its drill-down link and yuan figures.
type financeRow struct {
	pay.PaymentRow
	Rate, Amount, Bonus, Deduction, Total string
	EntriesURL                            string
}

type financeTotal struct {
	Name                                     string
	Count                                    int64
	Amount, Bonus, Deduction, Total, Entries string
}

type financeEntry struct {
	*pay.LedgerEntry
	Amount string
	Inputs string
}

// financeData is the finance page's own data.
type financeData struct {
	Query     financeQuery
	Campaigns []option
	Table     *pay.PaymentTable
	Rows      []financeRow
	Units     []financeTotal
	Total     financeTotal
	Entries   []financeEntry
	ExportXLS string
	ExportCSV string
	CanLock   bool
	Budget    *pay.BudgetView
	BudgetTot string
	BudgetFor []financeTotal
	// Changes are the forms and pay tables republished while the
	// campaign ran: new rates pay from their publication on.
	Changes []string
}

func financeTotalOf(name string, a pay.PaymentAmounts) financeTotal {
	return financeTotal{Name: name, Count: a.Count, Amount: pay.Yuan(a.AmountFen), Bonus: pay.Yuan(a.BonusFen),
		Deduction: pay.Yuan(a.DeductionFen), Total: pay.Yuan(a.TotalFen)}
}

// financePage shows a campaign's payment table with filters, totals per
// org unit, drill-down to the entries behind an amount, export links, the
// lock button, and the campaign's budget.
func (s *Server) financePage(c fiber.Ctx) error {
	a := actorOf(c)
	if !a.Has(engine.RoleFinance, engine.RoleAdmin) {
		return s.renderErrorPage(c, engine.Errorf(engine.EFORBIDDEN, "finance only"))
	}
	p := s.newPage(c, "finance.title", "finance", "")
	q := financeQuery{Campaign: c.Query("campaign"), Period: c.Query("period"),
		Org: c.Query("org"), Worker: c.Query("worker"), Item: c.Query("item")}
	d := &financeData{Query: q}
	p.Data = d
	var err error
	if d.Campaigns, err = s.campaignOptions(c.Context(), a, p.Lang); err != nil {
		return s.renderErrorPage(c, err)
	}
	if q.Campaign == "" {
		return s.render(c, fiber.StatusOK, "finance", p)
	}
	t, err := s.pay.Payments(c.Context(), a, pay.PaymentQuery{CampaignID: q.Campaign, Period: q.Period, OrgUnit: q.Org, WorkerID: q.Worker, Lang: p.Lang})
	if err != nil {
		if engine.ErrorCode(err) == engine.EINVALID || engine.ErrorCode(err) == engine.ENOTFOUND {
			p.Error = p.T("error." + engine.ErrorCode(err))
			return s.render(c, fiber.StatusOK, "finance", p)
		}
		return s.renderErrorPage(c, err)
	}
	d.Table = t
	base := q.values()
	for _, r := range t.Rows {
		v := url.Values{}
		for k, val := range base {
			v[k] = val
		}
		v.Set("worker", r.WorkerID)
		v.Set("period", r.Period)
		v.Set("item", r.Item)
		rate := ""
		if r.RateFen != 0 {
			rate = pay.Yuan(r.RateFen)
		}
		d.Rows = append(d.Rows, financeRow{PaymentRow: r, Rate: rate, Amount: pay.Yuan(r.AmountFen), Bonus: pay.Yuan(r.BonusFen),
			Deduction: pay.Yuan(r.DeductionFen), Total: pay.Yuan(r.TotalFen), EntriesURL: "/finance?" + v.Encode() + "#entries"})
	}
	for _, u := range t.OrgUnits {
		d.Units = append(d.Units, financeTotalOf(u.Name, u.PaymentAmounts))
	}
	d.Total = financeTotalOf(p.T("finance.total"), t.Total)
	d.ExportXLS, d.ExportCSV = "/finance/export.xlsx?"+base.Encode(), "/finance/export.csv?"+base.Encode()
	d.CanLock = q.Period != "" && !slices.Contains(t.Locked, q.Period)
	if q.Item != "" && q.Worker != "" {
		page, err := s.pay.PaymentEntries(c.Context(), a, q.Campaign, q.Period, q.Org, q.Worker, q.Item, engine.Page{Limit: engine.MaxPageLimit})
		if err != nil {
			return s.renderErrorPage(c, err)
		}
		for _, le := range page.Entries {
			d.Entries = append(d.Entries, financeEntry{LedgerEntry: le, Amount: pay.Yuan(le.AmountFen), Inputs: inputsText(le.Inputs)})
		}
	}
	if changes, err := s.engine.DefinitionChanges(c.Context(), a, q.Campaign, p.Lang); err == nil {
		names := s.engine.Names(c.Context())
		for _, ch := range changes {
			d.Changes = append(d.Changes, p.T("finance.change", p.T("kind."+ch.Kind), ch.Title, ch.Version, localTime(ch.PublishedAt), names.User(ch.PublishedBy)))
		}
	}
	if b, err := s.pay.CampaignBudget(c.Context(), a, q.Campaign); err == nil {
		d.Budget, d.BudgetTot = b, pay.Yuan(b.TotalFen)
		for _, l := range b.Lines {
			d.BudgetFor = append(d.BudgetFor, financeTotal{Name: l.Label.In(textLangOf(p.Lang)), Total: pay.Yuan(l.AmountFen), Entries: l.Rule})
		}
	}
	return s.render(c, fiber.StatusOK, "finance", p)
}

func textLangOf(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return "en"
	}
	return "zh"
}

// inputsText shows a rule's inputs as "key=value" pairs, sorted.
func inputsText(in map[string]any) string {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + "=" + strings.TrimSpace(fmt.Sprint(in[k])))
	}
	return b.String()
}

// financeLockSubmit locks the period from the page's button, then shows
// the table again.
func (s *Server) financeLockSubmit(c fiber.Ctx) error {
	campaign, period := bodyField(c, "campaign"), bodyField(c, "period")
	if _, err := s.pay.LockPeriod(c.Context(), actorOf(c), campaign, period); err != nil && engine.ErrorCode(err) != engine.ECONFLICT {
		return s.renderErrorPage(c, err)
	}
	return redirect(c, "/finance?"+financeQuery{Campaign: campaign, Period: period}.values().Encode())
}

// financeExport answers the page's export links with the XLSX or CSV file.
func (s *Server) financeExport(c fiber.Ctx) error {
	q := pay.PaymentQuery{CampaignID: c.Query("campaign"), Period: c.Query("period"),
		OrgUnit: c.Query("org"), WorkerID: c.Query("worker"), Lang: s.pageLang(c, actorOf(c).User)}
	if err := s.exportPayments(c, q, strings.HasSuffix(c.Path(), ".csv")); err != nil {
		return s.renderErrorPage(c, err)
	}
	return nil
}
