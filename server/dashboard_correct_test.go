package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The indicator trend and tables start at the campaign's first period
// (it opens 2026-10-01: 2026-Q4), not eight quarters before it (issue
// #18: a yearly indicator listed empty years back to 2019).
func TestDashboardTrendStartsWithTheCampaign(t *testing.T) {
	de := newDashEnv(t)
	var d dashboardJSON
	res := de.api(de.supervisor, "/api/v1/campaigns/vital-reports-2026/dashboard")
	check(t, res, http.StatusOK, "")
	res.decode(t, &d)
	var periods []string
	for _, v := range d.Trend {
		if !slices.Contains(periods, v.Period) {
			periods = append(periods, v.Period)
		}
	}
	if want := []string{"2026-Q4", "2027-Q1"}; !slices.Equal(periods, want) {
		t.Errorf("trend periods %v, want %v", periods, want)
	}
	cookie, _ := de.session("super")
	page := de.do(req{method: "GET", target: "/campaigns/vital-reports-2026/dashboard", cookies: map[string]string{sessionCookie: cookie}})
	check(t, page, http.StatusOK, "")
	if strings.Contains(page.body, "2026-Q3") || strings.Contains(page.body, "2025-") {
		t.Errorf("the page shows periods before the campaign opened")
	}
}
