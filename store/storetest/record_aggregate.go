package storetest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// aggRow is one record of the aggregate fixture. month, quarter and year are
// written out by hand: they are what CreatedAt reads as in Asia/Shanghai
// (UTC+8), which is the point of several rows.
type aggRow struct {
	campaign, form, unit, state string
	created                     time.Time
	month, quarter, year        string
	answers                     map[string]any
	households, area            float64 // what the answers count as in sums
}

func utc(y int, m time.Month, d, h, min, sec, ms int) time.Time {
	return time.Date(y, m, d, h, min, sec, ms*int(time.Millisecond), time.UTC)
}

var aggRows = []aggRow{
	// 23:59:59.999 on 31 March in Shanghai: still March.
	{"c1", "f1", "v1", "submitted", utc(2026, 3, 31, 15, 59, 59, 999), "2026-03", "2026-Q1", "2026",
		map[string]any{"households": 3, "area": 1.5}, 3, 1.5},
	// 2026-03-31T17:00Z is 01:00 on 1 April in Shanghai: April, Q2.
	{"c1", "f1", "v1", "approved", utc(2026, 3, 31, 17, 0, 0, 0), "2026-04", "2026-Q2", "2026",
		map[string]any{"households": 2.5, "area": "n/a"}, 2.5, 0},
	{"c1", "f2", "v2", "approved", utc(2026, 4, 15, 0, 0, 0, 0), "2026-04", "2026-Q2", "2026",
		map[string]any{"households": "7", "area": 4}, 0, 4},
	// New Year in Shanghai, still 2025 in UTC.
	{"c2", "f1", "v2", "submitted", utc(2025, 12, 31, 16, 0, 0, 0), "2026-01", "2026-Q1", "2026",
		map[string]any{"households": 10}, 10, 0},
	{"c2", "f1", "v3", "approved", utc(2025, 12, 31, 15, 0, 0, 0), "2025-12", "2025-Q4", "2025",
		map[string]any{"households": -1, "area": true}, -1, 0},
	{"c1", "f1", "v2", "submitted", utc(2026, 11, 20, 0, 0, 0, 0), "2026-11", "2026-Q4", "2026",
		map[string]any{"households": 0.25, "area": nil}, 0.25, 0},
	// 1 July 00:00 in Shanghai: Q3.
	{"c1", "f2", "v1", "rejected", utc(2026, 6, 30, 16, 0, 0, 0), "2026-07", "2026-Q3", "2026",
		map[string]any{"households": 1000, "area": 0.5, "nested": map[string]any{"households": 5}}, 1000, 0.5},
}

func insertAggFixture(t *testing.T, s app.Store) {
	t.Helper()
	for i, row := range aggRows {
		r := NewRecord(row.created)
		r.ID = engine.NewID(Epoch.Add(time.Duration(i) * time.Millisecond))
		r.CampaignID, r.FormID, r.OrgUnit, r.State = row.campaign, row.form, row.unit, row.state
		r.OrgPath = "/p/c1/t1/" + row.unit + "/"
		r.Answers = row.answers
		mustInsert(t, s, r)
	}
}

// keyOf returns the value of one group key for a fixture row.
func (row aggRow) keyOf(name string) string {
	switch name {
	case engine.GroupByCampaign:
		return row.campaign
	case engine.GroupByForm:
		return row.form
	case engine.GroupByOrgUnit:
		return row.unit
	case engine.GroupByState:
		return row.state
	case engine.GroupByMonth:
		return row.month
	case engine.GroupByQuarter:
		return row.quarter
	case engine.GroupByYear:
		return row.year
	}
	panic("storetest: unknown group key " + name)
}

// expectGroups aggregates the fixture rows that keep() accepts, as the
// contract says a store must: counts and sums per group, sorted by the key
// values in GroupBy order.
func expectGroups(keep func(aggRow) bool, a engine.Aggregate) []engine.Group {
	byKey := map[string]*engine.Group{}
	var order [][]string
	for _, row := range aggRows {
		if !keep(row) {
			continue
		}
		vals := make([]string, len(a.GroupBy))
		for i, k := range a.GroupBy {
			vals[i] = row.keyOf(k)
		}
		id := strings.Join(vals, "\x00")
		g, ok := byKey[id]
		if !ok {
			g = &engine.Group{Key: map[string]string{}, Sums: map[string]float64{}}
			for i, k := range a.GroupBy {
				g.Key[k] = vals[i]
			}
			byKey[id] = g
			order = append(order, vals)
		}
		g.Count++
		for _, f := range a.Sum {
			switch f {
			case "households":
				g.Sums[f] += row.households
			case "area":
				g.Sums[f] += row.area
			}
		}
	}
	slices.SortFunc(order, slices.Compare)
	out := make([]engine.Group, len(order))
	for i, vals := range order {
		out[i] = *byKey[strings.Join(vals, "\x00")]
	}
	return out
}

func showGroups(gs []engine.Group, a engine.Aggregate) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString("\n\t\t{")
		for _, k := range a.GroupBy {
			fmt.Fprintf(&b, "%s=%q ", k, g.Key[k])
		}
		fmt.Fprintf(&b, "count=%d", g.Count)
		for _, f := range a.Sum {
			fmt.Fprintf(&b, " %s=%g", f, g.Sums[f])
		}
		b.WriteString("}")
	}
	return b.String()
}

func sameGroups(got, want []engine.Group, a engine.Aggregate) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Count != w.Count || len(g.Key) != len(w.Key) {
			return false
		}
		for k, v := range w.Key {
			if g.Key[k] != v {
				return false
			}
		}
		for _, f := range a.Sum {
			if math.Abs(g.Sums[f]-w.Sums[f]) > 1e-9 {
				return false
			}
		}
	}
	return true
}

// AggregateRecords: "counts the records matching f, and sums numeric answer
// fields, grouped by the keys in a.GroupBy … Groups come sorted by their key
// values. Returns EINVALID for an unknown group key or a bad field name."
// Months, quarters and years are of CreatedAt in Asia/Shanghai; non-numeric
// and missing values count as 0.
func aggregateScenarios() []scenario {
	all := func(aggRow) bool { return true }
	cases := []struct {
		name string
		f    engine.RecordFilter
		keep func(aggRow) bool
		a    engine.Aggregate
	}{
		{"by_org_unit", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByOrgUnit}}},
		{"by_state", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByState}}},
		{"by_campaign", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByCampaign}}},
		{"by_form", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByForm}}},
		{"by_month_in_shanghai", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByMonth}}},
		{"by_quarter_in_shanghai", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByQuarter}}},
		{"by_year_in_shanghai", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByYear}}},
		{"by_campaign_and_state", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByCampaign, engine.GroupByState}}},
		{"by_state_and_campaign", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByState, engine.GroupByCampaign}}},
		{"by_year_and_quarter", engine.RecordFilter{}, all, engine.Aggregate{GroupBy: []string{engine.GroupByYear, engine.GroupByQuarter}}},
		{"sums_ints_floats_non_numeric_missing", engine.RecordFilter{}, all,
			engine.Aggregate{GroupBy: []string{engine.GroupByCampaign}, Sum: []string{"households", "area"}}},
		{"sums_of_a_field_nobody_has", engine.RecordFilter{}, all,
			engine.Aggregate{GroupBy: []string{engine.GroupByForm}, Sum: []string{"households", "no_such_field"}}},
		{"sums_by_quarter", engine.RecordFilter{}, all,
			engine.Aggregate{GroupBy: []string{engine.GroupByQuarter}, Sum: []string{"area", "households"}}},
		{"filtered_by_campaign", engine.RecordFilter{CampaignID: "c1"}, func(r aggRow) bool { return r.campaign == "c1" },
			engine.Aggregate{GroupBy: []string{engine.GroupByState}, Sum: []string{"households"}}},
		{"filtered_by_state_and_org_path", engine.RecordFilter{States: []string{"approved"}, OrgPaths: []string{"/p/c1/t1/v1/", "/p/c1/t1/v2/"}},
			func(r aggRow) bool { return r.state == "approved" && (r.unit == "v1" || r.unit == "v2") },
			engine.Aggregate{GroupBy: []string{engine.GroupByMonth}, Sum: []string{"households"}}},
		{"nothing_matches", engine.RecordFilter{CampaignID: "c9"}, func(aggRow) bool { return false },
			engine.Aggregate{GroupBy: []string{engine.GroupByOrgUnit}, Sum: []string{"households"}}},
	}
	var scs []scenario
	for _, c := range cases {
		scs = append(scs, scenario{c.name, func(t *testing.T, s app.Store) {
			insertAggFixture(t, s)
			got, err := s.AggregateRecords(t.Context(), c.f, c.a)
			must(t, err, "AggregateRecords")
			if want := expectGroups(c.keep, c.a); !sameGroups(got, want, c.a) {
				t.Errorf("AggregateRecords groups:%s\n\twant:%s", showGroups(got, c.a), showGroups(want, c.a))
			}
		}})
	}

	// One case spelled out, so the Shanghai boundary is plain to read.
	scs = append(scs, scenario{"month_boundary_spelled_out", func(t *testing.T, s app.Store) {
		insertAggFixture(t, s)
		a := engine.Aggregate{GroupBy: []string{engine.GroupByMonth}, Sum: []string{"households"}}
		got, err := s.AggregateRecords(t.Context(), engine.RecordFilter{CampaignID: "c1", FormID: "f1"}, a)
		must(t, err, "AggregateRecords")
		want := []engine.Group{
			{Key: map[string]string{"month": "2026-03"}, Count: 1, Sums: map[string]float64{"households": 3}},
			{Key: map[string]string{"month": "2026-04"}, Count: 1, Sums: map[string]float64{"households": 2.5}},
			{Key: map[string]string{"month": "2026-11"}, Count: 1, Sums: map[string]float64{"households": 0.25}},
		}
		if !sameGroups(got, want, a) {
			t.Errorf("AggregateRecords groups:%s\n\twant:%s", showGroups(got, a), showGroups(want, a))
		}
	}})

	invalid := []struct {
		name string
		a    engine.Aggregate
	}{
		{"unknown_group_key", engine.Aggregate{GroupBy: []string{"week"}}},
		{"unknown_among_known", engine.Aggregate{GroupBy: []string{engine.GroupByState, "answers.households"}}},
		{"empty_group_key", engine.Aggregate{GroupBy: []string{""}}},
		{"empty_sum_field", engine.Aggregate{GroupBy: []string{engine.GroupByState}, Sum: []string{""}}},
	}
	for _, c := range invalid {
		scs = append(scs, scenario{c.name + "_invalid", func(t *testing.T, s app.Store) {
			insertAggFixture(t, s)
			_, err := s.AggregateRecords(t.Context(), engine.RecordFilter{}, c.a)
			wantCode(t, err, engine.EINVALID, fmt.Sprintf("AggregateRecords GroupBy %q Sum %q", c.a.GroupBy, c.a.Sum))
		}})
	}
	return scs
}
