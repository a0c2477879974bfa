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
		"xlsform.download":   "下载为 Excel（XLSForm）",
		"xlsform.template":   "下载 Excel 问卷模板",
		"xlsform.upload.tip": "表单也可以上传 Excel 问卷（XLSForm 格式的 .xlsx，ODK、KoboToolbox 的问卷可直接使用）；有问题时会逐个列出工作表和单元格，且不会保存。",
	})
	add(LangEN, map[string]string{
		"xlsform.download":   "Download as Excel (XLSForm)",
		"xlsform.template":   "Download the Excel form template",
		"xlsform.upload.tip": "A form can also be uploaded as an Excel workbook (XLSForm .xlsx; ODK and KoboToolbox forms work as they are). Problems are listed by sheet and cell, and nothing is saved.",
	})
}
