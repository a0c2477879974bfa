package server

import (
	"regexp"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

var reportIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

type reportsJSON struct {
	Campaign string             `json:"campaign"`
	Reports  []reportStatusJSON `json:"reports"`
}

// apiReports answers GET /api/v1/campaigns/:id/reports?org=: each report
// of the campaign with its rows (the unit and its children, per period and
// in total, rolled up) and the slots of the unit and its children.
func (s *Server) apiReports(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	org, err := orgQuery(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	sts, err := s.indicators.Reports(c.Context(), a, id, org)
	if err != nil {
		return err
	}
	lang := requestLang(c, a.User)
	out := reportsJSON{Campaign: id, Reports: []reportStatusJSON{}}
	for _, st := range sts {
		out.Reports = append(out.Reports, toReportStatusJSON(st, lang))
	}
	return c.JSON(out)
}

// apiReportStatus answers GET /api/v1/campaigns/:id/reports/:report?org=&period=.
func (s *Server) apiReportStatus(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	report := c.Params("report")
	if !reportIDPattern.MatchString(report) {
		return engine.Errorf(engine.ENOTFOUND, "report not found")
	}
	org, err := orgQuery(c)
	if err != nil {
		return err
	}
	period := c.Query("period")
	if len(period) > 16 {
		return &engine.Error{Code: engine.EINVALID, Message: "not a period",
			Fields: []engine.FieldError{{Pointer: "/period", Code: "format", Message: "2026-Q4, 2026-11 or 2026"}}}
	}
	a := actorOf(c)
	st, err := s.indicators.ReportStatus(c.Context(), a, id, report, org, period)
	if err != nil {
		return err
	}
	return c.JSON(toReportStatusJSON(st, requestLang(c, a.User)))
}
