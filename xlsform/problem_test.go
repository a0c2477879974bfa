package xlsform

import (
	"bytes"
	"errors"
	"testing"

	"canvass/xlsform/xlsformtest"
)

// TestProblemSentence: a problem reads by row and label in both
// languages, the header and whole sheets by name.
func TestProblemSentence(t *testing.T) {
	wb := xlsformtest.Workbook(t,
		sheet{Name: "survey", Rows: [][]string{
			{"type", "name", "label::中文 (zh)", "label::English (en)", "foo"},
			{"text", "fullName", "姓名", "Name", ""},
			{"date", "birthDate", "出生日期", "Date of birth", "x"},
			{"start", "started", "", "", ""},
			{"integer", "persons", "", "", "y"},
		}},
		sheet{Name: "choices", Rows: [][]string{{"list_name", "name", "label"}, {"unused", "a", "甲"}}})
	res, err := Import(bytes.NewReader(wb), Options{Filename: "t.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	var zh, en []string
	for _, p := range res.Warnings {
		if p.Code == "missing_label" {
			continue
		}
		zh, en = append(zh, p.Sentence("zh-CN")), append(en, p.Sentence("en"))
	}
	wantZH := []string{
		"第 3 行「出生日期」（survey!E3）：列「foo」未识别，Canvass 不用它；内容作为备注保留，导出时写回（共 2 行填了这一列）",
		"第 4 行「started」（survey!A4）：「start」由 Canvass 自动记录在每条记录上，这一行已跳过",
		"工作表「choices」：选项列表「unused」没有题目使用",
	}
	wantEN := []string{
		`Row 3, Date of birth (survey!E3): column "foo" is not recognised and Canvass does not use it; its cells are kept as notes and exported back (2 rows fill it)`,
		"Row 4, started (survey!A4): start is recorded on every record by Canvass; the row is skipped",
		"Sheet choices: no question uses choice list unused",
	}
	if !equalStrings(zh, wantZH) {
		t.Errorf("zh:\n%q\nwant\n%q", zh, wantZH)
	}
	if !equalStrings(en, wantEN) {
		t.Errorf("en:\n%q\nwant\n%q", en, wantEN)
	}

	// An error names its row and label too; the header row is 表头.
	wb = xlsformtest.Workbook(t, sheet{Name: "survey", Rows: [][]string{
		{"type", "name", "label", "label::fr"},
		{"text", "a", "甲", ""},
		{"text", "a", "乙", ""},
	}})
	_, err = Import(bytes.NewReader(wb), Options{})
	var xe *Error
	if !errors.As(err, &xe) {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, p := range xe.Problems {
		got = append(got, p.Sentence("zh"))
	}
	want := []string{
		"表头（survey!D1）：列「label::fr」的语言不受支持（只支持中文和英文），已忽略",
		"第 3 行「乙」（survey!B3）：名称「a」与第 2 行重复；整张问卷（包括各组和重复组）的名称都不能重复",
	}
	if !equalStrings(got, want) {
		t.Errorf("problems:\n%q\nwant\n%q", got, want)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
