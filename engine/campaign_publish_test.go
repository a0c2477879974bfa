package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
)

// TestPublishCampaignAsOneAct: a campaign's drafts — form, workflow, pay
// table, campaign — are checked together and published in order by one
// call; a problem anywhere publishes nothing; and a clean check always
// publishes.
func TestPublishCampaignAsOneAct(t *testing.T) {
	ctx := context.Background()
	files := []struct{ kind, id, file string }{
		{engine.KindForm, "fertility-household", "fertility-household.form.json"},
		{engine.KindWorkflow, "village-review", "village-review.workflow.yaml"},
		{engine.KindPayTable, "fertility-survey-pay", "fertility-survey.paytable.yaml"},
		{engine.KindCampaign, "survey-2026", "survey-2026.campaign.yaml"},
	}
	for _, tc := range []struct {
		name  string
		spoil func(kind string, src []byte) []byte // changes a file before it is saved
		skip  string                               // a kind not saved at all
		want  []string                             // "kind/id/pointer:code" problems; none: it publishes
	}{
		{name: "clean: four drafts published in order"},
		{name: "a lint error in the form", spoil: func(kind string, src []byte) []byte {
			if kind != engine.KindForm {
				return src
			}
			return []byte(strings.Replace(string(src), `"x-label"`, `"x-lable"`, 1))
		}, want: []string{"form/fertility-household"}},
		{name: "the workflow missing", skip: engine.KindWorkflow, want: []string{"campaign/survey-2026/workflow:not_published"}},
		{name: "a pay table that does not load", spoil: func(kind string, src []byte) []byte {
			if kind != engine.KindPayTable {
				return src
			}
			return []byte(strings.Replace(string(src), "id: fertility-survey-pay", "id: fertility-survey-pay\nbogus_key: 1", 1))
		}, want: []string{"paytable/fertility-survey-pay", "campaign/survey-2026/paytable:not_published"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newEngine(t)
			seedTree(t, e)
			author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
			for _, f := range files {
				if f.kind == tc.skip {
					continue
				}
				src := readPay(t, f.file)
				if tc.spoil != nil {
					src = tc.spoil(f.kind, src)
				}
				if _, err := e.SaveDraft(ctx, author, f.kind, f.id, f.file, src); err != nil {
					t.Fatalf("save %s: %v", f.file, err)
				}
			}
			check, err := e.CheckCampaign(ctx, author, "survey-2026")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range check.Problems {
				got = append(got, p.Kind+"/"+p.ID+p.Pointer+":"+p.Code)
			}
			for _, w := range tc.want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
					t.Errorf("problems %v lack %q", got, w)
				}
			}
			_, perr := e.PublishCampaign(ctx, author, "survey-2026")
			// The promise: a check with no problems publishes, one with
			// problems publishes nothing.
			if check.OK() != (perr == nil) {
				t.Fatalf("check ok %v but publish: %v", check.OK(), perr)
			}
			published, err := e.Store().ListDefinitions(ctx, engine.DefinitionFilter{Status: engine.StatusPublished})
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.want) > 0 {
				if engine.ErrorCode(perr) != engine.EINVALID || len(published) != 0 {
					t.Fatalf("publish: %v with %d published, want EINVALID and none", perr, len(published))
				}
				return
			}
			var steps []string
			for _, s := range check.Steps {
				steps = append(steps, s.Kind+"/"+s.ID)
			}
			if want := []string{"form/fertility-household", "workflow/village-review", "paytable/fertility-survey-pay", "campaign/survey-2026"}; !slices.Equal(steps, want) {
				t.Errorf("steps %v, want %v", steps, want)
			}
			if len(published) != 4 {
				t.Errorf("%d published, want 4", len(published))
			}
			if _, err := e.Campaign(ctx, "survey-2026"); err != nil {
				t.Errorf("the campaign is not live: %v", err)
			}
			if _, err := e.PublishCampaign(ctx, author, "survey-2026"); engine.ErrorCode(err) != engine.ECONFLICT {
				t.Errorf("publishing again: %v, want ECONFLICT (nothing to publish)", err)
			}
		})
	}
}

// TestPublishCampaignScope: the whole-campaign publish follows the
// definition-scope rule.
func TestPublishCampaignScope(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	township := mustUser(t, e, "township", "370102001", engine.RoleAuthor)
	worker := mustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker)
	if _, err := e.SaveDraft(ctx, author, engine.KindCampaign, "survey-2026", "survey-2026.campaign.yaml", readPay(t, "survey-2026.campaign.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a    *engine.Actor
		want string
	}{
		{"a township author below the owner", township, engine.EFORBIDDEN},
		{"a field worker", worker, engine.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := e.PublishCampaign(ctx, tc.a, "survey-2026"); engine.ErrorCode(err) != tc.want {
				t.Errorf("publish: %v, want %s", err, tc.want)
			}
		})
	}
	if _, err := e.CheckCampaign(ctx, author, "no-such-campaign"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Errorf("unknown campaign: %v, want ENOTFOUND", err)
	}
}
