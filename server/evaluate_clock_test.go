package server

import (
	"testing"
	"time"

	"canvass/engine"
)

// Live feedback sees the server's clock as submittedAt: a form counting
// the days since a date counts them to the moment of the check.
func TestEvaluateSubmittedAtIsTheServerClock(t *testing.T) {
	e := newFormEnv(t)
	const since = `{"x-form-id": "since", "x-title": {"zh": "天数"}, "type": "object", "properties": {
	  "days": {"type": "integer", "x-label": {"zh": "天数"}, "x-calculate": "daysBetween(\"2026-12-01\", submittedAt)"}}}`
	if _, err := e.eng.SaveDraft(t.Context(), &engine.Actor{User: e.author}, engine.KindForm, "since", "since.form.json", []byte(since)); err != nil {
		t.Fatal(err)
	}
	target := "/api/v1/definitions/form/since/versions/1/evaluate"
	body := map[string]any{"answers": map[string]any{}}
	runSteps(t, e.env, []apiStep{
		{name: "on 6 December", req: req{method: "POST", target: target, json: body, header: e.as(e.author)}, status: 200,
			contains: []string{`"calculated":{"/days":5}`}},
	})
	e.clock.Add(48 * time.Hour)
	runSteps(t, e.env, []apiStep{
		{name: "two days later", req: req{method: "POST", target: target, json: body, header: e.as(e.author)}, status: 200,
			contains: []string{`"calculated":{"/days":7}`}},
	})
}
