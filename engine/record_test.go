package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
)

const (
	applicantID  = "370102198001011237"
	applicantID2 = "370102197512034524"
)

// subsidyWorld is the subsidy-review campaign published on a fresh store,
// with one user per role where the flow needs them.
type subsidyWorld struct {
	e                               *app.App
	clk                             *clock
	author, worker, township, other *engine.Actor
	district, supervisor            *engine.Actor
}

func newSubsidyWorld(t *testing.T) *subsidyWorld {
	t.Helper()
	e, clk := newEngine(t)
	seedTree(t, e)
	w := &subsidyWorld{
		e: e, clk: clk,
		author:     mustUser(t, e, "author", "370102", engine.RoleAuthor),
		worker:     mustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker),
		township:   mustUser(t, e, "township", "370102001", engine.RoleReviewer),
		other:      mustUser(t, e, "othertown", "370102002", engine.RoleReviewer),
		district:   mustUser(t, e, "district", "370102", engine.RoleReviewer),
		supervisor: mustUser(t, e, "super", "370102", engine.RoleSupervisor),
	}
	publishSubsidy(t, e, w.author)
	return w
}

// publishSubsidy publishes the subsidy-review campaign's form, workflow
// and campaign from testdata/subsidy, as author.
func publishSubsidy(t *testing.T, e enginetest.Publisher, author *engine.Actor) {
	t.Helper()
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "subsidy-application", "subsidy-application.form.json"},
		{engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml"},
		{engine.KindCampaign, "subsidy-2026", "subsidy-2026.campaign.yaml"},
	} {
		enginetest.PublishFile(t, e, author, f.kind, f.id, filepath.Join("testdata", "subsidy", f.file))
	}
}

func (w *subsidyWorld) submit(t *testing.T, id string, answers map[string]any) (*engine.SubmitResult, error) {
	t.Helper()
	return w.e.Submit(context.Background(), w.worker, engine.Submission{ID: id, CampaignID: "subsidy-2026", FormID: "subsidy-application", Answers: answers})
}

func pointers(err error) []string {
	var ps []string
	for _, f := range engine.ErrorFields(err) {
		ps = append(ps, f.Pointer+":"+f.Code)
	}
	return ps
}

func TestSubsidyReviewFlow(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	e := w.e
	good := map[string]any{"applicant": "周建华", "idNumber": applicantID, "phone": "13912345678", "amount": 1500, "eligibilityChecked": true}
	id := "0d9b8c52-3f7e-4c1a-9f59-2a8b1d3c4e5f"

	// Invalid answers are refused with every field error and store nothing.
	_, err := w.submit(t, id, map[string]any{"applicant": "周建华", "idNumber": "370102198001011238", "amount": 0})
	if got, want := pointers(err), []string{"/amount:min", "/idNumber:format_resident_id"}; !slices.Equal(got, want) {
		t.Fatalf("invalid submission: fields %v, want %v (%v)", got, want, err)
	}
	if _, err := e.Store().GetRecord(ctx, id); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("an invalid submission was stored: %v", err)
	}

	res, err := w.submit(t, id, good)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Record
	if r.State != "township_review" || r.TaskOrgPath != "/370000/370100/370102/370102001/" || r.Version != 1 || r.DedupKey == "" {
		t.Fatalf("submitted record: state %s task %s version %d", r.State, r.TaskOrgPath, r.Version)
	}
	if s, _ := r.Answers["idNumber"].(string); !engine.IsEncrypted(s) {
		t.Fatalf("ID number stored as %q, want ciphertext", s)
	}
	again, err := w.submit(t, id, good)
	if err != nil || !again.Replayed || again.Record.Version != 1 {
		t.Fatalf("replay: %+v, %v", again, err)
	}
	changed := map[string]any{"applicant": "周建华", "idNumber": applicantID, "amount": 900}
	if _, err := w.submit(t, id, changed); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("same id, other answers: %v, want conflict", err)
	}

	// Inboxes: the township reviewer sees it; the sibling township and the
	// field worker do not.
	inbox := func(a *engine.Actor) []string {
		views, _, total, err := e.Inbox(ctx, a, engine.RecordFilter{}, engine.Page{}, true)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range views {
			ids = append(ids, v.ID)
		}
		if int(total) != len(ids) {
			t.Fatalf("inbox total %d, listed %d", total, len(ids))
		}
		return ids
	}
	if got := inbox(w.township); !slices.Equal(got, []string{id}) {
		t.Fatalf("township inbox = %v", got)
	}
	if got := inbox(w.other); len(got) != 0 {
		t.Fatalf("sibling township inbox = %v", got)
	}
	if got := inbox(w.worker); len(got) != 0 {
		t.Fatalf("worker inbox = %v", got)
	}
	if _, err := e.GetRecord(ctx, w.other, id); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("sibling reviewer reads the record: %v", err)
	}

	// Masked for everyone; revealed in full only to reviewer roles, audited.
	v, err := e.GetRecord(ctx, w.township, id)
	if err != nil || v.Answers["idNumber"] != "3701**********1237" || v.Answers["phone"] != "139****5678" || v.Answers["applicant"] != "周**" {
		t.Fatalf("masked view = %v, %v", v.Answers, err)
	}
	if !slices.Contains(v.Actions, "approve") || !slices.Contains(v.Actions, "return") {
		t.Fatalf("township actions = %v", v.Actions)
	}
	if _, err := e.RevealRecord(ctx, w.worker, id); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Fatalf("worker reveal: %v", err)
	}
	full, err := e.RevealRecord(ctx, w.township, id)
	if err != nil || full.Answers["idNumber"] != applicantID {
		t.Fatalf("reveal = %v, %v", full, err)
	}
	audit, _ := e.Store().ListAudit(ctx, engine.AuditFilter{Action: "pii.reveal"}, engine.Page{})
	if len(audit.Events) != 1 || audit.Events[0].Actor != w.township.User.ID {
		t.Fatalf("reveal audit = %+v", audit.Events)
	}

	// Return needs a reason; with one, the record goes back to the village.
	if _, err := e.Act(ctx, w.township, id, engine.Action{Name: "return"}); engine.ErrorCode(err) != engine.EINVALID || !slices.Equal(pointers(err), []string{"/reason:required"}) {
		t.Fatalf("return without reason: %v %v", err, pointers(err))
	}
	v, err = e.Act(ctx, w.township, id, engine.Action{Name: "return", Reason: "金额超出标准，请核实", Version: 1})
	if err != nil || v.State != "returned" || v.TaskOrgPath != "/370000/370100/370102/370102001/370102001001/" {
		t.Fatalf("return = %+v, %v", v, err)
	}
	if got := inbox(w.worker); !slices.Equal(got, []string{id}) {
		t.Fatalf("worker inbox after return = %v", got)
	}
	// A stale version is refused with the current state.
	if _, err := e.Act(ctx, w.township, id, engine.Action{Name: "approve", Version: 1}); engine.ErrorCode(err) != engine.ECONFLICT || !strings.Contains(engine.ErrorMessage(err), "returned") {
		t.Fatalf("stale approve: %v", err)
	}

	// The worker corrects and resubmits, posting back the masked values it
	// was shown: the stored ones are kept, and the history has the diff.
	fixed := map[string]any{"applicant": "周**", "idNumber": "3701**********1237", "phone": "139****5678", "amount": 1200, "eligibilityChecked": true}
	v, err = e.Act(ctx, w.worker, id, engine.Action{Name: "submit", Answers: fixed})
	if err != nil || v.State != "township_review" {
		t.Fatalf("resubmit = %+v, %v", v, err)
	}
	last := v.History[len(v.History)-1]
	if len(last.Changes) != 1 || last.Changes[0].Pointer != "/amount" || fmt.Sprint(last.Changes[0].Before) != "1500" || fmt.Sprint(last.Changes[0].After) != "1200" {
		t.Fatalf("resubmit changes = %+v", last.Changes)
	}
	if full, err := e.RevealRecord(ctx, w.township, id); err != nil || full.Answers["applicant"] != "周建华" || full.Answers["idNumber"] != applicantID {
		t.Fatalf("masked resubmission overwrote personal data: %v, %v", full.Answers, err)
	}

	// Two reviewers of the township approve at once: one wins.
	second := mustUser(t, e, "township2", "370102001", engine.RoleReviewer)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, a := range []*engine.Actor{w.township, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.Act(ctx, a, id, engine.Action{Name: "approve", Version: v.Version})
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || (engine.ErrorCode(errs[0]) != engine.ECONFLICT && engine.ErrorCode(errs[1]) != engine.ECONFLICT) {
		t.Fatalf("concurrent approvals: %v / %v, want one success and one conflict", errs[0], errs[1])
	}
	// 1,200 yuan is not below 1,000: the district decides.
	v, err = e.Act(ctx, w.district, id, engine.Action{Name: "approve"})
	if err != nil || v.State != "approved" || v.Step != "" || len(v.Actions) != 0 {
		t.Fatalf("district approve = %+v, %v", v, err)
	}
	var actions []string
	for _, h := range v.History {
		actions = append(actions, h.Action+":"+h.ToState)
	}
	want := []string{"submit:township_review", "return:returned", "submit:township_review", "approve:district_review", "approve:approved"}
	if !slices.Equal(actions, want) {
		t.Fatalf("history = %v, want %v", actions, want)
	}
}

func TestSubsidyOverdueRemindersThenEscalation(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	e := w.e
	res, err := w.submit(t, "", map[string]any{"applicant": "孙丽", "idNumber": applicantID2, "amount": 3000})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Record.ID
	var fired []string
	for step := 0; step < 12; step++ {
		w.clk.Add(24 * time.Hour)
		if _, err := e.SweepTimers(ctx, "test", 100); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.Store().GetRecord(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range r.History {
		if h.Actor == "system" {
			fired = append(fired, h.Action)
		}
	}
	want := []string{"remind", "remind", "remind", "escalate", "remind", "remind", "remind"}
	if !slices.Equal(fired, want) {
		t.Fatalf("timers fired = %v, want %v", fired, want)
	}
	if r.TaskOrgPath != "/370000/370100/370102/" || r.State != "township_review" {
		t.Fatalf("after escalation: task at %s in %s", r.TaskOrgPath, r.State)
	}
	// The district reviewer now has it; the township reviewer still sees
	// the record (it is in scope) but can no longer act on the task.
	views, _, _, _ := e.Inbox(ctx, w.district, engine.RecordFilter{}, engine.Page{}, false)
	if len(views) != 1 || views[0].ID != id {
		t.Fatalf("district inbox after escalation = %v", views)
	}
	if _, err := e.Act(ctx, w.township, id, engine.Action{Name: "approve"}); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Fatalf("township approves escalated task: %v", err)
	}
}

func TestSubmitRefusals(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	good := map[string]any{"applicant": "周建华", "idNumber": applicantID, "amount": 500}
	tests := []struct {
		name  string
		actor *engine.Actor
		sub   engine.Submission
		want  string
	}{
		{"reviewer may not submit", w.township, engine.Submission{CampaignID: "subsidy-2026", FormID: "subsidy-application", Answers: good}, engine.EFORBIDDEN},
		{"unknown campaign", w.worker, engine.Submission{CampaignID: "nope", FormID: "subsidy-application", Answers: good}, engine.ENOTFOUND},
		{"form not in campaign", w.worker, engine.Submission{CampaignID: "subsidy-2026", FormID: "other", Answers: good}, engine.ENOTFOUND},
		{"unit outside scope", w.worker, engine.Submission{CampaignID: "subsidy-2026", FormID: "subsidy-application", OrgUnit: "370102002001", Answers: good}, engine.ENOTFOUND},
		{"bad id", w.worker, engine.Submission{ID: "'; drop table", CampaignID: "subsidy-2026", FormID: "subsidy-application", Answers: good}, engine.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := w.e.Submit(ctx, tt.actor, tt.sub); engine.ErrorCode(err) != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
		})
	}
	w.clk.Add(40 * 24 * time.Hour) // past 31 December
	if _, err := w.submit(t, "", good); engine.ErrorCode(err) != engine.ECLOSED {
		t.Fatalf("closed campaign: %v", err)
	}
}

func TestDraftSaveResaveSubmit(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	e := w.e
	res, err := e.Submit(ctx, w.worker, engine.Submission{CampaignID: "subsidy-2026", FormID: "subsidy-application", Draft: true,
		Answers: map[string]any{"applicant": "周建华", "amount": 0}})
	if err != nil || res.Record.State != engine.StateDraft {
		t.Fatalf("save draft: %+v, %v", res, err)
	}
	id := res.Record.ID
	if _, err := e.Act(ctx, w.township, id, engine.Action{Name: engine.ActionSaveDraft, Answers: map[string]any{}}); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Fatalf("someone else saves the draft: %v", err)
	}
	// Saved again, still incomplete, with the masked name posted back.
	v, err := e.Act(ctx, w.worker, id, engine.Action{Name: engine.ActionSaveDraft, Answers: map[string]any{"applicant": "周**", "idNumber": applicantID, "amount": 0}})
	if err != nil || v.State != engine.StateDraft || v.Answers["idNumber"] != "3701**********1237" {
		t.Fatalf("save the draft again: %+v, %v", v, err)
	}
	if _, err := e.Act(ctx, w.worker, id, engine.Action{Name: "submit"}); engine.ErrorCode(err) != engine.EINVALID || !slices.Equal(pointers(err), []string{"/amount:min"}) {
		t.Fatalf("submitting the incomplete draft: %v %v", err, pointers(err))
	}
	v, err = e.Act(ctx, w.worker, id, engine.Action{Name: "submit", Answers: map[string]any{"applicant": "周**", "idNumber": "3701**********1237", "amount": 600}})
	if err != nil || v.State != "township_review" {
		t.Fatalf("submit the draft: %+v, %v", v, err)
	}
	full, err := e.RevealRecord(ctx, w.township, id)
	if err != nil || full.Answers["applicant"] != "周建华" || full.Answers["idNumber"] != applicantID {
		t.Fatalf("draft lost personal data: %v, %v", full.Answers, err)
	}
	if _, err := e.Act(ctx, w.township, id, engine.Action{Name: engine.ActionSaveDraft, Answers: map[string]any{}}); engine.ErrorCode(err) == "" {
		t.Fatal("a submitted record was saved as a draft")
	}
}
