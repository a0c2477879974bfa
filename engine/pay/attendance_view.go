package pay

import (
	"context"
	"slices"
	"strings"

	"canvass/engine"
)

// AttendanceWorkers lists the people whose days in the field the actor
// may record for a campaign (RecordAttendance accepts them): the users in
// the actor's scope and the campaign's, who hold the role of an
// attendance.day item of its pay table (every user when no item names a
// role), the actor first. Supervisors and admins. Returns ENOTFOUND for an
// unknown campaign or one outside the scope.
func (s *Service) AttendanceWorkers(ctx context.Context, a *engine.Actor, campaignID string) ([]*engine.User, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleAdmin); err != nil {
		return nil, err
	}
	_, root, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	users, err := s.store.ListUsers(ctx, engine.UserFilter{OrgPaths: a.Scope()})
	if err != nil {
		return nil, err
	}
	var out []*engine.User
	for _, u := range users {
		if u.Disabled || !engine.InSubtree(u.OrgPath, root) || !u.HasRole(engine.RoleSupervisor) {
			continue
		}
		out = append(out, u)
	}
	slices.SortStableFunc(out, func(x, y *engine.User) int {
		switch {
		case x.ID == a.ID():
			return -1
		case y.ID == a.ID():
			return 1
		}
		return strings.Compare(x.DisplayName, y.DisplayName)
	})
	return out, nil
}

// AttendanceDay is one recorded day in the field and what it paid.
type AttendanceDay struct {
	Date      string
	WorkerID  string
	Entries   []*LedgerEntry
	CreatedBy string
}

// AttendanceDays lists the days recorded for a campaign in the actor's
// scope — the limit most recently logged — latest day first, each with the ledger entries it
// posted. Supervisors, finance and admins. Returns ENOTFOUND for an
// unknown campaign or one outside the scope.
func (s *Service) AttendanceDays(ctx context.Context, a *engine.Actor, campaignID string, limit int) ([]AttendanceDay, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleFinance, engine.RoleAdmin); err != nil {
		return nil, err
	}
	if _, _, err := s.e.CampaignInScope(ctx, a, campaignID); err != nil {
		return nil, err
	}
	var out []AttendanceDay
	seen := map[string]bool{}
	p := engine.Page{Limit: engine.MaxPageLimit, Desc: true}
	for len(out) < limit {
		page, err := s.store.ListAudit(ctx, engine.AuditFilter{Action: "attendance.day", OrgPaths: a.Scope()}, p)
		if err != nil {
			return nil, err
		}
		for _, ev := range page.Events {
			date, _ := ev.Detail["date"].(string)
			if ev.Detail["campaign"] != campaignID || date == "" || seen[ev.ObjectID+" "+date] || len(out) == limit {
				continue
			}
			seen[ev.ObjectID+" "+date] = true
			day := AttendanceDay{Date: date, WorkerID: ev.ObjectID, CreatedBy: ev.Actor}
			err := s.eachLedgerEntry(ctx, LedgerFilter{CampaignID: campaignID, RecordID: "attendance:" + campaignID + ":" + date, WorkerID: ev.ObjectID},
				func(le *LedgerEntry) error {
					day.Entries = append(day.Entries, le)
					return nil
				})
			if err != nil {
				return nil, err
			}
			out = append(out, day)
		}
		if page.Next == "" {
			break
		}
		p.After = page.Next
	}
	slices.SortStableFunc(out, func(x, y AttendanceDay) int { return strings.Compare(y.Date, x.Date) })
	return out, nil
}
