package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"canvass/engine"
	"canvass/workflows"
)

// TestStudioWorkflowDesigner: on a blank campaign the author rebuilds the
// review ladder in the 审核流程 tab — removes the township level, adds it
// again with a 48-hour limit, gives the village level 48 hours too, keeps
// 退回补正 to the correction step — sees the diagram follow each save, and
// the campaign then passes 检查并发布 and publishes. Screenshots at an
// office screen and a tablet.
func TestStudioWorkflowDesigner(t *testing.T) {
	s := startSite(t)
	ctx, id := newStudioCampaign(t, s, "东关村奖励扶助审核")
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/workflow"]`)),
		chromedp.WaitVisible(chromedp.ID("s-village_review")),
	)
	if err != nil {
		t.Fatalf("open the 审核流程 tab of a blank campaign: %v", err)
	}
	shot(t, ctx, "start-1280", "")

	// diagram returns the diagram's nodes and arrows as the page shows them.
	diagram := func() string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#wf-diagram .wf-node")).map(n => n.dataset.state + ":" + n.querySelector("title").textContent).join(" | ") + " || " +
			Array.from(document.querySelectorAll("#wf-diagram .wf-edge")).map(e => e.dataset.from + ">" + e.dataset.action + ">" + e.dataset.to).join(" ")`))
		if err != nil {
			t.Fatalf("read the diagram: %v", err)
		}
		return got
	}
	waitDiagram := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		last := ""
		for time.Now().Before(deadline) {
			if last = diagram(); ok(last) {
				return last
			}
			time.Sleep(150 * time.Millisecond)
		}
		t.Fatalf("the diagram does not show %s: %s", what, last)
		return ""
	}

	// Remove the township level: refused while the village level leads to
	// it, then reconnected with the author's consent.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("s-township_review-delete")),
		chromedp.WaitVisible(chromedp.ID("wf-force-delete")),
	)
	if err != nil {
		t.Fatalf("delete the township level: %v", err)
	}
	if got := textOf(t, ctx, "#wf-refs"); !strings.Contains(got, "“村级审核”的“通过”指向“乡镇审核”") {
		t.Errorf("the refusal does not say what leads there: %q", got)
	}
	shot(t, ctx, "refusal-1280", "")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("wf-force-delete"))); err != nil {
		t.Fatal(err)
	}
	waitDiagram("the village level leading to 已通过", func(d string) bool {
		return !strings.Contains(d, "township_review") && strings.Contains(d, "village_review>approve>approved")
	})

	// Add the township level back: 48 hours, at the end of the ladder.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#add-level > summary`)),
		chromedp.WaitVisible(chromedp.ID("add-level-title")),
		chromedp.SendKeys(chromedp.ID("add-level-title"), "乡镇审核"),
		chromedp.SetValue(chromedp.ID("add-level-role"), "reviewer"),
		chromedp.SetValue(chromedp.ID("add-level-level"), "township"),
		chromedp.SetValue(chromedp.ID("add-level-due_n"), "48"),
		chromedp.SetValue(chromedp.ID("add-level-due_unit"), "hours"),
		chromedp.SetValue(chromedp.ID("add-level-position"), "-1"),
		chromedp.Click(chromedp.ID("add-level-submit")),
		chromedp.WaitVisible(chromedp.ID("s-township_review")),
	)
	if err != nil {
		t.Fatalf("add the township level: %v", err)
	}
	waitDiagram("the township level wired in", func(d string) bool {
		return strings.Contains(d, "village_review>approve>township_review") && strings.Contains(d, "township_review>approve>approved") &&
			strings.Contains(d, "township_review>return>correction") && strings.Contains(d, "48 小时")
	})

	// The village level: 48 hours too; return for correction stays on.
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("s-village_review-due_n"), "48"),
		chromedp.SetValue(chromedp.ID("s-village_review-due_unit"), "hours"),
		chromedp.Click(chromedp.ID("s-village_review-save")),
	)
	if err != nil {
		t.Fatalf("save the village level: %v", err)
	}
	d := waitDiagram("48 hours on both levels", func(d string) bool {
		return strings.Contains(d, "village_review:村级审核：村居审核员 · 48 小时") && strings.Contains(d, "township_review:乡镇审核：乡镇街道审核员 · 48 小时")
	})
	for _, want := range []string{"correction:退回补正：村居调查员", "approved:已通过",
		"village_review>return>correction", "township_review>return>correction", "correction>submit>village_review"} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q: %s", want, d)
		}
	}
	for _, box := range []string{"s-village_review-return-on", "s-township_review-return-on"} {
		on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("`+box+`").checked`))
		if err != nil || !on {
			t.Errorf("%s is not checked (%v)", box, err)
		}
	}
	if got := textOf(t, ctx, "p.flash"); !strings.Contains(got, "审核流程已保存为草稿") {
		t.Errorf("flash: %q", got)
	}
	shot(t, ctx, "ladder-1280", "")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(768, 1024)); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "ladder-768", "")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}

	// 检查并发布: clean, and it publishes.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.studio-tabs a[href$="/publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.studio-steps`)),
	)
	if err != nil {
		t.Fatalf("open 检查并发布: %v (problems: %s)", err, textOrEmpty(ctx, "#problems"))
	}
	if got := textOf(t, ctx, "ol.studio-steps"); !strings.Contains(got, "审核流程") {
		t.Errorf("the drafts to publish: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type=submit]`))); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if got, err := waitText(ctx, "p.flash", func(s string) bool { return strings.Contains(s, "已一并发布") }); err != nil {
		t.Fatalf("flash after publishing: %q %v", got, err)
	}
	camp, err := s.eng.Campaign(context.Background(), id)
	if err != nil {
		t.Fatalf("the campaign is not live: %v", err)
	}
	_, v, err := s.eng.Definition(context.Background(), engine.KindWorkflow, camp.Workflow(), 0)
	if err != nil {
		t.Fatal(err)
	}
	src, err := s.st.GetDefinition(context.Background(), engine.KindWorkflow, camp.Workflow(), v.Version)
	if err != nil {
		t.Fatal(err)
	}
	w, diags := workflows.Load("live.workflow.yaml", src.Source)
	if w == nil {
		t.Fatalf("the live workflow does not load: %v", diags)
	}
	if got := strings.Join(w.States(), " "); w.Start() != "village_review" || got != "village_review correction township_review approved rejected" && got != "village_review township_review correction approved rejected" {
		t.Errorf("live workflow: start %s, states %s\n%s", w.Start(), got, src.Source)
	}
	if st := w.Step("township_review"); st == nil || st.Level != "township" || !strings.Contains(string(src.Source), "due: PT48H") {
		t.Errorf("the township level: %+v\n%s", st, src.Source)
	}
}

// textOrEmpty is the text of css now, or "" (for failure messages).
func textOrEmpty(ctx context.Context, css string) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var e=document.querySelector(`+"`"+css+"`"+`);return e?e.textContent:""})()`))
	return strings.TrimSpace(s)
}
