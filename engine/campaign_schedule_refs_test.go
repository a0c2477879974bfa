package engine_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"canvass/engine"
	"canvass/engine/enginetest"
)

// Publishing a campaign checks its schedule against the workflow and the
// forms: the state the tasks open in must be marked scheduled, the subject
// states must exist, and the linked and copied fields must resolve.
func TestPublishChecksScheduleReferences(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	author := mustUser(t, e, "author", "370102", engine.RoleAuthor)
	dir := filepath.Join("..", "examples", "immunization-check")
	enginetest.PublishFile(t, e, author, engine.KindForm, "migrant-child", filepath.Join(dir, "migrant-child.form.json"))
	enginetest.PublishFile(t, e, author, engine.KindForm, "immunization-check", filepath.Join(dir, "immunization-check.form.json"))
	enginetest.PublishFile(t, e, author, engine.KindWorkflow, "migrant-child-immunization", filepath.Join(dir, "migrant-child-immunization.workflow.yaml"))
	tests := []struct {
		name  string
		entry string
		want  []string // pointer code
	}{
		{"as the example has it", `state: check_due, states: [registered], link: childRecord, copy: {childName: childName, birthDate: birthDate}`, nil},
		{"a state the workflow lacks", `state: check_later`, []string{"/schedule/0/state unknown_state"}},
		{"a final state", `state: checked`, []string{"/schedule/0/state final_state"}},
		{"a state not marked scheduled", `state: revisit`, []string{"/schedule/0/state not_scheduled"}},
		{"subjects in a state the workflow lacks", `state: check_due, states: [accepted]`, []string{"/schedule/0/states unknown_state"}},
		{"a link field the check lacks", `state: check_due, link: childId`, []string{"/schedule/0/link unknown_field"}},
		{"copied from a field the registration lacks", `state: check_due, copy: {childName: name}`, []string{"/schedule/0/copy/childName unknown_field"}},
		{"copied into a field the check lacks", `state: check_due, copy: {kidName: childName}`, []string{"/schedule/0/copy/kidName unknown_field"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "sched-" + string(rune('a'+i))
			src := "id: " + id + `
title: {zh: 查验, en: Checks}
forms: [migrant-child, immunization-check]
workflow: migrant-child-immunization
org_scope: "370102"
reference_time: 2027-01-01T00:00:00+08:00
schedule:
  - {name: quarterly-check, cron: "0 8 1 1,4,7,10 *", form: immunization-check, for: migrant-child, ` + tt.entry + `}
`
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
		})
	}
}
