package studio

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"canvass/engine"
	"canvass/examples"
	"canvass/paytables"
)

func examplePayTables(t *testing.T) map[string][]byte {
	t.Helper()
	files, _ := filepath.Glob("../../examples/*/*.paytable.yaml")
	want := 0 // the examples that pay per record have a pay table
	for _, c := range examples.Campaigns() {
		for _, f := range c.Files {
			if f.Kind == "paytable" {
				want++
			}
		}
	}
	if len(files) != want || want < 5 {
		t.Fatalf("found %d example pay tables, want %d", len(files), want)
	}
	out := map[string][]byte{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = src
	}
	return out
}

// sameData reports whether two YAML documents hold the same data.
func sameData(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := yaml.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &y); err != nil {
		t.Fatalf("%v in\n%s", err, b)
	}
	return reflect.DeepEqual(x, y)
}

// TestPayTableRoundTrip opens each example's pay table and writes it back
// unchanged: the same data, loading to the same table (every item
// explained the same way), in the house style.
func TestPayTableRoundTrip(t *testing.T) {
	for name, src := range examplePayTables(t) {
		t.Run(name, func(t *testing.T) {
			doc, err := OpenPayTable(src)
			if err != nil {
				t.Fatal(err)
			}
			out := doc.Bytes()
			if !sameData(t, src, out) {
				t.Fatalf("data changed:\n%s", out)
			}
			want, _ := paytables.Load(name, src)
			got, ds := paytables.Load(name, out)
			if got == nil {
				t.Fatalf("saved table does not load: %v\n%s", ds, out)
			}
			if !slices.Equal(got.Items(), want.Items()) || got.EffectiveFrom() != want.EffectiveFrom() ||
				got.PeriodKind() != want.PeriodKind() || !reflect.DeepEqual(got.Caps(), want.Caps()) || got.Title("en") != want.Title("en") {
				t.Fatalf("table changed:\n%s", out)
			}
			for _, k := range want.Items() {
				for _, lang := range []string{"zh", "en"} {
					if g, w := got.Explain(k, lang, nil), want.Explain(k, lang, nil); g != w {
						t.Errorf("%s: %s, want %s", k, g, w)
					}
				}
			}
			again, err := OpenPayTable(out)
			if err != nil {
				t.Fatal(err)
			}
			if string(again.Bytes()) != string(out) {
				t.Errorf("second save differs:\n%s\n---\n%s", again.Bytes(), out)
			}
			if strings.Contains(string(out), `"on"`) || strings.Contains(string(out), `"20`) {
				t.Errorf("not the house style:\n%s", out)
			}
			// Every item an example has that the choices can say reads
			// back as it is; the answer conditions are read-only.
			for _, it := range doc.Items() {
				if it.ReadOnly != strings.HasPrefix(it.When, "answers.") {
					t.Errorf("%s: read-only %v (%s)", it.Key, it.ReadOnly, it.Note)
				}
				if !it.ReadOnly {
					if err := doc.UpdateItem(it.Key, it); err != nil {
						t.Errorf("%s saved as read: %v", it.Key, err)
					}
				}
			}
			if !sameData(t, src, doc.Bytes()) {
				t.Errorf("updating items with what they hold changed the data:\n%s", doc.Bytes())
			}
		})
	}
}

func fertility(t *testing.T) *PayTableDoc {
	t.Helper()
	doc, err := OpenPayTable(examplePayTables(t)["fertility-survey-pay.paytable.yaml"])
	if err != nil {
		t.Fatal(err)
	}
	doc.Forms = []string{"fertility-household"}
	return doc
}

func TestPayTableItemsRead(t *testing.T) {
	items := fertility(t).Items()
	want := []PayItem{
		{Key: "household_surveyed", LabelZH: "入户调查劳务补助", LabelEN: "Household surveyed", On: "record.accepted", Pays: "creator", Role: "field_worker", Amount: "50.00", Condition: PayCondWithhold, UnitZH: "户", UnitEN: "household"},
		{Key: "spot_check_bonus", LabelZH: "抽查无问题奖励", LabelEN: "Spot check passed", On: "qc.pass", Pays: "creator", Role: "field_worker", Amount: "50.00", Condition: PayCondWithhold, UnitZH: "户", UnitEN: "household"},
		{Key: "supervisor_day", LabelZH: "指导员入户指导核查补助", LabelEN: "Supervisor day in the field", On: "attendance.day", Pays: "actor", Role: "supervisor", Amount: "50.00"},
	}
	if !reflect.DeepEqual(items, want) {
		t.Errorf("got %+v\nwant %+v", items, want)
	}
}

func TestPayTableOperations(t *testing.T) {
	doc := fertility(t)
	key, err := doc.AddItem(PayItem{LabelZH: "录入补助", LabelEN: "Entry pay", On: "record.entered", Pays: "actor", Role: "field_worker", Amount: "1", Condition: PayCondSkipProblem, UnitZH: "人"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if key != "entry_pay" {
		t.Errorf("key %s", key)
	}
	pt, ds := doc.Load()
	if pt == nil {
		t.Fatal(ds)
	}
	if got := pt.Items(); !slices.Equal(got, []string{"household_surveyed", "entry_pay", "spot_check_bonus", "supervisor_day"}) {
		t.Errorf("items %v", got)
	}
	if got, want := pt.Explain("entry_pay", "zh", nil), "录入补助：每人 1.00 元；抽查已发现问题的记录不发"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// The supervisor day's formula becomes a plain amount only when it changes.
	sup, _ := doc.Item("supervisor_day")
	sup.Amount = "60"
	if err := doc.UpdateItem("supervisor_day", sup); err != nil {
		t.Fatal(err)
	}
	if s := string(doc.Bytes()); strings.Contains(s, "amount_expr") || !strings.Contains(s, "amount: 6000") {
		t.Errorf("amount not rewritten:\n%s", s)
	}
	if err := doc.MoveItem("supervisor_day", 0); err != nil {
		t.Fatal(err)
	}
	if err := doc.SetCap("field_worker", "3,000.00 元"); err != nil {
		t.Fatal(err)
	}
	if err := doc.SetSettings(PaySettings{TitleZH: "调查补助", EffectiveFrom: "2026-11-25", Period: "quarter"}); err != nil {
		t.Fatal(err)
	}
	pt, ds = doc.Load()
	if pt == nil {
		t.Fatal(ds)
	}
	if c, ok := pt.CapFor("field_worker"); !ok || c.MaxFen != 300000 || c.Period != "quarter" {
		t.Errorf("cap %+v", c)
	}
	if pt.Items()[0] != "supervisor_day" || pt.Title("en") != "调查补助" || pt.PeriodKind() != "quarter" {
		t.Errorf("items %v title %s", pt.Items(), pt.Title("en"))
	}
	if !strings.Contains(string(doc.Bytes()), "  - {role: field_worker, period: quarter, max: 300000}\n") {
		t.Errorf("cap line:\n%s", doc.Bytes())
	}
	// Withholding off: when and withheld_on go.
	hs, _ := doc.Item("household_surveyed")
	hs.Condition = PayCondNone
	if err := doc.UpdateItem("household_surveyed", hs); err != nil {
		t.Fatal(err)
	}
	if s := string(doc.Bytes()); strings.Count(s, "withheld_on") != 1 || strings.Count(s, "when:") != 1 {
		t.Errorf("condition not removed:\n%s", s)
	}
	for _, k := range []string{"household_surveyed", "spot_check_bonus", "supervisor_day"} {
		if err := doc.DeleteItem(k); err != nil {
			t.Fatal(err)
		}
	}
	assertProblem(t, doc.DeleteItem("entry_pay"), "/key", CodePayLastItem)
	if s := string(doc.Bytes()); !strings.Contains(s, "caps:") {
		t.Errorf("the cap on field workers went although an item pays them:\n%s", s)
	}
	if err := doc.SetCap("supervisor", "10"); err == nil {
		t.Error("a cap on a role no item pays was accepted")
	}
}

func TestPayTableBadInput(t *testing.T) {
	good := PayItem{LabelZH: "补助", On: "record.accepted", Pays: "creator", Role: "field_worker", Amount: "1.00"}
	with := func(f func(*PayItem)) PayItem { it := good; f(&it); return it }
	for _, tt := range []struct {
		name      string
		item      PayItem
		ptr, code string
	}{
		{"three decimals", with(func(i *PayItem) { i.Amount = "1.005" }), "/amount", CodePayDecimals},
		{"negative", with(func(i *PayItem) { i.Amount = "-5" }), "/amount", CodePayNegative},
		{"absurd", with(func(i *PayItem) { i.Amount = "50000" }), "/amount", CodePayTooLarge},
		{"huge", with(func(i *PayItem) { i.Amount = "99999999999999999999999" }), "/amount", CodePayTooLarge},
		{"not a number", with(func(i *PayItem) { i.Amount = "五十" }), "/amount", CodePayBadAmount},
		{"exponent", with(func(i *PayItem) { i.Amount = "1e3" }), "/amount", CodePayBadAmount},
		{"empty amount", with(func(i *PayItem) { i.Amount = " " }), "/amount", CodePayAmountMissing},
		{"zero", with(func(i *PayItem) { i.Amount = "0.00" }), "/amount", CodePayZero},
		{"no name", with(func(i *PayItem) { i.LabelZH = "  " }), "/label_zh", CodePayNameRequired},
		{"long name", with(func(i *PayItem) { i.LabelZH = strings.Repeat("长", 51) }), "/label_zh", CodePayTooLong},
		{"control", with(func(i *PayItem) { i.LabelZH = "a\nb" }), "/label_zh", CodePayBadText},
		{"event", with(func(i *PayItem) { i.On = "record.deleted" }), "/on", CodePayBadEvent},
		{"payee", with(func(i *PayItem) { i.Pays = "boss" }), "/pays", CodePayBadPayee},
		{"role", with(func(i *PayItem) { i.Role = "root" }), "/role", CodePayBadRole},
		{"form", with(func(i *PayItem) { i.Form = "other-form" }), "/form", CodePayUnknownForm},
		{"condition", with(func(i *PayItem) { i.Condition = "sometimes" }), "/condition", CodePayBadCondition},
		{"withhold actor", with(func(i *PayItem) { i.Condition, i.Pays = PayCondWithhold, "actor" }), "/condition", CodePayWithholdPayee},
		{"withhold on problem", with(func(i *PayItem) { i.Condition, i.On = PayCondWithhold, "qc.problem" }), "/condition", CodePayWithholdEvent},
		{"bad key", with(func(i *PayItem) { i.Key = "Bad Key" }), "/key", CodePayBadKey},
		{"long unit", with(func(i *PayItem) { i.UnitZH = "一二三四五六七八九十一" }), "/unit_zh", CodePayTooLong},
		{"control in unit", with(func(i *PayItem) { i.UnitEN = "a\tb" }), "/unit_en", CodePayBadText},
		{"duplicate key", with(func(i *PayItem) { i.Key = "household_surveyed" }), "/key", CodePayDuplicateKey},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := fertility(t)
			before := string(doc.Bytes())
			_, err := doc.AddItem(tt.item, -1)
			assertProblem(t, err, tt.ptr, tt.code)
			if string(doc.Bytes()) != before {
				t.Error("a refused add changed the document")
			}
		})
	}
	doc := fertility(t)
	doc.Lang = "en"
	_, err := doc.AddItem(with(func(i *PayItem) { i.Amount = "1.005" }), -1)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "two decimals") {
		t.Errorf("English message: %s", msg)
	}
	doc.Lang = "zh"
	_, err = doc.AddItem(with(func(i *PayItem) { i.Amount = "1.005" }), -1)
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "最多两位小数") {
		t.Errorf("Chinese message: %s", msg)
	}
	assertProblem(t, doc.UpdateItem("nope", good), "/key", CodePayUnknownItem)
	assertProblem(t, doc.MoveItem("household_surveyed", 9), "/index", CodePayBadIndex)
	assertProblem(t, doc.SetSettings(PaySettings{TitleZH: "x", EffectiveFrom: "2026-02-30", Period: "month"}), "/effective_from", CodePayBadDate)
	assertProblem(t, doc.SetSettings(PaySettings{TitleZH: "x", EffectiveFrom: "2026-02-03", Period: "week"}), "/period", CodePayBadPeriod)
	assertProblem(t, doc.SetSettings(PaySettings{EffectiveFrom: "2026-02-03", Period: "month"}), "/title_zh", CodePayTitleRequired)
	assertProblem(t, doc.SetCap("field_worker", "2000000"), "/cap_field_worker", CodePayTooLarge)
	if _, err := OpenPayTable([]byte("items: [")); engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("broken YAML: %v", err)
	}
}

func TestPayTableReadOnlyItem(t *testing.T) {
	doc, err := OpenPayTable(examplePayTables(t)["vital-events-pay.paytable.yaml"])
	if err != nil {
		t.Fatal(err)
	}
	it, _ := doc.Item("birth_collected")
	if !it.ReadOnly || it.Note != "condition" || it.When != "answers.eventType == 'birth'" {
		t.Fatalf("%+v", it)
	}
	it.Amount = "9.00"
	assertProblem(t, doc.UpdateItem("birth_collected", it), "/key", CodePayReadOnly)
	// It moves and is deleted like any other, and stays as written.
	if err := doc.MoveItem("birth_collected", 7); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc.Bytes()), "when: answers.eventType == 'birth'") {
		t.Errorf("condition changed:\n%s", doc.Bytes())
	}
}

func TestNewPayTable(t *testing.T) {
	doc, err := NewPayTable("zh", []string{"f"}, "c-pay", PaySettings{TitleZH: "劳务报酬", EffectiveFrom: "2026-12-01", Period: "month"},
		PayItem{LabelZH: "记录通过补助", On: "record.accepted", Pays: "creator", Role: "field_worker", Amount: "1.00"})
	if err != nil {
		t.Fatal(err)
	}
	want := `id: c-pay
title: {zh: 劳务报酬}
effective_from: 2026-12-01
period: month
items:
  - key: item1
    label: {zh: 记录通过补助}
    on: record.accepted
    pays: creator
    role: field_worker
    amount: 100
`
	if got := string(doc.Bytes()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	_, err = NewPayTable("zh", nil, "c-pay", PaySettings{TitleZH: "x", EffectiveFrom: "soon", Period: "month"},
		PayItem{LabelZH: "a", On: "record.accepted", Pays: "creator", Role: "field_worker", Amount: "abc"})
	assertProblem(t, err, "/effective_from", CodePayBadDate)
	assertProblem(t, err, "/amount", CodePayBadAmount)
}

func TestPayYAMLQuoting(t *testing.T) {
	doc := fertility(t)
	_, err := doc.AddItem(PayItem{LabelZH: "#1: 测试", LabelEN: "Materials (a, b) {c}", On: "record.accepted", Pays: "creator", Role: "field_worker", Amount: "1"}, -1)
	if err != nil {
		t.Fatal(err)
	}
	again, err := OpenPayTable(doc.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, doc.Bytes())
	}
	items := again.Items()
	if last := items[len(items)-1]; last.LabelZH != "#1: 测试" || last.LabelEN != "Materials (a, b) {c}" {
		t.Errorf("%+v\n%s", last, doc.Bytes())
	}
}
