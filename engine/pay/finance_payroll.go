package pay

import (
	"fmt"
	"strings"

	"canvass/engine/tabular"
)

// Payroll is a 劳务报酬发放表: the sheet finance prints, has each person
// sign, and files. One line per person and item, numbered per person,
// with the person's total on their first line and a totals line.
type Payroll struct {
	Title    string // 劳务报酬发放表
	Campaign string
	Period   string // "" for every period
	Unit     string // the unit the sheet is for
	Lines    []PayrollLine
	Count    int64 // payments that stand, all lines
	TotalFen int64
}

// PayrollLine is one person × item (× period, when the sheet spans
// several).
type PayrollLine struct {
	Seq       int // the person's number; 0 on their further lines
	WorkerID  string
	Name      string
	IDNumber  string // masked unless the reader may reveal it; "" when unknown
	Unit      string
	Item      string
	Count     int64 // payments that stand
	RateFen   int64 // 0 when the payments differ
	AmountFen int64
	// PersonTotalFen is the person's total, on their first line only
	// (HasPersonTotal).
	PersonTotalFen int64
	HasPersonTotal bool
}

// NewPayroll arranges a payment table as a payroll for unit, in lang.
func NewPayroll(t *PaymentTable, unit, lang string) *Payroll {
	p := &Payroll{Title: "劳务报酬发放表", Campaign: t.Title, Period: t.Period, Unit: unit}
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		p.Title = "Labour payment sheet"
	}
	periods := map[string]bool{}
	for _, r := range t.Rows {
		periods[r.Period] = true
	}
	seq, last := 0, ""
	for _, r := range t.Rows {
		item := r.ItemLabel
		if len(periods) > 1 {
			item += "（" + r.Period + "）"
		}
		line := PayrollLine{WorkerID: r.WorkerID, Name: r.WorkerName, Unit: r.OrgName, Item: item,
			Count: r.NetCount(), RateFen: r.RateFen, AmountFen: r.TotalFen}
		if r.WorkerID != last {
			seq++
			line.Seq, last = seq, r.WorkerID
			for _, w := range t.Workers {
				if w.Key == r.WorkerID {
					line.PersonTotalFen, line.HasPersonTotal = w.TotalFen, true
				}
			}
		}
		p.Lines = append(p.Lines, line)
		p.Count += line.Count
		p.TotalFen += line.AmountFen
	}
	return p
}

// PayrollHeader is the header row of a payroll sheet.
var PayrollHeader = []string{"序号", "姓名", "身份证号码", "单位", "项目", "数量", "单价（元）", "金额（元）", "合计（元）", "签字"}

// PayrollSubtitle is the line under the title: campaign, period, unit.
func (p *Payroll) PayrollSubtitle() string {
	period := p.Period
	if period == "" {
		period = "全部"
	}
	return fmt.Sprintf("工作项目：%s　期间：%s　单位：%s", p.Campaign, period, p.Unit)
}

// WritePayroll writes the payroll: the title, the campaign, period and
// unit, the header, the lines and a totals line. Counts are numbers and
// money is tabular.Fen (a number of yuan, format 0.00, in XLSX); the 签字
// column is left blank for the signature.
func WritePayroll(w tabular.Writer, p *Payroll) error {
	if err := w.Sheet("劳务报酬发放表", []string{p.Title}); err != nil {
		return err
	}
	rows := [][]any{{p.PayrollSubtitle()}, anyRow(PayrollHeader)}
	for _, l := range p.Lines {
		var seq, rate, total any
		if l.Seq > 0 {
			seq = l.Seq
		}
		if l.RateFen != 0 {
			rate = tabular.Fen(l.RateFen)
		}
		if l.HasPersonTotal {
			total = tabular.Fen(l.PersonTotalFen)
		}
		rows = append(rows, []any{seq, l.Name, l.IDNumber, l.Unit, l.Item, l.Count, rate, tabular.Fen(l.AmountFen), total, ""})
	}
	rows = append(rows, []any{"合计", nil, nil, nil, nil, p.Count, nil, tabular.Fen(p.TotalFen), tabular.Fen(p.TotalFen), nil})
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	return w.Close()
}

func anyRow(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
