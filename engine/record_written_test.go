package engine_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/store/sqlite"
)

// recordingFollower remembers the records it heard of and fails while
// failing is set.
type recordingFollower struct {
	mu      sync.Mutex
	failing bool
	seen    []string // "<id>@<version>"
}

func (f *recordingFollower) RecordWritten(_ context.Context, r *engine.Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seen = append(f.seen, r.ID+"@"+strconv.FormatInt(r.Version, 10))
	if f.failing {
		return errors.New("follower down")
	}
	return nil
}

// TestFollowersRunAfterEveryWriteAndAFailureLosesNothing: every follower
// hears of the insert and of each action's update, in order; a failing
// follower is logged and neither undoes the write nor keeps the next
// follower from running.
func TestFollowersRunAfterEveryWriteAndAFailureLosesNothing(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	failing, after := &recordingFollower{failing: true}, &recordingFollower{}
	clk := &enginetest.Clock{}
	clk.Set(enginetest.Start)
	e := engine.New(engine.Config{Store: st, Now: clk.Now, Vault: vault,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Followers: []engine.RecordFollower{failing}})
	e.Follow(after)
	enginetest.SeedTree(t, e)
	author := enginetest.MustUser(t, e, "author", "370102", engine.RoleAuthor)
	worker := enginetest.MustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker)
	reviewer := enginetest.MustUser(t, e, "reviewer", "370102001", engine.RoleReviewer)
	publishSubsidy(t, e, author)
	res, err := e.Submit(ctx, worker, engine.Submission{CampaignID: "subsidy-2026", FormID: "subsidy-application",
		Answers: map[string]any{"applicant": "孙丽", "idNumber": "370102197512034524", "amount": 3000}})
	if err != nil {
		t.Fatalf("submit with a failing follower: %v", err)
	}
	id := res.Record.ID
	if _, err := e.Act(ctx, reviewer, id, engine.Action{Name: "claim", Version: res.Record.Version}); err != nil {
		t.Fatalf("claim with a failing follower: %v", err)
	}
	stored, err := st.GetRecord(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stored.Version, int64(2); got != want {
		t.Errorf("stored version: got %d, want %d (both writes durable)", got, want)
	}
	want := []string{id + "@1", id + "@2"}
	for name, f := range map[string]*recordingFollower{"failing": failing, "after": after} {
		if strings.Join(f.seen, " ") != strings.Join(want, " ") {
			t.Errorf("%s follower saw %v, want %v", name, f.seen, want)
		}
	}
	if got := strings.Count(logs.String(), "record follower failed"); got != 2 {
		t.Errorf("logged follower failures: got %d, want 2\n%s", got, logs.String())
	}
}
