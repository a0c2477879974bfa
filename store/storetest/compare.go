package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// must stops the test when err is not nil.
func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantCode checks that err carries the engine error code want ("" for nil).
func wantCode(t *testing.T, err error, want, what string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != want {
		t.Errorf("%s: error code %q, want %q (err: %v)", what, got, want, err)
	}
}

// storedTime is what a store gives back for t: the same instant truncated to
// the millisecond (not rounded), in UTC. The zero time stays zero.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Millisecond).UTC()
}

// shanghai is UTC+8, the zone of the engine's edges; times given to a store
// in it must come back in UTC.
var shanghai = time.FixedZone("CST", 8*3600)

// oddTime is t in Asia/Shanghai plus 123.456789 ms: a store must give it
// back in UTC truncated to t+123ms.
func oddTime(t time.Time) time.Time {
	return t.Add(123_456_789 * time.Nanosecond).In(shanghai)
}

// sameTime reports whether got is what a store must give back for want.
func sameTime(got, want time.Time) bool {
	if want.IsZero() {
		return got.IsZero()
	}
	return got.Equal(storedTime(want))
}

// jsonValue is v as a decoded JSON value, so that 3 and 3.0, or a []string and
// a []any, compare equal; nil, empty maps and empty slices all become nil.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unmarshalable %T: %v", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Sprintf("undecodable %s", b)
	}
	switch x := out.(type) {
	case map[string]any:
		if len(x) == 0 {
			return nil
		}
	case []any:
		if len(x) == 0 {
			return nil
		}
	}
	return out
}

func sameJSON(got, want any) bool { return reflect.DeepEqual(jsonValue(got), jsonValue(want)) }

func showJSON(v any) string {
	b, _ := json.Marshal(jsonValue(v))
	return string(b)
}

// sameStrings compares two string slices, nil equal to empty.
func sameStrings(got, want []string) bool {
	return len(got) == len(want) && (len(got) == 0 || slices.Equal(got, want))
}

// differ collects field mismatches as "Field = got, want want" lines.
type differ []string

func (d *differ) str(name, got, want string) {
	if got != want {
		*d = append(*d, fmt.Sprintf("%s = %q, want %q", name, got, want))
	}
}

func (d *differ) num(name string, got, want int64) {
	if got != want {
		*d = append(*d, fmt.Sprintf("%s = %d, want %d", name, got, want))
	}
}

func (d *differ) boolean(name string, got, want bool) {
	if got != want {
		*d = append(*d, fmt.Sprintf("%s = %v, want %v", name, got, want))
	}
}

func (d *differ) time(name string, got, want time.Time) {
	if !sameTime(got, want) {
		*d = append(*d, fmt.Sprintf("%s = %s, want %s", name, fmtTime(got), fmtTime(storedTime(want).UTC())))
		return
	}
	if _, off := got.Zone(); off != 0 {
		*d = append(*d, fmt.Sprintf("%s = %s, want it in UTC", name, fmtTime(got)))
	}
}

func (d *differ) strs(name string, got, want []string) {
	if !sameStrings(got, want) {
		*d = append(*d, fmt.Sprintf("%s = %q, want %q", name, got, want))
	}
}

func (d *differ) json(name string, got, want any) {
	if !sameJSON(got, want) {
		*d = append(*d, fmt.Sprintf("%s = %s, want %s", name, showJSON(got), showJSON(want)))
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.Format("2006-01-02T15:04:05.000000000Z07:00")
}

// report fails the test with the differences, if any.
func (d differ) report(t *testing.T, what string) {
	t.Helper()
	if len(d) > 0 {
		t.Errorf("%s differs:\n\t%s", what, strings.Join(d, "\n\t"))
	}
}

// diffRecord lists how got differs from want, the record a store must give
// back (times truncated to the millisecond). want.ContentHash is compared only
// when set.
func diffRecord(got, want *engine.Record) differ {
	var d differ
	if got == nil {
		return differ{"record is nil"}
	}
	d.str("ID", got.ID, want.ID)
	d.str("CampaignID", got.CampaignID, want.CampaignID)
	d.str("FormID", got.FormID, want.FormID)
	d.num("FormVersion", int64(got.FormVersion), int64(want.FormVersion))
	d.str("WorkflowID", got.WorkflowID, want.WorkflowID)
	d.num("WorkflowVersion", int64(got.WorkflowVersion), int64(want.WorkflowVersion))
	d.str("OrgUnit", got.OrgUnit, want.OrgUnit)
	d.str("OrgPath", got.OrgPath, want.OrgPath)
	d.str("State", got.State, want.State)
	d.json("Answers", got.Answers, want.Answers)
	d.str("DedupKey", got.DedupKey, want.DedupKey)
	d.str("Step", got.Step, want.Step)
	d.strs("CandidateRoles", got.CandidateRoles, want.CandidateRoles)
	d.str("TaskOrgPath", got.TaskOrgPath, want.TaskOrgPath)
	d.str("Assignee", got.Assignee, want.Assignee)
	d.time("DueAt", got.DueAt, want.DueAt)
	d.time("NextTimerAt", got.NextTimerAt, want.NextTimerAt)
	d.str("TimerKind", got.TimerKind, want.TimerKind)
	d.str("LeaseOwner", got.LeaseOwner, want.LeaseOwner)
	d.time("LeaseUntil", got.LeaseUntil, want.LeaseUntil)
	d.num("Version", got.Version, want.Version)
	d.num("Number", got.Number, want.Number)
	d.str("CreatedBy", got.CreatedBy, want.CreatedBy)
	d.time("CreatedAt", got.CreatedAt, want.CreatedAt)
	d.time("UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	if want.ContentHash != "" {
		d.str("ContentHash", got.ContentHash, want.ContentHash)
	}
	if len(got.History) != len(want.History) {
		d = append(d, fmt.Sprintf("len(History) = %d, want %d", len(got.History), len(want.History)))
	} else {
		for i, w := range want.History {
			g := got.History[i]
			p := fmt.Sprintf("History[%d].", i)
			d.time(p+"At", g.At, w.At)
			d.str(p+"Actor", g.Actor, w.Actor)
			d.str(p+"Action", g.Action, w.Action)
			d.str(p+"FromState", g.FromState, w.FromState)
			d.str(p+"ToState", g.ToState, w.ToState)
			d.str(p+"Reason", g.Reason, w.Reason)
			d.json(p+"Changes", g.Changes, w.Changes)
		}
	}
	return d
}

// checkRecord fails the test if got is not the record want.
func checkRecord(t *testing.T, what string, got, want *engine.Record) {
	t.Helper()
	diffRecord(got, want).report(t, what)
}

// mustGet reads a record that must exist.
func mustGet(t *testing.T, s app.Store, id string) *engine.Record {
	t.Helper()
	r, err := s.GetRecord(t.Context(), id)
	must(t, err, "GetRecord "+id)
	return r
}

// mustInsert stores r and returns the stored copy.
func mustInsert(t *testing.T, s app.Store, r *engine.Record) *engine.Record {
	t.Helper()
	got, _, err := s.InsertRecord(t.Context(), r)
	must(t, err, "InsertRecord "+r.ID)
	return got
}

// inserted is the record a store must hold after inserting r: r at Version 1
// with its content hash. Call it before InsertRecord, which may change r.
func inserted(r *engine.Record) *engine.Record {
	w := *r
	w.Version = 1
	if w.ContentHash == "" {
		w.ContentHash = engine.RecordContentHash(r)
	}
	return &w
}

// sortedIDs returns ids sorted ascending (a new slice).
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return out
}

// reversed returns ids in reverse order (a new slice).
func reversed(ids []string) []string {
	out := slices.Clone(ids)
	slices.Reverse(out)
	return out
}

// recordIDs returns the IDs of rs in order.
func recordIDs(rs []*engine.Record) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// pageAll walks every page of a keyset-paged list with the given page size
// and returns the items in the order given. fetch lists one page. It checks
// that no page is over the limit and that a short page is the last one
// (Next empty), and stops the test if paging does not end.
func pageAll[T any](t *testing.T, what string, limit int, desc bool, fetch func(p engine.Page) ([]T, string, error)) []T {
	t.Helper()
	var out []T
	p := engine.Page{Limit: limit, Desc: desc}
	for range 10_000 {
		items, next, err := fetch(p)
		must(t, err, fmt.Sprintf("%s(After %q)", what, p.After))
		if len(items) > limit {
			t.Fatalf("%s returned %d items, over the limit %d", what, len(items), limit)
		}
		if len(items) < limit && next != "" {
			t.Errorf("%s: a page of %d < %d items has Next %q, want empty (last page)", what, len(items), limit, next)
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		p.After = next
	}
	t.Fatalf("%s paging did not end", what)
	return nil
}
