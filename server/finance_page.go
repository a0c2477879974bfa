package server

import (
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
	for k, val := range map[string]string{"campaign": q.Campaign, "period": q.Period, "org": q.Org, "worker": q.Worker, "item": q.Item} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// URL is the finance page for q, with an anchor.
func (q financeQuery) URL(anchor string) string {
	u := "/finance?" + q.values().Encode()
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

func financeQueryOf(get func(string) string) financeQuery {
	return financeQuery{Campaign: get("campaign"), Period: get("period"), Org: get("org"), Worker: get("worker"), Item: get("item")}
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

// financeEntry is a ledger line as finance reads it: in words.
type financeEntry struct {
	*pay.LedgerEntry
	Why        pay.EntryExplanation
	Amount     string
	ReverseURL string // "" for a reversal, or an entry already reversed
	RecordURL  string // "" for pay without a record (a day's attendance)
	Reversed   bool
}

// financeLock is a locked period with who locked it.
type financeLock struct {
	Period, By, At string
}

// financeBudgetLine is a budget line in words and yuan.
type financeBudgetLine struct {
	Name, Text, Amount string
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
	Payroll   string // the 发放表 XLSX
	PrintURL  string // its print view
	CanLock   bool
	Locks     []financeLock
	Reason    string // the reason typed, kept when a lock or unlock is refused
	Budget    *financeBudget
	// Changes are the forms and pay tables republished while the
	// campaign ran: new rates pay from their publication on.
	Changes []string
}

func financeTotalOf(name string, a pay.PaymentAmounts) financeTotal {
	return financeTotal{Name: name, Count: a.Count, Amount: pay.Yuan(a.AmountFen), Bonus: pay.Yuan(a.BonusFen),
		Deduction: pay.Yuan(a.DeductionFen), Total: pay.Yuan(a.TotalFen)}
}

// financePage shows a campaign's payment table with filters, totals per
// org unit, drill-down to the entries behind an amount (each in words,
// with its reversal), export links, the period locks, and the budget.
func (s *Server) financePage(c fiber.Ctx) error {
	p := s.newPage(c, "finance.title", "finance", "")
	switch done := c.Query("done"); done {
	case "locked", "unlocked":
		p.Flash = p.T("finance.done."+done, c.Query("period"))
	case "reversed":
		p.Flash = p.T("finance.done.reversed")
	}
	return s.financeRender(c, p, financeQueryOf(func(k string) string { return c.Query(k) }), fiber.StatusOK, "")
}

// financeRender fills and renders the finance page for q; a refused
// action's message and status are shown on it.
func (s *Server) financeRender(c fiber.Ctx, p *pageData, q financeQuery, status int, reason string) error {
	a := actorOf(c)
	if !a.Has(engine.RoleFinance, engine.RoleAdmin) {
		return s.renderErrorPage(c, engine.Errorf(engine.EFORBIDDEN, "finance only"))
	}
	d := &financeData{Query: q, Reason: reason}
	p.Data = d
	var err error
	if d.Campaigns, err = s.campaignOptions(c.Context(), a, p.Lang); err != nil {
		return s.renderErrorPage(c, err)
	}
	if q.Campaign == "" {
		return s.render(c, status, "finance", p)
	}
	t, err := s.pay.Payments(c.Context(), a, pay.PaymentQuery{CampaignID: q.Campaign, Period: q.Period, OrgUnit: q.Org, WorkerID: q.Worker, Lang: p.Lang})
	if err != nil {
		if code := engine.ErrorCode(err); code == engine.EINVALID || code == engine.ENOTFOUND {
			if p.Error == "" {
				p.Error = p.T("error." + code)
			}
			return s.render(c, status, "finance", p)
		}
		return s.renderErrorPage(c, err)
	}
	d.Table = t
	for _, r := range t.Rows {
		rq := q
		rq.Worker, rq.Period, rq.Item = r.WorkerID, r.Period, r.Item
		rate := ""
		if r.RateFen != 0 {
			rate = pay.Yuan(r.RateFen)
		}
		d.Rows = append(d.Rows, financeRow{PaymentRow: r, Rate: rate, Amount: pay.Yuan(r.AmountFen), Bonus: pay.Yuan(r.BonusFen),
			Deduction: pay.Yuan(r.DeductionFen), Total: pay.Yuan(r.TotalFen), EntriesURL: rq.URL("entries")})
	}
	for _, u := range t.OrgUnits {
		d.Units = append(d.Units, financeTotalOf(u.Name, u.PaymentAmounts))
	}
	d.Total = financeTotalOf(p.T("finance.total"), t.Total)
	base := q
	base.Item = ""
	enc := base.values().Encode()
	d.ExportXLS, d.ExportCSV = "/finance/export.xlsx?"+enc, "/finance/export.csv?"+enc
	d.Payroll, d.PrintURL = "/finance/payroll.xlsx?"+enc, "/finance/payroll?"+enc
	d.CanLock = q.Period != "" && !slices.Contains(t.Locked, q.Period)
	names := s.engine.Names(c.Context())
	if locks, err := s.pay.PeriodLocks(c.Context(), a, q.Campaign); err == nil {
		for _, l := range locks {
			d.Locks = append(d.Locks, financeLock{Period: l.Period, By: names.User(l.LockedBy), At: localTime(l.LockedAt)})
		}
	}
	if q.Item != "" && q.Worker != "" {
		if err := s.financeEntries(c, p, d); err != nil {
			return s.renderErrorPage(c, err)
		}
	}
	if changes, err := s.engine.DefinitionChanges(c.Context(), a, q.Campaign, p.Lang); err == nil {
		for _, ch := range changes {
			d.Changes = append(d.Changes, p.T("finance.change", p.T("kind."+ch.Kind), ch.Title, ch.Version, localTime(ch.PublishedAt), names.User(ch.PublishedBy)))
		}
	}
	paid := t.Total.TotalFen
	if q.Period != "" || q.Org != "" || q.Worker != "" {
		paid = s.campaignPaidFen(c, q.Campaign)
	}
	d.Budget = s.financeBudget(c, p, q.Campaign, paid)
	return s.render(c, status, "finance", p)
}

// financeEntries puts the drill-down on the page: the entries behind one
// worker's item in a period, each explained in words.
func (s *Server) financeEntries(c fiber.Ctx, p *pageData, d *financeData) error {
	a, q := actorOf(c), d.Query
	page, err := s.pay.PaymentEntries(c.Context(), a, q.Campaign, q.Period, q.Org, q.Worker, q.Item, engine.Page{Limit: engine.MaxPageLimit})
	if err != nil {
		return err
	}
	why, err := s.pay.ExplainEntries(c.Context(), a, q.Campaign, page.Entries, p.Lang)
	if err != nil {
		return err
	}
	reversed := map[string]bool{}
	for _, le := range page.Entries {
		if le.Reverses != "" {
			reversed[le.Reverses] = true
		}
	}
	back := url.Values{"back": {q.URL("entries")}}.Encode()
	for i, le := range page.Entries {
		e := financeEntry{LedgerEntry: le, Why: why[i], Amount: pay.Yuan(le.AmountFen), Reversed: reversed[le.ID]}
		if engine.ValidID(le.RecordID) {
			e.RecordURL = "/records/" + le.RecordID
		}
		if le.Reverses == "" && !e.Reversed {
			e.ReverseURL = "/finance/entries/" + le.ID + "/reverse?" + back
		}
		d.Entries = append(d.Entries, e)
	}
	return nil
}

// financeLockSubmit locks the period from the page's form, with a reason.
// A period someone else locked meanwhile is said so, naming them.
func (s *Server) financeLockSubmit(c fiber.Ctx) error {
	return s.financePeriodSubmit(c, true)
}

// financeUnlockSubmit opens a locked period again, with a reason.
func (s *Server) financeUnlockSubmit(c fiber.Ctx) error {
	return s.financePeriodSubmit(c, false)
}

func (s *Server) financePeriodSubmit(c fiber.Ctx, lock bool) error {
	a := actorOf(c)
	q := financeQueryOf(func(k string) string { return bodyField(c, k) })
	reason := strings.TrimSpace(bodyField(c, "reason"))
	p := s.newPage(c, "finance.title", "finance", "")
	refuse := func(status int, msg string) error {
		p.Error = msg
		return s.financeRender(c, p, q, status, reason)
	}
	if !campaignIDPattern.MatchString(q.Campaign) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "campaign not found"))
	}
	if reason == "" {
		return refuse(fiber.StatusUnprocessableEntity, p.T("finance.reason.required"))
	}
	if len([]rune(reason)) > pay.MaxReason {
		return refuse(fiber.StatusUnprocessableEntity, p.T("finance.reason.long", pay.MaxReason))
	}
	var err error
	if lock {
		_, err = s.pay.LockPeriod(c.Context(), a, q.Campaign, q.Period, reason)
	} else {
		err = s.pay.UnlockPeriod(c.Context(), a, q.Campaign, q.Period, reason)
	}
	switch code := engine.ErrorCode(err); {
	case err == nil:
		done := "unlocked"
		if lock {
			done = "locked"
		}
		v := q.values()
		v.Set("done", done)
		return redirect(c, "/finance?"+v.Encode())
	case code == engine.ECONFLICT && lock:
		return refuse(fiber.StatusConflict, s.lockedByMessage(c, p, q.Campaign, q.Period))
	case code == engine.ECONFLICT:
		return refuse(fiber.StatusConflict, p.T("finance.unlock.already", q.Period))
	case code == engine.EINVALID:
		return refuse(fiber.StatusUnprocessableEntity, p.T("finance.period.invalid", q.Period))
	default:
		return s.renderErrorPage(c, err)
	}
}

// lockedByMessage says that period is locked, by whom and when.
func (s *Server) lockedByMessage(c fiber.Ctx, p *pageData, campaign, period string) string {
	l, err := s.pay.PeriodLockOf(c.Context(), actorOf(c), campaign, period)
	if err != nil || l == nil {
		return p.T("finance.lock.changed", period)
	}
	return p.T("finance.lock.already", period, s.engine.Names(c.Context()).User(l.LockedBy), localTime(l.LockedAt))
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

func textLangOf(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return "en"
	}
	return "zh"
}
