package paytables

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// FuzzLoad checks that Load never panics or hangs, that it reports
// positions inside the file, and that a table it returns pays every event
// without panicking, never a negative amount.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.paytable.yaml")
	lint, _ := filepath.Glob("testdata/lint/*.paytable.yaml")
	for _, file := range append(files, lint...) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	at := time.Date(2030, 11, 20, 1, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		pt, ds := Load("fuzz.paytable.yaml", src)
		lines := lineCount(src)
		for _, d := range ds {
			if d.Line < 1 || d.Line > lines || d.Col < 1 || d.Code == "" {
				t.Errorf("bad position or code: %+v (file has %d lines)", d, lines)
			}
		}
		if pt == nil {
			return
		}
		if pt.ID() == "" || pt.EffectiveFrom().IsZero() || pt.PeriodKind() == "" || len(pt.Items()) == 0 {
			t.Fatalf("Load returned a table without a required value:\n%s", src)
		}
		for _, kind := range Events {
			ev := Event{Kind: kind, RecordID: "r", FormID: "f", CreatorID: "c", ActorID: "a", CreatorRoles: Roles, ActorRoles: Roles,
				Answers: map[string]any{"event_type": "birth", "size": 3}, At: at}
			out, err := pt.Lines(ev)
			if err != nil {
				continue // a rule may fail on these answers
			}
			for _, l := range out {
				if l.AmountFen < 0 || !slices.Contains(pt.Items(), l.Item) || l.Key == "" || l.Period == "" {
					t.Fatalf("bad line %+v", l)
				}
				if capped := pt.ApplyCap(l, 1<<40); capped.AmountFen < 0 || capped.AmountFen > l.AmountFen {
					t.Fatalf("cap turned %d into %d", l.AmountFen, capped.AmountFen)
				}
			}
		}
	})
}

// lineCount counts lines as YAML does: CR LF, LF and a lone CR each end
// one.
func lineCount(src []byte) int {
	n := 1
	for i, b := range src {
		if b == '\n' || b == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			n++
		}
	}
	return n
}
