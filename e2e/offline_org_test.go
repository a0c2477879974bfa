package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/engine"
	"canvass/engine/studio"
	"canvass/forms"
)

// addOrgFields publishes a new version of the household form with the
// township → village lists the studio's 行政区划 field writes (the
// units of the author's scope, the village list cascading from the
// township), as an author does in the designer.
func addOrgFields(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	author := s.actor(t, "author")
	d, err := s.st.GetDefinition(ctx, engine.KindForm, "fertility-household", 0)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := studio.OpenForm(d.Source)
	if err != nil {
		t.Fatal(err)
	}
	units, err := s.eng.OrgUnits(ctx, author, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.AddOrgFields("/properties/personal", -1, forms.Text{ZH: "住户所在村（社区）", EN: "Village"}, false, []string{engine.LevelTownship, engine.LevelVillage}, units); err != nil {
		t.Fatalf("add the org fields: %v", err)
	}
	draft, err := s.eng.SaveDraft(ctx, author, engine.KindForm, "fertility-household", d.Filename, doc.Bytes())
	if err != nil {
		t.Fatalf("save the form: %v", err)
	}
	if _, err := s.eng.Publish(ctx, author, engine.KindForm, "fertility-household", draft.Definition.Version); err != nil {
		t.Fatalf("publish the form: %v %v", err, engine.ErrorFields(err))
	}
}

// villagesShown lists the village choices the page offers now.
func villagesShown(t *testing.T, ctx context.Context) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.getElementById("f-personal-village").options).filter(function (o) { return o.value && !o.hidden; }).map(function (o) { return o.value; }).join(",")`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func pickOrg(t *testing.T, ctx context.Context, id, code string) {
	t.Helper()
	js := `(function () { var s = document.getElementById("` + id + `"); s.value = "` + code + `"; s.dispatchEvent(new Event("change", {bubbles: true})); return s.value; })()`
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js)); err != nil || got != code {
		t.Fatalf("pick %s in %s: got %q (%v)", code, id, got, err)
	}
}

// TestOfflineOrgChoices: after one visit online, the township and
// village lists of a form open with no network, and picking a township
// narrows the villages to its own (the cascade is worked out on the
// phone); changing the township drops a village that no longer fits. The
// record, synced later, holds the codes picked.
func TestOfflineOrgChoices(t *testing.T) {
	s := startSite(t)
	s.keepOpen(t, "fertility-survey-2026")
	addOrgFields(t, s)
	relay := startCuttable(t, s.base)
	via := &site{base: relay.base(), eng: s.eng, st: s.st}
	ctx, _ := launchProfile(t, t.TempDir())
	goOfflineReady(t, ctx, via)

	relay.setCut(true)
	setOnline(t, ctx, false)
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+offlineSurvey)); err != nil {
		t.Fatalf("open the survey offline: %v", err)
	}
	h := household{name: "郑雨晴", id: residentID("1992-02-11", 358)}
	fillFirstPart(t, ctx, h)
	id := localID(t, ctx)
	if got := textOf(t, ctx, "#f-personal-township"); !strings.Contains(got, "柳泉镇") || !strings.Contains(got, "石桥镇") || !strings.Contains(got, "云溪乡") {
		t.Errorf("township choices offline: %q", got)
	}

	pickOrg(t, ctx, "f-personal-township", "341299002")
	shiqiao := "341299002001,341299002002,341299002003,341299002004"
	waitJS(t, ctx, "the villages of 石桥镇", `Array.from(document.getElementById("f-personal-village").options).filter(function (o) { return o.value && !o.hidden; }).map(function (o) { return o.value; }).join(",") === "`+shiqiao+`"`)
	pickOrg(t, ctx, "f-personal-village", "341299002002")
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("f-personal-township"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "offline-org-choices", "")

	// Another township: 南湾村 no longer fits and is dropped.
	pickOrg(t, ctx, "f-personal-township", "341299001")
	waitJS(t, ctx, "the villages of 柳泉镇", `document.getElementById("f-personal-village").value === "" && !Array.from(document.getElementById("f-personal-village").options).some(function (o) { return o.value.indexOf("341299002") === 0 && !o.hidden; })`)
	if got, want := villagesShown(t, ctx), "341299001001,341299001002,341299001003,341299001004"; got != want {
		t.Errorf("villages of 柳泉镇 offline: %s, want %s", got, want)
	}
	pickOrg(t, ctx, "f-personal-village", "341299001003")
	fillRest(t, ctx, h)

	relay.setCut(false)
	setOnline(t, ctx, true)
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+"/")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the record synced", `document.querySelector('[data-record="`+id+`"][data-status="synced"]') !== null`)
	r, err := s.st.GetRecord(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	personal, _ := r.Answers["personal"].(map[string]any)
	if personal["township"] != "341299001" || personal["village"] != "341299001003" {
		t.Errorf("the record's township and village: %v %v, want 341299001 341299001003", personal["township"], personal["village"])
	}
}
