package indicators

import (
	"context"
	"slices"
	"strings"
	"time"

	"canvass/campaigns"
	"canvass/engine"
)

// Dashboard is a campaign at a glance under one org unit (its Root): the
// records by state per child unit, the overdue tasks, each worker's
// output, the periodic reports' timeliness and the indicators against
// their targets. Drilling down is asking again with a child as the root.
type Dashboard struct {
	CampaignID string
	Title      string
	Root       engine.OrgUnit
	Up         *engine.OrgUnit // the parent, when the viewer may look there too
	At         time.Time

	States   []DashboardState // the columns of Progress, in workflow order
	Progress []ProgressRow    // the root's own records first, then each child's
	Overdue  int64            // open tasks past their due time under the root

	Workers []WorkerOutput // by records, most first

	Reports []*ReportStatus

	// Indicators are the indicators' values for the root and each child
	// in the current period; Trend the root's values over recent periods.
	// IndicatorsErr says why they are missing when they could not be read.
	Indicators    []IndicatorValue
	Trend         []IndicatorValue
	IndicatorsErr error
}

// DashboardState is a workflow state and its title.
type DashboardState struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// ProgressRow counts one unit's records (its whole subtree) by state.
type ProgressRow struct {
	OrgUnit string  `json:"orgUnit"`
	Name    string  `json:"name"`
	Level   string  `json:"level"`
	Counts  []int64 `json:"counts"` // by Dashboard.States
	Total   int64   `json:"total"`
	Overdue int64   `json:"overdue"`
	Drill   bool    `json:"drill"` // a child with units below it to drill into
}

// WorkerOutput is how many records one user submitted (drafts left out).
type WorkerOutput struct {
	UserID  string `json:"user"`
	Name    string `json:"name"`
	Records int64  `json:"records"`
}

// dashboardTrend is how many periods the indicator trend shows.
const dashboardTrend = 8

// Dashboard returns the dashboard of a campaign under org ("" for the
// actor's view of the campaign), at the engine clock's now. Supervisors,
// reviewers and admins. Returns ENOTFOUND for an unknown campaign or a unit
// outside the actor's scope or the campaign, EFORBIDDEN for other roles.
func (s *Service) Dashboard(ctx context.Context, a *engine.Actor, campaignID, org, lang string) (*Dashboard, error) {
	camp, root, err := s.campaignView(ctx, a, campaignID, org)
	if err != nil {
		return nil, err
	}
	now := s.e.Now()
	d := &Dashboard{CampaignID: camp.ID(), Title: camp.Title(lang), Root: *root, At: now}
	if root.ParentCode != "" && root.Code != camp.OrgScope() {
		if up, err := s.store.GetOrgUnit(ctx, root.ParentCode); err == nil && a.Sees(up.Path) {
			d.Up = up
		}
	}
	units, err := s.store.ListOrgUnits(ctx, root.Path)
	if err != nil {
		return nil, err
	}
	if err := s.dashboardProgress(ctx, d, camp, units, lang); err != nil {
		return nil, err
	}
	if d.Workers, err = s.dashboardWorkers(ctx, camp, root.Path, lang); err != nil {
		return nil, err
	}
	for _, rep := range camp.Reports() {
		st, err := s.reportStatus(ctx, camp, rep, root, "")
		if err != nil {
			return nil, err
		}
		d.Reports = append(d.Reports, st)
	}
	s.dashboardIndicators(ctx, a, d, camp, lang)
	return d, nil
}

// dashboardProgress fills States, Progress and Overdue.
func (s *Service) dashboardProgress(ctx context.Context, d *Dashboard, camp *campaigns.Campaign, units []engine.OrgUnit, lang string) error {
	groups, err := s.store.AggregateRecords(ctx, engine.RecordFilter{CampaignID: camp.ID(), OrgPaths: []string{d.Root.Path}},
		engine.Aggregate{GroupBy: []string{engine.GroupByOrgUnit, engine.GroupByState}})
	if err != nil {
		return err
	}
	wf, _, err := s.e.Workflow(ctx, camp.Workflow(), 0)
	if err != nil {
		return err
	}
	for _, state := range wf.States() {
		d.States = append(d.States, DashboardState{Name: state, Title: wf.StateTitle(state, lang)})
	}
	col := map[string]int{}
	for i, state := range d.States {
		col[state.Name] = i
	}
	for _, g := range groups {
		if _, ok := col[g.Key[engine.GroupByState]]; !ok { // draft, or a state of an older workflow version
			col[g.Key[engine.GroupByState]] = len(d.States)
			title := g.Key[engine.GroupByState]
			if title == engine.StateDraft {
				title = draftTitle(lang)
			}
			d.States = append(d.States, DashboardState{Name: g.Key[engine.GroupByState], Title: title})
		}
	}
	// One row for the root's own records, then one per child.
	byCode := map[string]*engine.OrgUnit{}
	hasChildren := map[string]bool{}
	for i := range units {
		byCode[units[i].Code] = &units[i]
		hasChildren[units[i].ParentCode] = true
	}
	rows := []ProgressRow{{OrgUnit: d.Root.Code, Name: d.Root.Name, Level: d.Root.Level}}
	index := map[string]int{d.Root.Code: 0}
	for _, u := range units {
		if u.ParentCode == d.Root.Code {
			index[u.Code] = len(rows)
			rows = append(rows, ProgressRow{OrgUnit: u.Code, Name: u.Name, Level: u.Level, Drill: hasChildren[u.Code]})
		}
	}
	for i := range rows {
		rows[i].Counts = make([]int64, len(d.States))
	}
	rowOf := func(code string) int {
		u := byCode[code]
		if u == nil {
			return 0
		}
		for _, c := range strings.Split(strings.Trim(strings.TrimPrefix(u.Path, d.Root.Path), "/"), "/") {
			if i, ok := index[c]; ok && c != d.Root.Code {
				return i
			}
		}
		return 0
	}
	for _, g := range groups {
		r := &rows[rowOf(g.Key[engine.GroupByOrgUnit])]
		r.Counts[col[g.Key[engine.GroupByState]]] += g.Count
		r.Total += g.Count
	}
	for i := range rows {
		path := d.Root.Path
		if i > 0 {
			path = byCode[rows[i].OrgUnit].Path
		}
		n, err := s.store.CountRecords(ctx, engine.RecordFilter{CampaignID: camp.ID(), OrgPaths: []string{path}, DueBefore: d.At})
		if err != nil {
			return err
		}
		rows[i].Overdue = n
	}
	d.Overdue = rows[0].Overdue
	for i := 1; i < len(rows); i++ {
		rows[0].Overdue -= rows[i].Overdue // the root's row: its own records only
	}
	// Keep the root's own row only when it has records of its own.
	if rows[0].Total == 0 && rows[0].Overdue == 0 && len(rows) > 1 {
		rows = rows[1:]
	}
	d.Progress = rows
	return nil
}

func publicLinksName(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return "Public links (QR codes)"
	}
	return "公开链接（扫码填报）"
}

func draftTitle(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return "Draft"
	}
	return "草稿"
}

// dashboardWorkers counts each user's records under path, drafts left out,
// most first, with display names; records filed through public links are
// one row (UserID "public:").
func (s *Service) dashboardWorkers(ctx context.Context, camp *campaigns.Campaign, path, lang string) ([]WorkerOutput, error) {
	f := engine.RecordFilter{CampaignID: camp.ID(), OrgPaths: []string{path}}
	all, err := s.store.CountRecordsByCreator(ctx, f)
	if err != nil {
		return nil, err
	}
	f.States = []string{engine.StateDraft}
	drafts, err := s.store.CountRecordsByCreator(ctx, f)
	if err != nil {
		return nil, err
	}
	draftsOf := map[string]int64{}
	for _, c := range drafts {
		draftsOf[c.CreatedBy] = c.Count
	}
	// One query for the users of the subtree; anyone else (a worker moved
	// away, an admin above) is looked up alone.
	users, err := s.store.ListUsers(ctx, engine.UserFilter{OrgPaths: []string{path}})
	if err != nil {
		return nil, err
	}
	nameOf := make(map[string]string, len(users))
	for _, u := range users {
		nameOf[u.ID] = u.DisplayName
	}
	out := []WorkerOutput{}
	public := WorkerOutput{UserID: engine.PublicActorPrefix, Name: publicLinksName(lang)}
	for _, c := range all {
		n := c.Count - draftsOf[c.CreatedBy]
		if n <= 0 {
			continue
		}
		if strings.HasPrefix(c.CreatedBy, engine.PublicActorPrefix) {
			public.Records += n // one row for every public (QR) link together
			continue
		}
		name, ok := nameOf[c.CreatedBy]
		if !ok {
			name = c.CreatedBy // submitted through a public link, or a user gone
			if u, err := s.store.GetUser(ctx, c.CreatedBy); err == nil {
				name = u.DisplayName
			} else if engine.ErrorCode(err) != engine.ENOTFOUND {
				return nil, err
			}
		}
		out = append(out, WorkerOutput{UserID: c.CreatedBy, Name: name, Records: n})
	}
	if public.Records > 0 {
		out = append(out, public)
	}
	slices.SortStableFunc(out, func(a, b WorkerOutput) int {
		if a.Records != b.Records {
			return int(b.Records - a.Records)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// sinceCampaignStart drops the trend's periods before the campaign's
// first (the period of its opening, or of its reference time when that is
// earlier): a yearly indicator of a 2026 campaign starts at 2026, not
// eight empty years before it.
func sinceCampaignStart(vs []IndicatorValue, camp *campaigns.Campaign) []IndicatorValue {
	from := camp.Opens()
	if rt := camp.RefTime(); from.IsZero() || !rt.IsZero() && rt.Before(from) {
		from = rt
	}
	if from.IsZero() {
		return vs
	}
	return slices.DeleteFunc(vs, func(v IndicatorValue) bool {
		return v.Period < periodOf(monthOf(from), v.Granularity)
	})
}

// dashboardIndicators fills Indicators and Trend. A failure there leaves
// the rest of the dashboard standing: it is noted in IndicatorsErr.
func (s *Service) dashboardIndicators(ctx context.Context, a *engine.Actor, d *Dashboard, camp *campaigns.Campaign, lang string) {
	if len(camp.Indicators()) == 0 {
		return
	}
	l := "zh"
	if strings.HasPrefix(lang, "en") {
		l = "en"
	}
	vals, err := s.IndicatorValues(ctx, a, camp.ID(), IndicatorQuery{OrgUnit: d.Root.Code, Children: true, Lang: l})
	if err == nil {
		d.Indicators = vals
		d.Trend, err = s.IndicatorValues(ctx, a, camp.ID(), IndicatorQuery{OrgUnit: d.Root.Code, Trend: dashboardTrend, Lang: l})
		d.Trend = sinceCampaignStart(d.Trend, camp)
	}
	if err != nil {
		s.e.Logger().Warn("dashboard: indicators", "campaign", camp.ID(), "err", err)
		d.IndicatorsErr = err
	}
}
