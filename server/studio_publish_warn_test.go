package server

import (
	"context"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"canvass/engine"
)

// TestStudioPublishShowsWarnings: a pay table that takes effect after the
// campaign opens does not stop 检查并发布, but the tab says which days'
// work would earn nothing and links to 劳务报酬 — in Chinese, and in
// English for an en reader. Without the gap there is no warning.
func TestStudioPublishShowsWarnings(t *testing.T) {
	e := newEnv(t, Config{})
	author := e.user("author", ownUnit, engine.RoleAuthor)
	e.publishFertilityExample(author)
	cookie, _ := e.pageSession("author")
	page := func(lang string) result {
		t.Helper()
		res := e.do(req{method: "GET", target: "/studio/campaigns/fertility-survey-2026/publish?lang=" + lang, cookies: pageAs(cookie)})
		if res.status != http.StatusOK {
			t.Fatalf("the publish tab: %d %s", res.status, res.body)
		}
		res.body = html.UnescapeString(res.body)
		return res
	}
	if body := page("zh-CN").body; strings.Contains(body, `id="warnings"`) {
		t.Fatalf("a warning on a campaign whose pay table starts before it opens")
	}

	src, err := os.ReadFile(filepath.Join("..", "examples", "fertility-survey", "fertility-survey-pay.paytable.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	late := strings.Replace(string(src), "effective_from: 2026-11-01", "effective_from: 2026-12-01", 1)
	if late == string(src) {
		t.Fatal("the example's pay table no longer takes effect on 2026-11-01; update the test")
	}
	if _, err := e.eng.SaveDraft(context.Background(), asActor(author), engine.KindPayTable, "fertility-survey-pay", "fertility-survey-pay.paytable.yaml", []byte(late)); err != nil {
		t.Fatal(err)
	}
	zh := page("zh-CN").body
	for _, want := range []string{`id="warnings"`, "有 1 处需要留意（不影响发布）", "2026-11-25 至 2026-11-30 之间完成的工作不计报酬", `href="/studio/campaigns/fertility-survey-2026/pay"`, "检查通过，可以发布 1 份草稿"} {
		if !strings.Contains(zh, want) {
			t.Errorf("the publish tab lacks %q", want)
		}
	}
	if en := page("en").body; !strings.Contains(en, "Worth a look before publishing (1;") || !strings.Contains(en, "2026-11-25") {
		t.Errorf("the English publish tab lacks its warning")
	}
}
