package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"canvass/campaigns"
)

// NotifyReportReminder is the notification kind of a periodic report's
// reminder: the unit's report is due soon or overdue.
const NotifyReportReminder = "report_reminder"

// laidOut remembers, per engine, the (campaign version, report, period)
// whose slots this process has stored, so that a sweep stores a period's
// slots once, not on every tick. Another replica doing it again is
// harmless: PutReportSlots keeps existing slots. A unit added to the tree
// mid-period gets its slot with the next period (or after a restart).
var laidOut sync.Map // "<engine>|campaign|version|report|period" → struct{}

// SweepReports lays out the slots of periods that have begun, then claims
// up to limit slots whose reminder is due and fires each: a slot whose
// report arrived meanwhile is closed silently; otherwise the unit's
// reporters are notified and the slot moves to its next reminder. The
// claim is a lease and the move one conditional update (on the slot's
// version), and notification IDs are derived from the slot and the
// reminder, so any number of replicas send each reminder exactly once.
// It returns how many reminders it sent.
func (e *Engine) SweepReports(ctx context.Context, owner string, limit int) (int, error) {
	rs := e.store
	if err := e.layOutReportSlots(ctx, rs); err != nil {
		return 0, err
	}
	claimed, err := rs.ClaimDueReportSlots(ctx, owner, e.Now(), TimerLease, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	for i := range claimed {
		ok, err := e.fireReportSlot(ctx, rs, &claimed[i])
		if err != nil {
			e.logger.Error("report reminder failed", "slot", claimed[i].Key(), "err", err)
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// layOutReportSlots stores the slots of every report of every published
// campaign for each period that has begun, once per process and period.
func (e *Engine) layOutReportSlots(ctx context.Context, rs ReportStore) error {
	defs, err := e.store.ListDefinitions(ctx, DefinitionFilter{Kind: KindCampaign, Status: StatusPublished})
	if err != nil {
		return err
	}
	now := e.Now()
	seen := map[string]bool{}
	for _, d := range defs {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		camp, err := e.Campaign(ctx, d.ID)
		if err != nil {
			e.logger.Error("report slots: campaign does not load", "campaign", d.ID, "err", err)
			continue
		}
		for _, rep := range camp.Reports() {
			if err := e.layOutReport(ctx, rs, camp, rep, now); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *Engine) layOutReport(ctx context.Context, rs ReportStore, camp *campaigns.Campaign, rep campaigns.Report, now time.Time) error {
	var units []OrgUnit
	for _, start := range reportPeriods(camp, rep, now) {
		period := rep.PeriodKey(start)
		key := fmt.Sprintf("%p|%s|%s|%s|%s", e, camp.ID(), camp.RefTime(), rep.ID, period)
		if _, done := laidOut.Load(key); done {
			continue
		}
		if units == nil {
			top, err := e.store.GetOrgUnit(ctx, camp.OrgScope())
			if err != nil {
				return err
			}
			all, err := e.store.ListOrgUnits(ctx, top.Path)
			if err != nil {
				return err
			}
			units = []OrgUnit{}
			for _, u := range all {
				if u.Level == rep.Level {
					units = append(units, u)
				}
			}
		}
		due, err := rep.DueAt(start, camp.RefTime())
		if err != nil {
			return WrapError(EINTERNAL, "a report's due time cannot be computed", err)
		}
		var next time.Time
		for _, t := range rep.Reminders(due) {
			if !t.Before(now) {
				next = t
				break
			}
		}
		slots := make([]ReportSlot, 0, len(units))
		for _, u := range units {
			slots = append(slots, ReportSlot{CampaignID: camp.ID(), ReportID: rep.ID, OrgUnit: u.Code, OrgPath: u.Path,
				Period: period, PeriodStart: start, DueAt: due, NextTimerAt: next})
		}
		for len(slots) > 0 {
			n := min(len(slots), MaxPageLimit)
			if _, err := rs.PutReportSlots(ctx, slots[:n]); err != nil {
				return err
			}
			slots = slots[n:]
		}
		laidOut.Store(key, struct{}{})
	}
	return nil
}

// fireReportSlot sends the slot's due reminder, unless its report came in.
// It reports false when nothing was sent.
func (e *Engine) fireReportSlot(ctx context.Context, rs ReportStore, s *ReportSlot) (bool, error) {
	camp, err := e.Campaign(ctx, s.CampaignID)
	if err != nil {
		return false, err
	}
	rep, ok := camp.Report(s.ReportID)
	if !ok { // the report left the campaign: no more reminders
		s.NextTimerAt = time.Time{}
		_, err := rs.UpdateReportSlot(ctx, s)
		return false, ignoreConflict(err)
	}
	unit := &OrgUnit{Code: s.OrgUnit, Path: s.OrgPath, Level: rep.Level}
	subs, err := e.reportSubmissions(ctx, camp, rep, s.OrgPath, map[string]*OrgUnit{s.OrgPath: unit})
	if err != nil {
		return false, err
	}
	if sub, ok := subs[s.OrgUnit+"/"+s.Period]; ok {
		s.RecordID, s.SubmittedAt, s.NextTimerAt = sub.recordID, sub.at, time.Time{}
		_, err := rs.UpdateReportSlot(ctx, s)
		return false, ignoreConflict(err)
	}
	fired := s.NextTimerAt
	if err := e.notifyReport(ctx, camp, rep, s, fired); err != nil {
		return false, err
	}
	s.RemindersSent++
	s.NextTimerAt = time.Time{}
	for _, t := range rep.Reminders(s.DueAt) {
		if t.After(fired) {
			s.NextTimerAt = t
			break
		}
	}
	updated, err := rs.UpdateReportSlot(ctx, s)
	if ErrorCode(err) == ECONFLICT {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, e.Audit(ctx, nil, "report.remind", "report_slot", updated.Key(), updated.OrgPath,
		map[string]any{"period": updated.Period, "reminder": updated.RemindersSent})
}

func ignoreConflict(err error) error {
	if ErrorCode(err) == ECONFLICT {
		return nil
	}
	return err
}

// notifyReport tells the reporters of the slot's unit (users holding one
// of the report's roles, field workers by default, in the unit's subtree)
// that its report is due. The IDs come from the slot and the reminder's
// instant, so a second attempt at the same reminder adds nothing.
func (e *Engine) notifyReport(ctx context.Context, camp *campaigns.Campaign, rep campaigns.Report, s *ReportSlot, fired time.Time) error {
	roles := rep.Roles
	if len(roles) == 0 {
		roles = []string{RoleFieldWorker}
	}
	var users []string
	for _, role := range roles {
		us, err := e.store.ListUsers(ctx, UserFilter{OrgPaths: []string{s.OrgPath}, Role: role})
		if err != nil {
			return err
		}
		for _, u := range us {
			if !u.Disabled && !slices.Contains(users, u.ID) {
				users = append(users, u.ID)
			}
		}
	}
	if len(users) == 0 {
		return nil
	}
	title := rep.Title.In("zh")
	if title == "" {
		title = rep.ID
	}
	msg := strings.Join([]string{camp.Title("zh-CN"), title, s.Period, "截止 " + s.DueAt.In(shanghai).Format("2006-01-02 15:04")}, " · ")
	subject := "report-" + strings.NewReplacer("/", "-").Replace(s.Key())
	ns := make([]Notification, 0, len(users))
	for _, u := range users {
		ns = append(ns, Notification{ID: NotificationID(fired, subject, s.RemindersSent, u), UserID: u, Kind: NotifyReportReminder, Message: msg, CreatedAt: e.Now()})
	}
	_, err := e.store.AddNotifications(ctx, ns)
	return err
}

// sweepReportTimers is SweepReports for the timer sweeper (SweepTimers):
// a failure is logged, so that record timers still count as fired.
func (e *Engine) sweepReportTimers(ctx context.Context, owner string, limit int) int {
	n, err := e.SweepReports(ctx, owner, limit)
	if err != nil {
		e.logger.Error("report reminders failed", "err", err)
	}
	return n
}
