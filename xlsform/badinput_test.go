package xlsform

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"canvass/xlsform/xlsformtest"
)

// zipBomb is a valid workbook with one more entry that unpacks to size
// bytes.
func zipBomb(t *testing.T, size int) []byte {
	wb := xlsformtest.Simple(t)
	zr, err := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create("xl/media/bomb.bin")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < size>>20; i++ {
		w.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// edit opens a workbook, lets change alter it with excelize and returns it.
func edit(t *testing.T, wb []byte, change func(f *excelize.File)) []byte {
	f, err := excelize.OpenReader(bytes.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	change(f)
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var surveyHead = []string{"type", "name", "label", "relevant", "constraint", "calculation"}

func survey(rows ...[]string) sheet {
	return sheet{Name: "survey", Rows: append([][]string{surveyHead}, rows...)}
}

// TestBadInput: every kind of bad workbook is refused (or warned about)
// with every problem at its cell, in Chinese and English; the messages are
// golden files under testdata/problems/.
func TestBadInput(t *testing.T) {
	big := make([]byte, DefaultLimits.MaxBytes+10)
	copy(big, "PK\x03\x04")
	rand.Read(big[4:])
	cases := []struct {
		name    string
		wb      func(t *testing.T) []byte
		codes   []string // the error codes, in order
		warning bool     // the import succeeds with warnings
	}{
		{"not-xlsx", func(t *testing.T) []byte { return []byte("name,label\nq1,问题一\n") }, []string{"not_xlsx"}, false},
		{"damaged-zip", func(t *testing.T) []byte { return []byte("PK\x03\x04 damaged") }, []string{"not_xlsx"}, false},
		{"zip-bomb", func(t *testing.T) []byte { return zipBomb(t, int(DefaultLimits.MaxUnzipped)+(1<<20)) }, []string{"too_large"}, false},
		{"oversized", func(t *testing.T) []byte { return big }, []string{"too_large"}, false},
		{"missing-survey", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, sheet{Name: "choices", Rows: [][]string{{"list_name", "name"}, {"yn", "y"}}})
		}, []string{"missing_sheet"}, false},
		{"empty-workbook", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, sheet{Name: "survey"})
		}, []string{"empty_survey"}, false},
		{"no-questions", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, sheet{Name: "survey", Rows: [][]string{{"type", "name", "label"}}})
		}, []string{"no_questions"}, false},
		{"missing-columns", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, sheet{Name: "survey", Rows: [][]string{{"label"}, {"问题"}}})
		}, []string{"missing_column", "missing_column"}, false},
		{"duplicate-names", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, survey(
				[]string{"text", "q1", "问题一"},
				[]string{"begin group", "g", "组"},
				[]string{"integer", "q1", "问题一again"},
				[]string{"end group"},
			))
		}, []string{"duplicate_name"}, false},
		{"undefined-list", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, survey(
				[]string{"select_one colours", "c", "颜色"},
				[]string{"select_multiple", "d", "多选"},
			))
		}, []string{"undefined_list", "missing_list"}, false},
		{"unbalanced", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, survey(
				[]string{"end group"},
				[]string{"begin group", "g", "组"},
				[]string{"begin repeat", "r", "行"},
				[]string{"text", "q", "问"},
				[]string{"end group"},
			))
		}, []string{"unbalanced", "unbalanced", "unbalanced", "unbalanced"}, false},
		{"bad-references", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, survey(
				[]string{"integer", "n", "数", "${nobody} > 1", ". > ${n2}", ""},
				[]string{"text", "p", "拉", "", "", "pulldata('hh', 'name', 'id', ${n})"},
				[]string{"text", "s", "句", "${n} > (1", "", ""},
				[]string{"text", "w", "宽", "${n} ＞ 1", "", ""},
				[]string{"integer", "x", "路径", "", "", "/data/n + 1"},
				[]string{"integer", "y", "数", "", "", "count-selected(${n}, 2)"},
			))
		}, []string{"bad_expression", "bad_expression", "bad_expression", "bad_expression", "bad_expression", "bad_expression", "bad_expression"}, false},
		{"type-errors-from-lint", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, survey(
				[]string{"integer", "n", "数", "", "", "concat('a', 'b')"},
				[]string{"text", "count", "保留字", "", "", ""},
			))
		}, []string{"bad_expression"}, false},
		{"full-width", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, survey(
				[]string{"text", "ｆｕｌｌＮａｍｅ", "姓名"},
				[]string{"ｔｅｘｔ", "q2", "问"},
				[]string{"text", "年龄", "年龄"},
				[]string{"text", "hh-size", "人数"},
			))
		}, []string{"full_width", "full_width", "bad_name", "bad_name"}, false},
		{"unsupported-types", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, survey(
				[]string{"geopoint", "where", "位置"},
				[]string{"deviceid", "dev", ""},
				[]string{"select_one_from_file villages.csv", "v", "村"},
				[]string{"texte", "t", "拼错"},
			))
		}, []string{"unsupported_type", "unsupported_type", "unknown_type"}, false},
		{"merged-cells", func(t *testing.T) []byte {
			wb := xlsformtest.Workbook(t, survey([]string{"text", "q1", "问题一"}, []string{"text", "q2", "问题二"}))
			return edit(t, wb, func(f *excelize.File) { f.MergeCell("survey", "C2", "C3") })
		}, []string{"merged_cells"}, false},
		{"formula-cells", func(t *testing.T) []byte {
			wb := xlsformtest.Workbook(t, sheet{Name: "survey", Rows: [][]string{{"type", "name", "label", "default"}, {"integer", "q1", "问题一"}}})
			return edit(t, wb, func(f *excelize.File) {
				f.SetCellInt("survey", "D2", 2) // the value Excel cached
				f.SetCellFormula("survey", "D2", "1+1")
			})
		}, nil, true},
		{"hidden-sheet", func(t *testing.T) []byte {
			wb := xlsformtest.Workbook(t, survey([]string{"select_one yn", "q1", "问题一"}),
				sheet{Name: "choices", Rows: [][]string{{"list_name", "name", "label"}, {"yn", "y", "是"}, {"yn", "n", "否"}}})
			return edit(t, wb, func(f *excelize.File) { f.SetSheetVisible("choices", false) })
		}, nil, true},
		{"ignored-settings-and-appearance", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t,
				sheet{Name: "survey", Rows: [][]string{{"type", "name", "label", "appearance"}, {"integer", "n", "人数", "likert"}, {"text", "memo", "备注", "multiline"}}},
				sheet{Name: "settings", Rows: [][]string{{"form_title", "instance_name", "style", "submission_url", "mystery", "form_title::Deutsch (de)"},
					{"忽略的设置", "concat(${n})", "pages", "https://example.org/submit", "42", "Titel"}}})
		}, nil, true},
		{"choices-problems", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t, survey([]string{"select_one yn", "q1", "问题一"}),
				sheet{Name: "choices", Rows: [][]string{{"list_name", "name", "label"}, {"yn", "y", "是"}, {"yn", "y", "是的"}, {"", "n", "否"}, {"yn", "", "空"}}})
		}, []string{"duplicate_choice", "missing_value", "missing_value"}, false},
		{"bad-settings-and-columns", func(t *testing.T) []byte {
			return xlsformtest.Workbook(t,
				sheet{Name: "survey", Rows: [][]string{{"type", "name", "label", "required", "read_only", "default", "pii", "json_schema", "choice_filter", "repeat_count"},
					{"integer", "n", "数", "maybe ${x}", "sometimes", "many", "身份证号", "{oops", "a = 1", "3"}}},
				sheet{Name: "settings", Rows: [][]string{{"form_id"}, {"Not An ID"}}})
		}, []string{"bad_form_id", "bad_expression", "bad_value", "bad_default", "bad_value", "bad_json", "bad_column", "bad_column"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Import(bytes.NewReader(c.wb(t)), Options{Filename: c.name + ".xlsx"})
			var ps []Problem
			if c.warning {
				if err != nil {
					t.Fatalf("want a form with warnings, got %v", err)
				}
				if len(res.Warnings) == 0 {
					t.Fatal("want warnings, got none")
				}
				ps = res.Warnings
			} else {
				xe, ok := err.(*Error)
				if !ok || res != nil {
					t.Fatalf("want an *Error and no form, got %v, %v", res, err)
				}
				ps = xe.Problems
				var codes []string
				for _, p := range ps {
					if p.Severity == SeverityError {
						codes = append(codes, p.Code)
					}
					if p.ZH == "" || p.EN == "" || p.ZH == p.EN {
						t.Errorf("%s: want a Chinese and an English sentence: %+v", p.Where(), p)
					}
				}
				if strings.Join(codes, ",") != strings.Join(c.codes, ",") {
					t.Errorf("codes: got %v, want %v", codes, c.codes)
				}
			}
			golden(t, filepath.Join("testdata", "problems", c.name+".txt"), problemsText(ps))
		})
	}
}
