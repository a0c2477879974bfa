package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/worklist"
)

// newItem returns an open worklist item of campaign camp-1 whose ID sorts
// by i.
func newItem(i int, kind, orgPath string, key string) *worklist.WorklistItem {
	at := oddTime(Epoch.Add(time.Duration(i) * time.Minute))
	return &worklist.WorklistItem{
		ID: fmt.Sprintf("W%04d", i), Key: key, Kind: kind, CampaignID: "camp-1", OrgUnit: "v1", OrgPath: orgPath,
		Status: worklist.WorkOpen, RecordIDs: []string{fmt.Sprintf("rec-%d-a", i), fmt.Sprintf("rec-%d-b", i)}, ExternalRow: i,
		MatchedBy: worklist.MatchIDNumber,
		Values: []worklist.WorkValue{
			{Field: "name", Label: "姓名", Ours: "张*", Theirs: "张*"},
			{Field: "status", Label: "状态", Ours: "流出", Theirs: "流入", Differs: true},
			{Field: "idNumber", Values: []string{"3701**********1234", "3701**********1234"}},
		},
		CreatedAt: at, UpdatedAt: at,
	}
}

func diffItem(got, want *worklist.WorklistItem) differ {
	var d differ
	d.str("ID", got.ID, want.ID)
	d.str("Key", got.Key, want.Key)
	d.str("Kind", got.Kind, want.Kind)
	d.str("CampaignID", got.CampaignID, want.CampaignID)
	d.str("RunID", got.RunID, want.RunID)
	d.str("OrgUnit", got.OrgUnit, want.OrgUnit)
	d.str("OrgPath", got.OrgPath, want.OrgPath)
	d.str("Status", got.Status, want.Status)
	d.strs("RecordIDs", got.RecordIDs, want.RecordIDs)
	d.num("ExternalRow", int64(got.ExternalRow), int64(want.ExternalRow))
	d.str("MatchedBy", got.MatchedBy, want.MatchedBy)
	d.json("Values", got.Values, want.Values)
	d.num("Version", got.Version, want.Version)
	d.time("CreatedAt", got.CreatedAt, want.CreatedAt)
	d.time("UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	if (got.Resolution == nil) != (want.Resolution == nil) {
		d.json("Resolution", got.Resolution, want.Resolution)
	} else if got.Resolution != nil {
		d.str("Resolution.By", got.Resolution.By, want.Resolution.By)
		d.time("Resolution.At", got.Resolution.At, want.Resolution.At)
		d.str("Resolution.Side", got.Resolution.Side, want.Resolution.Side)
		d.str("Resolution.Survivor", got.Resolution.Survivor, want.Resolution.Survivor)
		d.json("Resolution.Corrected", got.Resolution.Corrected, want.Resolution.Corrected)
		d.str("Resolution.Note", got.Resolution.Note, want.Resolution.Note)
	}
	return d
}

func mustUpsertItem(t *testing.T, s app.Store, it *worklist.WorklistItem) *worklist.WorklistItem {
	t.Helper()
	got, created, err := s.UpsertWorklistItem(t.Context(), it)
	must(t, err, "UpsertWorklistItem "+it.ID)
	if !created {
		t.Fatalf("UpsertWorklistItem %s: not created", it.ID)
	}
	return got
}

func listItemIDs(t *testing.T, s app.Store, f worklist.WorklistFilter, limit int) []string {
	t.Helper()
	items := pageAll(t, "ListWorklist", limit, false, func(p engine.Page) ([]*worklist.WorklistItem, string, error) {
		page, err := s.ListWorklist(t.Context(), f, p)
		if err != nil {
			return nil, "", err
		}
		return page.Items, page.Next, nil
	})
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}

// Worklist: UpsertWorklistItem "stores it as new when no item has its Key
// … when one exists it changes nothing and returns that one. Returns
// EINVALID …". GetWorklistItem, UpdateWorklistItem (version-checked),
// ListWorklist (keyset, filters), CountWorklist (grouped by kind, status,
// side, sorted), DuplicateGroups (keys shared by more than one record of a
// campaign, paged by key), and the reconciliation runs (same file twice is
// ECONFLICT unless the earlier run failed).
func worklistScenarios() []scenario {
	village := "/p/c1/t1/v1/"
	return []scenario{
		{"upsert_is_idempotent_on_key", func(t *testing.T, s app.Store) {
			want := newItem(1, worklist.WorkDuplicate, village, "dup:k1")
			got := mustUpsertItem(t, s, want)
			want.Version = 1
			diffItem(got, want).report(t, "UpsertWorklistItem")
			again := newItem(2, worklist.WorkDuplicate, village, "dup:k1")
			again.RecordIDs = []string{"other"}
			stored, created, err := s.UpsertWorklistItem(t.Context(), again)
			must(t, err, "UpsertWorklistItem again")
			if created {
				t.Error("second upsert with the same key created an item")
			}
			diffItem(stored, want).report(t, "UpsertWorklistItem again")
			if ids := listItemIDs(t, s, worklist.WorklistFilter{}, 10); !slices.Equal(ids, []string{"W0001"}) {
				t.Errorf("ListWorklist: got %v, want [W0001]", ids)
			}
			diffItem(mustGetItem(t, s, "W0001"), want).report(t, "GetWorklistItem")
		}},
		{"upsert_refuses_incomplete", func(t *testing.T, s app.Store) {
			for name, mut := range map[string]func(*worklist.WorklistItem){
				"no_id": func(it *worklist.WorklistItem) { it.ID = "" }, "no_key": func(it *worklist.WorklistItem) { it.Key = "" },
				"no_kind": func(it *worklist.WorklistItem) { it.Kind = "" }, "no_campaign": func(it *worklist.WorklistItem) { it.CampaignID = "" },
				"no_org_path": func(it *worklist.WorklistItem) { it.OrgPath = "" }, "no_status": func(it *worklist.WorklistItem) { it.Status = "" },
			} {
				it := newItem(1, worklist.WorkDuplicate, village, "k")
				mut(it)
				_, _, err := s.UpsertWorklistItem(t.Context(), it)
				wantCode(t, err, engine.EINVALID, "UpsertWorklistItem "+name)
			}
			if ids := listItemIDs(t, s, worklist.WorklistFilter{}, 10); len(ids) != 0 {
				t.Errorf("refused items were stored: %v", ids)
			}
		}},
		{"get_missing_is_not_found", func(t *testing.T, s app.Store) {
			_, err := s.GetWorklistItem(t.Context(), "W9999")
			wantCode(t, err, engine.ENOTFOUND, "GetWorklistItem")
		}},
		{"update_checks_version", func(t *testing.T, s app.Store) {
			it := mustUpsertItem(t, s, newItem(1, worklist.WorkFieldDiff, village, "diff:1"))
			at := oddTime(Epoch.Add(time.Hour))
			it.Status, it.UpdatedAt = worklist.WorkResolved, at
			it.Resolution = &worklist.WorkResolution{By: "u-1", At: at, Side: worklist.SideTheirs, Corrected: map[string]string{"status": "流入"}, Note: "核实为流入"}
			got, err := s.UpdateWorklistItem(t.Context(), it)
			must(t, err, "UpdateWorklistItem")
			want := *it
			want.Version = 2
			diffItem(got, &want).report(t, "UpdateWorklistItem")
			diffItem(mustGetItem(t, s, it.ID), &want).report(t, "GetWorklistItem after update")
			_, err = s.UpdateWorklistItem(t.Context(), it) // version 1 again
			wantCode(t, err, engine.ECONFLICT, "UpdateWorklistItem stale")
			missing := newItem(9, worklist.WorkFieldDiff, village, "x")
			missing.Version = 1
			_, err = s.UpdateWorklistItem(t.Context(), missing)
			wantCode(t, err, engine.ENOTFOUND, "UpdateWorklistItem missing")
		}},
		{"list_filters_and_pages", func(t *testing.T, s app.Store) {
			other := "/p/c1/t2/v9/"
			kinds := []string{worklist.WorkDuplicate, worklist.WorkOnlyOurs, worklist.WorkOnlyTheirs, worklist.WorkFieldDiff}
			for i := 1; i <= 12; i++ {
				it := newItem(i, kinds[i%4], village, fmt.Sprintf("k%d", i))
				if i%3 == 0 {
					it.OrgPath = other
				}
				if i > 6 {
					it.CampaignID, it.RunID = "camp-2", "run-1"
				}
				mustUpsertItem(t, s, it)
			}
			tests := []struct {
				name string
				f    worklist.WorklistFilter
				want []int
			}{
				{"all", worklist.WorklistFilter{}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
				{"campaign", worklist.WorklistFilter{CampaignID: "camp-1"}, []int{1, 2, 3, 4, 5, 6}},
				{"run", worklist.WorklistFilter{RunID: "run-1"}, []int{7, 8, 9, 10, 11, 12}},
				{"kinds", worklist.WorklistFilter{Kinds: []string{worklist.WorkOnlyOurs, worklist.WorkFieldDiff}}, []int{1, 3, 5, 7, 9, 11}},
				{"subtree", worklist.WorklistFilter{OrgPaths: []string{"/p/c1/t2/"}}, []int{3, 6, 9, 12}},
				{"empty_scope_matches_nothing", worklist.WorklistFilter{OrgPaths: []string{""}}, nil},
				{"record", worklist.WorklistFilter{RecordID: "rec-5-b"}, []int{5}},
				{"status", worklist.WorklistFilter{Statuses: []string{worklist.WorkDismissed}}, nil},
				{"combined", worklist.WorklistFilter{CampaignID: "camp-2", Kinds: []string{worklist.WorkOnlyOurs, worklist.WorkFieldDiff}, OrgPaths: []string{village}}, []int{7, 11}},
			}
			for _, tt := range tests {
				for _, limit := range []int{1, 5, 50} {
					got := listItemIDs(t, s, tt.f, limit)
					var want []string
					for _, i := range tt.want {
						want = append(want, fmt.Sprintf("W%04d", i))
					}
					if !sameStrings(got, want) {
						t.Errorf("%s (limit %d): got %v, want %v", tt.name, limit, got, want)
					}
				}
			}
		}},
		{"count_groups_by_kind_status_side", func(t *testing.T, s app.Store) {
			sides := []string{worklist.SideOurs, worklist.SideTheirs, worklist.SideTheirs}
			for i := 1; i <= 7; i++ {
				kind := worklist.WorkFieldDiff
				if i > 5 {
					kind = worklist.WorkOnlyTheirs
				}
				it := mustUpsertItem(t, s, newItem(i, kind, village, fmt.Sprintf("k%d", i)))
				if i <= 3 {
					it.Status = worklist.WorkResolved
					it.Resolution = &worklist.WorkResolution{By: "u", At: Epoch, Side: sides[i-1]}
					_, err := s.UpdateWorklistItem(t.Context(), it)
					must(t, err, "UpdateWorklistItem")
				}
			}
			got, err := s.CountWorklist(t.Context(), worklist.WorklistFilter{CampaignID: "camp-1"})
			must(t, err, "CountWorklist")
			want := []worklist.WorklistCount{
				{Kind: worklist.WorkFieldDiff, Status: worklist.WorkOpen, Side: "", Count: 2},
				{Kind: worklist.WorkFieldDiff, Status: worklist.WorkResolved, Side: worklist.SideOurs, Count: 1},
				{Kind: worklist.WorkFieldDiff, Status: worklist.WorkResolved, Side: worklist.SideTheirs, Count: 2},
				{Kind: worklist.WorkOnlyTheirs, Status: worklist.WorkOpen, Side: "", Count: 2},
			}
			if !slices.Equal(got, want) {
				t.Errorf("CountWorklist: got %+v, want %+v", got, want)
			}
			none, err := s.CountWorklist(t.Context(), worklist.WorklistFilter{CampaignID: "nope"})
			must(t, err, "CountWorklist none")
			if len(none) != 0 {
				t.Errorf("CountWorklist of nothing: got %+v", none)
			}
		}},
		{"duplicate_groups_by_dedup_key", func(t *testing.T, s app.Store) {
			// keys: k00 ×3, k01 ×1, k02 ×2, k03 ×2 (one in camp-2), k04 ×2, and five without a key
			layout := []struct {
				key, campaign string
				n             int
			}{
				{"k00", "camp-1", 3}, {"k01", "camp-1", 1}, {"k02", "camp-1", 2}, {"k03", "camp-1", 1}, {"k03", "camp-2", 1},
				{"k04", "camp-1", 2}, {"", "camp-1", 5},
			}
			i := 0
			for _, l := range layout {
				for range l.n {
					i++
					r := NewRecord(Epoch.Add(time.Duration(i) * time.Second))
					r.CampaignID, r.DedupKey = l.campaign, l.key
					mustInsert(t, s, r)
				}
			}
			var got []worklist.DuplicateGroup
			after := ""
			for range 10 {
				page, err := s.DuplicateGroups(t.Context(), "camp-1", after, 2)
				must(t, err, "DuplicateGroups")
				got = append(got, page...)
				if len(page) < 2 {
					break
				}
				after = page[len(page)-1].DedupKey
			}
			want := []worklist.DuplicateGroup{{DedupKey: "k00", Count: 3}, {DedupKey: "k02", Count: 2}, {DedupKey: "k04", Count: 2}}
			if !slices.Equal(got, want) {
				t.Errorf("DuplicateGroups: got %+v, want %+v", got, want)
			}
		}},
		{"runs_refuse_same_file_unless_failed", func(t *testing.T, s app.Store) {
			run := &worklist.ReconcileRun{
				ID: "R0001", CampaignID: "camp-1", OrgPath: "/p/", FileName: "公安户籍.csv", FileHash: "h1", By: "u-1",
				At: oddTime(Epoch), Status: worklist.RunRunning,
				Mapping: worklist.ReconcileMapping{IDNumber: "身份证号", VillageCode: "村代码", Fields: map[string]string{"status": "状态"}},
				Counts:  worklist.ReconcileCounts{Rows: 10, Refused: 1},
			}
			must(t, s.CreateReconcileRun(t.Context(), run), "CreateReconcileRun")
			dup := *run
			dup.ID = "R0002"
			wantCode(t, s.CreateReconcileRun(t.Context(), &dup), engine.ECONFLICT, "CreateReconcileRun same file")
			other := dup
			other.CampaignID = "camp-2"
			must(t, s.CreateReconcileRun(t.Context(), &other), "CreateReconcileRun same file, other campaign")
			wantCode(t, s.CreateReconcileRun(t.Context(), &worklist.ReconcileRun{ID: "R0009", CampaignID: "c"}), engine.EINVALID, "CreateReconcileRun no hash")

			run.Version, run.Status, run.Error = 1, worklist.RunFailed, "数据库不可用"
			run.Counts.OnlyOurs = 4
			got, err := s.UpdateReconcileRun(t.Context(), run)
			must(t, err, "UpdateReconcileRun")
			if got.Version != 2 || got.Status != worklist.RunFailed || got.Error != run.Error || got.Counts != run.Counts {
				t.Errorf("UpdateReconcileRun: got %+v", got)
			}
			_, err = s.UpdateReconcileRun(t.Context(), run) // version 1 again
			wantCode(t, err, engine.ECONFLICT, "UpdateReconcileRun stale")
			retry := *run
			retry.ID, retry.Status, retry.Error, retry.Version = "R0003", worklist.RunRunning, "", 0
			must(t, s.CreateReconcileRun(t.Context(), &retry), "CreateReconcileRun after a failed run")

			stored, err := s.GetReconcileRun(t.Context(), "R0001")
			must(t, err, "GetReconcileRun")
			if stored.FileName != run.FileName || stored.By != "u-1" || !sameTime(stored.At, run.At) ||
				!sameJSON(stored.Mapping, run.Mapping) || stored.Counts != run.Counts {
				t.Errorf("GetReconcileRun: got %+v, want %+v", stored, run)
			}
			_, err = s.GetReconcileRun(t.Context(), "R9999")
			wantCode(t, err, engine.ENOTFOUND, "GetReconcileRun missing")

			list, err := s.ListReconcileRuns(t.Context(), "camp-1", []string{"/p/"})
			must(t, err, "ListReconcileRuns")
			var ids []string
			for _, r := range list {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, []string{"R0003", "R0001"}) {
				t.Errorf("ListReconcileRuns: got %v, want [R0003 R0001]", ids)
			}
			outside, err := s.ListReconcileRuns(t.Context(), "camp-1", []string{"/q/"})
			must(t, err, "ListReconcileRuns outside")
			if len(outside) != 0 {
				t.Errorf("ListReconcileRuns outside the scope: got %d", len(outside))
			}
		}},
	}
}

func mustGetItem(t *testing.T, s app.Store, id string) *worklist.WorklistItem {
	t.Helper()
	it, err := s.GetWorklistItem(t.Context(), id)
	must(t, err, "GetWorklistItem "+id)
	return it
}
