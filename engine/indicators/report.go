package indicators

import (
	"context"
	"slices"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/forms"
)

// Periodic reports (issue #9): a campaign's `reports:` section says which
// form each org unit of a level files per month, quarter or year, and when
// it is due. Every (report, unit, period) is a slot. Its status is computed
// from the report records themselves whenever it is asked for, so it is
// exact the moment a record is stored and needs no sweeper:
//
//   - on_time: the first submission of a report record for the unit and
//     period came at or before the due instant;
//   - late: it came after;
//   - missing: none came and the due instant has passed;
//   - pending: none came yet and the report is not due yet.
//
// Completeness is submitted ÷ expected and timeliness on time ÷ due, over
// the slots whose due instant has passed (a running period has none),
// summed up the org tree (a township's figures are its villages' summed).
//
// Reminders ride on the report sweeper (Service.ReportSweeper): it lays
// out a stored ReportSlot per (report, unit, period) as each period begins,
// and claims the slots whose next reminder is due with a lease, like record
// timers; see SweepReports.

// Report statuses.
const (
	ReportOnTime  = "on_time"
	ReportLate    = "late"
	ReportMissing = "missing"
	ReportPending = "pending"
)

// maxReportPeriods caps the periods a status covers: the most recent ones.
const maxReportPeriods = 60

// ReportTally counts the slots of a group by status.
type ReportTally struct {
	Expected  int `json:"expected"`
	Submitted int `json:"submitted"` // OnTime + Late
	OnTime    int `json:"onTime"`
	Late      int `json:"late"`
	Missing   int `json:"missing"`
	Pending   int `json:"pending"`
	// Due counts the slots whose due time has passed, DueOnTime those of
	// them filed on time: timeliness is judged on these alone, so a
	// quarter still running is not "25 % on time" because one unit filed
	// early.
	Due       int `json:"due"`
	DueOnTime int `json:"dueOnTime"`
}

// Completeness is submitted ÷ expected, 0 when nothing is expected.
func (t ReportTally) Completeness() float64 { return ratio(t.Submitted, t.Expected) }

// Timeliness is on time ÷ due among the slots that have come due, 0 when
// none has (see HasDue).
func (t ReportTally) Timeliness() float64 { return ratio(t.DueOnTime, t.Due) }

// HasDue reports whether any slot has come due: without one, timeliness
// is not yet known and is shown as such, not as 0 %.
func (t ReportTally) HasDue() bool { return t.Due > 0 }

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func (t *ReportTally) add(status string, due bool) {
	t.Expected++
	if due {
		t.Due++
	}
	switch status {
	case ReportOnTime:
		t.OnTime++
		t.Submitted++
		if due {
			t.DueOnTime++
		}
	case ReportLate:
		t.Late++
		t.Submitted++
	case ReportMissing:
		t.Missing++
	default:
		t.Pending++
	}
}

// ReportSlotStatus is one expected report and how it stands.
type ReportSlotStatus struct {
	OrgUnit       string    `json:"orgUnit"`
	OrgName       string    `json:"orgName"`
	OrgPath       string    `json:"-"`
	Period        string    `json:"period"`
	DueAt         time.Time `json:"dueAt"`
	Status        string    `json:"status"`
	RecordID      string    `json:"recordId,omitempty"`
	SubmittedAt   time.Time `json:"submittedAt,omitzero"`
	RemindersSent int       `json:"remindersSent"`
}

// ReportRow is one org unit's tally for one period ("" for all periods).
type ReportRow struct {
	OrgUnit string `json:"orgUnit"`
	Name    string `json:"name"`
	Level   string `json:"level"`
	Path    string `json:"-"`
	Period  string `json:"period"`
	ReportTally
}

// ReportStatus is how a report stands under one org unit: a row per period
// and a total row for the unit itself and for each child that reports or
// holds reporting units, rolled up; and the slots of the unit and its
// children.
type ReportStatus struct {
	CampaignID string             `json:"campaign"`
	Report     campaigns.Report   `json:"-"`
	Root       engine.OrgUnit     `json:"-"`
	Periods    []string           `json:"periods"`
	Rows       []ReportRow        `json:"rows"`
	Slots      []ReportSlotStatus `json:"slots"`
	At         time.Time          `json:"at"`
}

// Total returns the row of unit code for period ("" for all periods).
func (s *ReportStatus) Total(code, period string) ReportTally {
	for _, r := range s.Rows {
		if r.OrgUnit == code && r.Period == period {
			return r.ReportTally
		}
	}
	return ReportTally{}
}

// campaignView resolves what a dashboard or report status looks at: the
// campaign and the org unit (org, or the actor's view of the campaign when
// empty). A unit outside the actor's scope or the campaign is ENOTFOUND, as
// is a campaign the actor sees no part of. Supervisors, reviewers and
// admins only (EFORBIDDEN).
func (s *Service) campaignView(ctx context.Context, a *engine.Actor, campaignID, org string) (*campaigns.Campaign, *engine.OrgUnit, error) {
	if err := a.Require(engine.RoleSupervisor, engine.RoleReviewer, engine.RoleAdmin); err != nil {
		return nil, nil, err
	}
	camp, err := s.e.Campaign(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	top, err := s.store.GetOrgUnit(ctx, camp.OrgScope())
	if err != nil {
		return nil, nil, err
	}
	if org == "" {
		switch {
		case a.Sees(top.Path):
			return camp, top, nil
		case engine.InSubtree(a.User.OrgPath, top.Path) && a.User.OrgUnit != "":
			org = a.User.OrgUnit
		default:
			return nil, nil, engine.Errorf(engine.ENOTFOUND, "campaign %s not found", campaignID)
		}
	}
	unit, err := s.store.GetOrgUnit(ctx, org)
	if engine.ErrorCode(err) == engine.ENOTFOUND || (err == nil && (!a.Sees(unit.Path) || !engine.InSubtree(unit.Path, top.Path))) {
		return nil, nil, engine.Errorf(engine.ENOTFOUND, "org unit %s not found", org)
	}
	if err != nil {
		return nil, nil, err
	}
	return camp, unit, nil
}

// ReportStatus returns how report reportID of a campaign stands under org
// (see campaignView), at the engine clock's now. period, when set, keeps
// one period. Returns ENOTFOUND for an unknown report, EINVALID for a
// period that is not one of the report's kind.
func (s *Service) ReportStatus(ctx context.Context, a *engine.Actor, campaignID, reportID, org, period string) (*ReportStatus, error) {
	camp, root, err := s.campaignView(ctx, a, campaignID, org)
	if err != nil {
		return nil, err
	}
	rep, ok := camp.Report(reportID)
	if !ok {
		return nil, engine.Errorf(engine.ENOTFOUND, "campaign %s has no report %q", campaignID, reportID)
	}
	if period != "" {
		if _, ok := rep.ParsePeriod(period); !ok {
			return nil, &engine.Error{Code: engine.EINVALID, Message: "not a period of this report",
				Fields: []engine.FieldError{{Pointer: "/period", Code: "bad_period", Message: "write it as 2026-Q4, 2026-11 or 2026, as the report counts"}}}
		}
	}
	return s.reportStatus(ctx, camp, rep, root, period)
}

// Reports returns how each of a campaign's reports stands under org (see
// ReportStatus), in file order; none for a campaign without reports.
func (s *Service) Reports(ctx context.Context, a *engine.Actor, campaignID, org string) ([]*ReportStatus, error) {
	camp, root, err := s.campaignView(ctx, a, campaignID, org)
	if err != nil {
		return nil, err
	}
	out := []*ReportStatus{}
	for _, rep := range camp.Reports() {
		st, err := s.reportStatus(ctx, camp, rep, root, "")
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func (s *Service) reportStatus(ctx context.Context, camp *campaigns.Campaign, rep campaigns.Report, root *engine.OrgUnit, only string) (*ReportStatus, error) {
	now := s.e.Now()
	units, err := s.store.ListOrgUnits(ctx, root.Path)
	if err != nil {
		return nil, err
	}
	st := &ReportStatus{CampaignID: camp.ID(), Report: rep, Root: *root, At: now, Rows: []ReportRow{}, Slots: []ReportSlotStatus{}}
	starts := reportPeriods(camp, rep, now)
	dues := make([]time.Time, len(starts))
	for i, start := range starts {
		key := rep.PeriodKey(start)
		if only != "" && key != only {
			continue
		}
		if dues[i], err = rep.DueAt(start, camp.RefTime()); err != nil {
			return nil, engine.WrapError(engine.EINTERNAL, "a report's due time cannot be computed", err)
		}
		st.Periods = append(st.Periods, key)
	}
	reporting := map[string]*engine.OrgUnit{} // path → unit at the report's level
	for i := range units {
		if units[i].Level == rep.Level {
			reporting[units[i].Path] = &units[i]
		}
	}
	subs, err := s.reportSubmissions(ctx, camp, rep, root.Path, reporting)
	if err != nil {
		return nil, err
	}
	stored := map[string]ReportSlot{}
	slots, err := s.store.ListReportSlots(ctx, ReportSlotFilter{CampaignID: camp.ID(), ReportID: rep.ID, OrgPaths: []string{root.Path}})
	if err != nil {
		return nil, err
	}
	for _, slot := range slots {
		stored[slot.OrgUnit+"/"+slot.Period] = slot
	}
	// Rows: the root and each of its children, by period and in total.
	type rowKey struct{ code, period string }
	rows := map[rowKey]*ReportRow{}
	var order []engine.OrgUnit
	children := map[string]engine.OrgUnit{}
	for _, u := range units {
		if u.ParentCode == root.Code {
			children[u.Code] = u
		}
	}
	head := func(path string) (engine.OrgUnit, bool) { // the root or the child of it that path lies under
		if path == root.Path {
			return *root, true
		}
		code, _, _ := strings.Cut(strings.TrimPrefix(path, root.Path), "/")
		u, ok := children[code]
		return u, ok
	}
	tally := func(u engine.OrgUnit, period, status string, due bool) {
		k := rowKey{u.Code, period}
		r := rows[k]
		if r == nil {
			r = &ReportRow{OrgUnit: u.Code, Name: u.Name, Level: u.Level, Path: u.Path, Period: period}
			rows[k] = r
			if period == "" && !slices.ContainsFunc(order, func(o engine.OrgUnit) bool { return o.Code == u.Code }) {
				order = append(order, u)
			}
		}
		r.add(status, due)
	}
	for _, u := range units {
		if u.Level != rep.Level {
			continue
		}
		child, ok := head(u.Path)
		for i, start := range starts {
			key := rep.PeriodKey(start)
			if only != "" && key != only {
				continue
			}
			slot := ReportSlotStatus{OrgUnit: u.Code, OrgName: u.Name, OrgPath: u.Path, Period: key, DueAt: dues[i]}
			if sub, ok := subs[u.Code+"/"+key]; ok {
				slot.RecordID, slot.SubmittedAt = sub.recordID, sub.at
			}
			slot.Status = slotStatus(slot.SubmittedAt, slot.DueAt, now)
			slot.RemindersSent = stored[u.Code+"/"+key].RemindersSent
			due := now.After(slot.DueAt)
			for _, p := range []string{key, ""} {
				tally(*root, p, slot.Status, due)
				if ok && child.Code != root.Code {
					tally(child, p, slot.Status, due)
				}
			}
			if u.Code == root.Code || u.ParentCode == root.Code {
				st.Slots = append(st.Slots, slot)
			}
		}
	}
	slices.SortFunc(order, func(a, b engine.OrgUnit) int { return strings.Compare(a.Path, b.Path) })
	for _, u := range order {
		st.Rows = append(st.Rows, *rows[rowKey{u.Code, ""}])
		for _, p := range st.Periods {
			if r := rows[rowKey{u.Code, p}]; r != nil {
				st.Rows = append(st.Rows, *r)
			}
		}
	}
	return st, nil
}

// slotStatus judges one slot at now.
func slotStatus(submitted, due, now time.Time) string {
	switch {
	case !submitted.IsZero() && !submitted.After(due):
		return ReportOnTime
	case !submitted.IsZero():
		return ReportLate
	case now.After(due):
		return ReportMissing
	}
	return ReportPending
}

// reportPeriods returns the starts of the report's periods from the
// campaign's opening (or its reference time) to the one running at now,
// and none starting at or after the campaign closes; the last
// maxReportPeriods of them.
func reportPeriods(camp *campaigns.Campaign, rep campaigns.Report, now time.Time) []time.Time {
	from := camp.Opens()
	if from.IsZero() {
		from = camp.RefTime()
	}
	var out []time.Time
	for s := rep.PeriodStart(from); !s.After(now); s = rep.NextPeriod(s) {
		if !camp.Closes().IsZero() && !s.Before(camp.Closes()) {
			break
		}
		out = append(out, s)
	}
	if len(out) > maxReportPeriods {
		out = out[len(out)-maxReportPeriods:]
	}
	return out
}

// submission is the first report record of a unit for a period.
type submission struct {
	recordID string
	at       time.Time
}

// reportSubmissions finds the report records under path and returns the
// earliest first submission per "unit/period" of the reporting units. A
// record counts for the reporting unit it lies in (a group's record counts
// for its village) and for the period named by the report's period_field
// answer, or else the period that last ended before it was submitted.
// Drafts do not count.
func (s *Service) reportSubmissions(ctx context.Context, camp *campaigns.Campaign, rep campaigns.Report, path string, reporting map[string]*engine.OrgUnit) (map[string]submission, error) {
	out := map[string]submission{}
	p := engine.Page{Limit: engine.MaxPageLimit}
	for {
		page, err := s.store.ListRecords(ctx, engine.RecordFilter{CampaignID: camp.ID(), FormID: rep.Form, OrgPaths: []string{path}}, p)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Records {
			at := firstSubmit(r)
			if at.IsZero() {
				continue
			}
			unit := reportingUnit(r.OrgPath, reporting)
			if unit == nil {
				continue
			}
			key := unit.Code + "/" + recordPeriod(rep, s.recordForm(ctx, r), r, at)
			if first, ok := out[key]; !ok || at.Before(first.at) || (at.Equal(first.at) && r.ID < first.recordID) {
				out[key] = submission{recordID: r.ID, at: at}
			}
		}
		if page.Next == "" {
			return out, nil
		}
		p.After = page.Next
	}
}

// firstSubmit is when a record was first submitted; zero for a draft that
// never was.
func firstSubmit(r *engine.Record) time.Time {
	if r.State == engine.StateDraft {
		return time.Time{}
	}
	for _, h := range r.History {
		if h.Action == "submit" {
			return h.At
		}
	}
	return r.CreatedAt
}

// reportingUnit returns the unit of reporting whose subtree holds path.
func reportingUnit(path string, reporting map[string]*engine.OrgUnit) *engine.OrgUnit {
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			if u := reporting[path[:i+1]]; u != nil {
				return u
			}
		}
	}
	return nil
}

// recordPeriod is the period a report record is for. The period field is
// read at its place in the record's form (a section too); without the form,
// at the top.
func recordPeriod(rep campaigns.Report, form *forms.Form, r *engine.Record, submitted time.Time) string {
	if rep.PeriodField != "" {
		v := r.Answers[rep.PeriodField]
		if form != nil {
			if fd, err := form.Resolve(rep.PeriodField); err == nil {
				v, _ = fd.Value(r.Answers)
			}
		}
		if s, ok := v.(string); ok {
			if _, ok := rep.ParsePeriod(s); ok {
				return s
			}
		}
	}
	start := rep.PeriodStart(submitted)
	return rep.PeriodKey(rep.PeriodStart(start.Add(-time.Millisecond)))
}
