package ui

// Campaign schedules (issue #18): the follow-up tasks a schedule opens,
// overdue on the dashboard.
func init() {
	add := func(lang string, msgs map[string]string) {
		for k, v := range msgs {
			catalog[lang][k] = v
		}
	}
	add(LangZH, map[string]string{
		"schedule.dash.title":    "定期任务逾期：%s",
		"schedule.dash.what":     "活动的定时任务按期生成、到期仍处于“%s”的任务。请督促负责的村（居）尽快完成。",
		"schedule.dash.count":    "%d 项逾期未完成",
		"schedule.dash.col.task": "任务",
		"schedule.dash.col.unit": "所在单位",
		"schedule.dash.col.due":  "应完成时间",
		"schedule.dash.more":     "另有 %d 项逾期任务未列出，请进入下级单位查看。",
		"schedule.dash.none":     "没有逾期的定期任务。",
	})
	add(LangEN, map[string]string{
		"schedule.dash.title":    "Overdue scheduled tasks: %s",
		"schedule.dash.what":     "Tasks the campaign's schedule opened that are still at “%s” past their due time. Ask the units responsible to finish them.",
		"schedule.dash.count":    "%d overdue",
		"schedule.dash.col.task": "Task",
		"schedule.dash.col.unit": "Unit",
		"schedule.dash.col.due":  "Due",
		"schedule.dash.more":     "%d more overdue tasks are not listed; open a unit below to see them.",
		"schedule.dash.none":     "No scheduled task is overdue.",
	})
}
