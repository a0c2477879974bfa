package server

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// meddlingStore is the test's real SQLite store that runs meddle once,
// right before the next PublishDefinitions reaches it: another author's
// save landing between the studio's check and its publish, which no
// request could otherwise time. The store itself then refuses.
type meddlingStore struct {
	app.Store
	meddle func()
}

func (m *meddlingStore) PublishDefinitions(ctx context.Context, refs []engine.DefinitionRef, by string, at time.Time) error {
	if f := m.meddle; f != nil {
		m.meddle = nil
		f()
	}
	return m.Store.PublishDefinitions(ctx, refs, by, at)
}

// TestStudioPublishRefusedLeavesDrafts: 检查并发布 of a new campaign whose
// check passes, while another author saves a changed form in between. The
// publish is refused as a whole — every draft stays a draft, nothing of
// the campaign is live — and the page says why in Chinese and shows the
// check as it stands now; pressing 发布 again publishes all three.
func TestStudioPublishRefusedLeavesDrafts(t *testing.T) {
	e := newEnv(t, Config{})
	ms := &meddlingStore{Store: e.store.(app.Store)}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.eng = app.New(app.Config{Config: engine.Config{Store: ms, Now: e.clock.Now, Logger: logger}})
	e.srv = New(Config{App: e.eng, Now: e.clock.Now, Logger: logger})
	e.user("author", ownUnit, engine.RoleAuthor)
	other := e.user("other", ownUnit, engine.RoleAuthor)
	cookie, csrf := e.pageSession("author")

	published := func(t *testing.T) int {
		t.Helper()
		defs, err := e.store.ListDefinitions(context.Background(), engine.DefinitionFilter{Status: engine.StatusPublished})
		if err != nil {
			t.Fatal(err)
		}
		return len(defs)
	}
	campaign := ""
	for _, sc := range []struct {
		name     string
		method   string
		target   string
		form     []string
		arm      bool // the other author saves the form right before the store publishes
		status   int
		contains []string
		lacks    []string
		after    func(t *testing.T)
	}{
		{name: "a new campaign", method: "POST", target: "/studio/campaigns", form: []string{"title", "东关村育龄妇女登记"}, status: http.StatusSeeOther},
		{name: "its check passes", method: "GET", target: "/studio/campaigns/{c}/publish", status: http.StatusOK,
			contains: []string{"检查通过，可以发布 3 份草稿"}},
		{name: "publish, while the form changes underneath", method: "POST", target: "/studio/campaigns/{c}/publish", arm: true,
			status:   http.StatusConflict,
			contains: []string{"未能发布", "检查之后，有人修改或单独发布了其中的草稿", "这次一份也没有发布，所有草稿仍是草稿", "检查通过，可以发布 3 份草稿"},
			lacks:    []string{"已一并发布"},
			after: func(t *testing.T) {
				if n := published(t); n != 0 {
					t.Errorf("%d versions published after a refused publish, want none", n)
				}
				if _, err := e.eng.Campaign(context.Background(), campaign); engine.ErrorCode(err) != engine.ENOTFOUND {
					t.Errorf("the campaign after a refused publish: %v, want ENOTFOUND (not live)", err)
				}
			}},
		{name: "in English too", method: "GET", target: "/studio/campaigns/{c}/publish?lang=en", status: http.StatusOK,
			contains: []string{"3 drafts"}},
		{name: "publish again", method: "POST", target: "/studio/campaigns/{c}/publish", status: http.StatusSeeOther,
			after: func(t *testing.T) {
				if n := published(t); n != 3 {
					t.Errorf("%d versions published, want the three drafts", n)
				}
				d, err := e.store.GetDefinition(context.Background(), engine.KindForm, campaign+"-form", 0)
				if err != nil || !strings.Contains(string(d.Source), "（另一位作者）") {
					t.Errorf("the published form is not the other author's draft (%v)", err)
				}
			}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := req{method: sc.method, target: strings.ReplaceAll(sc.target, "{c}", campaign), cookies: pageAs(cookie)}
			if sc.method == "POST" {
				r.header, r.body = formHeader, form(append([]string{"_csrf", csrf}, sc.form...)...)
			}
			if sc.arm {
				ms.meddle = func() {
					ctx := context.Background()
					d, err := e.store.GetDefinition(ctx, engine.KindForm, campaign+"-form", 1)
					if err != nil {
						t.Error(err)
						return
					}
					src := strings.Replace(string(d.Source), "东关村育龄妇女登记", "东关村育龄妇女登记（另一位作者）", 1)
					if src == string(d.Source) {
						t.Error("the form does not carry the campaign's title")
					}
					if _, err := e.eng.SaveDraft(ctx, asActor(other), engine.KindForm, d.ID, d.Filename, []byte(src)); err != nil {
						t.Error(err)
					}
				}
			}
			res := e.do(r)
			if res.status != sc.status {
				t.Fatalf("status %d, want %d\n%s", res.status, sc.status, res.body)
			}
			if m := studioCampaignPath.FindStringSubmatch(res.header.Get("Location")); campaign == "" && m != nil {
				campaign = m[1]
			}
			body := html.UnescapeString(res.body)
			for _, want := range sc.contains {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q\n%s", want, body)
				}
			}
			for _, bad := range sc.lacks {
				if strings.Contains(body, bad) {
					t.Errorf("the page has %q", bad)
				}
			}
			if sc.after != nil {
				sc.after(t)
			}
		})
	}
}
