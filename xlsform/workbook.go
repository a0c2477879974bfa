package xlsform

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits bound what Import reads.
type Limits struct {
	MaxBytes      int64 // the workbook file
	MaxUnzipped   int64 // everything it unpacks to: a zip bomb stops here
	MaxSheetXML   int64 // one sheet's XML
	MaxSurveyRows int
	MaxChoiceRows int
}

// DefaultLimits are the limits docs/xlsform.md documents.
var DefaultLimits = Limits{
	MaxBytes:      10 << 20,
	MaxUnzipped:   64 << 20,
	MaxSheetXML:   32 << 20,
	MaxSurveyRows: 5000,
	MaxChoiceRows: 20000,
}

// sheetData is one sheet read into memory: its header and rows with their
// 1-based row numbers in the workbook.
type sheetData struct {
	name    string
	header  []string
	rows    [][]string
	rowNums []int
}

func (s *sheetData) cell(row, col int) string {
	if col < 0 || row >= len(s.rows) || col >= len(s.rows[row]) {
		return ""
	}
	return strings.TrimSpace(s.rows[row][col])
}

// cellName returns "C7" for 0-based column col of data row row.
func (s *sheetData) cellName(row, col int) string {
	if col < 0 {
		col = 0
	}
	n, _ := excelize.CoordinatesToCellName(col+1, s.rowNums[row])
	return n
}

// openWorkbook reads a workbook within the limits, reporting a file that is
// not an XLSX workbook or is too big as a Problem.
func openWorkbook(r io.Reader, lim Limits, ps *problems) *excelize.File {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		ps.errorf("", "", "unreadable", "无法读取文件："+err.Error(), "the file cannot be read: "+err.Error())
		return nil
	}
	if int64(len(data)) > lim.MaxBytes {
		ps.errorf("", "", "too_large", fmt.Sprintf("工作簿超过 %d MB，请删去无关的工作表或拆分问卷", lim.MaxBytes>>20),
			fmt.Sprintf("the workbook is over %d MB; remove unrelated sheets or split the form", lim.MaxBytes>>20))
		return nil
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		ps.errorf("", "", "not_xlsx", "这不是 Excel 工作簿（.xlsx）；请在 Excel 或 WPS 中另存为 .xlsx 后再上传",
			"this is not an Excel workbook (.xlsx); save it as .xlsx in Excel or WPS and upload it again")
		return nil
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: lim.MaxSheetXML,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") { // excelize has no sentinel for it
			ps.errorf("", "", "too_large", fmt.Sprintf("工作簿解压后超过 %d MB，疑似压缩炸弹，已拒绝", lim.MaxUnzipped>>20),
				fmt.Sprintf("the workbook unpacks to more than %d MB (a zip bomb?); it was refused", lim.MaxUnzipped>>20))
			return nil
		}
		ps.errorf("", "", "not_xlsx", "无法打开工作簿，文件可能已损坏；请在 Excel 或 WPS 中另存为 .xlsx 后再上传",
			"the workbook cannot be opened and may be damaged; save it as .xlsx in Excel or WPS and upload it again")
		return nil
	}
	return f
}

// readSheet reads a sheet, reporting merged cells (errors: which cell holds
// the value is ambiguous), formulas (warnings: their cached value is used)
// and a hidden sheet (a warning: it is read all the same).
func readSheet(f *excelize.File, name string, maxRows int, ps *problems) *sheetData {
	if visible, err := f.GetSheetVisible(name); err == nil && !visible {
		ps.warnf(name, "", "hidden_sheet", fmt.Sprintf("工作表「%s」是隐藏的，仍然按它导入；请确认这是您想要的", name),
			fmt.Sprintf("sheet %s is hidden; it is imported all the same — make sure that is what you want", name))
	}
	if merged, err := f.GetMergeCells(name); err == nil {
		for _, m := range merged {
			start, end := m.GetStartAxis(), m.GetEndAxis()
			ps.errorf(name, start, "merged_cells", fmt.Sprintf("%s:%s 是合并单元格；请取消合并，并在每个单元格里填好内容", start, end),
				fmt.Sprintf("%s:%s are merged cells; unmerge them and fill in each cell", start, end))
		}
	}
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		ps.errorf(name, "", "unreadable", "无法读取这张工作表："+err.Error(), "the sheet cannot be read: "+err.Error())
		return nil
	}
	s := &sheetData{name: name}
	for i, r := range rows {
		for j, v := range r {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if fm, _ := f.GetCellFormula(name, cell); fm != "" {
				ps.warnf(name, cell, "formula_cell", fmt.Sprintf("单元格是公式（=%s），按它上次计算的值「%s」导入；请改成直接填写的值", fm, v),
					fmt.Sprintf("the cell holds a formula (=%s); its cached value %q is used — type the value instead", fm, v))
			}
		}
		blank := true
		for _, v := range r {
			if strings.TrimSpace(v) != "" {
				blank = false
				break
			}
		}
		if s.header == nil {
			if blank {
				continue
			}
			s.header = r
			continue
		}
		if blank {
			continue
		}
		if len(s.rows) >= maxRows {
			ps.errorf(name, "", "too_many_rows", fmt.Sprintf("工作表超过 %d 行；请拆分问卷", maxRows),
				fmt.Sprintf("the sheet has more than %d rows; split the form", maxRows))
			return nil
		}
		s.rows = append(s.rows, r)
		s.rowNums = append(s.rowNums, i+1)
	}
	return s
}
