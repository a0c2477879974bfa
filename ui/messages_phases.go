package ui

// Campaign phases: the field worker's list of forms, the dashboard, and
// the studio's 基本信息 tab (issue #18, #16).
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"phases.now":             "当前阶段：%s（至 %s）",
		"phases.fill":            "填报「%s」",
		"phases.title":           "工作阶段",
		"phases.tip":             "每个阶段只开放它列出的工作；不在任何阶段内的日子什么也不能办。",
		"phases.col.phase":       "阶段",
		"phases.col.dates":       "日期",
		"phases.col.status":      "进度",
		"phases.col.work":        "开放的工作",
		"phases.dates":           "%s 至 %s",
		"phases.done":            "已结束",
		"phases.upcoming":        "%d 天后开始",
		"phases.current":         "进行中：第 %d 天，共 %d 天",
		"phases.nothing":         "只做准备，不开放填报和审核",
		"phases.progress":        "已过 %d%%",
		"studio.phases.title":    "工作阶段",
		"studio.phases.tip":      "按工作方案的时间安排分阶段（如调查准备、入户摸底、比对录入）。每个阶段写明起止日期、可以填报的表单和开放的工作；阶段按日期先后排列，不能重叠。不分阶段的工作项目在开始到截止日期之间一直开放。",
		"studio.phases.none":     "这个工作项目不分阶段。",
		"studio.phases.key":      "阶段代码",
		"studio.phases.namezh":   "阶段名称（中文，必填）",
		"studio.phases.nameen":   "阶段名称（英文）",
		"studio.phases.from":     "开始日期",
		"studio.phases.to":       "结束日期（含当天）",
		"studio.phases.forms":    "可以填报的表单",
		"studio.phases.actions":  "开放的工作",
		"studio.phases.delete":   "删除这个阶段",
		"studio.phases.add":      "添加阶段",
		"studio.phases.save":     "保存阶段",
		"studio.phases.saved":    "工作阶段已保存为草稿。",
		"studio.phases.nth":      "第 %d 阶段",
		"studio.phases.warnings": "请注意：",
		"studio.phases.failed":   "工作阶段没有保存，请按提示改正。",
		"studio.phases.keep":     "填写名称和日期即添加；留空则不添加。",
	})
	add(LangEN, map[string]string{
		"phases.now":             "Current phase: %s (until %s)",
		"phases.fill":            "filling in %s",
		"phases.title":           "Phases",
		"phases.tip":             "Each phase opens only the work it lists; on days in no phase nothing can be done.",
		"phases.col.phase":       "Phase",
		"phases.col.dates":       "Dates",
		"phases.col.status":      "Progress",
		"phases.col.work":        "Open work",
		"phases.dates":           "%s to %s",
		"phases.done":            "Ended",
		"phases.upcoming":        "Starts in %d days",
		"phases.current":         "Running: day %d of %d",
		"phases.nothing":         "Preparation only: no forms or review",
		"phases.progress":        "%d%% gone by",
		"studio.phases.title":    "Phases",
		"studio.phases.tip":      "Split the work into the work plan's phases (preparation, door-to-door survey, comparison and entry…). Each phase has its dates, the forms that may be filled and the work it opens; phases follow one another without overlapping. A campaign without phases is open from its opening to its closing date.",
		"studio.phases.none":     "This campaign has no phases.",
		"studio.phases.key":      "Phase code",
		"studio.phases.namezh":   "Name (Chinese, required)",
		"studio.phases.nameen":   "Name (English)",
		"studio.phases.from":     "First day",
		"studio.phases.to":       "Last day (inclusive)",
		"studio.phases.forms":    "Forms that may be filled",
		"studio.phases.actions":  "Open work",
		"studio.phases.delete":   "Delete this phase",
		"studio.phases.add":      "Add a phase",
		"studio.phases.save":     "Save phases",
		"studio.phases.saved":    "The phases were saved as a draft.",
		"studio.phases.nth":      "Phase %d",
		"studio.phases.warnings": "Note:",
		"studio.phases.failed":   "The phases were not saved; correct what is marked.",
		"studio.phases.keep":     "Fill in a name and dates to add a phase; leave it blank to add none.",
	})
}
