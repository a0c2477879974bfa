package paytables

import (
	"os"
	"path/filepath"
	"testing"
)

func loadExample(t *testing.T, path string) *PayTable {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pt, ds := Load(filepath.Base(path), src)
	if pt == nil {
		t.Fatalf("%s: %v", path, ds)
	}
	return pt
}

// TestExplainExamples explains every item of the examples' tables in
// both languages, from the tables' own names.
func TestExplainExamples(t *testing.T) {
	want := map[string]map[string][2]string{
		"fertility-survey/fertility-survey-pay": {
			"household_surveyed": {"入户调查劳务补助：每户 50.00 元；抽查发现问题则扣发", "Household surveyed: 50.00 yuan per household; withheld when a spot check finds a problem"},
			"spot_check_bonus":   {"抽查无问题奖励：每户 50.00 元；抽查发现问题则扣发", "Spot check passed: 50.00 yuan per household; withheld when a spot check finds a problem"},
			"supervisor_day":     {"指导员入户指导核查补助：每天 50.00 元", "Supervisor day in the field: 50.00 yuan per day"},
		},
		"migrant-cleanup/migrant-cleanup-pay": {
			"collected": {"信息采集：每条 0.50 元", "Collected: 0.50 yuan per record"},
			"entered":   {"系统录入：每条 1.00 元", "Entered: 1.00 yuan per record"},
			"verified":  {"核查合格：每条 1.50 元", "Passed the township check: 1.50 yuan per record"},
		},
		"subsidy-review/subsidy-review-pay": {
			"eligibility_checked": {"奖励对象清理核查采集：每条 5.00 元", "Eligibility checked: 5.00 yuan per record"},
			"eligibility_entered": {"奖励对象清理核查录入：每条 5.00 元", "Eligibility check entered: 5.00 yuan per record"},
		},
		"trainer-signup/census-training-pay": {
			"lecture_day": {"授课补助：每天 100.00 元", "Lecturer day: 100.00 yuan per day"},
		},
		"vital-events/vital-events-pay": {
			"marriage_collected":  {"人口新婚采集：每条 5.00 元；仅限「vital-event」的记录；仅当「eventType」为“marriage”时", "Marriage collected: 5.00 yuan per record; records of “vital-event” only; only when “eventType” is “marriage”"},
			"marriage_entered":    {"人口新婚录入：每条 3.00 元；仅限「vital-event」的记录；仅当「eventType」为“marriage”时", "Marriage entered: 3.00 yuan per record; records of “vital-event” only; only when “eventType” is “marriage”"},
			"birth_collected":     {"人口出生采集：每条 5.00 元；仅限「vital-event」的记录；仅当「eventType」为“birth”时", "Birth collected: 5.00 yuan per record; records of “vital-event” only; only when “eventType” is “birth”"},
			"birth_entered":       {"人口出生录入：每条 3.00 元；仅限「vital-event」的记录；仅当「eventType」为“birth”时", "Birth entered: 3.00 yuan per record; records of “vital-event” only; only when “eventType” is “birth”"},
			"death_collected":     {"人口死亡采集：每条 5.00 元；仅限「vital-event」的记录；仅当「eventType」为“death”时", "Death collected: 5.00 yuan per record; records of “vital-event” only; only when “eventType” is “death”"},
			"death_entered":       {"人口死亡录入：每条 3.00 元；仅限「vital-event」的记录；仅当「eventType」为“death”时", "Death entered: 3.00 yuan per record; records of “vital-event” only; only when “eventType” is “death”"},
			"eligibility_checked": {"奖励对象清理核查采集：每条 5.00 元；仅限「eligibility-check」的记录", "Recipient checked: 5.00 yuan per record; records of “eligibility-check” only"},
			"eligibility_entered": {"奖励对象清理核查录入：每条 5.00 元；仅限「eligibility-check」的记录", "Recipient check entered: 5.00 yuan per record; records of “eligibility-check” only"},
		},
		"migrant-grid/migrant-grid-pay": {
			"collected": {"成功采集：每条 0.50 元", "Collected: 0.50 yuan per record"},
			"entered":   {"成功录入：每条 1.00 元", "Entered: 1.00 yuan per record"},
			"approved":  {"通过审核并合格：每条 1.50 元", "Approved: 1.50 yuan per record"},
		},
	}
	files, _ := filepath.Glob("../examples/*/*.paytable.yaml")
	if len(files) != len(want) {
		t.Fatalf("found %d example pay tables, want %d", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f[:len(f)-len(".paytable.yaml")])
		items, ok := want[name]
		if !ok {
			t.Errorf("%s: no expected explanations", name)
			continue
		}
		pt := loadExample(t, f)
		if got := len(pt.Items()); got != len(items) {
			t.Errorf("%s: %d items, want explanations of %d", name, got, len(items))
		}
		for _, key := range pt.Items() {
			w, ok := items[key]
			if !ok {
				t.Errorf("%s: item %s has no expected explanation", name, key)
				continue
			}
			if got := pt.Explain(key, "zh", nil); got != w[0] {
				t.Errorf("%s %s zh:\n got %s\nwant %s", name, key, got, w[0])
			}
			if got := pt.Explain(key, "en", nil); got != w[1] {
				t.Errorf("%s %s en:\n got %s\nwant %s", name, key, got, w[1])
			}
		}
	}
}

func TestExplainWithNames(t *testing.T) {
	pt := loadExample(t, "../examples/vital-events/vital-events-pay.paytable.yaml")
	names := &Names{
		Form:  func(id, lang string) string { return map[string]string{"vital-event": "人口变动登记"}[id] },
		Field: func(form, field, lang string) string { return map[string]string{"eventType": "事件类型"}[field] },
		Value: func(form, field, value, lang string) string { return map[string]string{"birth": "出生"}[value] },
	}
	if got, want := pt.Explain("birth_collected", "zh", names), "人口出生采集：每条 5.00 元；仅限「人口变动登记」的记录；仅当「事件类型」为“出生”时"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := pt.ExplainPayee("birth_entered", "zh"), "已录入时，付给办理人（须为调查员）"; got != want {
		t.Errorf("payee: got %s, want %s", got, want)
	}
	if got, want := ExplainCap(pt.Caps()[0], "zh"), "调查员每季度最多 3000.00 元"; got != want {
		t.Errorf("cap: got %s, want %s", got, want)
	}
	if got, want := ExplainCap(pt.Caps()[0], "en"), "a field worker earns at most 3000.00 yuan per quarter"; got != want {
		t.Errorf("cap en: got %s, want %s", got, want)
	}
	if got := pt.Explain("nope", "zh", nil); got != "" {
		t.Errorf("unknown item: %q", got)
	}
}

func TestExplainConditions(t *testing.T) {
	src := `id: t
title: {zh: 测试}
effective_from: 2026-11-01
period: month
items:
  - {key: a, label: {zh: 甲}, on: record.accepted, pays: creator, role: field_worker, when: "qc != 'problem'", amount: 1}
  - {key: b, label: {zh: 乙}, on: record.accepted, pays: creator, role: field_worker, when: qc == "pass", amount: 100}
  - {key: c, on: record.approved, pays: actor, role: reviewer, when: "count > 1", amount_expr: "count * fen(0.5)"}
  - {key: d, label: {zh: 丁}, on: record.submitted, pays: creator, role: field_worker, amount_expr: "fen(2) * count + 1"}
`
	pt, ds := Load("t.paytable.yaml", []byte(src))
	if pt == nil {
		t.Fatal(ds)
	}
	for key, want := range map[string]string{
		"a": "甲：每条 0.01 元；抽查已发现问题的记录不发",
		"b": "乙：每条 1.00 元；仅限抽查通过的记录",
		"c": "c：每条 0.50 元；条件：count > 1",
		"d": "丁：金额按公式 fen(2) * count + 1 计算（单位：分）",
	} {
		if got := pt.Explain(key, "zh", nil); got != want {
			t.Errorf("%s: got %s, want %s", key, got, want)
		}
	}
	for _, ev := range Events {
		if EventName(ev, "zh") == ev || EventName(ev, "en") == ev || EventHint(ev, "zh") == "" || EventHint(ev, "en") == "" {
			t.Errorf("event %s has no name or hint in both languages", ev)
		}
	}
	for _, r := range Roles {
		if RoleName(r, "zh") == r {
			t.Errorf("role %s has no Chinese name", r)
		}
	}
	if fen, ok := PerUnitFen("fen(0.05) * count"); !ok || fen != 5 {
		t.Errorf("PerUnitFen = %d, %v", fen, ok)
	}
}

func TestExplainInputs(t *testing.T) {
	names := &Names{
		Field: func(form, field, lang string) string { return map[string]string{"eventType": "变动类型"}[field] },
		Value: func(form, field, value, lang string) string { return map[string]string{"birth": "出生"}[value] },
	}
	for _, tt := range []struct {
		in   map[string]any
		lang string
		want string
	}{
		{map[string]any{"event": "record.accepted", "count": 1, "qc": "", "answers.eventType": "birth"}, "zh", "记录通过，1 条；抽查结果：未抽查；「变动类型」：出生"},
		{map[string]any{"event": "attendance.day", "count": 2.0, "cap_fen": 40000.0, "paid_before_fen": 30000.0, "uncapped_fen": 20000.0}, "zh",
			"出勤一天，2 天；按上限 400.00 元封顶（此前已得 300.00 元，原应 200.00 元）"},
		{map[string]any{"event": "qc.problem", "earned_in_period": "2026-10", "other": true}, "en", "spot check found a problem; earned in 2026-10, which was locked; other=true"},
		{map[string]any{"event": "record.accepted", "count": 1, "answers.eventType": nil}, "en", "record accepted, 1 record; “变动类型”: unanswered"},
	} {
		if got := ExplainInputs(tt.in, "vital-event", tt.lang, names); got != tt.want {
			t.Errorf("%v:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
