package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"

	"canvass/app"
	"canvass/engine"
)

// withSource is d with another source and its checksum.
func withSource(d *engine.DefinitionVersion, src string) *engine.DefinitionVersion {
	c := *d
	c.Source = []byte(src)
	sum := sha256.Sum256(c.Source)
	c.Checksum = hex.EncodeToString(sum[:])
	return &c
}

// Conditional drafts: SaveDraftIf "is SaveDraft on condition that the
// newest version of (Kind, ID), draft or published, has checksum base (""
// when there is none yet). The check and the write are one step: of two
// saves made against the same base, exactly one succeeds."
func definitionBasedScenarios() []scenario {
	return []scenario{
		{"save_draft_if_first_version_needs_empty_base", func(t *testing.T, s app.Store) {
			d := newDefinition(engine.KindForm, "survey", 1)
			wantCode(t, s.SaveDraftIf(t.Context(), d, "not-there"), engine.ECONFLICT, "SaveDraftIf with a base when nothing is stored")
			must(t, s.SaveDraftIf(t.Context(), d, ""), "SaveDraftIf of the first version")
			checkGetDefinition(t, s, engine.KindForm, "survey", 1, d)
			again := withSource(d, "title: 另一稿\n")
			wantCode(t, s.SaveDraftIf(t.Context(), again, ""), engine.ECONFLICT, "SaveDraftIf with an empty base when a version exists")
			checkGetDefinition(t, s, engine.KindForm, "survey", 1, d)
		}},
		{"save_draft_if_replaces_the_draft_it_started_from", func(t *testing.T, s app.Store) {
			d := newDefinition(engine.KindForm, "survey", 1)
			mustSaveDraft(t, s, d)
			second := withSource(d, "title: 第二稿\n")
			must(t, s.SaveDraftIf(t.Context(), second, d.Checksum), "SaveDraftIf on the newest draft")
			checkGetDefinition(t, s, engine.KindForm, "survey", 1, second)
			third := withSource(d, "title: 第三稿\n")
			wantCode(t, s.SaveDraftIf(t.Context(), third, d.Checksum), engine.ECONFLICT, "SaveDraftIf on a draft replaced meanwhile")
			checkGetDefinition(t, s, engine.KindForm, "survey", 1, second)
		}},
		{"save_draft_if_after_a_published_version", func(t *testing.T, s app.Store) {
			v1 := newDefinition(engine.KindForm, "survey", 1)
			mustSaveDraft(t, s, v1)
			mustPublish(t, s, engine.KindForm, "survey", 1)
			v2 := newDefinition(engine.KindForm, "survey", 2)
			must(t, s.SaveDraftIf(t.Context(), v2, v1.Checksum), "SaveDraftIf of a new version on the published one")
			checkGetDefinition(t, s, engine.KindForm, "survey", 2, v2)
			other := withSource(newDefinition(engine.KindForm, "survey", 2), "title: 别人的稿\n")
			wantCode(t, s.SaveDraftIf(t.Context(), other, v1.Checksum), engine.ECONFLICT, "SaveDraftIf on the published version once a newer draft exists")
			checkGetDefinition(t, s, engine.KindForm, "survey", 2, v2)
		}},
		{"save_draft_if_two_racing_saves_one_wins", func(t *testing.T, s app.Store) {
			for _, published := range []bool{false, true} {
				id := fmt.Sprintf("race-%v", published)
				v1 := newDefinition(engine.KindForm, id, 1)
				mustSaveDraft(t, s, v1)
				version := 1
				if published {
					mustPublish(t, s, engine.KindForm, id, 1)
					version = 2
				}
				const savers = 2
				errs := make([]error, savers)
				drafts := make([]*engine.DefinitionVersion, savers)
				var start, done sync.WaitGroup
				start.Add(1)
				for i := range savers {
					drafts[i] = withSource(newDefinition(engine.KindForm, id, version), fmt.Sprintf("title: 作者%d的稿\n", i))
					done.Add(1)
					go func() {
						defer done.Done()
						start.Wait()
						errs[i] = s.SaveDraftIf(t.Context(), drafts[i], v1.Checksum)
					}()
				}
				start.Done()
				done.Wait()
				winner := -1
				for i, err := range errs {
					switch engine.ErrorCode(err) {
					case "":
						if winner >= 0 {
							t.Fatalf("published=%v: both saves against the same base succeeded", published)
						}
						winner = i
					case engine.ECONFLICT:
					default:
						t.Fatalf("published=%v: save %d: %v", published, i, err)
					}
				}
				if winner < 0 {
					t.Fatalf("published=%v: neither save succeeded: %v", published, errs)
				}
				checkGetDefinition(t, s, engine.KindForm, id, version, drafts[winner])
			}
		}},
	}
}
