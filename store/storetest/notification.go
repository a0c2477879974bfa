package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// newNotification returns a notification of user about event i: its ID
// sorts by i, as the engine's IDs sort by time.
func newNotification(user string, i int) engine.Notification {
	return engine.Notification{
		ID: fmt.Sprintf("N%04d-%s", i, user), UserID: user, RecordID: fmt.Sprintf("rec-%d", i),
		Kind: engine.NotifyReminder, Message: "补贴审核 · 乡镇审核", CreatedAt: oddTime(Epoch.Add(time.Duration(i) * time.Minute)),
	}
}

func diffNotification(got *engine.Notification, want engine.Notification) differ {
	var d differ
	d.str("ID", got.ID, want.ID)
	d.str("UserID", got.UserID, want.UserID)
	d.str("RecordID", got.RecordID, want.RecordID)
	d.str("Kind", got.Kind, want.Kind)
	d.str("Message", got.Message, want.Message)
	d.time("CreatedAt", got.CreatedAt, want.CreatedAt)
	d.time("ReadAt", got.ReadAt, want.ReadAt)
	return d
}

// listNotificationIDs pages through a user's notifications with page
// size limit and returns their IDs in the order given.
func listNotificationIDs(t *testing.T, s app.Store, user string, unread bool, limit int) []string {
	t.Helper()
	ns := pageAll(t, "ListNotifications", limit, true, func(p engine.Page) ([]*engine.Notification, string, error) {
		page, err := s.ListNotifications(t.Context(), user, unread, p)
		if err != nil {
			return nil, "", err
		}
		return page.Notifications, page.Next, nil
	})
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return ids
}

func mustCountUnread(t *testing.T, s app.Store, user string) int64 {
	t.Helper()
	n, err := s.CountUnread(t.Context(), user)
	must(t, err, "CountUnread "+user)
	return n
}

// Notifications: AddNotifications "stores each notification unless one
// with the same ID exists … returns how many were new. Returns EINVALID,
// storing none, if one lacks ID, UserID or Kind." ListNotifications
// "keyset-paged by ID and always newest first … with unreadOnly, only
// those with a zero ReadAt." CountUnread. MarkNotificationsRead "sets
// ReadAt … on userID's unread notifications with the given IDs (all of
// userID's when ids is empty) … Other users' notifications are never
// touched."
func notificationScenarios() []scenario {
	return []scenario{
		{"add_and_list", func(t *testing.T, s app.Store) {
			want := newNotification("u1", 1)
			n, err := s.AddNotifications(t.Context(), []engine.Notification{want})
			must(t, err, "AddNotifications")
			if n != 1 {
				t.Errorf("AddNotifications: got %d new, want 1", n)
			}
			page, err := s.ListNotifications(t.Context(), "u1", false, engine.Page{})
			must(t, err, "ListNotifications")
			if len(page.Notifications) != 1 {
				t.Fatalf("ListNotifications: got %d, want 1", len(page.Notifications))
			}
			diffNotification(page.Notifications[0], want).report(t, "ListNotifications")
		}},
		{"add_is_idempotent_on_id", func(t *testing.T, s app.Store) {
			first := []engine.Notification{newNotification("u1", 1), newNotification("u2", 1)}
			_, err := s.AddNotifications(t.Context(), first)
			must(t, err, "AddNotifications")
			retry := newNotification("u1", 1)
			retry.Message = "changed on the retry"
			n, err := s.AddNotifications(t.Context(), []engine.Notification{retry, newNotification("u1", 2), newNotification("u1", 2)})
			must(t, err, "AddNotifications retry")
			if n != 1 {
				t.Errorf("AddNotifications retry: got %d new, want 1", n)
			}
			if got, want := listNotificationIDs(t, s, "u1", false, 10), []string{"N0002-u1", "N0001-u1"}; !slices.Equal(got, want) {
				t.Errorf("ids: got %v, want %v", got, want)
			}
			page, err := s.ListNotifications(t.Context(), "u1", false, engine.Page{After: "N0002-u1"})
			must(t, err, "ListNotifications")
			if len(page.Notifications) != 1 || page.Notifications[0].Message != first[0].Message {
				t.Errorf("the retry changed the stored notification: %+v", page.Notifications)
			}
		}},
		{"incomplete_is_invalid_and_stores_none", func(t *testing.T, s app.Store) {
			for _, tc := range []struct {
				name    string
				breakIt func(*engine.Notification)
			}{
				{"no_id", func(n *engine.Notification) { n.ID = "" }},
				{"no_user", func(n *engine.Notification) { n.UserID = "" }},
				{"no_kind", func(n *engine.Notification) { n.Kind = "" }},
			} {
				bad := newNotification("u1", 2)
				tc.breakIt(&bad)
				_, err := s.AddNotifications(t.Context(), []engine.Notification{newNotification("u1", 1), bad})
				wantCode(t, err, engine.EINVALID, "AddNotifications "+tc.name)
			}
			if got := mustCountUnread(t, s, "u1"); got != 0 {
				t.Errorf("CountUnread after refused adds: got %d, want 0", got)
			}
		}},
		{"list_newest_first_with_paging", func(t *testing.T, s app.Store) {
			var ns []engine.Notification
			var want []string
			for i := 1; i <= 7; i++ {
				ns = append(ns, newNotification("u1", i), newNotification("u2", i))
				want = append([]string{fmt.Sprintf("N%04d-u1", i)}, want...)
			}
			_, err := s.AddNotifications(t.Context(), ns)
			must(t, err, "AddNotifications")
			for _, limit := range []int{1, 3, 7, 50} {
				if got := listNotificationIDs(t, s, "u1", false, limit); !slices.Equal(got, want) {
					t.Errorf("limit %d: got %v, want %v", limit, got, want)
				}
			}
			if got := listNotificationIDs(t, s, "nobody", false, 5); len(got) != 0 {
				t.Errorf("another user's list: got %v, want none", got)
			}
		}},
		{"unread_filter_count_and_mark_read_only_own", func(t *testing.T, s app.Store) {
			var ns []engine.Notification
			for i := 1; i <= 4; i++ {
				ns = append(ns, newNotification("u1", i), newNotification("u2", i))
			}
			_, err := s.AddNotifications(t.Context(), ns)
			must(t, err, "AddNotifications")
			at := oddTime(Epoch.Add(time.Hour))
			// u1 names two of its own, one of u2's and an unknown ID.
			n, err := s.MarkNotificationsRead(t.Context(), "u1", []string{"N0001-u1", "N0003-u1", "N0002-u2", "N9999-u1"}, at)
			must(t, err, "MarkNotificationsRead")
			if n != 2 {
				t.Errorf("MarkNotificationsRead: got %d changed, want 2", n)
			}
			if got, want := listNotificationIDs(t, s, "u1", true, 1), []string{"N0004-u1", "N0002-u1"}; !slices.Equal(got, want) {
				t.Errorf("u1 unread: got %v, want %v", got, want)
			}
			if got, want := listNotificationIDs(t, s, "u1", false, 2), []string{"N0004-u1", "N0003-u1", "N0002-u1", "N0001-u1"}; !slices.Equal(got, want) {
				t.Errorf("u1 all: got %v, want %v", got, want)
			}
			if got := mustCountUnread(t, s, "u1"); got != 2 {
				t.Errorf("CountUnread u1: got %d, want 2", got)
			}
			if got := mustCountUnread(t, s, "u2"); got != 4 {
				t.Errorf("CountUnread u2: got %d, want 4 (u1 marked none of u2's)", got)
			}
			page, err := s.ListNotifications(t.Context(), "u1", false, engine.Page{After: "N0002-u1"})
			must(t, err, "ListNotifications")
			if len(page.Notifications) != 1 {
				t.Fatalf("ListNotifications after N0002-u1: got %d, want 1", len(page.Notifications))
			}
			read := newNotification("u1", 1)
			read.ReadAt = at
			diffNotification(page.Notifications[0], read).report(t, "a read notification")

			// Marking again changes nothing; empty ids marks all of u1's.
			n, err = s.MarkNotificationsRead(t.Context(), "u1", []string{"N0001-u1"}, at.Add(time.Hour))
			must(t, err, "MarkNotificationsRead again")
			if n != 0 {
				t.Errorf("MarkNotificationsRead of a read one: got %d changed, want 0", n)
			}
			n, err = s.MarkNotificationsRead(t.Context(), "u1", nil, at)
			must(t, err, "MarkNotificationsRead all")
			if n != 2 {
				t.Errorf("MarkNotificationsRead all: got %d changed, want 2", n)
			}
			if got := mustCountUnread(t, s, "u1"); got != 0 {
				t.Errorf("CountUnread u1 after all: got %d, want 0", got)
			}
			if got := mustCountUnread(t, s, "u2"); got != 4 {
				t.Errorf("CountUnread u2 after u1 marked all: got %d, want 4", got)
			}
		}},
	}
}
