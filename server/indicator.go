package server

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/engine/indicators"
	"canvass/engine/tabular"
	"canvass/ui"
)

// indicatorRoutes installs the indicators of a campaign and the official
// figures they are measured against. The engine checks roles and org
// scope on each (an org unit outside the caller's subtree is 404).
func (s *Server) indicatorRoutes(api fiber.Router) {
	api.Get("/campaigns/:id/indicators", s.signedInAPI, s.apiIndicators)
	api.Get("/campaigns/:id/indicators.xlsx", s.signedInAPI, s.apiIndicatorsExport)
	api.Post("/campaigns/:id/indicators/rebuild", s.signedInAPI, s.apiRebuildIndicators)
	api.Get("/official-figures", s.signedInAPI, s.apiOfficialFigures)
	api.Get("/official-figures/imports", s.signedInAPI, s.apiOfficialImports)
	api.Post("/official-figures/import", s.signedInAPI, s.apiImportOfficialFigures)

	s.app.Get("/indicators", s.signedInPage, s.indicatorsPage)
	s.app.Get("/indicators/export.xlsx", s.signedInPage, s.indicatorsPageExport)
	s.app.Get("/official", s.signedInPage, s.officialPage)
	s.app.Post("/official/import", s.signedInPage, s.officialImportSubmit)
}

type officialSourceJSON struct {
	Key        string    `json:"key"`
	Import     string    `json:"import"`
	Version    int64     `json:"version"`
	Source     string    `json:"source"`
	ImportedBy string    `json:"importedBy"`
	ImportedAt time.Time `json:"importedAt"`
}

// indicatorValueJSON is one value as the API shows it. Value is null when
// there is no data (no denominator, or a missing official figure).
type indicatorValueJSON struct {
	ID             string               `json:"id"`
	Title          string               `json:"title"`
	OrgUnit        string               `json:"orgUnit"`
	OrgName        string               `json:"orgName"`
	Level          string               `json:"level"`
	Period         string               `json:"period"`
	Granularity    string               `json:"granularity"`
	Numerator      float64              `json:"numerator"`
	Denominator    float64              `json:"denominator"`
	Factor         float64              `json:"factor"`
	Value          *float64             `json:"value"`
	Display        string               `json:"display"` // one decimal, "" without data
	NoData         bool                 `json:"noData"`
	Target         *float64             `json:"target"`
	HigherIsBetter bool                 `json:"higherIsBetter"`
	Met            bool                 `json:"met"`
	Range          []float64            `json:"range,omitempty"` // the normal range [low, high], instead of a target
	Sources        []officialSourceJSON `json:"sources"`
}

func toIndicatorValueJSON(v indicators.IndicatorValue) indicatorValueJSON {
	out := indicatorValueJSON{ID: v.ID, Title: v.Title, OrgUnit: v.OrgUnit, OrgName: v.OrgName, Level: v.Level, Period: v.Period,
		Granularity: v.Granularity, Numerator: v.Numerator, Denominator: v.Denominator, Factor: v.Factor, NoData: v.NoData,
		HigherIsBetter: v.HigherIsBetter, Met: v.Met, Sources: []officialSourceJSON{}}
	if !v.NoData {
		value := v.Value
		out.Value, out.Display = &value, indicatorValueText(v.Value)
	}
	if v.HasTarget {
		target := v.Target
		out.Target = &target
	}
	if v.HasRange {
		out.Range = []float64{v.RangeLow, v.RangeHigh}
	}
	for _, src := range v.Sources {
		out.Sources = append(out.Sources, officialSourceJSON{src.Key, src.ImportID, src.Version, src.Source, src.ImportedBy, src.ImportedAt})
	}
	return out
}

// indicatorValueText shows a value with one decimal, as the work plans do.
func indicatorValueText(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// indicatorCountText shows a numerator or denominator without a useless ".0".
func indicatorCountText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// indicatorQuery reads ?org=&period=&granularity=&children=&trend=&ids=.
func indicatorQuery(c fiber.Ctx, lang string) (indicators.IndicatorQuery, error) {
	q := indicators.IndicatorQuery{OrgUnit: c.Query("org"), Period: c.Query("period"),
		Granularity: c.Query("granularity"), Lang: lang}
	switch c.Query("children") {
	case "", "0", "false":
	case "1", "true":
		q.Children = true
	default:
		return q, queryError("children", "children must be true or false")
	}
	if t := c.Query("trend"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > indicators.MaxIndicatorTrend {
			return q, queryError("trend", fmt.Sprintf("trend must be a number from 1 to %d", indicators.MaxIndicatorTrend))
		}
		q.Trend = n
	}
	if ids := c.Query("ids"); ids != "" {
		for _, id := range strings.Split(ids, ",") {
			if id = strings.TrimSpace(id); id != "" {
				q.IDs = append(q.IDs, id)
			}
		}
	}
	return q, nil
}

func queryError(param, msg string) error {
	return &engine.Error{Code: engine.EINVALID, Message: msg, Fields: []engine.FieldError{{Pointer: "/" + param, Code: "bad_value", Message: msg}}}
}

// apiIndicators answers GET /api/v1/campaigns/:id/indicators.
func (s *Server) apiIndicators(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	a := actorOf(c)
	q, err := indicatorQuery(c, textLangOf(requestLang(c, a.User)))
	if err != nil {
		return err
	}
	vs, err := s.indicators.IndicatorValues(c.Context(), a, id, q)
	if err != nil {
		return err
	}
	out := struct {
		Campaign string               `json:"campaign"`
		Values   []indicatorValueJSON `json:"values"`
	}{Campaign: id, Values: make([]indicatorValueJSON, 0, len(vs))}
	for _, v := range vs {
		out.Values = append(out.Values, toIndicatorValueJSON(v))
	}
	return c.JSON(out)
}

// apiIndicatorsExport answers GET /api/v1/campaigns/:id/indicators.xlsx.
func (s *Server) apiIndicatorsExport(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	return s.exportIndicators(c, id, requestLang(c, actorOf(c).User))
}

// exportIndicators writes the values of a query as an XLSX sheet.
func (s *Server) exportIndicators(c fiber.Ctx, campaignID, lang string) error {
	a := actorOf(c)
	q, err := indicatorQuery(c, textLangOf(lang))
	if err != nil {
		return err
	}
	vs, err := s.indicators.IndicatorValues(c.Context(), a, campaignID, q)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := tabular.NewXLSX(&buf)
	if err := writeIndicators(w, vs, lang); err != nil {
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	if err := s.engine.Audit(c.Context(), a, "export.indicators", "campaign", campaignID, a.User.OrgPath,
		map[string]any{"org": q.OrgUnit, "period": q.Period, "granularity": q.Granularity, "format": "xlsx"}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="indicators-`+campaignID+`.xlsx"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// writeIndicators writes one row per value, with the page's headers.
func writeIndicators(w tabular.Writer, vs []indicators.IndicatorValue, lang string) error {
	t := func(key string) string { return ui.Message(lang, key) }
	header := []string{t("indicators.col.code"), t("indicators.col.org"), t("indicators.col.period"), t("indicators.col.indicator"),
		t("indicators.col.numerator"), t("indicators.col.denominator"), t("indicators.col.value"), t("indicators.col.target"),
		t("indicators.col.met"), t("indicators.col.source")}
	if err := w.Sheet(t("indicators.title"), header); err != nil {
		return err
	}
	for _, v := range vs {
		// The value is a number cell (one decimal, as shown), so a
		// spreadsheet sums and sorts it; without data, the text says so.
		var value any = t("indicators.nodata")
		met, target := "", ""
		if !v.NoData {
			value = math.Round(v.Value*10) / 10
			if v.HasTarget {
				met = t(fmt.Sprintf("indicators.met.%v", v.Met))
			}
			if v.HasRange {
				met = metText(v, lang)
			}
		}
		if v.HasTarget || v.HasRange {
			target = targetText(lang, v)
		}
		if err := w.Write([]any{v.OrgUnit, v.OrgName, v.Period, v.Title, v.Numerator, v.Denominator, value, target, met, sourcesText(v.Sources)}); err != nil {
			return err
		}
	}
	return w.Close()
}

// targetText is "≥ 90" or "≤ 100".
func targetText(lang string, v indicators.IndicatorValue) string {
	if v.HasRange {
		return ui.Message(lang, "indicators.range", rangeText(v))
	}
	op := "≥ "
	if !v.HigherIsBetter {
		op = "≤ "
	}
	return op + indicatorCountText(v.Target)
}

// sourcesText lists official sources as "births: source (v2)".
func sourcesText(srcs []indicators.OfficialSource) string {
	parts := make([]string, len(srcs))
	for i, src := range srcs {
		parts[i] = fmt.Sprintf("%s: %s (v%d)", src.Key, src.Source, src.Version)
	}
	return strings.Join(parts, "; ")
}

// apiRebuildIndicators answers POST /api/v1/campaigns/:id/indicators/rebuild.
func (s *Server) apiRebuildIndicators(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	n, err := s.indicators.RebuildIndicators(c.Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(map[string]any{"campaign": id, "records": n})
}
