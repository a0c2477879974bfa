package storetest

import (
	"slices"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// RecordFilter.CreatedFrom and CreatedBefore: "inclusive" and "exclusive"
// bounds on when a record was created, not when it last changed. The
// records' IDs are made at one instant and their CreatedAt at another (a
// record imported or moved keeps its own creation time), and every record
// is updated long after it was created, so a store that filters on the ID
// or on updatedAt gives the wrong answer. The counts are what the
// dashboard shows per campaign phase.
func createdScenarios() []scenario {
	day := func(d int) time.Time { return Epoch.Add(time.Duration(d) * 24 * time.Hour) }
	// key, campaign, form, created (days after Epoch); IDs run backwards.
	rows := []struct {
		key, campaign, form string
		created             int
	}{
		{"a", "c1", "f1", 0},
		{"b", "c1", "f1", 1},
		{"c", "c1", "f2", 2},
		{"d", "c1", "f1", 3},
		{"e", "c2", "f1", 2},
	}
	insert := func(t *testing.T, s app.Store) listFixture {
		t.Helper()
		fx := listFixture{}
		for i, row := range rows {
			r := NewRecord(Epoch.Add(time.Duration(len(rows)-i) * time.Minute))
			r.CampaignID, r.FormID = row.campaign, row.form
			r.CreatedAt = day(row.created)
			r.UpdatedAt = day(30)
			fx[row.key] = mustInsert(t, s, r).ID
		}
		return fx
	}
	cases := []struct {
		name string
		f    engine.RecordFilter
		want []string
	}{
		{"from_inclusive", engine.RecordFilter{CreatedFrom: day(2)}, []string{"c", "d", "e"}},
		{"before_exclusive", engine.RecordFilter{CreatedBefore: day(2)}, []string{"a", "b"}},
		{"window", engine.RecordFilter{CreatedFrom: day(1), CreatedBefore: day(3)}, []string{"b", "c", "e"}},
		{"window_campaign_form", engine.RecordFilter{CampaignID: "c1", FormID: "f1", CreatedFrom: day(1), CreatedBefore: day(4)}, []string{"b", "d"}},
		{"window_empty", engine.RecordFilter{CreatedFrom: day(4), CreatedBefore: day(9)}, nil},
		{"not_updated_time", engine.RecordFilter{CreatedFrom: day(29)}, nil},
		{"sub_millisecond_bound", engine.RecordFilter{CreatedFrom: day(2).Add(-time.Microsecond), CreatedBefore: day(3).Add(time.Microsecond)}, []string{"c", "d", "e"}},
	}
	var scs []scenario
	for _, c := range cases {
		scs = append(scs, scenario{c.name, func(t *testing.T, s app.Store) {
			fx := insert(t, s)
			want := fx.of(c.want...)
			n, err := s.CountRecords(t.Context(), c.f)
			must(t, err, "CountRecords")
			if n != int64(len(want)) {
				t.Errorf("CountRecords = %d, want %d (%s)", n, len(want), fx.names(want))
			}
			got := listAllRecords(t, s, c.f, 2, false)
			if !slices.Equal(got, want) {
				t.Errorf("ListRecords = %s, want %s (ascending ID)", fx.names(got), fx.names(want))
			}
		}})
	}
	return scs
}
