package workflows

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"canvass/rules"
)

// maxDurationPart bounds each number in a duration so that adding it can
// never overflow: ten thousand years is already nonsense for a deadline.
const maxDurationPart = 10000

// Duration is an ISO 8601 duration such as "P3D", "P1M" or "PT12H". Years,
// months and days are calendar units (see AddTo); weeks are stored as seven
// days; hours, minutes and seconds are exact.
type Duration struct {
	Years, Months, Days int
	Clock               time.Duration
}

var errBadDuration = errors.New(`want an ISO 8601 duration such as "P3D", "P1M" or "PT12H"`)

// ParseDuration parses a positive ISO 8601 duration in whole numbers:
// P[nY][nM][nW][nD][T[nH][nM][nS]], at least one part, each at most 10000.
// Fractions and negative durations are refused; they have no use in a
// deadline and only invite ambiguity.
func ParseDuration(s string) (Duration, error) {
	var d Duration
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return Duration{}, errBadDuration
	}
	date, clock, hasClock := strings.Cut(rest, "T")
	if hasClock && clock == "" {
		return Duration{}, errBadDuration
	}
	// Each designator may appear once, in this order.
	parse := func(part string, units string, set func(unit byte, n int)) error {
		next := 0
		for part != "" {
			i := 0
			for i < len(part) && part[i] >= '0' && part[i] <= '9' {
				i++
			}
			if i == 0 || i == len(part) {
				return errBadDuration
			}
			n, err := strconv.Atoi(part[:i])
			if err != nil || n > maxDurationPart {
				return errors.New("each number in a duration must be at most 10000")
			}
			u := strings.IndexByte(units[next:], part[i])
			if u < 0 {
				return errBadDuration
			}
			set(units[next+u], n)
			next += u + 1
			part = part[i+1:]
		}
		return nil
	}
	if err := parse(date, "YMWD", func(unit byte, n int) {
		switch unit {
		case 'Y':
			d.Years = n
		case 'M':
			d.Months = n
		case 'W':
			d.Days += 7 * n
		case 'D':
			d.Days += n
		}
	}); err != nil {
		return Duration{}, err
	}
	if err := parse(clock, "HMS", func(unit byte, n int) {
		switch unit {
		case 'H':
			d.Clock += time.Duration(n) * time.Hour
		case 'M':
			d.Clock += time.Duration(n) * time.Minute
		case 'S':
			d.Clock += time.Duration(n) * time.Second
		}
	}); err != nil {
		return Duration{}, err
	}
	if d.IsZero() {
		return Duration{}, errors.New("a duration must be longer than zero")
	}
	return d, nil
}

// IsZero reports whether d adds nothing.
func (d Duration) IsZero() bool { return d == Duration{} }

// AddTo returns t + d in UTC. Calendar arithmetic happens in China
// (rules.Shanghai), as people there read the calendar: years and months move
// the date and keep the day of the month, clamped to the month's last
// day (31 January + P1M = 28 or 29 February, not 2 or 3 March); then days are
// added on the calendar, then the clock part.
func (d Duration) AddTo(t time.Time) time.Time {
	if d.IsZero() {
		return t
	}
	local := t.In(rules.Shanghai)
	if d.Years != 0 || d.Months != 0 {
		y, m, day := local.Date()
		first := time.Date(y+d.Years, m+time.Month(d.Months), 1, 0, 0, 0, 0, rules.Shanghai)
		if last := first.AddDate(0, 1, -1).Day(); day > last {
			day = last
		}
		h, mi, s := local.Clock()
		local = time.Date(first.Year(), first.Month(), day, h, mi, s, local.Nanosecond(), rules.Shanghai)
	}
	return local.AddDate(0, 0, d.Days).Add(d.Clock).UTC()
}

// Shortest returns a lower bound of d in exact time, counting a month as 28
// days and a year as 365. Lint uses it to compare durations.
func (d Duration) Shortest() time.Duration {
	days := d.Years*365 + d.Months*28 + d.Days
	return time.Duration(days)*24*time.Hour + d.Clock
}

// String returns d in ISO 8601 form, e.g. "P1M3DT12H".
func (d Duration) String() string {
	if d.IsZero() {
		return "PT0S"
	}
	var b strings.Builder
	b.WriteByte('P')
	part := func(n int, unit byte) {
		if n != 0 {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte(unit)
		}
	}
	part(d.Years, 'Y')
	part(d.Months, 'M')
	part(d.Days, 'D')
	if d.Clock != 0 {
		b.WriteByte('T')
		c := d.Clock
		part(int(c/time.Hour), 'H')
		part(int(c%time.Hour/time.Minute), 'M')
		part(int(c%time.Minute/time.Second), 'S')
	}
	return b.String()
}
