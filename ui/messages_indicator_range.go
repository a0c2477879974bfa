package ui

// Indicators with a normal range instead of a target (range: [103, 107],
// issue #18): the sex ratio at birth is flagged outside 103–107.
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"indicators.range":         "正常范围 %s",
		"indicators.range.in":      "在正常范围内",
		"indicators.range.outside": "超出正常范围",
	})
	add(LangEN, map[string]string{
		"indicators.range":         "Normal range %s",
		"indicators.range.in":      "Within the normal range",
		"indicators.range.outside": "Outside the normal range",
	})
}
