package ui

// The 源文件 tab's editor (issue #16, item 7).
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"studio.source.edit":             "编辑",
		"studio.source.edit.named":       "编辑 %s",
		"studio.source.edit.title":       "编辑源文件",
		"studio.source.edit.heading":     "编辑%s：%s",
		"studio.source.edit.tip":         "这里直接修改文件的文本，适合熟悉文件格式的作者。输入时会自动检查（与发布前的检查相同），但不会保存；点“保存为草稿”才保存。",
		"studio.source.edit.label":       "%s 的内容",
		"studio.source.edit.save":        "保存为草稿",
		"studio.source.edit.cancel":      "放弃修改，返回源文件",
		"studio.source.edit.typing":      "输入时会在这里列出检查发现的问题。",
		"studio.source.edit.checking":    "正在检查……",
		"studio.source.edit.clean":       "没有发现问题。",
		"studio.source.edit.found":       "发现 %d 个问题（尚未保存）。点击位置可跳到该行。",
		"studio.source.edit.found_saved": "已保存为草稿，但检查发现 %d 个问题；错误改正后才能发布。点击位置可跳到该行。",
		"studio.source.edit.kept":        "您输入的内容仍在下面的编辑框中，未保存；请先把它复制下来，重新打开页面后再改。",
		"studio.source.edit.lint_failed": "暂时无法检查，请稍后再试；保存时仍会检查。",
		"studio.source.edit.where":       "第 %d 行第 %d 列",
		"studio.source.edit.pos":         "光标在第 %d 行第 %d 列",
		"studio.source.edit.empty":       "内容是空的，请填写文件内容。",
		"studio.source.edit.too_large":   "文件太大：最多 %d KB，请删减后再保存。",
		"studio.source.edit.utf8":        "文件含有无法识别的字符（不是 UTF-8 编码），请用 UTF-8 保存后再试。",
		"studio.source.edit.declared_id": "文件里写的编号是“%s”，与这个文件的编号“%s”不一致；请改回原编号。要新建文件，请在相应的设计页中新建。",
		"studio.source.edit.kind":        "文件类型不对：只能是表单、审核流程、劳务报酬表或工作项目。",
		"studio.source.edit.filename":    "请给出文件名（不含目录）。",
	})
	add(LangEN, map[string]string{
		"studio.source.edit":             "Edit",
		"studio.source.edit.named":       "Edit %s",
		"studio.source.edit.title":       "Edit source",
		"studio.source.edit.heading":     "Edit %s: %s",
		"studio.source.edit.tip":         "Change the file's text directly, for authors who know the file format. It is checked as you type (the same check as before publishing) but not saved until you press “Save as draft”.",
		"studio.source.edit.label":       "Contents of %s",
		"studio.source.edit.save":        "Save as draft",
		"studio.source.edit.cancel":      "Discard changes and go back to the source files",
		"studio.source.edit.typing":      "Problems the check finds as you type are listed here.",
		"studio.source.edit.checking":    "Checking…",
		"studio.source.edit.clean":       "No problems found.",
		"studio.source.edit.found":       "%d problems found (not saved yet). Click a position to go to its line.",
		"studio.source.edit.found_saved": "Saved as a draft, but the check found %d problems; errors must be fixed before publishing. Click a position to go to its line.",
		"studio.source.edit.kept":        " What you typed is still in the box below, not saved; copy it before you reopen the page and edit again.",
		"studio.source.edit.lint_failed": "The check is not available just now; try again later. Saving still checks.",
		"studio.source.edit.where":       "line %d, column %d",
		"studio.source.edit.pos":         "Cursor at line %d, column %d",
		"studio.source.edit.empty":       "The contents are empty; enter the file's contents.",
		"studio.source.edit.too_large":   "The file is too large: at most %d KB. Shorten it, then save.",
		"studio.source.edit.utf8":        "The file has characters that cannot be read (it is not UTF-8). Save it as UTF-8 and try again.",
		"studio.source.edit.declared_id": "The file declares the ID “%s”, not this file's “%s”; change it back. To make a new file, create it on its design page.",
		"studio.source.edit.kind":        "Wrong file type: it must be a form, a review flow, a pay table or a campaign.",
		"studio.source.edit.filename":    "Give the file's name (without folders).",
	})
}
