package indicators_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/engine/indicators"
	"canvass/engine/tabular"
)

// birthsCampaign judges birth registration against the statistics
// bureau's births (per year), and the share of deaths among the events
// registered (per mille, lower is better).
const birthsCampaign = `id: births-2027
title: {zh: 出生登记, en: Birth registration}
forms: [vital-event]
workflow: village-review
org_scope: "370102"
reference_time: 2027-01-01T00:00:00+08:00
indicators:
  - id: birth_coverage
    title: {zh: 出生登记率, en: Birth registration coverage}
    numerator: count(form == "vital-event" && answers.event_type == "birth" && state == "accepted")
    denominator: official("births")
    factor: 100
    target: 90
    period: year
  - id: death_share
    title: {zh: 死亡占比, en: Share of deaths}
    numerator: count(answers.event_type == "death")
    denominator: count()
    factor: 1000
    target: 100
    better: lower
`

type indicatorWorld struct {
	e          *app.App
	clk        *clock
	worker2    *engine.Actor // village 370102001002
	reviewer   *engine.Actor // township 370102001
	supervisor *engine.Actor // district
	otherTown  *engine.Actor // supervisor of township 370102002
	admin      *engine.Actor
}

// newIndicatorWorld is one township (370102001) with three villages:
// 20, 15 and 10 accepted births, and two more births in village 2 still
// waiting for the township's review.
func newIndicatorWorld(t *testing.T) *indicatorWorld {
	t.Helper()
	ctx := context.Background()
	e, clk := newEngine(t)
	clk.Set(enginetest.China(2027, 2, 10, 9))
	seedTree(t, e)
	if rowErrs, err := e.ImportOrgUnits(ctx, nil, []engine.OrgUnitRow{{Row: 2, Code: "370102001003", Name: "北岭村", ParentCode: "370102001", Level: "village"}}); err != nil {
		t.Fatalf("import: %v %v", err, rowErrs)
	}
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	w := &indicatorWorld{e: e, clk: clk,
		worker2:    mustUser(t, e, "worker2", "370102001002", engine.RoleFieldWorker),
		reviewer:   mustUser(t, e, "reviewer", "370102001", engine.RoleReviewer),
		supervisor: mustUser(t, e, "super", "370102", engine.RoleSupervisor),
		otherTown:  mustUser(t, e, "other", "370102002", engine.RoleSupervisor),
		admin:      mustUser(t, e, "admin", "370102", engine.RoleAdmin),
	}
	dir := filepath.Join("..", "testdata", "pay") // shared with the core and pay tests
	enginetest.PublishFile(t, e, author, engine.KindForm, "vital-event", filepath.Join(dir, "vital-event.form.json"))
	enginetest.PublishFile(t, e, author, engine.KindWorkflow, "village-review", filepath.Join(dir, "village-review.workflow.yaml"))
	res, err := e.SaveDraft(ctx, author, engine.KindCampaign, "births-2027", "births-2027.campaign.yaml", []byte(birthsCampaign))
	if err != nil {
		t.Fatalf("save campaign: %v %v", err, res)
	}
	if _, err := e.Publish(ctx, author, engine.KindCampaign, "births-2027", res.Definition.Version); err != nil {
		t.Fatalf("publish campaign: %v %v", err, engine.ErrorFields(err))
	}
	// Accepted records go straight into the store, as a bulk load or a
	// crash before the counters would leave them: the catch-up counts them.
	n := 0
	for village, births := range map[string]int{"370102001001": 20, "370102001002": 15, "370102001003": 10} {
		for range births {
			n++
			now := clk.Now().Add(time.Duration(n) * time.Millisecond)
			r := &engine.Record{ID: engine.NewID(now), CampaignID: "births-2027", FormID: "vital-event", FormVersion: 1,
				WorkflowID: "village-review", WorkflowVersion: 1, OrgUnit: village, OrgPath: "/370000/370100/370102/370102001/" + village + "/",
				State: "accepted", Answers: map[string]any{"event_type": "birth"}, CreatedBy: "loader", CreatedAt: now, UpdatedAt: now}
			if _, _, err := e.Store().InsertRecord(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	applied, err := e.Indicators.CatchUpIndicators(ctx, time.Time{})
	if err != nil || applied != 45 {
		t.Fatalf("catch-up applied %d (%v), want 45", applied, err)
	}
	if again, err := e.Indicators.CatchUpIndicators(ctx, time.Time{}); err != nil || again != 0 {
		t.Fatalf("a second catch-up applied %d (%v), want 0: replays must change nothing", again, err)
	}
	return w
}

// pending submits a birth in village 2 through the engine, which counts
// it as it writes it.
func (w *indicatorWorld) pending(t *testing.T) string {
	t.Helper()
	res, err := w.e.Submit(context.Background(), w.worker2, engine.Submission{CampaignID: "births-2027", FormID: "vital-event", Answers: map[string]any{"event_type": "birth"}})
	if err != nil {
		t.Fatalf("submit: %v %v", err, engine.ErrorFields(err))
	}
	w.clk.Add(time.Minute)
	return res.Record.ID
}

// importFigures imports a CSV of official figures as a.
func (w *indicatorWorld) importFigures(t *testing.T, a *engine.Actor, source, csv string) (*indicators.OfficialImport, []engine.RowError, error) {
	t.Helper()
	r, err := tabular.Open("figures.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	rows, rowErrs, err := indicators.ReadOfficialRows(r)
	if err != nil || len(rowErrs) > 0 {
		return nil, rowErrs, err
	}
	w.clk.Add(time.Minute)
	return w.e.Indicators.ImportOfficialFigures(context.Background(), a, source, "figures.csv", rows)
}

// valueText is what a test compares: unit, period, id, numerator /
// denominator = value, met or not; or "no data".
func valueText(v indicators.IndicatorValue) string {
	if v.NoData {
		return fmt.Sprintf("%s %s %s %g/%g no data", v.OrgUnit, v.Period, v.ID, v.Numerator, v.Denominator)
	}
	return fmt.Sprintf("%s %s %s %g/%g=%.3f met=%v", v.OrgUnit, v.Period, v.ID, v.Numerator, v.Denominator, math.Round(v.Value*1000)/1000, v.Met)
}

func valueTexts(vs []indicators.IndicatorValue) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = valueText(v)
	}
	return out
}

func TestIndicatorValuesRollUp(t *testing.T) {
	ctx := context.Background()
	w := newIndicatorWorld(t)
	pending := []string{w.pending(t), w.pending(t)}

	// Version 1 has village 3 wrong; version 2 corrects it.
	if _, rowErrs, err := w.importFigures(t, w.supervisor, "统计局 2027 年出生人口 初报", "key,org_unit,period,value\nbirths,370102001001,2027,22\nbirths,370102001002,2027,16\nbirths,370102001003,2027,15\n"); err != nil {
		t.Fatalf("import v1: %v %v", err, rowErrs)
	}
	v2, rowErrs, err := w.importFigures(t, w.supervisor, "统计局 2027 年出生人口 修正", "指标,区划代码,期间,数值\nbirths,370102001003,2027,12\n")
	if err != nil {
		t.Fatalf("import v2: %v %v", err, rowErrs)
	}
	if v2.Version != 2 {
		t.Errorf("second import is version %d, want 2", v2.Version)
	}

	q := indicators.IndicatorQuery{OrgUnit: "370102001", Period: "2027", Granularity: indicators.GranularityYear, Children: true, IDs: []string{"birth_coverage"}}
	got, err := w.e.Indicators.IndicatorValues(ctx, w.supervisor, "births-2027", q)
	if err != nil {
		t.Fatal(err)
	}
	// The township is 45/50 = 90.0 %, not the mean of its villages' rates
	// (89.3 %); the two births under review do not count yet.
	want := []string{
		"370102001 2027 birth_coverage 45/50=90.000 met=true",
		"370102001001 2027 birth_coverage 20/22=90.909 met=true",
		"370102001002 2027 birth_coverage 15/16=93.750 met=true",
		"370102001003 2027 birth_coverage 10/12=83.333 met=false",
	}
	if fmt.Sprint(valueTexts(got)) != fmt.Sprint(want) {
		t.Errorf("values:\n got %q\nwant %q", valueTexts(got), want)
	}
	if srcs := got[0].Sources; len(srcs) != 2 || srcs[0].Version != 1 || srcs[1].Version != 2 || srcs[1].Source != "统计局 2027 年出生人口 修正" {
		t.Errorf("township sources = %+v, want versions 1 and 2", srcs)
	}
	if srcs := got[3].Sources; len(srcs) != 1 || srcs[0].Version != 2 {
		t.Errorf("village 3 sources = %+v, want version 2 only", srcs)
	}

	// The township accepts one pending birth: the figures move at once.
	if _, err := w.e.Act(ctx, w.reviewer, pending[0], engine.Action{Name: "approve"}); err != nil {
		t.Fatal(err)
	}
	got, err = w.e.Indicators.IndicatorValues(ctx, w.supervisor, "births-2027", q)
	if err != nil {
		t.Fatal(err)
	}
	if g, want := valueText(got[0]), "370102001 2027 birth_coverage 46/50=92.000 met=true"; g != want {
		t.Errorf("township after approval = %q, want %q", g, want)
	}
	if g, want := valueText(got[2]), "370102001002 2027 birth_coverage 16/16=100.000 met=true"; g != want {
		t.Errorf("village 2 after approval = %q, want %q", g, want)
	}

	// Per mille of deaths, lower is better; a unit without records has no
	// denominator and so no data, and a quarter has no official births.
	got, err = w.e.Indicators.IndicatorValues(ctx, w.supervisor, "births-2027", indicators.IndicatorQuery{OrgUnit: "370102", Period: "2027-Q1", Granularity: indicators.GranularityQuarter, Children: true, Trend: 2})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"370102 2026-Q4 birth_coverage 0/0 no data",
		"370102 2026-Q4 death_share 0/0 no data",
		"370102 2027-Q1 birth_coverage 46/0 no data",
		"370102 2027-Q1 death_share 0/47=0.000 met=true",
		"370102001 2026-Q4 birth_coverage 0/0 no data",
		"370102001 2026-Q4 death_share 0/0 no data",
		"370102001 2027-Q1 birth_coverage 46/0 no data",
		"370102001 2027-Q1 death_share 0/47=0.000 met=true",
		"370102002 2026-Q4 birth_coverage 0/0 no data",
		"370102002 2026-Q4 death_share 0/0 no data",
		"370102002 2027-Q1 birth_coverage 0/0 no data",
		"370102002 2027-Q1 death_share 0/0 no data",
	}
	if fmt.Sprint(valueTexts(got)) != fmt.Sprint(want) {
		t.Errorf("quarter values:\n got %q\nwant %q", valueTexts(got), want)
	}

	// A rebuild recounts from the records and lands on the same figures.
	n, err := w.e.Indicators.RebuildIndicators(ctx, w.admin, "births-2027")
	if err != nil || n != 47 {
		t.Fatalf("rebuild: %d records, %v; want 47", n, err)
	}
	got, err = w.e.Indicators.IndicatorValues(ctx, w.supervisor, "births-2027", q)
	if err != nil {
		t.Fatal(err)
	}
	if g, want := valueText(got[0]), "370102001 2027 birth_coverage 46/50=92.000 met=true"; g != want {
		t.Errorf("township after rebuild = %q, want %q", g, want)
	}
}

func TestIndicatorValuesRefused(t *testing.T) {
	ctx := context.Background()
	w := newIndicatorWorld(t)
	tests := []struct {
		name string
		a    *engine.Actor
		id   string
		q    indicators.IndicatorQuery
		code string
	}{
		{"unit outside the subtree", w.otherTown, "births-2027", indicators.IndicatorQuery{OrgUnit: "370102001"}, engine.ENOTFOUND},
		{"unknown unit", w.supervisor, "births-2027", indicators.IndicatorQuery{OrgUnit: "370102009"}, engine.ENOTFOUND},
		{"unknown campaign", w.supervisor, "nope", indicators.IndicatorQuery{}, engine.ENOTFOUND},
		{"a field worker", w.worker2, "births-2027", indicators.IndicatorQuery{}, engine.EFORBIDDEN},
		{"bad month", w.supervisor, "births-2027", indicators.IndicatorQuery{Period: "2027-13", Granularity: indicators.GranularityMonth}, engine.EINVALID},
		{"quarter as year", w.supervisor, "births-2027", indicators.IndicatorQuery{Period: "2027-Q1", Granularity: indicators.GranularityYear}, engine.EINVALID},
		{"bad granularity", w.supervisor, "births-2027", indicators.IndicatorQuery{Granularity: "week"}, engine.EINVALID},
		{"long trend", w.supervisor, "births-2027", indicators.IndicatorQuery{Trend: indicators.MaxIndicatorTrend + 1}, engine.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := w.e.Indicators.IndicatorValues(ctx, tt.a, tt.id, tt.q); engine.ErrorCode(err) != tt.code {
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
	// The other township's supervisor sees its own unit, with no data.
	got, err := w.e.Indicators.IndicatorValues(ctx, w.otherTown, "births-2027", indicators.IndicatorQuery{Period: "2027", Granularity: indicators.GranularityYear})
	if err != nil {
		t.Fatal(err)
	}
	if want := "[370102002 2027 birth_coverage 0/0 no data 370102002 2027 death_share 0/0 no data]"; fmt.Sprint(valueTexts(got)) != want {
		t.Errorf("got %q, want %s", valueTexts(got), want)
	}
}

func TestOfficialFigureImport(t *testing.T) {
	ctx := context.Background()
	w := newIndicatorWorld(t)
	tests := []struct {
		name    string
		a       *engine.Actor
		source  string
		csv     string
		code    string
		rowErrs []string // row:column:code
	}{
		{"no source", w.supervisor, " ", "key,org_unit,period,value\nbirths,370102001,2027,5\n", engine.EINVALID, nil},
		{"missing column", w.supervisor, "s", "key,org_unit,value\nbirths,370102001,5\n", engine.EINVALID, nil},
		{"bad rows", w.supervisor, "s", "key,org_unit,period,value\nBirths,370102001,2027,5\nbirths,370102999,2027,5\nbirths,370102001,2027-Q5,5\nbirths,370102001,2027,-1\nbirths,370102001,2027,x\nbirths,370102001,2027,7\nbirths,370102001,2027,8\n", engine.EINVALID,
			[]string{"2:key:bad_key", "3:org_unit:unknown_org_unit", "4:period:bad_period", "5:value:bad_value", "6:value:bad_value", "8:key:duplicate"}},
		{"outside the scope", w.otherTown, "s", "key,org_unit,period,value\nbirths,370102001,2027,5\n", engine.EINVALID, []string{"2:org_unit:unknown_org_unit"}},
		{"a field worker", w.worker2, "s", "key,org_unit,period,value\nbirths,370102001002,2027,5\n", engine.EFORBIDDEN, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rowErrs, err := w.importFigures(t, tt.a, tt.source, tt.csv)
			if engine.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			var got []string
			for _, re := range rowErrs {
				got = append(got, fmt.Sprintf("%d:%s:%s", re.Row, re.Column, re.Code))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.rowErrs) {
				t.Errorf("row errors %v, want %v", got, tt.rowErrs)
			}
		})
	}
	imps, err := w.e.Indicators.OfficialImports(ctx, w.supervisor)
	if err != nil || len(imps) != 0 {
		t.Fatalf("after refused imports: %d imports (%v), want none: nothing half-written", len(imps), err)
	}

	// Two versions of the township's figure: both listed, the second
	// current.
	for _, v := range []string{"48", "50"} {
		if _, rowErrs, err := w.importFigures(t, w.supervisor, "统计局 v"+v, "key,org_unit,period,value\nbirths,370102001,2027,"+v+"\n"); err != nil {
			t.Fatalf("import: %v %v", err, rowErrs)
		}
	}
	figs, err := w.e.Indicators.OfficialFigures(ctx, w.supervisor, "births", "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range figs {
		got = append(got, fmt.Sprintf("%s %s v%d %g %s current=%v", f.OrgUnit, f.Period, f.Version, f.Value, f.Source, f.Current))
	}
	if want := "[370102001 2027 v1 48 统计局 v48 current=false 370102001 2027 v2 50 统计局 v50 current=true]"; fmt.Sprint(got) != want {
		t.Errorf("figures %q, want %s", got, want)
	}
	if _, err := w.e.Indicators.OfficialFigures(ctx, w.otherTown, "", "370102001"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Errorf("figures outside the subtree: %v, want not_found", err)
	}
	// The township's own figure wins over its villages' (none here): 45/50.
	vals, err := w.e.Indicators.IndicatorValues(ctx, w.supervisor, "births-2027", indicators.IndicatorQuery{OrgUnit: "370102001", Period: "2027", Granularity: indicators.GranularityYear, IDs: []string{"birth_coverage"}})
	if err != nil {
		t.Fatal(err)
	}
	if g, want := valueText(vals[0]), "370102001 2027 birth_coverage 45/50=90.000 met=true"; g != want {
		t.Errorf("got %q, want %q", g, want)
	}
}
