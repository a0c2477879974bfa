package pay

import (
	"context"
	"sort"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/engine/tabular"
	"canvass/paytables"
)

// PaymentQuery selects a campaign's payment table.
type PaymentQuery struct {
	CampaignID string
	Period     string // "" for every period
	OrgUnit    string // org-unit code: workers in its subtree; "" for the actor's scope
	WorkerID   string
	Lang       string // for item labels
}

// PaymentAmounts are the figures of one row or total, in fen. Count is the
// number of payments (reversals and withholdings are not counted); the
// total is amount + bonus + deduction.
type PaymentAmounts struct {
	Count        int64
	AmountFen    int64 // payments other than bonuses
	BonusFen     int64 // payments on a passed spot check (qc.pass)
	DeductionFen int64 // reversals and withholdings, ≤ 0
	TotalFen     int64
	Reversed     int64 // the number of reversals and withholdings
}

// NetCount is the number of payments that stand: Count less those
// reversed or withheld.
func (p PaymentAmounts) NetCount() int64 { return p.Count - p.Reversed }

func (p *PaymentAmounts) add(le *LedgerEntry) {
	switch {
	case le.Reverses != "":
		p.Reversed++
		p.DeductionFen += le.AmountFen
	case le.Inputs["event"] == paytables.EventQCPass:
		p.Count++
		p.BonusFen += le.AmountFen
	default:
		p.Count++
		p.AmountFen += le.AmountFen
	}
	p.TotalFen += le.AmountFen
}

func (p *PaymentAmounts) plus(o PaymentAmounts) {
	p.Count += o.Count
	p.AmountFen += o.AmountFen
	p.BonusFen += o.BonusFen
	p.DeductionFen += o.DeductionFen
	p.TotalFen += o.TotalFen
	p.Reversed += o.Reversed
}

// PaymentRow is what one worker earned for one item in one period.
type PaymentRow struct {
	WorkerID   string
	WorkerName string
	OrgUnit    string // code of the worker's unit (from the entries)
	OrgName    string
	Period     string
	Item       string
	ItemLabel  string
	// RateFen is the amount of each payment when they are all equal, 0
	// when they differ (capped, or an amount_expr).
	RateFen int64
	PaymentAmounts
}

// PaymentTotal is the total of one worker or one org unit.
type PaymentTotal struct {
	Key  string // worker ID or org-unit code
	Name string
	PaymentAmounts
}

// PaymentTable is a campaign's payments per worker × period × item, with
// totals per worker, per org unit (the worker's own unit) and overall.
type PaymentTable struct {
	CampaignID string
	Title      string
	Period     string
	Rows       []PaymentRow
	Workers    []PaymentTotal
	OrgUnits   []PaymentTotal
	Total      PaymentAmounts
	Locked     []string // the campaign's locked periods
}

// maxPaymentEntries bounds the entries one payment table reads.
const maxPaymentEntries = 500_000

// Payments builds the payment table of a campaign from its ledger, in the
// actor's scope. Finance and admins. Returns ENOTFOUND for an unknown
// campaign, org unit or one outside the scope; EINVALID for a malformed
// period; ETOOLARGE beyond maxPaymentEntries entries (narrow the query).
func (s *Service) Payments(ctx context.Context, a *engine.Actor, q PaymentQuery) (*PaymentTable, error) {
	f, camp, err := s.paymentFilter(ctx, a, q.CampaignID, q.Period, q.OrgUnit, q.WorkerID)
	if err != nil {
		return nil, err
	}
	lang := engine.TextLang(q.Lang)
	t := &PaymentTable{CampaignID: camp.ID(), Title: camp.Title(lang), Period: q.Period}
	var pt *paytables.PayTable
	if camp.PayTable() != "" {
		if pt, _, err = s.PayTable(ctx, camp.PayTable(), 0); err != nil {
			return nil, err
		}
	}
	type rowKey struct{ worker, period, item string }
	rows := map[rowKey]*PaymentRow{}
	rates := map[rowKey]map[int64]bool{}
	n := 0
	err = s.eachLedgerEntry(ctx, f, func(le *LedgerEntry) error {
		if n++; n > maxPaymentEntries {
			return engine.Errorf(engine.ETOOLARGE, "more than %d ledger entries: choose a period or an org unit", maxPaymentEntries)
		}
		k := rowKey{le.WorkerID, le.Period, le.Item}
		row := rows[k]
		if row == nil {
			row = &PaymentRow{WorkerID: le.WorkerID, OrgUnit: engine.LastCode(le.WorkerOrgPath), Period: le.Period, Item: le.Item, ItemLabel: le.Item}
			if pt != nil {
				row.ItemLabel = pt.ItemLabel(le.Item, lang)
			}
			rows[k], rates[k] = row, map[int64]bool{}
		}
		row.add(le)
		if le.Reverses == "" {
			rates[k][le.AmountFen] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	names := s.e.Names(ctx)
	workers := map[string]*PaymentTotal{}
	units := map[string]*PaymentTotal{}
	for k, row := range rows {
		if len(rates[k]) == 1 {
			for r := range rates[k] {
				row.RateFen = r
			}
		}
		row.WorkerName, row.OrgName = names.User(row.WorkerID), names.Unit(row.OrgUnit)
		t.Rows = append(t.Rows, *row)
		if workers[row.WorkerID] == nil {
			workers[row.WorkerID] = &PaymentTotal{Key: row.WorkerID, Name: row.WorkerName}
		}
		workers[row.WorkerID].plus(row.PaymentAmounts)
		if units[row.OrgUnit] == nil {
			units[row.OrgUnit] = &PaymentTotal{Key: row.OrgUnit, Name: row.OrgName}
		}
		units[row.OrgUnit].plus(row.PaymentAmounts)
		t.Total.plus(row.PaymentAmounts)
	}
	order := func(i, j PaymentRow) bool {
		if i.OrgUnit != j.OrgUnit {
			return i.OrgUnit < j.OrgUnit
		}
		if i.WorkerName != j.WorkerName {
			return i.WorkerName < j.WorkerName
		}
		if i.WorkerID != j.WorkerID {
			return i.WorkerID < j.WorkerID
		}
		if i.Period != j.Period {
			return i.Period < j.Period
		}
		return itemIndex(pt, i.Item) < itemIndex(pt, j.Item)
	}
	sort.Slice(t.Rows, func(i, j int) bool { return order(t.Rows[i], t.Rows[j]) })
	t.Workers, t.OrgUnits = sortedTotals(workers), sortedTotals(units)
	locks, err := s.store.ListPeriodLocks(ctx, camp.ID())
	if err != nil {
		return nil, err
	}
	for _, l := range locks {
		t.Locked = append(t.Locked, l.Period)
	}
	return t, nil
}

func sortedTotals(m map[string]*PaymentTotal) []PaymentTotal {
	out := make([]PaymentTotal, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func itemIndex(pt *paytables.PayTable, item string) int {
	if pt != nil {
		for i, k := range pt.Items() {
			if k == item {
				return i
			}
		}
	}
	return 1 << 20
}

// paymentFilter checks the actor and builds the ledger filter of a
// payment query.
func (s *Service) paymentFilter(ctx context.Context, a *engine.Actor, campaignID, period, orgUnit, workerID string) (LedgerFilter, *campaigns.Campaign, error) {
	if err := a.Require(engine.RoleFinance, engine.RoleAdmin); err != nil {
		return LedgerFilter{}, nil, err
	}
	camp, _, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return LedgerFilter{}, nil, err
	}
	f := LedgerFilter{CampaignID: campaignID, WorkerID: workerID, OrgPaths: a.Scope()}
	if period != "" {
		if !ValidPeriod(period) {
			return LedgerFilter{}, nil, engine.PeriodError("a period is a quarter (2026-Q4) or a month (2026-11)")
		}
		f.Periods = []string{period}
	}
	if orgUnit != "" {
		u, err := s.store.GetOrgUnit(ctx, orgUnit)
		if err != nil {
			if engine.ErrorCode(err) == engine.ENOTFOUND {
				return LedgerFilter{}, nil, engine.Errorf(engine.ENOTFOUND, "org unit not found")
			}
			return LedgerFilter{}, nil, err
		}
		if f.OrgPaths, err = a.NarrowScope(u.Path); err != nil {
			return LedgerFilter{}, nil, err
		}
	}
	return f, camp, nil
}

// PaymentEntries is the drill-down behind an amount: one page of the
// ledger entries of a campaign matching worker, item and period in the
// actor's scope, each with its rule, inputs and record. Finance and admins.
func (s *Service) PaymentEntries(ctx context.Context, a *engine.Actor, campaignID, period, orgUnit, workerID, item string, p engine.Page) (*LedgerPage, error) {
	f, _, err := s.paymentFilter(ctx, a, campaignID, period, orgUnit, workerID)
	if err != nil {
		return nil, err
	}
	f.Item = item
	return s.store.ListLedger(ctx, f, p.Normalize())
}

// PaymentHeader is the header row of a payment-table export.
var PaymentHeader = []string{"单位", "人员", "期间", "项目", "数量", "单价（元）", "金额（元）", "奖励（元）", "扣减（元）", "合计（元）"}

// WritePayments writes the table to w, one row per worker × period ×
// item, amounts in yuan with two decimals, and a totals row ("合计").
func WritePayments(w tabular.Writer, t *PaymentTable) error {
	if err := w.Sheet("劳务报酬", PaymentHeader); err != nil {
		return err
	}
	for _, r := range t.Rows {
		var rate any
		if r.RateFen != 0 {
			rate = tabular.Fen(r.RateFen)
		}
		if err := w.Write([]any{r.OrgName, r.WorkerName, r.Period, r.ItemLabel, r.Count, rate,
			tabular.Fen(r.AmountFen), tabular.Fen(r.BonusFen), tabular.Fen(r.DeductionFen), tabular.Fen(r.TotalFen)}); err != nil {
			return err
		}
	}
	if err := w.Write([]any{"合计", nil, nil, nil, t.Total.Count, nil, tabular.Fen(t.Total.AmountFen), tabular.Fen(t.Total.BonusFen),
		tabular.Fen(t.Total.DeductionFen), tabular.Fen(t.Total.TotalFen)}); err != nil {
		return err
	}
	return w.Close()
}
