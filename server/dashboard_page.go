package server

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/server/svgchart"
)

// maxWorkerBars caps the workers drawn in the chart (the table lists all),
// so the chart stays a phone screen or two long.
const maxWorkerBars = 30

// dashboardListData is the /dashboard page: the campaigns to pick from.
type dashboardListData struct {
	Campaigns []dashboardLink
}

type dashboardLink struct {
	ID, Title, URL string
}

// dashboardIndexPage lists the published campaigns the reader can see a
// dashboard of.
func (s *Server) dashboardIndexPage(c fiber.Ctx) error {
	a := actorOf(c)
	if !a.Has(engine.RoleSupervisor, engine.RoleReviewer, engine.RoleAdmin) {
		return engine.Errorf(engine.EFORBIDDEN, "supervisors, reviewers and admins only")
	}
	p := s.newPage(c, "dashboard.title", "dashboard", "")
	d := &dashboardListData{}
	p.Data = d
	choices, err := s.engine.CampaignChoices(c.Context(), a, p.Lang)
	if err != nil {
		return err
	}
	for _, ch := range choices {
		d.Campaigns = append(d.Campaigns, dashboardLink{ID: ch.ID, Title: ch.Title, URL: "/campaigns/" + ch.ID + "/dashboard"})
	}
	return s.render(c, fiber.StatusOK, "dashboard_list", p)
}

// dashboardData is what dashboard.html shows.
type dashboardData struct {
	D          *indicators.Dashboard
	UpURL      string
	OverdueURL string
	Export     map[string]string // table → XLSX address; "" → every table

	ProgressSVG template.HTML
	Progress    []progressView
	WorkersSVG  template.HTML
	Reports     []reportView
	Indicators  []indicatorView
	Phases      []phaseView    // campaign_phases.go
	Followups   []followupView // dashboard_followups.go
}

type progressView struct {
	indicators.ProgressRow
	URL string // drill-down, "" when there is nothing below
}

type reportView struct {
	Title    string
	SVG      template.HTML // timeliness by unit, all periods
	TrendSVG template.HTML // completeness and timeliness per period
	Rows     []reportRowView
}

type reportRowView struct {
	indicators.ReportRow
	Completeness, Timeliness string
	URL                      string
}

type indicatorView struct {
	ID, Title string
	SVG       template.HTML
	TrendSVG  template.HTML
	Rows      []indicatorRowView
}

type indicatorRowView struct {
	OrgName, Period, Value, Target, Met string
}

// dashboardPage shows a campaign's dashboard under ?org=.
func (s *Server) dashboardPage(c fiber.Ctx) error {
	p := s.newPage(c, "dashboard.title", "dashboard", "")
	d, err := s.dashboardOf(c, p.Lang)
	if err != nil {
		return err
	}
	v := buildDashboardView(d, p)
	if camp, err := s.engine.Campaign(c.Context(), d.CampaignID); err == nil {
		if v.Phases, err = s.phasesView(c.Context(), actorOf(c), p, camp, d.Root.Path, s.engine.Now()); err != nil {
			return err
		}
	}
	if v.Followups, err = s.dashboardFollowups(c, d, p); err != nil {
		return err
	}
	p.Data = v
	return s.render(c, fiber.StatusOK, "dashboard", p)
}

func dashboardURL(campaign, org string) string {
	return "/campaigns/" + url.PathEscape(campaign) + "/dashboard?org=" + url.QueryEscape(org)
}

// pct formats a 0–1 share as "87.5%".
func pct(share float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", share*100), ".0") + "%"
}

func buildDashboardView(d *indicators.Dashboard, p *pageData) *dashboardData {
	v := &dashboardData{D: d, Export: map[string]string{},
		OverdueURL: "/inbox?campaign=" + url.QueryEscape(d.CampaignID) + "&overdue=1&org=" + url.QueryEscape(d.Root.Code)}
	if d.Up != nil {
		v.UpURL = dashboardURL(d.CampaignID, d.Up.Code)
	}
	base := "/campaigns/" + url.PathEscape(d.CampaignID) + "/dashboard.xlsx?org=" + url.QueryEscape(d.Root.Code)
	v.Export[""] = base
	for _, t := range dashboardTables {
		v.Export[t] = base + "&table=" + t
	}

	// Progress: records by state, stacked, one bar per unit.
	bars := &svgchart.Bars{ID: "progress", Title: p.T("dashboard.progress"), Desc: p.T("dashboard.progress.desc", d.Root.Name)}
	for _, st := range d.States {
		bars.Series = append(bars.Series, svgchart.Series{Name: st.Title})
	}
	for _, r := range d.Progress {
		pv := progressView{ProgressRow: r}
		if r.Drill {
			pv.URL = dashboardURL(d.CampaignID, r.OrgUnit)
		}
		v.Progress = append(v.Progress, pv)
		bars.Labels = append(bars.Labels, r.Name)
		bars.Links = append(bars.Links, pv.URL)
		for i := range bars.Series {
			bars.Series[i].Values = append(bars.Series[i].Values, float64(r.Counts[i]))
		}
	}
	v.ProgressSVG = template.HTML(bars.SVG())

	// Each worker's output.
	wb := &svgchart.Bars{ID: "workers", Title: p.T("dashboard.workers"), Desc: p.T("dashboard.workers.desc", min(len(d.Workers), maxWorkerBars)),
		Series: []svgchart.Series{{Name: p.T("dashboard.col.records")}}}
	for i, w := range d.Workers {
		if i == maxWorkerBars {
			break
		}
		wb.Labels = append(wb.Labels, w.Name)
		wb.Series[0].Values = append(wb.Series[0].Values, float64(w.Records))
	}
	v.WorkersSVG = template.HTML(wb.SVG())

	// Reports: timeliness per unit in the latest period that has come due
	// (all of it filed or past due), and the trend over such periods.
	for k, st := range d.Reports {
		title := st.Report.Title.In(textLangOf(p.Lang))
		if title == "" {
			title = st.Report.ID
		}
		rv := reportView{Title: title}
		closed := "" // the latest period that has come due at the root
		for _, r := range st.Rows {
			if r.OrgUnit == d.Root.Code && r.Period != "" && r.Expected > 0 && r.Due == r.Expected {
				closed = r.Period
			}
		}
		shown := closed
		if shown == "" {
			shown = p.T("dashboard.all_periods")
		}
		tb := &svgchart.Bars{ID: fmt.Sprintf("report-%d", k), Title: p.T("dashboard.report.chart", title, shown), Desc: p.T("dashboard.report.desc"),
			Series: []svgchart.Series{{Name: p.T("reports.timeliness")}}, Unit: "%", Max: 100}
		trend := &svgchart.Lines{ID: fmt.Sprintf("report-%d-trend", k), Title: p.T("dashboard.report.trend", title), Desc: p.T("dashboard.report.trend.desc"),
			Series: []svgchart.Series{{Name: p.T("reports.completeness")}, {Name: p.T("reports.timeliness")}}, Unit: "%", Max: 100}
		onlyRoot := len(st.Rows) == len(st.Periods)+1
		for _, r := range st.Rows {
			row := reportRowView{ReportRow: r, Completeness: pct(r.Completeness()), Timeliness: p.T("dashboard.not_due")}
			if r.HasDue() {
				row.Timeliness = pct(r.Timeliness())
			}
			if r.OrgUnit != d.Root.Code {
				row.URL = dashboardURL(d.CampaignID, r.OrgUnit)
			}
			rv.Rows = append(rv.Rows, row)
			if r.Period == closed && (r.OrgUnit != d.Root.Code || onlyRoot) {
				tb.Labels = append(tb.Labels, r.Name)
				tb.Links = append(tb.Links, row.URL)
				tb.Series[0].Values = append(tb.Series[0].Values, 100*r.Timeliness())
			}
			if r.Period != "" && r.OrgUnit == d.Root.Code {
				// Completeness so far is drawn for a running period too;
				// timeliness only once the period has come due, else it
				// would draw as a fall to zero.
				trend.Labels = append(trend.Labels, r.Period)
				trend.Series[0].Values = append(trend.Series[0].Values, 100*r.Completeness())
				trend.Series[0].Missing = append(trend.Series[0].Missing, false)
				trend.Series[1].Values = append(trend.Series[1].Values, 100*r.Timeliness())
				trend.Series[1].Missing = append(trend.Series[1].Missing, !r.HasDue())
			}
		}
		rv.SVG, rv.TrendSVG = template.HTML(tb.SVG()), template.HTML(trend.SVG())
		v.Reports = append(v.Reports, rv)
	}

	// Indicators: bars by unit with the target line, and the root's trend.
	byID := map[string]*indicatorView{}
	var order []string
	bar := map[string]*svgchart.Bars{}
	for _, val := range d.Indicators {
		iv := byID[val.ID]
		if iv == nil {
			iv = &indicatorView{ID: val.ID, Title: val.Title}
			byID[val.ID] = iv
			order = append(order, val.ID)
			bar[val.ID] = &svgchart.Bars{ID: "ind-" + val.ID, Title: val.Title, Desc: p.T("dashboard.indicator.desc", val.Period),
				Series: []svgchart.Series{{Name: val.Title}}, Unit: indicatorUnit(val), Target: val.Target, HasTarget: val.HasTarget,
				TargetLabel: p.T("dashboard.target", svgNum(val.Target)+factorUnit(val.Factor)), LowerBetter: !val.HigherIsBetter}
		}
		b := bar[val.ID]
		b.Labels = append(b.Labels, val.OrgName)
		if val.OrgUnit != d.Root.Code {
			b.Links = append(b.Links, dashboardURL(d.CampaignID, val.OrgUnit))
		} else {
			b.Links = append(b.Links, "")
		}
		b.Series[0].Values = append(b.Series[0].Values, val.Value)
		b.Series[0].Missing = append(b.Series[0].Missing, val.NoData)
		iv.Rows = append(iv.Rows, indicatorRow(val, p.Lang))
	}
	lines := map[string]*svgchart.Lines{}
	for _, val := range d.Trend {
		l := lines[val.ID]
		if l == nil {
			l = &svgchart.Lines{ID: "ind-" + val.ID + "-trend", Title: p.T("dashboard.indicator.trend", val.Title), Desc: p.T("dashboard.indicator.trend.desc", d.Root.Name),
				Series: []svgchart.Series{{Name: val.Title}}, Unit: indicatorUnit(val), Target: val.Target, HasTarget: val.HasTarget,
				TargetLabel: p.T("dashboard.target", svgNum(val.Target)+factorUnit(val.Factor))}
			lines[val.ID] = l
		}
		l.Labels = append(l.Labels, val.Period)
		l.Series[0].Values = append(l.Series[0].Values, val.Value)
		l.Series[0].Missing = append(l.Series[0].Missing, val.NoData)
		if iv := byID[val.ID]; iv != nil && val.Period != firstPeriod(d.Indicators, val.ID) {
			iv.Rows = append(iv.Rows, indicatorRow(val, p.Lang))
		}
	}
	for _, id := range order {
		iv := byID[id]
		iv.SVG = template.HTML(bar[id].SVG())
		if l := lines[id]; l != nil {
			iv.TrendSVG = template.HTML(l.SVG())
		}
		v.Indicators = append(v.Indicators, *iv)
	}
	return v
}

// factorUnit is the sign of an indicator's factor: ×100 is a percentage,
// ×1000 per mille; other factors have none.
// indicatorUnit is the unit a value is drawn with: none for an indicator
// with a normal range, whose factor makes a ratio ("boys per 100 girls",
// 105), not a percentage; else the factor's.
func indicatorUnit(v indicators.IndicatorValue) string {
	if v.HasRange {
		return ""
	}
	return factorUnit(v.Factor)
}

func factorUnit(f float64) string {
	switch f {
	case 100:
		return "%"
	case 1000:
		return "‰"
	}
	return ""
}

// firstPeriod is the period of the current values of indicator id.
func firstPeriod(vs []indicators.IndicatorValue, id string) string {
	for _, v := range vs {
		if v.ID == id {
			return v.Period
		}
	}
	return ""
}

func indicatorRow(v indicators.IndicatorValue, lang string) indicatorRowView {
	row := indicatorRowView{OrgName: v.OrgName, Period: v.Period, Met: metText(v, lang)}
	if !v.NoData {
		row.Value = svgNum(v.Value)
	}
	if v.HasTarget {
		row.Target = svgNum(v.Target)
	}
	if v.HasRange {
		row.Target = targetText(lang, v)
	}
	return row
}

// svgNum formats a figure as the charts do: at most one decimal.
func svgNum(v float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
}
