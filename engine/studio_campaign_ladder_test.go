package engine_test

import (
	"context"
	"slices"
	"testing"

	"canvass/engine"
	"canvass/engine/studio"
	"canvass/forms"
	"canvass/workflows"
)

// TestBlankCampaignLadder: a new blank campaign's workflow is the studio's
// default ladder (workflows.DefaultLadder), the one the review-flow tab
// creates for a campaign without a workflow: the same states, actions and
// targets, 不予采用 included.
func TestBlankCampaignLadder(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	id, err := e.NewBlankCampaign(ctx, author, "东关村登记")
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.DefinitionVersion(ctx, author, engine.KindWorkflow, id+"-review", 1)
	if err != nil {
		t.Fatal(err)
	}
	blank, ds := workflows.Load(d.Filename, d.Source)
	if blank == nil || len(ds) > 0 {
		t.Fatalf("the blank campaign's workflow: %v\n%s", ds, d.Source)
	}
	studioDoc := studio.NewWorkflow(id+"-review", forms.Text{ZH: "村级审核、乡镇审核"})
	studioWF, ds := workflows.Load("x.workflow.yaml", studioDoc.Bytes())
	if studioWF == nil {
		t.Fatal(ds)
	}
	if got, want := blank.States(), studioWF.States(); !slices.Equal(got, want) {
		t.Fatalf("states %v, the studio's %v", got, want)
	}
	for _, st := range blank.States() {
		if got, want := blank.Actions(st), studioWF.Actions(st); !slices.Equal(got, want) {
			t.Errorf("%s: actions %v, the studio's %v", st, got, want)
		}
		if got, want := blank.StateTitle(st, "zh"), studioWF.StateTitle(st, "zh"); got != want {
			t.Errorf("%s: title %q, the studio's %q", st, got, want)
		}
		for _, a := range blank.Actions(st) {
			if blank.ReasonRequired(st, a) != studioWF.ReasonRequired(st, a) {
				t.Errorf("%s %s: reason required differs", st, a)
			}
		}
	}
	if !slices.Contains(blank.Actions("township_review"), "reject") {
		t.Errorf("the blank ladder cannot reject (不予采用): %v", blank.Actions("township_review"))
	}
}
