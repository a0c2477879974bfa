package engine_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/enginetest"
)

// Publishing a campaign checks what its file alone cannot: the answer
// fields its indicators read exist in the forms they count, the states
// they compare with exist in the workflow, and a report's period field
// exists in its form.
func TestPublishChecksIndicatorAndReportReferences(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	dir := filepath.Join("testdata", "pay")
	enginetest.PublishFile(t, e, author, engine.KindForm, "vital-event", filepath.Join(dir, "vital-event.form.json"))
	enginetest.PublishFile(t, e, author, engine.KindWorkflow, "village-review", filepath.Join(dir, "village-review.workflow.yaml"))
	tests := []struct {
		name      string
		numerator string
		report    string
		want      []string // pointer code
	}{
		{name: "all known", numerator: `count(answers.event_type == "birth" && state == "accepted")`},
		{name: "draft and merged are states of every workflow", numerator: `count(state == "draft") + count(state == "merged")`},
		{name: "unknown answer", numerator: `count(answers.evnt_type == "birth")`, want: []string{"/indicators/births unknown_field"}},
		{name: "unknown summed field", numerator: `sum("children", state == "accepted")`, want: []string{"/indicators/births unknown_field"}},
		{name: "unknown state", numerator: `count(state in ["accepted", "approved"])`, want: []string{"/indicators/births unknown_state"}},
		{name: "report period from a missing field", numerator: `count()`,
			report: "reports:\n  - {id: quarterly, form: vital-event, level: village, period: quarter, due: 15, period_field: quarter}\n",
			want:   []string{"/reports/quarterly unknown_field"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "refs-" + string(rune('a'+i))
			src := "id: " + id + `
title: {zh: 检查, en: Check}
forms: [vital-event]
workflow: village-review
org_scope: "370102"
reference_time: 2027-01-01T00:00:00+08:00
indicators:
  - id: births
    title: {zh: 出生, en: Births}
    numerator: '` + tt.numerator + `'
    denominator: official("births")
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
			if tt.want != nil && (engine.ErrorCode(err) != engine.EINVALID || !strings.Contains(engine.ErrorFields(err)[0].Message, "births") && !strings.Contains(engine.ErrorFields(err)[0].Message, "quarterly")) {
				t.Errorf("error %v", err)
			}
		})
	}
}
