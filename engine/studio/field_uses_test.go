package studio

import (
	"os"
	"slices"
	"strings"
	"testing"

	"canvass/campaigns"
	"canvass/paytables"
	"canvass/workflows"
)

const usesWorkflow = `id: household-review
title: {zh: 入户走访审核, en: Household visit review}
start: township_review
states:
  township_review:
    title: {zh: 乡镇审核, en: Township review}
    step: {role: reviewer, level: township}
    due: "addDays(enteredAt, answers.housing == 'rent' ? 1 : 3)"
    actions:
      approve:
        routes:
          - {when: "answers.monthlyIncome > 5000", to: district_review}
          - {to: approved}
      return: {to: returned}
      reject:
        to: rejected
        guard: "answers.address.village != ''"
  district_review:
    title: {zh: 区县审批, en: District approval}
    step: {role: reviewer, level: district}
    due: P3D
    actions:
      approve: approved
  returned:
    title: {zh: 退回补正, en: Returned}
    step: {role: field_worker, level: village}
    actions:
      submit: township_review
  approved: {title: {zh: 已通过, en: Accepted}, final: true}
  rejected: {title: {zh: 不予采用, en: Rejected}, final: true}
`

const usesPayTable = `id: visit-pay
title: {zh: 入户走访劳务费, en: Visit pay}
effective_from: 2026-12-01
period: month
items:
  - key: visit_big
    label: {zh: 大户走访补助, en: Large household visit}
    on: record.accepted
    form: household-visit
    pays: creator
    role: field_worker
    when: "answers.householdSize >= 5"
    amount: 100
  - key: other_form
    label: {zh: 别的表单, en: Another form}
    on: record.accepted
    form: another-form
    pays: creator
    role: field_worker
    when: "answers.note != ''"
    amount: 100
`

const usesCampaign = `id: uses-camp
title: {zh: 引用测试, en: Uses test}
forms: [household-visit]
workflow: household-review
paytable: visit-pay
org_scope: "370102"
reference_time: 2026-12-06T00:00:00+08:00
opens: 2026-12-01
closes: 2026-12-31
indicators:
  - id: child_ages
    title: {zh: 学龄儿童数, en: School-age children}
    numerator: count(form == "household-visit" && answers.childAge >= 6)
    denominator: count(form == "household-visit")
    factor: 100
reports:
  - id: monthly
    title: {zh: 走访月报, en: Monthly visits}
    form: household-visit
    level: village
    period: month
    due: 5
    period_field: visitDate
`

// TestFieldUses: deleting a field names every rule outside the form that
// reads it — indicators, reports, pay items, and the workflow's guards,
// routing rules and due expressions — by title, at its pointer; a
// section's delete names what reads any field in it; a pay item of
// another form and fields nothing reads give nothing.
func TestFieldUses(t *testing.T) {
	src, err := os.ReadFile("testdata/household.form.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := OpenForm(src)
	if err != nil {
		t.Fatal(err)
	}
	c, ds := campaigns.Load("uses-camp.campaign.yaml", []byte(usesCampaign))
	if c == nil {
		t.Fatal(ds)
	}
	w, ds := workflows.Load("household-review.workflow.yaml", []byte(usesWorkflow))
	if w == nil {
		t.Fatal(ds)
	}
	pt, ds := paytables.Load("visit-pay.paytable.yaml", []byte(usesPayTable))
	if pt == nil {
		t.Fatal(ds)
	}
	readers := FieldReaders{Campaign: c, Workflow: w, PayTable: pt}
	for _, tc := range []struct {
		name string
		ptr  string
		lang string
		want map[string]string // pointer → a part of its message
	}{
		{name: "a routing rule", ptr: "/properties/monthlyIncome", want: map[string]string{
			"/workflow/states/township_review/actions/approve/routes/0/when": "审核步骤“乡镇审核”中“通过”的第 1 条分流规则用到了“月收入（元）”，请先到“审核流程”中修改或删除它，再删除这个字段"}},
		{name: "a guard reads a field of a section, by path", ptr: "/properties/address/properties/village", want: map[string]string{
			"/workflow/states/township_review/actions/reject/guard": "审核步骤“乡镇审核”中“不予采用”的前提条件用到了“村（社区）”"}},
		{name: "deleting the section names it too", ptr: "/properties/address", want: map[string]string{
			"/workflow/states/township_review/actions/reject/guard": "“村（社区）”"}},
		{name: "a due expression", ptr: "/properties/housing", want: map[string]string{
			"/workflow/states/township_review/due": "审核步骤“乡镇审核”的办理时限用到了“住房类型”"}},
		{name: "a pay item of this form", ptr: "/properties/householdSize", want: map[string]string{
			"/paytable/items/visit_big": "劳务报酬项目“大户走访补助”用到了“家庭人口数”，请先到“劳务报酬”中修改"}},
		{name: "an indicator reads a field of every row; the group's delete names it", ptr: "/properties/children", want: map[string]string{
			"/campaign/indicators/child_ages": "指标“学龄儿童数”用到了“周岁”，请先到“指标与报表”中修改"}},
		{name: "a report's period field", ptr: "/properties/visitDate", want: map[string]string{
			"/campaign/reports/monthly": "报表“走访月报”用到了“走访日期”"}},
		{name: "in English", ptr: "/properties/monthlyIncome", lang: "en", want: map[string]string{
			"/workflow/states/township_review/actions/approve/routes/0/when": "routing rule 1 of “approve” at review step “Township review” uses “月收入（元）”; change or remove it under Review flow first"}},
		{name: "a pay item of another form does not count", ptr: "/properties/note"},
		{name: "nothing reads it", ptr: "/properties/respondentName"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FieldUses(doc, tc.ptr, readers, tc.lang)
			var ptrs []string
			for _, f := range got {
				ptrs = append(ptrs, f.Pointer)
				if f.Code != CodeReferencedElsewhere {
					t.Errorf("%s: code %s", f.Pointer, f.Code)
				}
				if part, ok := tc.want[f.Pointer]; !ok {
					t.Errorf("unexpected use %s: %s", f.Pointer, f.Message)
				} else if !strings.Contains(f.Message, part) {
					t.Errorf("%s: message %q lacks %q", f.Pointer, f.Message, part)
				}
			}
			for p := range tc.want {
				if !slices.Contains(ptrs, p) {
					t.Errorf("no use at %s in %v", p, ptrs)
				}
			}
		})
	}
}

// TestAnswerPaths: the answer paths an expression reads, whatever the
// syntax, never from inside a string.
func TestAnswerPaths(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"answers.amount > 5000", []string{"amount"}},
		{"answers.household.size >= 5 && answers?.note != ''", []string{"household", "household.size", "note"}},
		{`answers["amount"] > 1`, []string{"amount"}},
		{`'answers.amount' == state`, nil},
		{"len(answers.children) > 2", []string{"children"}},
		{"answers.", nil},
	} {
		if got := workflows.AnswerPaths(tc.src); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.src, got, tc.want)
		}
	}
}
