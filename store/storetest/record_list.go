package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// listFixture is a set of records that differ in every field RecordFilter
// looks at. ids maps each row's key to the stored ID.
type listFixture map[string]string

// fixtureRow describes one record of the list fixture.
type fixtureRow struct {
	key, campaign, form, unit, path, state, step string
	roles                                        []string
	taskPath, assignee, dedup                    string
	updated, due                                 time.Duration // after Epoch; due 0 means no DueAt
}

// listRows holds the traps a naive store falls into: /p/c10/ shares the
// text prefix "/p/c1" with /p/c1/, /p/a_b/ holds an underscore (a LIKE
// wildcard) next to /p/aXb/, records without a task have a zero DueAt
// (before every time), and r4 is due exactly at the DueBefore bound used below.
var listRows = []fixtureRow{
	{"r1", "c1", "f1", "v1", "/p/c1/t1/v1/", "submitted", "township_review", []string{"reviewer"}, "/p/c1/t1/", "", "d-aaa", 0, 24 * time.Hour},
	{"r2", "c1", "f1", "v2", "/p/c1/t1/v2/", "submitted", "township_review", []string{"reviewer", "supervisor"}, "/p/c1/t1/", "u-1", "d-bbb", 1 * time.Hour, 72 * time.Hour},
	{"r3", "c1", "f2", "v3", "/p/c1/t2/v3/", "approved", "", nil, "", "", "d-aaa", 2 * time.Hour, 0},
	{"r4", "c1", "f1", "v4", "/p/c10/t3/v4/", "district_review", "district_review", []string{"supervisor"}, "/p/c10/", "u-2", "", 3 * time.Hour, 48 * time.Hour},
	{"r5", "c2", "f1", "v1", "/p/c1/t1/v1/", "returned", "correction", []string{"field_worker"}, "/p/c1/t1/v1/", "u-1", "d-ccc", 4 * time.Hour, 120 * time.Hour},
	{"r6", "c2", "f3", "v5", "/p/a_b/t9/v5/", "draft", "", nil, "", "", "", 5 * time.Hour, 0},
	{"r7", "c2", "f3", "v6", "/p/aXb/t9/v6/", "approved", "", nil, "", "", "d-aaa", 6 * time.Hour, 0},
	{"r8", "c1", "f2", "v2", "/p/c1/t1/v2/", "township_review", "township_review", []string{"reviewer"}, "/p/c1/t1/", "", "", 7 * time.Hour, 36 * time.Hour},
}

func insertListFixture(t *testing.T, s app.Store) listFixture {
	t.Helper()
	ids := listFixture{}
	for i, row := range listRows {
		r := NewRecord(Epoch.Add(time.Duration(i) * time.Millisecond))
		r.CampaignID, r.FormID, r.OrgUnit, r.OrgPath, r.State = row.campaign, row.form, row.unit, row.path, row.state
		r.Step, r.CandidateRoles, r.TaskOrgPath, r.Assignee, r.DedupKey = row.step, row.roles, row.taskPath, row.assignee, row.dedup
		r.UpdatedAt = Epoch.Add(row.updated)
		if row.due != 0 {
			r.DueAt = Epoch.Add(row.due)
		}
		ids[row.key] = mustInsert(t, s, r).ID
	}
	return ids
}

// of returns the sorted IDs of the given fixture keys.
func (fx listFixture) of(keys ...string) []string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = fx[k]
	}
	return sortedIDs(ids)
}

// names turns IDs back into fixture keys, for readable failures.
func (fx listFixture) names(ids []string) string {
	byID := map[string]string{}
	for k, id := range fx {
		byID[id] = k
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		if k, ok := byID[id]; ok {
			out[i] = k
		} else {
			out[i] = id
		}
	}
	return "[" + strings.Join(out, " ") + "]"
}

// listAllRecords walks every page of f (see pageAll) and returns the IDs.
func listAllRecords(t *testing.T, s app.Store, f engine.RecordFilter, limit int, desc bool) []string {
	t.Helper()
	return recordIDs(pageAll(t, "ListRecords", limit, desc, func(p engine.Page) ([]*engine.Record, string, error) {
		page, err := s.ListRecords(t.Context(), f, p)
		if err != nil {
			return nil, "", err
		}
		return page.Records, page.Next, nil
	}))
}

// ListRecords and CountRecords: "Empty fields do not filter. Slices match any
// of their values. All conditions are combined with AND." Each filter field
// is checked alone and in combination, in ascending pages of 3, and
// CountRecords must agree with the list.
func listRecordScenarios() []scenario {
	at := func(d time.Duration) time.Time { return Epoch.Add(d) }
	cases := []struct {
		name string
		f    engine.RecordFilter
		want []string
	}{
		{"no_filter", engine.RecordFilter{}, []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"}},
		{"campaign", engine.RecordFilter{CampaignID: "c1"}, []string{"r1", "r2", "r3", "r4", "r8"}},
		{"campaign_unknown", engine.RecordFilter{CampaignID: "c9"}, nil},
		{"form", engine.RecordFilter{FormID: "f1"}, []string{"r1", "r2", "r4", "r5"}},
		{"campaign_and_form", engine.RecordFilter{CampaignID: "c2", FormID: "f3"}, []string{"r6", "r7"}},
		{"org_path_city_not_c10", engine.RecordFilter{OrgPaths: []string{"/p/c1/"}}, []string{"r1", "r2", "r3", "r5", "r8"}},
		{"org_path_township", engine.RecordFilter{OrgPaths: []string{"/p/c1/t1/"}}, []string{"r1", "r2", "r5", "r8"}},
		{"org_path_village_itself", engine.RecordFilter{OrgPaths: []string{"/p/c1/t1/v1/"}}, []string{"r1", "r5"}},
		{"org_paths_several", engine.RecordFilter{OrgPaths: []string{"/p/c1/t2/", "/p/c10/"}}, []string{"r3", "r4"}},
		{"org_paths_overlapping", engine.RecordFilter{OrgPaths: []string{"/p/c1/", "/p/c1/t1/"}}, []string{"r1", "r2", "r3", "r5", "r8"}},
		{"org_path_underscore_literal", engine.RecordFilter{OrgPaths: []string{"/p/a_b/"}}, []string{"r6"}},
		{"org_path_root", engine.RecordFilter{OrgPaths: []string{"/p/"}}, []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8"}},
		{"org_path_elsewhere", engine.RecordFilter{OrgPaths: []string{"/q/"}}, nil},
		{"task_org_path", engine.RecordFilter{TaskOrgPaths: []string{"/p/c1/t1/"}}, []string{"r1", "r2", "r5", "r8"}},
		{"task_org_path_not_c10", engine.RecordFilter{TaskOrgPaths: []string{"/p/c1/"}}, []string{"r1", "r2", "r5", "r8"}},
		{"task_org_paths_several", engine.RecordFilter{TaskOrgPaths: []string{"/p/c1/t1/v1/", "/p/c10/"}}, []string{"r4", "r5"}},
		{"task_org_path_exact", engine.RecordFilter{TaskOrgPaths: []string{"/p/c1/t1/"}, TaskOrgPathsExact: true}, []string{"r1", "r2", "r8"}},
		{"task_org_paths_exact_several", engine.RecordFilter{TaskOrgPaths: []string{"/p/c1/t1/v1/", "/p/c1/"}, TaskOrgPathsExact: true}, []string{"r5"}},
		{"state", engine.RecordFilter{States: []string{"approved"}}, []string{"r3", "r7"}},
		{"states_several", engine.RecordFilter{States: []string{"submitted", "returned"}}, []string{"r1", "r2", "r5"}},
		{"assignee", engine.RecordFilter{Assignee: "u-1"}, []string{"r2", "r5"}},
		{"any_role", engine.RecordFilter{AnyRole: []string{"reviewer"}}, []string{"r1", "r2", "r8"}},
		{"any_role_several", engine.RecordFilter{AnyRole: []string{"supervisor", "field_worker"}}, []string{"r2", "r4", "r5"}},
		{"dedup_key", engine.RecordFilter{DedupKey: "d-aaa"}, []string{"r1", "r3", "r7"}},
		{"updated_from_inclusive", engine.RecordFilter{UpdatedFrom: at(2 * time.Hour)}, []string{"r3", "r4", "r5", "r6", "r7", "r8"}},
		{"updated_before_exclusive", engine.RecordFilter{UpdatedBefore: at(2 * time.Hour)}, []string{"r1", "r2"}},
		{"updated_window", engine.RecordFilter{UpdatedFrom: at(time.Hour), UpdatedBefore: at(4 * time.Hour)}, []string{"r2", "r3", "r4"}},
		{"due_before_open_tasks_only", engine.RecordFilter{DueBefore: at(240 * time.Hour)}, []string{"r1", "r2", "r4", "r5", "r8"}},
		{"due_before_exclusive", engine.RecordFilter{DueBefore: at(48 * time.Hour)}, []string{"r1", "r8"}},
		{"combined", engine.RecordFilter{CampaignID: "c1", OrgPaths: []string{"/p/c1/t1/"}, States: []string{"submitted"}, AnyRole: []string{"supervisor"}}, []string{"r2"}},
		{"combined_campaign_assignee", engine.RecordFilter{CampaignID: "c2", Assignee: "u-1"}, []string{"r5"}},
		{"combined_nothing", engine.RecordFilter{FormID: "f3", DedupKey: "d-bbb"}, nil},
	}
	var scs []scenario
	for _, c := range cases {
		scs = append(scs, scenario{c.name, func(t *testing.T, s app.Store) {
			fx := insertListFixture(t, s)
			want := fx.of(c.want...)
			got := listAllRecords(t, s, c.f, 3, false)
			if !slices.Equal(got, want) {
				t.Errorf("ListRecords = %s, want %s (ascending ID)", fx.names(got), fx.names(want))
			}
			n, err := s.CountRecords(t.Context(), c.f)
			must(t, err, "CountRecords")
			if n != int64(len(want)) {
				t.Errorf("CountRecords = %d, want %d", n, len(want))
			}
		}})
	}
	scs = append(scs, scenario{"returns_whole_records", func(t *testing.T, s app.Store) {
		r := fullRecord(Epoch)
		want := inserted(r)
		mustInsert(t, s, r)
		page, err := s.ListRecords(t.Context(), engine.RecordFilter{}, engine.Page{})
		must(t, err, "ListRecords")
		if len(page.Records) != 1 {
			t.Fatalf("ListRecords returned %d records, want 1", len(page.Records))
		}
		checkRecord(t, "listed record", page.Records[0], want)
	}})
	return scs
}

// insertSpread stores n records whose IDs are made at distinct
// milliseconds and returns their IDs sorted ascending.
func insertSpread(t *testing.T, s app.Store, n int, campaign string) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		r := NewRecord(Epoch.Add(time.Duration(i) * time.Millisecond))
		r.CampaignID = campaign
		ids[i] = mustInsert(t, s, r).ID
	}
	return sortedIDs(ids)
}

// ListRecords paging: "up to Limit items whose ID is greater than After, in
// ascending ID order; with Desc, IDs less than After (all, when After is
// empty) in descending order", Page.Normalize's limits, and "Next is the
// cursor for the following page, empty on the last one."
func pageRecordScenarios() []scenario {
	return []scenario{
		{"ascending_pages", func(t *testing.T, s app.Store) {
			ids := insertSpread(t, s, 10, "c1")
			var sizes []int
			p := engine.Page{Limit: 3}
			var got []string
			for range 10 {
				page, err := s.ListRecords(t.Context(), engine.RecordFilter{}, p)
				must(t, err, "ListRecords")
				sizes = append(sizes, len(page.Records))
				got = append(got, recordIDs(page.Records)...)
				if page.Next == "" {
					break
				}
				p.After = page.Next
			}
			if !slices.Equal(got, ids) {
				t.Errorf("pages gave %q, want %q", got, ids)
			}
			if !slices.Equal(sizes, []int{3, 3, 3, 1}) {
				t.Errorf("page sizes %v, want [3 3 3 1]", sizes)
			}
		}},
		{"descending_pages", func(t *testing.T, s app.Store) {
			ids := insertSpread(t, s, 10, "c1")
			got := listAllRecords(t, s, engine.RecordFilter{}, 4, true)
			if want := reversed(ids); !slices.Equal(got, want) {
				t.Errorf("descending pages gave %q, want %q", got, want)
			}
		}},
		{"exact_pages_end", func(t *testing.T, s app.Store) {
			// 6 records in pages of 3: paging ends with every record once,
			// whether or not the store needs an empty page to say so.
			ids := insertSpread(t, s, 6, "c1")
			for _, desc := range []bool{false, true} {
				got := listAllRecords(t, s, engine.RecordFilter{}, 3, desc)
				want := ids
				if desc {
					want = reversed(ids)
				}
				if !slices.Equal(got, want) {
					t.Errorf("Desc=%v: pages gave %q, want %q", desc, got, want)
				}
			}
		}},
		{"after_is_an_id", func(t *testing.T, s app.Store) {
			ids := insertSpread(t, s, 8, "c1")
			page, err := s.ListRecords(t.Context(), engine.RecordFilter{}, engine.Page{After: ids[3], Limit: 100})
			must(t, err, "ListRecords ascending")
			if got := recordIDs(page.Records); !slices.Equal(got, ids[4:]) {
				t.Errorf("After ids[3] ascending = %q, want %q", got, ids[4:])
			}
			if page.Next != "" {
				t.Errorf("Next = %q on the last page, want empty", page.Next)
			}
			page, err = s.ListRecords(t.Context(), engine.RecordFilter{}, engine.Page{After: ids[3], Limit: 100, Desc: true})
			must(t, err, "ListRecords descending")
			if got, want := recordIDs(page.Records), reversed(ids[:3]); !slices.Equal(got, want) {
				t.Errorf("After ids[3] descending = %q, want %q", got, want)
			}
			// A cursor need not be a stored ID.
			page, err = s.ListRecords(t.Context(), engine.RecordFilter{}, engine.Page{After: engine.NewID(Epoch.Add(-time.Hour)), Limit: 100})
			must(t, err, "ListRecords after an earlier ID")
			if got := recordIDs(page.Records); !slices.Equal(got, ids) {
				t.Errorf("After an ID older than all = %q, want all %q", got, ids)
			}
		}},
		{"after_the_end_is_empty", func(t *testing.T, s app.Store) {
			ids := insertSpread(t, s, 3, "c1")
			page, err := s.ListRecords(t.Context(), engine.RecordFilter{}, engine.Page{After: ids[2], Limit: 10})
			must(t, err, "ListRecords")
			if len(page.Records) != 0 || page.Next != "" {
				t.Errorf("after the last ID: %d records, Next %q, want none and empty", len(page.Records), page.Next)
			}
			page, err = s.ListRecords(t.Context(), engine.RecordFilter{}, engine.Page{After: ids[0], Limit: 10, Desc: true})
			must(t, err, "ListRecords Desc")
			if len(page.Records) != 0 || page.Next != "" {
				t.Errorf("descending before the first ID: %d records, Next %q, want none and empty", len(page.Records), page.Next)
			}
		}},
		{"empty_store", func(t *testing.T, s app.Store) {
			page, err := s.ListRecords(t.Context(), engine.RecordFilter{}, engine.Page{})
			must(t, err, "ListRecords")
			if len(page.Records) != 0 || page.Next != "" {
				t.Errorf("empty store: %d records, Next %q", len(page.Records), page.Next)
			}
			n, err := s.CountRecords(t.Context(), engine.RecordFilter{})
			must(t, err, "CountRecords")
			if n != 0 {
				t.Errorf("CountRecords = %d on an empty store", n)
			}
		}},
		{"filter_with_pages", func(t *testing.T, s app.Store) {
			c1 := insertSpread(t, s, 7, "c1")
			insertSpread(t, s, 5, "c2")
			f := engine.RecordFilter{CampaignID: "c1"}
			if got := listAllRecords(t, s, f, 2, false); !slices.Equal(got, c1) {
				t.Errorf("c1 ascending in pages of 2 = %q, want %q", got, c1)
			}
			if got, want := listAllRecords(t, s, f, 2, true), reversed(c1); !slices.Equal(got, want) {
				t.Errorf("c1 descending in pages of 2 = %q, want %q", got, want)
			}
		}},
		{"normalize_limits", func(t *testing.T, s app.Store) {
			n := engine.MaxPageLimit + 10
			ids := insertSpread(t, s, n, "c1")
			cases := []struct {
				limit, want int
			}{
				{0, engine.DefaultPageLimit},
				{-5, engine.DefaultPageLimit},
				{1, 1},
				{engine.MaxPageLimit, engine.MaxPageLimit},
				{engine.MaxPageLimit + 1, engine.MaxPageLimit},
				{100_000, engine.MaxPageLimit},
			}
			for _, c := range cases {
				page, err := s.ListRecords(t.Context(), engine.RecordFilter{}, engine.Page{Limit: c.limit})
				must(t, err, fmt.Sprintf("ListRecords Limit %d", c.limit))
				if len(page.Records) != c.want {
					t.Errorf("Limit %d gave %d records, want %d", c.limit, len(page.Records), c.want)
					continue
				}
				if got := recordIDs(page.Records); !slices.Equal(got, ids[:c.want]) {
					t.Errorf("Limit %d did not give the first %d IDs", c.limit, c.want)
				}
				if page.Next == "" {
					t.Errorf("Limit %d: Next is empty with %d records left", c.limit, n-c.want)
				}
			}
			if got := listAllRecords(t, s, engine.RecordFilter{}, engine.MaxPageLimit, false); !slices.Equal(got, ids) {
				t.Errorf("paging by %d gave %d IDs, want all %d in order", engine.MaxPageLimit, len(got), n)
			}
		}},
	}
}
