package server

import (
	"slices"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/studio"
)

// usesWorkflow is household-review with a routing rule on the monthly
// income and a guard on the village, a field inside the address section.
const usesWorkflow = `id: household-review
title: {zh: 入户走访审核, en: Household visit review}
start: township_review
states:
  township_review:
    title: {zh: 乡镇审核, en: Township review}
    step: {role: reviewer, level: township}
    due: P3D
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
    title: {zh: 退回修改, en: Returned for correction}
    step: {role: field_worker, level: village}
    due: P5D
    actions:
      submit: township_review
  approved: {title: {zh: 已通过, en: Approved}, final: true}
  rejected: {title: {zh: 不予采用, en: Rejected}, final: true}
`

const usesCampaign = `id: uses-camp
title: {zh: 引用测试, en: Uses test}
forms: [household-visit]
workflow: household-review
org_scope: "370102"
reference_time: 2026-12-06T00:00:00+08:00
opens: 2026-12-01
closes: 2026-12-31
`

// TestStudioFormDeleteUsedByWorkflow: the form designer refuses to delete
// a field the campaign's workflow reads — a routing rule, a guard on a
// field inside a section, the section itself — force or not, naming the
// review step and the action in Chinese (or English) and the tab where to
// change it; nothing is saved. A field nothing reads is deleted.
func TestStudioFormDeleteUsedByWorkflow(t *testing.T) {
	w := newScopeWorld(t)
	w.publishSource(w.owner, engine.KindWorkflow, householdWorkflow, "household-review.workflow.yaml", []byte(usesWorkflow))
	w.publishSource(w.owner, engine.KindCampaign, "uses-camp", "uses-camp.campaign.yaml", []byte(usesCampaign))
	api := "/api/v1/studio/forms/" + householdForm
	token := w.tokens[w.owner.Username]
	base := func(t *testing.T) designerBase {
		t.Helper()
		res := w.do(req{method: "GET", target: api, header: bearer(token)})
		check(t, res, 200, "")
		var st designerState
		res.decode(t, &st)
		return st.Base
	}
	for _, sc := range []struct {
		name     string
		pointer  string
		force    bool
		lang     string
		status   int
		fields   []string // pointer:code
		contains string
	}{
		{name: "a field a routing rule reads", pointer: "/properties/monthlyIncome", status: 422,
			fields:   []string{"/workflow/states/township_review/actions/approve/routes/0/when:" + studio.CodeReferencedElsewhere},
			contains: "审核步骤“乡镇审核”中“通过”的第 1 条分流规则用到了“月收入（元）”，请先到“审核流程”中修改或删除它，再删除这个字段"},
		{name: "force does not override it", pointer: "/properties/monthlyIncome", force: true, status: 422,
			fields: []string{"/workflow/states/township_review/actions/approve/routes/0/when:" + studio.CodeReferencedElsewhere}},
		{name: "a field in a section a guard reads", pointer: "/properties/address/properties/village", status: 422,
			fields:   []string{"/workflow/states/township_review/actions/reject/guard:" + studio.CodeReferencedElsewhere},
			contains: "审核步骤“乡镇审核”中“不予采用”的前提条件用到了“村（社区）”"},
		{name: "the section holding it", pointer: "/properties/address", status: 422,
			fields: []string{"/workflow/states/township_review/actions/reject/guard:" + studio.CodeReferencedElsewhere}},
		{name: "in English", pointer: "/properties/monthlyIncome", lang: "en", status: 422,
			contains: "routing rule 1 of “approve” at review step “Township review” uses “月收入（元）”; change or remove it under Review flow first, then delete the field"},
		{name: "a field nothing reads is deleted", pointer: "/properties/note", status: 200},
	} {
		t.Run(sc.name, func(t *testing.T) {
			before := base(t)
			target := api
			if sc.lang != "" {
				target += "?lang=" + sc.lang
			}
			res := w.do(req{method: "POST", target: target, header: bearer(token),
				json: map[string]any{"base": before, "campaign": "uses-camp", "op": "delete", "pointer": sc.pointer, "force": sc.force}})
			code := ""
			if sc.status == 422 {
				code = engine.EINVALID
			}
			check(t, res, sc.status, code)
			if sc.fields != nil {
				if got := fieldPointers(t, res); !slices.Equal(got, sc.fields) {
					t.Errorf("fields: got %v, want %v", got, sc.fields)
				}
			}
			if sc.contains != "" && !strings.Contains(res.body, sc.contains) {
				t.Errorf("the refusal lacks %q: %s", sc.contains, res.body)
			}
			if after := base(t); (after == before) != (sc.status == 422) {
				t.Errorf("base %v → %v after a %d", before, after, sc.status)
			}
		})
	}
}
