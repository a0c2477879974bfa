package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"canvass/engine"
)

// An export keeps the records in the states asked for; the records page
// asks for the accepted ones by default (issue #18: the trainer name list
// mixed drafts and refusals in with the confirmed sign-ups).
func TestRegistryExportStates(t *testing.T) {
	e := newRegistryEnv(t)
	check(t, e.upload(e.super, "a.csv", registryList(), map[string]string{"mode": "good_rows"}), 202, "")
	e.runJobs()
	page, err := e.store.ListRecords(context.Background(), engine.RecordFilter{CampaignID: "registry-2026"}, engine.Page{})
	if err != nil || len(page.Records) != 2 {
		t.Fatalf("imported records: %v %d", err, len(page.Records))
	}
	accepted, waiting := page.Records[0].ID, page.Records[1].ID
	if _, err := e.eng.Act(t.Context(), &engine.Actor{User: e.reviewer}, accepted, engine.Action{Name: "approve"}); err != nil {
		t.Fatal(err)
	}

	exp := "/api/v1/campaigns/registry-2026/export?format=csv"
	for _, tt := range []struct {
		name       string
		query      string
		status     int
		has, hasNo []string
	}{
		{"no filter: every state", "", 200, []string{accepted, waiting}, nil},
		{"accepted only", "&state=accepted", 200, []string{accepted, "已通过"}, []string{waiting}},
		{"two states", "&state=accepted&state=township_review", 200, []string{accepted, waiting}, nil},
		{"comma separated", "&state=draft,township_review", 200, []string{waiting}, []string{accepted}},
		{"drafts only: none", "&state=draft", 200, []string{"id,单位代码"}, []string{accepted, waiting}},
		{"unknown state", "&state=acepted", 422, []string{`"pointer":"/state/0"`, "accepted"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(req{method: "GET", target: exp + tt.query, header: e.token(e.super)})
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			for _, s := range tt.has {
				if !strings.Contains(res.body, s) {
					t.Errorf("body lacks %s:\n%s", s, res.body)
				}
			}
			for _, s := range tt.hasNo {
				if strings.Contains(res.body, s) {
					t.Errorf("body has %s:\n%s", s, res.body)
				}
			}
		})
	}

	cookie, _ := e.session("super")
	res := e.do(req{method: "GET", target: "/registry?campaign=registry-2026", cookies: map[string]string{sessionCookie: cookie}})
	check(t, res, http.StatusOK, "")
	for _, want := range []string{
		`<input type="checkbox" name="state" value="accepted" checked> 已通过`,
		`<input type="checkbox" name="state" value="township_review"> 乡镇审核`,
		`<input type="checkbox" name="state" value="draft"> 草稿`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the export form lacks %s", want)
		}
	}
}

// A draft is exported as 草稿, not as its state ID.
func TestRegistryExportNamesDrafts(t *testing.T) {
	e := newRegistryEnv(t)
	res, err := e.eng.Submit(t.Context(), &engine.Actor{User: e.worker}, engine.Submission{CampaignID: "registry-2026", FormID: "registry-person",
		Answers: map[string]any{"personName": "钱多多"}, Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	got := e.do(req{method: "GET", target: "/api/v1/campaigns/registry-2026/export?format=csv&state=draft", header: e.token(e.super)})
	check(t, got, http.StatusOK, "")
	if !strings.Contains(got.body, res.Record.ID+",370102001001,东关村,草稿,") || strings.Contains(got.body, ",draft,") {
		t.Errorf("export: want the draft named 草稿:\n%s", got.body)
	}
}
