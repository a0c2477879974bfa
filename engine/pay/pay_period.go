package pay

import (
	"canvass/engine"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// PeriodLock is a campaign's pay period closed by finance: nothing more is
// posted into it; late events and corrections land in the next open period.
type PeriodLock struct {
	CampaignID string
	Period     string // "2026-Q4" or "2026-11"
	LockedBy   string
	LockedAt   time.Time
}

var periodPattern = regexp.MustCompile(`^(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2]))$`)

// ValidPeriod reports whether p names a quarter ("2026-Q4") or a month
// ("2026-11").
func ValidPeriod(p string) bool { return periodPattern.MatchString(p) }

// periodStart returns the first instant of a period, in China, as UTC.
func periodStart(p string) (time.Time, bool) {
	m := periodPattern.FindStringSubmatch(p)
	if m == nil {
		return time.Time{}, false
	}
	year, _ := strconv.Atoi(m[1])
	month := 0
	if m[2] != "" {
		q, _ := strconv.Atoi(m[2])
		month = (q-1)*3 + 1
	} else {
		month, _ = strconv.Atoi(m[3])
	}
	return time.Date(year, time.Month(month), 1, 0, 0, 0, 0, shanghai).UTC(), true
}

// nextPeriod returns the period after p, of the same kind.
func nextPeriod(p string) string {
	m := periodPattern.FindStringSubmatch(p)
	if m == nil {
		return p
	}
	year, _ := strconv.Atoi(m[1])
	if m[2] != "" {
		q, _ := strconv.Atoi(m[2])
		if q == 4 {
			return fmt.Sprintf("%d-Q1", year+1)
		}
		return fmt.Sprintf("%d-Q%d", year, q+1)
	}
	month, _ := strconv.Atoi(m[3])
	if month == 12 {
		return fmt.Sprintf("%d-01", year+1)
	}
	return fmt.Sprintf("%d-%02d", year, month+1)
}

// openPeriod returns p, or the first period after it that is not locked.
func openPeriod(locked map[string]bool, p string) string {
	for i := 0; locked[p] && i < maxLockedInARow; i++ {
		p = nextPeriod(p)
	}
	return p
}

func (s *Service) lockedPeriods(ctx context.Context, campaignID string) (map[string]bool, error) {
	locks, err := s.store.ListPeriodLocks(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(locks))
	for _, l := range locks {
		out[l.Period] = true
	}
	return out, nil
}

// LockPeriod closes a campaign's pay period: its entries can no longer
// change, and whatever is posted later for it (late events, reversals)
// lands in the next open period. Finance and admins whose scope covers the
// campaign only. The reason, when given, is kept in the audit event.
// Returns EINVALID for a malformed period, one of the other
// kind than the campaign's pay table counts in, or one that has not begun;
// ECONFLICT when it is already locked; ENOTFOUND for an unknown campaign or
// one outside the actor's scope.
func (s *Service) LockPeriod(ctx context.Context, a *engine.Actor, campaignID, period, reason string) (*PeriodLock, error) {
	if err := a.Require(engine.RoleFinance, engine.RoleAdmin); err != nil {
		return nil, err
	}
	camp, root, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	if !a.Sees(root) {
		return nil, engine.Errorf(engine.EFORBIDDEN, "only finance over the whole campaign may lock its periods")
	}
	start, ok := periodStart(period)
	if !ok {
		return nil, engine.PeriodError("a period is a quarter (2026-Q4) or a month (2026-11)")
	}
	if id := camp.PayTable(); id != "" {
		pt, _, err := s.PayTable(ctx, id, 0)
		if err != nil {
			return nil, err
		}
		if quarter := len(period) == 7 && period[5] == 'Q'; quarter != (pt.PeriodKind() == "quarter") {
			return nil, engine.PeriodError("the pay table counts by " + pt.PeriodKind())
		}
	}
	now := s.e.Now()
	if start.After(now) {
		return nil, engine.PeriodError("the period has not begun")
	}
	l := &PeriodLock{CampaignID: campaignID, Period: period, LockedBy: a.ID(), LockedAt: now}
	if err := s.store.LockPeriod(ctx, l); err != nil {
		return nil, err
	}
	detail := map[string]any{"period": period}
	if reason = strings.TrimSpace(reason); reason != "" {
		detail["reason"] = reason
	}
	return l, s.e.Audit(ctx, a, "period.lock", "campaign", campaignID+"/"+period, root, detail)
}

// PeriodLocks returns a campaign's locked periods. Finance and admins.
func (s *Service) PeriodLocks(ctx context.Context, a *engine.Actor, campaignID string) ([]PeriodLock, error) {
	if err := a.Require(engine.RoleFinance, engine.RoleAdmin); err != nil {
		return nil, err
	}
	if _, _, err := s.e.CampaignInScope(ctx, a, campaignID); err != nil {
		return nil, err
	}
	return s.store.ListPeriodLocks(ctx, campaignID)
}
