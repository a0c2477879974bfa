package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"canvass/engine"
	"canvass/engine/pay"
)

// TestQueryPlans: every list filter is served by an index; no query of a
// list scans a whole table. The plans are SQLite's own (EXPLAIN QUERY
// PLAN) for the SQL the methods build.
func TestQueryPlans(t *testing.T) {
	s := MustOpen(t)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	page := engine.Page{Limit: 50}
	records := []struct {
		name  string
		f     engine.RecordFilter
		index string
	}{
		{"campaign", engine.RecordFilter{CampaignID: "c"}, "records_campaign"},
		{"form", engine.RecordFilter{FormID: "f"}, "records_form"},
		{"org_path", engine.RecordFilter{OrgPaths: []string{"/p/", "/q/"}}, "records_org_path"},
		{"task_org_path", engine.RecordFilter{TaskOrgPaths: []string{"/p/t/"}}, "records_task_org_path"},
		{"state", engine.RecordFilter{States: []string{"a", "b"}}, "records_state"},
		{"assignee", engine.RecordFilter{Assignee: "u"}, "records_assignee"},
		{"any_role", engine.RecordFilter{AnyRole: []string{engine.RoleReviewer}}, "record_roles"},
		{"dedup_key", engine.RecordFilter{DedupKey: "k"}, "records_dedup_key"},
		{"updated_at", engine.RecordFilter{UpdatedFrom: at, UpdatedBefore: at.Add(time.Hour)}, "records_updated_at"},
		{"due_at", engine.RecordFilter{DueBefore: at}, "records_due_at"},
		{"campaign and state", engine.RecordFilter{CampaignID: "c", States: []string{"a"}}, "records_"},
	}
	for _, tt := range records {
		t.Run("records/"+tt.name, func(t *testing.T) {
			w := recordWhere(tt.f)
			q := pageQueries("records", recordColumns, w, page)
			checkPlan(t, s, q.direct, q.directArgs, tt.index)
			if q.window != "" {
				checkPlan(t, s, q.window, q.windowArgs, "sqlite_autoindex_records_1")
			}
			checkPlan(t, s, "SELECT count(*) FROM records"+w.sql(), w.args, tt.index)
		})
	}
	t.Run("records/timers", func(t *testing.T) {
		checkPlan(t, s, "SELECT id FROM records WHERE next_timer_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_timer_at, id LIMIT ?",
			[]any{1, 1, 10}, "records_next_timer_at")
	})
	ledger := []struct {
		name  string
		f     pay.LedgerFilter
		index string
	}{
		{"campaign", pay.LedgerFilter{CampaignID: "c"}, "ledger_campaign"},
		{"worker", pay.LedgerFilter{WorkerID: "w"}, "ledger_worker"},
		{"item", pay.LedgerFilter{Item: "i"}, "ledger_item"},
		{"record", pay.LedgerFilter{RecordID: "r"}, "ledger_record"},
		{"period", pay.LedgerFilter{Periods: []string{"2026-Q4"}}, "ledger_period"},
		{"org_path", pay.LedgerFilter{OrgPaths: []string{"/p/"}}, "ledger_org_path"},
	}
	for _, tt := range ledger {
		t.Run("ledger/"+tt.name, func(t *testing.T) {
			q := pageQueries("ledger", ledgerColumns, ledgerWhere(tt.f), page)
			checkPlan(t, s, q.direct, q.directArgs, tt.index)
		})
	}
}

func checkPlan(t *testing.T, s *Store, query string, args []any, index string) {
	t.Helper()
	rows, err := s.rdb.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	text := strings.Join(plan, "\n")
	t.Logf("plan:\n%s", text)
	if !strings.Contains(text, "INDEX "+index) && !strings.Contains(text, "SEARCH "+index) {
		t.Errorf("plan does not use %s:\n%s", index, text)
	}
	for _, line := range plan {
		// A SCAN of the window's co-routine reads at most pageWindow rows.
		if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "INDEX") && !strings.HasPrefix(line, "SCAN (subquery") {
			t.Errorf("plan scans a table: %s", line)
		}
	}
}
