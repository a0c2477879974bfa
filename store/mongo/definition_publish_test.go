package mongo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"canvass/engine"
	mongostore "canvass/store/mongo"
)

// TestPublishDefinitionsCrash leaves a publish of several definitions where
// a process that dies would leave it — before its commit, after it — and
// checks what readers and the next writers make of it: before the commit
// nothing is published, and a dead publish stops holding its drafts once
// it is stale; after the commit everything is, and the next writer writes
// it down. A publisher too slow to commit before another writer gave up on
// it publishes nothing.
func TestPublishDefinitionsCrash(t *testing.T) {
	at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	draft := func(kind, id string, version int, src string) *engine.DefinitionVersion {
		sum := sha256.Sum256([]byte(src))
		return &engine.DefinitionVersion{Kind: kind, ID: id, Version: version, Filename: id + ".yaml", Source: []byte(src),
			Checksum: hex.EncodeToString(sum[:]), CreatedBy: "u-author", CreatedAt: at.Add(-time.Hour), Owner: "/37/"}
	}
	type fixture struct {
		s    *mongostore.Store
		refs []engine.DefinitionRef
	}
	setup := func(t *testing.T) fixture {
		t.Helper()
		s := opener(ferretURI)(t).(*mongostore.Store)
		t.Cleanup(func() { s.Close() })
		var f fixture
		f.s = s
		for _, d := range []*engine.DefinitionVersion{
			draft(engine.KindForm, "household", 1, "title: 住户\n"),
			draft(engine.KindWorkflow, "review", 1, "title: 审核\n"),
			draft(engine.KindCampaign, "survey-2026", 1, "title: 调查\n"),
		} {
			if err := s.SaveDraft(t.Context(), d); err != nil {
				t.Fatal(err)
			}
			f.refs = append(f.refs, engine.DefinitionRef{Kind: d.Kind, ID: d.ID, Version: d.Version, Checksum: d.Checksum})
		}
		return f
	}
	// statuses is how every reader sees each ref: by version, as the latest
	// published, and in the list of published versions.
	statuses := func(t *testing.T, f fixture, want string) {
		t.Helper()
		ctx := t.Context()
		pub, err := f.s.ListDefinitions(ctx, engine.DefinitionFilter{Status: engine.StatusPublished})
		if err != nil {
			t.Fatal(err)
		}
		drafts, err := f.s.ListDefinitions(ctx, engine.DefinitionFilter{Status: engine.StatusDraft})
		if err != nil {
			t.Fatal(err)
		}
		wantPub, wantDrafts := 0, len(f.refs)
		if want == engine.StatusPublished {
			wantPub, wantDrafts = len(f.refs), 0
		}
		if len(pub) != wantPub || len(drafts) != wantDrafts {
			t.Errorf("lists: %d published and %d drafts, want %d and %d", len(pub), len(drafts), wantPub, wantDrafts)
		}
		for _, r := range f.refs {
			d, err := f.s.GetDefinition(ctx, r.Kind, r.ID, r.Version)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != want {
				t.Errorf("%s reads %s, want %s", r, d.Status, want)
			}
			latest, err := f.s.GetDefinition(ctx, r.Kind, r.ID, 0)
			switch {
			case want == engine.StatusDraft && engine.ErrorCode(err) != engine.ENOTFOUND:
				t.Errorf("%s latest published: %v, want ENOTFOUND", r, err)
			case want == engine.StatusPublished && err != nil:
				t.Errorf("%s latest published: %v", r, err)
			case want == engine.StatusPublished && (latest.PublishedBy != "u-dead" || !latest.PublishedAt.Equal(at)):
				t.Errorf("%s published by %q at %v, want u-dead at %v", r, latest.PublishedBy, latest.PublishedAt, at)
			}
		}
	}
	t.Run("died_before_commit_holds_its_drafts_until_stale", func(t *testing.T) {
		ctx := t.Context()
		f := setup(t)
		if _, err := f.s.PublishUntilCommit(ctx, f.refs, "u-dead", at, time.Now()); err != nil {
			t.Fatal(err)
		}
		statuses(t, f, engine.StatusDraft)
		edit := draft(engine.KindForm, "household", 1, "title: 另一稿\n")
		if err := f.s.SaveDraft(ctx, edit); engine.ErrorCode(err) != engine.ECONFLICT {
			t.Errorf("saving a draft a live publish holds: %v, want ECONFLICT", err)
		}
		if err := f.s.PublishDefinitions(ctx, f.refs[:1], "u-other", at); engine.ErrorCode(err) != engine.ECONFLICT {
			t.Errorf("publishing a draft a live publish holds: %v, want ECONFLICT", err)
		}
		statuses(t, f, engine.StatusDraft)
	})
	t.Run("died_before_commit_stale_is_cleared", func(t *testing.T) {
		ctx := t.Context()
		f := setup(t)
		if _, err := f.s.PublishUntilCommit(ctx, f.refs, "u-dead", at, time.Now().Add(-2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		statuses(t, f, engine.StatusDraft)
		edit := draft(engine.KindForm, "household", 1, "title: 另一稿\n")
		if err := f.s.SaveDraft(ctx, edit); err != nil {
			t.Fatalf("saving a draft a dead publish held: %v", err)
		}
		f.refs[0].Checksum = edit.Checksum
		if err := f.s.PublishDefinitions(ctx, f.refs, "u-dead", at); err != nil {
			t.Fatalf("publishing the drafts a dead publish held: %v", err)
		}
		statuses(t, f, engine.StatusPublished)
		for _, r := range f.refs {
			if m, err := f.s.Marked(ctx, r.Kind, r.ID, r.Version); err != nil || m {
				t.Errorf("%s still marked after a publish that finished (%v)", r, err)
			}
		}
	})
	t.Run("died_after_commit_is_published_and_rolled_forward", func(t *testing.T) {
		ctx := t.Context()
		f := setup(t)
		batch, err := f.s.PublishUntilCommit(ctx, f.refs, "u-dead", at, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.CommitOnly(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if m, err := f.s.Marked(ctx, engine.KindForm, "household", 1); err != nil || !m {
			t.Fatalf("the form is not marked after a commit without roll-forward (%v)", err)
		}
		statuses(t, f, engine.StatusPublished)
		edit := draft(engine.KindForm, "household", 1, "title: 发布后再改\n")
		if err := f.s.SaveDraft(ctx, edit); engine.ErrorCode(err) != engine.ECONFLICT {
			t.Errorf("saving over a version a committed publish published: %v, want ECONFLICT", err)
		}
		if m, err := f.s.Marked(ctx, engine.KindForm, "household", 1); err != nil || m {
			t.Errorf("the form is still marked after a writer met the committed publish (%v)", err)
		}
		statuses(t, f, engine.StatusPublished)
	})
	t.Run("a_publisher_given_up_on_publishes_nothing", func(t *testing.T) {
		ctx := t.Context()
		f := setup(t)
		batch, err := f.s.PublishUntilCommit(ctx, f.refs, "u-dead", at, time.Now().Add(-2*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		// Another author saves the form: the stale publish is given up.
		if err := f.s.SaveDraft(ctx, draft(engine.KindForm, "household", 1, "title: 住户\n")); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CommitOnly(context.WithoutCancel(ctx), batch); engine.ErrorCode(err) != engine.ECONFLICT {
			t.Errorf("the late commit: %v, want ECONFLICT", err)
		}
		statuses(t, f, engine.StatusDraft)
	})
}
