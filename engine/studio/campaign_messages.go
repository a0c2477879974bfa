package studio

// Problem codes of the campaign editors (抽查, 预算, 指标与报表), with the
// form designer's: an *engine.Error of code EINVALID whose Fields name the
// input ("/qc_percent", "/line_amount") and one of these codes.
const (
	CodeCampaignInvalid = "campaign_invalid"  // the campaign would not load; Fields has the lint
	CodeQCPercent       = "qc_percent"        // a share outside (0, 100] % or with more than two decimals
	CodeQCMin           = "qc_min"            // a minimum that is not a whole number 0…MaxQCMin
	CodeBadPeriod       = "bad_period"        // a period the section does not take
	CodeQCUsed          = "qc_used"           // removing spot checks that pay items depend on
	CodeTooLong         = "too_long"          // a text longer than its limit
	CodeBadName         = "bad_name"          // a code that is not a lower-case name
	CodeNameTaken       = "name_taken"        // a code already used in the section
	CodeBadAmount       = "bad_amount"        // not yuan with at most two decimals, or out of range
	CodeBadWhole        = "bad_whole"         // not a whole number within the limits
	CodeUnknownName     = "unknown_name"      // a line multiplies by an input or count that does not exist
	CodeUnknownForm     = "unknown_form"      // a form the campaign does not bind
	CodeNoWorkflowState = "no_workflow_state" // a state the workflow does not have
	CodeNameInUse       = "name_in_use"       // deleting an input or count that lines use
	CodeReadOnly        = "read_only"         // an entry the editor cannot express
	CodeNotFound        = "not_found"         // the entry to change is gone
	CodeTooMany         = "too_many"          // more entries than the section takes
	CodeBadTarget       = "bad_target"        // a target percentage outside 0…1000
	CodeBadTerm         = "bad_term"          // a numerator or denominator that is not set up
	CodeNotNumeric      = "not_numeric"       // summing a field that is not a top-level number
	CodeBadValue        = "bad_value"         // a condition value that does not fit its field
	CodeBadLevel        = "bad_level"         // an org level that does not exist
	CodeNeedsLine       = "needs_line"        // a budget keeps at least one line
)

func init() {
	for code, m := range map[string][2]string{
		CodeCampaignInvalid: {"修改后工作项目文件有 %d 处错误，未保存", "the change would leave %d errors in the campaign file; nothing was changed"},
		CodeQCPercent:       {"抽查比例须大于 0、不超过 100（百分比，最多两位小数）", "the share must be above 0 and at most 100 (a percentage, at most two decimals)"},
		CodeQCMin:           {"每人至少抽查的份数须是 0 到 %d 之间的整数", "the minimum per worker must be a whole number from 0 to %d"},
		CodeBadPeriod:       {"请从列表中选择周期", "choose a period from the list"},
		CodeQCUsed:          {"劳务报酬表中的%s依赖抽查结果，不能取消抽查；请先在“劳务报酬”中修改这些项目", "the pay items %s depend on spot checks; change them under Pay before removing spot checks"},
		CodeTooLong:         {"内容太长，最多 %d 个字", "too long: at most %d characters"},
		CodeBadName:         {"代码“%s”须以小写英文字母开头，只含小写字母、数字和下划线，最多 64 个字符", "the code %q must start with a lower-case letter and hold only lower-case letters, digits and '_', at most 64 characters"},
		CodeNameTaken:       {"代码“%s”已被使用，请换一个", "the code %q is already used; choose another"},
		CodeBadAmount:       {"“%s”不是有效的金额：请填写 0 到 %s 元之间的数，最多两位小数", "%q is not an amount: enter yuan from 0 to %s, at most two decimals"},
		CodeBadWhole:        {"“%s”须是 0 到 %d 之间的整数", "%q must be a whole number from 0 to %d"},
		CodeUnknownName:     {"没有名为“%s”的计划数或统计数", "there is no planned number or count %q"},
		CodeUnknownForm:     {"工作项目没有这张表单：%s", "the campaign has no form %s"},
		CodeNoWorkflowState: {"审核流程中没有“%s”这个状态", "the workflow has no state %q"},
		CodeNameInUse:       {"预算项%s用到了“%s”，请先修改或删除这些预算项", "the budget lines %s use %q; change or delete them first"},
		CodeReadOnly:        {"这一项的写法无法在此编辑，请在“源文件”中修改", "this entry cannot be edited here; change it in Source"},
		CodeNotFound:        {"找不到“%s”，可能已被删除，请重新打开页面", "%q is gone, perhaps deleted; reload the page"},
		CodeTooMany:         {"最多 %d 项", "at most %d entries"},
		CodeBadTarget:       {"目标须是 0 到 1000 之间的百分比，最多两位小数", "the target must be a percentage from 0 to 1000, at most two decimals"},
		CodeBadTerm:         {"请设置%s", "set up the %s"},
		CodeNotNumeric:      {"只能合计表单顶层的数值字段（整数、小数），“%s”不是", "only top-level number fields can be summed; %s is not one"},
		CodeBadValue:        {"条件的值“%s”不适合字段“%s”", "the value %q does not fit the field %s"},
		CodeBadLevel:        {"请从列表中选择报送的单位层级", "choose the reporting level from the list"},
		CodeNeedsLine:       {"预算至少要有一项：请先添加一项预算（可以先填固定金额），或删除全部计划数和统计数", "a budget keeps at least one line: add a line first (a fixed amount will do), or delete every planned number and count"},
	} {
		messages[code] = m
	}
	for key, r := range map[string][2]string{
		"numerator":   {"分子", "numerator"},
		"denominator": {"分母", "denominator"},
	} {
		reasons[key] = r
	}
}
