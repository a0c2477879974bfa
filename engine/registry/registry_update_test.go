package registry_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"canvass/engine"
	"canvass/engine/registry"
)

// editXLSX applies edit to every data row of the first sheet of an
// exported workbook (row is the 0-based data row, header the header row)
// and returns the workbook, with extra rows appended.
func editXLSX(t *testing.T, data []byte, edit func(row int, header, cells []string) []string, extra ...[]string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := excelize.NewFile()
	put := func(i int, cells []string) {
		vals := make([]any, len(cells))
		for j := range cells {
			vals[j] = cells[j]
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := out.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	put(0, rows[0])
	for i, r := range rows[1:] {
		put(i+1, edit(i, rows[0], r))
	}
	for i, r := range extra {
		put(len(rows)+i, r)
	}
	var buf bytes.Buffer
	if _, err := out.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func col(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	return -1
}

func TestRegistryBulkUpdate(t *testing.T) {
	w := newRegistryWorld(t)
	ctx := context.Background()
	j := w.importFile(t, w.supervisor, registry.ImportRequest{FileName: "a.csv"}, registryCSV(4))
	if j.Written != 4 {
		t.Fatalf("import: %s", j.State)
	}
	page, _ := w.e.Store().ListRecords(ctx, engine.RecordFilter{CampaignID: "registry-2026"}, engine.Page{})
	ids := make([]string, len(page.Records))
	for i, r := range page.Records {
		ids[i] = r.ID
	}
	// Record 3 is approved: final, so a list edit may not touch it.
	if _, err := w.e.Act(ctx, w.town, ids[0], engine.Action{Name: "approve"}); err != nil {
		t.Fatal(err)
	}
	var exported bytes.Buffer
	if _, err := w.e.Registry.ExportRecords(ctx, w.supervisor, registry.ExportRequest{CampaignID: "registry-2026"}, &exported); err != nil {
		t.Fatal(err)
	}
	edited := editXLSX(t, exported.Bytes(), func(i int, h, cells []string) []string {
		switch cells[0] {
		case ids[0]: // final: refused
			cells[col(h, "家庭人数")] = "9"
		case ids[1]: // two fields change; the masked ID number stays
			cells[col(h, "家庭人数")] = "5"
			cells[col(h, "婚姻状况")] = "离婚"
		case ids[2]: // a bad value
			cells[col(h, "流入日期")] = "2026-13-01"
		}
		return cells
	}, []string{"01JDEADBEEF0000000000000000", "", "", "", "某人"})

	up, err := w.upload(t, w.supervisor, registry.ImportRequest{FileName: "edited.xlsx", Kind: registry.ImportKindUpdate}, edited)
	if err != nil {
		t.Fatalf("upload: %v %v", err, engine.ErrorFields(err))
	}
	up = w.run(t, up.ID)
	if up.State != registry.ImportPreview || up.Rows != 5 || up.Changed != 1 || up.Invalid != 3 {
		t.Fatalf("preview: %s rows %d changed %d invalid %d; %v", up.State, up.Rows, up.Changed, up.Invalid, reportLines(t, w, w.supervisor, up.ID))
	}
	want := []string{"2|id|not_editable", "3||change", "4|流入日期|format", "6|id|unknown_record"}
	if got := reportLines(t, w, w.supervisor, up.ID); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("preview report %v, want %v", got, want)
	}
	rep, _ := w.e.Registry.ImportReport(ctx, w.supervisor, up.ID, engine.Page{})
	ch := rep.Rows[1]
	if got := fmt.Sprint(ch.Changes); ch.RecordID != ids[1] || got != "[{/householdSize 2 5} {/maritalStatus married divorced}]" {
		t.Fatalf("changes of %s = %s", ch.RecordID, got)
	}
	if r, _ := w.e.Store().GetRecord(ctx, ids[1]); r.Version != 1 {
		t.Fatalf("the preview wrote the record: version %d", r.Version)
	}

	// Someone else confirms nothing: the other township cannot see the job.
	if _, err := w.e.Registry.ConfirmImportUpdate(ctx, w.otherTown, up.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("confirm by another unit: %v", err)
	}
	if _, err := w.e.Registry.ConfirmImportUpdate(ctx, w.supervisor, up.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.Registry.ConfirmImportUpdate(ctx, w.supervisor, up.ID); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("second confirm: %v, want conflict", err)
	}
	done := w.run(t, up.ID)
	if done.State != registry.ImportDone || done.Written != 1 {
		t.Fatalf("apply: %s written %d", done.State, done.Written)
	}
	r, _ := w.e.Store().GetRecord(ctx, ids[1])
	last := r.History[len(r.History)-1]
	if r.Version != 2 || last.Action != "bulk_update" || len(last.Changes) != 2 || r.State != "township_review" {
		t.Fatalf("record after apply: version %d state %s last %+v", r.Version, r.State, last)
	}
	if s, _ := r.Answers["idNumber"].(string); !engine.IsEncrypted(s) {
		t.Fatalf("ID number after the update: %q", s)
	}
	view, _ := w.e.RevealRecord(ctx, w.supervisor, ids[1])
	if view.Answers["idNumber"] != personID(1) || view.Answers["householdSize"] != float64(5) {
		t.Fatalf("answers after the update: %v", view.Answers)
	}
}

func TestRegistryBulkUpdateChangedSincePreview(t *testing.T) {
	w := newRegistryWorld(t)
	ctx := context.Background()
	w.importFile(t, w.supervisor, registry.ImportRequest{FileName: "a.csv"}, registryCSV(1))
	page, _ := w.e.Store().ListRecords(ctx, engine.RecordFilter{CampaignID: "registry-2026"}, engine.Page{})
	id := page.Records[0].ID
	data := "id,家庭人数\n" + id + ",7\n"
	up, err := w.upload(t, w.supervisor, registry.ImportRequest{FileName: "e.csv", Kind: registry.ImportKindUpdate}, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if up = w.run(t, up.ID); up.Changed != 1 {
		t.Fatalf("preview changed %d", up.Changed)
	}
	// The township returns it meanwhile: the record's version moves on.
	if _, err := w.e.Act(ctx, w.town, id, engine.Action{Name: "return", Reason: "核对住址"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.Registry.ConfirmImportUpdate(ctx, w.supervisor, up.ID); err != nil {
		t.Fatal(err)
	}
	done := w.run(t, up.ID)
	if done.State != registry.ImportDone || done.Written != 0 {
		t.Fatalf("apply: %s written %d", done.State, done.Written)
	}
	if got := reportLines(t, w, w.supervisor, up.ID); strings.Join(got, ",") != "2||change,2|id|changed_since_preview" {
		t.Fatalf("report %v", got)
	}
	if r, _ := w.e.Store().GetRecord(ctx, id); r.Answers["householdSize"] != float64(1) {
		t.Fatalf("the record was overwritten: %v", r.Answers["householdSize"])
	}
}
