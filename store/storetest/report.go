package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/indicators"
)

// reportStore is s seen as the report part of the contract.
func reportStore(t *testing.T, s app.Store) indicators.ReportStore {
	t.Helper()
	return s
}

func reportSlot(campaign, report, unit, path, period string) indicators.ReportSlot {
	return indicators.ReportSlot{CampaignID: campaign, ReportID: report, OrgUnit: unit, OrgPath: path, Period: period,
		PeriodStart: Epoch, DueAt: Epoch.Add(15 * 24 * time.Hour)}
}

func slotKeys(slots []indicators.ReportSlot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Key()
	}
	return out
}

func listSlots(t *testing.T, rs indicators.ReportStore, f indicators.ReportSlotFilter) []indicators.ReportSlot {
	t.Helper()
	slots, err := rs.ListReportSlots(t.Context(), f)
	must(t, err, "ListReportSlots")
	return slots
}

// Report slots: "PutReportSlots stores each slot with Version 1 unless a
// slot with the same key exists, which is kept as it is"; ListReportSlots
// orders by OrgPath, Period, ReportID; ClaimDueReportSlots leases due slots
// so that "two claimers never hold the same slot at once";
// UpdateReportSlot is conditional on Version and releases the lease;
// CountRecordsByCreator counts per CreatedBy, ordered by it.
func reportSlotScenarios() []scenario {
	return []scenario{
		{"put_keeps_existing_slots", func(t *testing.T, s app.Store) {
			rs := reportStore(t, s)
			first := reportSlot("camp-1", "quarterly", "v1", "/p/t1/v1/", "2026-Q1")
			first.NextTimerAt = Epoch.Add(time.Hour)
			n, err := rs.PutReportSlots(t.Context(), []indicators.ReportSlot{first, reportSlot("camp-1", "quarterly", "v2", "/p/t1/v2/", "2026-Q1")})
			must(t, err, "PutReportSlots")
			if n != 2 {
				t.Errorf("new = %d, want 2", n)
			}
			again := first
			again.DueAt, again.NextTimerAt, again.OrgPath = Epoch, time.Time{}, "/elsewhere/"
			n, err = rs.PutReportSlots(t.Context(), []indicators.ReportSlot{again, reportSlot("camp-1", "quarterly", "v1", "/p/t1/v1/", "2026-Q2")})
			must(t, err, "PutReportSlots again")
			if n != 1 {
				t.Errorf("new on the second put = %d, want 1", n)
			}
			got := listSlots(t, rs, indicators.ReportSlotFilter{CampaignID: "camp-1"})
			if len(got) != 3 {
				t.Fatalf("slots = %v", slotKeys(got))
			}
			kept := got[0]
			var d differ
			d.str("Key", kept.Key(), first.Key())
			d.str("OrgPath", kept.OrgPath, first.OrgPath)
			d.time("PeriodStart", kept.PeriodStart, first.PeriodStart)
			d.time("DueAt", kept.DueAt, first.DueAt)
			d.time("NextTimerAt", kept.NextTimerAt, first.NextTimerAt)
			d.num("Version", kept.Version, 1)
			d.num("RemindersSent", int64(kept.RemindersSent), 0)
			d.report(t, "the kept slot")
		}},
		{"invalid_slot_stores_none", func(t *testing.T, s app.Store) {
			rs := reportStore(t, s)
			bad := reportSlot("camp-1", "quarterly", "v2", "", "2026-Q1")
			_, err := rs.PutReportSlots(t.Context(), []indicators.ReportSlot{reportSlot("camp-1", "quarterly", "v1", "/p/t1/v1/", "2026-Q1"), bad})
			wantCode(t, err, engine.EINVALID, "a slot without a path")
			for _, b := range []indicators.ReportSlot{
				reportSlot("", "q", "v1", "/p/", "2026-Q1"), reportSlot("c", "", "v1", "/p/", "2026-Q1"),
				reportSlot("c", "q", "", "/p/", "2026-Q1"), reportSlot("c", "q", "v1", "/p/", ""),
			} {
				_, err := rs.PutReportSlots(t.Context(), []indicators.ReportSlot{b})
				wantCode(t, err, engine.EINVALID, "incomplete slot "+b.Key())
			}
			if got := listSlots(t, rs, indicators.ReportSlotFilter{}); len(got) != 0 {
				t.Errorf("stored %v after EINVALID", slotKeys(got))
			}
		}},
		{"list_filters_in_order", func(t *testing.T, s app.Store) {
			rs := reportStore(t, s)
			_, err := rs.PutReportSlots(t.Context(), []indicators.ReportSlot{
				reportSlot("camp-1", "quarterly", "v2", "/p/t1/v2/", "2026-Q2"),
				reportSlot("camp-1", "monthly", "v2", "/p/t1/v2/", "2026-Q1"),
				reportSlot("camp-1", "quarterly", "v2", "/p/t1/v2/", "2026-Q1"),
				reportSlot("camp-1", "quarterly", "v1", "/p/t1/v1/", "2026-Q1"),
				reportSlot("camp-1", "quarterly", "v9", "/p/t2/v9/", "2026-Q1"),
				reportSlot("camp-2", "quarterly", "v1", "/p/t1/v1/", "2026-Q1"),
			})
			must(t, err, "PutReportSlots")
			tests := []struct {
				name string
				f    indicators.ReportSlotFilter
				want []string
			}{
				{"campaign", indicators.ReportSlotFilter{CampaignID: "camp-1"}, []string{
					"camp-1/quarterly/v1/2026-Q1", "camp-1/monthly/v2/2026-Q1", "camp-1/quarterly/v2/2026-Q1", "camp-1/quarterly/v2/2026-Q2", "camp-1/quarterly/v9/2026-Q1"}},
				{"report and subtree", indicators.ReportSlotFilter{CampaignID: "camp-1", ReportID: "quarterly", OrgPaths: []string{"/p/t1/"}}, []string{
					"camp-1/quarterly/v1/2026-Q1", "camp-1/quarterly/v2/2026-Q1", "camp-1/quarterly/v2/2026-Q2"}},
				{"periods", indicators.ReportSlotFilter{CampaignID: "camp-1", Periods: []string{"2026-Q2"}}, []string{"camp-1/quarterly/v2/2026-Q2"}},
				{"two subtrees", indicators.ReportSlotFilter{OrgPaths: []string{"/p/t2/", "/p/t1/v1/"}}, []string{
					"camp-1/quarterly/v1/2026-Q1", "camp-2/quarterly/v1/2026-Q1", "camp-1/quarterly/v9/2026-Q1"}},
				{"empty prefix matches nothing", indicators.ReportSlotFilter{OrgPaths: []string{""}}, []string{}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got := slotKeys(listSlots(t, rs, tt.f))
					if tt.name == "two subtrees" {
						// Same path, same period and report: the order between
						// campaigns is not promised.
						slices.Sort(got[:min(2, len(got))])
					}
					if !slices.Equal(got, tt.want) {
						t.Errorf("got %v, want %v", got, tt.want)
					}
				})
			}
		}},
		{"claim_leases_due_slots_once", func(t *testing.T, s app.Store) {
			rs := reportStore(t, s)
			due := reportSlot("camp-1", "quarterly", "v1", "/p/t1/v1/", "2026-Q1")
			due.NextTimerAt = Epoch
			later := reportSlot("camp-1", "quarterly", "v2", "/p/t1/v2/", "2026-Q1")
			later.NextTimerAt = Epoch.Add(time.Millisecond)
			none := reportSlot("camp-1", "quarterly", "v3", "/p/t1/v3/", "2026-Q1")
			_, err := rs.PutReportSlots(t.Context(), []indicators.ReportSlot{due, later, none})
			must(t, err, "PutReportSlots")

			got, err := rs.ClaimDueReportSlots(t.Context(), "owner-a", Epoch, time.Minute, 10)
			must(t, err, "claim a")
			if keys := slotKeys(got); !slices.Equal(keys, []string{due.Key()}) {
				t.Fatalf("claimed %v, want only %s", keys, due.Key())
			}
			if got[0].LeaseOwner != "owner-a" || !got[0].LeaseUntil.Equal(Epoch.Add(time.Minute)) || got[0].Version != 1 {
				t.Errorf("lease = %s until %v, version %d", got[0].LeaseOwner, got[0].LeaseUntil, got[0].Version)
			}
			again, err := rs.ClaimDueReportSlots(t.Context(), "owner-b", Epoch.Add(time.Millisecond), time.Minute, 10)
			must(t, err, "claim b")
			if keys := slotKeys(again); !slices.Equal(keys, []string{later.Key()}) {
				t.Errorf("b claimed %v, want only %s (the other is leased)", keys, later.Key())
			}
			expired, err := rs.ClaimDueReportSlots(t.Context(), "owner-b", Epoch.Add(time.Minute), time.Minute, 10)
			must(t, err, "claim after the lease")
			if keys := slotKeys(expired); !slices.Equal(keys, []string{due.Key()}) {
				t.Errorf("after the lease ran out b claimed %v, want %s", keys, due.Key())
			}
			_, err = rs.ClaimDueReportSlots(t.Context(), "", Epoch, time.Minute, 10)
			wantCode(t, err, engine.EINVALID, "no owner")
			_, err = rs.ClaimDueReportSlots(t.Context(), "x", Epoch, 0, 10)
			wantCode(t, err, engine.EINVALID, "no lease")
		}},
		{"update_is_conditional_and_releases", func(t *testing.T, s app.Store) {
			rs := reportStore(t, s)
			sl := reportSlot("camp-1", "quarterly", "v1", "/p/t1/v1/", "2026-Q1")
			sl.NextTimerAt = Epoch
			_, err := rs.PutReportSlots(t.Context(), []indicators.ReportSlot{sl})
			must(t, err, "PutReportSlots")
			claimed, err := rs.ClaimDueReportSlots(t.Context(), "owner-a", Epoch, time.Minute, 1)
			must(t, err, "claim")
			if len(claimed) != 1 {
				t.Fatalf("claimed %d", len(claimed))
			}
			c := claimed[0]
			c.RemindersSent, c.NextTimerAt = 1, Epoch.Add(time.Hour)
			c.RecordID, c.SubmittedAt = "rec-1", oddTime(Epoch)
			up, err := rs.UpdateReportSlot(t.Context(), &c)
			must(t, err, "UpdateReportSlot")
			var d differ
			d.num("Version", up.Version, 2)
			d.num("RemindersSent", int64(up.RemindersSent), 1)
			d.time("NextTimerAt", up.NextTimerAt, Epoch.Add(time.Hour))
			d.time("SubmittedAt", up.SubmittedAt, oddTime(Epoch))
			d.str("RecordID", up.RecordID, "rec-1")
			d.str("LeaseOwner", up.LeaseOwner, "")
			d.time("LeaseUntil", up.LeaseUntil, time.Time{})
			d.time("DueAt", up.DueAt, sl.DueAt)
			d.report(t, "updated slot")
			if !up.SubmittedAt.Equal(storedTime(oddTime(Epoch))) || up.SubmittedAt.Location() != time.UTC {
				t.Errorf("SubmittedAt = %v, want UTC milliseconds", up.SubmittedAt)
			}
			wantCode(t, func() error { _, err := rs.UpdateReportSlot(t.Context(), &c); return err }(), engine.ECONFLICT, "stale version")
			gone := reportSlot("camp-1", "quarterly", "v404", "/p/t1/v404/", "2026-Q1")
			gone.Version = 1
			wantCode(t, func() error { _, err := rs.UpdateReportSlot(t.Context(), &gone); return err }(), engine.ENOTFOUND, "unknown slot")
			// Released and not due yet: nobody claims it before its new timer.
			if got, err := rs.ClaimDueReportSlots(t.Context(), "owner-b", Epoch.Add(time.Minute), time.Minute, 10); err != nil || len(got) != 0 {
				t.Errorf("claimed %v (%v) before the next timer", slotKeys(got), err)
			}
			up.NextTimerAt = time.Time{}
			final, err := rs.UpdateReportSlot(t.Context(), up)
			must(t, err, "clear the timer")
			if got, err := rs.ClaimDueReportSlots(t.Context(), "owner-b", Epoch.Add(1000*time.Hour), time.Minute, 10); err != nil || len(got) != 0 {
				t.Errorf("claimed %v (%v) with no timer", slotKeys(got), err)
			}
			if final.Version != 3 {
				t.Errorf("version = %d, want 3", final.Version)
			}
		}},
		{"count_records_by_creator", func(t *testing.T, s app.Store) {
			rs := reportStore(t, s)
			for i, rec := range []struct{ by, campaign, path, state string }{
				{"u-b", "camp-1", "/p/c1/t1/v1/", "submitted"},
				{"u-a", "camp-1", "/p/c1/t1/v1/", "submitted"},
				{"u-b", "camp-1", "/p/c1/t1/v2/", "approved"},
				{"u-b", "camp-1", "/p/c1/t2/v9/", "submitted"},
				{"u-c", "camp-2", "/p/c1/t1/v1/", "submitted"},
			} {
				r := NewRecord(Epoch.Add(time.Duration(i) * time.Second))
				r.CreatedBy, r.CampaignID, r.OrgPath, r.State = rec.by, rec.campaign, rec.path, rec.state
				mustInsert(t, s, r)
			}
			tests := []struct {
				name string
				f    engine.RecordFilter
				want []indicators.CreatorCount
			}{
				{"campaign", engine.RecordFilter{CampaignID: "camp-1"}, []indicators.CreatorCount{{CreatedBy: "u-a", Count: 1}, {CreatedBy: "u-b", Count: 3}}},
				{"subtree and state", engine.RecordFilter{CampaignID: "camp-1", OrgPaths: []string{"/p/c1/t1/"}, States: []string{"submitted"}},
					[]indicators.CreatorCount{{CreatedBy: "u-a", Count: 1}, {CreatedBy: "u-b", Count: 1}}},
				{"nothing", engine.RecordFilter{CampaignID: "camp-9"}, []indicators.CreatorCount{}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got, err := rs.CountRecordsByCreator(t.Context(), tt.f)
					must(t, err, "CountRecordsByCreator")
					if !slices.Equal(got, tt.want) && (len(got) != 0 || len(tt.want) != 0) {
						t.Errorf("got %v, want %v", got, tt.want)
					}
				})
			}
		}},
		{"concurrent_claims_never_share", func(t *testing.T, s app.Store) {
			rs := reportStore(t, s)
			var slots []indicators.ReportSlot
			for i := range 40 {
				sl := reportSlot("camp-1", "monthly", "v"+string(rune('a'+i%26))+string(rune('a'+i/26)), "/p/t1/v/", "2026-03")
				sl.NextTimerAt = Epoch.Add(-time.Duration(i) * time.Millisecond)
				slots = append(slots, sl)
			}
			_, err := rs.PutReportSlots(t.Context(), slots)
			must(t, err, "PutReportSlots")
			start := make(chan struct{})
			var mu sync.Mutex
			var wg sync.WaitGroup
			seen := map[string]string{}
			for _, owner := range []string{"a", "b", "c"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for {
						got, err := rs.ClaimDueReportSlots(t.Context(), owner, Epoch, time.Minute, 7)
						if err != nil {
							t.Errorf("claim %s: %v", owner, err)
							return
						}
						if len(got) == 0 {
							return
						}
						mu.Lock()
						for _, g := range got {
							if prev, dup := seen[g.Key()]; dup {
								t.Errorf("%s claimed by %s and %s", g.Key(), prev, owner)
							}
							seen[g.Key()] = owner
						}
						mu.Unlock()
					}
				}()
			}
			close(start)
			wg.Wait()
			if len(seen) != 40 {
				t.Errorf("claimed %d slots, want 40", len(seen))
			}
		}},
	}
}
