package studio

import (
	"fmt"
	"strings"
	"testing"

	"canvass/engine/pay"
	"canvass/paytables"
)

// paytable200 is a pay table of 200 items (the loader's limit), a third
// of them withheld on a spot-check problem, with a cap.
func paytable200() []byte {
	var b strings.Builder
	b.WriteString("id: big-pay\ntitle: {zh: 大表}\neffective_from: 2026-11-01\nperiod: month\nitems:\n")
	for i := range 200 {
		fmt.Fprintf(&b, "  - key: item%d\n    label: {zh: 项目%d}\n    on: %s\n    pays: creator\n    role: field_worker\n", i, i, paytables.Events[i%3])
		if i%3 == 2 {
			b.WriteString("    when: qc != \"problem\"\n    amount: 100\n    withheld_on: qc.problem\n")
		} else {
			b.WriteString("    amount: 50\n")
		}
	}
	b.WriteString("caps:\n  - {role: field_worker, period: month, max: 300000}\n")
	return []byte(b.String())
}

// BenchmarkPayTableEdit200 is what the 劳务报酬 tab does for one edit of
// a 200-item table, apart from storing it: open the draft, update an
// item (which loads the result to check it), write the file back.
func BenchmarkPayTableEdit200(b *testing.B) {
	src := paytable200()
	if _, ds := paytables.Load("big.paytable.yaml", src); len(ds) > 0 {
		b.Fatal(ds)
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := OpenPayTable(src)
		if err != nil {
			b.Fatal(err)
		}
		it, _ := d.Item("item101")
		it.Amount, it.Condition = "2.50", PayCondWithhold
		if err := d.UpdateItem("item101", it); err != nil {
			b.Fatal(err)
		}
		_ = d.Bytes()
	}
}

// BenchmarkPayTablePage200 is what showing the tab costs for a 200-item
// table, apart from the store: open, load, explain every item and run the
// worked example for 10 records, one spot check passed and one not.
func BenchmarkPayTablePage200(b *testing.B) {
	src := paytable200()
	b.ReportAllocs()
	for b.Loop() {
		d, err := OpenPayTable(src)
		if err != nil {
			b.Fatal(err)
		}
		pt, ds := d.Load()
		if pt == nil {
			b.Fatal(ds)
		}
		for _, it := range d.Items() {
			_ = pt.Explain(it.Key, "zh", nil)
		}
		if _, err := pay.Example(pt, pay.ExampleSample{Records: 10, Levels: 2, QCPass: 1, QCProblem: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
