// Package xlsformtest builds XLSForm workbooks for tests: the converter's
// own corpus and the server's HTTP tests share it.
package xlsformtest

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet of a workbook: a name and its rows, the header first.
type Sheet struct {
	Name string
	Rows [][]string
}

// Workbook returns an XLSX file holding sheets, in order.
func Workbook(t testing.TB, sheets ...Sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.Rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(s.Name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Simple returns a small valid workbook: a name, an age with a constraint,
// and a yes/no choice, titled 小表 with form_id tiny.
func Simple(t testing.TB) []byte {
	return Workbook(t,
		Sheet{"survey", [][]string{
			{"type", "name", "label::中文 (zh)", "label::English (en)", "required", "constraint", "constraint_message::中文 (zh)"},
			{"text", "fullName", "姓名", "Name", "yes", "", ""},
			{"integer", "years", "年龄", "Age", "", ". >= 0 and . < 120", "年龄应在 0 到 120 之间"},
			{"select_one yn", "married", "是否已婚", "Married", "", "", ""},
		}},
		Sheet{"choices", [][]string{
			{"list_name", "name", "label::中文 (zh)", "label::English (en)"},
			{"yn", "yes", "是", "Yes"},
			{"yn", "no", "否", "No"},
		}},
		Sheet{"settings", [][]string{{"form_title", "form_id"}, {"小表", "tiny"}}},
	)
}

// WithWarnings returns a valid workbook that imports with warnings: a
// column Canvass does not know (「备注栏」, filled on the row of 出生日期,
// survey!E3), a metadata row (start, survey!A4) and a label in French
// (survey!F1). Its form_id is warned, its title 带提示的表.
func WithWarnings(t testing.TB) []byte {
	return Workbook(t,
		Sheet{"survey", [][]string{
			{"type", "name", "label::中文 (zh)", "label::English (en)", "备注栏", "label::Français (fr)"},
			{"text", "fullName", "姓名", "Name", "", "Nom"},
			{"date", "birthDate", "出生日期", "Date of birth", "按户口本填写", ""},
			{"start", "started", "", "", "", ""},
		}},
		Sheet{"settings", [][]string{{"form_title", "form_id"}, {"带提示的表", "warned"}}},
	)
}
