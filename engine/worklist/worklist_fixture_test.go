package worklist_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/engine/worklist"
)

// Resident IDs of the fictional people of the reconciliation tests (valid
// GB 11643 check digits).
const (
	idWang       = "370102198001011237" // 王建国, 东关村
	idLi         = "370102197512034524" // 李秀英, 东关村
	idZhao       = "370102199005152218" // 赵小红 in our registry
	idZhaoTheirs = "370102199005152816" // 赵小红 as the police list has her
	idSun        = "370102198507073312" // 孙明, 湖滨村, only in ours
	idZhou       = "370102199202024426" // 周丽, 南门村, only in theirs
)

// Org units of enginetest.Tree.
const (
	vDongguan = "370102001001" // 东关村 (东关街道)
	vNanmen   = "370102001002" // 南门村 (东关街道)
	vHubin    = "370102002001" // 湖滨村 (西湖镇)
)

// worklistWorld is the migrant-cleanup campaign on a fresh store.
type worklistWorld struct {
	e                           *app.App
	clk                         *enginetest.Clock
	author                      *engine.Actor
	dongguanWorker, hubinWorker *engine.Actor
	nanmenWorker                *engine.Actor
	township, district          *engine.Actor // reviewers
	supervisor                  *engine.Actor // district supervisor
}

func newWorklistWorld(t *testing.T) *worklistWorld {
	t.Helper()
	e, clk := enginetest.New(t)
	enginetest.SeedTree(t, e.Engine)
	w := &worklistWorld{
		e: e, clk: clk,
		author:         mustUser(t, e, "author", "370102", engine.RoleAuthor),
		dongguanWorker: mustUser(t, e, "dgworker", vDongguan, engine.RoleFieldWorker),
		hubinWorker:    mustUser(t, e, "hbworker", vHubin, engine.RoleFieldWorker),
		nanmenWorker:   mustUser(t, e, "nmworker", vNanmen, engine.RoleFieldWorker),
		township:       mustUser(t, e, "township", "370102001", engine.RoleReviewer),
		district:       mustUser(t, e, "district", "370102", engine.RoleReviewer),
		supervisor:     mustUser(t, e, "super", "370102", engine.RoleSupervisor),
	}
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "migrant-person", "migrant-person.form.json"},
		{engine.KindWorkflow, "registry-check", "registry-check.workflow.yaml"},
		{engine.KindCampaign, "migrant-cleanup", "migrant-cleanup.campaign.yaml"},
	} {
		enginetest.PublishFile(t, e, w.author, f.kind, f.id, filepath.Join("testdata", "reconcile", f.file))
	}
	return w
}

// person returns the answers of one registry entry.
func person(name, id, birth, flow, address string, household int) map[string]any {
	return map[string]any{"name": name, "idNumber": id, "birthDate": birth, "flow": flow, "address": address, "householdSize": household}
}

func (w *worklistWorld) submit(t *testing.T, a *engine.Actor, answers map[string]any) *engine.Record {
	t.Helper()
	w.clk.Add(time.Minute) // IDs sort in submission order
	res, err := w.e.Submit(context.Background(), a, engine.Submission{CampaignID: "migrant-cleanup", FormID: "migrant-person", Answers: answers})
	if err != nil {
		t.Fatalf("submit %v: %v %v", answers["name"], err, engine.ErrorFields(err))
	}
	return res.Record
}

// items lists every worklist item the actor sees that matches f.
func (w *worklistWorld) items(t *testing.T, a *engine.Actor, f worklist.WorklistFilter) []*worklist.WorklistItem {
	t.Helper()
	var out []*worklist.WorklistItem
	p := engine.Page{Limit: 100}
	for {
		page, err := w.e.Worklist.Items(context.Background(), a, f, p)
		if err != nil {
			t.Fatalf("Worklist: %v", err)
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		p.After = page.Next
	}
}

func wantErr(t *testing.T, err error, code, pointer string) {
	t.Helper()
	if engine.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if pointer == "" {
		return
	}
	for _, f := range engine.ErrorFields(err) {
		if f.Pointer == pointer {
			return
		}
	}
	t.Fatalf("error %v has fields %v, want one at %s", err, engine.ErrorFields(err), pointer)
}

func mustUser(t *testing.T, e *app.App, username, org string, roles ...string) *engine.Actor {
	t.Helper()
	return enginetest.MustUser(t, e.Engine, username, org, roles...)
}
