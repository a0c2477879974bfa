package engine_test

import (
	"context"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/rules"
)

// A pay table that takes effect after the campaign opens is a warning
// naming the unpaid days — it does not stop the publish (issue #18: such
// records silently earned nothing, forever).
func TestCheckCampaignWarnsOfAPayTableGap(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, effective string
		warn            bool
	}{
		{"takes effect on the opening day", "2026-11-25", false},
		{"takes effect before", "2026-11-01", false},
		{"takes effect later", "2026-12-01", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := newEngine(t)
			seedTree(t, e)
			author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
			for _, f := range []struct{ kind, id, file string }{
				{engine.KindForm, "fertility-household", "fertility-household.form.json"},
				{engine.KindWorkflow, "village-review", "village-review.workflow.yaml"},
				{engine.KindPayTable, "fertility-survey-pay", "fertility-survey.paytable.yaml"},
				{engine.KindCampaign, "survey-2026", "survey-2026.campaign.yaml"},
			} {
				src := string(readPay(t, f.file))
				if f.kind == engine.KindPayTable {
					src = replaceLine(t, src, "effective_from: ", "effective_from: "+tc.effective)
				}
				if _, err := e.SaveDraft(ctx, author, f.kind, f.id, f.file, []byte(src)); err != nil {
					t.Fatalf("save %s: %v", f.file, err)
				}
			}
			check, err := e.CheckCampaign(ctx, author, "survey-2026")
			if err != nil {
				t.Fatal(err)
			}
			if !check.OK() {
				t.Fatalf("problems %+v", check.Problems)
			}
			if !tc.warn {
				if len(check.Warnings) != 0 {
					t.Errorf("warnings %+v, want none", check.Warnings)
				}
				return
			}
			if len(check.Warnings) != 1 {
				t.Fatalf("warnings %+v, want one", check.Warnings)
			}
			w := check.Warnings[0]
			if w.Kind != engine.KindPayTable || w.ID != "fertility-survey-pay" || w.Pointer != "/effective_from" || w.Code != rules.CodePayTableLate {
				t.Errorf("warning %+v", w)
			}
			d := rules.Diagnostic{Code: w.Code, Args: w.Args}
			zh := d.Text("zh")
			for _, want := range []string{"2026-12-01 起生效", "开始日期 2026-11-25", "2026-11-25 至 2026-11-30 之间完成的工作不计报酬"} {
				if !strings.Contains(zh, want) {
					t.Errorf("message %q lacks %q", zh, want)
				}
			}
			if missing := d.MissingArgs(); len(missing) > 0 {
				t.Errorf("message lacks arguments %v: %s", missing, zh)
			}
			if _, err := e.PublishCampaign(ctx, author, "survey-2026"); err != nil {
				t.Errorf("a warning kept the campaign from publishing: %v", err)
			}
		})
	}
}

// replaceLine replaces the line of src that starts with prefix.
func replaceLine(t *testing.T, src, prefix, line string) string {
	t.Helper()
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = line
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return ""
}
