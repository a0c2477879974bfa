package campaigns

import (
	"errors"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"canvass/rules"
)

// ScheduleEntry is one periodic follow-up of a campaign: at every firing
// of a standard five-field cron spec, evaluated on China's clock
// (CRON_TZ=Asia/Shanghai), each record of the For form that was submitted
// before the firing gets one new record of Form, created in the workflow
// state State, whose open task (and due time) is that state's. Such a
// record is a follow-up task: the worker fills it in and submits it.
type ScheduleEntry struct {
	Name string // unique in the campaign, e.g. "quarterly-check"
	Spec string // as written, e.g. "0 8 1 1,4,7,10 *"
	Form string // the follow-up form the task is filled in
	For  string // the form whose records each get a task (the subjects)
	// State is the workflow state the task is created in; it must have an
	// open step (the engine checks it against the workflow at publish).
	State string
	// States limits the subjects to records in these states; empty means
	// every state but draft.
	States []string
	// Link is the follow-up form's field that receives the subject
	// record's ID; "" when none.
	Link string
	// Copy lists follow-up fields filled from the subject's answers, in
	// file order.
	Copy []ScheduleCopy
	cron cron.Schedule
}

// ScheduleCopy fills the follow-up field To with the subject's answer at
// From (a path such as "child.name").
type ScheduleCopy struct {
	To, From string
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
