package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"canvass/engine"
)

// Applicants' ID numbers (valid check digits, fictional people).
const (
	applicantID  = "370102198001011237"
	applicantID2 = "370102197512034524"
)

// subsidyEnv is a server whose engine has a PII vault and the subsidy
// campaign (server/testdata/subsidy) published: the village collects, the
// township checks, the district approves amounts of 1,000 yuan and more.
type subsidyEnv struct {
	*env
	author, worker, township, district *engine.User
	tokens                             map[string]string // user ID → API token
}

func newSubsidyEnv(t *testing.T) *subsidyEnv {
	t.Helper()
	e := newEnv(t, Config{})
	e.withVault(0)
	se := &subsidyEnv{
		env:      e,
		author:   e.user("author", rootUnit, engine.RoleAuthor),
		worker:   e.user("worker", grandUnit, engine.RoleFieldWorker),
		township: e.user("township", childUnit, engine.RoleReviewer),
		district: e.user("district", ownUnit, engine.RoleReviewer),
		tokens:   map[string]string{},
	}
	e.publishFiles(se.author, filepath.Join("testdata", "subsidy"),
		definitionFile{engine.KindForm, "subsidy-application", "subsidy-application.form.json"},
		definitionFile{engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml"},
		definitionFile{engine.KindCampaign, "subsidy-2026", "subsidy-2026.campaign.yaml"})
	return se
}

func asActor(u *engine.User) *engine.Actor { return &engine.Actor{User: u, IP: "192.0.2.1"} }

// subsidyAnswers is a valid set of answers asking for amount yuan.
func subsidyAnswers(amount int) map[string]any {
	return map[string]any{"applicant": "周建华", "idNumber": applicantID, "phone": "13912345678", "amount": amount, "eligibilityChecked": true}
}

// submit stores a record through the engine, as the submit route will:
// by the user, in unit ("" for the user's own).
func (e *subsidyEnv) submit(u *engine.User, unit string, answers map[string]any) *engine.Record {
	e.t.Helper()
	res, err := e.eng.Submit(context.Background(), asActor(u), engine.Submission{
		CampaignID: "subsidy-2026", FormID: "subsidy-application", OrgUnit: unit, Answers: answers,
	})
	if err != nil {
		e.t.Fatalf("submit: %v %v", err, engine.ErrorFields(err))
	}
	return res.Record
}

// api sends a JSON API request with an API token of u.
func (e *subsidyEnv) api(u *engine.User, method, target string, body any) result {
	e.t.Helper()
	token, ok := e.tokens[u.ID]
	if !ok {
		token = e.apiToken(u)
		e.tokens[u.ID] = token
	}
	return e.do(req{method: method, target: target, json: body, header: bearer(token)})
}

// record fetches a record through the API as u.
func (e *subsidyEnv) record(u *engine.User, id string) recordJSON {
	e.t.Helper()
	res := e.api(u, "GET", "/api/v1/records/"+id, nil)
	if res.status != 200 {
		e.t.Fatalf("GET record %s as %s: %d %s", id, u.Username, res.status, res.body)
	}
	var r recordJSON
	res.decode(e.t, &r)
	return r
}

// recordIDs lists the IDs of a records or inbox answer.
func recordIDs(t *testing.T, res result) []string {
	t.Helper()
	var body struct {
		Records []recordJSON `json:"records"`
	}
	res.decode(t, &body)
	out := []string{}
	for _, r := range body.Records {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

// sortedIDs returns the strings sorted, for comparing sets.
func sortedIDs(s ...string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}

// errPointers lists the field pointers of an error answer.
func errPointers(r result) []string {
	var b errorBody
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		return nil
	}
	var out []string
	for _, f := range b.Error.Fields {
		out = append(out, f.Pointer)
	}
	return out
}
