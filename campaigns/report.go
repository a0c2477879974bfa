package campaigns

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/goccy/go-yaml/ast"

	"canvass/internal/yamldoc"
	"canvass/rules"
	"canvass/workflows"
)

// Report periods. A report period may also be a year, which the campaign's
// own period may not.
const (
	ReportMonth   = "month"
	ReportQuarter = "quarter"
	ReportYear    = "year"
)

// Limits on the reports section.
const (
	maxReports   = 20
	maxReminders = 10
	maxDueDays   = 366 // a due offset or a reminder, in days
)

// Report is a periodic report due from each org unit of a level on a
// schedule: every village's quarterly vital-events report, due on the 15th
// after each quarter. The engine keeps one slot per (report, org unit,
// period) and judges each on time, late or missing against Due.
type Report struct {
	ID     string
	Title  Text
	Form   string // the form a report is filled on; one of the campaign's forms
	Level  string // the org level that reports, e.g. "village"
	Period string // ReportMonth, ReportQuarter or ReportYear
	// PeriodField names an answer of the form holding the period the
	// report is for ("2026-Q4"); empty: a report is for the period that
	// last ended at or before it was submitted.
	PeriodField string
	// RemindBefore and RemindAfter are the reminders, in days before and
	// after the due instant, sorted so that they fire in order.
	RemindBefore []int
	RemindAfter  []int
	// Roles are who is reminded at the reporting unit; empty: field workers.
	Roles []string

	dueDays int            // due this many days after the period ends, when due is an integer
	due     *rules.Program // the due expression, when due is one
}

// Reports returns the campaign's periodic reports in file order.
func (c *Campaign) Reports() []Report { return slices.Clone(c.reports) }

// Report returns the report with the given id.
func (c *Campaign) Report(id string) (Report, bool) {
	i := slices.IndexFunc(c.reports, func(r Report) bool { return r.ID == id })
	if i < 0 {
		return Report{}, false
	}
	return c.reports[i], true
}

// PeriodStart returns the instant the period holding t starts, in China,
// in UTC.
func (r Report) PeriodStart(t time.Time) time.Time {
	l := t.In(rules.Shanghai)
	switch r.Period {
	case ReportYear:
		return time.Date(l.Year(), 1, 1, 0, 0, 0, 0, rules.Shanghai).UTC()
	case ReportQuarter:
		return time.Date(l.Year(), (l.Month()-1)/3*3+1, 1, 0, 0, 0, 0, rules.Shanghai).UTC()
	}
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, rules.Shanghai).UTC()
}

// NextPeriod returns the start of the period after the one starting at
// start.
func (r Report) NextPeriod(start time.Time) time.Time {
	l := start.In(rules.Shanghai)
	switch r.Period {
	case ReportYear:
		return l.AddDate(1, 0, 0).UTC()
	case ReportQuarter:
		return l.AddDate(0, 3, 0).UTC()
	}
	return l.AddDate(0, 1, 0).UTC()
}

// PeriodKey names the period starting at start: "2026-11", "2026-Q4" or
// "2026".
func (r Report) PeriodKey(start time.Time) string {
	if r.Period == ReportYear {
		return fmt.Sprintf("%04d", start.In(rules.Shanghai).Year())
	}
	return yamldoc.PeriodKey(r.Period, start)
}

// ParsePeriod returns the start of the period named key, and false when key
// does not name a period of the report's kind.
func (r Report) ParsePeriod(key string) (time.Time, bool) {
	var y, n int
	var start time.Time
	switch r.Period {
	case ReportYear:
		if _, err := fmt.Sscanf(key, "%04d", &y); err != nil || len(key) != 4 {
			return time.Time{}, false
		}
		start = time.Date(y, 1, 1, 0, 0, 0, 0, rules.Shanghai)
	case ReportQuarter:
		if _, err := fmt.Sscanf(key, "%04d-Q%d", &y, &n); err != nil || len(key) != 7 || n < 1 || n > 4 {
			return time.Time{}, false
		}
		start = time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, rules.Shanghai)
	default:
		if _, err := fmt.Sscanf(key, "%04d-%02d", &y, &n); err != nil || len(key) != 7 || n < 1 || n > 12 {
			return time.Time{}, false
		}
		start = time.Date(y, time.Month(n), 1, 0, 0, 0, 0, rules.Shanghai)
	}
	if y < 2000 || y > 2200 {
		return time.Time{}, false
	}
	return start.UTC(), r.PeriodKey(start) == key
}

// DueAt returns when the report for the period starting at start is due:
// the due expression with periodStart, periodEnd (the instant the period
// ends: the next one's start) and refTime, or the end of the period plus the
// due days.
func (r Report) DueAt(start, refTime time.Time) (time.Time, error) {
	end := r.NextPeriod(start)
	if r.due == nil {
		return end.Add(time.Duration(r.dueDays) * 24 * time.Hour), nil
	}
	t, err := r.due.RunTime(map[string]any{"periodStart": start, "periodEnd": end, "refTime": refTime})
	if err != nil {
		return time.Time{}, fmt.Errorf("report %s: due: %w", r.ID, err)
	}
	return t.UTC().Truncate(time.Millisecond), nil
}

// Reminders returns the reminder instants around due, earliest first.
func (r Report) Reminders(due time.Time) []time.Time {
	var out []time.Time
	for _, d := range r.RemindBefore {
		out = append(out, due.Add(-time.Duration(d)*24*time.Hour))
	}
	for _, d := range r.RemindAfter {
		out = append(out, due.Add(time.Duration(d)*24*time.Hour))
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out)
}

// dueEnv is what a due expression sees.
func dueEnv() *rules.Env {
	return rules.NewEnv(rules.Kind("report_due")).
		Var("periodStart", time.Time{}).Var("periodEnd", time.Time{}).Var("refTime", time.Time{})
}

// reports decodes the reports section.
func (l *loader) reports(e yamldoc.Entry, c *Campaign) []Report {
	items, ok := l.Sequence(e, "reports")
	if !ok {
		return nil
	}
	if len(items) > maxReports {
		l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "a campaign may have at most %d reports", maxReports).With("max", strconv.Itoa(maxReports))
		items = items[:maxReports]
	}
	var out []Report
	for i, item := range items {
		p := yamldoc.Index(e.Key.Path, i)
		entries, ok := l.Mapping(item, p, "a report")
		if !ok {
			continue
		}
		f := l.Fields(entries, "a report", "id", "title", "form", "level", "period", "due", "period_field", "remind", "roles")
		l.Require(f, yamldoc.PosOf(item), p, "a report", "id", "form", "level", "period", "due")
		r := Report{Title: l.Text(f["title"])}
		if id := l.Str(f["id"]); id.Set {
			switch {
			case !yamldoc.IDPattern.MatchString(id.Val):
				l.Errorf(id.At, id.Path, rules.CodeBadID, "report id %q must be lower-case letters, digits and dashes", id.Val).With("value", id.Val)
			case slices.ContainsFunc(out, func(o Report) bool { return o.ID == id.Val }):
				l.Errorf(id.At, id.Path, rules.CodeDuplicateKey, "report %s is declared twice", id.Val).With("value", id.Val)
			default:
				r.ID = id.Val
			}
		}
		if form := l.Str(f["form"]); form.Set && l.checkForm(form, c) {
			r.Form = form.Val
		}
		if lv := l.Str(f["level"]); lv.Set {
			if !slices.Contains(workflows.Levels, lv.Val) {
				hint := ""
				if h := yamldoc.Closest(lv.Val, workflows.Levels); h != "" {
					hint = fmt.Sprintf(" (did you mean %q?)", h)
				}
				l.Errorf(lv.At, lv.Path, rules.CodeBadLevel, "level %q is not an org level%s", lv.Val, hint).
					With("value", lv.Val).With("suggest", yamldoc.Closest(lv.Val, workflows.Levels))
			} else {
				r.Level = lv.Val
			}
		}
		if pd := l.Str(f["period"]); pd.Set {
			if !slices.Contains([]string{ReportMonth, ReportQuarter, ReportYear}, pd.Val) {
				l.Errorf(pd.At, pd.Path, rules.CodeBadValue, "period must be month, quarter or year, not %q", pd.Val).With("value", pd.Val).With("want", "month / quarter / year")
			} else {
				r.Period = pd.Val
			}
		}
		if pf := l.Str(f["period_field"]); pf.Set {
			if !fieldRefPattern.MatchString(pf.Val) {
				l.Errorf(pf.At, pf.Path, rules.CodeBadValue, "period_field %q must name a field of the form: its key (period) or its path (report.period)", pf.Val).
					With("key", "period_field").With("value", pf.Val).WithText("want", "表单字段的标识（如 period）或路径（如 report.period）", "a field's key (period) or path (report.period)")
			} else {
				r.PeriodField = pf.Val
			}
		}
		l.reportDue(f["due"], &r)
		if re, ok := f["remind"]; ok {
			l.reminders(re, &r)
		}
		for _, s := range l.StringList(f["roles"]) {
			if !slices.Contains(workflows.Roles, s.Val) {
				hint := ""
				if h := yamldoc.Closest(s.Val, workflows.Roles); h != "" {
					hint = fmt.Sprintf(" (did you mean %q?)", h)
				}
				l.Errorf(s.At, s.Path, rules.CodeBadRole, "%q is not a role%s", s.Val, hint).
					With("value", s.Val).With("suggest", yamldoc.Closest(s.Val, workflows.Roles))
				continue
			}
			if !slices.Contains(r.Roles, s.Val) {
				r.Roles = append(r.Roles, s.Val)
			}
		}
		out = append(out, r)
	}
	return out
}

// reportDue decodes due: a whole number of days after the period ends, or
// a time expression over periodStart, periodEnd and refTime.
func (l *loader) reportDue(e yamldoc.Entry, r *Report) {
	if !e.Key.Set {
		return
	}
	if n, ok := l.Resolve(e.Value, e.Key.Path).(*ast.IntegerNode); ok {
		days, _, _ := l.Int(e)
		if days < 0 || days > maxDueDays {
			l.Errorf(yamldoc.PosOf(n), e.Key.Path, rules.CodeBadValue, "due must be between 0 and %d days after the period ends", maxDueDays).
				WithText("want", fmt.Sprintf("周期结束后 0–%d 天", maxDueDays), fmt.Sprintf("0–%d days after the period ends", maxDueDays))
			return
		}
		r.dueDays = days
		return
	}
	s := l.Str(e)
	if !s.Set {
		return
	}
	r.due = l.Compile(s, dueEnv(), rules.ResultTime)
}

// reminders decodes remind: {before: [days…], after: [days…]}.
func (l *loader) reminders(e yamldoc.Entry, r *Report) {
	entries, ok := l.Mapping(e.Value, e.Key.Path, "remind")
	if !ok {
		return
	}
	f := l.Fields(entries, "remind", "before", "after")
	days := func(e yamldoc.Entry) []int {
		if !e.Key.Set {
			return nil
		}
		items, ok := l.Sequence(e, e.Key.Val)
		if !ok {
			return nil
		}
		if len(items) > maxReminders {
			l.Errorf(e.Key.At, e.Key.Path, rules.CodeTooLarge, "at most %d reminders %s the due time", maxReminders, e.Key.Val).With("max", strconv.Itoa(maxReminders))
			return nil
		}
		var out []int
		for i, item := range items {
			p := yamldoc.Index(e.Key.Path, i)
			v, at, set := l.Int(yamldoc.Entry{Key: yamldoc.Scalar{Val: "a reminder", Set: true, Path: p, At: yamldoc.PosOf(item)}, Value: item})
			switch {
			case !set:
			case v < 1 || v > maxDueDays:
				l.Errorf(at, p, rules.CodeBadValue, "a reminder must be 1 to %d days %s the due time", maxDueDays, e.Key.Val).
					With("value", strconv.Itoa(v)).WithText("want", fmt.Sprintf("1–%d 天", maxDueDays), fmt.Sprintf("1 to %d days", maxDueDays))
			case slices.Contains(out, v):
				l.Errorf(at, p, rules.CodeDuplicateKey, "a reminder %d days %s is listed twice", v, e.Key.Val).With("value", strconv.Itoa(v))
			default:
				out = append(out, v)
			}
		}
		return out
	}
	r.RemindBefore, r.RemindAfter = days(f["before"]), days(f["after"])
	slices.Sort(r.RemindBefore)
	slices.Reverse(r.RemindBefore)
	slices.Sort(r.RemindAfter)
}

// fieldRefPattern is a reference to a form's field: a key, or a path of
// keys joined by dots. Publishing resolves it against the form
// (forms.Form.Resolve).
var fieldRefPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}(\.[A-Za-z][A-Za-z0-9_]{0,63}){0,7}$`)
