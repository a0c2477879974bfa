package registry_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/engine/registry"
	"canvass/store/sqlite"
)

// registryWorld is the registry campaign published on a fresh store, with
// a district supervisor, a township reviewer and a village field worker.
type registryWorld struct {
	e                                *app.App
	clk                              *clock
	path                             string
	author, supervisor, town, worker *engine.Actor
	otherTown                        *engine.Actor
}

func newRegistryWorld(t *testing.T) *registryWorld {
	t.Helper()
	path := filepath.Join(t.TempDir(), "canvass.db")
	e, clk := newEngineAt(t, path)
	seedTree(t, e)
	w := &registryWorld{e: e, clk: clk, path: path,
		author:     mustUser(t, e, "author", "370102", engine.RoleAuthor),
		supervisor: mustUser(t, e, "super", "370102", engine.RoleSupervisor),
		town:       mustUser(t, e, "town", "370102001", engine.RoleReviewer),
		worker:     mustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker),
		otherTown:  mustUser(t, e, "othersuper", "370102002", engine.RoleSupervisor),
	}
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "registry-person", "registry-person.form.json"},
		{engine.KindWorkflow, "registry-review", "registry-review.workflow.yaml"},
		{engine.KindCampaign, "registry-2026", "registry-2026.campaign.yaml"},
	} {
		enginetest.PublishFile(t, e, w.author, f.kind, f.id, filepath.Join("testdata", f.file))
	}
	return w
}

// residentID completes 17 digits with their GB 11643 check character.
func residentID(d17 string) string {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(d17[i]-'0') * weights[i]
	}
	return d17 + string("10X98765432"[sum%11])
}

// personID returns a valid, distinct resident ID for person n.
func personID(n int) string {
	return residentID(fmt.Sprintf("370102198%01d%02d%02d%03d", n/100000%10, 1+n/2800%12, 1+n/100%28, n%1000))
}

const registryHeader = "姓名,公民身份号码,流入日期,婚姻状况,家庭人数,村代码,街路巷"

// registryCSV returns a CSV of n valid rows spread over the four villages.
func registryCSV(n int) []byte {
	villages := []string{"370102001001", "370102001002", "370102002001", "370102002002"}
	var b bytes.Buffer
	b.WriteString(registryHeader + "\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "测试%d,%s,2026/%d/%d,已婚,%d,%s,幸福路%d号\n", i, personID(i), 1+i%11, 1+i%27, 1+i%5, villages[i%4], i)
	}
	return b.Bytes()
}

func (w *registryWorld) upload(t *testing.T, a *engine.Actor, req registry.ImportRequest, data []byte) (*registry.ImportJob, error) {
	t.Helper()
	if req.CampaignID == "" {
		req.CampaignID = "registry-2026"
	}
	req.Size = int64(len(data))
	return w.e.Registry.UploadImport(context.Background(), a, req, bytes.NewReader(data))
}

// importFile uploads data and runs the job to its end.
func (w *registryWorld) importFile(t *testing.T, a *engine.Actor, req registry.ImportRequest, data []byte) *registry.ImportJob {
	t.Helper()
	j, err := w.upload(t, a, req, data)
	if err != nil {
		t.Fatalf("upload: %v %v", err, engine.ErrorFields(err))
	}
	return w.run(t, j.ID)
}

func (w *registryWorld) run(t *testing.T, id string) *registry.ImportJob {
	t.Helper()
	if _, err := w.e.Registry.RunImportJob(context.Background(), "test-runner", id); err != nil {
		t.Fatalf("run: %v", err)
	}
	j, err := w.e.Store().GetImportJob(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func (w *registryWorld) count(t *testing.T) int64 {
	t.Helper()
	n, err := w.e.Store().CountRecords(context.Background(), engine.RecordFilter{CampaignID: "registry-2026"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// reportLines returns a job's report as "row|column|code" lines.
func reportLines(t *testing.T, w *registryWorld, a *engine.Actor, id string) []string {
	t.Helper()
	page, err := w.e.Registry.ImportReport(context.Background(), a, id, engine.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range page.Rows {
		out = append(out, fmt.Sprintf("%d|%s|%s", r.Row, r.Column, r.Code))
	}
	return out
}

func xlsxOf(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j := range r {
			vals[j] = r[j]
		}
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRegistryImportEncodings(t *testing.T) {
	text := string(registryCSV(3))
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		rows = append(rows, strings.Split(line, ","))
	}
	tests := []struct {
		name, file string
		data       []byte
	}{
		{"utf-8", "list.csv", []byte(text)},
		{"utf-8 with BOM", "list.csv", append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"gb18030 from Chinese Excel", "名单.csv", []byte(gb)},
		{"xlsx", "list.xlsx", xlsxOf(t, rows)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newRegistryWorld(t)
			j := w.importFile(t, w.supervisor, registry.ImportRequest{FileName: tt.file}, tt.data)
			if j.State != registry.ImportDone || j.Rows != 3 || j.Valid != 3 || j.Written != 3 {
				t.Fatalf("job = %s rows %d valid %d written %d (%s %s); report %v", j.State, j.Rows, j.Valid, j.Written, j.ErrorCode, j.ErrorMessage, reportLines(t, w, w.supervisor, j.ID))
			}
			if got := w.count(t); got != 3 {
				t.Fatalf("records = %d, want 3", got)
			}
			page, err := w.e.Store().ListRecords(context.Background(), engine.RecordFilter{CampaignID: "registry-2026"}, engine.Page{})
			if err != nil {
				t.Fatal(err)
			}
			r := page.Records[0]
			if s, _ := r.Answers["idNumber"].(string); !engine.IsEncrypted(s) || r.DedupKey == "" {
				t.Errorf("ID number stored as %q, dedup key %q: want ciphertext and a key", s, r.DedupKey)
			}
			if r.State != "township_review" || r.OrgUnit != "370102001001" || r.TaskOrgPath != "/370000/370100/370102/370102001/" {
				t.Errorf("record: state %s unit %s task %s", r.State, r.OrgUnit, r.TaskOrgPath)
			}
			if got, want := r.Answers["movedOn"], "2026-01-01"; got != want {
				t.Errorf("movedOn = %v, want %v", got, want)
			}
			if got := r.Answers["maritalStatus"]; got != "married" {
				t.Errorf("maritalStatus = %v, want the value of the label 已婚", got)
			}
			if got := r.Answers["address"]; fmt.Sprint(got) != "map[street:幸福路0号]" {
				t.Errorf("address = %v, want the section filled", got)
			}
		})
	}
}

// malformedCSV has two good rows around one of each kind of problem, and
// an empty line (skipped, but counted in the row numbers).
var malformedCSV = registryHeader + "\n" +
	"王小明," + personID(1) + ",2026-01-05,已婚,3,370102001001,幸福路1号\n" + // 2 good
	"李芳,370102198001011238,2026-01-05,未婚,2,370102001001,\n" + // 3 bad check digit
	"赵强," + personID(3) + ",2026-02-30,已婚,2,370102001002,\n" + // 4 impossible date
	"钱多," + personID(4) + ",2026-01-05,已婚,2,370102009009,\n" + // 5 unknown village
	"孙立," + personID(5) + ",2026-01-05,已婚,2,370102002001,,多余\n" + // 6 extra column
	"周全," + personID(6) + ",2026-01-05,已婚\n" + // 7 missing columns
	"\n" + // 8 empty line
	"吴用," + personID(8) + ",2026-01-05,离婚,1,370102002002,光明街8号\n" // 9 good

var malformedReport = []string{
	"3|公民身份号码|format_resident_id",
	"4|流入日期|format",
	"5|村代码|unknown_org_unit",
	"6|#8|extra_column",
	"7|家庭人数|missing_column",
}

func TestRegistryImportMalformedRows(t *testing.T) {
	t.Run("all_or_nothing_imports_nothing", func(t *testing.T) {
		w := newRegistryWorld(t)
		j := w.importFile(t, w.supervisor, registry.ImportRequest{FileName: "bad.csv", Mode: registry.ImportAllOrNothing}, []byte(malformedCSV))
		if j.State != registry.ImportFailed || j.ErrorCode != "invalid_rows" || j.Rows != 7 || j.Invalid != 5 || j.Written != 0 {
			t.Fatalf("job = %s %s rows %d invalid %d written %d", j.State, j.ErrorCode, j.Rows, j.Invalid, j.Written)
		}
		if got := w.count(t); got != 0 {
			t.Fatalf("records = %d, want 0", got)
		}
		if got := reportLines(t, w, w.supervisor, j.ID); strings.Join(got, "\n") != strings.Join(malformedReport, "\n") {
			t.Fatalf("report:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(malformedReport, "\n"))
		}
	})
	t.Run("good_rows_imports_exactly_the_good_ones", func(t *testing.T) {
		w := newRegistryWorld(t)
		j := w.importFile(t, w.supervisor, registry.ImportRequest{FileName: "bad.csv", Mode: registry.ImportGoodRows, Lang: "en"}, []byte(malformedCSV))
		if j.State != registry.ImportDone || j.Rows != 7 || j.Valid != 2 || j.Invalid != 5 || j.Written != 2 {
			t.Fatalf("job = %s rows %d valid %d invalid %d written %d", j.State, j.Rows, j.Valid, j.Invalid, j.Written)
		}
		if got := w.count(t); got != 2 {
			t.Fatalf("records = %d, want 2", got)
		}
		if got := reportLines(t, w, w.supervisor, j.ID); strings.Join(got, "\n") != strings.Join(malformedReport, "\n") {
			t.Fatalf("report:\n%s", strings.Join(got, "\n"))
		}
		page, _ := w.e.Registry.ImportReport(context.Background(), w.supervisor, j.ID, engine.Page{})
		if got := page.Rows[2].Message; got != "unknown org unit code, or outside your scope" {
			t.Errorf("message in English = %q", got)
		}
	})
	t.Run("village_outside_the_importers_scope", func(t *testing.T) {
		w := newRegistryWorld(t)
		// The other township's supervisor may not import into 370102001001.
		j := w.importFile(t, w.otherTown, registry.ImportRequest{FileName: "x.csv", Mode: registry.ImportGoodRows}, registryCSV(4))
		if j.Written != 2 || j.Invalid != 2 {
			t.Fatalf("written %d invalid %d, want 2 and 2", j.Written, j.Invalid)
		}
		if got := reportLines(t, w, w.otherTown, j.ID); strings.Join(got, ",") != "2|村代码|unknown_org_unit,3|村代码|unknown_org_unit" {
			t.Fatalf("report %v", got)
		}
	})
}

func TestRegistryImportRefusesFiles(t *testing.T) {
	w := newRegistryWorld(t)
	tests := []struct {
		name, file string
		data       []byte
		code, ptr  string
	}{
		{"wrong file type", "list.pdf", []byte("%PDF-1.4"), engine.EINVALID, "/file:file_type"},
		{"xlsx that is not a workbook", "list.xlsx", []byte("PK\x03\x04 not really"), engine.EINVALID, "/file:file_type"},
		{"binary junk as csv", "list.csv", []byte("\x00\x01\x02\xff\xfe\x00garbage\x00\n\x01\x02"), engine.EINVALID, "/file:bad_header"},
		{"no column matches", "list.csv", []byte("a,b\n1,2\n"), engine.EINVALID, "/file:no_columns"},
		{"update without id", "list.csv", []byte(registryHeader + "\n"), engine.EINVALID, "/file:no_id_column"},
		{"too many columns", "list.csv", []byte(strings.Repeat("c,", registry.MaxImportColumns+1) + "姓名\n"), engine.ETOOLARGE, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := registry.ImportKindInsert
			if strings.HasPrefix(tt.name, "update") {
				kind = registry.ImportKindUpdate
			}
			_, err := w.upload(t, w.supervisor, registry.ImportRequest{FileName: tt.file, Kind: kind}, tt.data)
			if engine.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			if tt.ptr != "" && strings.Join(pointers(err), ",") != tt.ptr {
				t.Fatalf("fields = %v, want %s", pointers(err), tt.ptr)
			}
		})
	}
	t.Run("file over the size limit", func(t *testing.T) {
		_, err := w.e.Registry.StartImport(context.Background(), w.supervisor, registry.ImportRequest{CampaignID: "registry-2026", FileName: "a.csv", Size: registry.MaxImportBytes + 1})
		if engine.ErrorCode(err) != engine.ETOOLARGE {
			t.Fatalf("err = %v, want too_large", err)
		}
	})
	t.Run("reviewer may not import", func(t *testing.T) {
		_, err := w.upload(t, w.town, registry.ImportRequest{FileName: "a.csv"}, registryCSV(1))
		if engine.ErrorCode(err) != engine.EFORBIDDEN {
			t.Fatalf("err = %v, want forbidden", err)
		}
	})
	t.Run("job of someone else is not found", func(t *testing.T) {
		j, err := w.upload(t, w.supervisor, registry.ImportRequest{FileName: "a.csv"}, registryCSV(1))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.e.Registry.ImportJob(context.Background(), w.otherTown, j.ID); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Fatalf("err = %v, want not_found", err)
		}
	})
}

func TestRegistryImportSavedMapping(t *testing.T) {
	w := newRegistryWorld(t)
	ctx := context.Background()
	bad := &registry.ImportMapping{CampaignID: "registry-2026", FormID: "registry-person", Columns: map[string]string{"名字": "nope"}}
	if err := w.e.Registry.SaveImportMapping(ctx, w.supervisor, bad); engine.ErrorCode(err) != engine.EINVALID || strings.Join(pointers(err), ",") != "/columns/名字:unknown_field" {
		t.Fatalf("bad mapping: %v %v", err, pointers(err))
	}
	m := &registry.ImportMapping{CampaignID: "registry-2026", FormID: "registry-person", Columns: map[string]string{
		"名字": "personName", "身份证": "idNumber", "婚否": "maritalStatus", "所在村": registry.ColumnOrgUnit}}
	if err := w.e.Registry.SaveImportMapping(ctx, w.supervisor, m); err != nil {
		t.Fatal(err)
	}
	data := "名字,身份证,婚否,所在村\n陈晨," + personID(7) + ",未婚,370102002001\n"
	j := w.importFile(t, w.supervisor, registry.ImportRequest{FileName: "own.csv"}, []byte(data))
	if j.State != registry.ImportDone || j.Written != 1 {
		t.Fatalf("job %s written %d: %v", j.State, j.Written, reportLines(t, w, w.supervisor, j.ID))
	}
	if j.Mapping["所在村"] != registry.ColumnOrgUnit || j.Mapping["名字"] != "personName" {
		t.Fatalf("job mapping = %v", j.Mapping)
	}
}

func TestRegistryImport100kRows(t *testing.T) {
	if testing.Short() {
		t.Log("-short: 10k rows instead of 100k")
	}
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	w := newRegistryWorld(t)
	j := w.importFile(t, w.supervisor, registry.ImportRequest{FileName: "big.csv", Mode: registry.ImportGoodRows}, registryCSV(n))
	if j.State != registry.ImportDone || j.Written != int64(n) || j.Invalid != 0 {
		t.Fatalf("job %s written %d invalid %d: %v", j.State, j.Written, j.Invalid, reportLines(t, w, w.supervisor, j.ID))
	}
	if got := w.count(t); got != int64(n) {
		t.Fatalf("records = %d, want %d", got, n)
	}
}

// interruptingStore cancels the run after a number of batch inserts, as
// a server that stops mid-job.
type interruptingStore struct {
	app.Store
	batches int
	cancel  context.CancelFunc
}

func (s *interruptingStore) InsertRecords(ctx context.Context, rs []*engine.Record) ([]*engine.Record, error) {
	if s.batches == 0 {
		s.cancel()
		return nil, engine.WrapError(engine.EUNAVAILABLE, "stopped", ctx.Err())
	}
	s.batches--
	return s.Store.InsertRecords(ctx, rs)
}

func TestRegistryImportResumesAfterRestart(t *testing.T) {
	const n = 2600
	w := newRegistryWorld(t)
	j, err := w.upload(t, w.supervisor, registry.ImportRequest{FileName: "big.csv"}, registryCSV(n))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopping := &interruptingStore{Store: w.e.Store(), batches: 2, cancel: cancel}
	first := app.New(app.Config{Config: engine.Config{Store: stopping, Now: w.clk.Now, Vault: w.e.Vault()}})
	if _, err := first.Registry.RunImportJob(ctx, "server-1", j.ID); err == nil {
		t.Fatal("the interrupted run reported no error")
	}
	mid, _ := w.e.Store().GetImportJob(context.Background(), j.ID)
	if mid.State != registry.ImportImporting || mid.Written != 1000 || w.count(t) != 1000 {
		t.Fatalf("after the stop: %s written %d records %d, want importing 1000 1000", mid.State, mid.Written, w.count(t))
	}
	// A second server on the same database file (the first one's store is
	// closed) resumes once the first one's lease has run out.
	if err := w.e.Store().Close(); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(w.path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	second := app.New(app.Config{Config: engine.Config{Store: st, Now: w.clk.Now, Vault: w.e.Vault()}})
	if ran, err := second.Registry.ResumeImports(context.Background(), "server-2"); err != nil || ran != 0 {
		t.Fatalf("resume under a live lease: ran %d, %v; want 0", ran, err)
	}
	w.clk.Add(3 * time.Minute)
	if ran, err := second.Registry.ResumeImports(context.Background(), "server-2"); err != nil || ran != 1 {
		t.Fatalf("resume: ran %d, %v", ran, err)
	}
	done, _ := second.Store().GetImportJob(context.Background(), j.ID)
	got, _ := second.Store().CountRecords(context.Background(), engine.RecordFilter{CampaignID: "registry-2026"})
	if done.State != registry.ImportDone || done.Written != n || got != n {
		t.Fatalf("after the resume: %s written %d records %d, want done %d", done.State, done.Written, got, n)
	}
}

func TestRegistryImportHostileCells(t *testing.T) {
	w := newRegistryWorld(t)
	huge := strings.Repeat("长", registry.MaxImportCell) // 3 bytes a rune: over the limit
	data := registryHeader + "\n" +
		"王小明," + personID(1) + ",2026-01-05,已婚,3,370102001001," + huge + "\n" +
		"李芳," + personID(2) + ",2026-01-05,已婚,3,370102001001,幸福\x01路\n" +
		"\"=cmd|' /C calc'!A0\"," + personID(3) + ",2026-01-05,已婚,3,370102001001,\n"
	j := w.importFile(t, w.supervisor, registry.ImportRequest{FileName: "h.csv", Mode: registry.ImportGoodRows}, []byte(data))
	want := "2|街路巷|cell_too_long,3|街路巷|bad_characters"
	if got := strings.Join(reportLines(t, w, w.supervisor, j.ID), ","); got != want || j.Written != 1 {
		t.Fatalf("report %s (written %d), want %s and 1", got, j.Written, want)
	}
	// The formula-looking name is stored as text (encrypted, as a name),
	// and an export guards it (see TestRegistryExport).
	page, _ := w.e.Store().ListRecords(context.Background(), engine.RecordFilter{CampaignID: "registry-2026"}, engine.Page{})
	if s, _ := page.Records[0].Answers["personName"].(string); !engine.IsEncrypted(s) {
		t.Fatalf("name stored as %q", s)
	}
}

func TestImportRunnerRunsQueuedJobs(t *testing.T) {
	w := newRegistryWorld(t)
	j, err := w.upload(t, w.supervisor, registry.ImportRequest{FileName: "a.csv"}, registryCSV(3))
	if err != nil {
		t.Fatal(err)
	}
	r := w.e.Registry.ImportRunner("runner-test", 20*time.Millisecond)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := w.e.Store().GetImportJob(context.Background(), j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Finished() {
			if got.State != registry.ImportDone || got.Written != 3 {
				t.Fatalf("job %s written %d", got.State, got.Written)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the runner did not finish the job: %s", got.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
}
