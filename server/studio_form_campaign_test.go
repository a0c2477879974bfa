package server

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"canvass/engine"
	"canvass/engine/studio"
)

const designerPay = `id: designer-pay
title: {zh: 入户走访劳务费, en: Visit pay}
effective_from: 2026-12-01
period: month
items:
  - key: visit_rent
    label: {zh: 租户走访补助, en: Renter visit}
    on: record.accepted
    form: household-visit
    pays: creator
    role: field_worker
    when: "answers.housing == 'rent'"
    amount: 100
`

const designerCampaign = `id: designer-camp
title: {zh: 设计器测试, en: Designer test}
forms: [household-visit]
workflow: household-review
paytable: designer-pay
org_scope: "370102"
reference_time: 2026-12-06T00:00:00+08:00
opens: 2026-12-01
closes: 2026-12-31
indicators:
  - id: big_households
    title: {zh: 大户占比, en: Share of large households}
    numerator: count(form == "household-visit" && answers.householdSize >= 5)
    denominator: count(form == "household-visit")
    factor: 100
`

// TestStudioFormCampaign edits the household form of a campaign through
// the designer API: org-tree lists from the campaign's scope, moving into
// and out of a section, repeat rows, defaults, and deletes that the
// campaign's indicators and pay items refuse, by name.
func TestStudioFormCampaign(t *testing.T) {
	w := newScopeWorld(t)
	w.publishSource(w.owner, engine.KindPayTable, "designer-pay", "designer-pay.paytable.yaml", []byte(designerPay))
	w.publishSource(w.owner, engine.KindCampaign, "designer-camp", "designer-camp.campaign.yaml", []byte(designerCampaign))
	api := "/api/v1/studio/forms/" + householdForm
	token := w.tokens[w.owner.Username]
	state := func(t *testing.T) designerState {
		t.Helper()
		res := w.do(req{method: "GET", target: api, header: bearer(token)})
		check(t, res, 200, "")
		var st designerState
		res.decode(t, &st)
		return st
	}
	label := func(zh string) map[string]any { return map[string]any{"zh": zh} }
	type step struct {
		name   string
		op     map[string]any
		status int
		fields []string // pointer:code of a 422
		check  func(t *testing.T, st designerState)
	}
	find := func(fs []studio.Field, key string) (studio.Field, string, bool) {
		var walk func(fs []studio.Field, parent string) (studio.Field, string, bool)
		walk = func(fs []studio.Field, parent string) (studio.Field, string, bool) {
			for _, f := range fs {
				if f.Key == key {
					return f, parent, true
				}
				if g, p, ok := walk(f.Children, f.Key); ok {
					return g, p, ok
				}
			}
			return studio.Field{}, "", false
		}
		return walk(fs, "")
	}
	steps := []step{
		{name: "township then village from the campaign's org tree", op: map[string]any{"op": "addOrg", "levels": []string{"township", "village"},
			"spec": map[string]any{"type": "admin-code", "label": label("居住村居")}}, status: 200,
			check: func(t *testing.T, st designerState) {
				if st.Spec == nil || st.Spec.OrgLevel != engine.LevelVillage || st.Spec.OrgParent != "township2" {
					t.Fatalf("selected spec: %+v", st.Spec)
				}
				// The fixture's scope holds one township with one village.
				if got := len(st.Spec.Choices); got != 1 || st.Spec.Choices[0].Value != grandUnit {
					t.Errorf("village choices: %+v", st.Spec.Choices)
				}
				if f, _, ok := find(st.Outline, "township2"); !ok || f.Type != studio.TypeAdminCode {
					t.Errorf("no township list in %+v", st.Outline)
				}
			}},
		{name: "levels bottom up are refused", op: map[string]any{"op": "addOrg", "levels": []string{"village", "township"},
			"spec": map[string]any{"type": "admin-code", "label": label("村")}}, status: 422, fields: []string{"/levels/1:" + studio.CodeBadOrgLevel}},
		{name: "a level the scope lacks is refused", op: map[string]any{"op": "addOrg", "levels": []string{"group"},
			"spec": map[string]any{"type": "admin-code", "label": label("小组")}}, status: 422, fields: []string{"/levels/0:" + studio.CodeNoOrgUnits}},
		{name: "a repeat group with min above max rows is refused", op: map[string]any{"op": "addRepeat",
			"spec": map[string]any{"type": "repeat", "key": "members", "label": label("家庭成员"), "minRows": 3, "maxRows": 1}},
			status: 422, fields: []string{"/properties/members/minItems:" + studio.CodeMinAboveMax}},
		{name: "a repeat group of 1 to 8 rows", op: map[string]any{"op": "addRepeat",
			"spec": map[string]any{"type": "repeat", "key": "members", "label": label("家庭成员"), "minRows": 1, "maxRows": 8}},
			status: 200, check: func(t *testing.T, st designerState) {
				if st.Spec == nil || st.Spec.MinRows == nil || *st.Spec.MinRows != 1 || *st.Spec.MaxRows != 8 {
					t.Errorf("rows: %+v", st.Spec)
				}
			}},
		{name: "move the visit date into the address section", op: map[string]any{"op": "move", "pointer": "/properties/visitDate", "parent": "/properties/address", "index": -1},
			status: 200, check: func(t *testing.T, st designerState) {
				if _, parent, ok := find(st.Outline, "visitDate"); !ok || parent != "address" || st.Selected != "/properties/address/properties/visitDate" {
					t.Errorf("visitDate: in %q, selected %q", parent, st.Selected)
				}
			}},
		{name: "and out to the top again", op: map[string]any{"op": "move", "pointer": "/properties/address/properties/visitDate", "parent": "", "index": 0},
			status: 200, check: func(t *testing.T, st designerState) {
				if st.Outline[0].Key != "visitDate" {
					t.Errorf("first field %q", st.Outline[0].Key)
				}
			}},
		{name: "a default outside the choices is refused", op: map[string]any{"op": "update", "pointer": "/properties/housing",
			"spec": map[string]any{"type": "radio", "label": label("住房"), "choicesText": "自有住房\n租房", "default": "hotel"}},
			status: 422, fields: []string{"/properties/housing/default:" + studio.CodeBadDefault}},
		{name: "a default among them, with an English hint", op: map[string]any{"op": "update", "pointer": "/properties/housing",
			"spec": map[string]any{"type": "radio", "label": label("住房"), "hint": map[string]any{"zh": "选一项", "en": "Pick one"}, "choicesText": "自有住房\n租房", "default": "own"}},
			status: 200, check: func(t *testing.T, st designerState) {
				if st.Spec.Default != "own" || st.Spec.Hint.EN != "Pick one" {
					t.Errorf("spec: default %v, hint %+v", st.Spec.Default, st.Spec.Hint)
				}
			}},
		{name: "a date question given the ready-made birth date from the ID becomes calculated", op: map[string]any{"op": "update", "pointer": "/properties/visitDate",
			"spec":        map[string]any{"type": "date", "label": label("出生日期"), "required": true, "minDate": "2026-01-01"},
			"calculation": map[string]any{"kind": "birthDate", "field": "respondentId"}},
			status: 200, check: func(t *testing.T, st designerState) {
				if st.Spec.Type != studio.TypeCalculated || st.Spec.Calculate != "idBirthDate(respondentId)" || st.Spec.ValueType != studio.TypeDate ||
					st.Calculation == nil || st.Calculation.Kind != studio.CalcBirthDate {
					t.Errorf("spec %+v, builder %+v", st.Spec, st.Calculation)
				}
			}},
		{name: "and a date three months after it, ready-made", op: map[string]any{"op": "add",
			"spec":        map[string]any{"type": "date", "key": "nextCheck", "label": label("下次核查日期")},
			"calculation": map[string]any{"kind": "datePlusMonths", "field": "visitDate", "n": 3}},
			status: 200, check: func(t *testing.T, st designerState) {
				if st.Spec.Calculate != "addMonths(visitDate, 3)" || st.Spec.ValueType != studio.TypeDate {
					t.Errorf("spec %+v", st.Spec)
				}
			}},
		{name: "deleting a field an indicator reads names the indicator, force or not", op: map[string]any{"op": "delete", "pointer": "/properties/householdSize", "force": true},
			status: 422, fields: []string{"/campaign/indicators/big_households:" + studio.CodeReferencedElsewhere}},
		{name: "deleting a field a pay item reads names the item", op: map[string]any{"op": "delete", "pointer": "/properties/housing"},
			status: 422, fields: []string{"/paytable/items/visit_rent:" + studio.CodeReferencedElsewhere}},
		{name: "a choice filter on a field that is not there is refused", op: map[string]any{"op": "update", "pointer": "/properties/housing",
			"spec": map[string]any{"type": "radio", "label": label("住房"), "choicesText": "自有住房\n租房", "choiceFilter": "gone == choice"}},
			status: 422},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			cur := state(t)
			body := map[string]any{"base": cur.Base, "campaign": "designer-camp"}
			for k, v := range st.op {
				body[k] = v
			}
			res := w.do(req{method: "POST", target: api, header: bearer(token), json: body})
			code := ""
			if st.status == 422 {
				code = engine.EINVALID
			}
			check(t, res, st.status, code)
			if st.fields != nil {
				if got := fieldPointers(t, res); !slices.Equal(got, st.fields) {
					t.Errorf("fields: got %v, want %v", got, st.fields)
				}
			}
			if st.status == 422 {
				if after := state(t); after.Base != cur.Base {
					t.Errorf("a refused operation saved version %v", after.Base)
				}
			}
			if st.check != nil && res.status == 200 {
				var got designerState
				res.decode(t, &got)
				st.check(t, got)
			}
		})
	}
	t.Run("the refusal names the indicator and the field in Chinese", func(t *testing.T) {
		cur := state(t)
		res := w.do(req{method: "POST", target: api, header: bearer(token),
			json: map[string]any{"base": cur.Base, "campaign": "designer-camp", "op": "delete", "pointer": "/properties/householdSize"}})
		if !strings.Contains(res.body, "指标“大户占比”用到了“") {
			t.Errorf("message: %s", res.body)
		}
	})
	t.Run("the page offers the scope's levels and the move targets", func(t *testing.T) {
		cookie := w.cookies["author-own"]
		res := w.do(req{method: "GET", target: "/studio/campaigns/designer-camp/forms/" + householdForm + "?field=%2Fproperties%2FhouseholdSize",
			cookies: map[string]string{sessionCookie: cookie[0]}})
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		for _, want := range []string{`id="add-level-township"`, `id="add-level-village"`, `id="f-move-parent"`, `<option value="/properties/address">`,
			`id="f-default"`, `id="f-hint-en"`, `data-campaign="designer-camp"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("page: want %q", want)
			}
		}
	})
}

// Two designer saves against the same base at once: one wins, the other
// is a 409 naming who saved, and the draft is the winner's.
func TestStudioFormConcurrentSaves(t *testing.T) {
	w := newScopeWorld(t)
	api := "/api/v1/studio/forms/scoped"
	token := w.tokens[w.owner.Username]
	res := w.do(req{method: "GET", target: api, header: bearer(token)})
	check(t, res, 200, "")
	var st designerState
	res.decode(t, &st)
	results := make([]result, 2)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range results {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			results[i] = w.do(req{method: "POST", target: api, header: bearer(token), json: map[string]any{
				"base": st.Base, "op": "add", "spec": map[string]any{"type": "text", "key": []string{"alpha", "beta"}[i], "label": map[string]any{"zh": "问题"}}}})
		}()
	}
	start.Done()
	done.Wait()
	statuses := []int{results[0].status, results[1].status}
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{200, 409}) {
		t.Fatalf("statuses %v, want one 200 and one 409 (%s / %s)", statuses, results[0].body, results[1].body)
	}
	for _, r := range results {
		if r.status == 409 && (!strings.Contains(r.body, `"code":"conflict"`) || !strings.Contains(r.body, "owner")) {
			t.Errorf("the conflict does not name who saved: %s", r.body)
		}
	}
}
