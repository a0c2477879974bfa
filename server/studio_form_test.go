package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/studio"
)

// designerStep is one request to the form designer API. Its base is the
// form's newest version at the time of the step unless stale is set.
type designerStep struct {
	name   string
	who    string // an actor of the scope world; "" the owner
	method string // "" POST
	target string // "" the form's designer endpoint
	op     map[string]any
	stale  bool
	status int
	code   string
	fields []string // "pointer:code" of a 422
	// outline is the keys of the outline after a success, in order.
	outline []string
}

// TestStudioFormAPI edits the owner's form "scoped" (one field: name)
// through the designer API, step after step, with bad input refused by
// pointer and callers outside the owner's subtree refused.
func TestStudioFormAPI(t *testing.T) {
	w := newScopeWorld(t)
	api := "/api/v1/studio/forms/scoped"
	state := func(t *testing.T) designerState {
		t.Helper()
		res := w.do(req{method: "GET", target: api, header: bearer(w.tokens[w.owner.Username])})
		check(t, res, 200, "")
		var st designerState
		res.decode(t, &st)
		return st
	}
	label := func(zh string) map[string]any { return map[string]any{"zh": zh, "en": ""} }
	many := strings.Repeat("选项\n", 10000)
	var firstBase designerBase
	steps := []designerStep{
		{name: "add a text field", op: map[string]any{"op": "add", "spec": map[string]any{"type": "text", "key": "village", "label": label("所在村")}},
			status: 200, outline: []string{"name", "village"}},
		{name: "add a yes/no field first", op: map[string]any{"op": "add", "index": 0, "spec": map[string]any{"type": "yesno", "key": "married", "label": label("是否已婚")}},
			status: 200, outline: []string{"married", "name", "village"}},
		{name: "update: show village when married", op: map[string]any{"op": "update", "pointer": "/properties/village",
			"spec":      map[string]any{"type": "text", "label": label("所在村")},
			"condition": map[string]any{"join": "and", "rows": []map[string]any{{"field": "married", "op": "eq", "value": "true"}}}},
			status: 200, outline: []string{"married", "name", "village"}},
		{name: "move village to the top", op: map[string]any{"op": "move", "pointer": "/properties/village", "index": 0},
			status: 200, outline: []string{"village", "married", "name"}},
		{name: "duplicate name", op: map[string]any{"op": "duplicate", "pointer": "/properties/name"},
			status: 200, outline: []string{"village", "married", "name", "name2"}},
		{name: "delete the duplicate", op: map[string]any{"op": "delete", "pointer": "/properties/name2"},
			status: 200, outline: []string{"village", "married", "name"}},
		{name: "empty label", op: map[string]any{"op": "add", "spec": map[string]any{"type": "text", "label": label("")}},
			status: 422, code: engine.EINVALID, fields: []string{"/properties/field1/x-label/zh:" + studio.CodeLabelRequired}},
		{name: "duplicate key", op: map[string]any{"op": "add", "spec": map[string]any{"type": "text", "key": "name", "label": label("姓名二")}},
			status: 422, code: engine.EINVALID, fields: []string{"/properties/name:" + studio.CodeDuplicateKey}},
		{name: "10,000 pasted choices", op: map[string]any{"op": "add", "spec": map[string]any{"type": "radio", "key": "pick", "label": label("选择"), "choicesText": many}},
			status: 422, code: engine.EINVALID, fields: []string{"/properties/pick/x-choices:" + studio.CodeTooManyChoices}},
		{name: "minimum above maximum", op: map[string]any{"op": "add", "spec": map[string]any{"type": "integer", "key": "years", "label": label("年数"), "minimum": 100, "maximum": 10}},
			status: 422, code: engine.EINVALID, fields: []string{"/properties/years/minimum:" + studio.CodeMinAboveMax}},
		{name: "a condition on a field that is not there", op: map[string]any{"op": "update", "pointer": "/properties/name",
			"spec":      map[string]any{"type": "text", "label": label("姓名")},
			"condition": map[string]any{"rows": []map[string]any{{"field": "gone", "op": "filled"}}}},
			status: 422, code: engine.EINVALID, fields: []string{"/condition/rows/0/field:" + studio.CodeBadCondition}},
		{name: "deleting a field a rule reads is refused, naming the rule", op: map[string]any{"op": "delete", "pointer": "/properties/married"},
			status: 422, code: engine.EINVALID, fields: []string{"/properties/village/x-relevant:" + studio.CodeFieldReferenced}},
		{name: "deleting it with the author's consent drops the rule", op: map[string]any{"op": "delete", "pointer": "/properties/married", "force": true},
			status: 200, outline: []string{"village", "name"}},
		{name: "unknown operation", op: map[string]any{"op": "rename"}, status: 422, code: engine.EINVALID, fields: []string{"/op:unknown_op"}},
		{name: "a stale base is a conflict with the current state", op: map[string]any{"op": "add", "spec": map[string]any{"type": "text", "label": label("迟到")}},
			stale: true, status: 409, code: engine.ECONFLICT},
		{name: "an author in a sibling unit does not see the form", who: "author/sibling", method: "GET", status: 404, code: engine.ENOTFOUND},
		{name: "an author above the owner sees it", who: "author/parent", method: "GET", status: 200},
		{name: "an author above the owner may not change it", who: "author/child", op: map[string]any{"op": "duplicate", "pointer": "/properties/name"},
			status: 403, code: engine.EFORBIDDEN},
		{name: "an author in a sibling unit may not change it", who: "author/sibling", op: map[string]any{"op": "duplicate", "pointer": "/properties/name"},
			status: 404, code: engine.ENOTFOUND},
		{name: "a field worker may not read it", who: "field_worker/own", method: "GET", status: 403, code: engine.EFORBIDDEN},
		{name: "a field worker may not change it", who: "field_worker/own", op: map[string]any{"op": "duplicate", "pointer": "/properties/name"},
			status: 403, code: engine.EFORBIDDEN},
		{name: "a field worker may not check expressions", who: "field_worker/own", target: api + "/expr-check",
			op: map[string]any{"kind": "relevant", "src": "true"}, status: 403, code: engine.EFORBIDDEN},
		{name: "expression check: a typo names the unknown field", target: api + "/expr-check",
			op: map[string]any{"kind": "relevant", "src": "vilage == 'x'", "pointer": "/properties/name"}, status: 200},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			cur := state(t)
			if i == 0 {
				firstBase = cur.Base
			}
			token := w.tokens[w.owner.Username]
			if st.who != "" {
				token = w.tokens[w.actors[st.who].Username]
			}
			target := st.target
			if target == "" {
				target = api
			}
			r := req{method: "POST", target: target, header: bearer(token)}
			if st.method != "" {
				r.method = st.method
			}
			if st.op != nil {
				body := map[string]any{}
				for k, v := range st.op {
					body[k] = v
				}
				if st.target == "" {
					body["base"] = cur.Base
					if st.stale {
						body["base"] = firstBase
					}
				}
				r.json = body
			}
			res := w.do(r)
			check(t, res, st.status, st.code)
			if st.fields != nil {
				if got := fieldPointers(t, res); !slices.Equal(got, st.fields) {
					t.Errorf("fields: got %v, want %v", got, st.fields)
				}
			}
			if st.outline != nil {
				var got designerState
				res.decode(t, &got)
				var keys []string
				for _, f := range got.Outline {
					keys = append(keys, f.Key)
				}
				if !slices.Equal(keys, st.outline) {
					t.Errorf("outline: got %v, want %v", keys, st.outline)
				}
				if got.Base == cur.Base {
					t.Errorf("base: still %v after a save", got.Base)
				}
			}
			if st.status == http.StatusConflict && !strings.Contains(res.body, `"state":{`) {
				t.Errorf("a conflict carries the current state: %s", res.body)
			}
			if strings.HasSuffix(st.target, "/expr-check") && st.status == 200 && !strings.Contains(res.body, `"code":"unknown_identifier"`) {
				t.Errorf("expression check: %s", res.body)
			}
		})
	}
	t.Run("the first edit of a published form starts the next draft; later edits replace it", func(t *testing.T) {
		if got := state(t); got.Status != engine.StatusDraft || got.Base.Version != firstBase.Version+1 {
			t.Errorf("state: got %s version %d, want a draft of version %d", got.Status, got.Base.Version, firstBase.Version+1)
		}
	})
	t.Run("the designer page shows the outline, the panel and the preview in Chinese", func(t *testing.T) {
		cookie := w.cookies["author-own"]
		res := w.do(req{method: "GET", target: "/studio/campaigns/c1/forms/scoped?field=" + "%2Fproperties%2Fvillage",
			cookies: map[string]string{sessionCookie: cookie[0]}})
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		for _, want := range []string{"表单设计", `href="/studio/campaigns/c1"`, "所在村", "中文标题（必填）", "显示条件", "手机预览", `data-evaluate="/api/v1/definitions/form/scoped/versions/`, `data-key="village"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("page: want %q", want)
			}
		}
	})
	t.Run("the designer page refuses a field worker and hides the form from a sibling unit", func(t *testing.T) {
		for who, want := range map[string]int{"field_worker/own": 403, "author/sibling": 404} {
			cookie := w.cookies[w.actors[who].Username]
			res := w.do(req{method: "GET", target: "/studio/campaigns/c1/forms/scoped", cookies: map[string]string{sessionCookie: cookie[0]}})
			if res.status != want {
				t.Errorf("%s: status %d, want %d", who, res.status, want)
			}
		}
	})
	t.Run("the functions come from the rules table", func(t *testing.T) {
		res := w.do(req{method: "GET", target: "/api/v1/studio/functions", header: bearer(w.tokens[w.owner.Username])})
		check(t, res, 200, "")
		if !strings.Contains(res.body, `"name":"addMonths"`) {
			t.Errorf("functions: %.200s", res.body)
		}
	})
}
