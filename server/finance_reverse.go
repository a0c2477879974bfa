package server

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/pay"
)

// financeReverseData is the reversal page: the entry in words, the line a
// reversal will post and the totals before and after it.
type financeReverseData struct {
	Entry    financeEntry
	Preview  *financeEntry // nil when the entry cannot be reversed
	Worker   string
	Totals   []financeReverseTotal
	Target   string // the period the reversal lands in, as the page showed it
	Moved    bool   // the entry's own period is locked: it lands later
	Reason   string
	Back     string
	Action   string
	Reversal *financeEntry // the reversal that exists already, if any
	By, At   string        // who posted it, when
}

// financeReverseTotal is one total before and after the reversal.
type financeReverseTotal struct {
	Name, Before, After string
}

// financeReversePage shows what reversing a ledger entry will do: the
// reversal line, the totals it changes, and a form for the reason.
func (s *Server) financeReversePage(c fiber.Ctx) error {
	return s.financeReverseRender(c, fiber.StatusOK, "", "")
}

// financeReverseSubmit reverses the entry once the reason is given and
// the page the person confirmed is still true: a period locked since
// moves the reversal, so it is shown again instead of posted.
func (s *Server) financeReverseSubmit(c fiber.Ctx) error {
	a, id := actorOf(c), c.Params("id")
	reason := strings.TrimSpace(bodyField(c, "reason"))
	if reason == "" {
		return s.financeReverseRender(c, fiber.StatusUnprocessableEntity, reason, "finance.reason.required")
	}
	if len([]rune(reason)) > pay.MaxReason {
		return s.financeReverseRender(c, fiber.StatusUnprocessableEntity, reason, "finance.reason.long")
	}
	if !engine.ValidID(id) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "ledger entry not found"))
	}
	preview, err := s.pay.PreviewReversal(c.Context(), a, id)
	if err != nil {
		return s.financeReverseRender(c, financeStatus(err), reason, "")
	}
	if target := bodyField(c, "target"); preview.Period != target {
		return s.financeReverseRender(c, fiber.StatusConflict, reason, "finance.reverse.moved:"+target)
	}
	rev, err := s.pay.ReverseEntry(c.Context(), a, id, reason)
	if err != nil {
		return s.financeReverseRender(c, financeStatus(err), reason, "")
	}
	back, err := url.Parse(financeBack(c, bodyField(c, "back"), rev))
	if err != nil {
		back = &url.URL{Path: "/finance"}
	}
	v := back.Query()
	v.Set("done", "reversed")
	back.RawQuery = v.Encode()
	return redirect(c, back.String())
}

// financeStatus is the status of a refused reversal.
func financeStatus(err error) int {
	switch engine.ErrorCode(err) {
	case engine.ECONFLICT:
		return fiber.StatusConflict
	case engine.EINVALID:
		return fiber.StatusUnprocessableEntity
	case engine.ENOTFOUND:
		return fiber.StatusNotFound
	case engine.EFORBIDDEN:
		return fiber.StatusForbidden
	}
	return fiber.StatusInternalServerError
}

// financeBack is where the page returns: the finance page it came from,
// else the entry's drill-down. Only a /finance address on this site.
func financeBack(c fiber.Ctx, back string, le *pay.LedgerEntry) string {
	if u, err := url.Parse(back); err == nil && u.Scheme == "" && u.Host == "" && u.Path == "/finance" && !strings.HasPrefix(back, "//") {
		return back
	}
	return financeQuery{Campaign: le.CampaignID, Worker: le.WorkerID, Item: le.Item, Period: le.Period}.URL("entries")
}

// financeReverseRender renders the reversal page; errKey is a message
// key to show ("key:arg" passes one argument), or "" to derive the
// message from the entry's state.
func (s *Server) financeReverseRender(c fiber.Ctx, status int, reason, errKey string) error {
	a := actorOf(c)
	if !a.Has(engine.RoleFinance, engine.RoleAdmin) {
		return s.renderErrorPage(c, engine.Errorf(engine.EFORBIDDEN, "finance only"))
	}
	id := c.Params("id")
	if !engine.ValidID(id) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "ledger entry not found"))
	}
	ctx := c.Context()
	orig, err := s.pay.LedgerEntry(ctx, a, id)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	p := s.newPage(c, "finance.reverse.title", "finance", "")
	names := s.engine.Names(ctx)
	back := c.Query("back")
	if c.Method() == fiber.MethodPost {
		back = bodyField(c, "back")
	}
	d := &financeReverseData{Worker: names.User(orig.WorkerID), Reason: reason, Back: financeBack(c, back, orig),
		Action: "/finance/entries/" + id + "/reverse"}
	p.Data = d
	if key, arg, ok := strings.Cut(errKey, ":"); ok {
		p.Error = p.T(key, arg)
	} else if errKey != "" {
		p.Error = p.T(errKey, pay.MaxReason)
	}
	preview, perr := s.pay.PreviewReversal(ctx, a, id)
	entries := []*pay.LedgerEntry{orig}
	if perr == nil {
		entries = append(entries, preview)
	}
	why, err := s.pay.ExplainEntries(ctx, a, orig.CampaignID, entries, p.Lang)
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	d.Entry = financeEntry{LedgerEntry: orig, Why: why[0], Amount: pay.Yuan(orig.AmountFen)}
	switch code := engine.ErrorCode(perr); {
	case perr == nil:
	case code == engine.ECONFLICT:
		if rev, err := s.pay.ReversalOf(ctx, a, id); err == nil && rev != nil {
			rw, _ := s.pay.ExplainEntries(ctx, a, orig.CampaignID, []*pay.LedgerEntry{rev}, p.Lang)
			d.Reversal = &financeEntry{LedgerEntry: rev, Amount: pay.Yuan(rev.AmountFen)}
			if len(rw) == 1 {
				d.Reversal.Why = rw[0]
			}
			d.By, d.At = names.User(rev.CreatedBy), localTime(rev.CreatedAt)
			if p.Error == "" {
				p.Error = p.T("finance.reverse.already", d.By, d.At)
			}
		}
		if status == fiber.StatusOK {
			status = fiber.StatusConflict
		}
		return s.render(c, status, "finance_reverse", p)
	case code == engine.EINVALID:
		p.Error = p.T("finance.reverse.is_reversal")
		return s.render(c, fiber.StatusUnprocessableEntity, "finance_reverse", p)
	default:
		return s.renderErrorPage(c, perr)
	}
	d.Preview = &financeEntry{LedgerEntry: preview, Why: why[1], Amount: pay.Yuan(preview.AmountFen)}
	d.Target, d.Moved = preview.Period, preview.Period != orig.Period
	if key, target, _ := strings.Cut(errKey, ":"); key == "finance.reverse.moved" {
		p.Error = s.reverseMovedMessage(c, p, orig.CampaignID, target, preview.Period)
	}
	for _, f := range []struct {
		name   string
		worker string
	}{{p.T("finance.reverse.total.worker", d.Worker, preview.Period), orig.WorkerID}, {p.T("finance.reverse.total.campaign", preview.Period), ""}} {
		t, err := s.pay.Payments(ctx, a, pay.PaymentQuery{CampaignID: orig.CampaignID, Period: preview.Period, WorkerID: f.worker, Lang: p.Lang})
		if err != nil {
			return s.renderErrorPage(c, err)
		}
		d.Totals = append(d.Totals, financeReverseTotal{Name: f.name, Before: pay.Yuan(t.Total.TotalFen), After: pay.Yuan(t.Total.TotalFen + preview.AmountFen)})
	}
	return s.render(c, status, "finance_reverse", p)
}

// reverseMovedMessage says that the period the page showed was locked (or
// opened) meanwhile, by whom, and where the reversal lands now.
func (s *Server) reverseMovedMessage(c fiber.Ctx, p *pageData, campaignID, shown, now string) string {
	l, err := s.pay.PeriodLockOf(c.Context(), actorOf(c), campaignID, shown)
	if err == nil && l != nil && pay.ValidPeriod(shown) {
		return p.T("finance.reverse.locked", shown, s.engine.Names(c.Context()).User(l.LockedBy), localTime(l.LockedAt), now)
	}
	return p.T("finance.reverse.changed", now)
}
