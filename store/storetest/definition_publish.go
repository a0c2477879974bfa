package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// PublishDefinitions "publishes the drafts refs names as one act: after it
// returns nil every one is published with by and at; after an error none
// of them is, and no reader ever sees some published and others not.
// Returns EINVALID for an empty list or one naming a version twice,
// ENOTFOUND if a version does not exist, ECONFLICT if one is already
// published, if a ref's Checksum is set and the draft's source is no
// longer that one, or if another publish holds one of them right now."
//
// The failing scenarios put the ref that cannot be published between
// others, so a store that publishes ref by ref and stops at the first
// error leaves the first one published and fails them.
func publishDefinitionsScenarios() []scenario {
	at := oddTime(Epoch.Add(72 * time.Hour))
	ref := func(d *engine.DefinitionVersion) engine.DefinitionRef {
		return engine.DefinitionRef{Kind: d.Kind, ID: d.ID, Version: d.Version, Checksum: d.Checksum}
	}
	// campaignDrafts saves a form, a workflow and a campaign as drafts, and
	// a pay table with version 1 published and version 2 a draft.
	campaignDrafts := func(t *testing.T, s app.Store) (form, wf, pay1, pay2, camp *engine.DefinitionVersion) {
		t.Helper()
		form, wf = newDefinition(engine.KindForm, "household", 1), newDefinition(engine.KindWorkflow, "review", 1)
		pay1, pay2 = newDefinition(engine.KindPayTable, "pay", 1), newDefinition(engine.KindPayTable, "pay", 2)
		camp = newDefinition(engine.KindCampaign, "survey-2026", 1)
		for _, d := range []*engine.DefinitionVersion{form, wf, pay1, pay2, camp} {
			mustSaveDraft(t, s, d)
		}
		mustPublish(t, s, engine.KindPayTable, "pay", 1)
		return form, wf, pay1, pay2, camp
	}
	publishedAs := func(d *engine.DefinitionVersion) *engine.DefinitionVersion {
		w := *d
		w.Status, w.PublishedBy, w.PublishedAt = engine.StatusPublished, "u-author", at
		return &w
	}
	// untouched checks that every draft is still a draft, by every read:
	// by version, as the latest published, and in the lists.
	untouched := func(t *testing.T, s app.Store, drafts ...*engine.DefinitionVersion) {
		t.Helper()
		for _, d := range drafts {
			checkGetDefinition(t, s, d.Kind, d.ID, d.Version, d)
			latest, err := s.GetDefinition(t.Context(), d.Kind, d.ID, 0)
			if err == nil && latest.Version == d.Version {
				t.Errorf("GetDefinition %s/%s latest published is version %d, a draft a refused publish named", d.Kind, d.ID, d.Version)
			}
		}
		pub, err := s.ListDefinitions(t.Context(), engine.DefinitionFilter{Status: engine.StatusPublished})
		must(t, err, "ListDefinitions published")
		for _, p := range pub {
			for _, d := range drafts {
				if p.Kind == d.Kind && p.ID == d.ID && p.Version == d.Version {
					t.Errorf("ListDefinitions published lists %s/%s v%d, a draft a refused publish named", d.Kind, d.ID, d.Version)
				}
			}
		}
		dr, err := s.ListDefinitions(t.Context(), engine.DefinitionFilter{Status: engine.StatusDraft})
		must(t, err, "ListDefinitions drafts")
		if len(dr) != len(drafts) {
			t.Errorf("ListDefinitions drafts has %d versions, want the %d drafts", len(dr), len(drafts))
		}
	}
	return []scenario{
		{"publishes_all_with_by_and_at", func(t *testing.T, s app.Store) {
			form, wf, pay1, pay2, camp := campaignDrafts(t, s)
			err := s.PublishDefinitions(t.Context(), []engine.DefinitionRef{ref(form), ref(wf), ref(pay2), ref(camp)}, "u-author", at)
			must(t, err, "PublishDefinitions")
			for _, d := range []*engine.DefinitionVersion{form, wf, pay2, camp} {
				checkGetDefinition(t, s, d.Kind, d.ID, d.Version, publishedAs(d))
				checkGetDefinition(t, s, d.Kind, d.ID, 0, publishedAs(d))
			}
			checkGetDefinition(t, s, engine.KindPayTable, "pay", 1, published(pay1))
			pub, err := s.ListDefinitions(t.Context(), engine.DefinitionFilter{Status: engine.StatusPublished})
			must(t, err, "ListDefinitions published")
			if len(pub) != 5 {
				t.Errorf("ListDefinitions published has %d versions, want 5", len(pub))
			}
			for _, p := range pub {
				if p.Kind == engine.KindCampaign {
					diffDefinition(p, publishedAs(camp), false).report(t, "ListDefinitions published campaign")
				}
			}
			dr, err := s.ListDefinitions(t.Context(), engine.DefinitionFilter{Status: engine.StatusDraft})
			must(t, err, "ListDefinitions drafts")
			if len(dr) != 0 {
				t.Errorf("ListDefinitions drafts has %d versions after publishing every draft, want none", len(dr))
			}
			edit := newDefinition(engine.KindForm, "household", 1)
			edit.Source = []byte("title: changed after publishing\n")
			wantCode(t, s.SaveDraft(t.Context(), edit), engine.ECONFLICT, "SaveDraft over a version published with others")
			wantCode(t, s.PublishDefinitions(t.Context(), []engine.DefinitionRef{ref(form)}, "u-author", at), engine.ECONFLICT,
				"PublishDefinitions of a version published already")
		}},
		{"without_checksums_publishes", func(t *testing.T, s app.Store) {
			form, wf, _, _, _ := campaignDrafts(t, s)
			err := s.PublishDefinitions(t.Context(), []engine.DefinitionRef{
				{Kind: form.Kind, ID: form.ID, Version: 1}, {Kind: wf.Kind, ID: wf.ID, Version: 1}}, "u-author", at)
			must(t, err, "PublishDefinitions without checksums")
			checkGetDefinition(t, s, wf.Kind, wf.ID, 0, publishedAs(wf))
		}},
		{"a_missing_version_midway_publishes_nothing", func(t *testing.T, s app.Store) {
			form, wf, _, pay2, camp := campaignDrafts(t, s)
			refs := []engine.DefinitionRef{ref(form), ref(wf), {Kind: engine.KindForm, ID: "household", Version: 7}, ref(pay2), ref(camp)}
			wantCode(t, s.PublishDefinitions(t.Context(), refs, "u-author", at), engine.ENOTFOUND, "PublishDefinitions with a missing version")
			untouched(t, s, form, wf, pay2, camp)
		}},
		{"a_published_version_midway_publishes_nothing", func(t *testing.T, s app.Store) {
			form, wf, pay1, pay2, camp := campaignDrafts(t, s)
			refs := []engine.DefinitionRef{ref(form), ref(wf), ref(pay1), ref(camp)}
			wantCode(t, s.PublishDefinitions(t.Context(), refs, "u-author", at), engine.ECONFLICT, "PublishDefinitions with a published version")
			untouched(t, s, form, wf, pay2, camp)
			checkGetDefinition(t, s, engine.KindPayTable, "pay", 1, published(pay1))
		}},
		{"a_draft_changed_since_the_check_publishes_nothing", func(t *testing.T, s app.Store) {
			form, wf, _, pay2, camp := campaignDrafts(t, s)
			checked := ref(wf)
			edit := withSource(newDefinition(engine.KindWorkflow, "review", 1), "title: 另一位作者改过\n")
			mustSaveDraft(t, s, edit)
			refs := []engine.DefinitionRef{ref(form), checked, ref(pay2), ref(camp)}
			wantCode(t, s.PublishDefinitions(t.Context(), refs, "u-author", at), engine.ECONFLICT, "PublishDefinitions of a draft changed since")
			untouched(t, s, form, edit, pay2, camp)
		}},
		{"a_refused_publish_leaves_drafts_usable", func(t *testing.T, s app.Store) {
			form, wf, _, pay2, camp := campaignDrafts(t, s)
			refs := []engine.DefinitionRef{ref(form), ref(wf), {Kind: engine.KindWorkflow, ID: "nowhere", Version: 1}}
			wantCode(t, s.PublishDefinitions(t.Context(), refs, "u-author", at), engine.ENOTFOUND, "PublishDefinitions with a missing definition")
			// The drafts it touched can be saved and published again at once.
			edit := withSource(newDefinition(engine.KindForm, "household", 1), "title: 修改后再发布\n")
			mustSaveDraft(t, s, edit)
			must(t, s.PublishDefinitions(t.Context(), []engine.DefinitionRef{ref(edit), ref(wf), ref(pay2), ref(camp)}, "u-author", at),
				"PublishDefinitions after a refused one")
			checkGetDefinition(t, s, engine.KindForm, "household", 0, publishedAs(edit))
		}},
		{"empty_or_twice_is_invalid", func(t *testing.T, s app.Store) {
			form, wf, _, _, _ := campaignDrafts(t, s)
			wantCode(t, s.PublishDefinitions(t.Context(), nil, "u-author", at), engine.EINVALID, "PublishDefinitions of nothing")
			wantCode(t, s.PublishDefinitions(t.Context(), []engine.DefinitionRef{ref(form), ref(wf), ref(form)}, "u-author", at),
				engine.EINVALID, "PublishDefinitions naming a version twice")
			wantCode(t, s.PublishDefinitions(t.Context(), []engine.DefinitionRef{ref(form), {Kind: engine.KindForm, ID: "household"}}, "u-author", at),
				engine.EINVALID, "PublishDefinitions with a ref without a version")
			untouched(t, s, form, wf, newDefinition(engine.KindPayTable, "pay", 2), newDefinition(engine.KindCampaign, "survey-2026", 1))
		}},
		{"racing_overlapping_publishes_never_both", func(t *testing.T, s app.Store) {
			// Two publishes share the workflow: at most one succeeds, and
			// exactly the versions of the ones that did are published.
			form, wf, _, pay2, camp := campaignDrafts(t, s)
			sets := [][]engine.DefinitionRef{{ref(form), ref(wf)}, {ref(wf), ref(pay2), ref(camp)}}
			errs := make([]error, len(sets))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, set := range sets {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = s.PublishDefinitions(t.Context(), set, fmt.Sprintf("u-author-%d", i), at)
				}()
			}
			close(start)
			wg.Wait()
			if errs[0] == nil && errs[1] == nil {
				t.Fatal("both publishes of the shared workflow succeeded")
			}
			want := map[string]bool{}
			for i, err := range errs {
				if err == nil {
					for _, r := range sets[i] {
						want[r.String()] = true
					}
				} else if c := engine.ErrorCode(err); c != engine.ECONFLICT {
					t.Errorf("publish %d: %v, want ECONFLICT or success", i, err)
				}
			}
			pub, err := s.ListDefinitions(t.Context(), engine.DefinitionFilter{Status: engine.StatusPublished})
			must(t, err, "ListDefinitions published")
			got := map[string]bool{}
			for _, p := range pub {
				if r := (engine.DefinitionRef{Kind: p.Kind, ID: p.ID, Version: p.Version}); r.String() != "paytable pay@1" {
					got[r.String()] = true
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("published %v, want exactly the versions of the publishes that succeeded: %v", got, want)
			}
		}},
	}
}
