package storetest

import (
	"slices"
	"sync"
	"testing"

	"canvass/app"
	"canvass/engine"
)

// NextRecordNumber: "draws the next short record number of a campaign: 1
// for its first, then one more than the last drawn, atomically, so two
// records never share a number whatever processes draw at once." Records
// keep their Number through inserts and updates, and RecordFilter.Number
// finds one.
func recordNumberScenarios() []scenario {
	return []scenario{
		{"sequence_per_campaign", func(t *testing.T, s app.Store) {
			for _, tc := range []struct {
				campaign string
				want     int64
			}{{"camp-1", 1}, {"camp-1", 2}, {"camp-2", 1}, {"camp-1", 3}, {"camp-2", 2}} {
				got, err := s.NextRecordNumber(t.Context(), tc.campaign)
				must(t, err, "NextRecordNumber "+tc.campaign)
				if got != tc.want {
					t.Errorf("NextRecordNumber(%s) = %d, want %d", tc.campaign, got, tc.want)
				}
			}
		}},
		{"no_campaign_is_invalid", func(t *testing.T, s app.Store) {
			_, err := s.NextRecordNumber(t.Context(), "")
			wantCode(t, err, engine.EINVALID, "NextRecordNumber without a campaign")
		}},
		{"concurrent_draws_are_distinct", func(t *testing.T, s app.Store) {
			const n = 16
			got := make([]int64, n)
			errs := make([]error, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					got[i], errs[i] = s.NextRecordNumber(t.Context(), "camp-1")
				})
			}
			close(start)
			wg.Wait()
			for _, err := range errs {
				must(t, err, "NextRecordNumber")
			}
			slices.Sort(got)
			for i, v := range got {
				if v != int64(i+1) {
					t.Fatalf("concurrent draws gave %v, want 1…%d once each", got, n)
				}
			}
		}},
		{"kept_on_insert_and_update_and_found_by_filter", func(t *testing.T, s app.Store) {
			a := NewRecord(Epoch)
			a.Number = 5
			want := inserted(a)
			checkRecord(t, "insert with a number", mustInsert(t, s, a), want)
			checkRecord(t, "GetRecord", mustGet(t, s, a.ID), want)

			b := NewRecord(Epoch.Add(1))
			b.State = "draft"
			stored := mustInsert(t, s, b)
			if stored.Number != 0 {
				t.Errorf("a record inserted without a number has Number %d", stored.Number)
			}
			stored.Number, stored.State = 6, "submitted"
			updated, err := s.UpdateRecord(t.Context(), stored)
			must(t, err, "UpdateRecord")
			if updated.Number != 6 || mustGet(t, s, b.ID).Number != 6 {
				t.Errorf("Number after update = %d (stored %d), want 6", updated.Number, mustGet(t, s, b.ID).Number)
			}

			other := NewRecord(Epoch.Add(2))
			other.CampaignID, other.Number = "camp-2", 5
			mustInsert(t, s, other)
			page, err := s.ListRecords(t.Context(), engine.RecordFilter{CampaignID: "camp-1", Number: 5}, engine.Page{Limit: 10})
			must(t, err, "ListRecords by number")
			if len(page.Records) != 1 || page.Records[0].ID != a.ID {
				t.Errorf("ListRecords(camp-1, number 5) = %d records, want only %s", len(page.Records), a.ID)
			}
			n, err := s.CountRecords(t.Context(), engine.RecordFilter{Number: 5})
			must(t, err, "CountRecords by number")
			if n != 2 {
				t.Errorf("CountRecords(number 5) = %d, want 2 (one per campaign)", n)
			}
		}},
	}
}
