package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/indicators"
)

// The indicator page: engine.IndicatorValues for a district and its 20
// townships over a campaign of many records, against the store's own
// GROUP BY over the same records (Store.AggregateRecords by org unit and
// year), which is what a page would cost without the counters.

// indicatorRow compares the indicator page with the grouped count.
type indicatorRow struct {
	records    int
	values     int
	page, raw  time.Duration // medians
	pageTrend  time.Duration // the same page with a 4-quarter trend
	loadTook   time.Duration // records stored and counted
	counterLag time.Duration // of which: bringing the counters up to date
}

// targetIndicatorPage is issue #9's bound on the indicator page.
const targetIndicatorPage = time.Second

const indicatorCampaignID = "bench-indicators-2026"

// indicatorCampaignYAML counts vital events per village: birth coverage
// against official births, and the share of deaths among all events.
const indicatorCampaignYAML = `id: bench-indicators-2026
title: {zh: 人口变动指标, en: Vital events indicators}
forms: [bench-vital-event]
workflow: bench-review
org_scope: "370102"
reference_time: 2026-01-01T00:00:00+08:00
indicators:
  - id: birth_coverage
    title: {zh: 出生登记率, en: Birth registration coverage}
    numerator: count(form == "bench-vital-event" && state == "accepted")
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

const indicatorFormJSON = `{"x-form-id": "bench-vital-event", "x-title": {"zh": "人口变动", "en": "Vital event"}, "type": "object",
 "required": ["event_type"], "properties": {"event_type": {"type": "string", "enum": ["birth", "death"]}}}`

const indicatorWorkflowYAML = `id: bench-review
title: {zh: 审核, en: Review}
start: township_review
states:
  township_review:
    title: {zh: 乡镇审核, en: Township review}
    step: {role: reviewer, level: township}
    actions:
      approve: accepted
  accepted: {title: {zh: 已通过, en: Accepted}, final: true}
`

// measureIndicators stores cfg.sizes.largeRecords records of a campaign
// with indicators in a fresh store, counting each as the write path does,
// then times the indicator page against the grouped count, alternating.
//
// It is one of run's steps ("indicator page"); TestIndicatorBench runs it
// alone.
func measureIndicators(ctx context.Context, b *backend, cfg config, r *report, progress func(string, ...any)) error {
	st, err := b.openStore(ctx, "indicators")
	if err != nil {
		return err
	}
	defer st.Close()
	eng := app.New(app.Config{Config: engine.Config{Store: st, Now: func() time.Time { return time.Date(2026, 12, 20, 4, 0, 0, 0, time.UTC) }, Logger: quietLogger}})
	boss, err := indicatorWorld(ctx, eng)
	if err != nil {
		return err
	}
	n := cfg.sizes.largeRecords
	t0 := time.Now()
	lag, err := populateIndicatorRecords(ctx, eng, st, n)
	if err != nil {
		return err
	}
	row := indicatorRow{records: n, loadTook: time.Since(t0), counterLag: lag}
	progress("stored and counted %d records in %.1fs", n, row.loadTook.Seconds())

	q := indicators.IndicatorQuery{OrgUnit: districtCode, Period: "2026", Granularity: indicators.GranularityYear, Children: true}
	trend := indicators.IndicatorQuery{OrgUnit: districtCode, Period: "2026-Q4", Granularity: indicators.GranularityQuarter, Children: true, Trend: 4}
	filter := engine.RecordFilter{CampaignID: indicatorCampaignID, FormID: "bench-vital-event", States: []string{"accepted"}, OrgPaths: []string{"/370000/370100/" + districtCode + "/"}}
	agg := engine.Aggregate{GroupBy: []string{engine.GroupByOrgUnit, engine.GroupByYear}}
	var pageTimes, rawTimes, trendTimes []time.Duration
	runs := max(cfg.sizes.ledgerRuns, 3)
	for k := -1; k < runs; k++ { // k = -1 warms the caches
		t := time.Now()
		vs, err := eng.Indicators.IndicatorValues(ctx, boss, indicatorCampaignID, q)
		if err != nil {
			return err
		}
		dp := time.Since(t)

		t = time.Now()
		groups, err := st.AggregateRecords(ctx, filter, agg)
		if err != nil {
			return err
		}
		dr := time.Since(t)

		t = time.Now()
		if _, err := eng.Indicators.IndicatorValues(ctx, boss, indicatorCampaignID, trend); err != nil {
			return err
		}
		dt := time.Since(t)

		if err := sameCounts(vs, groups); err != nil {
			return err
		}
		row.values = len(vs)
		if k >= 0 {
			pageTimes, rawTimes, trendTimes = append(pageTimes, dp), append(rawTimes, dr), append(trendTimes, dt)
		}
	}
	row.page, row.raw, row.pageTrend = median(pageTimes), median(rawTimes), median(trendTimes)
	progress("indicator page: %v, grouped count %v", row.page, row.raw)
	indicatorResults.Store(r, &row)
	return nil
}

// sameCounts checks that each unit's birth numerator equals the grouped
// count of its accepted records: the counters are right, not just fast.
func sameCounts(vs []indicators.IndicatorValue, groups []engine.Group) error {
	byTownship := map[string]float64{}
	total := 0.0
	for _, g := range groups {
		if g.Key[engine.GroupByYear] != "2026" {
			continue
		}
		village := g.Key[engine.GroupByOrgUnit]
		byTownship[village[:9]] += float64(g.Count)
		total += float64(g.Count)
	}
	checked := 0
	for _, v := range vs {
		if v.ID != "birth_coverage" {
			continue
		}
		want := byTownship[v.OrgUnit]
		if v.OrgUnit == districtCode {
			want = total
		}
		if v.Numerator != want {
			return fmt.Errorf("indicator page says %s has %g accepted births, the grouped count %g", v.OrgUnit, v.Numerator, want)
		}
		checked++
	}
	if checked != townships+1 {
		return fmt.Errorf("the indicator page has %d units, want %d", checked, townships+1)
	}
	return nil
}

// indicatorWorld imports the org tree, publishes the campaign and the
// official births, and returns a district supervisor.
func indicatorWorld(ctx context.Context, eng *app.App) (*engine.Actor, error) {
	rows := []engine.OrgUnitRow{
		{Code: "370000", Name: "示例省", Level: engine.LevelProvince},
		{Code: "370100", Name: "示例市", ParentCode: "370000", Level: engine.LevelCity},
		{Code: districtCode, Name: "示例区", ParentCode: "370100", Level: engine.LevelDistrict},
	}
	for t := 1; t <= townships; t++ {
		rows = append(rows, engine.OrgUnitRow{Code: townshipCode(t), Name: fmt.Sprintf("第%d镇", t), ParentCode: districtCode, Level: engine.LevelTownship})
		for v := 1; v <= villages; v++ {
			rows = append(rows, engine.OrgUnitRow{Code: villageCode(t, v), Name: fmt.Sprintf("第%d镇第%d村", t, v), ParentCode: townshipCode(t), Level: engine.LevelVillage})
		}
	}
	for i := range rows {
		rows[i].Row = i + 2
	}
	if rowErrs, err := eng.ImportOrgUnits(ctx, nil, rows); err != nil {
		return nil, fmt.Errorf("org units: %v %v", err, rowErrs)
	}
	actor := func(name, role string) (*engine.Actor, error) {
		u, err := eng.CreateUser(ctx, nil, engine.NewUser{Username: name, DisplayName: name, Password: "bench-pass-2026", Roles: []string{role}, OrgUnit: districtCode})
		if err != nil {
			return nil, err
		}
		return &engine.Actor{User: u, IP: "127.0.0.1"}, nil
	}
	author, err := actor("indicator-author", engine.RoleAuthor)
	if err != nil {
		return nil, err
	}
	boss, err := actor("indicator-supervisor", engine.RoleSupervisor)
	if err != nil {
		return nil, err
	}
	for _, d := range []struct{ kind, id, file, src string }{
		{engine.KindForm, "bench-vital-event", "vital.form.json", indicatorFormJSON},
		{engine.KindWorkflow, "bench-review", "review.workflow.yaml", indicatorWorkflowYAML},
		{engine.KindCampaign, indicatorCampaignID, "indicators.campaign.yaml", indicatorCampaignYAML},
	} {
		res, err := eng.SaveDraft(ctx, author, d.kind, d.id, d.file, []byte(d.src))
		if err != nil {
			return nil, fmt.Errorf("save %s: %w", d.file, err)
		}
		if _, err := eng.Publish(ctx, author, d.kind, d.id, res.Definition.Version); err != nil {
			return nil, fmt.Errorf("publish %s: %w %v", d.file, err, engine.ErrorFields(err))
		}
	}
	var figures []indicators.OfficialRow
	for t := 1; t <= townships; t++ {
		for v := 1; v <= villages; v++ {
			figures = append(figures, indicators.OfficialRow{Row: len(figures) + 2, Key: "births", OrgUnit: villageCode(t, v), Period: "2026", Value: "5000"})
		}
	}
	if _, rowErrs, err := eng.Indicators.ImportOfficialFigures(ctx, boss, "统计局 2026 年出生人口（模拟）", "births.csv", figures); err != nil {
		return nil, fmt.Errorf("official figures: %v %v", err, rowErrs)
	}
	return boss, nil
}

// populateIndicatorRecords stores n records from 64 goroutines — spread
// over the 200 villages and the twelve months of 2026, four in five births
// of which nine in ten accepted — and counts each as the write path does.
// It returns the time spent in the counting.
func populateIndicatorRecords(ctx context.Context, eng *app.App, st engine.Store, n int) (time.Duration, error) {
	const workers = 64
	var (
		next    atomic.Int64
		counted atomic.Int64 // nanoseconds
		wg      sync.WaitGroup
		errOnce sync.Once
		failed  error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(364 * 24 * time.Hour)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				t, v := 1+i%townships, 1+(i/townships)%villages
				at := base.Add(time.Duration(int64(i) * (span / int64(n)))).Truncate(time.Millisecond)
				event, state := "birth", "accepted"
				if i%5 == 4 {
					event = "death"
				}
				if i%10 == 9 {
					state = "township_review"
				}
				r := &engine.Record{ID: engine.NewID(at), CampaignID: indicatorCampaignID, FormID: "bench-vital-event", FormVersion: 1,
					WorkflowID: "bench-review", WorkflowVersion: 1, OrgUnit: villageCode(t, v), OrgPath: villagePath(t, v), State: state,
					Answers: map[string]any{"event_type": event}, CreatedBy: "loader", CreatedAt: at, UpdatedAt: at}
				stored, _, err := st.InsertRecord(ctx, r)
				if err == nil {
					c := time.Now()
					_, err = eng.Indicators.ApplyIndicators(ctx, stored)
					counted.Add(int64(time.Since(c)))
				}
				if err != nil {
					errOnce.Do(func() { failed = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		return 0, failed
	}
	return time.Duration(counted.Load() / workers), ctx.Err()
}

// indicatorResults holds the indicator figures of each run's report.
var indicatorResults sync.Map // *report → *indicatorRow

// writeIndicators prints the indicator figures of r, if measured, as a
// Markdown table.
func writeIndicators(r *report, w io.Writer) {
	v, ok := indicatorResults.Load(r)
	if !ok {
		return
	}
	x := v.(*indicatorRow)
	var b strings.Builder
	fmt.Fprintln(&b, "| measurement | Canvass | raw database | ratio | target |")
	fmt.Fprintln(&b, "|---|---|---|---|---|")
	fmt.Fprintf(&b, "| indicator page (district + %d townships, year, %d values) over %d records | %s | %s (Store.AggregateRecords by org unit × year) | %.3f | < %s %s |\n",
		townships, x.values, x.records, indicatorMS(x.page), indicatorMS(x.raw), float64(x.page)/float64(x.raw), targetIndicatorPage, check(x.page < targetIndicatorPage))
	fmt.Fprintf(&b, "| indicator page, 4-quarter trend | %s | — | — | < %s %s |\n", indicatorMS(x.pageTrend), targetIndicatorPage, check(x.pageTrend < targetIndicatorPage))
	fmt.Fprintf(&b, "\nStoring and counting the %d records took %.1fs (64 goroutines), of which counting about %.1fs per goroutine.\n",
		x.records, x.loadTook.Seconds(), x.counterLag.Seconds())
	io.WriteString(w, b.String())
}

func indicatorMS(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
