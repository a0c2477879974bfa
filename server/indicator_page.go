package server

import (
	"canvass/engine"
	"canvass/engine/indicators"
	"net/url"

	"github.com/gofiber/fiber/v3"
)

// indicatorPageData is the indicators page's own data.
type indicatorPageData struct {
	Campaign, Org, Period, Granularity string
	Campaigns                          []option
	Granularities                      []string
	Rows                               []indicatorPageRow
	ExportURL                          string
	UpURL                              string
}

// indicatorsPage shows a campaign's indicators for an org unit and its
// children in one period, with selectors and an XLSX export.
func (s *Server) indicatorsPage(c fiber.Ctx) error {
	a := actorOf(c)
	if !a.Has(engine.RoleSupervisor, engine.RoleReviewer, engine.RoleAuthor, engine.RoleFinance, engine.RoleAdmin) {
		return s.renderErrorPage(c, engine.Errorf(engine.EFORBIDDEN, "indicators are for reviewers, supervisors, authors, finance and admins"))
	}
	p := s.newPage(c, "indicators.title", "indicators", "")
	d := &indicatorPageData{Campaign: c.Query("campaign"), Org: c.Query("org"), Period: c.Query("period"),
		Granularity: c.Query("granularity"), Granularities: []string{indicators.GranularityMonth, indicators.GranularityQuarter, indicators.GranularityYear}}
	p.Data = d
	var err error
	if d.Campaigns, err = s.campaignOptions(c.Context(), a, p.Lang); err != nil {
		return s.renderErrorPage(c, err)
	}
	if d.Campaign == "" {
		return s.render(c, fiber.StatusOK, "indicators", p)
	}
	if !campaignIDPattern.MatchString(d.Campaign) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "campaign not found"))
	}
	q, err := indicatorQuery(c, textLangOf(p.Lang))
	if err == nil {
		q.Children = true
		var vs []indicators.IndicatorValue
		if vs, err = s.indicators.IndicatorValues(c.Context(), a, d.Campaign, q); err == nil {
			d.Rows = indicatorPageRows(p, d, vs)
		}
	}
	switch engine.ErrorCode(err) {
	case "":
	case engine.EINVALID:
		p.Error = p.T("error.invalid") + " " + engine.ErrorMessage(err)
		return s.render(c, fiber.StatusUnprocessableEntity, "indicators", p)
	default:
		return s.renderErrorPage(c, err) // 404 outside the subtree
	}
	v := url.Values{"campaign": {d.Campaign}, "children": {"1"}}
	for k, val := range map[string]string{"org": d.Org, "period": d.Period, "granularity": d.Granularity} {
		if val != "" {
			v.Set(k, val)
		}
	}
	d.ExportURL = "/indicators/export.xlsx?" + v.Encode()
	return s.render(c, fiber.StatusOK, "indicators", p)
}

// indicatorsPageExport answers the page's export link.
func (s *Server) indicatorsPageExport(c fiber.Ctx) error {
	id := c.Query("campaign")
	if !campaignIDPattern.MatchString(id) {
		return s.renderErrorPage(c, engine.Errorf(engine.ENOTFOUND, "campaign not found"))
	}
	if err := s.exportIndicators(c, id, s.pageLang(c, actorOf(c).User)); err != nil {
		return s.renderErrorPage(c, err)
	}
	return nil
}

// indicatorPageRow is one row of the indicators page.
type indicatorPageRow struct {
	indicators.IndicatorValue
	Value, Numerator, Denominator, Target, Sources string
	Status                                         string // "met", "unmet" or "nodata", for the cell's class
	DrillURL                                       string // the same page for this unit's children
}

// indicatorPageRows turns values into page rows; the queried unit's rows come
// first, and each child links to its own breakdown.
func indicatorPageRows(p *pageData, d *indicatorPageData, vs []indicators.IndicatorValue) []indicatorPageRow {
	rows := make([]indicatorPageRow, 0, len(vs))
	for i, v := range vs {
		r := indicatorPageRow{IndicatorValue: v, Numerator: indicatorCountText(v.Numerator), Denominator: indicatorCountText(v.Denominator), Sources: sourcesText(v.Sources)}
		switch {
		case v.NoData:
			r.Value, r.Status = p.T("indicators.nodata"), "nodata"
		case !v.HasTarget && !v.HasRange:
			r.Value = indicatorValueText(v.Value)
		case v.Met:
			r.Value, r.Status = indicatorValueText(v.Value), "met"
		default:
			r.Value, r.Status = indicatorValueText(v.Value), "unmet"
		}
		if v.HasTarget || v.HasRange {
			r.Target = targetText(p.Lang, v)
		}
		if i > 0 && v.OrgUnit != vs[0].OrgUnit {
			q := url.Values{"campaign": {d.Campaign}, "org": {v.OrgUnit}}
			if d.Period != "" {
				q.Set("period", d.Period)
			}
			if d.Granularity != "" {
				q.Set("granularity", d.Granularity)
			}
			r.DrillURL = "/indicators?" + q.Encode()
		}
		rows = append(rows, r)
	}
	return rows
}
