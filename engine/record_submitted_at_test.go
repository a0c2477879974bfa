package engine_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/engine"
	"canvass/rules"
)

// A form rule reading submittedAt sees the engine's clock at the moment
// of submission: when a record is submitted, and again when a draft is
// submitted later.
func TestSubmitChecksAnswersAsOfSubmission(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t) // the clock stands at 2026-12-06 00:00 in China
	src, err := os.ReadFile("testdata/subsidy/subsidy-application.form.json")
	if err != nil {
		t.Fatal(err)
	}
	appliedOn := `"appliedOn": {"type": "string", "format": "date", "x-label": {"zh": "申请日期"},
	  "x-constraint": "daysBetween(appliedOn, submittedAt) >= 0"},
	"eligibilityChecked"`
	src2 := []byte(strings.Replace(string(src), `"eligibilityChecked"`, appliedOn, 1))
	res, err := w.e.SaveDraft(ctx, w.author, engine.KindForm, "subsidy-application", "subsidy-application.form.json", src2)
	if err != nil || rules.HasErrors(res.Diagnostics) {
		t.Fatalf("save form: %v %+v", err, res)
	}
	if _, err := w.e.Publish(ctx, w.author, engine.KindForm, "subsidy-application", res.Definition.Version); err != nil {
		t.Fatalf("publish: %v %v", err, engine.ErrorFields(err))
	}
	answers := func(day string) map[string]any {
		return map[string]any{"applicant": "周建华", "idNumber": applicantID, "amount": 1500, "appliedOn": day}
	}

	_, err = w.submit(t, "7b1c5f0e-0a4e-4d55-9d7e-1f2a3b4c5e01", answers("2026-12-07"))
	if got, want := pointers(err), []string{"/appliedOn:constraint"}; !slices.Equal(got, want) {
		t.Fatalf("applied tomorrow: fields %v, want %v (%v)", got, want, err)
	}
	if _, err := w.submit(t, "7b1c5f0e-0a4e-4d55-9d7e-1f2a3b4c5e02", answers("2026-12-06")); err != nil {
		t.Fatalf("applied today: %v %v", err, pointers(err))
	}

	// A draft dated tomorrow is kept, refused if submitted today, and
	// taken once tomorrow has come.
	draftID := "7b1c5f0e-0a4e-4d55-9d7e-1f2a3b4c5e03"
	draft, err := w.e.Submit(ctx, w.worker, engine.Submission{ID: draftID, CampaignID: "subsidy-2026", FormID: "subsidy-application",
		Answers: map[string]any{"applicant": "周建华", "idNumber": applicantID2, "amount": 900, "appliedOn": "2026-12-07"}, Draft: true})
	if err != nil {
		t.Fatalf("save draft: %v", err)
	}
	if _, err := w.e.Act(ctx, w.worker, draftID, engine.Action{Name: "submit", Version: draft.Record.Version}); !slices.Equal(pointers(err), []string{"/appliedOn:constraint"}) {
		t.Fatalf("submit the draft today: %v %v, want /appliedOn:constraint", err, pointers(err))
	}
	w.clk.Add(24 * time.Hour)
	if _, err := w.e.Act(ctx, w.worker, draftID, engine.Action{Name: "submit", Version: draft.Record.Version}); err != nil {
		t.Fatalf("submit the draft tomorrow: %v %v", err, pointers(err))
	}
}
