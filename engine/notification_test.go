package engine_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// kindsOf lists the kinds of all of a's notifications, oldest first, and
// checks each names recordID.
func kindsOf(t *testing.T, e *app.App, a *engine.Actor, recordID string) []string {
	t.Helper()
	page, err := e.Notifications(context.Background(), a, false, engine.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range slices.Backward(page.Notifications) {
		if n.RecordID != recordID || n.UserID != a.ID() {
			t.Errorf("%s got a notification of %s about %s", a.User.Username, n.UserID, n.RecordID)
		}
		kinds = append(kinds, n.Kind)
	}
	return kinds
}

func TestOverdueNotifiesCandidatesThenEscalationTargets(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	e := w.e
	res, err := w.submit(t, "", map[string]any{"applicant": "孙丽", "idNumber": applicantID2, "amount": 3000})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Record.ID
	for range 12 {
		w.clk.Add(24 * time.Hour)
		if _, err := e.SweepTimers(ctx, "test", 100); err != nil {
			t.Fatal(err)
		}
	}
	// The township task is the township reviewer's alone (the district
	// above may not take a township's step); after the escalation it sits
	// at the district, out of the township's reach.
	tests := []struct {
		name  string
		actor *engine.Actor
		want  []string
	}{
		{"township reviewer", w.township, []string{"reminder", "reminder", "reminder"}},
		{"district reviewer", w.district, []string{"escalation", "reminder", "reminder", "reminder"}},
		{"other township's reviewer", w.other, nil},
		{"supervisor (not a candidate role)", w.supervisor, nil},
		{"submitter", w.worker, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindsOf(t, e, tt.actor, id); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			n, err := e.UnreadNotifications(ctx, tt.actor)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := n, int64(len(tt.want)); got != want {
				t.Errorf("unread: got %d, want %d", got, want)
			}
		})
	}
	page, err := e.Notifications(ctx, w.township, false, engine.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range page.Notifications {
		if strings.Contains(n.Message, "孙丽") || strings.Contains(n.Message, applicantID2) {
			t.Errorf("message %q carries personal data", n.Message)
		}
	}

	// A sweep that fired but was retried notifies nobody twice.
	r, err := e.Store().GetRecord(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	before := unreadCounts(t, e, w.township, w.district)
	e.NotifyTimer(ctx, r)
	e.NotifyTimer(ctx, r)
	if got := unreadCounts(t, e, w.township, w.district); !maps.Equal(got, before) {
		t.Errorf("after replaying the last timer: got %v, want %v", got, before)
	}
}

func unreadCounts(t *testing.T, e *app.App, actors ...*engine.Actor) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, a := range actors {
		n, err := e.UnreadNotifications(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		out[a.User.Username] = n
	}
	return out
}

func TestReturnNotifiesSubmitter(t *testing.T) {
	ctx := context.Background()
	w := newSubsidyWorld(t)
	e := w.e
	res, err := w.submit(t, "", map[string]any{"applicant": "孙丽", "idNumber": applicantID2, "amount": 300})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Record.ID
	if _, err := e.Act(ctx, w.township, id, engine.Action{Name: "return", Reason: "金额有误"}); err != nil {
		t.Fatal(err)
	}
	if got, want := kindsOf(t, e, w.worker, id), []string{"returned"}; !slices.Equal(got, want) {
		t.Errorf("submitter: got %v, want %v", got, want)
	}
	if got := kindsOf(t, e, w.township, id); len(got) != 0 {
		t.Errorf("the reviewer who returned it: got %v, want none", got)
	}

	// Marking read: only the reader's own, and all with no IDs.
	page, err := e.Notifications(ctx, w.worker, true, engine.Page{})
	if err != nil || len(page.Notifications) != 1 {
		t.Fatalf("unread: %v %v", page, err)
	}
	nid := page.Notifications[0].ID
	if n, err := e.MarkNotificationsRead(ctx, w.township, []string{nid}); err != nil || n != 0 {
		t.Errorf("another user marks it: got %d %v, want 0 nil", n, err)
	}
	if n, err := e.MarkNotificationsRead(ctx, w.worker, nil); err != nil || n != 1 {
		t.Errorf("mark all: got %d %v, want 1 nil", n, err)
	}
	if n, _ := e.UnreadNotifications(ctx, w.worker); n != 0 {
		t.Errorf("unread after marking: got %d, want 0", n)
	}
	if _, err := e.MarkNotificationsRead(ctx, nil, nil); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Errorf("no actor: got %v, want %s", err, engine.EUNAUTHORIZED)
	}
	if _, err := e.MarkNotificationsRead(ctx, w.worker, make([]string, engine.MaxMarkRead+1)); engine.ErrorCode(err) != engine.ETOOLARGE {
		t.Errorf("too many ids: got %v, want %s", err, engine.ETOOLARGE)
	}
}
