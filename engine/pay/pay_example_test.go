package pay

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"canvass/engine"
	"canvass/paytables"
)

func examplePayTable(t *testing.T, path string) *paytables.PayTable {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("../../examples", path))
	if err != nil {
		t.Fatal(err)
	}
	pt, ds := paytables.Load(filepath.Base(path), src)
	if pt == nil {
		t.Fatal(ds)
	}
	return pt
}

func TestWorkedExample(t *testing.T) {
	fertility := examplePayTable(t, "fertility-survey/fertility-survey-pay.paytable.yaml")
	training := examplePayTable(t, "trainer-signup/census-training-pay.paytable.yaml")
	migrant := examplePayTable(t, "migrant-cleanup/migrant-cleanup-pay.paytable.yaml")
	vital := examplePayTable(t, "vital-events/vital-events-pay.paytable.yaml")
	for _, tt := range []struct {
		name   string
		pt     *paytables.PayTable
		s      ExampleSample
		lines  []ExampleLine
		total  int64
		unpaid []string
	}{
		{"ten households, one spot check passed", fertility, ExampleSample{Records: 10, Levels: 2, QCPass: 1},
			[]ExampleLine{
				{Item: "household_surveyed", Role: "field_worker", Count: 10, UnitFen: 5000, TotalFen: 50000},
				{Item: "spot_check_bonus", Role: "field_worker", Count: 1, UnitFen: 5000, TotalFen: 5000},
			}, 55000, []string{"supervisor_day"}},
		{"a problem withholds the household", fertility, ExampleSample{Records: 10, QCPass: 1, QCProblem: 1, Days: 2},
			[]ExampleLine{
				{Item: "household_surveyed", Role: "field_worker", Count: 10, UnitFen: 5000, TotalFen: 50000},
				{Item: "household_surveyed", Role: "field_worker", Withheld: true, Count: 1, UnitFen: -5000, TotalFen: -5000},
				{Item: "spot_check_bonus", Role: "field_worker", Count: 1, UnitFen: 5000, TotalFen: 5000},
				{Item: "supervisor_day", Role: "supervisor", Count: 2, UnitFen: 5000, TotalFen: 10000},
			}, 60000, nil},
		{"the cap stops the fifth day", training, ExampleSample{Days: 5},
			[]ExampleLine{{Item: "lecture_day", Role: "supervisor", Count: 5, UnitFen: 10000, TotalFen: 40000, Capped: true}}, 40000, nil},
		{"per-item pay", migrant, ExampleSample{Records: 4, Entered: 3},
			[]ExampleLine{
				{Item: "collected", Role: "field_worker", Count: 4, UnitFen: 50, TotalFen: 200},
				{Item: "entered", Role: "field_worker", Count: 3, UnitFen: 100, TotalFen: 300},
				{Item: "verified", Role: "field_worker", Count: 4, UnitFen: 150, TotalFen: 600},
			}, 1100, nil},
		{"items of another form do not pay", vital, ExampleSample{Form: "eligibility-check", Records: 2, Entered: 1},
			[]ExampleLine{
				{Item: "eligibility_checked", Role: "field_worker", Count: 2, UnitFen: 500, TotalFen: 1000},
				{Item: "eligibility_entered", Role: "field_worker", Count: 1, UnitFen: 500, TotalFen: 500},
			}, 1500, []string{"marriage_collected", "marriage_entered", "birth_collected", "birth_entered", "death_collected", "death_entered"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ex, err := Example(tt.pt, tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ex.Lines, tt.lines) {
				t.Errorf("lines\n got %+v\nwant %+v", ex.Lines, tt.lines)
			}
			if ex.TotalFen != tt.total {
				t.Errorf("total %d, want %d", ex.TotalFen, tt.total)
			}
			if !reflect.DeepEqual(ex.Unpaid, tt.unpaid) {
				t.Errorf("unpaid %v, want %v", ex.Unpaid, tt.unpaid)
			}
		})
	}
	for _, s := range []ExampleSample{{Records: -1}, {Records: MaxExampleCount + 1}, {Records: 1, Entered: 2}, {Records: 1, QCPass: 1, QCProblem: 1}} {
		if _, err := Example(fertility, s); engine.ErrorCode(err) != engine.EINVALID {
			t.Errorf("%+v: %v", s, err)
		}
	}
}
