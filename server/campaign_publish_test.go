package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"canvass/engine"
)

// TestCampaignCheckAndPublish: the whole-campaign check and publish, over
// the API and from the author page.
func TestCampaignCheckAndPublish(t *testing.T) {
	e := newEnv(t, Config{})
	e.withVault(0)
	author := e.user("author", ownUnit, engine.RoleAuthor)
	worker := e.user("worker", grandUnit, engine.RoleFieldWorker)
	token, wtoken := e.apiToken(author), e.apiToken(worker)
	files := []struct{ kind, id, file string }{
		{engine.KindForm, "fertility-household", "fertility-household.form.json"},
		{engine.KindWorkflow, "village-review", "village-review.workflow.yaml"},
		{engine.KindPayTable, "fertility-survey-pay", "fertility-survey.paytable.yaml"},
		{engine.KindCampaign, "survey-2026", "survey-2026.campaign.yaml"},
	}
	save := func(spoil bool) {
		t.Helper()
		for _, f := range files {
			src, err := os.ReadFile(filepath.Join("..", "engine", "testdata", "pay", f.file))
			if err != nil {
				t.Fatal(err)
			}
			if spoil && f.kind == engine.KindForm {
				src = []byte(strings.Replace(string(src), `"x-label"`, `"x-lable"`, 1))
			}
			res := e.do(req{method: "PUT", target: "/api/v1/definitions/" + f.kind + "/" + f.id + "?filename=" + f.file, header: bearer(token), body: string(src)})
			if res.status != http.StatusOK && res.status != http.StatusCreated {
				t.Fatalf("save %s: %d %s", f.file, res.status, res.body)
			}
		}
	}
	published := func() int {
		t.Helper()
		list, err := e.store.ListDefinitions(t.Context(), engine.DefinitionFilter{Status: engine.StatusPublished})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	save(true)
	res := e.do(req{method: "GET", target: "/api/v1/definitions/campaign/survey-2026/check", header: bearer(token)})
	check(t, res, http.StatusOK, "")
	var got campaignCheckJSON
	res.decode(t, &got)
	if got.OK || len(got.Problems) == 0 || got.Problems[0].Kind != engine.KindForm || got.Problems[0].Line == 0 {
		t.Fatalf("check of a campaign with a broken form: %+v", got)
	}
	res = e.do(req{method: "POST", target: "/api/v1/definitions/campaign/survey-2026/publish", header: bearer(token)})
	check(t, res, http.StatusUnprocessableEntity, engine.EINVALID)
	if !strings.Contains(res.body, `"pointer":"/form/fertility-household/`) || published() != 0 {
		t.Fatalf("publish with a broken form: %s, %d published; want the form's problem and none", res.body, published())
	}
	check(t, e.do(req{method: "POST", target: "/api/v1/definitions/campaign/survey-2026/publish", header: bearer(wtoken)}), http.StatusForbidden, engine.EFORBIDDEN)

	t.Run("the page lists the problems", func(t *testing.T) {
		cookie, csrf := e.pageSession("author")
		list := e.do(req{method: "GET", target: "/author", cookies: pageAs(cookie)})
		if !strings.Contains(list.body, `action="/author/campaigns/survey-2026/publish"`) {
			t.Fatalf("the author page does not offer to publish the campaign:\n%s", list.body)
		}
		res := e.do(req{method: "POST", target: "/author/campaigns/survey-2026/publish", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf)})
		check(t, res, http.StatusUnprocessableEntity, "")
		if !strings.Contains(res.body, "表单 fertility-household v1:") || published() != 0 {
			t.Errorf("the page does not name the form's problem, or published: %d\n%s", published(), res.body)
		}
	})

	save(false) // the drafts, mended
	t.Run("a clean campaign publishes from the page", func(t *testing.T) {
		cookie, csrf := e.pageSession("author")
		res := e.do(req{method: "POST", target: "/author/campaigns/survey-2026/publish", cookies: pageAs(cookie), header: formHeader, body: form("_csrf", csrf)})
		if res.status != http.StatusSeeOther || !strings.Contains(res.header.Get("Location"), "published=campaign%2Fsurvey-2026%2F1") {
			t.Fatalf("publish: %d %s %s", res.status, res.header.Get("Location"), res.body)
		}
		if published() != 4 {
			t.Errorf("%d published, want 4", published())
		}
		res = e.do(req{method: "POST", target: "/api/v1/definitions/campaign/survey-2026/publish", header: bearer(token)})
		check(t, res, http.StatusConflict, engine.ECONFLICT)
	})
}
