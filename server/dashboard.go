package server

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/engine/tabular"
	"canvass/rules"
	"canvass/ui"
)

// dashboardRoutes installs the campaign dashboard and the periodic
// reports: JSON under /api/v1, the page, and the XLSX of its tables. The
// engine checks roles and org scope on each (an org unit outside the
// caller's subtree answers 404).
func (s *Server) dashboardRoutes(api fiber.Router) {
	api.Get("/campaigns/:id/dashboard", s.signedInAPI, s.apiDashboard)
	api.Get("/campaigns/:id/dashboard.xlsx", s.signedInAPI, s.dashboardExport)
	api.Get("/campaigns/:id/reports", s.signedInAPI, s.apiReports)
	api.Get("/campaigns/:id/reports/:report", s.signedInAPI, s.apiReportStatus)

	s.app.Get("/dashboard", s.signedInPage, s.dashboardIndexPage)
	s.app.Get("/campaigns/:id/dashboard", s.signedInPage, s.dashboardPage)
	s.app.Get("/campaigns/:id/dashboard.xlsx", s.signedInPage, s.dashboardExport)
}

// orgQuery reads ?org=: empty, or an org-unit code (422 otherwise, so a
// hostile value never reaches the store).
func orgQuery(c fiber.Ctx) (string, error) {
	org := c.Query("org")
	if org != "" && !rules.ValidOrgCode(org) {
		return "", &engine.Error{Code: engine.EINVALID, Message: "org must be an org-unit code",
			Fields: []engine.FieldError{{Pointer: "/org", Code: "format", Message: "an org-unit code, e.g. 370102001"}}}
	}
	return org, nil
}

// dashboardOf reads :id and ?org= and asks the engine.
func (s *Server) dashboardOf(c fiber.Ctx, lang string) (*indicators.Dashboard, error) {
	id, err := campaignParam(c)
	if err != nil {
		return nil, err
	}
	org, err := orgQuery(c)
	if err != nil {
		return nil, err
	}
	return s.indicators.Dashboard(c.Context(), actorOf(c), id, org, lang)
}

type unitJSON struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

type reportRowJSON struct {
	indicators.ReportRow
	Completeness float64  `json:"completeness"` // 0–1
	Timeliness   *float64 `json:"timeliness"`   // 0–1 over the slots that have come due; null before any has
}

type reportStatusJSON struct {
	Report  string                        `json:"report"`
	Title   string                        `json:"title"`
	Form    string                        `json:"form"`
	Level   string                        `json:"level"`
	Period  string                        `json:"period"` // month, quarter or year
	Root    unitJSON                      `json:"root"`
	Periods []string                      `json:"periods"`
	Rows    []reportRowJSON               `json:"rows"`
	Slots   []indicators.ReportSlotStatus `json:"slots"`
	At      time.Time                     `json:"at"`
}

func toReportStatusJSON(st *indicators.ReportStatus, lang string) reportStatusJSON {
	out := reportStatusJSON{Report: st.Report.ID, Title: st.Report.Title.In(textLangOf(lang)), Form: st.Report.Form, Level: st.Report.Level,
		Period: st.Report.Period, Root: unitJSON{st.Root.Code, st.Root.Name, st.Root.Level}, Periods: st.Periods,
		Rows: []reportRowJSON{}, Slots: st.Slots, At: st.At}
	if out.Periods == nil {
		out.Periods = []string{}
	}
	if out.Title == "" {
		out.Title = st.Report.ID
	}
	for _, r := range st.Rows {
		out.Rows = append(out.Rows, reportRowJSON{r, r.Completeness(), timelinessOf(r.ReportTally)})
	}
	return out
}

type indicatorJSON struct {
	ID             string  `json:"id"`
	Title          string  `json:"title"`
	OrgUnit        string  `json:"orgUnit"`
	OrgName        string  `json:"orgName"`
	Period         string  `json:"period"`
	Value          float64 `json:"value"`
	NoData         bool    `json:"noData"`
	Target         float64 `json:"target"`
	HasTarget      bool    `json:"hasTarget"`
	HigherIsBetter bool    `json:"higherIsBetter"`
	Met            bool    `json:"met"`
	// Range is the normal range [low, high] of an indicator that has one
	// instead of a target.
	Range []float64 `json:"range,omitempty"`
}

func toIndicatorsJSON(vs []indicators.IndicatorValue) []indicatorJSON {
	out := []indicatorJSON{}
	for _, v := range vs {
		val := v.Value
		if math.IsNaN(val) || math.IsInf(val, 0) {
			val = 0
		}
		j := indicatorJSON{v.ID, v.Title, v.OrgUnit, v.OrgName, v.Period, val, v.NoData, v.Target, v.HasTarget, v.HigherIsBetter, v.Met, nil}
		if v.HasRange {
			j.Range = []float64{v.RangeLow, v.RangeHigh}
		}
		out = append(out, j)
	}
	return out
}

type dashboardJSON struct {
	Campaign    string                      `json:"campaign"`
	Title       string                      `json:"title"`
	Root        unitJSON                    `json:"root"`
	Up          *unitJSON                   `json:"up,omitempty"`
	At          time.Time                   `json:"at"`
	States      []indicators.DashboardState `json:"states"`
	Progress    []indicators.ProgressRow    `json:"progress"`
	Overdue     int64                       `json:"overdue"`
	OverdueList string                      `json:"overdueList"` // the records API listing them
	Workers     []indicators.WorkerOutput   `json:"workers"`
	Reports     []reportStatusJSON          `json:"reports"`
	Indicators  []indicatorJSON             `json:"indicators"`
	Trend       []indicatorJSON             `json:"trend"`
}

// apiDashboard answers GET /api/v1/campaigns/:id/dashboard?org=.
func (s *Server) apiDashboard(c fiber.Ctx) error {
	lang := requestLang(c, actorOf(c).User)
	d, err := s.dashboardOf(c, lang)
	if err != nil {
		return err
	}
	out := dashboardJSON{Campaign: d.CampaignID, Title: d.Title, Root: unitJSON{d.Root.Code, d.Root.Name, d.Root.Level}, At: d.At,
		States: d.States, Progress: d.Progress, Overdue: d.Overdue, Workers: d.Workers, Reports: []reportStatusJSON{},
		OverdueList: "/api/v1/records?campaign=" + d.CampaignID + "&org=" + d.Root.Code + "&overdue=1",
		Indicators:  toIndicatorsJSON(d.Indicators), Trend: toIndicatorsJSON(d.Trend)}
	if d.Up != nil {
		out.Up = &unitJSON{d.Up.Code, d.Up.Name, d.Up.Level}
	}
	if out.States == nil {
		out.States = []indicators.DashboardState{}
	}
	for _, r := range d.Reports {
		out.Reports = append(out.Reports, toReportStatusJSON(r, lang))
	}
	return c.JSON(out)
}

// dashboardTables are the tables of the dashboard, each a sheet of its
// XLSX; ?table= picks one.
var dashboardTables = []string{"progress", "workers", "reports", "indicators"}

// dashboardExport answers GET …/dashboard.xlsx?org=&table=: the tables
// under the dashboard's charts as a workbook, one sheet per table.
func (s *Server) dashboardExport(c fiber.Ctx) error {
	a := actorOf(c)
	lang := requestLang(c, a.User)
	if strings.HasPrefix(c.Path(), "/campaigns/") {
		lang = s.pageLang(c, a.User)
	}
	table := c.Query("table")
	if table != "" && !slices.Contains(dashboardTables, table) {
		return &engine.Error{Code: engine.EINVALID, Message: "unknown table",
			Fields: []engine.FieldError{{Pointer: "/table", Code: "enum", Message: strings.Join(dashboardTables, ", ")}}}
	}
	d, err := s.dashboardOf(c, lang)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := tabular.NewXLSX(&buf)
	if err := writeDashboard(w, d, table, lang); err != nil {
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	if err := s.engine.Audit(c.Context(), a, "export.dashboard", "campaign", d.CampaignID, d.Root.Path,
		map[string]any{"org": d.Root.Code, "table": table, "format": "xlsx"}); err != nil {
		return err
	}
	name := "dashboard-" + d.CampaignID + "-" + d.Root.Code
	if table != "" {
		name += "-" + table
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// timelinessOf is the tally's timeliness, nil while nothing has come due.
func timelinessOf(t indicators.ReportTally) *float64 {
	if !t.HasDue() {
		return nil
	}
	v := t.Timeliness()
	return &v
}

// percent is a 0–1 share as a percentage with one decimal.
func percent(share float64) float64 { return math.Round(share*1000) / 10 }

// writeDashboard writes the dashboard's tables (or only table) to w.
func writeDashboard(w tabular.Writer, d *indicators.Dashboard, table, lang string) error {
	t := func(key string) string { return ui.Message(lang, key) }
	want := func(name string) bool { return table == "" || table == name }
	if want("progress") {
		header := []string{t("dashboard.col.org")}
		for _, st := range d.States {
			header = append(header, st.Title)
		}
		header = append(header, t("dashboard.col.total"), t("dashboard.col.overdue"))
		if err := w.Sheet(t("dashboard.sheet.progress"), header); err != nil {
			return err
		}
		for _, r := range d.Progress {
			row := []any{r.Name}
			for _, n := range r.Counts {
				row = append(row, n)
			}
			if err := w.Write(append(row, r.Total, r.Overdue)); err != nil {
				return err
			}
		}
	}
	if want("workers") {
		if err := w.Sheet(t("dashboard.sheet.workers"), []string{t("dashboard.col.worker"), t("dashboard.col.records")}); err != nil {
			return err
		}
		for _, wo := range d.Workers {
			if err := w.Write([]any{wo.Name, wo.Records}); err != nil {
				return err
			}
		}
	}
	if want("reports") {
		if err := w.Sheet(t("dashboard.sheet.reports"), []string{t("dashboard.col.report"), t("dashboard.col.org"), t("dashboard.col.period"),
			t("reports.expected"), t("reports.submitted"), t("reports.on_time"), t("reports.late"), t("reports.missing"), t("reports.pending"),
			t("reports.completeness"), t("reports.timeliness")}); err != nil {
			return err
		}
		for _, st := range d.Reports {
			title := st.Report.Title.In(textLangOf(lang))
			for _, r := range st.Rows {
				period := r.Period
				if period == "" {
					period = t("dashboard.all_periods")
				}
				var timeliness any = t("dashboard.not_due") // not 0: nothing has come due yet
				if r.HasDue() {
					timeliness = percent(r.Timeliness())
				}
				if err := w.Write([]any{title, r.Name, period, r.Expected, r.Submitted, r.OnTime, r.Late, r.Missing, r.Pending,
					percent(r.Completeness()), timeliness}); err != nil {
					return err
				}
			}
		}
	}
	if want("indicators") {
		if err := w.Sheet(t("dashboard.sheet.indicators"), []string{t("dashboard.col.indicator"), t("dashboard.col.org"), t("dashboard.col.period"),
			t("dashboard.col.value"), t("dashboard.col.target"), t("dashboard.col.met")}); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, v := range append(slices.Clone(d.Indicators), d.Trend...) {
			key := v.ID + "/" + v.OrgUnit + "/" + v.Period
			if seen[key] {
				continue // the current period is in both
			}
			seen[key] = true
			var value, target any
			if !v.NoData {
				value = v.Value
			}
			if v.HasTarget {
				target = v.Target
			}
			if v.HasRange {
				target = rangeText(v)
			}
			if err := w.Write([]any{v.Title, v.OrgName, v.Period, value, target, metText(v, lang)}); err != nil {
				return err
			}
		}
	}
	return w.Close()
}

// metText says in words whether a value meets its target.
func metText(v indicators.IndicatorValue, lang string) string {
	switch {
	case v.NoData:
		return ui.Message(lang, "dashboard.no_data")
	case v.HasRange && v.Met:
		return ui.Message(lang, "indicators.range.in")
	case v.HasRange:
		return ui.Message(lang, "indicators.range.outside")
	case !v.HasTarget:
		return ""
	case v.Met:
		return ui.Message(lang, "dashboard.met")
	}
	return ui.Message(lang, "dashboard.not_met")
}

// rangeText is a normal range as "103–107".
func rangeText(v indicators.IndicatorValue) string {
	return indicatorCountText(v.RangeLow) + "–" + indicatorCountText(v.RangeHigh)
}
