package paytables

import (
	"slices"
	"testing"
	"time"

	"canvass/internal/linttest"
)

// FuzzLoad checks that Load never panics or hangs, that it reports
// positions inside the file, and that a table it returns pays every event
// without panicking, never a negative amount.
func FuzzLoad(f *testing.F) {
	linttest.FuzzSeeds(f, ".paytable.yaml")
	at := time.Date(2030, 11, 20, 1, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		pt, ds := Load("fuzz.paytable.yaml", src)
		linttest.CheckPositions(t, linttest.LineCount(src), ds)
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
