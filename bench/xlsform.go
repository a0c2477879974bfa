package main

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// xlsformWorkbook builds an XLSForm workbook of n questions as offices
// write them: sections of 50, a mix of text, integer, date and choice
// questions, each after the first with a relevance rule and every integer
// with a constraint that refer to earlier questions, and a 20-choice list.
func xlsformWorkbook(n int) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "survey"); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter("survey")
	if err != nil {
		return nil, err
	}
	row := 1
	put := func(vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, vals)
	}
	if err := put("type", "name", "label::中文 (zh)", "label::English (en)", "required", "relevant", "constraint", "constraint_message::中文 (zh)"); err != nil {
		return nil, err
	}
	types := []string{"text", "integer", "select_one opts", "date", "integer"}
	for i := range n {
		if i%50 == 0 {
			if i > 0 {
				put("end group")
			}
			put("begin group", fmt.Sprintf("sec%d", i/50), fmt.Sprintf("第%d部分", i/50+1), fmt.Sprintf("Part %d", i/50+1))
		}
		typ := types[i%len(types)]
		relevant, constraint, msg := "", "", ""
		if i > 0 {
			relevant = fmt.Sprintf("${q%d} != ''", i-1)
		}
		if typ == "integer" {
			constraint, msg = ". >= 0 and . <= 1000", "应在 0 到 1000 之间"
			if i >= 5 && types[(i-5)%len(types)] == "integer" {
				constraint = fmt.Sprintf(". >= 0 and . <= ${q%d} + 1000", i-5)
			}
		}
		if typ == "select_one opts" && i >= 2 {
			relevant = fmt.Sprintf("${q%d} > 3 or selected(${q%d}, 'o1')", i-1, i-5+len(types)%5)
			if i < 5 {
				relevant = fmt.Sprintf("${q%d} > 3", i-1)
			}
		}
		if err := put(typ, fmt.Sprintf("q%d", i), fmt.Sprintf("问题%d", i+1), fmt.Sprintf("Question %d", i+1), "yes", relevant, constraint, msg); err != nil {
			return nil, err
		}
	}
	put("end group")
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet("choices"); err != nil {
		return nil, err
	}
	f.SetSheetRow("choices", "A1", &[]string{"list_name", "name", "label::中文 (zh)", "label::English (en)"})
	for i := range 20 {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow("choices", cell, &[]string{"opts", fmt.Sprintf("o%d", i), fmt.Sprintf("选项%d", i), fmt.Sprintf("Option %d", i)})
	}
	if _, err := f.NewSheet("settings"); err != nil {
		return nil, err
	}
	f.SetSheetRow("settings", "A1", &[]string{"form_title", "form_id"})
	f.SetSheetRow("settings", "A2", &[]string{"一千题问卷", "thousand"})
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
