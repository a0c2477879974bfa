package engine_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/store/sqlite"
)

// meddlingStore is a real SQLite store that runs meddle once, right before
// the next PublishDefinitions reaches the store: another author's act
// landing between a campaign's check and its publish, which no test could
// otherwise time. The store then does the refusing itself.
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

// TestPublishCampaignRefusedAtTheStore: a campaign's check passes, then
// another author changes or publishes one of its drafts before the store
// publishes them. The store refuses the whole set, so every other draft
// stays a draft; publishing again checks and publishes what is there now,
// and the audit trail describes that one publish.
func TestPublishCampaignRefusedAtTheStore(t *testing.T) {
	ctx := context.Background()
	files := []struct{ kind, id, file string }{
		{engine.KindForm, "fertility-household", "fertility-household.form.json"},
		{engine.KindWorkflow, "village-review", "village-review.workflow.yaml"},
		{engine.KindPayTable, "fertility-survey-pay", "fertility-survey.paytable.yaml"},
		{engine.KindCampaign, "survey-2026", "survey-2026.campaign.yaml"},
	}
	for _, tc := range []struct {
		name string
		// meddle is what the other author does; it returns the versions
		// it published itself.
		meddle func(t *testing.T, e *app.App, other *engine.Actor) []string
	}{
		{name: "the workflow draft changed after the check", meddle: func(t *testing.T, e *app.App, other *engine.Actor) []string {
			src := strings.Replace(string(readPay(t, "village-review.workflow.yaml")), "村级采集乡镇审核", "村级采集乡镇初审", 1)
			if _, err := e.SaveDraft(ctx, other, engine.KindWorkflow, "village-review", "village-review.workflow.yaml", []byte(src)); err != nil {
				t.Fatal(err)
			}
			return nil
		}},
		{name: "the pay table published alone meanwhile", meddle: func(t *testing.T, e *app.App, other *engine.Actor) []string {
			if _, err := e.Publish(ctx, other, engine.KindPayTable, "fertility-survey-pay", 1); err != nil {
				t.Fatal(err)
			}
			return []string{"paytable/fertility-survey-pay@1"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := sqlite.Open(filepath.Join(t.TempDir(), "canvass.db"), sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			ms := &meddlingStore{Store: st}
			clock := &enginetest.Clock{}
			clock.Set(enginetest.Start)
			e := app.New(app.Config{Config: engine.Config{Store: ms, Now: clock.Now}})
			seedTree(t, e)
			author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
			other := mustUser(t, e, "other", "370102", engine.RoleAuthor)
			for _, f := range files {
				if _, err := e.SaveDraft(ctx, author, f.kind, f.id, f.file, readPay(t, f.file)); err != nil {
					t.Fatalf("save %s: %v", f.file, err)
				}
			}
			check, err := e.CheckCampaign(ctx, author, "survey-2026")
			if err != nil || !check.OK() {
				t.Fatalf("check: %v %v", err, check.Problems)
			}
			var meddled []string
			ms.meddle = func() { meddled = tc.meddle(t, e, other) }
			_, err = e.PublishCampaign(ctx, author, "survey-2026")
			if engine.ErrorCode(err) != engine.ECONFLICT {
				t.Fatalf("publish: %v, want ECONFLICT", err)
			}
			if got := publishedVersions(t, e); !slices.Equal(got, meddled) {
				t.Fatalf("after the refused publish %v are published, want only %v (the other author's)", got, meddled)
			}
			if _, err := e.Campaign(ctx, "survey-2026"); engine.ErrorCode(err) != engine.ENOTFOUND {
				t.Errorf("the campaign after a refused publish: %v, want ENOTFOUND", err)
			}
			if n := auditCount(t, e, "campaign.publish"); n != 0 {
				t.Errorf("%d campaign.publish events after a refused publish, want none", n)
			}

			// Again: the check reads what is there now and publishes it all.
			check, err = e.PublishCampaign(ctx, author, "survey-2026")
			if err != nil {
				t.Fatalf("publishing again: %v", err)
			}
			if got := publishedVersions(t, e); len(got) != 4 {
				t.Errorf("published %v, want the four definitions", got)
			}
			if len(meddled) == 0 && !strings.Contains(string(mustSource(t, e, engine.KindWorkflow, "village-review")), "村级采集乡镇初审") {
				t.Error("the published workflow is not the other author's draft")
			}
			if n := auditCount(t, e, "campaign.publish"); n != 1 {
				t.Errorf("%d campaign.publish events, want 1", n)
			}
			if n, want := auditCount(t, e, "definition.publish"), len(check.Steps); n < want {
				t.Errorf("%d definition.publish events, want at least %d (one per version published with the campaign)", n, want)
			}
		})
	}
}

// publishedVersions lists every published version as kind/id@version.
func publishedVersions(t *testing.T, e *app.App) []string {
	t.Helper()
	defs, err := e.Store().ListDefinitions(context.Background(), engine.DefinitionFilter{Status: engine.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range defs {
		out = append(out, d.Kind+"/"+d.ID+"@"+strconv.Itoa(d.Version))
	}
	return out
}

// mustSource is the source of the latest published version of kind/id.
func mustSource(t *testing.T, e *app.App, kind, id string) []byte {
	t.Helper()
	d, err := e.Store().GetDefinition(context.Background(), kind, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return d.Source
}

// auditCount counts the audit events of action.
func auditCount(t *testing.T, e *app.App, action string) int {
	t.Helper()
	page, err := e.Store().ListAudit(context.Background(), engine.AuditFilter{Action: action}, engine.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Events)
}
