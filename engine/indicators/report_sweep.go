package indicators

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/rules"
)

// NotifyReportReminder is the notification kind of a periodic report's
// reminder: the unit's report is due soon or overdue.
const NotifyReportReminder = "report_reminder"

// SweepReports lays out the slots of periods that have begun, then claims
// up to limit slots whose reminder is due and fires each: a slot whose
// report arrived meanwhile is closed silently; otherwise the unit's
// reporters are notified and the slot moves to its next reminder. The
// claim is a lease and the move one conditional update (on the slot's
// version), and notification IDs are derived from the slot and the
// reminder, so any number of replicas send each reminder exactly once.
// It returns how many reminders it sent.
func (s *Service) SweepReports(ctx context.Context, owner string, limit int) (int, error) {
	if err := s.layOutReportSlots(ctx); err != nil {
		return 0, err
	}
	claimed, err := s.store.ClaimDueReportSlots(ctx, owner, s.e.Now(), engine.TimerLease, limit)
	if err != nil {
		return 0, err
	}
	sent := 0
	for i := range claimed {
		ok, err := s.fireReportSlot(ctx, &claimed[i])
		if err != nil {
			s.e.Logger().Error("report reminder failed", "slot", claimed[i].Key(), "err", err)
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// layOutReportSlots stores the slots of every report of every published
// campaign for each period that has begun, once per service and period.
func (s *Service) layOutReportSlots(ctx context.Context) error {
	defs, err := s.store.ListDefinitions(ctx, engine.DefinitionFilter{Kind: engine.KindCampaign, Status: engine.StatusPublished})
	if err != nil {
		return err
	}
	now := s.e.Now()
	seen := map[string]bool{}
	for _, d := range defs {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		camp, err := s.e.Campaign(ctx, d.ID)
		if err != nil {
			s.e.Logger().Error("report slots: campaign does not load", "campaign", d.ID, "err", err)
			continue
		}
		for _, rep := range camp.Reports() {
			if err := s.layOutReport(ctx, camp, rep, now); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) layOutReport(ctx context.Context, camp *campaigns.Campaign, rep campaigns.Report, now time.Time) error {
	var units []engine.OrgUnit
	for _, start := range reportPeriods(camp, rep, now) {
		period := rep.PeriodKey(start)
		key := fmt.Sprintf("%s|%s|%s|%s", camp.ID(), camp.RefTime(), rep.ID, period)
		if _, done := s.laidOut.Load(key); done {
			continue
		}
		if units == nil {
			top, err := s.store.GetOrgUnit(ctx, camp.OrgScope())
			if err != nil {
				return err
			}
			all, err := s.store.ListOrgUnits(ctx, top.Path)
			if err != nil {
				return err
			}
			units = []engine.OrgUnit{}
			for _, u := range all {
				if u.Level == rep.Level {
					units = append(units, u)
				}
			}
		}
		due, err := rep.DueAt(start, camp.RefTime())
		if err != nil {
			return engine.WrapError(engine.EINTERNAL, "a report's due time cannot be computed", err)
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
			n := min(len(slots), engine.MaxPageLimit)
			if _, err := s.store.PutReportSlots(ctx, slots[:n]); err != nil {
				return err
			}
			slots = slots[n:]
		}
		s.laidOut.Store(key, struct{}{})
	}
	return nil
}

// fireReportSlot sends the slot's due reminder, unless its report came in.
// It reports false when nothing was sent.
func (s *Service) fireReportSlot(ctx context.Context, slot *ReportSlot) (bool, error) {
	camp, err := s.e.Campaign(ctx, slot.CampaignID)
	if err != nil {
		return false, err
	}
	rep, ok := camp.Report(slot.ReportID)
	if !ok { // the report left the campaign: no more reminders
		slot.NextTimerAt = time.Time{}
		_, err := s.store.UpdateReportSlot(ctx, slot)
		return false, ignoreConflict(err)
	}
	unit := &engine.OrgUnit{Code: slot.OrgUnit, Path: slot.OrgPath, Level: rep.Level}
	subs, err := s.reportSubmissions(ctx, camp, rep, slot.OrgPath, map[string]*engine.OrgUnit{slot.OrgPath: unit})
	if err != nil {
		return false, err
	}
	if sub, ok := subs[slot.OrgUnit+"/"+slot.Period]; ok {
		slot.RecordID, slot.SubmittedAt, slot.NextTimerAt = sub.recordID, sub.at, time.Time{}
		_, err := s.store.UpdateReportSlot(ctx, slot)
		return false, ignoreConflict(err)
	}
	fired := slot.NextTimerAt
	if err := s.notifyReport(ctx, camp, rep, slot, fired); err != nil {
		return false, err
	}
	slot.RemindersSent++
	slot.NextTimerAt = time.Time{}
	for _, t := range rep.Reminders(slot.DueAt) {
		if t.After(fired) {
			slot.NextTimerAt = t
			break
		}
	}
	updated, err := s.store.UpdateReportSlot(ctx, slot)
	if engine.ErrorCode(err) == engine.ECONFLICT {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, s.e.Audit(ctx, nil, "report.remind", "report_slot", updated.Key(), updated.OrgPath,
		map[string]any{"period": updated.Period, "reminder": updated.RemindersSent})
}

func ignoreConflict(err error) error {
	if engine.ErrorCode(err) == engine.ECONFLICT {
		return nil
	}
	return err
}

// notifyReport tells the reporters of the slot's unit (users holding one
// of the report's roles, field workers by default, in the unit's subtree)
// that its report is due. The IDs come from the slot and the reminder's
// instant, so a second attempt at the same reminder adds nothing.
func (s *Service) notifyReport(ctx context.Context, camp *campaigns.Campaign, rep campaigns.Report, slot *ReportSlot, fired time.Time) error {
	roles := rep.Roles
	if len(roles) == 0 {
		roles = []string{engine.RoleFieldWorker}
	}
	var users []string
	for _, role := range roles {
		us, err := s.store.ListUsers(ctx, engine.UserFilter{OrgPaths: []string{slot.OrgPath}, Role: role})
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
	msg := strings.Join([]string{camp.Title("zh-CN"), title, slot.Period, "截止 " + slot.DueAt.In(rules.Shanghai).Format("2006-01-02 15:04")}, " · ")
	subject := "report-" + strings.NewReplacer("/", "-").Replace(slot.Key())
	ns := make([]engine.Notification, 0, len(users))
	for _, u := range users {
		ns = append(ns, engine.Notification{ID: engine.NotificationID(fired, subject, slot.RemindersSent, u), UserID: u, Kind: NotifyReportReminder, Message: msg, CreatedAt: s.e.Now()})
	}
	_, err := s.store.AddNotifications(ctx, ns)
	return err
}
