package ui

// The records each campaign phase received, on the dashboard's phase
// block (issue #18).
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"phases.col.records":  "本阶段提交",
		"phases.records":      "共 %d 份",
		"phases.records.form": "「%s」%d 份",
		"phases.records.none": "尚未开始",
		"phases.records.tip":  "提交：本阶段起止日期内新建并已提交（不含草稿）的记录，只算当前单位及下级的。",
	})
	add(LangEN, map[string]string{
		"phases.col.records":  "Handed in",
		"phases.records":      "%d in all",
		"phases.records.form": "%[2]d of “%[1]s”",
		"phases.records.none": "Not begun",
		"phases.records.tip":  "Handed in: records created within the phase's dates and submitted (drafts not counted), in this unit and below.",
	})
}
