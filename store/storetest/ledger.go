package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/pay"
)

// bigFen is 2^53+1 fen: exact in an int64, not in a float64, so a store that
// passes amounts through floating point gets it wrong.
const bigFen = int64(1)<<53 + 1

// newEntry returns a ledger entry for event pay of worker on record for
// item, with a fresh ID.
func newEntry(campaign, worker, workerPath, role, record, item, period string, fen int64) pay.LedgerEntry {
	return pay.LedgerEntry{
		ID:  engine.NewID(Epoch),
		Key: record + "/" + worker + "/" + item, CampaignID: campaign,
		PayTableID: "pay-" + campaign, PayTableVersion: 2,
		Item: item, Rule: "fen(0.5) * count", Inputs: map[string]any{"count": 3, "来源": "核查", "rates": []any{0.5, 1}},
		WorkerID: worker, WorkerOrgPath: workerPath, Role: role, RecordID: record,
		Period: period, AmountFen: fen, CreatedBy: "system", CreatedAt: Epoch,
	}
}

func diffEntry(got *pay.LedgerEntry, want pay.LedgerEntry) differ {
	if got == nil {
		return differ{"entry is nil"}
	}
	var d differ
	d.str("ID", got.ID, want.ID)
	d.str("Key", got.Key, want.Key)
	d.str("CampaignID", got.CampaignID, want.CampaignID)
	d.str("PayTableID", got.PayTableID, want.PayTableID)
	d.num("PayTableVersion", int64(got.PayTableVersion), int64(want.PayTableVersion))
	d.str("Item", got.Item, want.Item)
	d.str("Rule", got.Rule, want.Rule)
	d.json("Inputs", got.Inputs, want.Inputs)
	d.str("WorkerID", got.WorkerID, want.WorkerID)
	d.str("WorkerOrgPath", got.WorkerOrgPath, want.WorkerOrgPath)
	d.str("Role", got.Role, want.Role)
	d.str("RecordID", got.RecordID, want.RecordID)
	d.str("Period", got.Period, want.Period)
	d.num("AmountFen", got.AmountFen, want.AmountFen)
	d.str("Reverses", got.Reverses, want.Reverses)
	d.str("Reason", got.Reason, want.Reason)
	d.str("CreatedBy", got.CreatedBy, want.CreatedBy)
	d.time("CreatedAt", got.CreatedAt, want.CreatedAt)
	return d
}

func appendLedger(t *testing.T, s app.Store, entries ...pay.LedgerEntry) int {
	t.Helper()
	n, err := s.AppendLedger(t.Context(), entries)
	must(t, err, "AppendLedger")
	return n
}

// listAllLedger walks every page of f (see pageAll).
func listAllLedger(t *testing.T, s app.Store, f pay.LedgerFilter, limit int, desc bool) []*pay.LedgerEntry {
	t.Helper()
	return pageAll(t, "ListLedger", limit, desc, func(p engine.Page) ([]*pay.LedgerEntry, string, error) {
		page, err := s.ListLedger(t.Context(), f, p)
		if err != nil {
			return nil, "", err
		}
		return page.Entries, page.Next, nil
	})
}

func entryIDs(es []*pay.LedgerEntry) []string {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}

// ledgerRows is a ledger with several workers, items, periods, campaigns,
// roles and org subtrees; w4's path shares the text prefix of /p/c1/.
func ledgerRows() []pay.LedgerEntry {
	rows := []pay.LedgerEntry{
		newEntry("c1", "w1", "/p/c1/t1/v1/", "field_worker", "rec-1", "collected", "2026-Q1", 50),
		newEntry("c1", "w1", "/p/c1/t1/v1/", "field_worker", "rec-2", "collected", "2026-Q1", 50),
		newEntry("c1", "w1", "/p/c1/t1/v1/", "field_worker", "rec-2", "entered", "2026-Q2", 100),
		newEntry("c1", "w2", "/p/c1/t2/", "reviewer", "rec-1", "approved", "2026-Q1", 150),
		newEntry("c1", "w2", "/p/c1/t2/", "reviewer", "rec-2", "approved", "2026-Q2", bigFen),
		newEntry("c2", "w3", "/p/c2/", "supervisor", "day-1", "daily", "2026-Q2", 5000),
		newEntry("c2", "w4", "/p/c10/t1/", "field_worker", "rec-9", "collected", "2026-Q2", 50),
	}
	// A reversal of rec-1's collection.
	rev := newEntry("c1", "w1", "/p/c1/t1/v1/", "field_worker", "rec-1", "collected", "2026-Q2", -50)
	rev.Key += "/reversal"
	rev.Reverses, rev.Reason = rows[0].ID, "抽查发现问题，扣回"
	rows = append(rows, rev)
	for i := range rows { // IDs in row order
		rows[i].ID = engine.NewID(Epoch.Add(time.Duration(i) * time.Millisecond))
		rows[i].CreatedAt = Epoch.Add(time.Duration(i) * time.Millisecond)
	}
	rows[7].Reverses = rows[0].ID
	return rows
}

// Ledger: AppendLedger "stores each entry unless an entry with the same Key
// exists, and returns how many were new. An existing key with the same
// amount, worker and item is a retry and is skipped; with different content
// it is ECONFLICT (the batch's other entries are still written …). Returns
// EINVALID for an entry without ID, Key, CampaignID or WorkerID." ListLedger
// "returns one page of matching entries, keyset-paged by ID." Amounts are
// exact int64 fen.
func ledgerScenarios() []scenario {
	scs := []scenario{
		{"append_and_list", func(t *testing.T, s app.Store) {
			rows := ledgerRows()
			for i := range rows {
				rows[i].CreatedAt = oddTime(rows[i].CreatedAt)
			}
			if n := appendLedger(t, s, rows...); n != len(rows) {
				t.Errorf("AppendLedger = %d, want %d new", n, len(rows))
			}
			got := listAllLedger(t, s, pay.LedgerFilter{}, 100, false)
			if len(got) != len(rows) {
				t.Fatalf("ListLedger has %d entries, want %d", len(got), len(rows))
			}
			for i, e := range got {
				diffEntry(e, rows[i]).report(t, "listed entry "+rows[i].Key)
			}
		}},
		{"retry_skipped", func(t *testing.T, s app.Store) {
			rows := ledgerRows()
			appendLedger(t, s, rows...)
			// A retry computes the same entries again under new IDs.
			retry := slices.Clone(rows)
			for i := range retry {
				retry[i].ID = engine.NewID(Epoch.Add(time.Hour))
				retry[i].CreatedAt = Epoch.Add(time.Hour)
			}
			if n := appendLedger(t, s, retry...); n != 0 {
				t.Errorf("AppendLedger of a retry = %d new, want 0", n)
			}
			if n := appendLedger(t, s, rows...); n != 0 {
				t.Errorf("AppendLedger of the same entries = %d new, want 0", n)
			}
			if got := listAllLedger(t, s, pay.LedgerFilter{}, 100, false); !slices.Equal(entryIDs(got), ids(rows)) {
				t.Errorf("ledger after retries = %q, want the first entries %q", entryIDs(got), ids(rows))
			}
		}},
		{"partly_new_batch", func(t *testing.T, s app.Store) {
			rows := ledgerRows()
			appendLedger(t, s, rows[:3]...)
			if n := appendLedger(t, s, rows...); n != len(rows)-3 {
				t.Errorf("AppendLedger = %d new, want %d", n, len(rows)-3)
			}
			if got := listAllLedger(t, s, pay.LedgerFilter{}, 100, false); len(got) != len(rows) {
				t.Errorf("ledger has %d entries, want %d", len(got), len(rows))
			}
		}},
		{"empty_batch", func(t *testing.T, s app.Store) {
			if n := appendLedger(t, s); n != 0 {
				t.Errorf("AppendLedger of nothing = %d", n)
			}
		}},
	}

	clashes := []struct {
		name   string
		change func(e *pay.LedgerEntry)
	}{
		{"amount", func(e *pay.LedgerEntry) { e.AmountFen = 51 }},
		{"worker", func(e *pay.LedgerEntry) { e.WorkerID = "w9" }},
		{"item", func(e *pay.LedgerEntry) { e.Item = "entered" }},
	}
	for _, c := range clashes {
		scs = append(scs, scenario{"same_key_different_" + c.name + "_conflicts_rest_written", func(t *testing.T, s app.Store) {
			rows := ledgerRows()
			appendLedger(t, s, rows[0])
			clash := rows[0]
			clash.ID = engine.NewID(Epoch.Add(time.Hour))
			c.change(&clash)
			_, err := s.AppendLedger(t.Context(), []pay.LedgerEntry{rows[1], clash, rows[2]})
			wantCode(t, err, engine.ECONFLICT, "AppendLedger with a clashing key")
			got := listAllLedger(t, s, pay.LedgerFilter{}, 100, false)
			if want := ids(rows[:3]); !slices.Equal(entryIDs(got), want) {
				t.Fatalf("ledger after the clash = %q, want %q (the others written, the clash not)", entryIDs(got), want)
			}
			diffEntry(got[0], rows[0]).report(t, "the entry the clash named")
			// Retrying the batch without the clash completes nothing more.
			if n := appendLedger(t, s, rows[1], rows[2]); n != 0 {
				t.Errorf("retry after the clash = %d new, want 0", n)
			}
		}})
	}

	invalid := []struct {
		name  string
		spoil func(e *pay.LedgerEntry)
	}{
		{"missing_id", func(e *pay.LedgerEntry) { e.ID = "" }},
		{"missing_key", func(e *pay.LedgerEntry) { e.Key = "" }},
		{"missing_campaign", func(e *pay.LedgerEntry) { e.CampaignID = "" }},
		{"missing_worker", func(e *pay.LedgerEntry) { e.WorkerID = "" }},
	}
	for _, c := range invalid {
		scs = append(scs, scenario{c.name + "_invalid", func(t *testing.T, s app.Store) {
			e := ledgerRows()[0]
			c.spoil(&e)
			_, err := s.AppendLedger(t.Context(), []pay.LedgerEntry{e})
			wantCode(t, err, engine.EINVALID, "AppendLedger")
			if got := listAllLedger(t, s, pay.LedgerFilter{}, 100, false); len(got) != 0 {
				t.Errorf("ledger has %d entries after an invalid append", len(got))
			}
		}})
	}

	filters := []struct {
		name string
		f    pay.LedgerFilter
		want []int // rows, by index in ledgerRows
	}{
		{"all", pay.LedgerFilter{}, []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{"campaign", pay.LedgerFilter{CampaignID: "c2"}, []int{5, 6}},
		{"worker", pay.LedgerFilter{WorkerID: "w1"}, []int{0, 1, 2, 7}},
		{"item", pay.LedgerFilter{Item: "collected"}, []int{0, 1, 6, 7}},
		{"record", pay.LedgerFilter{RecordID: "rec-2"}, []int{1, 2, 4}},
		{"period", pay.LedgerFilter{Periods: []string{"2026-Q1"}}, []int{0, 1, 3}},
		{"periods_several", pay.LedgerFilter{Periods: []string{"2026-Q1", "2026-Q2"}}, []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{"org_path_not_c10", pay.LedgerFilter{OrgPaths: []string{"/p/c1/"}}, []int{0, 1, 2, 3, 4, 7}},
		{"org_paths_several", pay.LedgerFilter{OrgPaths: []string{"/p/c1/t2/", "/p/c10/"}}, []int{3, 4, 6}},
		{"combined", pay.LedgerFilter{CampaignID: "c1", Item: "collected", Periods: []string{"2026-Q2"}, OrgPaths: []string{"/p/c1/t1/"}}, []int{7}},
		{"nothing", pay.LedgerFilter{WorkerID: "w1", Item: "daily"}, nil},
	}
	for _, c := range filters {
		scs = append(scs, scenario{"list_" + c.name, func(t *testing.T, s app.Store) {
			rows := ledgerRows()
			appendLedger(t, s, rows...)
			var want []string
			for _, i := range c.want {
				want = append(want, rows[i].ID)
			}
			if got := entryIDs(listAllLedger(t, s, c.f, 2, false)); !sameStrings(got, want) {
				t.Errorf("ListLedger ascending in pages of 2 = %q, want %q", got, want)
			}
			if got := entryIDs(listAllLedger(t, s, c.f, 3, true)); !sameStrings(got, reversed(want)) {
				t.Errorf("ListLedger descending in pages of 3 = %q, want %q", got, reversed(want))
			}
		}})
	}
	scs = append(scs, scenario{"list_after_an_id", func(t *testing.T, s app.Store) {
		rows := ledgerRows()
		appendLedger(t, s, rows...)
		page, err := s.ListLedger(t.Context(), pay.LedgerFilter{}, engine.Page{After: rows[5].ID, Limit: 10})
		must(t, err, "ListLedger")
		if got, want := entryIDs(page.Entries), ids(rows[6:]); !slices.Equal(got, want) || page.Next != "" {
			t.Errorf("ListLedger after rows[5] = %q Next %q, want %q and no Next", got, page.Next, want)
		}
	}})
	return scs
}

func ids(es []pay.LedgerEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// SumLedger: "counts and sums the matching entries grouped by the keys in
// groupBy (LedgerBy… constants), sorted by key values. Returns EINVALID for
// an unknown group key." Sums are exact int64.
func sumLedgerScenarios() []scenario {
	type sum struct {
		key   string // the key values joined by "|", in groupBy order
		count int64
		fen   int64
	}
	cases := []struct {
		name    string
		f       pay.LedgerFilter
		groupBy []string
		want    []sum
	}{
		{"by_worker", pay.LedgerFilter{}, []string{pay.LedgerByWorker}, []sum{
			{"w1", 4, 150}, {"w2", 2, 150 + bigFen}, {"w3", 1, 5000}, {"w4", 1, 50}}},
		{"by_item", pay.LedgerFilter{}, []string{pay.LedgerByItem}, []sum{
			{"approved", 2, 150 + bigFen}, {"collected", 4, 100}, {"daily", 1, 5000}, {"entered", 1, 100}}},
		{"by_period", pay.LedgerFilter{}, []string{pay.LedgerByPeriod}, []sum{
			{"2026-Q1", 3, 250}, {"2026-Q2", 5, 100 + bigFen + 5000 + 50 - 50}}},
		{"by_campaign", pay.LedgerFilter{}, []string{pay.LedgerByCampaign}, []sum{
			{"c1", 6, 50 + 50 + 100 + 150 + bigFen - 50}, {"c2", 2, 5050}}},
		{"by_role", pay.LedgerFilter{}, []string{pay.LedgerByRole}, []sum{
			{"field_worker", 5, 200}, {"reviewer", 2, 150 + bigFen}, {"supervisor", 1, 5000}}},
		{"by_worker_and_period", pay.LedgerFilter{}, []string{pay.LedgerByWorker, pay.LedgerByPeriod}, []sum{
			{"w1|2026-Q1", 2, 100}, {"w1|2026-Q2", 2, 50}, {"w2|2026-Q1", 1, 150}, {"w2|2026-Q2", 1, bigFen},
			{"w3|2026-Q2", 1, 5000}, {"w4|2026-Q2", 1, 50}}},
		{"by_period_and_worker", pay.LedgerFilter{}, []string{pay.LedgerByPeriod, pay.LedgerByWorker}, []sum{
			{"2026-Q1|w1", 2, 100}, {"2026-Q1|w2", 1, 150},
			{"2026-Q2|w1", 2, 50}, {"2026-Q2|w2", 1, bigFen}, {"2026-Q2|w3", 1, 5000}, {"2026-Q2|w4", 1, 50}}},
		{"filtered_org_paths", pay.LedgerFilter{OrgPaths: []string{"/p/c1/"}}, []string{pay.LedgerByWorker}, []sum{
			{"w1", 4, 150}, {"w2", 2, 150 + bigFen}}},
		{"filtered_periods", pay.LedgerFilter{Periods: []string{"2026-Q1"}}, []string{pay.LedgerByItem}, []sum{
			{"approved", 1, 150}, {"collected", 2, 100}}},
		{"filtered_campaign_worker", pay.LedgerFilter{CampaignID: "c1", WorkerID: "w1"}, []string{pay.LedgerByItem, pay.LedgerByPeriod}, []sum{
			{"collected|2026-Q1", 2, 100}, {"collected|2026-Q2", 1, -50}, {"entered|2026-Q2", 1, 100}}},
		{"filtered_record", pay.LedgerFilter{RecordID: "rec-1", Item: "collected"}, []string{pay.LedgerByWorker}, []sum{
			{"w1", 2, 0}}},
		{"nothing", pay.LedgerFilter{CampaignID: "c9"}, []string{pay.LedgerByWorker}, nil},
	}
	show := func(ss []sum) string {
		var b strings.Builder
		for _, s := range ss {
			fmt.Fprintf(&b, " {%s count=%d fen=%d}", s.key, s.count, s.fen)
		}
		return b.String()
	}
	var scs []scenario
	for _, c := range cases {
		scs = append(scs, scenario{c.name, func(t *testing.T, s app.Store) {
			appendLedger(t, s, ledgerRows()...)
			got, err := s.SumLedger(t.Context(), c.f, c.groupBy)
			must(t, err, "SumLedger")
			var gs []sum
			for _, g := range got {
				vals := make([]string, len(c.groupBy))
				for i, k := range c.groupBy {
					vals[i] = g.Key[k]
				}
				if len(g.Key) != len(c.groupBy) {
					t.Errorf("group key %v has %d values, want %d", g.Key, len(g.Key), len(c.groupBy))
				}
				gs = append(gs, sum{strings.Join(vals, "|"), g.Count, g.AmountFen})
			}
			if !slices.Equal(gs, c.want) {
				t.Errorf("SumLedger by %q =%s\n\twant%s", c.groupBy, show(gs), show(c.want))
			}
		}})
	}
	for _, c := range []struct {
		name    string
		groupBy []string
	}{
		{"unknown_group_key", []string{"month"}},
		{"unknown_among_known", []string{pay.LedgerByWorker, "amount"}},
		{"empty_group_key", []string{""}},
	} {
		scs = append(scs, scenario{c.name + "_invalid", func(t *testing.T, s app.Store) {
			appendLedger(t, s, ledgerRows()...)
			_, err := s.SumLedger(t.Context(), pay.LedgerFilter{}, c.groupBy)
			wantCode(t, err, engine.EINVALID, fmt.Sprintf("SumLedger by %q", c.groupBy))
		}})
	}
	return scs
}
