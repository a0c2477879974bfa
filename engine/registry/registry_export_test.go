package registry_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"canvass/engine"
	"canvass/engine/registry"
)

// sheetRows reads every sheet of an XLSX workbook.
func sheetRows(t *testing.T, data []byte) (names []string, rows map[string][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows = map[string][][]string{}
	for _, s := range f.GetSheetList() {
		r, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		names, rows[s] = append(names, s), r
	}
	return names, rows
}

func TestRegistryExport(t *testing.T) {
	w := newRegistryWorld(t)
	ctx := context.Background()
	data := registryHeader + "\n" +
		"王小明," + personID(1) + ",2026-01-05,已婚,3,370102001001,=SUM(1+1)\n" +
		"李芳," + personID(2) + ",2026-01-05,未婚,2,370102001002,\n" +
		"赵强," + personID(3) + ",2026-01-05,离婚,1,370102002001,\n" +
		"钱多," + personID(4) + ",2026-01-05,已婚,4,370102001001,\n"
	if j := w.importFile(t, w.supervisor, registry.ImportRequest{FileName: "a.csv"}, []byte(data)); j.Written != 4 {
		t.Fatalf("import: %s %v", j.State, reportLines(t, w, w.supervisor, j.ID))
	}
	export := func(a *engine.Actor, req registry.ExportRequest) ([]byte, *registry.ExportResult, error) {
		req.CampaignID = "registry-2026"
		var buf bytes.Buffer
		res, err := w.e.Registry.ExportRecords(ctx, a, req, &buf)
		return buf.Bytes(), res, err
	}

	t.Run("xlsx_sheet_per_village_masked", func(t *testing.T) {
		out, res, err := export(w.supervisor, registry.ExportRequest{OrgUnit: "370102", PerVillage: true})
		if err != nil {
			t.Fatal(err)
		}
		names, rows := sheetRows(t, out)
		if want := []string{"东关村", "南门村", "湖滨村"}; !slices.Equal(names, want) || res.Records != 4 || res.Sheets != 3 {
			t.Fatalf("sheets %v (%d records), want %v and 4", names, res.Records, want)
		}
		east := rows["东关村"]
		if got := strings.Join(east[0][:7], "|"); got != "id|单位代码|单位名称|状态|姓名|公民身份号码|流入日期" {
			t.Fatalf("header = %s", got)
		}
		if len(east) != 3 || east[1][1] != "370102001001" || east[1][2] != "东关村" || east[1][3] != "乡镇审核" {
			t.Fatalf("east rows = %v", east)
		}
		if id := east[2][5]; id == personID(4) || !strings.Contains(id, "*") {
			t.Errorf("ID number exported as %q, want masked", id)
		}
		if got := east[1][7]; got != "已婚" {
			t.Errorf("marital status exported as %q, want its label", got)
		}
	})
	t.Run("csv_per_village_zip_guards_formulas", func(t *testing.T) {
		out, res, err := export(w.supervisor, registry.ExportRequest{OrgUnit: "370102001", Format: registry.ExportZip, Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
		if err != nil {
			t.Fatal(err)
		}
		var files []string
		var east string
		for _, f := range zr.File {
			files = append(files, f.Name)
			if strings.HasPrefix(f.Name, "东关村") {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				east = string(b)
			}
		}
		if want := []string{"东关村.csv", "南门村.csv"}; !slices.Equal(files, want) || res.Records != 3 {
			t.Fatalf("files %v (%d records), want %v and 3", files, res.Records, want)
		}
		if !strings.Contains(east, "id,Org unit code,Org unit,State,Name") || !strings.Contains(east, "Township review") {
			t.Fatalf("english headers and state missing: %q", east)
		}
		if strings.Contains(east, ",=SUM") || !strings.Contains(east, ",'=SUM(1+1)") {
			t.Fatalf("a formula went out unguarded: %q", east)
		}
	})
	t.Run("reveal_for_a_supervisor_is_audited", func(t *testing.T) {
		out, _, err := export(w.supervisor, registry.ExportRequest{Format: registry.ExportCSV, Reveal: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), personID(2)) {
			t.Fatal("the revealed export lacks the ID number")
		}
		page, err := w.e.Store().ListAudit(ctx, engine.AuditFilter{Action: "pii.reveal"}, engine.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Events) != 1 {
			t.Fatalf("%d reveal events, want 1", len(page.Events))
		}
		if ev := page.Events[0]; ev.Detail["export"] != true || ev.Detail["records"] != float64(4) || ev.Actor != w.supervisor.ID() {
			t.Fatalf("last audit event = %s %v by %s", ev.Action, ev.Detail, ev.Actor)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			a    *engine.Actor
			req  registry.ExportRequest
			code string
		}{
			{"field worker may not reveal", w.worker, registry.ExportRequest{Reveal: true}, engine.EFORBIDDEN},
			{"unit outside the scope", w.otherTown, registry.ExportRequest{OrgUnit: "370102001"}, engine.ENOTFOUND},
			{"unknown campaign form", w.supervisor, registry.ExportRequest{FormID: "nope"}, engine.ENOTFOUND},
			{"bad format", w.supervisor, registry.ExportRequest{Format: "pdf"}, engine.EINVALID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if _, _, err := export(tt.a, tt.req); engine.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
			})
		}
	})
	t.Run("field_worker_sees_only_the_village", func(t *testing.T) {
		_, res, err := export(w.worker, registry.ExportRequest{})
		if err != nil || res.Records != 2 {
			t.Fatalf("records %v, %v; want 2", res, err)
		}
	})
}
