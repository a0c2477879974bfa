package ui

// Fields at any depth (issue #18): references to answers by path, link
// presets by label, and the check-and-publish codes of references that do
// not resolve.
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"links.preset_field":               "预填项",
		"links.preset_field.none":          "不预填",
		"links.preset_field.tip":           "选一个每户不同的项（如姓名），再在下面逐行填写，每行生成一个链接；填报人看到这一项已填好且不能修改。",
		"studio.problem.wrong_path":        "字段路径与字段所在的分组不符",
		"studio.problem.bad_path":          "字段引用的写法不对，应为字段名或用点连接的路径",
		"studio.problem.field_in_repeat":   "引用了重复组（如子女情况）中的字段，此处需要每条记录只有一个值的字段",
		"studio.problem.two_repeat_groups": "一个指标项同时读取了两个重复组中的字段",
		"worklist.code.wrong_path":         "表单中这一项不在所写的分组里",
		"worklist.code.bad_path":           "字段写法不对",
		"worklist.code.field_in_repeat":    "这一项在重复组中，每行一个值，不能用于比对",
		"worklist.code.not_simple":         "这是一个分组，请选择其中的具体项",
	})
	add(LangEN, map[string]string{
		"links.preset_field":               "Preset field",
		"links.preset_field.none":          "None",
		"links.preset_field.tip":           "Pick a field that differs per household (a name, say), then type one value per line below: each line makes a link, and the respondent sees that field filled in and cannot change it.",
		"studio.problem.wrong_path":        "the field's path does not match the sections it is in",
		"studio.problem.bad_path":          "not a field reference: write the field's key or its path joined by dots",
		"studio.problem.field_in_repeat":   "refers to a field of a repeat group where one value per record is needed",
		"studio.problem.two_repeat_groups": "one indicator term reads fields of two repeat groups",
		"worklist.code.wrong_path":         "The field is not in that section",
		"worklist.code.bad_path":           "Not a field reference",
		"worklist.code.field_in_repeat":    "A field of a repeat group has a value per row and cannot be compared",
		"worklist.code.not_simple":         "A section: choose one of its fields",
	})
}
