package studio

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"canvass/engine"
	"canvass/examples"
	"canvass/forms"
	"canvass/rules"
	"canvass/workflows"
)

// semantic decodes a workflow file into plain values with the shorthands
// spelled out (approve: x is {to: x}, a plain title is {zh: …}, one role
// is a list of one, P1W is P7D), so two files that mean the same compare
// equal.
func semantic(t *testing.T, src []byte) any {
	t.Helper()
	var v map[string]any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatalf("decode: %v\n%s", err, src)
	}
	text := func(x any) any {
		if s, ok := x.(string); ok {
			return map[string]any{"zh": s}
		}
		return x
	}
	v["title"] = text(v["title"])
	states, _ := v["states"].(map[string]any)
	for _, sv := range states {
		s, _ := sv.(map[string]any)
		s["title"] = text(s["title"])
		if step, ok := s["step"].(map[string]any); ok {
			if r, ok := step["role"].(string); ok {
				step["role"] = []any{r}
			}
		}
		if acts, ok := s["actions"].(map[string]any); ok {
			for k, a := range acts {
				if to, ok := a.(string); ok {
					acts[k] = map[string]any{"to": to}
				}
			}
		}
	}
	return v
}

func examplesWorkflows(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*.workflow.yaml"))
	if err != nil || len(files) != len(examples.Dirs) {
		t.Fatalf("want every example's workflow, got %v %v", files, err)
	}
	return files
}

// sameWorkflow checks that two sources load to workflows that behave the
// same: states, titles, steps, actions and reasons, and the same file
// when decoded.
func sameWorkflow(t *testing.T, a, b []byte) {
	t.Helper()
	wa, da := workflows.Load("a.workflow.yaml", a)
	wb, db := workflows.Load("b.workflow.yaml", b)
	if wa == nil || wb == nil {
		t.Fatalf("does not load: %v / %v\n%s", da, db, b)
	}
	if !reflect.DeepEqual(semantic(t, a), semantic(t, b)) {
		t.Errorf("not the same workflow:\n%v\n%v\n%s", semantic(t, a), semantic(t, b), b)
	}
	if wa.ID() != wb.ID() || wa.Start() != wb.Start() || !slices.Equal(wa.States(), wb.States()) || wa.Title("en") != wb.Title("en") {
		t.Errorf("header differs: %s %s %v / %s %s %v", wa.ID(), wa.Start(), wa.States(), wb.ID(), wb.Start(), wb.States())
	}
	for _, s := range wa.States() {
		if wa.StateTitle(s, "zh") != wb.StateTitle(s, "zh") || wa.StateTitle(s, "en") != wb.StateTitle(s, "en") ||
			wa.IsFinal(s) != wb.IsFinal(s) || !reflect.DeepEqual(wa.Step(s), wb.Step(s)) || !slices.Equal(wa.Actions(s), wb.Actions(s)) {
			t.Errorf("state %s differs", s)
		}
		for _, act := range wa.Actions(s) {
			if wa.ReasonRequired(s, act) != wb.ReasonRequired(s, act) {
				t.Errorf("state %s action %s: reason differs", s, act)
			}
		}
	}
}

// TestWorkflowRoundTripExamples: each example's workflow opened and saved
// without changes, and with every state "saved" from its own spec, is the
// same workflow.
func TestWorkflowRoundTripExamples(t *testing.T) {
	for _, f := range examplesWorkflows(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			d, err := OpenWorkflow(src)
			if err != nil {
				t.Fatal(err)
			}
			sameWorkflow(t, src, d.Bytes())
			spec := d.Spec()
			if err := d.SetTitle(spec.Title, spec.Start); err != nil {
				t.Fatalf("save the title unchanged: %v", err)
			}
			for _, s := range spec.States {
				if err := d.UpdateState(s); err != nil {
					t.Fatalf("save %s unchanged: %v", s.Name, err)
				}
			}
			sameWorkflow(t, src, d.Bytes())
			again, err := OpenWorkflow(d.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if string(again.Bytes()) != string(d.Bytes()) {
				t.Errorf("writing is not stable:\n%s\n%s", d.Bytes(), again.Bytes())
			}
		})
	}
}

func TestWorkflowSpecOfExample(t *testing.T) {
	src, _ := os.ReadFile(filepath.Join("..", "..", "examples", "subsidy-review", "subsidy-review.workflow.yaml"))
	d, err := OpenWorkflow(src)
	if err != nil {
		t.Fatal(err)
	}
	w := d.Spec()
	var levels, corr, finals []string
	for _, s := range w.Levels() {
		levels = append(levels, s.Name)
	}
	for _, s := range w.Corrections() {
		corr = append(corr, s.Name)
	}
	for _, s := range w.Finals() {
		finals = append(finals, s.Name)
	}
	if got, want := strings.Join(levels, " "), "township_check district_approval"; got != want {
		t.Errorf("levels %q, want %q", got, want)
	}
	if got, want := strings.Join(corr, " "), "correction"; got != want {
		t.Errorf("corrections %q, want %q", got, want)
	}
	if got, want := strings.Join(finals, " "), "approved rejected"; got != want {
		t.Errorf("finals %q, want %q", got, want)
	}
	tc := w.State("township_check")
	if tc.Due != (Limit{N: 5, Unit: UnitDays}) || tc.Remind != (Reminder{Every: Limit{N: 1, Unit: UnitDays}, Times: 2}) || tc.Escalate.To != EscalateLevelAbove {
		t.Errorf("township_check: %+v", tc)
	}
	if a := tc.Action("approve"); a == nil || a.To != "district_approval" || a.Guard == "" {
		t.Errorf("approve: %+v", a)
	}
	if a := tc.Action("reject"); a == nil || !a.ReasonRequired {
		t.Errorf("reject: %+v", a)
	}
	if c := w.State("correction"); c.Escalate.To != EscalateWiden || !slices.Equal(c.Escalate.Widen, []string{"reviewer"}) {
		t.Errorf("correction escalate: %+v", c.Escalate)
	}
}

func mustDefault(t *testing.T) *WorkflowDoc {
	t.Helper()
	d := NewWorkflow("demo-review", forms.Text{ZH: "村乡两级审核"})
	if err := d.Check(); err != nil {
		t.Fatalf("the default workflow: %v\n%s", err, d.Bytes())
	}
	return d
}

func ladderNames(d *WorkflowDoc) string {
	w := d.Spec()
	var out []string
	for _, l := range w.Levels() {
		out = append(out, l.Name)
	}
	return strings.Join(out, " ")
}

func TestWorkflowBuildLadder(t *testing.T) {
	d := mustDefault(t)
	name, err := d.AddLevel(-1, StateSpec{Title: forms.Text{ZH: "区县审批", EN: "District approval"}, Roles: []string{"reviewer"}, Level: "district", Due: Limit{N: 48, Unit: UnitHours}})
	if err != nil {
		t.Fatal(err)
	}
	if name != "district_review" {
		t.Errorf("name %q", name)
	}
	w := d.Spec()
	if got := w.State("township_review").Action("approve").To; got != "district_review" {
		t.Errorf("township now approves to %q", got)
	}
	dr := w.State("district_review")
	if dr.Action("approve").To != "approved" || dr.Action("return").To != "correction" || dr.Action("reject").To != "rejected" {
		t.Errorf("the new level's actions: %+v", dr.Actions)
	}
	if !strings.Contains(string(d.Bytes()), "due: PT48H") {
		t.Errorf("48 hours not written:\n%s", d.Bytes())
	}
	// Move it to the top: the start and the correction step follow.
	if err := d.MoveLevel("district_review", -1); err != nil {
		t.Fatal(err)
	}
	if err := d.MoveLevel("district_review", -1); err != nil {
		t.Fatal(err)
	}
	w = d.Spec()
	if got := ladderNames(d); got != "district_review village_review township_review" {
		t.Errorf("order %q", got)
	}
	if w.Start != "district_review" || w.State("correction").Action("submit").To != "district_review" ||
		w.State("district_review").Action("approve").To != "village_review" || w.State("township_review").Action("approve").To != "approved" {
		t.Errorf("not rewired: %s", d.Bytes())
	}
	assertProblem(t, d.MoveLevel("district_review", -1), "/states/district_review", CodeBadIndex)
	// Deleting it is refused while the correction step and the start lead
	// to it; forced, they lead to the next level.
	err = d.DeleteState("district_review", false)
	assertProblem(t, err, "/states/correction/actions/submit", CodeStateReferenced)
	assertProblem(t, err, "/start", CodeStartReferenced)
	var msgs []string
	for _, f := range engine.ErrorFields(err) {
		msgs = append(msgs, f.Message)
	}
	if msg := strings.Join(msgs, "；"); !strings.Contains(msg, "“退回补正”的“补正后提交”指向“区县审批”") || !strings.Contains(msg, "提交的记录首先进入“区县审批”") {
		t.Errorf("the refusal does not say which: %s", msg)
	}
	if err := d.DeleteState("district_review", true); err != nil {
		t.Fatal(err)
	}
	w = d.Spec()
	if w.Start != "village_review" || w.State("correction").Action("submit").To != "village_review" || w.State("district_review") != nil {
		t.Errorf("after the delete: %s", d.Bytes())
	}
	// Routing rule on the township's approve.
	if err := d.SetRoutes("village_review", "approve", []RouteSpec{{When: "answers.amount > 5000", To: "township_review"}}, "approved"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(d.Bytes()), `- {when: "answers.amount > 5000", to: township_review}`) {
		t.Errorf("routes not written:\n%s", d.Bytes())
	}
	if _, diags := d.Load(); rules.HasErrors(diags) {
		t.Fatalf("does not load: %v", diags)
	}
}

func TestWorkflowCorrectionStep(t *testing.T) {
	src := []byte(`id: one-level
title: {zh: 一级审核}
start: township_check
states:
  township_check:
    title: {zh: 乡镇审核}
    step: {role: reviewer, level: township}
    actions:
      approve: done
  done:
    title: {zh: 完成}
    final: true
`)
	d, err := OpenWorkflow(src)
	if err != nil {
		t.Fatal(err)
	}
	// Return needs a correction step.
	w := d.Spec()
	tc := *w.State("township_check")
	tc.Actions = append(slices.Clone(tc.Actions), ActionSpec{Name: "return"})
	assertProblem(t, d.UpdateState(tc), "/states/township_check/actions/return", CodeNoCorrectionStep)
	name, err := d.SetCorrection(StateSpec{Title: forms.Text{ZH: "退回补正"}, Due: Limit{N: 48, Unit: UnitHours}})
	if err != nil {
		t.Fatal(err)
	}
	w = d.Spec()
	c := w.State(name)
	if c == nil || c.Kind != StateCorrection || c.Level != "village" || !slices.Equal(c.Roles, []string{"field_worker"}) || c.Action("submit").To != "township_check" {
		t.Fatalf("the correction step: %+v", c)
	}
	if a := w.State("township_check").Action("return"); a == nil || a.To != name {
		t.Errorf("the level does not return to it: %s", d.Bytes())
	}
}

func TestWorkflowRefusals(t *testing.T) {
	level := func(d *WorkflowDoc, name string) StateSpec {
		w := d.Spec()
		s := *w.State(name)
		s.Actions = slices.Clone(s.Actions)
		return s
	}
	for _, tc := range []struct {
		name string
		edit func(d *WorkflowDoc) error
		ptr  string
		code string
	}{
		{"empty title", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Title.ZH = "  "
			return d.UpdateState(s)
		}, "/states/village_review/title", CodeTitleRequired},
		{"duplicate title", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Title.ZH = "乡镇审核"
			return d.UpdateState(s)
		}, "/states/township_review/title", CodeDuplicateState},
		{"target that does not exist", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Action("approve").To = "nowhere"
			return d.UpdateState(s)
		}, "/states/village_review/actions/approve/to", CodeUnknownTarget},
		{"zero hours", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Due = Limit{N: 0, Unit: UnitHours}
			return d.UpdateState(s)
		}, "/states/village_review/due", CodeBadLimit},
		{"negative days", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Due = Limit{N: -2, Unit: UnitDays}
			return d.UpdateState(s)
		}, "/states/village_review/due", CodeBadLimit},
		{"hours over the cap", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Due = Limit{N: MaxLimitHours + 1, Unit: UnitHours}
			return d.UpdateState(s)
		}, "/states/village_review/due", CodeBadLimit},
		{"days over the cap", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Due = Limit{N: 100000, Unit: UnitDays}
			return d.UpdateState(s)
		}, "/states/village_review/due", CodeBadLimit},
		{"reminder longer than the limit", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Due = Limit{N: 48, Unit: UnitHours}
			s.Remind = Reminder{Every: Limit{N: 3, Unit: UnitDays}, Times: 2}
			return d.UpdateState(s)
		}, "/states/village_review/remind/every", CodeReminderTooLong},
		{"reminder without times", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Remind = Reminder{Every: Limit{N: 1, Unit: UnitDays}}
			return d.UpdateState(s)
		}, "/states/village_review/remind", CodeBadReminder},
		{"reminder without a limit", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Due = Limit{}
			s.Remind = Reminder{Every: Limit{N: 1, Unit: UnitDays}, Times: 1}
			return d.UpdateState(s)
		}, "/states/village_review/remind", CodeNeedsLimit},
		{"escalate above the top", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Level = "province"
			s.Escalate = Escalation{To: EscalateLevelAbove}
			return d.UpdateState(s)
		}, "/states/village_review/escalate", CodeBadEscalation},
		{"unknown role", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Roles = []string{"mayor"}
			return d.UpdateState(s)
		}, "/states/village_review/step/role", CodeBadActor},
		{"unknown level", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Level = "<script>"
			return d.UpdateState(s)
		}, "/states/village_review/step/level", CodeBadActor},
		{"no actions", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Actions = nil
			return d.UpdateState(s)
		}, "/states/village_review/actions", CodeNoActions},
		{"an action a level does not take", func(d *WorkflowDoc) error {
			s := level(d, "village_review")
			s.Actions = append(s.Actions, ActionSpec{Name: "claim", To: "approved"})
			return d.UpdateState(s)
		}, "/states/village_review/actions/claim", CodeBadAction},
		{"unknown state", func(d *WorkflowDoc) error {
			return d.UpdateState(StateSpec{Name: "ghost", Title: forms.Text{ZH: "幽灵"}})
		}, "/states/ghost", CodeUnknownState},
		{"delete a state others lead to", func(d *WorkflowDoc) error { return d.DeleteState("rejected", false) }, "/states/village_review/actions/reject", CodeStateReferenced},
		{"forced delete of an outcome has nowhere to go", func(d *WorkflowDoc) error { return d.DeleteState("rejected", true) }, "/states/rejected", CodeCannotBridge},
		{"routing rule without condition", func(d *WorkflowDoc) error {
			return d.SetRoutes("village_review", "approve", []RouteSpec{{When: " ", To: "township_review"}}, "approved")
		}, "/states/village_review/actions/approve/routes/0/when", CodeBadRoute},
		{"routing rule that does not compile", func(d *WorkflowDoc) error {
			return d.SetRoutes("village_review", "approve", []RouteSpec{{When: "answers.amount >", To: "township_review"}}, "approved")
		}, "/states/village_review/actions/approve/routes[0]/when", "bad_expression"},
		{"empty workflow title", func(d *WorkflowDoc) error { return d.SetTitle(forms.Text{}, "") }, "/title", CodeTitleRequired},
		{"start at an outcome", func(d *WorkflowDoc) error { return d.SetTitle(forms.Text{ZH: "审核"}, "approved") }, "/start", CodeUnknownState},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mustDefault(t)
			before := string(d.Bytes())
			assertProblem(t, tc.edit(d), tc.ptr, tc.code)
			if string(d.Bytes()) != before {
				t.Errorf("a refused edit changed the document")
			}
		})
	}
}

func TestOpenWorkflowBadInput(t *testing.T) {
	for _, src := range []string{"", "- a\n- b\n", "id: [unclosed\n", strings.Repeat("x", maxWorkflowSource+1)} {
		if _, err := OpenWorkflow([]byte(src)); err == nil {
			t.Errorf("%.20q opened", src)
		} else {
			assertProblem(t, err, "", CodeWorkflowSyntax)
		}
	}
}

func TestYAMLScalarQuoting(t *testing.T) {
	for _, s := range []string{"true", "no", "123", "P3D", "answers.a == 'x'", "a: b", "#x", "Village collection, township check", "乡镇审核", " lead", "trail ", `"q"`, "null", "-1", "{x}", "a\nb"} {
		src := "v: " + yamlScalar(s) + "\n"
		var got map[string]any
		if err := yaml.Unmarshal([]byte(src), &got); err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if got["v"] != s {
			t.Errorf("%q came back as %#v", s, got["v"])
		}
		flow := "v: {a: " + yamlScalar(s) + ", b: x}\n"
		var gotFlow map[string]map[string]any
		if err := yaml.Unmarshal([]byte(flow), &gotFlow); err != nil || gotFlow["v"]["a"] != s {
			t.Errorf("%q in flow came back as %#v (%v)", s, gotFlow, err)
		}
	}
}

func TestRouteBuilder(t *testing.T) {
	form, err := OpenForm([]byte(`{"x-form-id": "f", "x-title": {"zh": "申请"}, "type": "object", "properties": {
  "amount": {"type": "integer", "x-label": {"zh": "申请金额"}},
  "kind": {"type": "string", "enum": ["a", "b"], "x-label": {"zh": "类别"}},
  "sec": {"type": "object", "x-label": {"zh": "分节"}, "properties": {"inner": {"type": "integer", "x-label": {"zh": "内部"}},
    "deeper": {"type": "object", "x-label": {"zh": "小节"}, "properties": {"deep": {"type": "string", "enum": ["x", "y"], "x-label": {"zh": "深处"}}}}}},
  "kids": {"type": "array", "x-label": {"zh": "子女"}, "items": {"type": "object", "properties": {"age": {"type": "integer", "x-label": {"zh": "年龄"}}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	docs := []*FormDoc{form}
	src, err := RouteExpr(docs, Condition{Join: JoinAnd, Rows: []ConditionRow{{Field: "amount", Op: OpGt, Value: "5000"}, {Field: "kind", Op: OpEq, Value: "a"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := "answers.amount > 5000 && answers.kind == 'a'"; src != want {
		t.Errorf("got %q, want %q", src, want)
	}
	c, ok := ParseRoute(docs, src)
	if !ok || len(c.Rows) != 2 || c.Rows[0] != (ConditionRow{Field: "amount", Op: OpGt, Value: "5000"}) {
		t.Errorf("parsed back: %+v %v", c, ok)
	}
	if _, ok := ParseRoute(docs, "answers.amount > 5000 || answers.x"); ok {
		t.Error("a free expression parsed as rows")
	}
	// Fields in sections, at any depth, by key or by path; the rule reads
	// them by path, and reads back as rows.
	for _, tc := range []struct {
		rows []ConditionRow
		want string
	}{
		{[]ConditionRow{{Field: "inner", Op: OpGt, Value: "1"}}, "answers.sec.inner > 1"},
		{[]ConditionRow{{Field: "sec.deeper.deep", Op: OpEq, Value: "x"}, {Field: "amount", Op: OpGt, Value: "5"}}, "answers.sec.deeper.deep == 'x' && answers.amount > 5"},
	} {
		src, err := RouteExpr(docs, Condition{Rows: tc.rows}, "")
		if err != nil || src != tc.want {
			t.Errorf("%+v: got %q (%v), want %q", tc.rows, src, err, tc.want)
			continue
		}
		if c, ok := ParseRoute(docs, src); !ok || len(c.Rows) != len(tc.rows) {
			t.Errorf("%q did not parse back into rows: %+v", src, c)
		}
	}
	if _, ok := ParseRoute(docs, "answers.inner > 1"); ok {
		t.Error("answers.inner (the section's field without its path) parsed as a builder rule; it reads nothing")
	}
	// A repeat group's field has a value per row: refused, in Chinese.
	_, err = RouteExpr(docs, Condition{Rows: []ConditionRow{{Field: "amount", Op: OpGt, Value: "1"}, {Field: "age", Op: OpGt, Value: "6"}}}, "")
	assertProblem(t, err, "/rows/1/field", CodeRouteInRepeat)
	if msg := engine.ErrorFields(err)[0].Message; !strings.Contains(msg, "条件第 2 行：“子女 › 年龄”是重复组“子女”里的字段") {
		t.Errorf("message %q", msg)
	}
	var fields []string
	for _, f := range RouteFields(docs) {
		fields = append(fields, f.Path+"|"+f.Label+"|"+f.Repeat)
	}
	if want := []string{"amount|申请金额|", "kind|类别|", "sec.inner|分节 › 内部|", "sec.deeper.deep|分节 › 小节 › 深处|", "kids.age|子女 › 年龄|子女"}; !slices.Equal(fields, want) {
		t.Errorf("route fields %q, want %q", fields, want)
	}
	_, err = RouteExpr(docs, Condition{Rows: []ConditionRow{{Field: "sec", Op: OpFilled}}}, "")
	assertProblem(t, err, "/rows/0/field", CodeBadCondition)
	_, err = RouteExpr(docs, Condition{Rows: []ConditionRow{{Field: "amount", Op: OpGt, Value: "lots"}}}, "")
	assertProblem(t, err, "/rows/0/value", CodeBadCondition)
	_, err = RouteExpr(docs, Condition{}, "")
	assertProblem(t, err, "/rows", CodeBadCondition)
}

func TestWorkflowDiagram(t *testing.T) {
	d := mustDefault(t)
	s := d.Spec()
	vc := *s.State("village_review")
	vc.Title.ZH = `村<审核>&"查"`
	if err := d.UpdateState(vc); err != nil {
		t.Fatal(err)
	}
	svg := WorkflowDiagram(d.Spec(), DiagramOptions{Lang: "zh-CN", LevelName: func(l string) string { return map[string]string{"village": "村居", "township": "乡镇街道"}[l] }})
	for _, want := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg"`, `data-state="village_review"`, `data-state="township_review"`, `data-state="correction"`, `data-state="approved"`, `data-state="rejected"`,
		`村&lt;审核&gt;&amp;&#34;查&#34;`, `乡镇审核`, `退回补正`, `data-from="village_review" data-to="township_review" data-action="approve"`,
		`data-from="correction" data-to="village_review" data-action="submit"`, `>通过<`, `<g class="wf-start">`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, `村<审核>`) {
		t.Error("a title is not escaped")
	}
	if got, want := strings.Count(svg, `class="wf-node `), 5; got != want {
		t.Errorf("%d nodes, want %d", got, want)
	}
	// approve, return, reject on two levels, submit on the correction.
	if got, want := strings.Count(svg, `<g class="wf-edge"`), 7; got != want {
		t.Errorf("%d edges, want %d", got, want)
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, "style=") {
		t.Error("the diagram has a script or a style")
	}
}
