package campaigns

import (
	"errors"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"canvass/rules"
)

// ScheduleEntry is one periodic task of a campaign, such as opening the
// quarterly report: a standard five-field cron spec evaluated on China's
// clock (CRON_TZ=Asia/Shanghai).
type ScheduleEntry struct {
	Name string // unique in the campaign, e.g. "quarterly-report"
	Spec string // as written, e.g. "0 9 1 1,4,7,10 *"
	Form string // the form the task is about; "" when none
	cron cron.Schedule
}

// Next returns the first time the task fires after after, in UTC, or the
// zero time when it never fires within five years (Load refuses specs that
// never fire at all).
func (e ScheduleEntry) Next(after time.Time) time.Time {
	if e.cron == nil {
		return time.Time{}
	}
	next := e.cron.Next(after.In(rules.Shanghai))
	if next.IsZero() {
		return next
	}
	return next.UTC()
}

// cronParser is robfig/cron's standard parser without descriptors: five
// fields, minute hour day-of-month month day-of-week.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// neverBefore is where the "does it ever fire" check starts; robfig/cron
// looks five years ahead, enough for "29 February".
var neverBefore = time.Date(2024, 1, 1, 0, 0, 0, 0, rules.Shanghai)

// parseCron parses a five-field spec and pins it to China's clock.
func parseCron(spec string) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, errors.New("schedules always run on China's clock (Asia/Shanghai); remove the time zone")
	}
	if strings.HasPrefix(spec, "@") {
		return nil, errors.New("write five fields (minute hour day month weekday), not a descriptor")
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, err
	}
	ss, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, errors.New("unsupported schedule")
	}
	ss.Location = rules.Shanghai
	if ss.Next(neverBefore).IsZero() {
		return nil, errors.New("the schedule never fires")
	}
	return ss, nil
}
