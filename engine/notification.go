package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
)

// Notification kinds: why a user is told about a record.
const (
	NotifyReminder   = "reminder"   // a task of theirs is due or overdue
	NotifyEscalation = "escalation" // an overdue task was handed up to them
	NotifyReturned   = "returned"   // a record they submitted came back for correction
)

// Notification is one entry of a user's in-app notification list. Message
// is short and user-safe: campaign, state and due time, never answers or
// personal data, since it is shown outside the record's access checks.
type Notification struct {
	// ID is deterministic (see NotificationID): the same event for the
	// same user always gets the same ID, so a retried timer or action
	// never notifies twice. IDs sort by the time of the event.
	ID        string
	UserID    string
	RecordID  string
	Kind      string
	Message   string
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// NotificationPage is one page of notifications, newest first. Next is
// the cursor for the following page, empty on the last one.
type NotificationPage struct {
	Notifications []*Notification
	Next          string
}

// NotificationID is the ID of the notification of history entry index of
// record recordID for userID: the entry's time as the 10 time characters of
// a ULID (so IDs sort by time), then the record, entry and user.
func NotificationID(at time.Time, recordID string, index int, userID string) string {
	var u ulid.ULID
	if err := u.SetTime(ulid.Timestamp(at)); err != nil {
		u = ulid.ULID{}
	}
	return fmt.Sprintf("%s-%s-%04d-%s", u.String()[:10], recordID, index, userID)
}

// notifyTimer tells people about the timer that just fired on r (its last
// history entry): the reminded task's assignee or candidates, or the
// candidates an escalation handed the task to. An automatic action tells
// no one. Notifying is best effort: the timer has fired already, so a
// failure is logged, not returned; a retry notifies nobody twice.
func (e *Engine) notifyTimer(ctx context.Context, r *Record) {
	if len(r.History) == 0 {
		return
	}
	i := len(r.History) - 1
	h := r.History[i]
	if h.Actor != SystemActor {
		return
	}
	var kind string
	var users []string
	var err error
	switch h.Action {
	case ActionRemind:
		kind = NotifyReminder
		if r.Assignee != "" {
			users = []string{r.Assignee}
		} else {
			users, err = e.taskCandidates(ctx, r)
		}
	case ActionEscalate:
		kind = NotifyEscalation
		users, err = e.taskCandidates(ctx, r)
	default:
		return
	}
	if err == nil {
		err = e.notify(ctx, r, i, kind, users)
	}
	if err != nil {
		e.logger.Error("notify failed", "record", r.ID, "kind", kind, "err", err)
	}
}

// notifyAction tells the submitter when the action just taken on r (its
// last history entry) returned it for correction. Best effort, as
// notifyTimer.
func (e *Engine) notifyAction(ctx context.Context, r *Record) {
	if len(r.History) == 0 || r.History[len(r.History)-1].Action != "return" {
		return
	}
	u, err := e.store.GetUser(ctx, r.CreatedBy)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return // submitted through a public link: no one to tell in the app
	case err == nil && u.Disabled:
		return
	case err == nil:
		err = e.notify(ctx, r, len(r.History)-1, NotifyReturned, []string{u.ID})
	}
	if err != nil {
		e.logger.Error("notify failed", "record", r.ID, "kind", NotifyReturned, "err", err)
	}
}

// notify stores one notification per user about history entry index of r.
func (e *Engine) notify(ctx context.Context, r *Record, index int, kind string, users []string) error {
	if len(users) == 0 {
		return nil
	}
	h := r.History[index]
	msg := e.notificationMessage(ctx, r)
	if kind == NotifyReturned && h.Reason != "" {
		// The reason is what the submitter must fix: it travels with the
		// notification, in the reviewer's own words.
		msg += " · 退回原因：" + h.Reason
	}
	ns := make([]Notification, 0, len(users))
	for _, u := range users {
		ns = append(ns, Notification{ID: NotificationID(h.At, r.ID, index, u), UserID: u, RecordID: r.ID, Kind: kind, Message: msg, CreatedAt: h.At})
	}
	_, err := e.store.AddNotifications(ctx, ns)
	return err
}

// notificationMessage says which record it is about without personal
// data in full: campaign, the record's summary answers masked
// (SummaryText), state and due time (Asia/Shanghai), in the default
// language; a page may show its own words for the kind beside it.
func (e *Engine) notificationMessage(ctx context.Context, r *Record) string {
	campaign, state := r.CampaignID, r.State
	if camp, err := e.Campaign(ctx, r.CampaignID); err == nil {
		campaign = camp.Title("zh-CN")
	}
	if wf, _, err := e.Workflow(ctx, r.WorkflowID, r.WorkflowVersion); err == nil {
		state = wf.StateTitle(r.State, "zh-CN")
	}
	parts := []string{campaign}
	if sum := e.SummaryText(ctx, r, "zh-CN"); sum != "" {
		parts = append(parts, sum)
	}
	parts = append(parts, state)
	if !r.DueAt.IsZero() {
		parts = append(parts, "截止 "+r.DueAt.In(shanghai).Format("2006-01-02 15:04"))
	}
	return strings.Join(parts, " · ")
}

// taskCandidates returns the enabled users who may act on r's open task,
// as mayAct decides: those holding one of its candidate roles in the
// task's own org unit — or, for a spot check, in any unit at or above it.
// ListUsers filters by subtree only, so it lists the role's users under
// the top path and keeps those sitting exactly on one of the paths.
func (e *Engine) taskCandidates(ctx context.Context, r *Record) ([]string, error) {
	ancestors := ancestorPaths(r.TaskOrgPath)
	if len(ancestors) == 0 || r.Step == "" {
		return nil, nil
	}
	if r.Step != QCStep {
		ancestors = ancestors[len(ancestors)-1:]
	}
	var ids []string
	for _, role := range r.CandidateRoles {
		users, err := e.store.ListUsers(ctx, UserFilter{OrgPaths: ancestors[:1], Role: role})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !u.Disabled && slices.Contains(ancestors, u.OrgPath) && !slices.Contains(ids, u.ID) {
				ids = append(ids, u.ID)
			}
		}
	}
	return ids, nil
}

// ancestorPaths returns the materialized paths from the root down to path
// itself: "/a/b/c/" gives "/a/", "/a/b/", "/a/b/c/".
func ancestorPaths(path string) []string {
	var out []string
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			out = append(out, path[:i+1])
		}
	}
	return out
}

// Notifications returns one page of the actor's own notifications, newest
// first; with unreadOnly, only those not read yet. Returns EUNAUTHORIZED
// without a signed-in user.
func (e *Engine) Notifications(ctx context.Context, a *Actor, unreadOnly bool, p Page) (*NotificationPage, error) {
	if a == nil || a.User == nil {
		return nil, Errorf(EUNAUTHORIZED, "sign in first")
	}
	p = p.Normalize()
	p.Desc = true
	return e.store.ListNotifications(ctx, a.User.ID, unreadOnly, p)
}

// UnreadNotifications counts the actor's unread notifications (0 without
// a signed-in user).
func (e *Engine) UnreadNotifications(ctx context.Context, a *Actor) (int64, error) {
	if a == nil || a.User == nil {
		return 0, nil
	}
	return e.store.CountUnread(ctx, a.User.ID)
}

// MaxMarkRead is how many notifications one request may mark read by ID.
const MaxMarkRead = MaxPageLimit

// MarkNotificationsRead marks the actor's own notifications with the given
// IDs read (all of them when ids is empty) and reports how many changed.
// IDs of other users' notifications are ignored. Returns EUNAUTHORIZED
// without a signed-in user, ETOOLARGE for more than MaxMarkRead IDs.
func (e *Engine) MarkNotificationsRead(ctx context.Context, a *Actor, ids []string) (int, error) {
	if a == nil || a.User == nil {
		return 0, Errorf(EUNAUTHORIZED, "sign in first")
	}
	if len(ids) > MaxMarkRead {
		return 0, Errorf(ETOOLARGE, "mark at most %d notifications at once", MaxMarkRead)
	}
	return e.store.MarkNotificationsRead(ctx, a.User.ID, ids, e.Now())
}
