package pay

import (
	"context"
	"strings"

	"canvass/engine"
)

// MaxReason bounds the reason of a lock, an unlock or a reversal, in
// characters.
const MaxReason = 500

// UnlockPeriod opens a locked pay period again, say to post a correction
// into it rather than the next one. The reason is required and audited
// with who unlocked it and who had locked it. Finance and admins whose
// scope covers the whole campaign. Returns EINVALID without a reason or
// with one beyond MaxReason characters; ECONFLICT when the period is not
// locked (someone unlocked it meanwhile, or it never was); ENOTFOUND for
// an unknown campaign or one outside the actor's scope.
func (s *Service) UnlockPeriod(ctx context.Context, a *engine.Actor, campaignID, period, reason string) error {
	if err := a.Require(engine.RoleFinance, engine.RoleAdmin); err != nil {
		return err
	}
	_, root, err := s.e.CampaignInScope(ctx, a, campaignID)
	if err != nil {
		return err
	}
	if !a.Sees(root) {
		return engine.Errorf(engine.EFORBIDDEN, "only finance over the whole campaign may unlock its periods")
	}
	if err := checkReason(reason); err != nil {
		return err
	}
	locks, err := s.store.ListPeriodLocks(ctx, campaignID)
	if err != nil {
		return err
	}
	var was *PeriodLock
	for i := range locks {
		if locks[i].Period == period {
			was = &locks[i]
		}
	}
	if was == nil {
		return engine.Errorf(engine.ECONFLICT, "period %s is not locked", period)
	}
	if err := s.store.UnlockPeriod(ctx, campaignID, period); err != nil {
		if engine.ErrorCode(err) == engine.ENOTFOUND {
			return engine.Errorf(engine.ECONFLICT, "period %s is not locked", period)
		}
		return err
	}
	return s.e.Audit(ctx, a, "period.unlock", "campaign", campaignID+"/"+period, root,
		map[string]any{"period": period, "reason": strings.TrimSpace(reason), "locked_by": was.LockedBy, "locked_at": was.LockedAt})
}

// PeriodLockOf returns the lock of one period, or nil when it is open.
// Finance and admins.
func (s *Service) PeriodLockOf(ctx context.Context, a *engine.Actor, campaignID, period string) (*PeriodLock, error) {
	locks, err := s.PeriodLocks(ctx, a, campaignID)
	if err != nil {
		return nil, err
	}
	for i := range locks {
		if locks[i].Period == period {
			return &locks[i], nil
		}
	}
	return nil, nil
}

func checkReason(reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &engine.Error{Code: engine.EINVALID, Message: "a reason is required",
			Fields: []engine.FieldError{{Pointer: "/reason", Code: "required", Message: "a reason is required"}}}
	}
	if len([]rune(reason)) > MaxReason {
		return &engine.Error{Code: engine.EINVALID, Message: "the reason is too long",
			Fields: []engine.FieldError{{Pointer: "/reason", Code: "too_long", Message: "at most 500 characters"}}}
	}
	return nil
}
