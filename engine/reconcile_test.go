package engine_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/tabular"
)

// policeMapping maps the columns of the police household list
// (testdata/reconcile/police-household.gb18030.csv).
var policeMapping = engine.ReconcileMapping{
	IDNumber: "公民身份号码", Name: "姓名", BirthDate: "出生日期", VillageCode: "村居代码", OurBirthDate: "birthDate",
	Fields: map[string]string{"flow": "流动类别", "address": "现住址", "householdSize": "户内人数"},
}

// seedRegistry submits our side: 王建国 (flow differs from theirs), 李秀英
// (same), 赵小红 (our ID number has a wrong digit: matched by name and
// birth date), 孙明 in 湖滨村 (only ours).
func seedRegistry(t *testing.T, w *worklistWorld) map[string]*engine.Record {
	t.Helper()
	return map[string]*engine.Record{
		"wang": w.submit(t, w.dongguanWorker, person("王建国", idWang, "1980-01-01", "outflow", "东关村1号", 3)),
		"li":   w.submit(t, w.dongguanWorker, person("李秀英", idLi, "1975-12-03", "outflow", "东关村2号", 2)),
		"zhao": w.submit(t, w.dongguanWorker, person("赵小红", idZhao, "1990-05-15", "outflow", "东关村3号", 4)),
		"sun":  w.submit(t, w.hubinWorker, person("孙明", idSun, "1985-07-07", "inflow", "湖滨村5号", 1)),
	}
}

func policeFile(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reconcile", "police-household.gb18030.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReconcileAllThreeKindsGB18030(t *testing.T) {
	w := newWorklistWorld(t)
	ctx := context.Background()
	ours := seedRegistry(t, w)
	res, err := w.e.Reconcile(ctx, w.supervisor, engine.ReconcileInput{
		CampaignID: "migrant-cleanup", FileName: "police-household.csv", File: bytes.NewReader(policeFile(t)), Mapping: policeMapping,
	})
	if err != nil {
		t.Fatalf("Reconcile: %v %v", err, engine.ErrorFields(err))
	}
	run := res.Run
	want := engine.ReconcileCounts{Rows: 8, Refused: 4, Matched: 3, MatchedByName: 1, Same: 1, Differences: 2, OnlyOurs: 1, OnlyTheirs: 1}
	if run.Counts != want || run.Status != engine.RunDone {
		t.Fatalf("run %s counts %+v, want %+v", run.Status, run.Counts, want)
	}
	var problems []string
	for _, p := range res.Problems {
		problems = append(problems, p.Code)
	}
	if !slices.Equal(problems, []string{"unknown_village", "out_of_scope", "missing_id", "duplicate_row"}) {
		t.Fatalf("refused rows %+v", res.Problems)
	}
	if p := res.Problems[0]; p.Row != 6 || p.Column != "村居代码" {
		t.Fatalf("first refusal at row %d column %q, want row 6 村居代码", p.Row, p.Column)
	}

	all := w.items(t, w.supervisor, engine.WorklistFilter{RunID: run.ID})
	byKind := map[string][]*engine.WorklistItem{}
	for _, it := range all {
		byKind[it.Kind] = append(byKind[it.Kind], it)
	}
	if len(all) != 4 || len(byKind[engine.WorkFieldDiff]) != 2 || len(byKind[engine.WorkOnlyOurs]) != 1 || len(byKind[engine.WorkOnlyTheirs]) != 1 {
		t.Fatalf("items by kind: %d field_diff, %d only_ours, %d only_theirs (of %d)",
			len(byKind[engine.WorkFieldDiff]), len(byKind[engine.WorkOnlyOurs]), len(byKind[engine.WorkOnlyTheirs]), len(all))
	}
	diffs := map[string]*engine.WorklistItem{}
	for _, it := range byKind[engine.WorkFieldDiff] {
		diffs[it.RecordIDs[0]] = it
	}
	wang, zhao := diffs[ours["wang"].ID], diffs[ours["zhao"].ID]
	if wang == nil || zhao == nil {
		t.Fatalf("field differences for %v, want 王建国 and 赵小红", slices.Collect(func(yield func(string) bool) {
			for k := range diffs {
				yield(k)
			}
		}))
	}
	differing := func(it *engine.WorklistItem) map[string][2]string {
		out := map[string][2]string{}
		for _, v := range it.Values {
			if v.Differs {
				out[v.Field] = [2]string{v.Ours, v.Theirs}
			}
		}
		return out
	}
	if got := differing(wang); len(got) != 1 || got["flow"] != [2]string{"outflow", "inflow"} || wang.MatchedBy != engine.MatchIDNumber {
		t.Errorf("王建国 differences %v (matched by %s), want flow outflow→inflow by ID number", got, wang.MatchedBy)
	}
	if got := differing(zhao); len(got) != 1 || got["idNumber"] != [2]string{"3701**********2218", "3701**********2816"} || zhao.MatchedBy != engine.MatchNameBirth {
		t.Errorf("赵小红 differences %v (matched by %s), want the masked ID numbers by name and birth date", got, zhao.MatchedBy)
	}
	// Routing: each item sits with the village that owns it.
	onlyOurs, onlyTheirs := byKind[engine.WorkOnlyOurs][0], byKind[engine.WorkOnlyTheirs][0]
	routes := []struct {
		name string
		it   *engine.WorklistItem
		unit string
	}{
		{"王建国 to 东关村", wang, vDongguan},
		{"only ours 孙明 to 湖滨村", onlyOurs, vHubin},
		{"only theirs 周丽 to 南门村 by their village code", onlyTheirs, vNanmen},
	}
	for _, r := range routes {
		if r.it.OrgUnit != r.unit {
			t.Errorf("%s: routed to %s", r.name, r.it.OrgUnit)
		}
	}
	if onlyOurs.RecordIDs[0] != ours["sun"].ID || onlyTheirs.ExternalRow != 5 {
		t.Errorf("only ours %v, only theirs row %d", onlyOurs.RecordIDs, onlyTheirs.ExternalRow)
	}
	for _, v := range onlyTheirs.Values {
		if v.Field == "address" && v.Theirs != "=cmd|' /C calc'!A0" {
			t.Errorf("a formula-looking cell was altered: %q", v.Theirs)
		}
		if v.Field == "idNumber" && v.Theirs != "3701**********4426" {
			t.Errorf("their ID number shown as %q, want masked", v.Theirs)
		}
	}
	// Each village's field workers see their own items and no others.
	inbox := func(a *engine.Actor) []string {
		var kinds []string
		for _, it := range w.items(t, a, engine.WorklistFilter{RunID: run.ID}) {
			kinds = append(kinds, it.Kind)
		}
		slices.Sort(kinds)
		return kinds
	}
	if got := inbox(w.dongguanWorker); !slices.Equal(got, []string{engine.WorkFieldDiff, engine.WorkFieldDiff}) {
		t.Errorf("东关村 worklist %v", got)
	}
	if got := inbox(w.nanmenWorker); !slices.Equal(got, []string{engine.WorkOnlyTheirs}) {
		t.Errorf("南门村 worklist %v", got)
	}
	if got := inbox(w.hubinWorker); !slices.Equal(got, []string{engine.WorkOnlyOurs}) {
		t.Errorf("湖滨村 worklist %v", got)
	}
	_, err = w.e.WorklistItem(ctx, w.hubinWorker, wang.ID)
	wantErr(t, err, engine.ENOTFOUND, "")

	t.Run("resolution_is_recorded_applied_and_counted", func(t *testing.T) {
		// 王建国: their side was right; the field worker verifies it door
		// to door and our record takes their flow.
		got, err := w.e.ResolveItem(ctx, w.dongguanWorker, wang.ID, engine.Decision{Side: engine.SideTheirs, Version: wang.Version, Note: "入户核实为流入"})
		if err != nil {
			t.Fatalf("resolve: %v %v", err, engine.ErrorFields(err))
		}
		if got.Status != engine.WorkResolved || got.Resolution.Side != engine.SideTheirs || got.Resolution.Corrected["flow"] != "inflow" {
			t.Fatalf("resolved item %+v %+v", got, got.Resolution)
		}
		rec, err := w.e.Store().GetRecord(ctx, ours["wang"].ID)
		if err != nil {
			t.Fatal(err)
		}
		last := rec.History[len(rec.History)-1]
		if rec.Answers["flow"] != "inflow" || last.Action != engine.ActionCorrect || len(last.Changes) != 1 ||
			last.Changes[0].Pointer != "/flow" || last.Changes[0].Before != "outflow" || last.Changes[0].After != "inflow" {
			t.Fatalf("record after correction: flow %v, history %+v", rec.Answers["flow"], last)
		}
		if auditCount(t, w.e, "record.correct") != 1 || auditCount(t, w.e, "worklist.resolve") != 1 {
			t.Fatal("correction or resolution not audited")
		}
		// 赵小红: ours was right (their ID number has the wrong digit).
		if _, err := w.e.ResolveItem(ctx, w.dongguanWorker, zhao.ID, engine.Decision{Side: engine.SideOurs}); err != nil {
			t.Fatal(err)
		}
		// 周丽: she does live in 南门村; nothing of ours to correct.
		if _, err := w.e.ResolveItem(ctx, w.nanmenWorker, onlyTheirs.ID, engine.Decision{Side: engine.SideTheirs, Note: "需补登"}); err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			name    string
			a       *engine.Actor
			id      string
			d       engine.Decision
			code    string
			pointer string
		}{
			{"no_side", w.hubinWorker, onlyOurs.ID, engine.Decision{}, engine.EINVALID, "/side"},
			{"corrections_with_ours", w.hubinWorker, onlyOurs.ID, engine.Decision{Side: engine.SideOurs, Corrected: map[string]string{"flow": "inflow"}}, engine.EINVALID, "/corrected"},
			{"bad_integer", w.hubinWorker, onlyOurs.ID, engine.Decision{Side: engine.SideNeither, Corrected: map[string]string{"householdSize": "三"}}, engine.EINVALID, "/corrected/householdSize"},
			{"breaks_form_rule", w.hubinWorker, onlyOurs.ID, engine.Decision{Side: engine.SideNeither, Corrected: map[string]string{"flow": "away"}}, engine.EINVALID, "/flow"},
			{"unknown_field", w.hubinWorker, onlyOurs.ID, engine.Decision{Side: engine.SideNeither, Corrected: map[string]string{"nope": "x"}}, engine.EINVALID, "/corrected/nope"},
			{"already_resolved", w.dongguanWorker, wang.ID, engine.Decision{Side: engine.SideOurs}, engine.ECONFLICT, "/status"},
			{"out_of_scope", w.dongguanWorker, onlyOurs.ID, engine.Decision{Side: engine.SideOurs}, engine.ENOTFOUND, ""},
		}
		for _, r := range refusals {
			t.Run(r.name, func(t *testing.T) {
				_, err := w.e.ResolveItem(ctx, r.a, r.id, r.d)
				wantErr(t, err, r.code, r.pointer)
			})
		}
		if rec, _ := w.e.Store().GetRecord(ctx, ours["sun"].ID); rec.Version != ours["sun"].Version {
			t.Fatal("a refused resolution changed the record")
		}
		sum, err := w.e.ReconcileRun(ctx, w.supervisor, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Open != 1 || sum.ResolvedBySide[engine.SideTheirs] != 2 || sum.ResolvedBySide[engine.SideOurs] != 1 || len(sum.ResolvedBySide) != 2 {
			t.Fatalf("summary open %d, resolved by side %v; want 1 open, theirs 2, ours 1", sum.Open, sum.ResolvedBySide)
		}
	})

	t.Run("same_file_again_is_refused", func(t *testing.T) {
		_, err := w.e.Reconcile(ctx, w.supervisor, engine.ReconcileInput{
			CampaignID: "migrant-cleanup", FileName: "again.csv", File: bytes.NewReader(policeFile(t)), Mapping: policeMapping,
		})
		wantErr(t, err, engine.ECONFLICT, "/file")
		runs, _ := w.e.ReconcileRuns(ctx, w.supervisor, "migrant-cleanup")
		if len(runs) != 1 {
			t.Fatalf("%d runs after a refused duplicate, want 1", len(runs))
		}
	})
}

func TestReconcileRefusesBadInputWritingNothing(t *testing.T) {
	w := newWorklistWorld(t)
	ctx := context.Background()
	seedRegistry(t, w)
	missing := policeMapping
	missing.Fields = map[string]string{"flow": "流动类别", "address": "住址"}
	noID := policeMapping
	noID.IDNumber = ""
	badField := policeMapping
	badField.Fields = map[string]string{"salary": "流动类别"}
	tests := []struct {
		name    string
		a       *engine.Actor
		file    string
		data    []byte
		m       engine.ReconcileMapping
		code    string
		pointer string
	}{
		{"missing_mapped_column", w.supervisor, "p.csv", policeFile(t), missing, engine.EINVALID, "/mapping/fields/address"},
		{"id_column_not_chosen", w.supervisor, "p.csv", policeFile(t), noID, engine.EINVALID, "/mapping/id_number"},
		{"unknown_form_field", w.supervisor, "p.csv", policeFile(t), badField, engine.EINVALID, "/mapping/fields/salary"},
		{"not_a_spreadsheet", w.supervisor, "p.xlsx", []byte("PK\x03\x04 this is no zip"), policeMapping, engine.EINVALID, "/file"},
		{"unknown_extension", w.supervisor, "p.exe", policeFile(t), policeMapping, engine.EINVALID, "/file"},
		{"empty_file", w.supervisor, "p.csv", nil, policeMapping, engine.EINVALID, "/file"},
		{"field_worker_may_not_run", w.dongguanWorker, "p.csv", policeFile(t), policeMapping, engine.EFORBIDDEN, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.e.Reconcile(ctx, tt.a, engine.ReconcileInput{CampaignID: "migrant-cleanup", FileName: tt.file, File: bytes.NewReader(tt.data), Mapping: tt.m})
			wantErr(t, err, tt.code, tt.pointer)
		})
	}
	if runs, _ := w.e.ReconcileRuns(ctx, w.supervisor, "migrant-cleanup"); len(runs) != 0 {
		t.Fatalf("refused inputs stored %d runs", len(runs))
	}
	if items := w.items(t, w.supervisor, engine.WorklistFilter{}); len(items) != 0 {
		t.Fatalf("refused inputs left %d items", len(items))
	}
}

// TestReconcileXLSX runs the same comparison from an XLSX file written by
// the tabular package, as a department exporting from Excel would send it.
func TestReconcileXLSX(t *testing.T) {
	w := newWorklistWorld(t)
	ctx := context.Background()
	seedRegistry(t, w)
	rd, err := tabular.Open("police.csv", bytes.NewReader(policeFile(t)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	xw := tabular.NewXLSX(&buf)
	if err := xw.Sheet("户籍", rd.Header()); err != nil {
		t.Fatal(err)
	}
	for {
		row, err := rd.Next()
		if err != nil {
			break
		}
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		if err := xw.Write(cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := w.e.Reconcile(ctx, w.supervisor, engine.ReconcileInput{CampaignID: "migrant-cleanup", FileName: "police.xlsx", File: &buf, Mapping: policeMapping})
	if err != nil {
		t.Fatalf("Reconcile: %v %v", err, engine.ErrorFields(err))
	}
	want := engine.ReconcileCounts{Rows: 8, Refused: 4, Matched: 3, MatchedByName: 1, Same: 1, Differences: 2, OnlyOurs: 1, OnlyTheirs: 1}
	if res.Run.Counts != want {
		t.Fatalf("XLSX counts %+v, want %+v", res.Run.Counts, want)
	}
}

// failingStore fails UpsertWorklistItem after a number of calls, as a
// database that goes away in the middle of a run would.
type failingStore struct {
	app.Store
	left int
}

func (s *failingStore) UpsertWorklistItem(ctx context.Context, it *engine.WorklistItem) (*engine.WorklistItem, bool, error) {
	if s.left == 0 {
		return nil, false, engine.Errorf(engine.EUNAVAILABLE, "the database cannot be reached")
	}
	s.left--
	return s.Store.UpsertWorklistItem(ctx, it)
}

func TestReconcileFailingMidwayIsMarkedFailed(t *testing.T) {
	w := newWorklistWorld(t)
	ctx := context.Background()
	seedRegistry(t, w)
	flaky := app.New(app.Config{Config: engine.Config{Store: &failingStore{Store: w.e.Store(), left: 2}, Now: w.clk.Now, Vault: w.e.Vault()}})
	in := func() engine.ReconcileInput {
		return engine.ReconcileInput{CampaignID: "migrant-cleanup", FileName: "police.csv", File: bytes.NewReader(policeFile(t)), Mapping: policeMapping}
	}
	res, err := flaky.Reconcile(ctx, w.supervisor, in())
	wantErr(t, err, engine.EUNAVAILABLE, "")
	if res == nil || res.Run.Status != engine.RunFailed || res.Run.Error == "" {
		t.Fatalf("failed run = %+v", res)
	}
	// Their rows come in file order: 王建国 (difference), 李秀英 (same),
	// 赵小红 (difference), 周丽 (only theirs: the third item, which fails).
	got := res.Run.Counts
	if got.Rows != 8 || got.Refused != 4 || got.Differences != 2 || got.OnlyTheirs != 0 || got.OnlyOurs != 0 {
		t.Fatalf("failed run counts %+v: want how far it got", got)
	}
	stored, err := w.e.ReconcileRun(ctx, w.supervisor, res.Run.ID)
	if err != nil || stored.Run.Status != engine.RunFailed || stored.Run.Counts != got {
		t.Fatalf("stored failed run %+v, %v", stored, err)
	}
	// A failed run frees its file: running it again completes.
	again, err := w.e.Reconcile(ctx, w.supervisor, in())
	if err != nil || again.Run.Status != engine.RunDone || again.Run.Counts.OnlyTheirs != 1 {
		t.Fatalf("rerun after failure: %+v, %v", again, err)
	}
}
