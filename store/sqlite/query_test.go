package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"canvass/engine"
)

// TestListPageWindow: paging a list through the window (a large subtree)
// and through the plain query (a small one) gives the same pages as a
// sort of the matching IDs, in both directions and at several sizes.
func TestListPageWindow(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	// 3000 records: 85% in /big/, 14% in /mid/, 1% in /small/, interleaved.
	const n = 3000
	recs := make([]*engine.Record, n)
	for i := range recs {
		r := testRecord(engine.NewID(time.Now()))
		switch {
		case i%100 == 7:
			r.OrgPath = "/small/v/"
		case i%7 == 3:
			r.OrgPath = "/mid/v/"
		default:
			r.OrgPath = "/big/v/"
		}
		r.State = []string{"a", "b", "c"}[i%3]
		recs[i] = r
	}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < n; i += 16 {
				if _, _, err := s.InsertRecord(ctx, recs[i]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()

	tests := []struct {
		f     engine.RecordFilter
		match func(*engine.Record) bool
	}{
		{engine.RecordFilter{OrgPaths: []string{"/big/"}}, func(r *engine.Record) bool { return r.OrgPath == "/big/v/" }},
		{engine.RecordFilter{OrgPaths: []string{"/mid/"}}, func(r *engine.Record) bool { return r.OrgPath == "/mid/v/" }},
		{engine.RecordFilter{OrgPaths: []string{"/small/"}}, func(r *engine.Record) bool { return r.OrgPath == "/small/v/" }},
		{engine.RecordFilter{OrgPaths: []string{"/small/", "/mid/"}, States: []string{"a", "c"}}, func(r *engine.Record) bool {
			return r.OrgPath != "/big/v/" && r.State != "b"
		}},
	}
	for _, tt := range tests {
		var want []string
		for _, r := range recs {
			if tt.match(r) {
				want = append(want, r.ID)
			}
		}
		slices.Sort(want)
		for _, limit := range []int{7, 50, 500} {
			for _, desc := range []bool{false, true} {
				name := fmt.Sprintf("%v/%v/limit=%d/desc=%v", strings.Join(tt.f.OrgPaths, ","), tt.f.States, limit, desc)
				t.Run(name, func(t *testing.T) {
					var got []string
					p := engine.Page{Limit: limit, Desc: desc}
					for {
						page, err := s.ListRecords(ctx, tt.f, p)
						if err != nil {
							t.Fatal(err)
						}
						for _, r := range page.Records {
							got = append(got, r.ID)
						}
						if page.Next == "" {
							break
						}
						if len(page.Records) != limit {
							t.Fatalf("a page before the last has %d records, want %d", len(page.Records), limit)
						}
						p.After = page.Next
					}
					w := slices.Clone(want)
					if desc {
						slices.Reverse(w)
					}
					if !slices.Equal(got, w) {
						t.Errorf("listed %d IDs, want %d; first difference at %d", len(got), len(w), firstDiff(got, w))
					}
				})
			}
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestPrefixEnd(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"/p/", "/p0", true},
		{"a", "b", true},
		{"a\xff", "b", true},
		{"\xff\xff", "", false},
	} {
		got, ok := prefixEnd(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
