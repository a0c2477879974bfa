package pay

import (
	"strings"
	"testing"
)

// TestExplainEntry: each kind of ledger line reads in words, with no
// expression, event code or ledger key in it.
func TestExplainEntry(t *testing.T) {
	pt := examplePayTable(t, "fertility-survey/fertility-survey-pay.paytable.yaml")
	item := pt.Items()[0]
	paid := &LedgerEntry{Item: item, PayTableVersion: 2, Period: "2026-12", AmountFen: 5000,
		Rule: "5000", Inputs: map[string]any{"event": "record.accepted", "count": 1, "qc": ""}}
	tests := []struct {
		name  string
		entry *LedgerEntry
		lang  string
		want  []string // in Rule, Inputs or Version
	}{
		{"a payment", paid, "zh-CN", []string{"每户 50.00 元", "记录通过，1", "抽查结果：未抽查", "第 2 版"}},
		{"a payment, in English", paid, "en", []string{"50.00 yuan per", "record accepted", "version 2"}},
		{"a withholding", &LedgerEntry{Item: item, PayTableVersion: 2, Period: "2026-12", AmountFen: -5000, Reverses: "x",
			Rule: "withheld: qc.problem", Reason: "withheld: qc.problem", Inputs: map[string]any{"event": "qc.problem"}}, "zh-CN",
			[]string{"抽查发现问题，扣回此前发放的 50.00 元"}},
		{"a reversal moved past a locked period", &LedgerEntry{Item: item, PayTableVersion: 2, Period: "2027-01", AmountFen: -5000, Reverses: "x",
			Rule: "reversal of r/w/i", Reason: "同一户重复登记", Inputs: map[string]any{"reverses_key": "r/w/i", "original_period": "2026-12", "original_fen": 5000}}, "zh-CN",
			[]string{"冲销 2026-12 期的一笔 50.00 元", "（2026-12 期已锁定，记入 2027-01 期）", "原因：同一户重复登记"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := explainEntry(tt.entry, pt, tt.lang, nil)
			all := x.Rule + " | " + x.Payee + " | " + x.Inputs + " | " + x.Version
			for _, want := range tt.want {
				if !strings.Contains(all, want) {
					t.Errorf("got %q, want it to hold %q", all, want)
				}
			}
			for _, code := range []string{"qc.problem", "record.accepted", "withheld:", "reverses_key", "original_fen", "fen(", "r/w/i"} {
				if strings.Contains(all, code) {
					t.Errorf("%q shows code %q", all, code)
				}
			}
		})
	}
	if x := explainEntry(paid, nil, "zh-CN", nil); x.Rule != item || !strings.Contains(x.Version, "第 2 版") {
		t.Errorf("without its table: %+v", x)
	}
}

// TestNewPayroll: one number per person, the person's total on their
// first line, counts net of reversals, totals that add up.
func TestNewPayroll(t *testing.T) {
	tab := &PaymentTable{Title: "调查", Period: "2026-12",
		Rows: []PaymentRow{
			{WorkerID: "a", WorkerName: "甲", OrgName: "东村", Period: "2026-12", ItemLabel: "入户", RateFen: 5000,
				PaymentAmounts: PaymentAmounts{Count: 2, AmountFen: 10000, DeductionFen: -5000, TotalFen: 5000, Reversed: 1}},
			{WorkerID: "a", WorkerName: "甲", OrgName: "东村", Period: "2026-12", ItemLabel: "奖励", RateFen: 5000,
				PaymentAmounts: PaymentAmounts{Count: 1, BonusFen: 5000, TotalFen: 5000}},
			{WorkerID: "b", WorkerName: "乙", OrgName: "西村", Period: "2026-12", ItemLabel: "入户", RateFen: 5000,
				PaymentAmounts: PaymentAmounts{Count: 1, AmountFen: 5000, TotalFen: 5000}},
		},
		Workers: []PaymentTotal{{Key: "a", PaymentAmounts: PaymentAmounts{TotalFen: 10000}}, {Key: "b", PaymentAmounts: PaymentAmounts{TotalFen: 5000}}},
	}
	p := NewPayroll(tab, "清河区", "zh-CN")
	type line struct {
		seq       int
		count     int64
		amount    int64
		person    int64
		hasPerson bool
	}
	want := []line{{1, 1, 5000, 10000, true}, {0, 1, 5000, 0, false}, {2, 1, 5000, 5000, true}}
	if len(p.Lines) != len(want) {
		t.Fatalf("%d lines", len(p.Lines))
	}
	for i, l := range p.Lines {
		if got := (line{l.Seq, l.Count, l.AmountFen, l.PersonTotalFen, l.HasPersonTotal}); got != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, got, want[i])
		}
	}
	if p.Count != 3 || p.TotalFen != 15000 || !strings.Contains(p.PayrollSubtitle(), "单位：清河区") {
		t.Errorf("payroll %+v, %q", p, p.PayrollSubtitle())
	}
}
