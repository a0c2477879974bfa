package studio

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"canvass/campaigns"
	"canvass/engine"
)

// openExample opens an example campaign with its files.
func openExample(t *testing.T, dir string) *CampaignDoc {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join("..", "..", "examples", dir, "*"))
	var camp string
	var src []byte
	var files []CampaignFile
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		switch {
		case strings.HasSuffix(name, ".campaign.yaml"):
			camp, src = name, b
		case strings.HasSuffix(name, ".form.json"):
			files = append(files, CampaignFile{engine.KindForm, name, b})
		case strings.HasSuffix(name, ".workflow.yaml"):
			files = append(files, CampaignFile{engine.KindWorkflow, name, b})
		case strings.HasSuffix(name, ".paytable.yaml"):
			files = append(files, CampaignFile{engine.KindPayTable, name, b})
		}
	}
	d, err := OpenCampaign(camp, src, files...)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return d
}

var exampleDirs = []string{"fertility-survey", "migrant-cleanup", "subsidy-review", "trainer-signup", "vital-events"}

// meaning is everything a campaign means, as the engine reads it.
func meaning(t *testing.T, src []byte) string {
	t.Helper()
	c, ds := campaigns.Load("x.campaign.yaml", src)
	if c == nil {
		t.Fatalf("does not load: %v\n%s", ds, src)
	}
	qc, hasQC := c.QC()
	var b strings.Builder
	b.WriteString(strings.Join([]string{c.ID(), c.Title("zh"), c.Title("en"), strings.Join(c.Forms(), ","), c.Workflow(), c.PayTable(), c.OrgScope(),
		c.RefTime().String(), c.Opens().String(), c.Closes().String(), c.Period()}, "|"))
	b.WriteString(fmtAny(hasQC, qc, len(c.Schedule())))
	if bu := c.Budget(); bu != nil {
		counts := map[string]int64{}
		for i, n := range bu.Counts() {
			counts[n.Name] = int64(7 + i)
		}
		lines, total, err := bu.Compute(counts)
		b.WriteString(fmtAny(bu.Inputs(), bu.Counts(), bu.Labels(), total, err))
		for _, l := range lines {
			b.WriteString(fmtAny(l.Key, l.Label, l.AmountFen))
		}
	}
	for _, ind := range c.Indicators() {
		b.WriteString(fmtAny(ind.ID, ind.Title, ind.NumeratorSrc, ind.DenominatorSrc, ind.Factor, ind.Target, ind.HasTarget, ind.HigherIsBetter, ind.Period))
	}
	for _, r := range c.Reports() {
		b.WriteString(fmtAny(r.ID, r.Title, r.Form, r.Level, r.Period, r.PeriodField, r.RemindBefore, r.RemindAfter, r.Roles))
	}
	return b.String()
}

func fmtAny(vs ...any) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("|")
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(sprint(v), "\n", " ")))
	}
	return b.String()
}

func TestQCEdit(t *testing.T) {
	tests := []struct {
		name     string
		example  string
		set      *QCSettings
		remove   bool
		wantCode string
		wantPtr  string
		wantPPM  int64
		wantMin  int
	}{
		{"five percent", "migrant-cleanup", &QCSettings{Percent: "5", Min: "1"}, false, "", "", 50000, 1},
		{"with percent sign", "migrant-cleanup", &QCSettings{Percent: " 12.5 % ", Min: ""}, false, "", "", 125000, 0},
		{"zero", "migrant-cleanup", &QCSettings{Percent: "0", Min: "1"}, false, CodeQCPercent, "/qc_percent", 0, 0},
		{"above 100", "migrant-cleanup", &QCSettings{Percent: "100.01", Min: "1"}, false, CodeQCPercent, "/qc_percent", 0, 0},
		{"three decimals", "migrant-cleanup", &QCSettings{Percent: "5.125", Min: "1"}, false, CodeQCPercent, "/qc_percent", 0, 0},
		{"not a number", "migrant-cleanup", &QCSettings{Percent: "五", Min: "1"}, false, CodeQCPercent, "/qc_percent", 0, 0},
		{"negative min", "migrant-cleanup", &QCSettings{Percent: "5", Min: "-1"}, false, CodeQCMin, "/qc_min", 0, 0},
		{"huge min", "migrant-cleanup", &QCSettings{Percent: "5", Min: strings.Repeat("9", 10000)}, false, CodeQCMin, "/qc_min", 0, 0},
		{"bad period", "migrant-cleanup", &QCSettings{Percent: "5", Min: "1", Period: "week"}, false, CodeBadPeriod, "/qc_period", 0, 0},
		{"remove used by pay", "fertility-survey", nil, true, CodeQCUsed, "/qc", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openExample(t, tt.example)
			before := d.Bytes()
			var err error
			if tt.remove {
				err = d.RemoveQC()
			} else {
				err = d.SetQC(*tt.set)
			}
			if tt.wantCode != "" {
				fs := engine.ErrorFields(err)
				if len(fs) == 0 || fs[0].Code != tt.wantCode || fs[0].Pointer != tt.wantPtr {
					t.Fatalf("got %v, want %s at %s", err, tt.wantCode, tt.wantPtr)
				}
				if string(d.Bytes()) != string(before) || d.Changed() {
					t.Errorf("a refused edit changed the file")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			q, ok := d.Campaign().QC()
			if !ok || q.SharePPM != tt.wantPPM || q.Min != tt.wantMin {
				t.Errorf("qc = %+v %v, want %d ppm min %d", q, ok, tt.wantPPM, tt.wantMin)
			}
		})
	}
	t.Run("message names the pay items", func(t *testing.T) {
		d := openExample(t, "fertility-survey")
		err := d.RemoveQC()
		if msg := engine.ErrorFields(err)[0].Message; !strings.Contains(msg, "抽查无问题奖励") || !strings.Contains(msg, "入户调查劳务补助") {
			t.Errorf("message %q does not name the items", msg)
		}
	})
	t.Run("remove when unused", func(t *testing.T) {
		d := openExample(t, "migrant-cleanup")
		if err := d.SetQC(QCSettings{Percent: "5", Min: "1"}); err != nil {
			t.Fatal(err)
		}
		if err := d.RemoveQC(); err != nil {
			t.Fatal(err)
		}
		if _, ok := d.Campaign().QC(); ok {
			t.Error("qc still set")
		}
	})
}

func TestBudgetView(t *testing.T) {
	d := openExample(t, "trainer-signup")
	v := d.Budget()
	if len(v.Inputs) != 2 || len(v.Counts) != 1 || len(v.Lines) != 4 {
		t.Fatalf("budget = %+v", v)
	}
	want := []string{
		"讲义费（笔记本、水性笔、资料袋）：单价 5.00 元 × planned 200 = 1,000.00 元",
		"午餐费：单价 10.00 元 × training_days 2 × signups（按记录统计）",
		"矿泉水：单价 1.00 元 × planned 200 × training_days 2 × 2 = 800.00 元",
		"培训横幅：100.00 元",
	}
	for i, l := range v.Lines {
		if got := v.LineText(l, "zh-CN"); got != want[i] {
			t.Errorf("line %d: got %q, want %q", i, got, want[i])
		}
	}
	if fen, partial := v.PlannedTotal(); fen != 100000+80000+10000 || !partial {
		t.Errorf("planned total %d %v", fen, partial)
	}
}

func TestBudgetEdit(t *testing.T) {
	type step func(d *CampaignDoc) error
	tests := []struct {
		name     string
		example  string
		steps    []step
		wantCode string
		wantPtr  string
		check    func(t *testing.T, d *CampaignDoc)
	}{
		{"add a fixed line to a campaign without budget", "migrant-cleanup", []step{
			func(d *CampaignDoc) error { return d.SetLine("", LineInput{LabelZH: "培训横幅", UnitYuan: "100"}) },
		}, "", "", func(t *testing.T, d *CampaignDoc) {
			lines, total, _ := d.Campaign().Budget().Compute(nil)
			if total != 10000 || lines[0].Key != "line1" {
				t.Errorf("total %d, lines %+v", total, lines)
			}
		}},
		{"input then line in yuan", "migrant-cleanup", []step{
			func(d *CampaignDoc) error { return d.SetLine("", LineInput{LabelZH: "横幅", UnitYuan: "100"}) },
			func(d *CampaignDoc) error {
				return d.SetInput("", BudgetInput{Name: "sample", LabelZH: "样本户数", LabelEN: "Sample"}, "300")
			},
			func(d *CampaignDoc) error {
				return d.SetLine("", LineInput{Key: "gifts", LabelZH: "入户慰问品", UnitYuan: "0.60", Factors: []string{"sample"}})
			},
		}, "", "", func(t *testing.T, d *CampaignDoc) {
			lines, total, _ := d.Campaign().Budget().Compute(nil)
			if total != 10000+18000 || lines[1].Rule != "fen(0.6) * sample" {
				t.Errorf("total %d, lines %+v", total, lines)
			}
			v := d.Budget()
			if got := v.LineText(v.Lines[1], "zh-CN"); got != "入户慰问品：单价 0.60 元 × 样本户数 300 = 180.00 元" {
				t.Errorf("text %q", got)
			}
		}},
		{"count of a form in states", "fertility-survey", []step{
			func(d *CampaignDoc) error {
				return d.SetCount("", BudgetCount{LabelZH: "已通过户数", Form: "fertility-household", States: []string{"accepted"}})
			},
		}, "", "", func(t *testing.T, d *CampaignDoc) {
			if got := d.Campaign().Budget().Labels()["count1"]["zh"]; got != "已通过户数" {
				t.Errorf("label %q", got)
			}
		}},
		{"input before any line", "migrant-cleanup", []step{
			func(d *CampaignDoc) error { return d.SetInput("", BudgetInput{LabelZH: "样本户数"}, "300") },
		}, CodeNeedsLine, "/input_name", nil},
		{"empty label", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.SetLine("", LineInput{LabelZH: " ", UnitYuan: "1"}) },
		}, CodeLabelRequired, "/line_label_zh", nil},
		{"10000-character label", "fertility-survey", []step{
			func(d *CampaignDoc) error {
				return d.SetLine("", LineInput{LabelZH: strings.Repeat("长", 10000), UnitYuan: "1"})
			},
		}, CodeTooLong, "/line_label_zh", nil},
		{"three decimals", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.SetLine("", LineInput{LabelZH: "x", UnitYuan: "0.605"}) },
		}, CodeBadAmount, "/line_unit", nil},
		{"negative amount", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.SetLine("", LineInput{LabelZH: "x", UnitYuan: "-1"}) },
		}, CodeBadAmount, "/line_unit", nil},
		{"unknown factor", "fertility-survey", []step{
			func(d *CampaignDoc) error {
				return d.SetLine("", LineInput{LabelZH: "x", UnitYuan: "1", Factors: []string{"nobody"}})
			},
		}, CodeUnknownName, "/line_factors", nil},
		{"duplicate key", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.SetLine("", LineInput{Key: "gifts", LabelZH: "x", UnitYuan: "1"}) },
		}, CodeNameTaken, "/line_key", nil},
		{"hostile key", "fertility-survey", []step{
			func(d *CampaignDoc) error {
				return d.SetLine("", LineInput{Key: "a; drop", LabelZH: "x", UnitYuan: "1"})
			},
		}, CodeBadName, "/line_key", nil},
		{"duplicate input name", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.SetInput("", BudgetInput{Name: "surveyed", LabelZH: "x"}, "1") },
		}, CodeNameTaken, "/input_name", nil},
		{"input not a whole number", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.SetInput("", BudgetInput{LabelZH: "x"}, "3.5") },
		}, CodeBadWhole, "/input_value", nil},
		{"count of a form not bound", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.SetCount("", BudgetCount{LabelZH: "x", Form: "other"}) },
		}, CodeUnknownForm, "/count_form", nil},
		{"count in a state the workflow lacks", "fertility-survey", []step{
			func(d *CampaignDoc) error {
				return d.SetCount("", BudgetCount{LabelZH: "x", Form: "fertility-household", States: []string{"nowhere"}})
			},
		}, CodeNoWorkflowState, "/count_states", nil},
		{"delete an input lines use", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.DeleteName("sample") },
		}, CodeNameInUse, "/name", nil},
		{"change an editable line", "fertility-survey", []step{
			func(d *CampaignDoc) error { return d.SetLine("gifts", LineInput{LabelZH: "x", UnitYuan: "1"}) },
		}, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := openExample(t, tt.example)
			var err error
			for _, s := range tt.steps {
				before := d.Bytes()
				if err = s(d); err != nil {
					if string(d.Bytes()) != string(before) {
						t.Errorf("a refused edit changed the file")
					}
					break
				}
			}
			if tt.wantCode != "" {
				fs := engine.ErrorFields(err)
				if len(fs) == 0 || fs[0].Code != tt.wantCode || fs[0].Pointer != tt.wantPtr {
					t.Fatalf("got %v %+v, want %s at %s", err, fs, tt.wantCode, tt.wantPtr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func TestBudgetReadOnlyLine(t *testing.T) {
	src := []byte("id: c\ntitle: 标题\nforms: [f]\nworkflow: w\norg_scope: \"341299\"\nreference_time: 2026-12-06\nbudget:\n  inputs: {a: 3}\n  lines:\n    - {key: odd, label: {zh: 奇怪}, amount: \"a > 2 ? fen(5) : fen(1)\"}\n")
	d, err := OpenCampaign("c.campaign.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	l := d.Budget().Lines[0]
	if l.Editable {
		t.Fatal("a conditional amount is editable")
	}
	err = d.SetLine("odd", LineInput{LabelZH: "x", UnitYuan: "1"})
	if fs := engine.ErrorFields(err); len(fs) == 0 || fs[0].Code != CodeReadOnly {
		t.Fatalf("got %v", err)
	}
	if err := d.SetLine("", LineInput{LabelZH: "横幅", UnitYuan: "100"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(d.Bytes()), "a > 2 ? fen(5) : fen(1)") {
		t.Errorf("the read-only line was rewritten:\n%s", d.Bytes())
	}
}

func sprint(v any) string { return fmt.Sprintf("%+v", v) }

func TestQCAsShownKeepsAFinerShare(t *testing.T) {
	src := []byte("id: c\ntitle: 标题\nforms: [f]\nworkflow: w\norg_scope: \"341299\"\nreference_time: 2026-12-06\nqc: {share: 0.123456, min: 2}\n")
	d, err := OpenCampaign("c.campaign.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	q := d.QC()
	if q.Percent != "12.3456" {
		t.Fatalf("percent %q", q.Percent)
	}
	if err := d.SetQC(q); err != nil || d.Changed() {
		t.Fatalf("saving as shown: %v, changed %v", err, d.Changed())
	}
	q.Percent = "12.34567"
	if err := d.SetQC(q); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("a changed share with five decimals: %v", err)
	}
}
