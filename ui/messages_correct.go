package ui

// The correctness fixes of issue #18: the receipt's times, the records
// export's state filter and the repost of a pay period.
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"receipt.saved_at":           "保存时间",
		"receipt.submitted_at":       "提交时间",
		"receipt.resubmitted_at":     "重新提交时间",
		"receipt.created_at":         "首次填报时间",
		"registry.export.states":     "导出哪些状态的记录",
		"registry.export.states.tip": "默认只导出已办结通过的记录；草稿、退回和不予通过的记录需要时再勾选。一个都不勾选则导出全部。",
	})
	add(LangEN, map[string]string{
		"receipt.saved_at":           "Saved at",
		"receipt.submitted_at":       "Submitted at",
		"receipt.resubmitted_at":     "Resubmitted at",
		"receipt.created_at":         "First entered at",
		"registry.export.states":     "Records in these states",
		"registry.export.states.tip": "By default only accepted records are exported; tick drafts, returned or refused records when you need them. Tick none to export all.",
	})
}
