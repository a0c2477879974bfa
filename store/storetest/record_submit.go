package storetest

import (
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// SubmitRecord: "when the record is new, it first draws the campaign's
// next number into its Number if number is set and appends audit after
// it. A replay (same ID and ContentHash) returns the stored record with
// created false, draws no number and appends nothing."
func submitRecordScenarios() []scenario {
	event := func(id, action string) *engine.AuditEvent {
		return &engine.AuditEvent{ID: id, At: Epoch, Actor: "u-submitter", Action: action, ObjectKind: "record", ObjectID: id,
			OrgPath: "/p/c1/t1/v1/", Detail: map[string]any{"campaign": "camp-1"}}
	}
	audited := func(t *testing.T, s app.Store, objectID string) int {
		t.Helper()
		page, err := s.ListAudit(t.Context(), engine.AuditFilter{ObjectID: objectID}, engine.Page{Limit: 10})
		must(t, err, "ListAudit")
		return len(page.Events)
	}
	return []scenario{
		{"numbers_stores_and_audits_new_records_only", func(t *testing.T, s app.Store) {
			a, b := NewRecord(Epoch), NewRecord(Epoch.Add(1))
			stored, created, err := s.SubmitRecord(t.Context(), a, true, event(engine.NewID(Epoch), "record.submit"))
			must(t, err, "SubmitRecord a")
			if !created || stored.Number != 1 || stored.Version != 1 {
				t.Fatalf("first SubmitRecord: created %v, number %d, version %d; want true, 1, 1", created, stored.Number, stored.Version)
			}
			if got := mustGet(t, s, a.ID); got.Number != 1 {
				t.Errorf("stored number %d, want 1", got.Number)
			}
			// The same submission again: nothing drawn, nothing appended.
			again, created, err := s.SubmitRecord(t.Context(), NewRecordWithID(a.ID, Epoch), true, event(engine.NewID(Epoch.Add(2)), "record.submit"))
			must(t, err, "SubmitRecord replay")
			if created || again.Number != 1 {
				t.Errorf("replay: created %v, number %d; want false, 1", created, again.Number)
			}
			stored, created, err = s.SubmitRecord(t.Context(), b, true, event(engine.NewID(Epoch.Add(3)), "record.submit"))
			must(t, err, "SubmitRecord b")
			if !created || stored.Number != 2 {
				t.Errorf("second record: created %v, number %d; want true, 2 (a replay draws no number)", created, stored.Number)
			}
			page, err := s.ListAudit(t.Context(), engine.AuditFilter{Action: "record.submit"}, engine.Page{Limit: 10})
			must(t, err, "ListAudit")
			if len(page.Events) != 2 {
				t.Errorf("%d audit events, want 2 (one per new record)", len(page.Events))
			}
			// Without number, a record keeps the one it has (or none).
			c := NewRecord(Epoch.Add(4))
			stored, _, err = s.SubmitRecord(t.Context(), c, false, nil)
			must(t, err, "SubmitRecord without number or event")
			if stored.Number != 0 {
				t.Errorf("SubmitRecord without number gave number %d", stored.Number)
			}
		}},
		{"other_content_conflicts_and_changes_nothing", func(t *testing.T, s app.Store) {
			a := NewRecord(Epoch)
			_, _, err := s.SubmitRecord(t.Context(), a, true, nil)
			must(t, err, "SubmitRecord")
			other := NewRecordWithID(a.ID, Epoch)
			other.Answers["name"] = "别人"
			evID := engine.NewID(Epoch.Add(1))
			_, _, err = s.SubmitRecord(t.Context(), other, true, event(evID, "record.submit"))
			wantCode(t, err, engine.ECONFLICT, "SubmitRecord with other content")
			if n := audited(t, s, evID); n != 0 {
				t.Errorf("a refused submission appended %d audit events", n)
			}
			n, err := s.NextRecordNumber(t.Context(), "camp-1")
			must(t, err, "NextRecordNumber")
			if n != 2 {
				t.Errorf("next number after a refused submission = %d, want 2 (it drew none)", n)
			}
		}},
		{"bad_event_is_invalid_and_stores_nothing", func(t *testing.T, s app.Store) {
			a := NewRecord(Epoch)
			_, _, err := s.SubmitRecord(t.Context(), a, true, &engine.AuditEvent{ID: engine.NewID(Epoch)})
			wantCode(t, err, engine.EINVALID, "SubmitRecord with an event without action")
			_, err = s.GetRecord(t.Context(), a.ID)
			wantCode(t, err, engine.ENOTFOUND, "GetRecord after a refused SubmitRecord")
		}},
	}
}

// NewRecordWithID is NewRecord with the given ID: the same content as
// another NewRecord made at the same time.
func NewRecordWithID(id string, at time.Time) *engine.Record {
	r := NewRecord(at)
	r.ID = id
	return r
}
