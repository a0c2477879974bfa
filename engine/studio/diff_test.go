package studio

import (
	"strings"
	"testing"

	"canvass/engine"
	"canvass/examples"
)

const diffForm = `{
  "x-form-id": "vacc-check",
  "x-title": {"zh": "接种核查", "en": "Immunization check"},
  "type": "object",
  "required": ["name"],
  "properties": {
    "name": {"type": "string", "maxLength": 20, "x-order": 1, "x-pii": "name", "x-label": {"zh": "姓名", "en": "Name"}},
    "birthDate": {"type": "string", "format": "date", "x-order": 2, "x-label": {"zh": "出生日期", "en": "Date of birth"}},
    "age": {"type": "integer", "minimum": 0, "maximum": 120, "x-order": 3, "x-label": {"zh": "年龄", "en": "Age"}},
    "sex": {"type": "string", "x-widget": "radio", "x-order": 4, "x-label": {"zh": "性别", "en": "Sex"},
      "x-choices": [{"value": "male", "label": {"zh": "男", "en": "Male"}}, {"value": "female", "label": {"zh": "女", "en": "Female"}}, {"value": "other", "label": {"zh": "其他", "en": "Other"}}]},
    "pregnant": {"type": "boolean", "x-order": 5, "x-label": {"zh": "是否怀孕", "en": "Pregnant"}, "x-relevant": "sex == 'female'"},
    "note": {"type": "string", "x-widget": "textarea", "x-order": 6, "x-label": {"zh": "备注", "en": "Note"}},
    "nextCheck": {"type": "string", "format": "date", "x-order": 7, "x-label": {"zh": "下次核查日期", "en": "Next check"}, "x-calculate": "addMonths(birthDate, 3)"},
    "household": {"type": "object", "x-order": 8, "x-label": {"zh": "家庭情况", "en": "Household"},
      "properties": {
        "members": {"type": "integer", "minimum": 1, "x-order": 1, "x-label": {"zh": "家庭人数", "en": "Members"}}
      }}
  }
}
`

const diffWorkflow = `id: vacc-review
title: {zh: 村乡两级审核, en: Two-level review}
start: village_review
states:
  village_review:
    title: {zh: 村级审核, en: Village review}
    step: {role: reviewer, level: village}
    due: P5D
    actions:
      approve: township_review
      return: {to: correction}
  township_review:
    title: {zh: 乡镇审核, en: Township review}
    step: {role: reviewer, level: township}
    due: PT48H
    remind: {every: P1D, times: 2}
    actions:
      approve: approved
      return: {to: correction}
  correction:
    title: {zh: 退回补正, en: Back for correction}
    step: {role: field_worker, level: village}
    due: P2D
    actions:
      submit: village_review
  approved:
    title: {zh: 已通过, en: Approved}
    final: true
`

const diffPayTable = `id: vacc-pay
title: {zh: 接种核查劳务补助, en: Immunization check pay}
effective_from: 2026-11-01
period: month
items:
  - key: household_surveyed
    label: {zh: 入户调查劳务补助, en: Household surveyed}
    on: record.accepted
    pays: creator
    role: field_worker
    amount: 5000
    withheld_on: qc.problem
  - key: supervisor_day
    label: {zh: 指导员补助, en: Supervisor day}
    on: attendance.day
    pays: actor
    role: supervisor
    amount_expr: fen(50) * count
caps:
  - {role: field_worker, period: month, max: 300000}
`

const diffCampaign = `id: vacc-2026
title: {zh: 流动儿童接种核查, en: Migrant-child immunization check}
forms: [vacc-check]
workflow: vacc-review
paytable: vacc-pay
org_scope: "341299"
reference_time: 2026-12-06
opens: 2026-11-25
closes: 2026-12-17
period: month
qc:
  share: 0.05
  min: 1
budget:
  inputs:
    sample: 300
  lines:
    - key: gifts
      label: {zh: 入户慰问品, en: Household gifts}
      amount: fen(60) * sample
indicators:
  - id: coverage
    title: {zh: 接种率, en: Coverage}
    numerator: count(answers.vaccinated == true)
    denominator: count(true)
    factor: 100
    target: 90
`

// edit applies replacements to src, failing when one does not match.
func edit(t *testing.T, src string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			t.Fatalf("edit: %q not in the source", pairs[i])
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	return src
}

func TestDiff(t *testing.T) {
	names := DiffNames{
		Unit: func(code string) string {
			return map[string]string{"341299": "清河区", "341299001": "东岗镇"}[code]
		},
		Title: func(kind, id string) string {
			return map[string]string{"form/vacc-extra": "补充调查表", "workflow/vacc-review-2": "三级审核"}[kind+"/"+id]
		},
	}
	tests := []struct {
		name     string
		kind     string
		base     string
		edits    []string
		wantKind string
		wantZH   string
	}{
		// Forms.
		{"required", engine.KindForm, diffForm, []string{`"required": ["name"]`, `"required": ["name", "birthDate"]`},
			ChangeFieldRequired, "字段「出生日期」改为必填"},
		{"optional", engine.KindForm, diffForm, []string{`"required": ["name"]`, `"required": []`},
			ChangeFieldRequired, "字段「姓名」改为选填"},
		{"field added", engine.KindForm, diffForm, []string{`"note": {`, `"vaccDate": {"type": "string", "format": "date", "x-order": 9, "x-label": {"zh": "接种日期"}},
    "note": {`}, ChangeFieldAdded, "新增字段「接种日期」"},
		{"section added", engine.KindForm, diffForm, []string{`"note": {`, `"extra": {"type": "object", "x-order": 9, "x-label": {"zh": "补充信息"}, "properties": {"a": {"type": "string", "x-label": {"zh": "甲"}}, "b": {"type": "string", "x-label": {"zh": "乙"}}}},
    "note": {`}, ChangeFieldAdded, "新增分节「补充信息」（含 2 个字段）"},
		{"field deleted", engine.KindForm, diffForm, []string{`"note": {"type": "string", "x-widget": "textarea", "x-order": 6, "x-label": {"zh": "备注", "en": "Note"}},`, ``},
			ChangeFieldRemoved, "删除字段「备注」"},
		{"range", engine.KindForm, diffForm, []string{`"maximum": 120`, `"maximum": 100`},
			ChangeFieldRange, "字段「年龄」的取值范围由 0–120 改为 0–100"},
		{"range opened", engine.KindForm, diffForm, []string{`"minimum": 0, "maximum": 120, `, ``},
			ChangeFieldRange, "字段「年龄」的取值范围由 0–120 改为不限"},
		{"length", engine.KindForm, diffForm, []string{`"maxLength": 20`, `"minLength": 2, "maxLength": 30`},
			ChangeFieldLength, "字段「姓名」的长度限制由不超过 20 字改为 2–30 字"},
		{"choice deleted", engine.KindForm, diffForm, []string{`, {"value": "other", "label": {"zh": "其他", "en": "Other"}}`, ``},
			ChangeChoiceRemoved, "字段「性别」的选项「其他」已删除"},
		{"choice added", engine.KindForm, diffForm, []string{`{"value": "other"`, `{"value": "unknown", "label": {"zh": "不详"}}, {"value": "other"`},
			ChangeChoiceAdded, "字段「性别」新增选项「不详」"},
		{"choice renamed", engine.KindForm, diffForm, []string{`"label": {"zh": "其他", "en": "Other"}`, `"label": {"zh": "其他情况", "en": "Other"}`},
			ChangeChoiceLabel, "字段「性别」的选项「其他」改名为「其他情况」"},
		{"choices reordered", engine.KindForm, diffForm, []string{`{"value": "male", "label": {"zh": "男", "en": "Male"}}, {"value": "female", "label": {"zh": "女", "en": "Female"}}`,
			`{"value": "female", "label": {"zh": "女", "en": "Female"}}, {"value": "male", "label": {"zh": "男", "en": "Male"}}`},
			ChangeChoiceOrder, "字段「性别」的选项顺序已调整"},
		{"show-when changed", engine.KindForm, diffForm, []string{`"x-relevant": "sex == 'female'"`, `"x-relevant": "sex == 'female' && age >= 15"`},
			ChangeFieldRelevant, "字段「是否怀孕」的显示条件改为：「性别」等于「女」且「年龄」大于等于 15"},
		{"show-when by hand", engine.KindForm, diffForm, []string{`"x-relevant": "sex == 'female'"`, `"x-relevant": "sex in ['female', 'other']"`},
			ChangeFieldRelevant, "字段「是否怀孕」的显示条件改为：表达式 sex in ['female', 'other']"},
		{"show-when added", engine.KindForm, diffForm, []string{`"x-label": {"zh": "备注", "en": "Note"}`, `"x-label": {"zh": "备注", "en": "Note"}, "x-relevant": "age > 18"`},
			ChangeFieldRelevant, "字段「备注」新增显示条件：「年龄」大于 18"},
		{"show-when removed", engine.KindForm, diffForm, []string{`, "x-relevant": "sex == 'female'"`, ``},
			ChangeFieldRelevant, "字段「是否怀孕」的显示条件已取消"},
		{"required-when", engine.KindForm, diffForm, []string{`"x-label": {"zh": "备注", "en": "Note"}`, `"x-label": {"zh": "备注", "en": "Note"}, "x-required-if": "pregnant == true"`},
			ChangeFieldRequiredIf, "字段「备注」新增必填条件：「是否怀孕」等于“是”"},
		{"renamed", engine.KindForm, diffForm, []string{`{"zh": "备注", "en": "Note"}`, `{"zh": "其他说明", "en": "Note"}`},
			ChangeFieldLabel, "字段「备注」改名为「其他说明」"},
		{"english label", engine.KindForm, diffForm, []string{`{"zh": "备注", "en": "Note"}`, `{"zh": "备注", "en": "Remarks"}`},
			ChangeFieldLabelEN, "字段「备注」的英文标题由 “Note” 改为 “Remarks”"},
		{"type", engine.KindForm, diffForm, []string{`"x-widget": "textarea", `, ``},
			ChangeFieldType, "字段「备注」的类型由「多行文本」改为「单行文本」"},
		{"calculation", engine.KindForm, diffForm, []string{`addMonths(birthDate, 3)`, `addMonths(birthDate, 6)`},
			ChangeFieldCalculate, "字段「下次核查日期」的计算改为：「出生日期」加 6 个月"},
		{"hint", engine.KindForm, diffForm, []string{`{"zh": "出生日期", "en": "Date of birth"}`, `{"zh": "出生日期", "en": "Date of birth"}, "x-hint": {"zh": "按户口簿填写"}`},
			ChangeFieldHint, "字段「出生日期」的提示改为 “按户口簿填写”"},
		{"personal data", engine.KindForm, diffForm, []string{`, "x-pii": "name"`, ``},
			ChangeFieldPII, "字段「姓名」不再标为个人信息"},
		{"check", engine.KindForm, diffForm, []string{`"maximum": 120, `, `"maximum": 120, "x-constraint": "age >= 15", "x-constraint-message": {"zh": "须年满 15 周岁"}, `},
			ChangeFieldConstraint, "字段「年龄」新增校验规则：“须年满 15 周岁”"},
		{"default", engine.KindForm, diffForm, []string{`"x-widget": "radio", `, `"x-widget": "radio", "default": "female", `},
			ChangeFieldDefault, "字段「性别」的默认值由 （无） 改为 「女」"},
		{"moved", engine.KindForm, diffForm, []string{`"members": {"type": "integer", "minimum": 1, "x-order": 1, "x-label": {"zh": "家庭人数", "en": "Members"}}`,
			`"note": {"type": "string", "x-widget": "textarea", "x-order": 1, "x-label": {"zh": "备注", "en": "Note"}},
        "members": {"type": "integer", "minimum": 1, "x-order": 2, "x-label": {"zh": "家庭人数", "en": "Members"}}`,
			`"note": {"type": "string", "x-widget": "textarea", "x-order": 6, "x-label": {"zh": "备注", "en": "Note"}},`, ``},
			ChangeFieldMoved, "字段「备注」移入「家庭情况」"},
		{"key renamed", engine.KindForm, diffForm, []string{`"note": {`, `"remark": {`},
			ChangeFieldKey, "字段「备注」的字段代码由 note 改为 remark"},
		{"order", engine.KindForm, diffForm, []string{`"x-order": 1, "x-pii"`, `"x-order": 10, "x-pii"`},
			ChangeFormOrder, "字段顺序已调整"},
		{"form title", engine.KindForm, diffForm, []string{`{"zh": "接种核查", "en": "Immunization check"}`, `{"zh": "流动儿童接种核查", "en": "Immunization check"}`},
			ChangeFormTitle, "表单名称由「接种核查」改为「流动儿童接种核查」"},
		{"unknown field key", engine.KindForm, diffForm, []string{`"x-widget": "textarea", `, `"x-widget": "textarea", "pattern": "^[a-z]+$", `},
			ChangeOtherAdded, "字段「备注」的新增设置「pattern」：“^[a-z]+$”"},
		{"a title beside the label", engine.KindForm, diffForm, []string{`"x-label": {"zh": "备注", "en": "Note"}`, `"title": "说明", "x-label": {"zh": "备注", "en": "Note"}`},
			ChangeOtherAdded, "字段「备注」的新增设置「title」：“说明”"},
		{"layout only", engine.KindForm, diffForm, []string{`"type": "object",`, `"type":    "object",`},
			ChangeFormatOnly, "只改动了注释、排版或书写方式，内容没有变化"},
		{"unreadable", engine.KindForm, diffForm, []string{`"type": "object",`, `"type": "object",,`},
			ChangeUnreadable, "其中一个版本无法读取（文件格式有误），只能查看两个版本的源文件逐行比较"},

		// Workflows.
		{"due", engine.KindWorkflow, diffWorkflow, []string{"due: P2D", "due: P3D"},
			ChangeStateDue, "「退回补正」时限由 2 天改为 3 天"},
		{"due in hours", engine.KindWorkflow, diffWorkflow, []string{"due: PT48H", "due: PT72H"},
			ChangeStateDue, "「乡镇审核」时限由 48 小时改为 72 小时"},
		{"step added", engine.KindWorkflow, diffWorkflow, []string{"  approved:\n", "  district_review:\n    title: {zh: 区县审核}\n    step: {role: reviewer, level: district}\n    actions:\n      approve: approved\n  approved:\n"},
			ChangeStateAdded, "新增审核步骤「区县审核」"},
		{"step deleted", engine.KindWorkflow, diffWorkflow, []string{"approve: township_review", "approve: approved",
			"  township_review:\n    title: {zh: 乡镇审核, en: Township review}\n    step: {role: reviewer, level: township}\n    due: PT48H\n    remind: {every: P1D, times: 2}\n    actions:\n      approve: approved\n      return: {to: correction}\n", ""},
			ChangeStateRemoved, "删除审核步骤「乡镇审核」"},
		{"step renamed", engine.KindWorkflow, diffWorkflow, []string{"{zh: 乡镇审核, en: Township review}", "{zh: 乡镇街道审核, en: Township review}"},
			ChangeStateTitle, "审核步骤「乡镇审核」改名为「乡镇街道审核」"},
		{"who acts", engine.KindWorkflow, diffWorkflow, []string{"{role: reviewer, level: township}", "{role: [reviewer, supervisor], level: district}"},
			ChangeStateStep, "「乡镇审核」的办理人由乡镇街道审核员改为区县审核员、督导员"},
		{"reminders", engine.KindWorkflow, diffWorkflow, []string{"remind: {every: P1D, times: 2}", "remind: {every: P2D, times: 3}"},
			ChangeStateRemind, "「乡镇审核」的催办提醒由每 1 天提醒一次，最多 2 次改为每 2 天提醒一次，最多 3 次"},
		{"escalation", engine.KindWorkflow, diffWorkflow, []string{"remind: {every: P1D, times: 2}", "remind: {every: P1D, times: 2}\n    escalate: {to: level_above}"},
			ChangeStateEscalate, "「乡镇审核」的逾期处理由不处理改为交上一级办理"},
		{"action target", engine.KindWorkflow, diffWorkflow, []string{"approve: township_review", "approve: approved"},
			ChangeActionTarget, "「村级审核」的「通过」改为转到「已通过」（原为「乡镇审核」）"},
		{"action added", engine.KindWorkflow, diffWorkflow, []string{"      approve: approved\n      return: {to: correction}\n", "      approve: approved\n      return: {to: correction}\n      reject: {to: approved, reason: required}\n"},
			ChangeActionAdded, "「乡镇审核」新增操作「不予采用」，转到「已通过」"},
		{"action removed", engine.KindWorkflow, diffWorkflow, []string{"      approve: township_review\n      return: {to: correction}\n", "      approve: township_review\n"},
			ChangeActionRemoved, "「村级审核」删除操作「退回补正」"},
		{"reason required", engine.KindWorkflow, diffWorkflow, []string{"      approve: township_review\n      return: {to: correction}\n", "      approve: township_review\n      return: {to: correction, reason: required}\n"},
			ChangeActionReason, "「村级审核」的「退回补正」改为必须填写理由"},
		{"guard", engine.KindWorkflow, diffWorkflow, []string{"approve: township_review", "approve: {to: township_review, guard: \"answers.age > 0\"}"},
			ChangeActionGuard, "「村级审核」的「通过」新增前提条件：表达式 answers.age > 0"},
		{"routes", engine.KindWorkflow, diffWorkflow, []string{"approve: township_review", "approve:\n        routes:\n          - {when: \"answers.age < 18\", to: approved}\n          - {to: township_review}"},
			ChangeActionRoutes, "「村级审核」的「通过」新增分流规则：表达式 answers.age < 18 时转到「已通过」；其余转到「乡镇审核」"},
		{"start", engine.KindWorkflow, diffWorkflow, []string{"start: village_review", "start: township_review"},
			ChangeWorkflowStart, "提交后的第一步由「村级审核」改为「乡镇审核」"},
		{"workflow title", engine.KindWorkflow, diffWorkflow, []string{"{zh: 村乡两级审核, en: Two-level review}", "村乡两级审核流程"},
			ChangeWorkflowTitle, "审核流程名称由「村乡两级审核」改为「村乡两级审核流程」"},
		{"unknown workflow key", engine.KindWorkflow, diffWorkflow, []string{"    due: P2D\n", "    due: P2D\n    colour: red\n"},
			ChangeOtherAdded, "「退回补正」的新增设置「colour」：“red”"},

		// Pay tables.
		{"amount", engine.KindPayTable, diffPayTable, []string{"amount: 5000", "amount: 6000"},
			ChangeItemAmount, "劳务项目「入户调查劳务补助」金额由 50.00 元改为 60.00 元"},
		{"amount formula", engine.KindPayTable, diffPayTable, []string{"amount_expr: fen(50) * count", "amount: 8000"},
			ChangeItemAmount, "劳务项目「指导员补助」由金额按公式 fen(50) * count改为每天 80.00 元"},
		{"item added", engine.KindPayTable, diffPayTable, []string{"caps:", "  - key: bonus\n    label: {zh: 抽查无问题奖励}\n    on: qc.pass\n    pays: creator\n    role: field_worker\n    amount: 5000\ncaps:"},
			ChangeItemAdded, "新增劳务项目「抽查无问题奖励」（每条 50.00 元）"},
		{"item deleted", engine.KindPayTable, diffPayTable, []string{"  - key: supervisor_day\n    label: {zh: 指导员补助, en: Supervisor day}\n    on: attendance.day\n    pays: actor\n    role: supervisor\n    amount_expr: fen(50) * count\n", ""},
			ChangeItemRemoved, "删除劳务项目「指导员补助」"},
		{"item renamed", engine.KindPayTable, diffPayTable, []string{"{zh: 指导员补助, en: Supervisor day}", "{zh: 督导员补助, en: Supervisor day}"},
			ChangeItemLabel, "劳务项目「指导员补助」改名为「督导员补助」"},
		{"paying event", engine.KindPayTable, diffPayTable, []string{"on: record.accepted", "on: record.entered"},
			ChangeItemEvent, "劳务项目「入户调查劳务补助」的计酬事件由「记录通过」改为「已录入」"},
		{"payee", engine.KindPayTable, diffPayTable, []string{"pays: creator", "pays: actor"},
			ChangeItemPayee, "劳务项目「入户调查劳务补助」的支付对象由「填报人」改为「办理人」"},
		{"withheld", engine.KindPayTable, diffPayTable, []string{"    withheld_on: qc.problem\n", ""},
			ChangeItemWithheld, "劳务项目「入户调查劳务补助」不再因抽查发现问题扣发"},
		{"pay condition", engine.KindPayTable, diffPayTable, []string{"    amount: 5000\n", "    when: qc != \"problem\"\n    amount: 5000\n"},
			ChangeItemWhen, "劳务项目「入户调查劳务补助」新增计酬条件：表达式 qc != \"problem\""},
		{"effective", engine.KindPayTable, diffPayTable, []string{"effective_from: 2026-11-01", "effective_from: 2026-12-01"},
			ChangePayEffective, "生效日期由 2026年11月1日 改为 2026年12月1日"},
		{"pay period", engine.KindPayTable, diffPayTable, []string{"period: month\nitems", "period: quarter\nitems"},
			ChangePayPeriod, "结算周期由按月改为按季度"},
		{"cap", engine.KindPayTable, diffPayTable, []string{"max: 300000", "max: 250000"},
			ChangeCapMax, "调查员每人每月上限由 3000.00 元改为 2500.00 元"},
		{"pay title", engine.KindPayTable, diffPayTable, []string{"{zh: 接种核查劳务补助, en: Immunization check pay}", "{zh: 接种核查补助, en: Immunization check pay}"},
			ChangePayTitle, "劳务报酬表名称由「接种核查劳务补助」改为「接种核查补助」"},

		// Campaigns.
		{"qc share", engine.KindCampaign, diffCampaign, []string{"share: 0.05", "share: 0.1"},
			ChangeQCShare, "抽查比例由 5% 改为 10%"},
		{"qc minimum", engine.KindCampaign, diffCampaign, []string{"min: 1", "min: 2"},
			ChangeQCMin, "每人至少抽查数由 1 改为 2"},
		{"closes", engine.KindCampaign, diffCampaign, []string{"closes: 2026-12-17", "closes: 2026-12-31"},
			ChangeCampaignCloses, "截止日期由 2026年12月17日 改为 2026年12月31日"},
		{"opens", engine.KindCampaign, diffCampaign, []string{"opens: 2026-11-25", "opens: 2026-11-20"},
			ChangeCampaignOpens, "开始日期由 2026年11月25日 改为 2026年11月20日"},
		{"reference time", engine.KindCampaign, diffCampaign, []string{"reference_time: 2026-12-06", "reference_time: 2026-12-06T09:30:00+08:00"},
			ChangeCampaignRefTime, "标准时点由 2026年12月6日 改为 2026年12月6日 09:30"},
		{"scope", engine.KindCampaign, diffCampaign, []string{`org_scope: "341299"`, `org_scope: "341299001"`},
			ChangeCampaignScope, "范围由「清河区」改为「东岗镇」"},
		{"campaign title", engine.KindCampaign, diffCampaign, []string{"{zh: 流动儿童接种核查, en: Migrant-child immunization check}", "{zh: 流动儿童接种情况核查, en: Migrant-child immunization check}"},
			ChangeCampaignTitle, "工作项目名称由「流动儿童接种核查」改为「流动儿童接种情况核查」"},
		{"form added", engine.KindCampaign, diffCampaign, []string{"forms: [vacc-check]", "forms: [vacc-check, vacc-extra]"},
			ChangeCampaignForms, "新增表单「补充调查表」"},
		{"workflow", engine.KindCampaign, diffCampaign, []string{"workflow: vacc-review", "workflow: vacc-review-2"},
			ChangeCampaignWorkflow, "审核流程由「vacc-review」改为「三级审核」"},
		{"campaign period", engine.KindCampaign, diffCampaign, []string{"period: month", "period: quarter"},
			ChangeCampaignPeriod, "统计周期由按月改为按季度"},
		{"budget input", engine.KindCampaign, diffCampaign, []string{"sample: 300", "sample: 320"},
			ChangeBudgetInput, "预算参数「sample」由 300 改为 320"},
		{"budget line", engine.KindCampaign, diffCampaign, []string{"amount: fen(60) * sample", "amount: fen(80) * sample"},
			ChangeBudgetLine, "预算项目「入户慰问品」的金额公式由 fen(60) * sample 改为 fen(80) * sample"},
		{"indicator deleted", engine.KindCampaign, diffCampaign, []string{"indicators:", "retired:"},
			ChangePartRemoved, "删除指标「接种率」"},
		{"indicator target", engine.KindCampaign, diffCampaign, []string{"target: 90", "target: 95"},
			ChangeIndicatorTarget, "指标「接种率」的目标值由 90 改为 95"},
		{"indicator renamed", engine.KindCampaign, diffCampaign, []string{"{zh: 接种率, en: Coverage}", "{zh: 及时接种率, en: Coverage}"},
			ChangePartTitle, "指标「接种率」改名为「及时接种率」"},
		{"indicator changed", engine.KindCampaign, diffCampaign, []string{"factor: 100", "factor: 1000"},
			ChangeOtherChanged, "指标「接种率」的设置「factor」由 100 改为 1000"},
		{"unknown campaign key", engine.KindCampaign, diffCampaign, []string{"period: month\n", "period: month\nphases: [one]\n"},
			ChangeOtherAdded, "工作项目的新增设置「phases」：[\"one\"]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newer := edit(t, tt.base, tt.edits...)
			got := Diff(tt.kind, []byte(tt.base), []byte(newer), names)
			for _, c := range got {
				if c.Kind == tt.wantKind && c.ZH == tt.wantZH {
					if c.EN == "" {
						t.Errorf("%s has no English sentence", c.Kind)
					}
					return
				}
			}
			t.Errorf("no %s %q in:\n%s", tt.wantKind, tt.wantZH, changesText(got))
		})
	}
}

func changesText(cs []Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString("  " + c.Kind + " " + c.Path + ": " + c.ZH + " | " + c.EN + "\n")
	}
	return b.String()
}

// Every sentence a single edit makes names what changed, and an edit
// makes no sentence about what it did not touch.
func TestDiffOnlyWhatChanged(t *testing.T) {
	newer := edit(t, diffWorkflow, "due: P2D", "due: P3D")
	got := Diff(engine.KindWorkflow, []byte(diffWorkflow), []byte(newer), DiffNames{})
	if len(got) != 1 {
		t.Fatalf("got %d changes, want 1:\n%s", len(got), changesText(got))
	}
	if got[0].Path != "/states/correction/due" || got[0].EN != `Step "Back for correction": time limit changed from 2 days to 3 days` {
		t.Errorf("got %+v", got[0])
	}
}

// A key renamed, with the rule that reads it, is one change: the same
// field, the same condition.
func TestDiffKeyRenamed(t *testing.T) {
	newer := edit(t, diffForm, `"sex": {`, `"gender": {`, `"x-relevant": "sex == 'female'"`, `"x-relevant": "gender == 'female'"`)
	got := Diff(engine.KindForm, []byte(diffForm), []byte(newer), DiffNames{})
	if len(got) != 1 || got[0].Kind != ChangeFieldKey || got[0].ZH != "字段「性别」的字段代码由 sex 改为 gender" {
		t.Errorf("got\n%s", changesText(got))
	}
}

// Each example compared with itself — decoded twice, not short-cut by
// equal bytes — has no changes, and so has each example form against the
// studio's own rewrite of it.
func TestDiffExamplesAgainstThemselves(t *testing.T) {
	for _, c := range examples.Campaigns() {
		for _, f := range c.Files {
			t.Run(f.Path, func(t *testing.T) {
				src, err := examples.ReadFile(f.Path)
				if err != nil {
					t.Fatal(err)
				}
				got, ok := compare(f.Kind, src, append([]byte(nil), src...), DiffNames{})
				if !ok {
					t.Fatal("the example does not decode")
				}
				if len(got) != 0 {
					t.Errorf("changes against itself:\n%s", changesText(got))
				}
				if f.Kind != engine.KindForm {
					return
				}
				doc, err := OpenForm(src)
				if err != nil {
					t.Fatal(err)
				}
				if got := Diff(f.Kind, src, doc.Bytes(), DiffNames{}); len(got) > 1 || len(got) == 1 && got[0].Kind != ChangeFormatOnly {
					t.Errorf("changes against the studio's rewrite:\n%s", changesText(got))
				}
			})
		}
	}
}

// A change no describer knows still gets a sentence naming its path.
func TestDiffNeverSilent(t *testing.T) {
	for _, kind := range []string{engine.KindWorkflow, engine.KindPayTable, engine.KindCampaign} {
		base := map[string]string{engine.KindWorkflow: diffWorkflow, engine.KindPayTable: diffPayTable, engine.KindCampaign: diffCampaign}[kind]
		newer := base + "extra:\n  nested: {deep: 1}\n"
		got := Diff(kind, []byte(base), []byte(newer), DiffNames{})
		if len(got) != 1 || got[0].Kind != ChangeOtherAdded || got[0].Path != "/extra" || !strings.Contains(got[0].ZH, "「extra」") {
			t.Errorf("%s: got\n%s", kind, changesText(got))
		}
	}
}

// Files of odd shapes — drafts may be anything — never stop the diff,
// and a difference in them is still said.
func TestDiffOddShapes(t *testing.T) {
	for _, tc := range []struct{ kind, older, newer string }{
		{engine.KindWorkflow, "states: [a, b]\n", "states: [a, c]\n"},
		{engine.KindWorkflow, "states:\n  a: final\n", "states:\n  a: {actions: approve}\n"},
		{engine.KindWorkflow, "states:\n  a: {due: {x: 1}, actions: [approve]}\n", "states:\n  a: {due: {x: 2}, actions: [return]}\n"},
		{engine.KindPayTable, "items: [1, x, {label: 3}]\n", "items: [1, y, {label: 4}]\n"},
		{engine.KindPayTable, "items: {a: 1}\ncaps: 5\n", "items: {a: 2}\ncaps: 6\n"},
		{engine.KindCampaign, "qc: 5\nbudget: [1]\n", "qc: 6\nbudget: [2]\n"},
		{engine.KindCampaign, "budget: {inputs: [1], lines: {a: 1}}\nindicators: {a: 1}\n", "budget: {inputs: [2], lines: {a: 2}}\nindicators: {a: 2}\n"},
		{engine.KindCampaign, "closes: {a: 1}\nforms: {a: 1}\n", "closes: {a: 2}\nforms: {a: 2}\n"},
		{engine.KindForm, `{"properties": {"a": 1, "b": {"x-choices": [1, {"value": {}}]}}}`, `{"properties": {"a": 2, "b": {"x-choices": [2, {"value": []}]}}}`},
		{engine.KindForm, `{"properties": []}`, `{"properties": {}}`},
	} {
		got := Diff(tc.kind, []byte(tc.older), []byte(tc.newer), DiffNames{})
		if len(got) == 0 || got[0].Kind == ChangeFormatOnly || got[0].Kind == ChangeUnreadable {
			t.Errorf("%s %q → %q: got\n%s", tc.kind, tc.older, tc.newer, changesText(got))
		}
	}
}
