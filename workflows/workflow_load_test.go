package workflows

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"canvass/internal/linttest"
)

// mustLoad loads a testdata flow and fails on any diagnostic, warnings
// included: the campaign flows must lint clean.
func mustLoad(t testing.TB, name string) *Workflow {
	t.Helper()
	return linttest.MustLoad(t, "testdata/"+name+".workflow.yaml", Load)
}

func TestLoadFlows(t *testing.T) {
	tests := []struct {
		file    string
		id      string
		titleZh string
		titleEn string
		start   string
		states  []string
		finals  []string
		steps   map[string]Step
		actions map[string][]string
	}{
		{
			file: "subsidy-review", id: "subsidy-review", titleZh: "奖励扶助审核", titleEn: "Subsidy review",
			start:  "township_review",
			states: []string{"township_review", "district_review", "returned", "approved", "rejected"},
			finals: []string{"approved", "rejected"},
			steps: map[string]Step{
				"township_review": {Name: "township_review", Roles: []string{"reviewer"}, Level: "township"},
				"district_review": {Name: "district_review", Roles: []string{"reviewer"}, Level: "district"},
				"returned":        {Name: "returned", Roles: []string{"field_worker"}, Level: "village"},
			},
			actions: map[string][]string{
				"township_review": {"approve", "return", "reject"},
				"returned":        {"submit"},
				"approved":        {},
			},
		},
		{
			file: "fertility-survey", id: "fertility-survey", titleZh: "生育状况基线调查", titleEn: "Baseline fertility survey",
			start:  "spot_check",
			states: []string{"spot_check", "correction", "accepted"},
			finals: []string{"accepted"},
			steps: map[string]Step{
				"spot_check": {Name: "spot_check", Roles: []string{"supervisor"}, Level: "city"},
			},
			actions: map[string][]string{"spot_check": {"approve", "return"}},
		},
		{
			file: "quarterly-report", id: "quarterly-report", titleZh: "人口变动季报", titleEn: "Quarterly vital-events report",
			start:  "township_review",
			states: []string{"township_review", "correction", "accepted"},
			finals: []string{"accepted"},
			steps: map[string]Step{
				"correction": {Name: "correction", Roles: []string{"field_worker"}, Level: "village"},
			},
			actions: map[string][]string{"correction": {"submit"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			w := mustLoad(t, tt.file)
			if got := w.ID(); got != tt.id {
				t.Errorf("ID() = %q, want %q", got, tt.id)
			}
			if got := w.Title("zh"); got != tt.titleZh {
				t.Errorf("Title(zh) = %q, want %q", got, tt.titleZh)
			}
			if got := w.Title("en"); got != tt.titleEn {
				t.Errorf("Title(en) = %q, want %q", got, tt.titleEn)
			}
			if got := w.Title("fr"); got != tt.titleZh {
				t.Errorf("Title(fr) = %q, want the Chinese %q", got, tt.titleZh)
			}
			if got := w.Start(); got != tt.start {
				t.Errorf("Start() = %q, want %q", got, tt.start)
			}
			if got := w.States(); !slices.Equal(got, tt.states) {
				t.Errorf("States() = %v, want %v", got, tt.states)
			}
			for _, s := range tt.states {
				if got, want := w.IsFinal(s), slices.Contains(tt.finals, s); got != want {
					t.Errorf("IsFinal(%s) = %v, want %v", s, got, want)
				}
				if w.IsFinal(s) && w.Step(s) != nil {
					t.Errorf("final state %s has a step", s)
				}
			}
			for s, want := range tt.steps {
				got := w.Step(s)
				if got == nil || got.Name != want.Name || got.Level != want.Level || !slices.Equal(got.Roles, want.Roles) {
					t.Errorf("Step(%s) = %+v, want %+v", s, got, want)
				}
			}
			for s, want := range tt.actions {
				if got := w.Actions(s); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Errorf("Actions(%s) = %v, want %v", s, got, want)
				}
			}
		})
	}
}

// TestWorkflowImmutable checks that what accessors return cannot change the
// loaded workflow.
func TestWorkflowImmutable(t *testing.T) {
	w := mustLoad(t, "subsidy-review")
	w.Step("township_review").Roles[0] = "admin"
	w.States()[0] = "changed"
	if got := w.Step("township_review").Roles[0]; got != "reviewer" {
		t.Errorf("Step roles changed through a returned copy: %q", got)
	}
	if got := w.States()[0]; got != "township_review" {
		t.Errorf("States changed through a returned copy: %q", got)
	}
}

func TestLoadAccepts(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"anchors and aliases", `
id: anchors
start: a
states:
  a:
    title: {zh: 甲}
    step: &township {role: reviewer, level: township}
    due: P2D
    remind: &daily {every: P1D, times: 2}
    actions: {approve: b}
  b:
    title: {zh: 乙}
    step: *township
    due: P2D
    remind: *daily
    actions: {approve: done}
  done: {title: {zh: 已办结, en: Done}, final: true}
`},
		{"title as a plain string and role list", `
id: plain-title
title: 普查员报名
start: a
states:
  a:
    title: {zh: 甲}
    step: {role: [reviewer, supervisor], level: township}
    actions:
      approve: {to: done, reason: optional}
      reject: {to: done, reason: required}
  done: {title: {zh: 已办结, en: Done}, final: true}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ds := Load("x.workflow.yaml", []byte(tt.src))
			if w == nil || len(ds) != 0 {
				t.Fatalf("got workflow %v and %v, want a workflow and no findings", w != nil, ds)
			}
		})
	}
}

func TestLoadWarningsKeepWorkflow(t *testing.T) {
	src := `
id: warn
start: a
states:
  a:
    title: {zh: 甲}
    step: {role: reviewer, level: township}
    actions:
      approve:
        routes:
          - {when: "answers.amount < 1000", to: done}
  orphan:
    title: {zh: 孤立}
    step: {role: reviewer, level: township}
    actions: {approve: done}
  done: {title: {zh: 已办结, en: Done}, final: true}
`
	w, ds := Load("warn.workflow.yaml", []byte(src))
	got := linttest.Findings[finding](ds)
	want := []finding{
		{"missing_default_route", "states.a.actions.approve.routes", 10, W},
		{"unreachable_state", "states.orphan", 12, W},
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %v\nwant %v", got, want)
	}
	if w == nil {
		t.Fatal("warnings alone must not withhold the workflow")
	}
}

func TestLoadLimits(t *testing.T) {
	big := make([]byte, maxSourceSize+1)
	for i := range big {
		big[i] = '#'
	}
	manyStates := []byte("id: many\nstart: s0\nstates:\n")
	for i := range maxStates + 1 {
		manyStates = fmt.Appendf(manyStates, "  s%d: {final: true}\n", i)
	}
	tests := []struct {
		name string
		src  []byte
		code string
	}{
		{"too large", big, "too_large"},
		{"too many states", manyStates, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, ds := Load("x.workflow.yaml", tt.src)
			if w != nil || len(ds) == 0 || ds[0].Code != tt.code {
				t.Errorf("got %v, want first code %s", linttest.Findings[finding](ds), tt.code)
			}
		})
	}
}

func TestLoadCapsFindings(t *testing.T) {
	src := []byte("id: many-findings\nstart: a\nstates: {a: {final: true}}\n")
	for i := range 2 * maxDiagnostics {
		src = fmt.Appendf(src, "key%d: 1\n", i)
	}
	_, ds := Load("x.workflow.yaml", src)
	if got, want := len(ds), maxDiagnostics+1; got != want {
		t.Fatalf("%d findings, want %d", got, want)
	}
	if got := ds[len(ds)-1].Code; got != "too_many_findings" {
		t.Errorf("last code = %s, want too_many_findings", got)
	}
}

// TestLoadEmptyValues checks that a key written without a value is an
// error, never a silent default: an empty guard must not allow everything.
func TestLoadEmptyValues(t *testing.T) {
	base := `
id: empty-values
start: a
states:
  a:
    title: {zh: 甲}
    step: {role: reviewer, level: township}
    actions:
      approve: {to: done, guard: "true"}
  done: {title: {zh: 已办结, en: Done}, final: true}
`
	tests := []struct {
		name, old, new string
		want           []finding
	}{
		{"empty guard", `guard: "true"`, `guard: `, []finding{{"wrong_type", "states.a.actions.approve.guard", 9, E}}},
		{"empty to", `to: done,`, `to: ,`, []finding{{"wrong_type", "states.a.actions.approve.to", 9, E}}},
		{"empty role list", `role: reviewer`, `role: []`, []finding{{"no_actor", "states.a.step.role", 7, E}}},
		{"empty level", `level: township`, `level: ""`, []finding{{"unknown_level", "states.a.step.level", 7, E}}},
		{"empty start", `start: a`, `start:`, []finding{{"wrong_type", "start", 3, E}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(base, tt.old, tt.new, 1)
			if src == base {
				t.Fatalf("%q not in the base file", tt.old)
			}
			w, ds := Load("x.workflow.yaml", []byte(src))
			if got := linttest.Findings[finding](ds); !slices.Equal(got, tt.want) || w != nil {
				t.Errorf("findings %v (workflow %v), want %v and no workflow", got, w != nil, tt.want)
			}
		})
	}
}

// TestDocExample loads the full example in the package documentation, so
// that the documentation cannot drift from what Load accepts.
func TestDocExample(t *testing.T) {
	if w := linttest.DocExample(t, Load); w == nil || w.ID() != "subsidy-review" {
		t.Errorf("the example did not load as the subsidy review")
	}
}

func TestLoadReminderCount(t *testing.T) {
	tests := []struct {
		times string
		want  []finding
	}{
		{"1", nil},
		{"100", nil},
		{"0", []finding{{"bad_value", "states.a.remind.times", 7, E}}},
		{"-3", []finding{{"bad_value", "states.a.remind.times", 7, E}}},
		{"101", []finding{{"bad_value", "states.a.remind.times", 7, E}}},
		{"99999999999999999999", []finding{{"bad_value", "states.a.remind.times", 7, E}}},
		{"2.5", []finding{{"wrong_type", "states.a.remind.times", 7, E}}},
	}
	for _, tt := range tests {
		t.Run(tt.times, func(t *testing.T) {
			src := "id: r\nstart: a\nstates:\n  a:\n    step: {role: reviewer, level: township}\n    due: P1D\n    remind: {every: P1D, times: " + tt.times + "}\n    actions: {approve: done}\n    title: {zh: 审核}\n  done: {title: {zh: 完成}, final: true}\n"
			_, ds := Load("r.workflow.yaml", []byte(src))
			if got := linttest.Findings[finding](ds); !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
		})
	}
}
