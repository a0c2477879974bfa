package server

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

// The household campaign of server/testdata/forms: the form
// household-visit (every widget, a section with a cascading list, a
// resident ID with a calculated age, a yes/no that reveals a repeat
// group of children with a calculated age each), the workflow
// household-review (the township checks) and the campaign household-2026
// over ownUnit, open through December 2026. The fixture clock stands at
// its reference time, 6 December 00:00 China time.
const (
	householdCampaign = "household-2026"
	householdForm     = "household-visit"
	householdWorkflow = "household-review"

	// Resident ID numbers with valid check characters (fictional people).
	headID  = "370102198001011237"
	head2ID = "370102197512034524"
	// badCheckID has a wrong check character.
	badCheckID = "370102198001011238"
)

// fixtureRefTime is the campaign's reference time, where newEnv's clock
// starts.
var fixtureRefTime = time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC)

// formEnv is a server whose engine has a PII vault and the household
// campaign published, with one user per role that the forms need.
type formEnv struct {
	*env
	author, worker, admin, reviewer, outsider *engine.User
	tokens                                    map[string]string // username → API token
}

func newFormEnv(t *testing.T) *formEnv {
	t.Helper()
	e := newEnv(t, Config{})
	e.withVault(0)
	fe := &formEnv{
		env:      e,
		author:   e.user("author", rootUnit, engine.RoleAuthor),
		worker:   e.user("worker", grandUnit, engine.RoleFieldWorker),
		admin:    e.user("admin", ownUnit, engine.RoleAdmin),
		reviewer: e.user("reviewer", childUnit, engine.RoleReviewer),
		// outsider works in the neighbouring district: the campaign is
		// not theirs.
		outsider: e.user("outsider", nephewUnit, engine.RoleFieldWorker),
		tokens:   map[string]string{},
	}
	for _, u := range []*engine.User{fe.author, fe.worker, fe.admin, fe.reviewer, fe.outsider} {
		fe.tokens[u.Username] = e.apiToken(u)
	}
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, householdForm, "household-visit.form.json"},
		{engine.KindWorkflow, householdWorkflow, "household-review.workflow.yaml"},
		{engine.KindCampaign, householdCampaign, "household-2026.campaign.yaml"},
	} {
		fe.publish(f.kind, f.id, readTestdata(t, f.file))
	}
	return fe
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "forms", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// publish saves and publishes a definition through the engine.
func (e *formEnv) publish(kind, id string, src []byte) {
	e.t.Helper()
	e.publishSource(e.author, kind, id, id+"."+kind, src)
}

// as is the Authorization header of u's API token.
func (e *formEnv) as(u *engine.User) map[string]string { return bearer(e.tokens[u.Username]) }

// records returns how many records the store holds.
func (e *formEnv) records() int {
	e.t.Helper()
	page, err := e.store.ListRecords(context.Background(), engine.RecordFilter{}, engine.Page{Limit: engine.MaxPageLimit})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(page.Records)
}

// validAnswers is a household that passes every rule: a head of
// household of 46 with one child.
func validAnswers() map[string]any {
	return map[string]any{
		"address":        map[string]any{"township": "370102001", "village": "370102001001", "street": "幸福路 12 号"},
		"respondentName": "赵丽华",
		"respondentId":   headID,
		"householdSize":  3,
		"monthlyIncome":  2500.5,
		"visitDate":      "2026-12-05",
		"housing":        "own",
		"benefits":       []any{"reward"},
		"hasChildren":    true,
		"children":       []any{map[string]any{"childName": "赵小明", "childBirthDate": "2020-03-01"}},
	}
}

// fieldPointers lists an error body's fields as "pointer:code".
func fieldPointers(t *testing.T, res result) []string {
	t.Helper()
	var body errorBody
	res.decode(t, &body)
	var out []string
	for _, f := range body.Error.Fields {
		out = append(out, f.Pointer+":"+f.Code)
	}
	return out
}

// fieldErrorText returns the error a page shows in the error slot of the
// field at pointer, and whether the page has that slot. The slot's ID is
// made from the field's own, so finding the text there proves it stands
// beside that field.
func fieldErrorText(html, pointer string) (string, bool) {
	id := "f-" + strings.ReplaceAll(strings.TrimPrefix(pointer, "/"), "/", "-") + "-error"
	m := regexp.MustCompile(`<small class="field-error" id="` + regexp.QuoteMeta(id) + `" data-error-for="` +
		regexp.QuoteMeta(pointer) + `" aria-live="polite">([^<]*)</small>`).FindStringSubmatch(html)
	if m == nil {
		return "", false
	}
	return m[1], true
}
