package storetest

import (
	"fmt"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

func diffAudit(got *engine.AuditEvent, want engine.AuditEvent) differ {
	if got == nil {
		return differ{"event is nil"}
	}
	var d differ
	d.str("ID", got.ID, want.ID)
	d.time("At", got.At, want.At)
	d.str("Actor", got.Actor, want.Actor)
	d.str("Action", got.Action, want.Action)
	d.str("ObjectKind", got.ObjectKind, want.ObjectKind)
	d.str("ObjectID", got.ObjectID, want.ObjectID)
	d.str("OrgPath", got.OrgPath, want.OrgPath)
	d.str("IP", got.IP, want.IP)
	d.json("Detail", got.Detail, want.Detail)
	return d
}

// auditRows are events a minute apart, each ID made at its time, so ID
// order is time order.
func auditRows() []engine.AuditEvent {
	rows := []engine.AuditEvent{
		{Actor: "u1", Action: "user.login", ObjectKind: "user", ObjectID: "u1", OrgPath: "/p/c1/t1/"},
		{Actor: "u1", Action: "record.submit", ObjectKind: "record", ObjectID: "rec-1", OrgPath: "/p/c1/t1/v1/",
			Detail: map[string]any{"state": "submitted", "fields": []any{"/name", "/households"}, "n": 2}},
		{Actor: "u2", Action: "pii.reveal", ObjectKind: "record", ObjectID: "rec-1", OrgPath: "/p/c1/t1/v1/",
			Detail: map[string]any{"field": "/idNumber", "理由": "核对身份"}},
		{Actor: "public:qr-7", Action: "record.submit", ObjectKind: "record", ObjectID: "rec-2", OrgPath: "/p/c10/t2/"},
		{Actor: "system", Action: "record.escalate", ObjectKind: "record", ObjectID: "rec-2", OrgPath: "/p/c10/t2/"},
		{Actor: "u2", Action: "export.records", ObjectKind: "campaign", ObjectID: "c1", OrgPath: "/p/c1/",
			Detail: map[string]any{"rows": 1234, "format": "xlsx"}},
	}
	for i := range rows {
		rows[i].At = Epoch.Add(time.Duration(i) * time.Minute)
		rows[i].ID = engine.NewID(rows[i].At)
		rows[i].IP = fmt.Sprintf("192.0.2.%d", i+1)
	}
	return rows
}

func appendAudit(t *testing.T, s app.Store, events ...engine.AuditEvent) {
	t.Helper()
	for _, e := range events {
		must(t, s.AppendAudit(t.Context(), &e), "AppendAudit "+e.Action)
	}
}

// listAllAudit walks every page of f (see pageAll).
func listAllAudit(t *testing.T, s app.Store, f engine.AuditFilter, limit int, desc bool) []*engine.AuditEvent {
	t.Helper()
	return pageAll(t, "ListAudit", limit, desc, func(p engine.Page) ([]*engine.AuditEvent, string, error) {
		page, err := s.ListAudit(t.Context(), f, p)
		if err != nil {
			return nil, "", err
		}
		return page.Events, page.Next, nil
	})
}

func eventIDs(es []*engine.AuditEvent) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// Audit: AppendAudit "stores an event. Returns EINVALID if ID or Action is
// empty, ECONFLICT if the ID exists." ListAudit "returns one page of
// matching events, keyset-paged by ID" (ULIDs, so Desc is newest first);
// From is inclusive, Before exclusive.
func auditScenarios() []scenario {
	scs := []scenario{
		{"append_and_list", func(t *testing.T, s app.Store) {
			rows := auditRows()
			for i := range rows {
				rows[i].At = oddTime(rows[i].At)
			}
			appendAudit(t, s, rows...)
			got := listAllAudit(t, s, engine.AuditFilter{}, 100, false)
			if len(got) != len(rows) {
				t.Fatalf("ListAudit has %d events, want %d", len(got), len(rows))
			}
			for i, e := range got {
				diffAudit(e, rows[i]).report(t, "listed event "+rows[i].Action)
			}
		}},
		{"newest_first", func(t *testing.T, s app.Store) {
			rows := auditRows()
			appendAudit(t, s, rows...)
			got := listAllAudit(t, s, engine.AuditFilter{}, 4, true)
			var want []string
			for i := len(rows) - 1; i >= 0; i-- {
				want = append(want, rows[i].ID)
			}
			if !sameStrings(eventIDs(got), want) {
				t.Errorf("ListAudit Desc = %q, want newest first %q", eventIDs(got), want)
			}
		}},
		{"duplicate_id_conflicts", func(t *testing.T, s app.Store) {
			rows := auditRows()
			appendAudit(t, s, rows[0])
			again := rows[1]
			again.ID = rows[0].ID
			wantCode(t, s.AppendAudit(t.Context(), &again), engine.ECONFLICT, "AppendAudit with a taken ID")
			got := listAllAudit(t, s, engine.AuditFilter{}, 10, false)
			if len(got) != 1 {
				t.Fatalf("ListAudit has %d events, want 1", len(got))
			}
			diffAudit(got[0], rows[0]).report(t, "the first event")
		}},
	}
	for _, c := range []struct {
		name  string
		spoil func(e *engine.AuditEvent)
	}{
		{"missing_id", func(e *engine.AuditEvent) { e.ID = "" }},
		{"missing_action", func(e *engine.AuditEvent) { e.Action = "" }},
	} {
		scs = append(scs, scenario{c.name + "_invalid", func(t *testing.T, s app.Store) {
			e := auditRows()[0]
			c.spoil(&e)
			wantCode(t, s.AppendAudit(t.Context(), &e), engine.EINVALID, "AppendAudit")
			if got := listAllAudit(t, s, engine.AuditFilter{}, 10, false); len(got) != 0 {
				t.Errorf("ListAudit has %d events after an invalid append", len(got))
			}
		}})
	}

	at := func(i int) time.Time { return Epoch.Add(time.Duration(i) * time.Minute) }
	filters := []struct {
		name string
		f    engine.AuditFilter
		want []int
	}{
		{"actor", engine.AuditFilter{Actor: "u2"}, []int{2, 5}},
		{"action", engine.AuditFilter{Action: "record.submit"}, []int{1, 3}},
		{"object", engine.AuditFilter{ObjectID: "rec-1"}, []int{1, 2}},
		{"org_path_not_c10", engine.AuditFilter{OrgPaths: []string{"/p/c1/"}}, []int{0, 1, 2, 5}},
		{"org_paths_several", engine.AuditFilter{OrgPaths: []string{"/p/c1/t1/v1/", "/p/c10/"}}, []int{1, 2, 3, 4}},
		{"from_inclusive", engine.AuditFilter{From: at(2)}, []int{2, 3, 4, 5}},
		{"before_exclusive", engine.AuditFilter{Before: at(2)}, []int{0, 1}},
		{"window", engine.AuditFilter{From: at(1), Before: at(4)}, []int{1, 2, 3}},
		{"combined", engine.AuditFilter{Actor: "u2", OrgPaths: []string{"/p/c1/t1/"}, From: at(1)}, []int{2}},
		{"nothing", engine.AuditFilter{Actor: "system", Action: "user.login"}, nil},
	}
	for _, c := range filters {
		scs = append(scs, scenario{"list_" + c.name, func(t *testing.T, s app.Store) {
			rows := auditRows()
			appendAudit(t, s, rows...)
			var want []string
			for _, i := range c.want {
				want = append(want, rows[i].ID)
			}
			if got := eventIDs(listAllAudit(t, s, c.f, 2, false)); !sameStrings(got, want) {
				t.Errorf("ListAudit ascending = %q, want %q", got, want)
			}
			if got := eventIDs(listAllAudit(t, s, c.f, 3, true)); !sameStrings(got, reversed(want)) {
				t.Errorf("ListAudit Desc = %q, want %q", got, reversed(want))
			}
		}})
	}
	return scs
}
