package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/examples"
)

// publishExampleFile publishes one example definition file as is.
func publishExampleFile(t *testing.T, e enginetest.Publisher, a *engine.Actor, kind, id, path string) {
	t.Helper()
	src, err := examples.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.SaveDraft(context.Background(), a, kind, id, path[strings.LastIndex(path, "/")+1:], src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Publish(context.Background(), a, kind, id, res.Definition.Version); err != nil {
		t.Fatalf("publish %s: %v", path, err)
	}
}

// Publishing a campaign resolves every reference to an answer — in
// indicators, reports and pay rules — by key or path against the fertility
// survey as shipped, whose fields sit in sections and a repeat group; one
// that does not resolve is refused, naming the reference and the fields.
func TestPublishResolvesFieldPaths(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	publishExampleFile(t, e, author, engine.KindForm, "fertility-household", "fertility-survey/fertility-household.form.json")
	publishExampleFile(t, e, author, engine.KindWorkflow, "fertility-review", "fertility-survey/fertility-review.workflow.yaml")
	tests := []struct {
		name      string
		numerator string
		payWhen   string
		report    string
		want      []string // pointer code
		message   string
	}{
		{name: "a key in a section", numerator: `count(answers.respondentAge > 30)`},
		{name: "a path to a section's field", numerator: `count(answers.personal.respondentAge > 30)`},
		{name: "a repeat group's field by key counts rows", numerator: `count(answers.childSex == "male")`},
		{name: "a sum by path", numerator: `sum("care.childCount")`},
		{name: "a sum over rows", numerator: `sum("childAge", answers.childSex == "female")`},
		{name: "unknown key", numerator: `count(answers.respondentAg > 30)`, want: []string{"/indicators/births unknown_field"},
			message: "did you mean personal.respondentAge?"},
		{name: "a partial path", numerator: `sum("children.childAge")`, want: []string{"/indicators/births unknown_field"},
			message: "is at care.children.childAge"},
		{name: "a path into a repeat group", numerator: `count(answers.care.children.childSex == "male")`, want: []string{"/indicators/births field_in_repeat"},
			message: "write answers.childSex"},
		{name: "two fields of one repeat group", numerator: `count(answers.childSex == "male" && answers.childAge > 3)`},
		{name: "report period in a section", numerator: `count()`,
			report: "reports:\n  - {id: monthly, form: fertility-household, level: village, period: month, due: 15, period_field: note}\n"},
		{name: "report period in a repeat group", numerator: `count()`,
			report: "reports:\n  - {id: monthly, form: fertility-household, level: village, period: month, due: 15, period_field: childcareBy}\n",
			want:   []string{"/reports/monthly field_in_repeat"}},
		{name: "a pay rule on a section's field", numerator: `count()`, payWhen: `answers.respondentAge >= 20`},
		{name: "a pay rule on a path", numerator: `count()`, payWhen: `answers.personal.respondentAge >= 20`},
		{name: "a pay rule on an unknown field", numerator: `count()`, payWhen: `answers.respondentAg >= 20`,
			want: []string{"/paytable unknown_field"}, message: "personal.respondentAge (周岁（截至调查时点）)"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "paths-" + string(rune('a'+i))
			pay := ""
			if tt.payWhen != "" {
				pt := `id: ` + id + `-pay
title: {zh: 劳务, en: Pay}
effective_from: 2026-11-01
period: month
items:
  - key: household
    label: {zh: 入户, en: Household}
    on: record.accepted
    pays: creator
    role: field_worker
    when: "` + tt.payWhen + `"
    amount: 5000
`
				res, err := e.SaveDraft(ctx, author, engine.KindPayTable, id+"-pay", id+"-pay.paytable.yaml", []byte(pt))
				if err != nil || len(res.Diagnostics) > 0 {
					t.Fatalf("save pay table: %v %v", err, res.Diagnostics)
				}
				if _, err := e.Publish(ctx, author, engine.KindPayTable, id+"-pay", res.Definition.Version); err != nil {
					t.Fatal(err)
				}
				pay = "paytable: " + id + "-pay\n"
			}
			src := "id: " + id + `
title: {zh: 检查, en: Check}
forms: [fertility-household]
workflow: fertility-review
` + pay + `org_scope: "370102"
reference_time: 2026-12-06
indicators:
  - id: births
    title: {zh: 统计, en: Count}
    numerator: '` + tt.numerator + `'
    denominator: count()
` + tt.report
			res, err := e.SaveDraft(ctx, author, engine.KindCampaign, id, id+".campaign.yaml", []byte(src))
			if err != nil || len(res.Diagnostics) > 0 {
				t.Fatalf("save: %v %v", err, res.Diagnostics)
			}
			_, err = e.Publish(ctx, author, engine.KindCampaign, id, res.Definition.Version)
			var got []string
			for _, f := range engine.ErrorFields(err) {
				got = append(got, f.Pointer+" "+f.Code)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("publish: %v %v, want %v", err, got, tt.want)
			}
			if tt.message != "" && !strings.Contains(engine.ErrorFields(err)[0].Message, tt.message) {
				t.Errorf("message %q lacks %q", engine.ErrorFields(err)[0].Message, tt.message)
			}
		})
	}
}
