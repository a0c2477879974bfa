package engine_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"canvass/engine"
)

// The engine remembers the latest published version of each definition so
// that a submission does not ask the store every time; a publish through
// the engine must make the new version the one the next submission pins.
func TestPublishMakesNewVersionLatestAtOnce(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	answers := map[string]any{"applicant": "周建华", "idNumber": applicantID, "amount": 1500, "eligibilityChecked": true}

	first, err := w.submit(t, "7b1c5f0e-0a4e-4d55-9d7e-1f2a3b4c5d01", answers)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/subsidy/subsidy-application.form.json")
	if err != nil {
		t.Fatal(err)
	}
	// Version 2 differs only in a label, so the same answers stay valid.
	src2 := []byte(strings.Replace(string(src), `"x-label"`, `"x-hint": {"zh": "第二版", "en": "second version"}, "x-label"`, 1))
	res, err := w.e.SaveDraft(ctx, w.author, engine.KindForm, "subsidy-application", "subsidy-application.form.json", src2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.Publish(ctx, w.author, engine.KindForm, "subsidy-application", res.Definition.Version); err != nil {
		t.Fatalf("publish version %d: %v %v", res.Definition.Version, err, engine.ErrorFields(err))
	}
	answers["idNumber"] = applicantID2
	second, err := w.submit(t, "7b1c5f0e-0a4e-4d55-9d7e-1f2a3b4c5d02", answers)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := [2]int{first.Record.FormVersion, second.Record.FormVersion}, [2]int{1, 2}; got != want {
		t.Fatalf("form versions pinned %v, want %v", got, want)
	}
}
