package storetest

import (
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// InsertRecord: "stores a new record with Version 1 and returns the stored
// copy with created true. It is idempotent on ID: when a record with the
// same ID and the same ContentHash exists, it returns that record with
// created false and changes nothing.
// ContentHash is computed with RecordContentHash when empty. Returns
// ECONFLICT if the ID exists with different content, EINVALID if ID,
// CampaignID or OrgPath is empty."
func insertRecordScenarios() []scenario {
	scs := []scenario{
		{"stores_version_1", func(t *testing.T, s app.Store) {
			r := NewRecord(Epoch)
			r.Version = 7 // whatever the caller says, a new record starts at 1
			want := inserted(r)
			got, created, err := s.InsertRecord(t.Context(), r)
			must(t, err, "InsertRecord")
			if !created {
				t.Errorf("a new record's insert reports created false")
			}
			checkRecord(t, "InsertRecord result", got, want)
			checkRecord(t, "GetRecord after insert", mustGet(t, s, want.ID), want)
		}},
		{"computes_content_hash_when_empty", func(t *testing.T, s app.Store) {
			r := NewRecord(Epoch)
			hash := engine.RecordContentHash(r)
			got := mustInsert(t, s, r)
			if got.ContentHash != hash {
				t.Errorf("ContentHash = %q, want RecordContentHash %q", got.ContentHash, hash)
			}
			if g := mustGet(t, s, got.ID); g.ContentHash != hash {
				t.Errorf("stored ContentHash = %q, want %q", g.ContentHash, hash)
			}
		}},
		{"keeps_given_content_hash", func(t *testing.T, s app.Store) {
			r := NewRecord(Epoch)
			r.ContentHash = "client-supplied-hash"
			got := mustInsert(t, s, r)
			if got.ContentHash != "client-supplied-hash" {
				t.Errorf("ContentHash = %q, want the given one", got.ContentHash)
			}
		}},
		{"retry_same_content_returns_stored", func(t *testing.T, s app.Store) {
			first := NewRecord(Epoch)
			id := first.ID
			want := inserted(first)
			mustInsert(t, s, first)

			// The retry comes later (another CreatedAt/UpdatedAt from the
			// engine's clock) with the same content: it is a no-op.
			retry := NewRecord(Epoch.Add(time.Hour))
			retry.ID = id
			got, created, err := s.InsertRecord(t.Context(), retry)
			must(t, err, "InsertRecord retry")
			if created {
				t.Errorf("a retry reports created")
			}
			checkRecord(t, "retry result", got, want)
			checkRecord(t, "stored after retry", mustGet(t, s, id), want)
			n, err := s.CountRecords(t.Context(), engine.RecordFilter{})
			must(t, err, "CountRecords")
			if n != 1 {
				t.Errorf("CountRecords = %d after a retry, want 1", n)
			}
		}},
		{"retry_after_update_returns_current", func(t *testing.T, s app.Store) {
			first := NewRecord(Epoch)
			id := first.ID
			stored := mustInsert(t, s, first)
			stored.State = "approved"
			stored.UpdatedAt = Epoch.Add(time.Minute)
			updated, err := s.UpdateRecord(t.Context(), stored)
			must(t, err, "UpdateRecord")

			retry := NewRecord(Epoch.Add(time.Hour))
			retry.ID = id
			got, created, err := s.InsertRecord(t.Context(), retry)
			must(t, err, "InsertRecord retry")
			if created {
				t.Errorf("a retry after an update reports created")
			}
			if got.Version != 2 || got.State != "approved" {
				t.Errorf("retry returned Version %d State %q, want the stored record (Version 2, approved)", got.Version, got.State)
			}
			checkRecord(t, "stored after retry", mustGet(t, s, id), updated)
		}},
	}

	// Each change of content under the same ID is a clash, and the stored
	// record stays as it was.
	clashes := []struct {
		name   string
		change func(r *engine.Record)
	}{
		{"answers", func(r *engine.Record) { r.Answers["households"] = 4 }},
		{"nested_answer", func(r *engine.Record) { r.Answers["address"].(map[string]any)["village"] = "小柳树村" }},
		{"campaign", func(r *engine.Record) { r.CampaignID = "camp-2" }},
		{"form", func(r *engine.Record) { r.FormID = "form-2" }},
		{"form_version", func(r *engine.Record) { r.FormVersion = 2 }},
		{"org_unit", func(r *engine.Record) { r.OrgUnit = "v2" }},
		{"submitter", func(r *engine.Record) { r.CreatedBy = "u-other" }},
		{"given_hash", func(r *engine.Record) { r.ContentHash = "another-hash" }},
	}
	for _, c := range clashes {
		scs = append(scs, scenario{"same_id_different_" + c.name + "_conflicts", func(t *testing.T, s app.Store) {
			first := NewRecord(Epoch)
			want := inserted(first)
			mustInsert(t, s, first)
			other := NewRecord(Epoch)
			other.ID = want.ID
			c.change(other)
			_, _, err := s.InsertRecord(t.Context(), other)
			wantCode(t, err, engine.ECONFLICT, "InsertRecord with different content")
			checkRecord(t, "stored after clash", mustGet(t, s, want.ID), want)
		}})
	}

	invalid := []struct {
		name  string
		spoil func(r *engine.Record)
	}{
		{"missing_id", func(r *engine.Record) { r.ID = "" }},
		{"missing_campaign", func(r *engine.Record) { r.CampaignID = "" }},
		{"missing_org_path", func(r *engine.Record) { r.OrgPath = "" }},
	}
	for _, c := range invalid {
		scs = append(scs, scenario{c.name + "_invalid", func(t *testing.T, s app.Store) {
			r := NewRecord(Epoch)
			c.spoil(r)
			_, _, err := s.InsertRecord(t.Context(), r)
			wantCode(t, err, engine.EINVALID, "InsertRecord")
			n, err := s.CountRecords(t.Context(), engine.RecordFilter{})
			must(t, err, "CountRecords")
			if n != 0 {
				t.Errorf("CountRecords = %d after an invalid insert, want 0", n)
			}
		}})
	}
	return scs
}

// GetRecord: "returns the record with the given ID. Returns ENOTFOUND if
// there is none." Every field round-trips; times come back in UTC truncated
// to the millisecond.
func getRecordScenarios() []scenario {
	return []scenario{
		{"missing_not_found", func(t *testing.T, s app.Store) {
			mustInsert(t, s, NewRecord(Epoch))
			_, err := s.GetRecord(t.Context(), engine.NewID(Epoch))
			wantCode(t, err, engine.ENOTFOUND, "GetRecord of an unknown ID")
		}},
		{"uuid_id", func(t *testing.T, s app.Store) {
			// Clients may submit with their own lower-case UUID.
			r := NewRecord(Epoch)
			r.ID = "0b7e3f0c-5d1e-4c3a-9f57-2a1c9e8b6d40"
			want := inserted(r)
			mustInsert(t, s, r)
			checkRecord(t, "GetRecord", mustGet(t, s, want.ID), want)
		}},
		{"every_field_round_trips", func(t *testing.T, s app.Store) {
			r := fullRecord(Epoch)
			want := inserted(r)
			mustInsert(t, s, r)
			checkRecord(t, "GetRecord", mustGet(t, s, want.ID), want)
		}},
		{"times_truncated_to_milliseconds_in_utc", func(t *testing.T, s app.Store) {
			// Times given in Shanghai with nanoseconds come back as the same
			// instant in UTC, truncated to the millisecond (diffRecord checks
			// every time field, history included, this way).
			at := func(ns int) time.Time { return time.Date(2026, 3, 1, 10, 20, 30, ns, shanghai) }
			r := fullRecord(Epoch)
			r.CreatedAt = at(123_456_789)
			r.UpdatedAt = at(999_999_999)
			r.DueAt = at(1_000_001)
			r.NextTimerAt = at(500_999)
			r.History[0].At = at(42_424_242)
			r.History[1].At = at(7)
			want := inserted(r)
			got := mustInsert(t, s, r)
			checkRecord(t, "InsertRecord result", got, want)
			stored := mustGet(t, s, want.ID)
			checkRecord(t, "GetRecord", stored, want)
			if want := time.Date(2026, 3, 1, 2, 20, 30, 123_000_000, time.UTC); !stored.CreatedAt.Equal(want) {
				t.Errorf("CreatedAt = %s, want %s (truncated, not rounded)", fmtTime(stored.CreatedAt), fmtTime(want))
			}

			stored.UpdatedAt = at(777_777_777)
			stored.DueAt = at(888_888_888)
			w := *stored
			w.Version = 2
			updated, err := s.UpdateRecord(t.Context(), stored)
			must(t, err, "UpdateRecord")
			checkRecord(t, "UpdateRecord result", updated, &w)
			checkRecord(t, "GetRecord after update", mustGet(t, s, w.ID), &w)
		}},
		{"zero_times_stay_zero", func(t *testing.T, s app.Store) {
			r := NewRecord(Epoch) // no DueAt, NextTimerAt or LeaseUntil
			stored := mustGet(t, s, mustInsert(t, s, r).ID)
			for name, tm := range map[string]time.Time{
				"DueAt": stored.DueAt, "NextTimerAt": stored.NextTimerAt, "LeaseUntil": stored.LeaseUntil,
			} {
				if !tm.IsZero() {
					t.Errorf("%s = %s, want zero", name, fmtTime(tm))
				}
			}
		}},
	}
}

// fullRecord is a record with every field set, unicode in strings and
// nested values in answers and history.
func fullRecord(at time.Time) *engine.Record {
	r := NewRecord(at)
	r.State = "township_review"
	r.DedupKey = "hmac-身份证-1"
	r.Step = "township_review"
	r.CandidateRoles = []string{engine.RoleReviewer, engine.RoleSupervisor}
	r.TaskOrgPath = "/p/c1/t1/"
	r.Assignee = "u-reviewer"
	r.DueAt = at.Add(72 * time.Hour)
	r.NextTimerAt = at.Add(48 * time.Hour)
	r.TimerKind = "reminder"
	r.UpdatedAt = at.Add(time.Minute)
	r.Answers["remark"] = "流出人口：外出务工≥30天；含 emoji 🧧 与引号 \"'\\"
	r.Answers["big"] = 9007199254740992.0 // 2^53, exact in a float64
	r.Answers["negative"] = -12.5
	r.Answers["zero"] = 0
	r.Answers["empty"] = map[string]any{"list": []any{}}
	r.History = append(r.History, engine.HistoryEntry{
		At: at.Add(time.Minute), Actor: "u-reviewer", Action: "return",
		FromState: "submitted", ToState: "township_review", Reason: "身份证号码有误，请核对",
		Changes: []engine.FieldChange{
			{Pointer: "/households", Before: 2, After: 3},
			{Pointer: "/members/0/name", Before: "李四", After: map[string]any{"masked": "李*"}},
			{Pointer: "/address/gps", After: []any{117.0, 36.65}},
		},
	})
	return r
}

// UpdateRecord: "replaces the record's mutable fields (everything but ID,
// CampaignID, CreatedBy, CreatedAt and ContentHash) if the stored Version
// equals r.Version, then stores and returns it with Version+1. … r.UpdatedAt
// is stored as given. Returns ENOTFOUND if the record does not exist,
// ECONFLICT if its version differs." (Lease release: see ClaimDueTimers.)
func updateRecordScenarios() []scenario {
	return []scenario{
		{"matching_version_stores_and_increments", func(t *testing.T, s app.Store) {
			r := mustInsert(t, s, NewRecord(Epoch))
			change := fullRecord(Epoch) // every mutable field gets a value
			change.ID, change.Version = r.ID, 1
			change.CampaignID, change.CreatedBy, change.CreatedAt, change.ContentHash = r.CampaignID, r.CreatedBy, r.CreatedAt, r.ContentHash
			change.FormID, change.FormVersion = "form-2", 3
			change.WorkflowID, change.WorkflowVersion = "flow-2", 4
			change.OrgUnit, change.OrgPath = "v3", "/p/c1/t2/v3/"
			change.Answers["households"] = 5.5
			change.UpdatedAt = Epoch.Add(90 * time.Minute)
			want := *change
			want.Version = 2
			got, err := s.UpdateRecord(t.Context(), change)
			must(t, err, "UpdateRecord")
			checkRecord(t, "UpdateRecord result", got, &want)
			checkRecord(t, "GetRecord after update", mustGet(t, s, r.ID), &want)

			// And again from the returned copy.
			got.State = "approved"
			got.UpdatedAt = Epoch.Add(2 * time.Hour)
			want3 := *got
			want3.Version = 3
			got3, err := s.UpdateRecord(t.Context(), got)
			must(t, err, "second UpdateRecord")
			checkRecord(t, "second UpdateRecord result", got3, &want3)
		}},
		{"clears_fields_set_empty", func(t *testing.T, s app.Store) {
			r := mustInsert(t, s, fullRecord(Epoch))
			r.Step, r.CandidateRoles, r.TaskOrgPath, r.Assignee = "", nil, "", ""
			r.DueAt, r.NextTimerAt, r.TimerKind, r.DedupKey = time.Time{}, time.Time{}, "", ""
			r.Answers = map[string]any{"only": "一个"}
			r.History = r.History[:1]
			r.UpdatedAt = Epoch.Add(time.Hour)
			want := *r
			want.Version = 2
			_, err := s.UpdateRecord(t.Context(), r)
			must(t, err, "UpdateRecord")
			checkRecord(t, "GetRecord after clearing", mustGet(t, s, r.ID), &want)
		}},
		{"stale_version_conflicts", func(t *testing.T, s app.Store) {
			r := mustInsert(t, s, NewRecord(Epoch))
			first := *r
			first.State = "approved"
			first.UpdatedAt = Epoch.Add(time.Minute)
			won, err := s.UpdateRecord(t.Context(), &first)
			must(t, err, "first UpdateRecord")
			second := *r // still Version 1
			second.State = "rejected"
			second.UpdatedAt = Epoch.Add(2 * time.Minute)
			_, err = s.UpdateRecord(t.Context(), &second)
			wantCode(t, err, engine.ECONFLICT, "UpdateRecord at a stale version")
			checkRecord(t, "stored after conflict", mustGet(t, s, r.ID), won)
		}},
		{"future_version_conflicts", func(t *testing.T, s app.Store) {
			r := mustInsert(t, s, NewRecord(Epoch))
			want := *r
			r.Version = 5
			r.State = "approved"
			_, err := s.UpdateRecord(t.Context(), r)
			wantCode(t, err, engine.ECONFLICT, "UpdateRecord at a version ahead of the store")
			checkRecord(t, "stored after conflict", mustGet(t, s, r.ID), &want)
		}},
		{"missing_not_found", func(t *testing.T, s app.Store) {
			mustInsert(t, s, NewRecord(Epoch))
			r := NewRecord(Epoch)
			r.Version = 1
			_, err := s.UpdateRecord(t.Context(), r)
			wantCode(t, err, engine.ENOTFOUND, "UpdateRecord of an unknown record")
		}},
		{"immutable_fields_kept", func(t *testing.T, s app.Store) {
			r := mustInsert(t, s, NewRecord(Epoch))
			want := *r
			want.Version = 2
			want.State = "approved"
			want.UpdatedAt = Epoch.Add(time.Hour)

			r.CampaignID = "camp-other"
			r.CreatedBy = "u-other"
			r.CreatedAt = Epoch.Add(24 * time.Hour)
			r.ContentHash = "rewritten"
			r.State = "approved"
			r.UpdatedAt = Epoch.Add(time.Hour)
			got, err := s.UpdateRecord(t.Context(), r)
			must(t, err, "UpdateRecord")
			checkRecord(t, "UpdateRecord result", got, &want)
			checkRecord(t, "GetRecord after update", mustGet(t, s, want.ID), &want)
		}},
	}
}
