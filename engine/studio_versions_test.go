package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"canvass/engine"
)

// TestStudioVersions: the history lists the campaign and each file it
// binds, newest version first, drafts included; a version's source is
// handed out only for the campaign's own files, to those who may edit it.
func TestStudioVersions(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	district := mustUser(t, e, "district", "370102", engine.RoleAuthor)
	township := mustUser(t, e, "township", "370102001", engine.RoleAuthor)
	other := mustUser(t, e, "other", "370102002", engine.RoleAuthor)
	worker := mustUser(t, e, "worker", "370102001001", engine.RoleFieldWorker)
	publishExample(t, e.Engine, district)
	src, err := os.ReadFile(filepath.Join("..", "examples", "subsidy-review", "subsidy-application.form.json"))
	if err != nil {
		t.Fatal(err)
	}
	v2 := strings.Replace(string(src), `"x-order": 4,`, `"x-order": 4, "maxLength": 20,`, 1)
	if _, err := e.SaveDraft(ctx, district, engine.KindForm, "subsidy-application", "subsidy-application.form.json", []byte(v2)); err != nil {
		t.Fatal(err)
	}

	hist, err := e.StudioVersions(ctx, district, "subsidy-review-2027", "zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		var vs []string
		for _, v := range h.Versions {
			vs = append(vs, v.Status)
			if v.Source != nil {
				t.Errorf("%s %s version %d carries its source", h.Kind, h.ID, v.Version)
			}
		}
		got = append(got, h.Kind+"/"+h.ID+":"+strings.Join(vs, ","))
	}
	want := []string{"campaign/subsidy-review-2027:published", "form/subsidy-application:draft,published",
		"workflow/subsidy-review:published", "paytable/subsidy-review-pay:published"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("history:\n got %v\nwant %v", got, want)
	}
	if f := hist[1]; f.Title != "计划生育家庭奖励扶助、特别扶助资格申请表" || f.Versions[1].PublishedBy != district.ID() || f.Versions[0].CreatedBy != district.ID() {
		t.Errorf("the form's history: %+v %+v", f, f.Versions[1])
	}

	v1, err := e.StudioFileVersion(ctx, district, "subsidy-review-2027", engine.KindForm, "subsidy-application", 1)
	if err != nil || string(v1.Source) != string(src) {
		t.Fatalf("version 1's source: %v", err)
	}
	blank, err := e.NewBlankCampaign(ctx, township, "东关街道登记")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name               string
		who                *engine.Actor
		campaign, kind, id string
		version            int
		code               string // of StudioFileVersion
		history            string // of StudioVersions on the campaign
	}{
		{"version 0", district, "subsidy-review-2027", engine.KindForm, "subsidy-application", 0, engine.EINVALID, ""},
		{"a version not stored", district, "subsidy-review-2027", engine.KindForm, "subsidy-application", 9, engine.ENOTFOUND, ""},
		{"a file the campaign does not bind", district, "subsidy-review-2027", engine.KindForm, blank + "-form", 1, engine.ENOTFOUND, ""},
		{"a township author inside the owner", township, "subsidy-review-2027", engine.KindForm, "subsidy-application", 1, engine.EFORBIDDEN, engine.EFORBIDDEN},
		{"a field worker", worker, "subsidy-review-2027", engine.KindForm, "subsidy-application", 1, engine.EFORBIDDEN, engine.EFORBIDDEN},
		{"another township's author", other, blank, engine.KindForm, blank + "-form", 1, engine.ENOTFOUND, engine.ENOTFOUND},
		{"the township's own", township, blank, engine.KindForm, blank + "-form", 1, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.StudioFileVersion(ctx, tc.who, tc.campaign, tc.kind, tc.id, tc.version)
			if got := engine.ErrorCode(err); got != tc.code {
				t.Errorf("version: code %q, want %q (%v)", got, tc.code, err)
			}
			_, err = e.StudioVersions(ctx, tc.who, tc.campaign, "zh-CN")
			if got := engine.ErrorCode(err); got != tc.history {
				t.Errorf("history: code %q, want %q (%v)", got, tc.history, err)
			}
		})
	}
}
