package ui

// XLSForm workbooks: upload a form as .xlsx, download a form or the
// template as .xlsx (issue #17).
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"xlsform.download":         "下载为 Excel（XLSForm）",
		"xlsform.template":         "下载 Excel 问卷模板",
		"xlsform.upload.tip":       "表单也可以上传 Excel 问卷（XLSForm 格式的 .xlsx，ODK、KoboToolbox 的问卷可直接使用）；有问题时会逐个列出工作表和单元格，且不会保存。",
		"xlsform.refused":          "Excel 问卷有错误，未保存。请按下面列出的行和单元格逐条改正，再重新上传。",
		"xlsform.problems":         "Excel 问卷的问题",
		"xlsform.warnings":         "Excel 问卷导入提示",
		"xlsform.warnings.tip":     "表单已保存。下面几处内容 Canvass 没有照原样采用，请逐条确认；需要时改正 Excel 后重新上传。",
		"xlsform.problem.workbook": "整个工作簿",
		"xlsform.severity.error":   "错误",
		"xlsform.severity.warning": "提示",
		"upload.too_large":         "文件太大：最多 %d KB，未上传、未保存。请删减后再上传（Excel 问卷可删去不用的工作表、图片和空行）。",
	})
	add(LangEN, map[string]string{
		"xlsform.download":         "Download as Excel (XLSForm)",
		"xlsform.template":         "Download the Excel form template",
		"xlsform.upload.tip":       "A form can also be uploaded as an Excel workbook (XLSForm .xlsx; ODK and KoboToolbox forms work as they are). Problems are listed by sheet and cell, and nothing is saved.",
		"xlsform.refused":          "The Excel workbook has errors and was not saved. Correct each row and cell listed below, then upload it again.",
		"xlsform.problems":         "Problems in the Excel workbook",
		"xlsform.warnings":         "Notes on the imported Excel workbook",
		"xlsform.warnings.tip":     "The form was saved. Canvass did not take the cells below as they were; check each, and correct the workbook and upload it again if needed.",
		"xlsform.problem.workbook": "The whole workbook",
		"xlsform.severity.error":   "Error",
		"xlsform.severity.warning": "Note",
		"upload.too_large":         "The file is too large: at most %d KB. It was not uploaded or saved. Shorten it and upload it again (an Excel workbook can lose unused sheets, pictures and empty rows).",
	})
}
