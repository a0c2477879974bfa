package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/engine"
	"canvass/engine/enginetest"
)

// fieldCodes lists an error's fields as "pointer:code".
func fieldCodes(err error) []string {
	var out []string
	for _, f := range engine.ErrorFields(err) {
		out = append(out, f.Pointer+":"+f.Code)
	}
	return out
}

func readPay(t *testing.T, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "pay", name))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestDefinitionScopeRule: who may save, publish and use definitions, by
// where the definition's owner and the campaign's org scope sit.
func TestDefinitionScopeRule(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	district := mustUser(t, e, "district", "370102", engine.RoleAuthor)
	township := mustUser(t, e, "township", "370102001", engine.RoleAuthor)
	sibling := mustUser(t, e, "sibling", "370102002", engine.RoleAuthor)

	// A township author's form and workflow are the township's.
	enginetest.PublishFile(t, e, township, engine.KindForm, "trainer-signup", filepath.Join("testdata", "pay", "trainer-signup.form.json"))
	enginetest.PublishFile(t, e, township, engine.KindWorkflow, "village-review", filepath.Join("testdata", "pay", "village-review.workflow.yaml"))
	d, err := e.DefinitionVersion(ctx, district, engine.KindForm, "trainer-signup", 1)
	if err != nil || d.Owner != "/370000/370100/370102/370102001/" {
		t.Fatalf("the township's form: owner %v, %v; want the township", d, err)
	}

	campaign := func(scope string) []byte {
		return []byte(strings.Replace(string(readPay(t, "census-2026.campaign.yaml")), `org_scope: "370102"`, `org_scope: "`+scope+`"`, 1))
	}
	t.Run("a district campaign may not use the township's definitions", func(t *testing.T) {
		res, err := e.SaveDraft(ctx, district, engine.KindCampaign, "census-2026", "census-2026.campaign.yaml", campaign("370102"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Publish(ctx, district, engine.KindCampaign, "census-2026", res.Definition.Version)
		if got, want := fieldCodes(err), []string{"/forms/0:out_of_scope", "/workflow:out_of_scope"}; engine.ErrorCode(err) != engine.EINVALID || !slices.Equal(got, want) {
			t.Fatalf("publish: %v %v, want EINVALID %v", err, got, want)
		}
	})
	t.Run("a sibling township does not see them", func(t *testing.T) {
		if _, err := e.DefinitionVersion(ctx, sibling, engine.KindForm, "trainer-signup", 1); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Fatalf("read: %v, want ENOTFOUND", err)
		}
		_, err := e.SaveDraft(ctx, sibling, engine.KindForm, "trainer-signup", "trainer-signup.form.json", readPay(t, "trainer-signup.form.json"))
		if engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Fatalf("save: %v, want ENOTFOUND", err)
		}
	})
	t.Run("the district above may change them", func(t *testing.T) {
		res, err := e.SaveDraft(ctx, district, engine.KindForm, "trainer-signup", "trainer-signup.form.json", readPay(t, "trainer-signup.form.json"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Definition.Owner != "/370000/370100/370102/370102001/" {
			t.Errorf("a new version's owner: got %q, want the township's still", res.Definition.Owner)
		}
	})
	t.Run("a township author may not make a district-wide campaign", func(t *testing.T) {
		_, err := e.SaveDraft(ctx, township, engine.KindCampaign, "census-wide", "census-wide.campaign.yaml",
			[]byte(strings.Replace(string(campaign("370102")), "id: census-2026", "id: census-wide", 1)))
		if got := fieldCodes(err); engine.ErrorCode(err) != engine.EFORBIDDEN || !slices.Equal(got, []string{"/org_scope:out_of_scope"}) {
			t.Fatalf("save: %v %v, want EFORBIDDEN at /org_scope", err, got)
		}
	})
	t.Run("a township campaign may use them", func(t *testing.T) {
		src := []byte(strings.Replace(string(campaign("370102001")), "id: census-2026", "id: census-town", 1))
		enginetest.PublishFile(t, e, township, engine.KindCampaign, "census-town", writeTemp(t, "census-town.campaign.yaml", src))
	})
}

func writeTemp(t *testing.T, name string, src []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, src, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMigrateDefinitionOwners: definitions stored before owners existed get
// the owner the rule derives from the campaigns that use them.
func TestMigrateDefinitionOwners(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	seedTree(t, e)
	st := e.Store()
	legacy := func(kind, id, file string, src []byte, status string) {
		t.Helper()
		if err := st.SaveDraft(ctx, &engine.DefinitionVersion{Kind: kind, ID: id, Version: 1, Filename: file, Source: src, CreatedBy: "old", CreatedAt: clk.Now()}); err != nil {
			t.Fatal(err)
		}
		if status == engine.StatusPublished {
			if err := st.PublishDefinition(ctx, kind, id, 1, "old", clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	census := string(readPay(t, "census-2026.campaign.yaml"))
	legacy(engine.KindForm, "trainer-signup", "trainer-signup.form.json", readPay(t, "trainer-signup.form.json"), engine.StatusPublished)
	legacy(engine.KindWorkflow, "village-review", "village-review.workflow.yaml", readPay(t, "village-review.workflow.yaml"), engine.StatusPublished)
	legacy(engine.KindForm, "vital-event", "vital-event.form.json", readPay(t, "vital-event.form.json"), engine.StatusDraft)
	// Two township campaigns share the form and workflow; a draft campaign
	// counts too.
	legacy(engine.KindCampaign, "east", "east.campaign.yaml",
		[]byte(strings.NewReplacer("id: census-2026", "id: east", `org_scope: "370102"`, `org_scope: "370102001"`).Replace(census)), engine.StatusPublished)
	legacy(engine.KindCampaign, "west", "west.campaign.yaml",
		[]byte(strings.NewReplacer("id: census-2026", "id: west", `org_scope: "370102"`, `org_scope: "370102002001"`).Replace(census)), engine.StatusDraft)

	n, err := e.MigrateDefinitionOwners(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("migrated %d definitions, want 5", n)
	}
	for _, c := range []struct{ kind, id, want string }{
		{engine.KindCampaign, "east", "/370000/370100/370102/370102001/"},
		{engine.KindCampaign, "west", "/370000/370100/370102/370102002/370102002001/"},
		{engine.KindForm, "trainer-signup", "/370000/370100/370102/"}, // holds both townships' campaigns
		{engine.KindWorkflow, "village-review", "/370000/370100/370102/"},
		{engine.KindForm, "vital-event", "/370000/"}, // no campaign uses it: the top of the tree
	} {
		d, err := st.GetDefinition(ctx, c.kind, c.id, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d.Owner != c.want {
			t.Errorf("%s %s: owner %q, want %q", c.kind, c.id, d.Owner, c.want)
		}
	}
	if n, err := e.MigrateDefinitionOwners(ctx); err != nil || n != 0 {
		t.Errorf("a second migration changed %d (%v), want 0", n, err)
	}
}

// TestRepublishingAPayTableInUseIsAuditedAndShownToFinance: a new version
// of a pay table a running campaign uses leaves an audit event naming the
// campaign, and finance reads it beside the payments.
func TestRepublishingAPayTableInUseIsAuditedAndShownToFinance(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	seedTree(t, e)
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	admin := mustUser(t, e, "admin", "370102", engine.RoleAdmin)
	finance := mustUser(t, e, "finance", "370102", engine.RoleFinance)
	worker := mustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker)
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "fertility-household", "fertility-household.form.json"},
		{engine.KindWorkflow, "village-review", "village-review.workflow.yaml"},
		{engine.KindPayTable, "fertility-survey-pay", "fertility-survey.paytable.yaml"},
		{engine.KindCampaign, "survey-2026", "survey-2026.campaign.yaml"},
	} {
		enginetest.PublishFile(t, e, author, f.kind, f.id, filepath.Join("testdata", "pay", f.file))
	}
	if changes, err := e.DefinitionChanges(ctx, finance, "survey-2026", "zh-CN"); err != nil || len(changes) != 0 {
		t.Fatalf("before: %v %v, want none", changes, err)
	}
	clk.Add(48 * time.Hour)
	enginetest.PublishFile(t, e, author, engine.KindPayTable, "fertility-survey-pay", filepath.Join("testdata", "pay", "fertility-survey.paytable.yaml"))

	page, err := e.AuditLog(ctx, admin, engine.AuditFilter{Action: "definition.publish_in_use"}, engine.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 1 || page.Events[0].ObjectID != "fertility-survey-pay@2" || !slices.Equal(anyStrings(page.Events[0].Detail["campaigns"]), []string{"survey-2026"}) {
		t.Fatalf("audit: %+v, want one definition.publish_in_use naming survey-2026", page.Events)
	}
	changes, err := e.DefinitionChanges(ctx, finance, "survey-2026", "zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Kind != engine.KindPayTable || changes[0].Version != 2 || changes[0].PublishedBy != author.ID() || changes[0].Title == "fertility-survey-pay" {
		t.Fatalf("changes: %+v, want the pay table's version 2 with its title", changes)
	}
	if _, err := e.DefinitionChanges(ctx, worker, "survey-2026", "zh-CN"); engine.ErrorCode(err) != engine.EFORBIDDEN {
		t.Errorf("a field worker: %v, want EFORBIDDEN", err)
	}
}

func anyStrings(v any) []string {
	var out []string
	switch xs := v.(type) {
	case []string:
		return xs
	case []any:
		for _, x := range xs {
			s, _ := x.(string)
			out = append(out, s)
		}
	}
	return out
}
