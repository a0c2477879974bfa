package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// newDefinition returns a draft of kind/id/version with a Chinese YAML source.
func newDefinition(kind, id string, version int) *engine.DefinitionVersion {
	src := fmt.Appendf(nil, "# %s %s v%d\ntitle: 生育状况抽样调查\nfields:\n  - id: households\n    type: integer\n", kind, id, version)
	sum := sha256.Sum256(src)
	return &engine.DefinitionVersion{
		Kind: kind, ID: id, Version: version, Status: engine.StatusDraft,
		Filename: id + "." + kind + ".yaml", Source: src, Checksum: hex.EncodeToString(sum[:]),
		CreatedBy: "u-author", CreatedAt: Epoch.Add(time.Duration(version) * time.Minute),
		Owner: "/37/3701/370102/",
	}
}

func diffDefinition(got, want *engine.DefinitionVersion, withSource bool) differ {
	if got == nil {
		return differ{"definition is nil"}
	}
	var d differ
	d.str("Kind", got.Kind, want.Kind)
	d.str("ID", got.ID, want.ID)
	d.num("Version", int64(got.Version), int64(want.Version))
	d.str("Status", got.Status, want.Status)
	d.str("Filename", got.Filename, want.Filename)
	if withSource {
		d.str("Source", string(got.Source), string(want.Source))
	} else if len(got.Source) != 0 {
		d = append(d, fmt.Sprintf("Source has %d bytes, want none in a list", len(got.Source)))
	}
	d.str("Checksum", got.Checksum, want.Checksum)
	d.str("CreatedBy", got.CreatedBy, want.CreatedBy)
	d.time("CreatedAt", got.CreatedAt, want.CreatedAt)
	d.str("PublishedBy", got.PublishedBy, want.PublishedBy)
	d.time("PublishedAt", got.PublishedAt, want.PublishedAt)
	d.str("Owner", got.Owner, want.Owner)
	return d
}

func mustSaveDraft(t *testing.T, s app.Store, d *engine.DefinitionVersion) {
	t.Helper()
	must(t, s.SaveDraft(t.Context(), d), fmt.Sprintf("SaveDraft %s/%s v%d", d.Kind, d.ID, d.Version))
}

func mustPublish(t *testing.T, s app.Store, kind, id string, version int) {
	t.Helper()
	must(t, s.PublishDefinition(t.Context(), kind, id, version, "u-admin", publishedAt(version)),
		fmt.Sprintf("PublishDefinition %s/%s v%d", kind, id, version))
}

func publishedAt(version int) time.Time { return Epoch.Add(time.Duration(version) * time.Hour) }

// published is d as the store holds it after mustPublish.
func published(d *engine.DefinitionVersion) *engine.DefinitionVersion {
	w := *d
	w.Status, w.PublishedBy, w.PublishedAt = engine.StatusPublished, "u-admin", publishedAt(d.Version)
	return &w
}

func checkGetDefinition(t *testing.T, s app.Store, kind, id string, version int, want *engine.DefinitionVersion) {
	t.Helper()
	got, err := s.GetDefinition(t.Context(), kind, id, version)
	must(t, err, fmt.Sprintf("GetDefinition %s/%s v%d", kind, id, version))
	diffDefinition(got, want, true).report(t, fmt.Sprintf("GetDefinition %s/%s v%d", kind, id, version))
}

// Definitions: SaveDraft "creates the draft (Kind, ID, Version) or replaces
// it while it is still a draft. Status is forced to draft. Returns ECONFLICT
// if that version is already published, EINVALID if Kind, ID or Version is
// unset." PublishDefinition "marks a draft published, for ever. Returns
// ENOTFOUND … ECONFLICT if it is already published." GetDefinition "version
// 0 means the latest published one. Returns ENOTFOUND if there is none."
// ListDefinitions "returns the matching versions without their Source,
// ordered by kind, ID and version."
func definitionScenarios() []scenario {
	scs := []scenario{
		{"save_draft_round_trips", func(t *testing.T, s app.Store) {
			d := newDefinition(engine.KindForm, "survey", 1)
			d.CreatedAt = oddTime(Epoch)
			want := *d
			mustSaveDraft(t, s, d)
			checkGetDefinition(t, s, engine.KindForm, "survey", 1, &want)
		}},
		{"published_at_truncated_to_milliseconds_in_utc", func(t *testing.T, s app.Store) {
			d := newDefinition(engine.KindForm, "survey", 1)
			mustSaveDraft(t, s, d)
			at := oddTime(Epoch.Add(time.Hour))
			must(t, s.PublishDefinition(t.Context(), engine.KindForm, "survey", 1, "u-admin", at), "PublishDefinition")
			want := *d
			want.Status, want.PublishedBy, want.PublishedAt = engine.StatusPublished, "u-admin", at
			checkGetDefinition(t, s, engine.KindForm, "survey", 1, &want)
		}},
		{"status_forced_to_draft", func(t *testing.T, s app.Store) {
			d := newDefinition(engine.KindForm, "survey", 1)
			d.Status = engine.StatusPublished
			d.PublishedBy, d.PublishedAt = "u-sneaky", Epoch
			mustSaveDraft(t, s, d)
			got, err := s.GetDefinition(t.Context(), engine.KindForm, "survey", 1)
			must(t, err, "GetDefinition")
			if got.Status != engine.StatusDraft {
				t.Errorf("Status = %q, want draft", got.Status)
			}
			_, err = s.GetDefinition(t.Context(), engine.KindForm, "survey", 0)
			wantCode(t, err, engine.ENOTFOUND, "GetDefinition latest published with only a draft")
		}},
		{"draft_replaced", func(t *testing.T, s app.Store) {
			mustSaveDraft(t, s, newDefinition(engine.KindForm, "survey", 1))
			d := newDefinition(engine.KindForm, "survey", 1)
			d.Source = []byte("title: 第二稿\n")
			sum := sha256.Sum256(d.Source)
			d.Checksum = hex.EncodeToString(sum[:])
			d.Filename = "renamed.form.yaml"
			want := *d
			mustSaveDraft(t, s, d)
			checkGetDefinition(t, s, engine.KindForm, "survey", 1, &want)
			list, err := s.ListDefinitions(t.Context(), engine.DefinitionFilter{})
			must(t, err, "ListDefinitions")
			if len(list) != 1 {
				t.Errorf("ListDefinitions has %d versions after replacing a draft, want 1", len(list))
			}
		}},
		{"publish", func(t *testing.T, s app.Store) {
			d := newDefinition(engine.KindWorkflow, "review", 1)
			mustSaveDraft(t, s, d)
			mustPublish(t, s, engine.KindWorkflow, "review", 1)
			checkGetDefinition(t, s, engine.KindWorkflow, "review", 1, published(d))
			checkGetDefinition(t, s, engine.KindWorkflow, "review", 0, published(d))
		}},
		{"published_is_immutable", func(t *testing.T, s app.Store) {
			d := newDefinition(engine.KindForm, "survey", 1)
			mustSaveDraft(t, s, d)
			mustPublish(t, s, engine.KindForm, "survey", 1)
			edit := newDefinition(engine.KindForm, "survey", 1)
			edit.Source = []byte("title: changed after publishing\n")
			wantCode(t, s.SaveDraft(t.Context(), edit), engine.ECONFLICT, "SaveDraft over a published version")
			err := s.PublishDefinition(t.Context(), engine.KindForm, "survey", 1, "u-other", Epoch.Add(48*time.Hour))
			wantCode(t, err, engine.ECONFLICT, "PublishDefinition again")
			checkGetDefinition(t, s, engine.KindForm, "survey", 1, published(d))
		}},
		{"latest_published_not_newer_draft", func(t *testing.T, s app.Store) {
			v1, v2, v3 := newDefinition(engine.KindForm, "survey", 1), newDefinition(engine.KindForm, "survey", 2), newDefinition(engine.KindForm, "survey", 3)
			mustSaveDraft(t, s, v1)
			mustPublish(t, s, engine.KindForm, "survey", 1)
			mustSaveDraft(t, s, v2)
			checkGetDefinition(t, s, engine.KindForm, "survey", 0, published(v1))
			mustPublish(t, s, engine.KindForm, "survey", 2)
			mustSaveDraft(t, s, v3)
			checkGetDefinition(t, s, engine.KindForm, "survey", 0, published(v2))
			checkGetDefinition(t, s, engine.KindForm, "survey", 3, v3)
		}},
		{"latest_published_by_number", func(t *testing.T, s app.Store) {
			// Version 10 is later than 9 and 2 (not by text).
			for _, v := range []int{2, 9, 10} {
				mustSaveDraft(t, s, newDefinition(engine.KindPayTable, "pay", v))
			}
			for _, v := range []int{10, 2, 9} {
				mustPublish(t, s, engine.KindPayTable, "pay", v)
			}
			checkGetDefinition(t, s, engine.KindPayTable, "pay", 0, published(newDefinition(engine.KindPayTable, "pay", 10)))
		}},
		{"kinds_are_separate", func(t *testing.T, s app.Store) {
			form, wf := newDefinition(engine.KindForm, "same", 1), newDefinition(engine.KindWorkflow, "same", 1)
			mustSaveDraft(t, s, form)
			mustSaveDraft(t, s, wf)
			mustPublish(t, s, engine.KindWorkflow, "same", 1)
			checkGetDefinition(t, s, engine.KindForm, "same", 1, form)
			checkGetDefinition(t, s, engine.KindWorkflow, "same", 1, published(wf))
			_, err := s.GetDefinition(t.Context(), engine.KindForm, "same", 0)
			wantCode(t, err, engine.ENOTFOUND, "GetDefinition latest published form when only the workflow is published")
		}},
		{"not_found", func(t *testing.T, s app.Store) {
			mustSaveDraft(t, s, newDefinition(engine.KindForm, "survey", 1))
			for _, c := range []struct {
				kind, id string
				version  int
			}{
				{engine.KindForm, "survey", 2},
				{engine.KindForm, "other", 1},
				{engine.KindWorkflow, "survey", 1},
				{engine.KindForm, "other", 0},
			} {
				_, err := s.GetDefinition(t.Context(), c.kind, c.id, c.version)
				wantCode(t, err, engine.ENOTFOUND, fmt.Sprintf("GetDefinition %s/%s v%d", c.kind, c.id, c.version))
			}
			err := s.PublishDefinition(t.Context(), engine.KindForm, "survey", 2, "u-admin", Epoch)
			wantCode(t, err, engine.ENOTFOUND, "PublishDefinition of a missing version")
			err = s.PublishDefinition(t.Context(), engine.KindWorkflow, "survey", 1, "u-admin", Epoch)
			wantCode(t, err, engine.ENOTFOUND, "PublishDefinition of a missing kind")
		}},
		{"list_ordered_without_source", func(t *testing.T, s app.Store) {
			// Saved out of order; listed by kind, ID, then version as a number.
			defs := map[string]*engine.DefinitionVersion{}
			for _, d := range []*engine.DefinitionVersion{
				newDefinition(engine.KindWorkflow, "review", 1),
				newDefinition(engine.KindForm, "survey", 10),
				newDefinition(engine.KindForm, "b-form", 1),
				newDefinition(engine.KindForm, "survey", 2),
				newDefinition(engine.KindCampaign, "fertility-2026", 1),
				newDefinition(engine.KindForm, "survey", 1),
			} {
				defs[fmt.Sprintf("%s/%s/%d", d.Kind, d.ID, d.Version)] = d
				mustSaveDraft(t, s, d)
			}
			mustPublish(t, s, engine.KindForm, "survey", 1)
			mustPublish(t, s, engine.KindForm, "survey", 2)
			defs["form/survey/1"] = published(defs["form/survey/1"])
			defs["form/survey/2"] = published(defs["form/survey/2"])

			cases := []struct {
				name string
				f    engine.DefinitionFilter
				want []string
			}{
				{"all", engine.DefinitionFilter{}, []string{"campaign/fertility-2026/1", "form/b-form/1", "form/survey/1", "form/survey/2", "form/survey/10", "workflow/review/1"}},
				{"kind", engine.DefinitionFilter{Kind: engine.KindForm}, []string{"form/b-form/1", "form/survey/1", "form/survey/2", "form/survey/10"}},
				{"kind_and_id", engine.DefinitionFilter{Kind: engine.KindForm, ID: "survey"}, []string{"form/survey/1", "form/survey/2", "form/survey/10"}},
				{"published", engine.DefinitionFilter{Status: engine.StatusPublished}, []string{"form/survey/1", "form/survey/2"}},
				{"drafts", engine.DefinitionFilter{Status: engine.StatusDraft}, []string{"campaign/fertility-2026/1", "form/b-form/1", "form/survey/10", "workflow/review/1"}},
				{"none", engine.DefinitionFilter{Kind: engine.KindPayTable}, nil},
			}
			for _, c := range cases {
				got, err := s.ListDefinitions(t.Context(), c.f)
				must(t, err, "ListDefinitions "+c.name)
				var keys []string
				for _, d := range got {
					keys = append(keys, fmt.Sprintf("%s/%s/%d", d.Kind, d.ID, d.Version))
				}
				if !sameStrings(keys, c.want) {
					t.Errorf("ListDefinitions %s = %q, want %q", c.name, keys, c.want)
					continue
				}
				for i, d := range got {
					diffDefinition(d, defs[c.want[i]], false).report(t, "listed "+c.want[i])
				}
			}
		}},
		// Owners: "SetDefinitionOwner sets Owner on every version of (kind,
		// id) that has none ... versions with an owner keep it."
		{"set_owner_fills_only_missing_owners", func(t *testing.T, s app.Store) {
			legacy1, legacy2 := newDefinition(engine.KindForm, "legacy", 1), newDefinition(engine.KindForm, "legacy", 2)
			legacy1.Owner, legacy2.Owner = "", ""
			mustSaveDraft(t, s, legacy1)
			mustPublish(t, s, engine.KindForm, "legacy", 1)
			mustSaveDraft(t, s, legacy2)
			owned := newDefinition(engine.KindForm, "owned", 1)
			mustSaveDraft(t, s, owned)
			other := newDefinition(engine.KindWorkflow, "legacy", 1)
			other.Owner = ""
			mustSaveDraft(t, s, other)

			n, err := s.SetDefinitionOwner(t.Context(), engine.KindForm, "legacy", "/37/")
			must(t, err, "SetDefinitionOwner")
			if n != 2 {
				t.Errorf("SetDefinitionOwner changed %d versions, want 2", n)
			}
			n, err = s.SetDefinitionOwner(t.Context(), engine.KindForm, "legacy", "/37/3702/")
			must(t, err, "SetDefinitionOwner again")
			if n != 0 {
				t.Errorf("SetDefinitionOwner again changed %d versions, want 0 (owners are kept)", n)
			}
			n, err = s.SetDefinitionOwner(t.Context(), engine.KindForm, "owned", "/37/")
			must(t, err, "SetDefinitionOwner owned")
			if n != 0 {
				t.Errorf("SetDefinitionOwner on an owned definition changed %d versions, want 0", n)
			}
			for _, c := range []struct {
				kind, id string
				version  int
				want     string
			}{
				{engine.KindForm, "legacy", 1, "/37/"},
				{engine.KindForm, "legacy", 2, "/37/"},
				{engine.KindForm, "owned", 1, "/37/3701/370102/"},
				{engine.KindWorkflow, "legacy", 1, ""},
			} {
				got, err := s.GetDefinition(t.Context(), c.kind, c.id, c.version)
				must(t, err, "GetDefinition")
				if got.Owner != c.want {
					t.Errorf("%s/%s v%d owner: got %q, want %q", c.kind, c.id, c.version, got.Owner, c.want)
				}
			}
			wantCode(t, func() error { _, err := s.SetDefinitionOwner(t.Context(), engine.KindForm, "legacy", ""); return err }(), engine.EINVALID, "SetDefinitionOwner without an owner")
		}},
	}

	invalid := []struct {
		name  string
		spoil func(d *engine.DefinitionVersion)
	}{
		{"missing_kind", func(d *engine.DefinitionVersion) { d.Kind = "" }},
		{"missing_id", func(d *engine.DefinitionVersion) { d.ID = "" }},
		{"missing_version", func(d *engine.DefinitionVersion) { d.Version = 0 }},
	}
	for _, c := range invalid {
		scs = append(scs, scenario{"save_draft_" + c.name + "_invalid", func(t *testing.T, s app.Store) {
			d := newDefinition(engine.KindForm, "survey", 1)
			c.spoil(d)
			wantCode(t, s.SaveDraft(t.Context(), d), engine.EINVALID, "SaveDraft")
			list, err := s.ListDefinitions(t.Context(), engine.DefinitionFilter{})
			must(t, err, "ListDefinitions")
			if len(list) != 0 {
				t.Errorf("ListDefinitions has %d versions after an invalid draft, want 0", len(list))
			}
		}})
	}
	return scs
}
