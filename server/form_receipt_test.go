package server

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

// The receipt shows when the answers on it were stored: after a record
// returned for correction is submitted again, the resubmission's time,
// with the first entry's time beside it (issue #18: it showed the first
// time only, so a worker could not tell the correction had gone in).
func TestReceiptShowsResubmissionTime(t *testing.T) {
	e := newFormEnv(t)
	cookie, csrf := e.pageSession("worker")
	id := engine.NewID(e.clock.Now())
	receipt := "/records/" + id + "/receipt"
	first := localTime(e.clock.Now())

	res := e.do(req{method: "POST", target: newFormURL, cookies: pageAs(cookie), header: formHeader, body: householdPost(csrf, id, "submit")})
	if res.status != http.StatusSeeOther {
		t.Fatalf("submit: got %d:\n%s", res.status, res.body)
	}
	res = e.do(req{method: "GET", target: receipt, cookies: pageAs(cookie)})
	check(t, res, http.StatusOK, "")
	for _, want := range []string{"<dt>提交时间</dt>", `<dd id="record-at">` + first + `</dd>`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("first receipt lacks %q:\n%s", want, res.body)
		}
	}
	if strings.Contains(res.body, "record-created") {
		t.Errorf("first receipt shows a second time:\n%s", res.body)
	}

	e.clock.Add(2 * time.Hour)
	v, err := e.eng.Act(t.Context(), &engine.Actor{User: e.reviewer}, id, engine.Action{Name: "return", Reason: "电话有误"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour + 7*time.Minute)
	again := localTime(e.clock.Now())
	res = e.do(req{method: "POST", target: "/records/" + id + "/edit", cookies: pageAs(cookie), header: formHeader,
		body: householdPost(csrf, id, "submit") + "&_version=" + strconv.FormatInt(v.Version, 10)})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != receipt {
		t.Fatalf("resubmit: got %d %q:\n%s", res.status, res.header.Get("Location"), res.body)
	}
	res = e.do(req{method: "GET", target: receipt, cookies: pageAs(cookie)})
	check(t, res, http.StatusOK, "")
	for _, want := range []string{"<dt>重新提交时间</dt>", `<dd id="record-at">` + again + `</dd>`,
		"<dt>首次填报时间</dt>", `<dd id="record-created">` + first + `</dd>`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("receipt after the resubmission lacks %q:\n%s", want, res.body)
		}
	}

	res = e.do(req{method: "GET", target: receipt + "?lang=en", cookies: pageAs(cookie)})
	if !strings.Contains(res.body, "<dt>Resubmitted at</dt>") {
		t.Errorf("English receipt lacks its label:\n%s", res.body)
	}
}
