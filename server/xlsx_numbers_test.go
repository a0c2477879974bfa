package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// numberColumns checks that every filled cell below the header in the
// given columns of the first sheet is a number — not text, which SUM
// reads as 0 (issue #18) — and, for money, carries the 0.00 format.
func numberColumns(t *testing.T, body string, header int, cols, money []string) {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) <= header {
		t.Fatalf("no rows below the header: %q", rows)
	}
	checked := 0
	for r := header + 1; r <= len(rows); r++ {
		for _, col := range append(append([]string(nil), cols...), money...) {
			cell := col + strconv.Itoa(r)
			v, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if v == "" {
				continue
			}
			typ, err := f.GetCellType(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("%s is %v (%q), want a number", cell, typ, v)
			}
			checked++
		}
		for _, col := range money {
			cell := col + strconv.Itoa(r)
			if v, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); v == "" {
				continue
			}
			id, err := f.GetCellStyle(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.00" {
				t.Errorf("%s: money without the 0.00 format (%+v, %v)", cell, st, err)
			}
		}
	}
	if checked == 0 {
		t.Errorf("no number cells checked in %v %v", cols, money)
	}
}

// Every XLSX export writes counts and money as numbers.
func TestXLSXNumbers(t *testing.T) {
	t.Run("payments", func(t *testing.T) {
		fp := newFinancePages(t)
		le := fp.paidEntry(t)
		if _, err := fp.srv.pay.ReverseEntry(context.Background(), asActor(fp.finance), le.ID, "重复"); err != nil {
			t.Fatal(err)
		}
		res := fp.api(fp.finance, "GET", "/api/v1/campaigns/survey-2026/payments.xlsx?period=2026-12", nil)
		check(t, res, http.StatusOK, "")
		// 人数/件数 (E), then 单价, 金额, 奖励, 扣减, 合计 (F–J).
		numberColumns(t, res.body, 1, []string{"E"}, []string{"F", "G", "H", "I", "J"})
	})
	t.Run("dashboard", func(t *testing.T) {
		de := newDashEnv(t)
		res := de.api(de.supervisor, "/api/v1/campaigns/vital-reports-2026/dashboard.xlsx?table=progress")
		check(t, res, http.StatusOK, "")
		numberColumns(t, res.body, 1, []string{"B", "C", "D"}, nil)
		res = de.api(de.supervisor, "/api/v1/campaigns/vital-reports-2026/dashboard.xlsx?table=reports")
		check(t, res, http.StatusOK, "")
		// 应报 … 待报 (D–I) and 完整率 (J).
		numberColumns(t, res.body, 1, []string{"D", "E", "F", "G", "H", "I", "J"}, nil)
	})
	t.Run("indicators", func(t *testing.T) {
		ie := newIndicatorEnv(t)
		if res := ie.upload(ie.supervisor, "统计局", "births.csv", villageBirths); res.status != http.StatusCreated {
			t.Fatalf("import: %d %s", res.status, res.body)
		}
		res := ie.api(ie.supervisor, "GET", "/api/v1/campaigns/births-2027/indicators.xlsx?org=370102001&period=2027&granularity=year&children=1&ids=birth_coverage", nil)
		check(t, res, http.StatusOK, "")
		// 分子, 分母, 指标值 (E–G).
		numberColumns(t, res.body, 1, []string{"E", "F", "G"}, nil)
	})
}
