package sqlite

import (
	"context"
	"testing"
	"time"

	"canvass/engine"
	"canvass/engine/worklist"
)

// TestWorklistQueryPlans: worklist lists and the duplicate scan are served
// by indexes; the scan reads only the records_campaign_dedup index.
func TestWorklistQueryPlans(t *testing.T) {
	s := MustOpen(t)
	page := engine.Page{Limit: 50}
	lists := []struct {
		name  string
		f     worklist.WorklistFilter
		index string
	}{
		{"campaign", worklist.WorklistFilter{CampaignID: "c", Statuses: []string{worklist.WorkOpen}}, "worklist_campaign"},
		{"run", worklist.WorklistFilter{RunID: "r"}, "worklist_run"},
		{"org_path", worklist.WorklistFilter{OrgPaths: []string{"/p/"}}, "worklist_org_path"},
	}
	for _, tt := range lists {
		t.Run("worklist/"+tt.name, func(t *testing.T) {
			q := pageQueries("worklist_items", worklistColumns, worklistWhere(tt.f), page)
			checkPlan(t, s, q.direct, q.directArgs, tt.index)
		})
	}
	t.Run("duplicate_groups", func(t *testing.T) {
		checkPlan(t, s, duplicateGroupsSQL, []any{"c", "", 500}, "records_campaign_dedup")
	})
}

// BenchmarkDuplicateGroups1M times walking every duplicate group of a
// campaign of 1,000,000 records (1 in 10 shares its key with another), a
// page of 500 groups at a time, as ScanDuplicates does.
func BenchmarkDuplicateGroups1M(b *testing.B) {
	s := MustOpen(b)
	const n = 1_000_000
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	err := s.write(context.Background(), func(tx *writeTx) error {
		_, err := tx.exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
			INSERT INTO records (id, campaign_id, form_id, form_version, workflow_id, workflow_version, org_unit, org_path, state,
				answers, dedup_key, step, candidate_roles, task_org_path, assignee, timer_kind, lease_owner, version, created_by,
				created_at, updated_at, history, content_hash)
			SELECT printf('R%08d', i), 'camp', 'form', 1, 'flow', 1, 'v1', '/p/v1/', 'checked', '{}',
				CASE WHEN i % 10 = 0 THEN printf('k%08d', i - 1) ELSE printf('k%08d', i) END,
				'', 'null', '', '', '', '', 1, 'import', ?, ?, 'null', '' FROM seq`, n, at, at)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		groups, after := 0, ""
		for {
			gs, err := s.DuplicateGroups(context.Background(), "camp", after, engine.MaxPageLimit)
			if err != nil {
				b.Fatal(err)
			}
			groups += len(gs)
			if len(gs) < engine.MaxPageLimit {
				break
			}
			after = gs[len(gs)-1].DedupKey
		}
		if groups != n/10 {
			b.Fatalf("groups = %d, want %d", groups, n/10)
		}
	}
}
