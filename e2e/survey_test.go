package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"canvass/engine"
)

// phone emulates a phone 390 × 844 CSS pixels wide, with touch.
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatalf("emulate a phone: %v", err)
	}
}

// residentID returns a valid resident ID number for a woman born on the
// given day in the fictional district 341299.
func residentID(birth string, seq int) string {
	body := "341299" + strings.ReplaceAll(birth, "-", "") + fmt.Sprintf("%03d", seq)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// TestFieldWorkerFillsSurveyOnPhone: a village surveyor signs in on a
// phone, fills the baseline fertility survey, sees the follow-up question
// appear when the respondent intends a third child, sees the Chinese
// error beside a mistyped ID number as she types (form.js asks the
// server's evaluate endpoint), corrects it, submits and gets the receipt.
func TestFieldWorkerFillsSurveyOnPhone(t *testing.T) {
	s := startSite(t)
	s.keepOpen(t, "fertility-survey-2026")
	ctx := newBrowser(t)
	phone(t, ctx)
	signIn(t, ctx, s, "worker", "01-sign-in")
	shot(t, ctx, "home", "02-home")

	good := residentID("1991-04-17", 246) // a woman of 35 at the reference date
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	const form = "/campaigns/fertility-survey-2026/forms/fertility-household/new"
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+form),
		chromedp.WaitVisible(chromedp.ID("f-personal-respondentName")),
		chromedp.SendKeys(chromedp.ID("f-personal-respondentName"), "林晓雯"),
		chromedp.SendKeys(chromedp.ID("f-personal-respondentId"), bad),
	)
	if err != nil {
		t.Fatalf("open the survey and type: %v", err)
	}

	t.Run("live error beside a bad ID number", func(t *testing.T) {
		const errSlot = "#f-personal-respondentId-error"
		got, err := waitText(ctx, errSlot, func(s string) bool { return s != "" })
		if err != nil {
			t.Fatal(err)
		}
		if want := "身份证号码校验位不对，请逐位核对"; got != want {
			t.Errorf("error beside the ID number: got %q, want %q", got, want)
		}
		invalid, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("f-personal-respondentId"), "aria-invalid"))
		if err != nil || invalid.Value != "true" {
			t.Errorf("aria-invalid on the ID field: got %+v (%v), want true", invalid, err)
		}
		if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("f-personal-respondentName"))); err != nil {
			t.Fatal(err)
		}
		shot(t, ctx, "bad-id", "03-survey-error")

		if err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`document.getElementById("f-personal-respondentId").value = ""`),
			chromedp.SendKeys(chromedp.ID("f-personal-respondentId"), good),
		); err != nil {
			t.Fatal(err)
		}
		if got, err := waitText(ctx, errSlot, func(s string) bool { return s == "" }); err != nil {
			t.Errorf("the error stays after the correction: %q (%v)", got, err)
		}
	})

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("f-personal-maritalStatus-0")),
		chromedp.SetValue(chromedp.ID("f-personal-education"), "senior"),
		chromedp.SendKeys(chromedp.ID("f-care-childCount"), "2"),
		chromedp.Click(chromedp.ID("f-care-caresForElders-no")),
		chromedp.Click(chromedp.ID("f-support-usesChildcare-no")),
		chromedp.Click(chromedp.ID("f-support-difficulties-0")),
	)
	if err != nil {
		t.Fatalf("fill the first sections: %v", err)
	}

	t.Run("skip logic shows the follow-up question", func(t *testing.T) {
		const follow = "#f-intention-thirdChildTiming"
		visible := func() bool {
			v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var e=document.querySelector("`+follow+`");return !!e && e.offsetParent !== null})()`))
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		if visible() {
			t.Fatalf("%s is shown before the respondent said she intends a third child", follow)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("f-intention-intendsThirdChild-yes"))); err != nil {
			t.Fatal(err)
		}
		tctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, chromedp.WaitVisible(chromedp.CSS(follow))); err != nil {
			t.Fatalf("%s did not appear after answering yes: %v", follow, err)
		}
		shot(t, ctx, "follow-up", "")
	})

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("f-intention-thirdChildTiming-1")),
		chromedp.SendKeys(chromedp.ID("f-family-householdSize"), "4"),
		chromedp.Click(chromedp.ID("f-family-hukouType-0")),
		chromedp.SetValue(chromedp.ID("f-family-income"), "60k_100k"),
		chromedp.Click(chromedp.CSS(`.form-actions button[name="_action"][value="submit"]`)),
	)
	if err != nil {
		t.Fatalf("finish and submit: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.WaitVisible(chromedp.ID("record-state"))); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		problems, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll(".alert, .field-error")).map(e => e.textContent.trim()).filter(Boolean).join(" | ")`))
		shot(t, ctx, "not-submitted", "")
		t.Fatalf("no receipt after submitting (at %s): %v; page says: %s", loc, err, problems)
	}
	shot(t, ctx, "receipt", "04-receipt")

	if got, want := textOf(t, ctx, "#record-state"), "乡镇审核"; got != want {
		t.Errorf("receipt state: got %q, want %q", got, want)
	}
	id := textOf(t, ctx, "#record-id")
	r, err := s.st.GetRecord(context.Background(), id)
	if err != nil {
		t.Fatalf("the receipt's record %s: %v", id, err)
	}
	worker := s.actor(t, "worker")
	view, err := s.eng.RevealRecord(context.Background(), s.actor(t, "admin"), id)
	if err != nil {
		t.Fatalf("reveal %s: %v", id, err)
	}
	intention, _ := view.Answers["intention"].(map[string]any)
	personal, _ := view.Answers["personal"].(map[string]any)
	switch {
	case r.State != "township_check" || r.CreatedBy != worker.User.ID || r.OrgUnit != "341299001001":
		t.Errorf("stored record: state %s, by %s, unit %s; want township_check by worker in 341299001001", r.State, r.CreatedBy, r.OrgUnit)
	case intention["intendsThirdChild"] != true || intention["thirdChildTiming"] != "1_3y":
		t.Errorf("stored intention: got %v, want a yes and 1_3y", intention)
	case personal["respondentId"] != good || personal["respondentName"] != "林晓雯":
		t.Errorf("stored respondent: got %v %v, want 林晓雯 %s (the corrected number)", personal["respondentName"], personal["respondentId"], good)
	}
	// At rest the number is sealed.
	if stored, _ := r.Answers["personal"].(map[string]any); !engine.IsEncrypted(fmt.Sprint(stored["respondentId"])) {
		t.Errorf("the ID number is stored in plain text: %v", stored["respondentId"])
	}
}
