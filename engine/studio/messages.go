package studio

import (
	"fmt"
	"strings"

	"canvass/engine"
	"canvass/rules"
)

// Problem codes. They are stable: the studio pages put each message next
// to the input its pointer names, and tests assert on them. Every error an
// operation returns is an *engine.Error with code EINVALID whose Fields
// carry these codes.
const (
	CodeSyntax              = "syntax"                 // the file is not JSON
	CodeNotObject           = "not_object"             // the file is JSON but not an object
	CodeUnknownField        = "unknown_field"          // a path names no field
	CodeNotContainer        = "not_container"          // fields go into the form, a section or a repeat group
	CodeBadIndex            = "bad_index"              // a position outside the list
	CodeUnknownType         = "unknown_type"           // not a palette type
	CodeLabelRequired       = "label_required"         // a field needs a Chinese label
	CodeBadKey              = "bad_key"                // not an identifier
	CodeReservedKey         = "reserved_key"           // a keyword, a function or a variable forms declare
	CodeDuplicateKey        = "duplicate_key"          // keys are unique across the whole form
	CodeBadSetting          = "bad_setting"            // a setting this type does not take
	CodeBadNumber           = "bad_number"             // not a number (or not whole where whole is needed)
	CodeBadDate             = "bad_date"               // not a date 2006-01-02
	CodeMinAboveMax         = "min_above_max"          // a lower limit above the upper one
	CodeBadDefault          = "bad_default"            // a default that does not fit the field
	CodeNoChoices           = "no_choices"             // a choice type without choices
	CodeTooManyChoices      = "too_many_choices"       // more than MaxChoices
	CodeDuplicateChoice     = "duplicate_choice"       // the same label or value twice
	CodeBadChoice           = "bad_choice"             // an empty label or a value of the wrong type
	CodeFieldReferenced     = "field_referenced"       // deleting a field other fields' rules read
	CodeMoveIntoItself      = "move_into_itself"       // a section cannot go inside itself
	CodeConstraintClash     = "constraint_conflict"    // a date range and a written constraint at once
	CodeBadCondition        = "bad_condition"          // a builder row that cannot be written
	CodeBadExpression       = "bad_expression"         // an expression that does not parse
	CodeFormInvalid         = "form_invalid"           // the result would not load; Fields has the lint
	CodeBadOrgLevel         = "bad_org_level"          // org-tree levels unknown, repeated or not top down
	CodeNoOrgUnits          = "no_org_units"           // no unit of a level in the campaign's scope
	CodeTooManyRows         = "too_many_rows"          // a repeat group's row limit above MaxRows
	CodeReferencedElsewhere = "field_used_by_campaign" // an indicator, report, pay item or workflow rule reads the field
)

// messages holds each code's message in Chinese and English. Arguments are
// filled in with fmt verbs, in the same order in both languages.
var messages = map[string][2]string{
	CodeSyntax:              {"文件不是有效的 JSON：%v", "the file is not valid JSON: %v"},
	CodeNotObject:           {"表单文件应是一个 JSON 对象", "a form file is one JSON object"},
	CodeUnknownField:        {"找不到字段 %s", "there is no field at %s"},
	CodeNotContainer:        {"字段只能放在表单、分节或重复组中", "fields go into the form, a section or a repeat group"},
	CodeBadIndex:            {"位置 %d 超出范围（0–%d）", "position %d is outside 0–%d"},
	CodeUnknownType:         {"没有“%s”这种字段类型", "there is no field type %q"},
	CodeLabelRequired:       {"请填写中文标题", "enter a Chinese label"},
	CodeBadKey:              {"字段代码“%s”应以英文字母开头，只含字母、数字和下划线", "key %q must start with a letter and hold only letters, digits and '_'"},
	CodeReservedKey:         {"字段代码“%s”是表达式保留字，请换一个", "key %q is reserved in expressions; choose another"},
	CodeDuplicateKey:        {"字段代码“%s”已被使用，同一表单内代码不能重复", "key %q is already used; keys are unique across the form"},
	CodeBadSetting:          {"“%s”类型没有“%s”这项设置", "a %s field has no setting %s"},
	CodeBadNumber:           {"“%s”不是有效的数字", "%q is not a valid number"},
	CodeBadDate:             {"“%s”不是有效的日期（如 2026-01-31）", "%q is not a date such as 2026-01-31"},
	CodeMinAboveMax:         {"最小值 %v 大于最大值 %v", "the minimum %v is above the maximum %v"},
	CodeBadDefault:          {"默认值“%v”不适合这个字段", "the default %v does not fit this field"},
	CodeNoChoices:           {"请至少填写一个选项", "enter at least one choice"},
	CodeTooManyChoices:      {"选项有 %d 个，最多 %d 个；较长的名单请用上传的名单", "%d choices, at most %d; use an uploaded list for longer ones"},
	CodeDuplicateChoice:     {"选项“%v”重复", "choice %v appears twice"},
	CodeBadChoice:           {"第 %d 个选项无效：%s", "choice %d is not valid: %s"},
	CodeFieldReferenced:     {"“%s”的%s用到了“%s”", "the %[2]s of “%[1]s” uses “%[3]s”"},
	CodeMoveIntoItself:      {"不能把“%s”移到它自己里面", "%s cannot move inside itself"},
	CodeConstraintClash:     {"日期范围和自定义校验不能同时设置，请合并为一个校验", "a date range and a written constraint cannot both be set; combine them into one"},
	CodeBadCondition:        {"条件第 %d 行：%s", "condition row %d: %s"},
	CodeBadExpression:       {"表达式无法解析：%v", "the expression does not parse: %v"},
	CodeFormInvalid:         {"修改后表单有 %d 处错误，未保存", "the change would leave %d errors in the form; nothing was changed"},
	CodeBadOrgLevel:         {"请从上到下选择不重复的行政层级（如乡镇、村）；“%s”不可用", "pick distinct org levels from the top down (such as township, village); %q does not fit"},
	CodeNoOrgUnits:          {"活动范围内没有“%s”一级的单位，请换一个层级或先导入组织机构", "the campaign's scope has no unit at level %s; pick another level or import the org units first"},
	CodeTooManyRows:         {"行数上限 %d 超过了允许的 %d 行", "the row limit %d is above the allowed %d"},
	CodeReferencedElsewhere: {"%s用到了“%s”，请先到“%s”中修改或删除它，再删除这个字段", "%s uses “%s”; change or remove it under %s first, then delete the field"},
}

// Message returns the message of code in lang (zh-CN unless lang starts
// with "en"), with args filled in. Unknown codes return the code itself.
func Message(lang, code string, args ...any) string {
	m, ok := messages[code]
	if !ok {
		return code
	}
	format := m[0]
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		format = m[1]
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// reasons are short texts used inside bad_choice and bad_condition
// messages and in field_referenced (the keyword's name for people).
var reasons = map[string][2]string{
	"empty_label":     {"没有标题", "it has no label"},
	"value_type":      {"值的类型不符", "its value has the wrong type"},
	"unknown_field":   {"没有这个字段", "there is no such field"},
	"unknown_op":      {"没有这个比较方式", "there is no such comparison"},
	"op_type":         {"这个比较方式不适用于该字段", "this comparison does not fit the field"},
	"value_missing":   {"请填写比较的值", "enter a value to compare with"},
	"value_bad":       {"比较的值不适合该字段", "the value does not fit the field"},
	"no_rows":         {"至少需要一行条件", "at least one row is needed"},
	"bad_join":        {"条件之间用“且”或“或”连接", "rows are joined by and or or"},
	"x-relevant":      {"显示条件", "show-when condition"},
	"x-required-if":   {"必填条件", "required-when condition"},
	"x-constraint":    {"校验规则", "constraint"},
	"x-calculate":     {"计算公式", "calculation"},
	"x-choice-filter": {"选项筛选", "choice filter"},
}

func reason(lang, key string) string {
	r, ok := reasons[key]
	if !ok {
		return key
	}
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return r[1]
	}
	return r[0]
}

// problem is one finding, kept language-neutral until it is returned.
type problem struct {
	ptr  string
	code string
	args []any
	// reasonArgs are indexes into args that are reason keys, localized
	// at the end.
	reasonArgs []int
	// text, when set, is the message as is: lint findings of forms.Load,
	// which come in English only.
	text string
}

type problems []problem

func problemAt(ptr, code string, args ...any) problems {
	return problems{{ptr: ptr, code: code, args: args}}
}

// err returns the problems as one *engine.Error in lang, or nil.
func (ps problems) err(lang string) error {
	if len(ps) == 0 {
		return nil
	}
	e := &engine.Error{Code: engine.EINVALID}
	for _, p := range ps {
		args := append([]any(nil), p.args...)
		for _, i := range p.reasonArgs {
			if s, ok := args[i].(string); ok {
				args[i] = reason(lang, s)
			}
		}
		msg := p.text
		if msg == "" {
			msg = Message(lang, p.code, args...)
		}
		e.Fields = append(e.Fields, engine.FieldError{Pointer: p.ptr, Code: p.code, Message: msg})
	}
	e.Message = e.Fields[0].Message
	return e
}

// lintProblems turns the error diagnostics of forms.Load into problems,
// under one form_invalid problem that counts them.
func lintProblems(diags []rules.Diagnostic) problems {
	var ps problems
	for _, d := range diags {
		if d.Severity == rules.SeverityError {
			ps = append(ps, problem{ptr: d.Path, code: d.Code, text: d.Message})
		}
	}
	return append(problemAt("", CodeFormInvalid, len(ps)), ps...)
}

// withReasons marks args at idx as reason keys, localized at the end.
func (ps problems) withReasons(idx ...int) problems {
	for i := range ps {
		ps[i].reasonArgs = append(ps[i].reasonArgs, idx...)
	}
	return ps
}
