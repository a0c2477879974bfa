package engine_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"canvass/engine"
)

// Two authors save the same form against the same base at the same time:
// exactly one save wins, and the other gets ECONFLICT naming the winner.
func TestSaveDraftBasedRaceOneWins(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	first := mustUser(t, e, "author-a", "370102", engine.RoleAuthor)
	second := mustUser(t, e, "author-b", "370102", engine.RoleAuthor)
	form := func(label string) []byte {
		return fmt.Appendf(nil, `{"x-form-id": "race", "type": "object", "properties": {"q": {"type": "string", "x-label": {"zh": %q}}}}`, label)
	}
	res, err := e.SaveDraftBased(ctx, first, engine.KindForm, "race", "race.form.json", form("开始"), "")
	if err != nil {
		t.Fatal(err)
	}
	base := res.Definition.Checksum
	for round := range 20 {
		authors := []*engine.Actor{first, second}
		errs := make([]error, 2)
		results := make([]*engine.DraftResult, 2)
		var start, done sync.WaitGroup
		start.Add(1)
		for i, a := range authors {
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				results[i], errs[i] = e.SaveDraftBased(ctx, a, engine.KindForm, "race", "race.form.json", form(fmt.Sprintf("第%d轮%s", round, a.User.Username)), base)
			}()
		}
		start.Done()
		done.Wait()
		var winners, losers []int
		for i, err := range errs {
			switch engine.ErrorCode(err) {
			case "":
				winners = append(winners, i)
			case engine.ECONFLICT:
				losers = append(losers, i)
			default:
				t.Fatalf("round %d: save by %s: %v", round, authors[i].User.Username, err)
			}
		}
		if len(winners) != 1 || len(losers) != 1 {
			t.Fatalf("round %d: %d saves won and %d lost, want one each (%v)", round, len(winners), len(losers), errs)
		}
		w, l := winners[0], losers[0]
		fields := engine.ErrorFields(errs[l])
		if len(fields) != 1 || fields[0].Code != "stale" || fields[0].Message != authors[w].User.DisplayName {
			t.Fatalf("round %d: the loser's conflict names %+v, want the winner %s", round, fields, authors[w].User.DisplayName)
		}
		base = results[w].Definition.Checksum
	}
}
