package ui

// The review-flow designer's routing rules on fields at any depth (issue #16).
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"studio.wf.route.repeat_group": "重复组中的字段（不能用于分流）",
		"studio.wf.route.repeat_tip":   "分节里的问题写作“分节 › 问题”。重复组里的字段每行一个值，不能决定转到哪一步；需要时请在表单中添加计算项（如合计、行数），再按计算项分流。",
	})
	add(LangEN, map[string]string{
		"studio.wf.route.repeat_group": "Fields of repeat groups (cannot route)",
		"studio.wf.route.repeat_tip":   "A question in a section reads “Section › Question”. A repeat group's fields have one value per row and cannot decide where a record goes; add a calculated field (a sum, a count of rows) to the form and route on that.",
	})
}
