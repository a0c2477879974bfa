package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"canvass/campaigns"
	"canvass/engine"
)

// publishExample publishes the subsidy-review example, rescoped into the
// test tree, as author.
func publishExample(t *testing.T, e interface {
	SaveDraft(context.Context, *engine.Actor, string, string, string, []byte) (*engine.DraftResult, error)
	PublishCampaign(context.Context, *engine.Actor, string) (*engine.CampaignCheck, error)
}, author *engine.Actor) {
	t.Helper()
	dir := filepath.Join("..", "examples", "subsidy-review")
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "subsidy-application", "subsidy-application.form.json"},
		{engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml"},
		{engine.KindPayTable, "subsidy-review-pay", "subsidy-review-pay.paytable.yaml"},
		{engine.KindCampaign, "subsidy-review-2027", "subsidy-review-2027.campaign.yaml"},
	} {
		src, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			t.Fatal(err)
		}
		src = []byte(strings.Replace(string(src), `org_scope: "341299"`, `org_scope: "370102"`, 1))
		if _, err := e.SaveDraft(context.Background(), author, f.kind, f.id, f.file, src); err != nil {
			t.Fatalf("save %s: %v", f.file, err)
		}
	}
	if _, err := e.PublishCampaign(context.Background(), author, "subsidy-review-2027"); err != nil {
		t.Fatalf("publish the example: %v %v", err, engine.ErrorFields(err))
	}
}

// TestStudioCampaign: a blank campaign and a copy are drafts that check
// and publish; the basics are validated and a stale save conflicts.
func TestStudioCampaign(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	district := mustUser(t, e, "district", "370102", engine.RoleAuthor)
	township := mustUser(t, e, "township", "370102001", engine.RoleAuthor)
	other := mustUser(t, e, "other", "370102002", engine.RoleAuthor)
	publishExample(t, e.Engine, district)

	blank, err := e.NewBlankCampaign(ctx, township, "村级示例登记")
	if err != nil {
		t.Fatal(err)
	}
	check, err := e.CheckCampaign(ctx, township, blank)
	if err != nil || !check.OK() || len(check.Steps) != 3 {
		t.Fatalf("check of a blank campaign: %v %+v", err, check)
	}
	copied, err := e.CopyCampaign(ctx, township, "subsidy-review-2027")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.PublishCampaign(ctx, township, copied); err != nil {
		t.Fatalf("publish the copy: %v %v", err, engine.ErrorFields(err))
	}
	c, err := e.Campaign(ctx, copied)
	if err != nil || c.OrgScope() != "370102001" || !strings.HasSuffix(c.Title("zh"), "（副本）") || c.Workflow() == "subsidy-review" {
		t.Fatalf("the copy: %v %+v", err, c)
	}

	_, copyFiles, err := e.StudioCampaignFiles(ctx, township, copied, "zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	edit := engine.CampaignBasicsOf(c)
	edit.TitleZH = "改过的副本"
	if _, err := e.UpdateCampaignBasics(ctx, township, copied, copyFiles[0].Checksum, edit); err != nil {
		t.Fatalf("rename the published copy: %v", err)
	}

	list, err := e.StudioCampaigns(ctx, township)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sc := range list {
		ids = append(ids, sc.ID)
	}
	if len(ids) != 2 {
		t.Fatalf("the township author's list: %v, want the blank and the copy", ids)
	}
	for _, got := range list {
		if got.ID == copied && (!got.Unpublished() || got.Title["zh"] != "改过的副本") {
			t.Errorf("the renamed copy in the list: %+v, want it published with unpublished changes", got)
		}
	}
	if list, _ := e.StudioCampaigns(ctx, other); len(list) != 0 {
		t.Errorf("a sibling township's author lists %d campaigns, want 0", len(list))
	}

	_, files, err := e.StudioCampaignFiles(ctx, township, blank, "zh-CN")
	if err != nil || len(files) != 3 {
		t.Fatalf("files of the blank campaign: %v %d", err, len(files))
	}
	base := files[0].Checksum
	good := engine.CampaignBasics{TitleZH: "新标题", TitleEN: "New title", OrgScope: "370102001001", Opens: "2027-01-01", Closes: "2027-02-01", ReferenceTime: "2027-01-01"}
	for _, tc := range []struct {
		name      string
		who       *engine.Actor
		base      string
		edit      func(b *engine.CampaignBasics)
		wantCode  string
		wantField string
	}{
		{name: "empty title", edit: func(b *engine.CampaignBasics) { b.TitleZH = " " }, wantCode: engine.EINVALID, wantField: "/title_zh"},
		{name: "closes before opens", edit: func(b *engine.CampaignBasics) { b.Closes = "2026-12-01" }, wantCode: engine.EINVALID, wantField: "/closes"},
		{name: "scope outside the subtree", edit: func(b *engine.CampaignBasics) { b.OrgScope = "370102002" }, wantCode: engine.EINVALID, wantField: "/org_scope"},
		{name: "not a date", edit: func(b *engine.CampaignBasics) { b.Opens = "明天" }, wantCode: engine.EINVALID, wantField: "/opens"},
		{name: "another township's author", who: other, wantCode: engine.ENOTFOUND},
		{name: "saved"},
		{name: "stale base", wantCode: engine.ECONFLICT, wantField: "/version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := good
			if tc.edit != nil {
				tc.edit(&b)
			}
			who := township
			if tc.who != nil {
				who = tc.who
			}
			_, err := e.UpdateCampaignBasics(ctx, who, blank, base, b)
			if got := engine.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("code %q, want %q (%v)", got, tc.wantCode, err)
			}
			if tc.wantField != "" {
				fs := engine.ErrorFields(err)
				if len(fs) == 0 || fs[0].Pointer != tc.wantField {
					t.Errorf("fields %+v, want %s", fs, tc.wantField)
				}
			}
		})
	}
	_, files, _ = e.StudioCampaignFiles(ctx, township, blank, "zh-CN")
	got := engine.CampaignBasicsOf(mustCampaign(t, files[0].DefinitionVersion))
	if got != good {
		t.Errorf("basics after the save: %+v, want %+v\n%s", got, good, files[0].Source)
	}
	if check, err := e.CheckCampaign(ctx, township, blank); err != nil || !check.OK() {
		t.Errorf("check after editing the basics: %v %+v", err, check)
	}
}

func mustCampaign(t *testing.T, d *engine.DefinitionVersion) *campaigns.Campaign {
	t.Helper()
	c, ds := campaigns.Load(d.Filename, d.Source)
	if c == nil {
		t.Fatalf("%s does not load: %v", d.Filename, ds)
	}
	return c
}
