package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/registry"
)

// The registry measurement: a list of n people imported through the
// engine (upload into the store in chunks, then the job: every row read,
// checked by forms.Evaluate, sealed, started in the workflow and inserted
// in batches), against a raw InsertRecords of n prebuilt records; then
// the n records exported to XLSX and CSV through the engine (paged reads,
// masked personal data, streamed writers). Each phase reports its time and
// the peak Go heap sampled while it ran, which is what bounded memory is
// about (the process's own peak RSS also holds the earlier phases).

// registryFigures are the results of measureRegistry.
type registryFigures struct {
	rows   int
	phases []registryPhase
}

// registryPhase is one timed phase.
type registryPhase struct {
	name     string
	rows     int
	took     time.Duration
	peakHeap uint64
}

const (
	registryCampaign = "registry-bench"
	registryForm     = `{
  "x-form-id": "registry-person",
  "x-title": {"zh": "流动人口登记", "en": "Migrant registry"},
  "type": "object",
  "required": ["personName", "idNumber", "maritalStatus"],
  "properties": {
    "personName": {"type": "string", "minLength": 2, "maxLength": 20, "x-pii": "name", "x-label": {"zh": "姓名", "en": "Name"}},
    "idNumber": {"type": "string", "format": "cn-resident-id", "x-pii": "id-number", "x-label": {"zh": "公民身份号码", "en": "Resident ID number"}},
    "movedOn": {"type": "string", "format": "date", "x-label": {"zh": "流入日期", "en": "Moved in on"}},
    "maritalStatus": {"type": "string", "x-label": {"zh": "婚姻状况", "en": "Marital status"},
      "x-choices": [{"value": "never", "label": {"zh": "未婚"}}, {"value": "married", "label": {"zh": "已婚"}}]},
    "householdSize": {"type": "integer", "minimum": 1, "maximum": 30, "x-label": {"zh": "家庭人数", "en": "Household size"}},
    "street": {"type": "string", "maxLength": 60, "x-label": {"zh": "街路巷", "en": "Street"}}
  }
}`
	registryWorkflow = `id: registry-review
title: {zh: 村级核查乡镇审核, en: Village check and township review}
start: township_review
states:
  township_review:
    title: {zh: 乡镇审核, en: Township review}
    step: {role: reviewer, level: township}
    actions:
      approve: accepted
  accepted: {title: {zh: 已通过, en: Accepted}, final: true}
`
	registryCampaignYAML = `id: registry-bench
title: {zh: 流动人口清理, en: Migrant registry cleanup}
forms: [registry-person]
workflow: registry-review
org_scope: "370102"
reference_time: 2026-12-06T00:00:00+08:00
opens: 2026-12-01
closes: 2026-12-31
period: month
`
)

// registryNow is the engine clock of the measurement: inside the
// campaign's dates.
func registryNow() time.Time { return time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC) }

// registryEngine opens a fresh store with the district's tree and the
// campaign published, and returns the engine and a district supervisor.
func registryEngine(ctx context.Context, b *backend, name string) (*app.App, *engine.Actor, error) {
	st, err := b.openStore(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		return nil, nil, err
	}
	eng := app.New(app.Config{Config: engine.Config{Store: st, Now: registryNow, Vault: vault, Logger: quietLogger}})
	rows := []engine.OrgUnitRow{
		{Row: 2, Code: "370000", Name: "示例省", Level: engine.LevelProvince},
		{Row: 3, Code: "370100", Name: "示例市", ParentCode: "370000", Level: engine.LevelCity},
		{Row: 4, Code: "370102", Name: "示例区", ParentCode: "370100", Level: engine.LevelDistrict},
	}
	for t := 1; t <= 4; t++ {
		tc := fmt.Sprintf("370102%03d", t)
		rows = append(rows, engine.OrgUnitRow{Row: len(rows) + 2, Code: tc, Name: fmt.Sprintf("第%d街道", t), ParentCode: "370102", Level: engine.LevelTownship})
		for v := 1; v <= 10; v++ {
			rows = append(rows, engine.OrgUnitRow{Row: len(rows) + 2, Code: fmt.Sprintf("%s%03d", tc, v), Name: fmt.Sprintf("%d街道%d村", t, v), ParentCode: tc, Level: engine.LevelVillage})
		}
	}
	if rowErrs, err := eng.ImportOrgUnits(ctx, nil, rows); err != nil {
		return nil, nil, fmt.Errorf("org units: %v %v", err, rowErrs)
	}
	mk := func(username string, roles ...string) (*engine.Actor, error) {
		u, err := eng.CreateUser(ctx, nil, engine.NewUser{Username: username, DisplayName: username, Password: "bench-password-1", Roles: roles, OrgUnit: "370102"})
		if err != nil {
			return nil, err
		}
		return &engine.Actor{User: u}, nil
	}
	author, err := mk("author", engine.RoleAuthor)
	if err != nil {
		return nil, nil, err
	}
	super, err := mk("super", engine.RoleSupervisor)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range []struct{ kind, id, src string }{
		{engine.KindForm, "registry-person", registryForm},
		{engine.KindWorkflow, "registry-review", registryWorkflow},
		{engine.KindCampaign, registryCampaign, registryCampaignYAML},
	} {
		file := d.id + map[string]string{engine.KindForm: ".form.json", engine.KindWorkflow: ".workflow.yaml", engine.KindCampaign: ".campaign.yaml"}[d.kind]
		res, err := eng.SaveDraft(ctx, author, d.kind, d.id, file, []byte(d.src))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		if _, err := eng.Publish(ctx, author, d.kind, d.id, res.Definition.Version); err != nil {
			return nil, nil, fmt.Errorf("publish %s: %v %v", file, err, engine.ErrorFields(err))
		}
	}
	return eng, super, nil
}

// benchResidentID returns a valid, distinct resident ID for person i.
func benchResidentID(i int) string {
	d := fmt.Sprintf("3701021980%02d%02d%03d", 1+i/28%12, 1+i%28, i/336%1000)
	if i >= 336_000 {
		d = fmt.Sprintf("3701021990%02d%02d%03d", 1+i/28%12, 1+i%28, (i-336_000)/336%1000)
	}
	if i >= 672_000 {
		d = fmt.Sprintf("3701022000%02d%02d%03d", 1+i/28%12, 1+i%28, (i-672_000)/336%1000)
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k := 0; k < 17; k++ {
		sum += int(d[k]-'0') * weights[k]
	}
	return d + string("10X98765432"[sum%11])
}

// writeRegistryList writes the CSV people would import: n rows over the
// district's 40 villages.
func writeRegistryList(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "姓名,公民身份号码,流入日期,婚姻状况,家庭人数,村代码,街路巷")
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "测试%d,%s,2026-%02d-%02d,已婚,%d,370102%03d%03d,幸福路%d号\n", i, benchResidentID(i), 1+i%11, 1+i%27, 1+i%5, 1+i%4, 1+i/4%10, i)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// heapPeak samples the Go heap until stop and returns its peak.
func heapPeak() (stop func() uint64) {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// timed runs fn and returns its time and peak heap.
func timed(name string, rows int, fn func() error) (registryPhase, error) {
	stop := heapPeak()
	start := time.Now()
	err := fn()
	took := time.Since(start)
	return registryPhase{name: name, rows: rows, took: took, peakHeap: stop()}, err
}

// measureRegistryStep is measureRegistry as one of run's steps, over
// cfg.sizes.registryRows rows.
func measureRegistryStep(ctx context.Context, b *backend, cfg config, r *report, progress func(string, ...any)) error {
	f, err := measureRegistry(ctx, b, b.dir, cfg.sizes.registryRows, progress)
	if err != nil {
		return err
	}
	r.registry = f
	return nil
}

// measureRegistry runs the registry phases over n rows.
func measureRegistry(ctx context.Context, b *backend, dir string, n int, progress func(string, ...any)) (*registryFigures, error) {
	out := &registryFigures{rows: n}
	list := filepath.Join(dir, "registry-list.csv")
	if err := writeRegistryList(list, n); err != nil {
		return nil, err
	}
	eng, super, err := registryEngine(ctx, b, "registry-import")
	if err != nil {
		return nil, err
	}
	defer eng.Store().Close()
	add := func(p registryPhase, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		progress("%s: %d rows in %.1fs, peak heap %d MB", p.name, p.rows, p.took.Seconds(), p.peakHeap>>20)
		out.phases = append(out.phases, p)
		return nil
	}
	var job *registry.ImportJob
	if err := add(timed("upload (chunks into the store)", n, func() error {
		f, err := os.Open(list)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		job, err = eng.Registry.UploadImport(ctx, super, registry.ImportRequest{CampaignID: registryCampaign, FileName: "registry.csv", Size: st.Size(), Mode: registry.ImportGoodRows}, f)
		return err
	})); err != nil {
		return nil, err
	}
	if err := add(timed("engine import job (Evaluate, seal, workflow, InsertRecords)", n, func() error {
		if _, err := eng.Registry.RunImportJob(ctx, "bench", job.ID); err != nil {
			return err
		}
		j, err := eng.Store().GetImportJob(ctx, job.ID)
		if err != nil {
			return err
		}
		if j.State != registry.ImportDone || j.Written != int64(n) {
			return fmt.Errorf("job %s wrote %d of %d (%s %s)", j.State, j.Written, n, j.ErrorCode, j.ErrorMessage)
		}
		return nil
	})); err != nil {
		return nil, err
	}
	if err := add(timed("raw InsertRecords, batches of 500", n, func() error { return rawInsert(ctx, b, n) })); err != nil {
		return nil, err
	}
	for _, format := range []string{registry.ExportXLSX, registry.ExportCSV} {
		if err := add(timed("engine export "+strings.ToUpper(format)+" (masked, streamed)", n, func() error {
			f, err := os.Create(filepath.Join(dir, "registry-export."+format))
			if err != nil {
				return err
			}
			defer f.Close()
			res, err := eng.Registry.ExportRecords(ctx, super, registry.ExportRequest{CampaignID: registryCampaign, Format: format}, f)
			if err == nil && res.Records != int64(n) {
				err = fmt.Errorf("exported %d of %d", res.Records, n)
			}
			return err
		})); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rawInsert stores n prebuilt records, the same shape as the import's, in
// batches of 500 into a fresh store: the floor under the engine import.
func rawInsert(ctx context.Context, b *backend, n int) error {
	st, err := b.openStore(ctx, "registry-raw")
	if err != nil {
		return err
	}
	defer st.Close()
	now := registryNow()
	batch := make([]*engine.Record, 0, 500)
	for i := 0; i < n; i++ {
		village := fmt.Sprintf("370102%03d%03d", 1+i%4, 1+i/4%10)
		batch = append(batch, &engine.Record{
			ID: engine.NewID(now), CampaignID: registryCampaign, FormID: "registry-person", FormVersion: 1, WorkflowID: "registry-review", WorkflowVersion: 1,
			OrgUnit: village, OrgPath: "/370000/370100/370102/" + village[:9] + "/" + village + "/", State: "township_review",
			Answers: map[string]any{"personName": "enc:v1:k1:xxxxxxxxxxxxxxxxxxxxxxxxxxxx", "idNumber": "enc:v1:k1:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				"movedOn": "2026-01-05", "maritalStatus": "married", "householdSize": 1 + i%5, "street": fmt.Sprintf("幸福路%d号", i)},
			Step: "township_review", CandidateRoles: []string{engine.RoleReviewer}, TaskOrgPath: "/370000/370100/370102/" + village[:9] + "/",
			CreatedBy: "super", CreatedAt: now, UpdatedAt: now,
			History: []engine.HistoryEntry{{At: now, Actor: "super", Action: "import", ToState: "township_review"}},
		})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := st.InsertRecords(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

// write prints the figures as a Markdown table.
func (f *registryFigures) write(w io.Writer) {
	fmt.Fprintf(w, "### Registry import and export, %s rows\n\n", thousands(f.rows))
	fmt.Fprintln(w, "| phase | rows | time | rows/s | peak Go heap |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	for _, p := range f.phases {
		fmt.Fprintf(w, "| %s | %s | %.1f s | %s | %d MB |\n", p.name, thousands(p.rows), p.took.Seconds(),
			rate(float64(p.rows)/max(p.took.Seconds(), 1e-9)), p.peakHeap>>20)
	}
	fmt.Fprintln(w)
}
