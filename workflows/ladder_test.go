package workflows_test

import (
	"slices"
	"testing"

	"canvass/workflows"
)

// TestDefaultLadder: the default ladder loads without findings whatever
// its title holds, with the five states, 不予采用 on both levels, and the
// title as given.
func TestDefaultLadder(t *testing.T) {
	for _, title := range []workflows.Text{
		{"zh": "村级审核、乡镇审核", "en": "Village and township review"},
		{"zh": `审核: "A" {b} #c`, "en": "a: b, [c]"},
		{"zh": "只有中文"},
		{"zh": " 前后空格 "},
	} {
		src := workflows.DefaultLadder("demo-review", title)
		w, ds := workflows.Load("demo-review.workflow.yaml", src)
		if w == nil || len(ds) > 0 {
			t.Fatalf("%q: %v\n%s", title, ds, src)
		}
		if got, want := w.States(), []string{"village_review", "township_review", "correction", "approved", "rejected"}; !slices.Equal(got, want) {
			t.Errorf("states %v, want %v", got, want)
		}
		for _, st := range []string{"village_review", "township_review"} {
			if !slices.Contains(w.Actions(st), "reject") || !w.ReasonRequired(st, "reject") {
				t.Errorf("%s: actions %v, a reason required for reject: %v", st, w.Actions(st), w.ReasonRequired(st, "reject"))
			}
		}
		if got := w.Title("zh"); got != title["zh"] {
			t.Errorf("title %q, want %q", got, title["zh"])
		}
		wantEN := title["en"]
		if wantEN == "" {
			wantEN = title["zh"]
		}
		if got := w.Title("en"); got != wantEN {
			t.Errorf("English title %q, want %q", got, wantEN)
		}
	}
}
