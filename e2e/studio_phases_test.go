package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStudioPhaseEditor: an author copies the migrant cleanup, whose
// campaign runs in the work plan's four phases, and edits them on
// 基本信息: an overlap is refused beside the day that overlaps; then the
// preparation phase is deleted and a 总结 phase added in the blank row,
// saved as a draft, with the day past the closing date noted. Screenshots
// at an office screen and on a phone.
func TestStudioPhaseEditor(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	office := chromedp.EmulateViewport(1280, 900)
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
	if err := chromedp.Do(ctx, office); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, s, "author", "")
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/studio"), chromedp.WaitVisible(chromedp.ID("copy-source"))); err != nil {
		t.Fatalf("open the studio: %v", err)
	}
	reloaded(t, ctx, "copy the migrant cleanup",
		chromedp.SetValue(chromedp.ID("copy-source"), "migrant-cleanup-2027"),
		chromedp.Click(chromedp.CSS(`form[action="/studio/copies"] button[type=submit]`)),
	)
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/studio/campaigns/([a-z0-9-]+)`).FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("after the copy the browser is at %s", location)
	}
	id := m[1]
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("fieldset.phase-row").length`))
	if err != nil || rows != 5 {
		t.Fatalf("the editor shows %d rows (%v), want the 4 phases and a blank one", rows, err)
	}
	if got := textOf(t, ctx, "#phase-1 legend"); got != "第 2 阶段" {
		t.Errorf("second row's heading %q", got)
	}
	value := func(id string) string {
		v, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("value of %s: %v", id, err)
		}
		return v
	}
	if got := value("f-phase-1-name_zh"); got != "入户核查摸底" {
		t.Errorf("the survey phase's name %q", got)
	}
	shot(t, ctx, "phases-1280", "")

	// The registration phase moved into the survey's days is refused,
	// beside its first day, and what was typed stays.
	reloaded(t, ctx, "save an overlap",
		chromedp.SetValue(chromedp.ID("f-phase-2-from"), "2026-12-20"),
		chromedp.Click(chromedp.CSS(`section.studio-phases button[type=submit]`)),
	)
	if got := textOf(t, ctx, "#f-phase-2-from-err"); !strings.Contains(got, "「入户核查登记」从 2026-12-20 开始，早于上一个阶段「入户核查摸底」的结束日期 2026-12-31") {
		t.Errorf("the overlap's message %q", got)
	}
	if got := textOf(t, ctx, "p.alert"); !strings.Contains(got, "工作阶段没有保存") {
		t.Errorf("the page's alert %q", got)
	}
	if got := value("f-phase-2-from"); got != "2026-12-20" {
		t.Errorf("the typed day is lost: %q", got)
	}
	if err := chromedp.Do(ctx, phone); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "phases-error-390", "")
	if err := chromedp.Do(ctx, office); err != nil {
		t.Fatal(err)
	}

	// Corrected; the preparation phase deleted; 总结 added in the blank
	// row with review open.
	reloaded(t, ctx, "save the phases",
		chromedp.SetValue(chromedp.ID("f-phase-2-from"), "2027-01-01"),
		chromedp.Click(chromedp.CSS(`input[name="phase.0.delete"]`)),
		chromedp.SendKeys(chromedp.ID("f-phase-4-name_zh"), "总结"),
		chromedp.SendKeys(chromedp.ID("f-phase-4-name_en"), "Summary"),
		chromedp.SetValue(chromedp.ID("f-phase-4-from"), "2027-02-01"),
		chromedp.SetValue(chromedp.ID("f-phase-4-to"), "2027-02-05"),
		chromedp.Click(chromedp.CSS(`input[name="phase.4.actions"][value="review"]`)),
		chromedp.Click(chromedp.CSS(`section.studio-phases button[type=submit]`)),
	)
	if got := textOf(t, ctx, "p.flash"); !strings.Contains(got, "工作阶段已保存为草稿") {
		t.Errorf("flash after the save: %q", got)
	}
	if got := textOf(t, ctx, "section.studio-phases div.note"); !strings.Contains(got, "「总结」") || !strings.Contains(got, "晚于工作项目的截止日期 2027-01-31") {
		t.Errorf("the note on the phase past the closing date: %q", got)
	}
	shot(t, ctx, "phases-saved-1280", "")
	if err := chromedp.Do(ctx, phone); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "phases-saved-390", "")

	camp, _, err := s.eng.StudioCampaignFiles(context.Background(), s.actor(t, "author"), id, "zh")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range camp.Phases() {
		got = append(got, p.Name.In("zh")+" "+p.FromDate()+"~"+p.ToDate()+" "+strings.Join(append(p.Forms, p.Actions...), ","))
	}
	want := []string{"入户核查摸底 2026-11-16~2026-12-31 " + camp.Forms()[0] + ",review,reconcile",
		"入户核查登记 2027-01-01~2027-01-15 " + camp.Forms()[0] + ",review,reconcile,enter",
		"数据比对录入 2027-01-16~2027-01-31 review,reconcile,enter",
		"总结 2027-02-01~2027-02-05 review"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the draft's phases:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestPhasesForWorkerAndSupervisor: on the demo's day the migrant cleanup
// is in its door-to-door phase: the field worker's list of forms says so,
// and the supervisor's dashboard lists the four phases with the current
// one marked. Screenshots to look at.
func TestPhasesForWorkerAndSupervisor(t *testing.T) {
	s := startSite(t)
	now, err := s.eng.Campaign(context.Background(), "migrant-cleanup-2027")
	if err != nil {
		t.Fatal(err)
	}
	cur, ok := now.PhaseAt(s.eng.Now())
	if !ok {
		t.Skip("the demo's clock is outside the migrant cleanup's phases today") // the demo runs on the real clock
	}
	worker := newBrowser(t)
	if err := chromedp.Do(worker, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	signIn(t, worker, s, "worker3", "")
	if got, err := waitText(worker, "ul.campaign-forms", func(s string) bool { return strings.Contains(s, "当前阶段") || strings.Contains(s, "阶段（") }); err != nil {
		t.Errorf("the worker's forms do not name the phase: %q %v", got, err)
	} else if !strings.Contains(got, cur.Name.In("zh")) {
		t.Errorf("the worker's forms name another phase than %s: %q", cur.Name.In("zh"), got)
	}
	shot(t, worker, "home-390", "")

	sup := newBrowser(t)
	if err := chromedp.Do(sup, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	signIn(t, sup, s, "supervisor", "")
	if err := chromedp.Do(sup, chromedp.Navigate(s.base+"/campaigns/migrant-cleanup-2027/dashboard"), chromedp.WaitVisible(chromedp.ID("h-phases"))); err != nil {
		t.Fatalf("the dashboard's phases: %v", err)
	}
	if got := textOf(t, sup, `table.phases tr[aria-current="step"] th`); got != cur.Name.In("zh") {
		t.Errorf("the current phase on the dashboard: %q, want %s", got, cur.Name.In("zh"))
	}
	// The demo's records were handed in today, in the current phase,
	// which counts them, by form where it opens forms.
	if got := textOf(t, sup, `table.phases tr[aria-current="step"] td.phase-records`); len(cur.Forms) > 0 &&
		(!strings.HasPrefix(got, "共 ") || strings.HasPrefix(got, "共 0 份") || !strings.Contains(got, "「流动人口清理摸底核查表」")) {
		t.Errorf("the current phase's records: %q, want some, by form", got)
	}
	if err := chromedp.Do(sup, chromedp.ScrollIntoView(chromedp.ID("h-phases"))); err != nil {
		t.Fatal(err)
	}
	shot(t, sup, "dashboard-1280", "")
}
