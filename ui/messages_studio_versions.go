package ui

// The studio's 版本历史 tab (issue #16, item 9).
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"studio.versions.file":              "%s：%s",
		"studio.versions.file.named":        "%s“%s”",
		"studio.versions.tip":               "每次保存草稿、每次发布都会留下一个版本。选择同一文件的两个版本，即可看到改了什么。",
		"studio.versions.col.version":       "版本",
		"studio.versions.col.saved":         "保存人和时间",
		"studio.versions.col.published":     "发布人和时间",
		"studio.versions.not_published":     "未发布",
		"studio.versions.view":              "查看源文件",
		"studio.versions.view.named":        "查看第 %d 版的源文件",
		"studio.versions.compare":           "比较两个版本：",
		"studio.versions.from":              "从",
		"studio.versions.to":                "到",
		"studio.versions.submit":            "比较",
		"studio.versions.one":               "目前只有一个版本；保存或发布修改后即可比较。",
		"studio.versions.records":           "已填报的记录保留填报时所用的表单版本，发布新版本不会改变已有记录。",
		"studio.versions.diff.title":        "%s：第 %d 版 → 第 %d 版",
		"studio.versions.diff.view":         "查看第 %d 版源文件",
		"studio.versions.diff.count":        "共 %d 处改动：",
		"studio.versions.source.back":       "返回版本历史",
		"studio.versions.source.readonly":   "只读；要修改请到“源文件”或各设计页",
		"studio.versions.saved_by":          "%s 保存于 %s",
		"studio.versions.error.bad_version": "请选择要比较的两个版本（版本号是从 1 开始的整数）。",
		"studio.versions.error.same":        "请选择两个不同的版本进行比较。",
		"studio.versions.error.no_version":  "%s“%s”没有第 %d 版，请从版本历史中选择。",
		"studio.versions.error.no_file":     "这个文件不属于本工作项目，请从下面的版本历史中选择。",
	})
	add(LangEN, map[string]string{
		"studio.versions.file":              "%s: %s",
		"studio.versions.file.named":        "%s “%s”",
		"studio.versions.tip":               "Every saved draft and every publish leaves a version. Pick two versions of a file to see what changed.",
		"studio.versions.col.version":       "Version",
		"studio.versions.col.saved":         "Saved by, at",
		"studio.versions.col.published":     "Published by, at",
		"studio.versions.not_published":     "Not published",
		"studio.versions.view":              "View source",
		"studio.versions.view.named":        "View the source of version %d",
		"studio.versions.compare":           "Compare two versions:",
		"studio.versions.from":              "From",
		"studio.versions.to":                "to",
		"studio.versions.submit":            "Compare",
		"studio.versions.one":               "There is only one version so far; save or publish a change to compare.",
		"studio.versions.records":           "Records keep the form version they were filled with; publishing a new version does not change them.",
		"studio.versions.diff.title":        "%s: version %d → version %d",
		"studio.versions.diff.view":         "View the source of version %d",
		"studio.versions.diff.count":        "Changes: %d",
		"studio.versions.source.back":       "Back to the versions",
		"studio.versions.source.readonly":   "read-only; edit it on the Source tab or in the designers",
		"studio.versions.saved_by":          "Saved by %s at %s",
		"studio.versions.error.bad_version": "Pick two versions to compare (version numbers are whole numbers from 1).",
		"studio.versions.error.same":        "Pick two different versions to compare.",
		"studio.versions.error.no_version":  "%s “%s” has no version %d; pick one from the history.",
		"studio.versions.error.no_file":     "That file is not part of this campaign; pick one from the history below.",
	})
}
