package worklist_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/worklist"
)

// auditCount counts every audit event with the action, page by page.
func auditCount(t *testing.T, e *app.App, action string) int {
	t.Helper()
	n, p := 0, engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := e.Store().ListAudit(context.Background(), engine.AuditFilter{Action: action}, p)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Events)
		if page.Next == "" {
			return n
		}
		p.After = page.Next
	}
}

func TestDuplicatesOnSubmitMergeAndRescan(t *testing.T) {
	w := newWorklistWorld(t)
	ctx := context.Background()
	first := w.submit(t, w.dongguanWorker, person("王建国", idWang, "1980-01-01", "outflow", "东关村1号", 3))
	if got := w.items(t, w.district, worklist.WorklistFilter{}); len(got) != 0 {
		t.Fatalf("one record made %d items", len(got))
	}
	// The same person again, lower-case check letter and all: the keyed
	// hash normalizes, so it is the same ID number.
	second := w.submit(t, w.dongguanWorker, person("王建国", idWang, "1980-01-01", "inflow", "东关村1号", 3))
	items := w.items(t, w.district, worklist.WorklistFilter{CampaignID: "migrant-cleanup", Kinds: []string{worklist.WorkDuplicate}})
	if len(items) != 1 {
		t.Fatalf("two submissions with one ID number: %d items, want 1", len(items))
	}
	it := items[0]
	if !slices.Equal(it.RecordIDs, []string{first.ID, second.ID}) || it.Status != worklist.WorkOpen || it.OrgUnit != vDongguan {
		t.Fatalf("item = %+v", it)
	}
	values := map[string]worklist.WorkValue{}
	for _, v := range it.Values {
		values[v.Field] = v
	}
	if got := values["idNumber"]; !slices.Equal(got.Values, []string{"3701**********1237", "3701**********1237"}) || got.Differs {
		t.Errorf("idNumber side by side = %+v, want masked and equal", got)
	}
	if got := values["flow"]; !slices.Equal(got.Values, []string{"outflow", "inflow"}) || !got.Differs {
		t.Errorf("flow side by side = %+v", got)
	}
	if got := values["name"]; got.Values[0] != "王**" {
		t.Errorf("name shown %q, want masked 王**", got.Values[0])
	}

	t.Run("rescan_is_idempotent", func(t *testing.T) {
		for range 2 {
			n, err := w.e.Worklist.ScanDuplicates(ctx, "migrant-cleanup")
			if err != nil || n != 1 {
				t.Fatalf("ScanDuplicates = %d, %v; want 1 group", n, err)
			}
		}
		if got := w.items(t, w.district, worklist.WorklistFilter{}); len(got) != 1 || got[0].Version != it.Version {
			t.Fatalf("after rescans: %d items (version %d), want the same one item", len(got), got[0].Version)
		}
	})

	t.Run("out_of_scope_is_not_found", func(t *testing.T) {
		_, err := w.e.Worklist.Item(ctx, w.hubinWorker, it.ID)
		wantErr(t, err, engine.ENOTFOUND, "")
		if got := w.items(t, w.hubinWorker, worklist.WorklistFilter{}); len(got) != 0 {
			t.Fatalf("湖滨村 sees %d items of 东关村", len(got))
		}
		if got := w.items(t, w.dongguanWorker, worklist.WorklistFilter{}); len(got) != 1 {
			t.Fatalf("东关村 sees %d items, want its 1", len(got))
		}
	})

	third := w.submit(t, w.dongguanWorker, person("王建国", strings.ToLower(idWang), "1980-01-01", "outflow", "东关村一号", 3))
	it, err := w.e.Worklist.Item(ctx, w.district, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(it.RecordIDs, []string{first.ID, second.ID, third.ID}) {
		t.Fatalf("a third duplicate: records %v, want all three in the one item", it.RecordIDs)
	}

	tests := []struct {
		name    string
		a       *engine.Actor
		d       worklist.Decision
		code    string
		pointer string
	}{
		{"field_worker_may_not_merge", w.dongguanWorker, worklist.Decision{Survivor: first.ID}, engine.EFORBIDDEN, ""},
		{"out_of_scope", mustUser(t, w.e, "hbreviewer", vHubin, engine.RoleReviewer), worklist.Decision{Survivor: first.ID}, engine.ENOTFOUND, ""},
		{"survivor_not_in_group", w.township, worklist.Decision{Survivor: "01JD0000000000000000000000"}, engine.EINVALID, "/survivor"},
		{"stale_version", w.township, worklist.Decision{Survivor: first.ID, Version: it.Version - 1}, engine.ECONFLICT, ""},
	}
	for _, tt := range tests {
		t.Run("merge_refused_"+tt.name, func(t *testing.T) {
			_, err := w.e.Worklist.MergeDuplicates(ctx, tt.a, it.ID, tt.d)
			wantErr(t, err, tt.code, tt.pointer)
		})
	}

	merged, err := w.e.Worklist.MergeDuplicates(ctx, w.township, it.ID, worklist.Decision{Survivor: first.ID, Version: it.Version, Note: "同一人重复登记"})
	if err != nil {
		t.Fatalf("merge: %v %v", err, engine.ErrorFields(err))
	}
	if merged.Status != worklist.WorkResolved || merged.Resolution.Side != worklist.SideMerged || merged.Resolution.Survivor != first.ID ||
		merged.Resolution.By != w.township.ID() {
		t.Fatalf("merged item = %+v %+v", merged, merged.Resolution)
	}
	for _, id := range []string{second.ID, third.ID} {
		r, err := w.e.Store().GetRecord(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		last := r.History[len(r.History)-1]
		if r.State != engine.StateMerged || last.Action != worklist.ActionMerge || !strings.Contains(last.Reason, first.ID) || r.Step != "" {
			t.Errorf("record %s after merge: state %s, step %q, last history %+v", id, r.State, r.Step, last)
		}
		if len(r.Answers) == 0 {
			t.Errorf("record %s lost its answers", id)
		}
	}
	if r, _ := w.e.Store().GetRecord(ctx, first.ID); r.State == engine.StateMerged {
		t.Error("the survivor was merged")
	}
	if got := auditCount(t, w.e, "record.merge"); got != 2 {
		t.Errorf("record.merge audit events = %d, want 2", got)
	}
	if got := auditCount(t, w.e, "worklist.merge"); got != 1 {
		t.Errorf("worklist.merge audit events = %d, want 1", got)
	}
	_, err = w.e.Worklist.MergeDuplicates(ctx, w.township, it.ID, worklist.Decision{Survivor: first.ID})
	wantErr(t, err, engine.ECONFLICT, "/status")

	// After the merge only one record is active: a rescan lists nothing new
	// and the decided item stays decided.
	if n, err := w.e.Worklist.ScanDuplicates(ctx, "migrant-cleanup"); err != nil || n != 0 {
		t.Fatalf("ScanDuplicates after merge = %d, %v; want 0", n, err)
	}
	if got, _ := w.e.Worklist.Item(ctx, w.district, it.ID); got.Status != worklist.WorkResolved {
		t.Fatalf("rescan reopened a merged group: %s", got.Status)
	}
}

func TestDuplicatesDismissThenNewcomerReopens(t *testing.T) {
	w := newWorklistWorld(t)
	ctx := context.Background()
	a := w.submit(t, w.dongguanWorker, person("李秀英", idLi, "1975-12-03", "outflow", "东关村2号", 2))
	b := w.submit(t, w.hubinWorker, person("李秀英", idLi, "1975-12-03", "inflow", "湖滨村8号", 2))
	items := w.items(t, w.district, worklist.WorklistFilter{})
	if len(items) != 1 {
		t.Fatalf("%d items, want 1", len(items))
	}
	it := items[0]
	// Two villages of two townships: the item sits with their common
	// district, out of sight of either village.
	if it.OrgUnit != "370102" || it.OrgPath != "/370000/370100/370102/" {
		t.Fatalf("item routed to %s %s, want the district", it.OrgUnit, it.OrgPath)
	}
	if got := w.items(t, w.dongguanWorker, worklist.WorklistFilter{}); len(got) != 0 {
		t.Fatalf("a village sees a cross-township item")
	}
	_, err := w.e.Worklist.DismissItem(ctx, w.district, it.ID, worklist.Decision{Note: "  "})
	wantErr(t, err, engine.EINVALID, "/note")
	dismissed, err := w.e.Worklist.DismissItem(ctx, w.district, it.ID, worklist.Decision{Note: "核实为户籍登记错误，非同一人"})
	if err != nil {
		t.Fatal(err)
	}
	if dismissed.Status != worklist.WorkDismissed || dismissed.Resolution.Note == "" {
		t.Fatalf("dismissed = %+v", dismissed)
	}
	for _, id := range []string{a.ID, b.ID} {
		if r, _ := w.e.Store().GetRecord(ctx, id); r.State == engine.StateMerged {
			t.Fatalf("dismissal changed record %s", id)
		}
	}
	if n, _ := w.e.Worklist.ScanDuplicates(ctx, "migrant-cleanup"); n != 1 {
		t.Fatalf("rescan found %d groups, want 1", n)
	}
	if got, _ := w.e.Worklist.Item(ctx, w.district, it.ID); got.Status != worklist.WorkDismissed {
		t.Fatalf("a rescan undid the dismissal: %s", got.Status)
	}
	// A third record with the same number is new information: the item
	// opens again instead of being taken as decided.
	c := w.submit(t, w.dongguanWorker, person("李秀英", idLi, "1975-12-03", "outflow", "东关村2号", 2))
	got, _ := w.e.Worklist.Item(ctx, w.district, it.ID)
	if got.Status != worklist.WorkOpen || got.Resolution != nil || !slices.Contains(got.RecordIDs, c.ID) {
		t.Fatalf("after a newcomer: %+v", got)
	}
	if n := auditCount(t, w.e, "worklist.duplicate_grew"); n != 1 {
		t.Fatalf("worklist.duplicate_grew audit events = %d, want 1", n)
	}
}

// TestScanDuplicatesManyRecords stores records straight into the store
// (as a bulk import does, without the per-write hook) and checks that one
// scan lists every group, across several pages of groups, exactly once.
func TestScanDuplicatesManyRecords(t *testing.T) {
	w := newWorklistWorld(t)
	ctx := context.Background()
	const singles, pairs, triples = 2000, 600, 50
	v := w.e.Vault()
	n := 0
	insert := func(idNumber string) {
		n++
		at := time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Millisecond)
		r := &engine.Record{
			ID: engine.NewID(at), CampaignID: "migrant-cleanup", FormID: "migrant-person", FormVersion: 1,
			OrgUnit: vDongguan, OrgPath: "/370000/370100/370102/370102001/370102001001/", State: "township_check",
			Answers: map[string]any{"flow": "outflow"}, DedupKey: v.Lookup("migrant-cleanup", engine.PIIIDNumber, idNumber),
			CreatedBy: "import", CreatedAt: at, UpdatedAt: at,
		}
		if _, _, err := w.e.Store().InsertRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for i := range singles {
		insert(fmt.Sprintf("S%06d", i))
	}
	for i := range pairs {
		insert(fmt.Sprintf("P%06d", i))
		insert(fmt.Sprintf("P%06d", i))
	}
	for i := range triples {
		for range 3 {
			insert(fmt.Sprintf("T%06d", i))
		}
	}
	for pass := 1; pass <= 2; pass++ {
		found, err := w.e.Worklist.ScanDuplicates(ctx, "migrant-cleanup")
		if err != nil {
			t.Fatal(err)
		}
		if found != pairs+triples {
			t.Fatalf("pass %d: ScanDuplicates = %d, want %d", pass, found, pairs+triples)
		}
		counts, err := w.e.Worklist.Counts(ctx, w.district, worklist.WorklistFilter{CampaignID: "migrant-cleanup"})
		if err != nil {
			t.Fatal(err)
		}
		want := []worklist.WorklistCount{{Kind: worklist.WorkDuplicate, Status: worklist.WorkOpen, Count: pairs + triples}}
		if !slices.Equal(counts, want) {
			t.Fatalf("pass %d: counts %+v, want %+v", pass, counts, want)
		}
	}
	if got := auditCount(t, w.e, "worklist.duplicate"); got != pairs+triples {
		t.Fatalf("worklist.duplicate audit events = %d, want one per group (%d)", got, pairs+triples)
	}
}
