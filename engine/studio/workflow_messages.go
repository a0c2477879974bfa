package studio

// Problem codes of the review-flow designer. Like the form designer's,
// they are stable and every error is an *engine.Error with code EINVALID
// whose Fields carry them, keyed by pointers such as
// "/states/township_check/due".
const (
	CodeWorkflowSyntax   = "workflow_syntax"    // the file is not one YAML mapping
	CodeUnknownState     = "unknown_state"      // an operation names no state
	CodeTitleRequired    = "title_required"     // every state needs a Chinese title
	CodeTitleTooLong     = "title_too_long"     // titles are short
	CodeDuplicateState   = "duplicate_state"    // two states with the same name or Chinese title
	CodeUnknownTarget    = "unknown_target"     // an action leads to a state that does not exist
	CodeBadLimit         = "bad_limit"          // hours or days: a whole number within the cap
	CodeBadReminder      = "bad_reminder"       // every and times, both set and within their caps
	CodeReminderTooLong  = "reminder_too_long"  // reminders further apart than the time limit
	CodeNeedsLimit       = "needs_limit"        // reminders or escalation without a time limit
	CodeBadEscalation    = "bad_escalation"     // escalation to a level above the top, or roles missing
	CodeBadActor         = "bad_actor"          // a role or level not in the lists
	CodeNoActions        = "no_actions"         // a level with no allowed action
	CodeBadAction        = "bad_action"         // not one of the actions a state takes
	CodeStateReferenced  = "state_referenced"   // deleting a state others lead to
	CodeStartReferenced  = "start_referenced"   // deleting the state a submitted record enters
	CodeCannotBridge     = "cannot_bridge"      // a forced delete has nowhere to redirect to
	CodeBadRoute         = "bad_route"          // a routing rule without a condition or target
	CodeWorkflowInvalid  = "workflow_invalid"   // the result would not load; Fields has the lint
	CodeNoCorrectionStep = "no_correction_step" // return is allowed but there is no correction step
)

var workflowMessages = map[string][2]string{
	CodeWorkflowSyntax:   {"审核流程文件不是有效的 YAML：%v", "the workflow file is not valid YAML: %v"},
	CodeUnknownState:     {"找不到这个步骤，可能已被删除；请刷新页面", "there is no such step; it may have been deleted — reload the page"},
	CodeTitleRequired:    {"请填写步骤的中文名称", "enter the step's Chinese title"},
	CodeTitleTooLong:     {"步骤名称最多 %d 个字", "a step's title has at most %d characters"},
	CodeDuplicateState:   {"已有名为“%s”的步骤，请换一个名称", "there is already a step called “%s”; choose another title"},
	CodeUnknownTarget:    {"“%s”的“%s”指向的步骤不存在，请重新选择", "“%[2]s” of “%[1]s” leads to a step that does not exist; choose another"},
	CodeBadLimit:         {"%s须是 1 到 %d 之间的整数（%s）", "%s must be a whole number from 1 to %d (%s)"},
	CodeBadReminder:      {"提醒须同时填写间隔（至少 1 小时）和次数（1 到 %d 次）", "a reminder needs an interval (at least 1 hour) and a number of times (1 to %d)"},
	CodeReminderTooLong:  {"提醒间隔（%s）比办理时限（%s）还长，请缩短间隔", "the reminder interval (%s) is longer than the time limit (%s); shorten it"},
	CodeNeedsLimit:       {"设置%s前请先填写办理时限", "set a time limit before %s"},
	CodeBadEscalation:    {"超时上报设置有误：%s", "the escalation is not right: %s"},
	CodeBadActor:         {"请从列表中选择办理人的%s", "pick the %s of who acts from the list"},
	CodeNoActions:        {"“%s”至少要允许一种操作（通过、退回补正或不予采用）", "“%s” needs at least one allowed action (approve, return or reject)"},
	CodeBadAction:        {"“%s”不能设置“%s”操作", "“%s” cannot take the action “%s”"},
	CodeStateReferenced:  {"“%s”的“%s”指向“%s”", "“%[2]s” of “%[1]s” leads to “%[3]s”"},
	CodeStartReferenced:  {"提交的记录首先进入“%s”", "a submitted record enters “%s” first"},
	CodeCannotBridge:     {"“%s”之后没有可改接的步骤，请先修改指向它的操作", "there is no step after “%s” to reconnect to; change the actions that lead to it first"},
	CodeBadRoute:         {"第 %d 条分流规则：%s", "routing rule %d: %s"},
	CodeWorkflowInvalid:  {"修改后审核流程有 %d 处错误，未保存", "the change would leave %d errors in the workflow; nothing was changed"},
	CodeNoCorrectionStep: {"允许“退回补正”需要先有补正步骤", "allowing return needs a correction step first"},
}

var workflowReasons = map[string][2]string{
	"approve":        {"通过", "approve"},
	"return":         {"退回补正", "return for correction"},
	"reject":         {"不予采用", "reject"},
	"submit":         {"补正后提交", "resubmit"},
	"start":          {"开始步骤", "first step"},
	"limit":          {"办理时限", "the time limit"},
	"remind_every":   {"提醒间隔", "the reminder interval"},
	"escalate_after": {"上报等待时间", "the escalation delay"},
	"unit_hours":     {"小时", "hours"},
	"unit_days":      {"天", "days"},
	"reminders":      {"提醒", "reminders"},
	"escalation":     {"超时上报", "escalation"},
	"role":           {"角色", "role"},
	"level":          {"层级", "level"},
	"top_level":      {"已是最高层级，无法上报", "there is no level above"},
	"no_roles":       {"请至少选择一个增加的角色", "pick at least one role to add"},
	"no_when":        {"请填写条件", "enter a condition"},
	"no_to":          {"请选择满足条件时转到哪一步", "choose where the record goes when it holds"},
	"rule":           {"规则", "rule"},
	"otherwise":      {"其他", "otherwise"},
}

func init() {
	for k, v := range workflowMessages {
		messages[k] = v
	}
	for k, v := range workflowReasons {
		reasons[k] = v
	}
}
