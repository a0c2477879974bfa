package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// Links and campaign closures: the LinkStore doc comments in
// engine/store.go.
func linkScenarios() []scenario {
	link := func(n int, path string, oneTime bool) *engine.Link {
		return &engine.Link{
			ID: engine.NewID(Epoch.Add(time.Duration(n) * time.Millisecond)), TokenHash: fmt.Sprintf("hash-%d", n),
			CampaignID: "camp-1", FormID: "form-1", OrgUnit: "v1", OrgPath: path, OneTime: oneTime,
			Preset: map[string]any{"householdId": fmt.Sprintf("H-%03d", n), "size": 3}, CreatedBy: "u-worker", CreatedAt: Epoch,
			ExpiresAt: Epoch.Add(48 * time.Hour),
		}
	}
	ids := func(links []*engine.Link) []string {
		var out []string
		for _, l := range links {
			out = append(out, l.ID)
		}
		return out
	}
	return []scenario{
		{"create_get_by_id_and_token", func(t *testing.T, s app.Store) {
			want := link(1, "/p/c1/t1/v1/", true)
			must(t, s.CreateLinks(t.Context(), []*engine.Link{want}), "CreateLinks")
			for name, get := range map[string]func() (*engine.Link, error){
				"GetLink":        func() (*engine.Link, error) { return s.GetLink(t.Context(), want.ID) },
				"GetLinkByToken": func() (*engine.Link, error) { return s.GetLinkByToken(t.Context(), want.TokenHash) },
			} {
				got, err := get()
				must(t, err, name)
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(want)
				if string(gj) != string(wj) {
					t.Errorf("%s: got %s, want %s", name, gj, wj)
				}
			}
			_, err := s.GetLink(t.Context(), "nope")
			wantCode(t, err, engine.ENOTFOUND, "GetLink missing")
			_, err = s.GetLinkByToken(t.Context(), "nope")
			wantCode(t, err, engine.ENOTFOUND, "GetLinkByToken missing")
		}},
		{"duplicate_token_stores_none", func(t *testing.T, s app.Store) {
			must(t, s.CreateLinks(t.Context(), []*engine.Link{link(1, "/p/", false)}), "CreateLinks")
			fresh, dup := link(2, "/p/", false), link(3, "/p/", false)
			dup.TokenHash = "hash-1"
			wantCode(t, s.CreateLinks(t.Context(), []*engine.Link{fresh, dup}), engine.ECONFLICT, "CreateLinks duplicate")
			_, err := s.GetLink(t.Context(), fresh.ID)
			wantCode(t, err, engine.ENOTFOUND, "the batch's other link")
			wantCode(t, s.CreateLinks(t.Context(), []*engine.Link{{ID: "x", TokenHash: "h"}}), engine.EINVALID, "CreateLinks incomplete")
		}},
		{"list_by_campaign_and_subtree", func(t *testing.T, s app.Store) {
			a, b, c := link(1, "/p/c1/t1/v1/", false), link(2, "/p/c1/t2/v2/", true), link(3, "/p/c1/t1/v3/", true)
			other := link(4, "/p/c1/t1/v1/", false)
			other.CampaignID = "camp-2"
			must(t, s.CreateLinks(t.Context(), []*engine.Link{c, a, b, other}), "CreateLinks")
			for _, tc := range []struct {
				name  string
				paths []string
				want  []string
			}{
				{"whole_tree", []string{"/p/"}, ids([]*engine.Link{a, b, c})},
				{"one_township", []string{"/p/c1/t1/"}, ids([]*engine.Link{a, c})},
				{"two_villages", []string{"/p/c1/t2/v2/", "/p/c1/t1/v3/"}, ids([]*engine.Link{b, c})},
				{"no_scope", nil, nil},
			} {
				got, err := s.ListLinks(t.Context(), "camp-1", tc.paths)
				must(t, err, "ListLinks "+tc.name)
				if !slices.Equal(ids(got), tc.want) {
					t.Errorf("%s: got %v, want %v", tc.name, ids(got), tc.want)
				}
			}
		}},
		{"revoke_once", func(t *testing.T, s app.Store) {
			l := link(1, "/p/", false)
			must(t, s.CreateLinks(t.Context(), []*engine.Link{l}), "CreateLinks")
			must(t, s.RevokeLink(t.Context(), l.ID, "u-admin", Epoch.Add(time.Hour)), "RevokeLink")
			wantCode(t, s.RevokeLink(t.Context(), l.ID, "u-admin", Epoch.Add(2*time.Hour)), engine.ECONFLICT, "second RevokeLink")
			wantCode(t, s.RevokeLink(t.Context(), "nope", "u-admin", Epoch), engine.ENOTFOUND, "RevokeLink missing")
			got, err := s.GetLink(t.Context(), l.ID)
			must(t, err, "GetLink")
			if !got.RevokedAt.Equal(Epoch.Add(time.Hour)) || got.RevokedBy != "u-admin" {
				t.Errorf("revoked = %v by %q", got.RevokedAt, got.RevokedBy)
			}
			wantCode(t, s.ConsumeLink(t.Context(), l.ID, "rec-1", Epoch), engine.ECONFLICT, "ConsumeLink revoked")
		}},
		{"consume_once", func(t *testing.T, s app.Store) {
			l := link(1, "/p/", true)
			must(t, s.CreateLinks(t.Context(), []*engine.Link{l}), "CreateLinks")
			must(t, s.ConsumeLink(t.Context(), l.ID, "rec-1", Epoch.Add(time.Minute)), "ConsumeLink")
			wantCode(t, s.ConsumeLink(t.Context(), l.ID, "rec-2", Epoch.Add(2*time.Minute)), engine.ECONFLICT, "second ConsumeLink")
			wantCode(t, s.ConsumeLink(t.Context(), "nope", "rec-3", Epoch), engine.ENOTFOUND, "ConsumeLink missing")
			got, err := s.GetLink(t.Context(), l.ID)
			must(t, err, "GetLink")
			if got.RecordID != "rec-1" || !got.UsedAt.Equal(Epoch.Add(time.Minute)) {
				t.Errorf("used by %q at %v, want rec-1 at %v", got.RecordID, got.UsedAt, Epoch.Add(time.Minute))
			}
		}},
		{"concurrent_consume_one_wins", func(t *testing.T, s app.Store) {
			l := link(1, "/p/", true)
			must(t, s.CreateLinks(t.Context(), []*engine.Link{l}), "CreateLinks")
			const n = 8
			start := make(chan struct{})
			codes := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					codes[i] = engine.ErrorCode(s.ConsumeLink(t.Context(), l.ID, fmt.Sprintf("rec-%d", i), Epoch))
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for _, c := range codes {
				switch c {
				case "":
					won++
				case engine.ECONFLICT:
				default:
					t.Errorf("ConsumeLink: code %q", c)
				}
			}
			if won != 1 {
				t.Errorf("winners = %d, want 1 (%v)", won, codes)
			}
		}},
		{"close_campaign_once", func(t *testing.T, s app.Store) {
			_, err := s.CampaignClosure(t.Context(), "camp-1")
			wantCode(t, err, engine.ENOTFOUND, "CampaignClosure before")
			c := &engine.CampaignClosure{CampaignID: "camp-1", ClosedBy: "u-author", ClosedAt: Epoch, Reason: "目标已完成"}
			must(t, s.SetCampaignClosed(t.Context(), c), "SetCampaignClosed")
			wantCode(t, s.SetCampaignClosed(t.Context(), c), engine.ECONFLICT, "second SetCampaignClosed")
			wantCode(t, s.SetCampaignClosed(t.Context(), &engine.CampaignClosure{}), engine.EINVALID, "SetCampaignClosed empty")
			got, err := s.CampaignClosure(t.Context(), "camp-1")
			must(t, err, "CampaignClosure")
			if *got != *c {
				t.Errorf("closure = %+v, want %+v", got, c)
			}
			_, err = s.CampaignClosure(t.Context(), "camp-2")
			wantCode(t, err, engine.ENOTFOUND, "CampaignClosure other")
		}},
	}
}
