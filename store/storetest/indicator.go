package storetest

import (
	"fmt"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/indicators"
)

// Indicators: "ApplyIndicatorContribution makes c the record's
// contribution to the counters … all or none. When the stored
// contribution's RecordVersion is at or above c.RecordVersion … nothing
// changes and applied is false"; official imports are numbered versions,
// stored all or none.
func indicatorScenarios() []scenario {
	store := func(t *testing.T, s app.Store) indicators.IndicatorStore {
		t.Helper()
		is, ok := s.(indicators.IndicatorStore)
		if !ok {
			t.Fatalf("%T does not implement indicators.IndicatorStore", s)
		}
		return is
	}
	part := func(term, path, month string, amount float64) indicators.IndicatorPart {
		return indicators.IndicatorPart{IndicatorCounterKey: indicators.IndicatorCounterKey{Term: term, OrgPath: path, Month: month}, Amount: amount}
	}
	contrib := func(record string, version int64, parts ...indicators.IndicatorPart) *indicators.IndicatorContribution {
		return &indicators.IndicatorContribution{RecordID: record, CampaignID: "camp-1", RecordVersion: version, UpdatedAt: Epoch, Parts: parts}
	}
	apply := func(t *testing.T, is indicators.IndicatorStore, c *indicators.IndicatorContribution, want bool) {
		t.Helper()
		got, err := is.ApplyIndicatorContribution(t.Context(), c)
		must(t, err, "ApplyIndicatorContribution "+c.RecordID)
		if got != want {
			t.Errorf("ApplyIndicatorContribution %s v%d applied = %v, want %v", c.RecordID, c.RecordVersion, got, want)
		}
	}
	// counters lists the non-zero counters as "term path month value/records".
	counters := func(t *testing.T, is indicators.IndicatorStore, f indicators.IndicatorCounterFilter) []string {
		t.Helper()
		cs, err := is.ListIndicatorCounters(t.Context(), f)
		must(t, err, "ListIndicatorCounters")
		out := []string{}
		for _, c := range cs {
			if c.Value != 0 || c.Records != 0 {
				out = append(out, fmt.Sprintf("%s %s %s %g/%d", c.Term, c.OrgPath, c.Month, c.Value, c.Records))
			}
		}
		return out
	}
	same := func(t *testing.T, what string, got, want []string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %q\nwant %q", what, got, want)
		}
	}
	all := indicators.IndicatorCounterFilter{CampaignID: "camp-1"}
	return []scenario{
		{"contributions_add_up_and_move", func(t *testing.T, s app.Store) {
			is := store(t, s)
			apply(t, is, contrib("r1", 1, part("count:a", "/p/t1/v1/", "2026-03", 1), part("sum:b", "/p/t1/v1/", "2026-03", 2.5)), true)
			apply(t, is, contrib("r2", 1, part("count:a", "/p/t1/v1/", "2026-03", 1)), true)
			apply(t, is, contrib("r3", 1, part("count:a", "/p/t1/v2/", "2026-04", 1)), true)
			same(t, "after three records", counters(t, is, all), []string{
				"count:a /p/t1/v1/ 2026-03 2/2", "count:a /p/t1/v2/ 2026-04 1/1", "sum:b /p/t1/v1/ 2026-03 2.5/1"})
			// r1 at version 2 no longer matches count:a, and sums 4.
			apply(t, is, contrib("r1", 2, part("sum:b", "/p/t1/v1/", "2026-03", 4)), true)
			same(t, "after r1 changed", counters(t, is, all), []string{
				"count:a /p/t1/v1/ 2026-03 1/1", "count:a /p/t1/v2/ 2026-04 1/1", "sum:b /p/t1/v1/ 2026-03 4/1"})
		}},
		{"replay_and_older_version_change_nothing", func(t *testing.T, s app.Store) {
			is := store(t, s)
			apply(t, is, contrib("r1", 2, part("count:a", "/p/t1/v1/", "2026-03", 1)), true)
			apply(t, is, contrib("r1", 2, part("count:a", "/p/t1/v1/", "2026-03", 1)), false)
			apply(t, is, contrib("r1", 1, part("count:x", "/p/t1/v1/", "2026-03", 1)), false)
			same(t, "counters", counters(t, is, all), []string{"count:a /p/t1/v1/ 2026-03 1/1"})
		}},
		{"filter_by_subtree_term_and_months", func(t *testing.T, s app.Store) {
			is := store(t, s)
			apply(t, is, contrib("r1", 1, part("count:a", "/p/t1/v1/", "2026-01", 1), part("count:b", "/p/t1/v1/", "2026-01", 1)), true)
			apply(t, is, contrib("r2", 1, part("count:a", "/p/t1/v2/", "2026-02", 1)), true)
			apply(t, is, contrib("r3", 1, part("count:a", "/p/t2/v3/", "2026-03", 1)), true)
			other := contrib("r4", 1, part("count:a", "/p/t1/v1/", "2026-01", 1))
			other.CampaignID = "camp-2"
			apply(t, is, other, true)
			same(t, "t1, count:a, Feb–Mar", counters(t, is, indicators.IndicatorCounterFilter{CampaignID: "camp-1", Terms: []string{"count:a"}, OrgPath: "/p/t1/", FromMonth: "2026-02", ToMonth: "2026-03"}),
				[]string{"count:a /p/t1/v2/ 2026-02 1/1"})
			same(t, "t1, all terms", counters(t, is, indicators.IndicatorCounterFilter{CampaignID: "camp-1", OrgPath: "/p/t1/"}),
				[]string{"count:a /p/t1/v1/ 2026-01 1/1", "count:a /p/t1/v2/ 2026-02 1/1", "count:b /p/t1/v1/ 2026-01 1/1"})
			same(t, "camp-2", counters(t, is, indicators.IndicatorCounterFilter{CampaignID: "camp-2"}), []string{"count:a /p/t1/v1/ 2026-01 1/1"})
		}},
		{"reset_forgets_one_campaign", func(t *testing.T, s app.Store) {
			is := store(t, s)
			apply(t, is, contrib("r1", 1, part("count:a", "/p/t1/v1/", "2026-01", 1)), true)
			other := contrib("r2", 1, part("count:a", "/p/t1/v1/", "2026-01", 1))
			other.CampaignID = "camp-2"
			apply(t, is, other, true)
			must(t, is.ResetIndicatorCounters(t.Context(), "camp-1"), "ResetIndicatorCounters")
			same(t, "camp-1 after reset", counters(t, is, all), []string{})
			same(t, "camp-2 after reset", counters(t, is, indicators.IndicatorCounterFilter{CampaignID: "camp-2"}), []string{"count:a /p/t1/v1/ 2026-01 1/1"})
			// The contribution is forgotten too: the same version applies again.
			apply(t, is, contrib("r1", 1, part("count:a", "/p/t1/v1/", "2026-01", 1)), true)
			same(t, "camp-1 after re-apply", counters(t, is, all), []string{"count:a /p/t1/v1/ 2026-01 1/1"})
		}},
		{"contribution_without_ids_invalid", func(t *testing.T, s app.Store) {
			is := store(t, s)
			_, err := is.ApplyIndicatorContribution(t.Context(), &indicators.IndicatorContribution{CampaignID: "camp-1", RecordVersion: 1})
			wantCode(t, err, engine.EINVALID, "no record")
			_, err = is.ApplyIndicatorContribution(t.Context(), &indicators.IndicatorContribution{RecordID: "r1", RecordVersion: 1})
			wantCode(t, err, engine.EINVALID, "no campaign")
		}},
		{"official_imports_are_versions", func(t *testing.T, s app.Store) {
			is := store(t, s)
			fig := func(unit, path, period string, v float64) indicators.OfficialFigure {
				return indicators.OfficialFigure{Key: "births", OrgUnit: unit, OrgPath: path, Period: period, Value: v}
			}
			imp1 := &indicators.OfficialImport{ID: "imp-1", Source: "统计局初报", FileName: "a.csv", ImportedBy: "u-1", ImportedAt: Epoch, Rows: 2, OrgPath: "/p/"}
			must(t, is.AddOfficialImport(t.Context(), imp1, []indicators.OfficialFigure{fig("t1", "/p/t1/", "2026", 50), fig("v1", "/p/t1/v1/", "2026", 22)}), "AddOfficialImport 1")
			imp2 := &indicators.OfficialImport{ID: "imp-2", Source: "统计局修正", FileName: "b.xlsx", ImportedBy: "u-2", ImportedAt: Epoch.Add(time.Hour), Rows: 1, OrgPath: "/p/"}
			must(t, is.AddOfficialImport(t.Context(), imp2, []indicators.OfficialFigure{fig("t1", "/p/t1/", "2026", 52)}), "AddOfficialImport 2")
			if imp1.Version != 1 || imp2.Version != 2 {
				t.Errorf("versions %d, %d; want 1, 2", imp1.Version, imp2.Version)
			}
			wantCode(t, is.AddOfficialImport(t.Context(), &indicators.OfficialImport{ID: "imp-1", Source: "again"}, nil), engine.ECONFLICT, "same ID")
			wantCode(t, is.AddOfficialImport(t.Context(), &indicators.OfficialImport{ID: "imp-3", Source: "bad"}, []indicators.OfficialFigure{fig("t1", "", "2026", 1)}), engine.EINVALID, "figure without path")
			imps, err := is.ListOfficialImports(t.Context())
			must(t, err, "ListOfficialImports")
			if len(imps) != 2 || *imps[0] != *imp2 || *imps[1] != *imp1 {
				t.Errorf("imports = %+v, want imp-2 then imp-1", imps)
			}
			figs, err := is.ListOfficialFigures(t.Context(), indicators.OfficialFigureFilter{Keys: []string{"births"}, OrgPath: "/p/t1/", Periods: []string{"2026"}})
			must(t, err, "ListOfficialFigures")
			var got []string
			for _, f := range figs {
				got = append(got, fmt.Sprintf("%s %s %s v%d %g %s", f.Key, f.OrgPath, f.Period, f.Version, f.Value, f.ImportID))
			}
			same(t, "figures", got, []string{"births /p/t1/ 2026 v1 50 imp-1", "births /p/t1/ 2026 v2 52 imp-2", "births /p/t1/v1/ 2026 v1 22 imp-1"})
			figs, err = is.ListOfficialFigures(t.Context(), indicators.OfficialFigureFilter{OrgPath: "/p/t1/v1/", Periods: []string{"2027"}})
			must(t, err, "ListOfficialFigures 2027")
			if len(figs) != 0 {
				t.Errorf("2027 figures = %+v, want none", figs)
			}
		}},
	}
}
