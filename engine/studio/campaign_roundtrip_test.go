package studio

import (
	"strconv"
	"strings"
	"testing"
)

// TestCampaignEditorsRoundTrip: each of the five example campaigns, opened
// in the 抽查, 预算 and 指标与报表 editors and saved with every entry as the
// editors show it, is left byte for byte as it was; and after every entry
// is changed and changed back — which rewrites the file — it means exactly
// what it meant.
func TestCampaignEditorsRoundTrip(t *testing.T) {
	for _, dir := range exampleDirs {
		t.Run(dir, func(t *testing.T) {
			d := openExample(t, dir)
			orig := d.Bytes()
			want := meaning(t, orig)
			saveAsShown(t, d)
			if d.Changed() || string(d.Bytes()) != string(orig) {
				t.Fatalf("saving without changes rewrote the file:\n%s", d.Bytes())
			}
			changeAndRevert(t, d)
			if got := meaning(t, d.Bytes()); got != want {
				t.Errorf("the campaign changed:\n got %s\nwant %s\n%s", got, want, d.Bytes())
			}
		})
	}
}

// saveAsShown saves every entry of the three tabs as the page shows it.
func saveAsShown(t *testing.T, d *CampaignDoc) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if q := d.QC(); q.On {
		must(d.SetQC(q))
	}
	v := d.Budget()
	for _, in := range v.Inputs {
		must(d.SetInput(in.Name, in, itoa(in.Value)))
	}
	for _, c := range v.Counts {
		must(d.SetCount(c.Name, c))
	}
	for _, l := range v.Lines {
		if l.Editable {
			must(d.SetLine(l.Key, lineInputOf(l)))
		}
	}
	for _, ind := range d.Indicators() {
		if ind.Editable {
			must(d.SetIndicator(ind.ID, ind))
		}
	}
	for _, r := range d.Reports() {
		must(d.SetReport(r.ID, r))
	}
}

// changeAndRevert changes every entry and puts it back.
func changeAndRevert(t *testing.T, d *CampaignDoc) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if q := d.QC(); q.On {
		must(d.SetQC(QCSettings{On: true, Percent: "50", Min: "3"}))
		must(d.SetQC(q))
	}
	v := d.Budget()
	for _, in := range v.Inputs {
		must(d.SetInput(in.Name, in, itoa(in.Value+1)))
		must(d.SetInput(in.Name, in, itoa(in.Value)))
	}
	for _, c := range v.Counts {
		changed := c
		changed.States = nil
		must(d.SetCount(c.Name, changed))
		must(d.SetCount(c.Name, c))
	}
	for _, l := range v.Lines {
		if !l.Editable {
			continue
		}
		in := lineInputOf(l)
		changed := in
		changed.UnitYuan = "123.45"
		must(d.SetLine(l.Key, changed))
		must(d.SetLine(l.Key, in))
	}
	for _, ind := range d.Indicators() {
		if !ind.Editable {
			continue
		}
		changed := ind
		changed.Target = "12.5"
		must(d.SetIndicator(ind.ID, changed))
		must(d.SetIndicator(ind.ID, ind))
	}
	for _, r := range d.Reports() {
		changed := r
		changed.TitleZH = "临时"
		changed.After = "2"
		must(d.SetReport(r.ID, changed))
		must(d.SetReport(r.ID, r))
	}
	if !d.Changed() && (d.QC().On || len(v.Lines) > 0 || len(d.Indicators()) > 0) {
		t.Error("changing entries did not rewrite the file")
	}
}

func lineInputOf(l BudgetLine) LineInput {
	m := ""
	if l.Multiple > 1 {
		m = itoa(l.Multiple)
	}
	return LineInput{Key: l.Key, LabelZH: l.LabelZH, LabelEN: l.LabelEN, UnitYuan: strings.ReplaceAll(FormatYuan(l.UnitFen), ",", ""), Factors: l.Factors, Multiple: m}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
