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
		"receipt.saved_at":       "保存时间",
		"receipt.submitted_at":   "提交时间",
		"receipt.resubmitted_at": "重新提交时间",
		"receipt.created_at":     "首次填报时间",
	})
	add(LangEN, map[string]string{
		"receipt.saved_at":       "Saved at",
		"receipt.submitted_at":   "Submitted at",
		"receipt.resubmitted_at": "Resubmitted at",
		"receipt.created_at":     "First entered at",
	})
}
