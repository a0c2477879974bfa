package server

import (
	"slices"

	"github.com/gofiber/fiber/v3"

	"canvass/campaigns"
	"canvass/engine/pay"
)

// financeBudget is the budget box: each line in words and yuan, the
// counts it read, and the budget against what the ledger has paid.
type financeBudget struct {
	Lines  []financeBudgetLine
	Counts []string // "已通过户数 212"
	Total  string
	Paid   string // labour pay in the ledger for the campaign, in scope
	Left   string // Total − Paid
	Over   bool
}

// financeBudget builds the budget box of a campaign; nil when it has no
// budget or the actor may not see it. paidFen is what the ledger holds.
func (s *Server) financeBudget(c fiber.Ctx, p *pageData, campaignID string, paidFen int64) *financeBudget {
	b, err := s.pay.CampaignBudget(c.Context(), actorOf(c), campaignID)
	if err != nil {
		return nil
	}
	lang := textLangOf(p.Lang)
	out := &financeBudget{Total: campaigns.FormatYuan(b.TotalFen), Paid: campaigns.FormatYuan(paidFen),
		Left: campaigns.FormatYuan(b.TotalFen - paidFen), Over: paidFen > b.TotalFen}
	for i, l := range b.Lines {
		out.Lines = append(out.Lines, financeBudgetLine{Name: l.Label.In(lang), Text: b.LineText(i, lang), Amount: campaigns.FormatYuan(l.AmountFen)})
	}
	names := make([]string, 0, len(b.Counts))
	for n := range b.Counts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		out.Counts = append(out.Counts, p.T("finance.budget.count", b.CountLabel(n, lang), b.Counts[n]))
	}
	return out
}

// campaignPaidFen is the campaign's labour pay in the ledger, in the
// actor's scope, every period.
func (s *Server) campaignPaidFen(c fiber.Ctx, campaignID string) int64 {
	t, err := s.pay.Payments(c.Context(), actorOf(c), pay.PaymentQuery{CampaignID: campaignID})
	if err != nil {
		return 0
	}
	return t.Total.TotalFen
}
