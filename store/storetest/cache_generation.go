package storetest

import (
	"testing"

	"canvass/app"
	"canvass/engine"
)

// CacheGeneration: "returns a value that changes whenever something an
// engine caches changes: a definition is published (or a published
// version changes, such as its owner), the org-unit tree changes, or a
// campaign is closed by hand. Two calls return the same value only if
// none of that changed in between; a value is never reused."
func cacheGenerationScenarios() []scenario {
	return []scenario{
		{"moves_on_what_engines_cache_only", func(t *testing.T, s app.Store) {
			seen := map[string]string{}
			gen := func(what string) string {
				t.Helper()
				g, err := s.CacheGeneration(t.Context())
				must(t, err, "CacheGeneration "+what)
				return g
			}
			moved := func(before, what string) string {
				t.Helper()
				g := gen(what)
				if g == before {
					t.Errorf("the cache generation stayed %q after %s", g, what)
				}
				if prev, ok := seen[g]; ok {
					t.Errorf("the cache generation after %s is %q again, as after %s", what, g, prev)
				}
				seen[g] = what
				return g
			}
			stayed := func(before, what string) {
				t.Helper()
				if g := gen(what); g != before {
					t.Errorf("the cache generation moved from %q to %q after %s, which engines do not cache", before, g, what)
				}
			}
			g := gen("start")
			seen[g] = "start"
			stayed(g, "nothing")

			d := newDefinition(engine.KindForm, "form-a", 1)
			mustSaveDraft(t, s, d)
			stayed(g, "saving a draft")
			mustInsert(t, s, NewRecord(Epoch))
			stayed(g, "inserting a record")

			mustPublish(t, s, engine.KindForm, "form-a", 1)
			g = moved(g, "publishing")
			n, err := s.SetDefinitionOwner(t.Context(), engine.KindForm, "form-a", "/p/")
			must(t, err, "SetDefinitionOwner")
			if n > 0 {
				g = moved(g, "setting an owner")
			}
			must(t, s.PutOrgUnits(t.Context(), orgTree), "PutOrgUnits")
			g = moved(g, "changing org units")
			must(t, s.SetCampaignClosed(t.Context(), &engine.CampaignClosure{CampaignID: "camp-1", ClosedBy: "u-admin", ClosedAt: Epoch, Reason: "done"}), "SetCampaignClosed")
			moved(g, "closing a campaign")
		}},
	}
}
