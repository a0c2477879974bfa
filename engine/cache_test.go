package engine_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// Two processes share one store: what one publishes or closes, the
// other's next submission sees at once — its caches check the store's
// cache generation, not a timer.
func TestCachesFollowAnotherProcess(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	other := app.New(app.Config{Config: engine.Config{Store: w.e.Store(), Now: w.clk.Now}})
	answers := map[string]any{"applicant": "周建华", "idNumber": applicantID, "amount": 1500, "eligibilityChecked": true}

	first, err := w.submit(t, "7b1c5f0e-0a4e-4d55-9d7e-1f2a3b4c5d11", answers)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/subsidy/subsidy-application.form.json")
	if err != nil {
		t.Fatal(err)
	}
	src2 := []byte(strings.Replace(string(src), `"x-label"`, `"x-hint": {"zh": "第二版", "en": "second version"}, "x-label"`, 1))
	res, err := other.SaveDraft(ctx, w.author, engine.KindForm, "subsidy-application", "subsidy-application.form.json", src2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Publish(ctx, w.author, engine.KindForm, "subsidy-application", res.Definition.Version); err != nil {
		t.Fatalf("publish through the other engine: %v %v", err, engine.ErrorFields(err))
	}
	answers["idNumber"] = applicantID2
	second, err := w.submit(t, "7b1c5f0e-0a4e-4d55-9d7e-1f2a3b4c5d12", answers)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := [2]int{first.Record.FormVersion, second.Record.FormVersion}, [2]int{1, 2}; got != want {
		t.Fatalf("form versions pinned %v, want %v: the other engine's publish was not seen", got, want)
	}

	if _, err := other.CloseCampaign(ctx, w.author, "subsidy-2026", "经费用完"); err != nil {
		t.Fatalf("close through the other engine: %v", err)
	}
	_, err = w.submit(t, "7b1c5f0e-0a4e-4d55-9d7e-1f2a3b4c5d13", answers)
	if engine.ErrorCode(err) != engine.ECLOSED {
		t.Fatalf("submit after the other engine closed the campaign: %v, want ECLOSED", err)
	}
}

// A token signed out through another process stops working within
// SessionCacheTTL; one signed out through this engine at once.
func TestSessionRevocationReachesEveryProcess(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	other := app.New(app.Config{Config: engine.Config{Store: w.e.Store(), Now: w.clk.Now}})
	_, token, err := w.e.CreateAPIToken(ctx, w.worker, "phone")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.e.Authenticate(ctx, token, "127.0.0.1"); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	if err := other.Logout(ctx, w.worker, token); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(engine.SessionCacheTTL + 100*time.Millisecond)
	for {
		_, _, err := w.e.Authenticate(ctx, token, "127.0.0.1")
		if engine.ErrorCode(err) == engine.EUNAUTHORIZED {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("a token signed out elsewhere still works after %v", engine.SessionCacheTTL+100*time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
	}

	_, token2, err := w.e.CreateAPIToken(ctx, w.worker, "tablet")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.e.Authenticate(ctx, token2, "127.0.0.1"); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	if err := w.e.Logout(ctx, w.worker, token2); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.e.Authenticate(ctx, token2, "127.0.0.1"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Fatalf("a token signed out here: %v, want EUNAUTHORIZED at once", err)
	}
}
