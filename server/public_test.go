package server

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"canvass/engine"
)

// linkEnv is formEnv with a supervisor, helpers for links and the public
// pages.
type linkEnv struct {
	*formEnv
	supervisor *engine.User
}

func newLinkEnv(t *testing.T) *linkEnv {
	t.Helper()
	fe := newFormEnv(t)
	le := &linkEnv{formEnv: fe, supervisor: fe.user("supervisor", childUnit, engine.RoleSupervisor)}
	fe.tokens[le.supervisor.Username] = fe.apiToken(le.supervisor)
	return le
}

// makeLinks creates links as u and returns the response.
func (e *linkEnv) makeLinks(u *engine.User, body map[string]any) result {
	e.t.Helper()
	return e.do(req{method: "POST", target: "/api/v1/campaigns/" + householdCampaign + "/links", json: body, header: e.as(u)})
}

// mustLinks creates links as u and returns them.
func (e *linkEnv) mustLinks(u *engine.User, body map[string]any) []linkJSON {
	e.t.Helper()
	res := e.makeLinks(u, body)
	check(e.t, res, http.StatusCreated, "")
	var out struct{ Links []linkJSON }
	res.decode(e.t, &out)
	return out.Links
}

// publicCSRF opens the public form to get the double-submit cookie.
func (e *linkEnv) publicCSRF(token string) string {
	e.t.Helper()
	res := e.do(req{method: "GET", target: "/p/" + token})
	check(e.t, res, http.StatusOK, "")
	c := res.cookie(publicCookie).Value
	if c == "" {
		e.t.Fatal("the public form set no CSRF cookie")
	}
	return c
}

// submitPublic posts answers through the public API with a valid
// double-submit token.
func (e *linkEnv) submitPublic(token string, answers map[string]any, ip string) result {
	e.t.Helper()
	csrf := e.publicCSRF(token)
	h := map[string]string{headerCSRF: csrf}
	if ip != "" {
		h["X-Forwarded-For"] = ip
	}
	return e.do(req{method: "POST", target: "/api/v1/public/" + token + "/records", json: map[string]any{"answers": answers},
		header: h, cookies: map[string]string{publicCookie: csrf}})
}

// linkFieldCode is the field code of a link refusal (revoked, expired, used).
func linkFieldCode(t *testing.T, res result) string {
	t.Helper()
	var body errorBody
	res.decode(t, &body)
	if len(body.Error.Fields) != 1 {
		return ""
	}
	return body.Error.Fields[0].Code
}

func TestPublicOpenLink(t *testing.T) {
	e := newLinkEnv(t)
	links := e.mustLinks(e.worker, map[string]any{"form": householdForm})
	if len(links) != 1 || links[0].Token == "" || !strings.HasSuffix(links[0].URL, "/p/"+links[0].Token) || links[0].Status != "open" {
		t.Fatalf("links = %+v", links)
	}
	tok := links[0].Token
	answers := validAnswers()
	answers["address"].(map[string]any)["street"] = "槐树巷 7 号"
	for i := range 2 {
		res := e.submitPublic(tok, answers, "")
		check(t, res, http.StatusCreated, "")
		if strings.Contains(res.body, "赵丽华") || strings.Contains(res.body, headID) {
			t.Errorf("submit %d: the receipt echoes answers: %s", i, res.body)
		}
	}
	if got, want := e.records(), 2; got != want {
		t.Errorf("records: got %d, want %d", got, want)
	}
	page, err := e.store.ListRecords(context.Background(), engine.RecordFilter{}, engine.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Records {
		if got, want := r.OrgUnit, grandUnit; got != want {
			t.Errorf("record unit: got %s, want %s", got, want)
		}
		if got, want := r.CreatedBy, "public:"+links[0].ID; got != want {
			t.Errorf("created by: got %s, want %s", got, want)
		}
	}
	// The public pages show the empty form and a receipt, never the
	// answers stored before.
	for _, target := range []string{"/p/" + tok, "/p/" + tok + "/thanks?ref=" + page.Records[0].ID} {
		res := e.do(req{method: "GET", target: target})
		check(t, res, http.StatusOK, "")
		for _, secret := range []string{"赵丽华", headID, "槐树巷"} {
			if strings.Contains(res.body, secret) {
				t.Errorf("GET %s shows %q", target, secret)
			}
		}
	}
	// Nobody sees the token again.
	list := e.do(req{method: "GET", target: "/api/v1/campaigns/" + householdCampaign + "/links", header: e.as(e.worker)})
	check(t, list, http.StatusOK, "")
	if strings.Contains(list.body, tok) {
		t.Errorf("the list shows the token: %s", list.body)
	}
	// Nor does the database hold it.
	if l, err := e.store.GetLink(context.Background(), links[0].ID); err != nil || l.TokenHash == tok || l.TokenHash != engine.HashToken(tok) {
		t.Errorf("stored link: %+v %v", l, err)
	}
}

func TestPublicOneTimeLink(t *testing.T) {
	e := newLinkEnv(t)
	links := e.mustLinks(e.worker, map[string]any{"form": householdForm, "oneTime": true,
		"preset": []map[string]any{{"respondentId": headID, "householdSize": 4}, {"respondentId": head2ID}}})
	if len(links) != 2 {
		t.Fatalf("links = %+v", links)
	}
	tok := links[0].Token

	page := e.do(req{method: "GET", target: "/p/" + tok})
	check(t, page, http.StatusOK, "")
	if strings.Contains(page.body, headID) {
		t.Errorf("the public form shows the preset ID number unmasked")
	}
	if !strings.Contains(page.body, engine.Mask(engine.PIIIDNumber, headID)) {
		t.Errorf("the public form does not show the preset ID number masked")
	}

	// The respondent tries to change the preset answers: they are kept.
	answers := validAnswers()
	answers["respondentId"], answers["householdSize"] = head2ID, 9
	res := e.submitPublic(tok, answers, "")
	check(t, res, http.StatusCreated, "")
	var receipt publicReceiptJSON
	res.decode(t, &receipt)
	if got, want := receipt.ID, engine.LinkRecordID(links[0].ID); got != want {
		t.Errorf("record ID: got %s, want %s (derived from the link)", got, want)
	}
	r, err := e.store.GetRecord(context.Background(), receipt.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.DedupKey, e.eng.Vault().Lookup(householdCampaign, engine.PIIIDNumber, headID); got != want {
		t.Errorf("stored ID number is not the preset one")
	}
	if got := r.Answers["householdSize"]; got != float64(4) && got != int64(4) && got != 4 {
		t.Errorf("householdSize: got %v, want the preset 4", got)
	}

	// A second use is refused and stores nothing.
	before := e.records()
	for _, tc := range []struct {
		name    string
		answers map[string]any
	}{
		{"same_answers", answers},
		{"other_answers", validAnswers()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(req{method: "POST", target: "/api/v1/public/" + tok + "/records", json: map[string]any{"answers": tc.answers},
				header: map[string]string{headerCSRF: page.cookie(publicCookie).Value}, cookies: map[string]string{publicCookie: page.cookie(publicCookie).Value}})
			check(t, res, http.StatusConflict, engine.ECLOSED)
			if got, want := linkFieldCode(t, res), "used"; got != want {
				t.Errorf("why: got %q, want %q", got, want)
			}
		})
	}
	if got := e.records(); got != before {
		t.Errorf("records after a second use: got %d, want %d", got, before)
	}
	used := e.do(req{method: "GET", target: "/p/" + tok, header: map[string]string{"Accept-Language": "en"}})
	check(t, used, http.StatusConflict, "")
	if !strings.Contains(used.body, "This link has been used") {
		t.Errorf("the page does not say the link was used: %s", used.body)
	}
	// The other household's link still works.
	check(t, e.submitPublic(links[1].Token, validAnswers(), ""), http.StatusCreated, "")
}

// A crash after the link was consumed but before the record was stored
// leaves a used link without its record: the retry completes it once.
func TestPublicOneTimeLinkCrashRetry(t *testing.T) {
	e := newLinkEnv(t)
	links := e.mustLinks(e.worker, map[string]any{"form": householdForm, "oneTime": true})
	rid := engine.LinkRecordID(links[0].ID)
	if err := e.store.ConsumeLink(context.Background(), links[0].ID, rid, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	res := e.submitPublic(links[0].Token, validAnswers(), "")
	check(t, res, http.StatusCreated, "")
	csrf := res.cookie(publicCookie).Value
	if csrf == "" {
		csrf = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	}
	again := e.do(req{method: "POST", target: "/api/v1/public/" + links[0].Token + "/records", json: map[string]any{"answers": validAnswers()},
		header: map[string]string{headerCSRF: csrf}, cookies: map[string]string{publicCookie: csrf}})
	check(t, again, http.StatusConflict, engine.ECLOSED)
	if got := e.records(); got != 1 {
		t.Errorf("records: got %d, want 1", got)
	}
}

func TestPublicLinkRefusals(t *testing.T) {
	for _, tc := range []struct {
		name       string
		setup      func(e *linkEnv, l linkJSON)
		wantStatus int
		wantCode   string
		wantWhy    string
	}{
		{"revoked", func(e *linkEnv, l linkJSON) {
			check(e.t, e.do(req{method: "POST", target: "/api/v1/links/" + l.ID + "/revoke", header: e.as(e.worker)}), http.StatusOK, "")
		}, http.StatusConflict, engine.ECLOSED, "revoked"},
		{"expired", func(e *linkEnv, l linkJSON) { e.clock.Add(2 * time.Hour) }, http.StatusConflict, engine.ECLOSED, "expired"},
		{"campaign_closed", func(e *linkEnv, l linkJSON) {
			check(e.t, e.do(req{method: "POST", target: "/api/v1/campaigns/" + householdCampaign + "/close",
				json: map[string]string{"reason": "样本已满"}, header: e.as(e.author)}), http.StatusOK, "")
		}, http.StatusConflict, engine.ECLOSED, ""},
		{"unknown_token", func(e *linkEnv, l linkJSON) {}, http.StatusNotFound, engine.ENOTFOUND, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLinkEnv(t)
			l := e.mustLinks(e.worker, map[string]any{"form": householdForm, "expiresAt": e.clock.Now().Add(time.Hour)})[0]
			tc.setup(e, l)
			tok := l.Token
			if tc.name == "unknown_token" {
				tok = strings.Repeat("A", 43)
			}
			csrf := "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			res := e.do(req{method: "POST", target: "/api/v1/public/" + tok + "/records", json: map[string]any{"answers": validAnswers()},
				header: map[string]string{headerCSRF: csrf}, cookies: map[string]string{publicCookie: csrf}})
			check(t, res, tc.wantStatus, tc.wantCode)
			if tc.wantWhy != "" {
				if got := linkFieldCode(t, res); got != tc.wantWhy {
					t.Errorf("why: got %q, want %q", got, tc.wantWhy)
				}
			}
			page := e.do(req{method: "GET", target: "/p/" + tok})
			if got := page.status; got != tc.wantStatus {
				t.Errorf("page status: got %d, want %d", got, tc.wantStatus)
			}
			if got := e.records(); got != 0 {
				t.Errorf("records: got %d, want 0", got)
			}
		})
	}
}

func TestPublicCSRFAndRateLimit(t *testing.T) {
	e := newLinkEnv(t)
	tok := e.mustLinks(e.worker, map[string]any{"form": householdForm})[0].Token
	t.Run("no_token", func(t *testing.T) {
		res := e.do(req{method: "POST", target: "/api/v1/public/" + tok + "/records", json: map[string]any{"answers": validAnswers()}})
		check(t, res, http.StatusForbidden, engine.EFORBIDDEN)
		form := e.do(req{method: "POST", target: "/p/" + tok, body: "_action=submit",
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
		check(t, form, http.StatusForbidden, "")
	})
	t.Run("limit_per_address", func(t *testing.T) {
		var last result
		for range engine.PublicSubmitsPerIP + 1 {
			last = e.submitPublic(tok, map[string]any{}, "")
		}
		check(t, last, http.StatusTooManyRequests, engine.ERATELIMITED)
		if got := e.records(); got != 0 {
			t.Errorf("records: got %d, want 0", got)
		}
	})
}

// The no-JavaScript path: the page posts back to itself and lands on the
// thank-you page.
func TestPublicFormPost(t *testing.T) {
	e := newLinkEnv(t)
	tok := e.mustLinks(e.worker, map[string]any{"form": householdForm})[0].Token
	csrf := e.publicCSRF(tok)
	post := func(values url.Values) result {
		values.Set("_csrf", csrf)
		return e.do(req{method: "POST", target: "/p/" + tok, body: values.Encode(),
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, cookies: map[string]string{publicCookie: csrf}})
	}
	bad := post(url.Values{"_action": {"submit"}, "respondentName": {"赵丽华"}})
	check(t, bad, http.StatusUnprocessableEntity, "")
	if _, ok := fieldErrorText(bad.body, "/respondentId"); !ok {
		t.Errorf("no error slot beside respondentId")
	}
	ok := post(url.Values{"_action": {"submit"}, "respondentName": {"赵丽华"}, "respondentId": {headID}, "hasChildren": {"false"},
		"address.township": {childUnit}, "address.village": {grandUnit}})
	if ok.status != http.StatusSeeOther || !strings.HasPrefix(ok.header.Get("Location"), "/p/"+tok+"/thanks?ref=") {
		t.Fatalf("submit: got %d %s %s", ok.status, ok.header.Get("Location"), ok.body)
	}
	if got := e.records(); got != 1 {
		t.Errorf("records: got %d, want 1", got)
	}
	eval := e.do(req{method: "POST", target: "/api/v1/public/" + tok + "/evaluate", json: map[string]any{"answers": map[string]any{}},
		header: map[string]string{headerCSRF: csrf}, cookies: map[string]string{publicCookie: csrf}})
	check(t, eval, http.StatusOK, "")
}

func TestPublicQRCodes(t *testing.T) {
	e := newLinkEnv(t)
	l := e.mustLinks(e.worker, map[string]any{"form": householdForm})[0]
	png := e.do(req{method: "GET", target: "/p/" + l.Token + "/qr.png"})
	check(t, png, http.StatusOK, "")
	if got := png.header.Get("Content-Type"); got != "image/png" || !strings.HasPrefix(png.body, "\x89PNG\r\n\x1a\n") {
		t.Errorf("qr.png: type %q, starts %q", got, png.body[:min(8, len(png.body))])
	}
	svg := e.do(req{method: "GET", target: "/p/" + l.Token + "/qr.svg"})
	check(t, svg, http.StatusOK, "")
	if got := svg.header.Get("Content-Type"); got != "image/svg+xml" {
		t.Errorf("qr.svg type %q", got)
	}
	dec := xml.NewDecoder(strings.NewReader(svg.body))
	var root string
	for {
		tk, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("qr.svg is not well-formed: %v", err)
		}
		if se, ok := tk.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("qr.svg root: got %q, want svg", root)
	}
	check(t, e.do(req{method: "GET", target: "/p/" + strings.Repeat("B", 43) + "/qr.png"}), http.StatusNotFound, engine.ENOTFOUND)
	if !bytes.Contains([]byte(l.QRPNG), []byte("/p/"+l.Token+"/qr.png")) {
		t.Errorf("create response QR address: %s", l.QRPNG)
	}
}

// TestPublicOneTimeLinkTwinsAtOnce: a respondent's phone sends the same
// one-time form 50 times at once. One record, one 201 and one audit event;
// every other answer is a 200 replay of that record or, once the link
// reads as used, a 409 "used" — never a second "created".
func TestPublicOneTimeLinkTwinsAtOnce(t *testing.T) {
	e := newLinkEnv(t)
	link := e.mustLinks(e.worker, map[string]any{"form": householdForm, "oneTime": true})[0]
	rid := engine.LinkRecordID(link.ID)
	csrf := e.publicCSRF(link.Token)
	const n = 50
	results := e.doAtOnce(n, func(i int) req {
		return req{method: "POST", target: "/api/v1/public/" + link.Token + "/records", json: map[string]any{"answers": validAnswers()},
			header:  map[string]string{headerCSRF: csrf, "X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)},
			cookies: map[string]string{publicCookie: csrf}}
	})
	statuses := map[int]int{}
	for i, res := range results {
		statuses[res.status]++
		switch res.status {
		case http.StatusCreated, http.StatusOK:
			var got publicReceiptJSON
			res.decode(t, &got)
			if got.ID != rid || got.Replayed != (res.status == http.StatusOK) {
				t.Errorf("answer %d: %d %s, want record %s, replayed only with 200", i, res.status, res.body, rid)
			}
		case http.StatusConflict:
			if got := linkFieldCode(t, res); got != "used" {
				t.Errorf("answer %d: 409 %q, want used", i, got)
			}
		default:
			t.Errorf("answer %d: %d %s", i, res.status, res.body)
		}
	}
	if statuses[http.StatusCreated] != 1 {
		t.Errorf("statuses: got %v, want exactly one 201", statuses)
	}
	if got := e.records(); got != 1 {
		t.Errorf("records stored: got %d, want 1", got)
	}
	if got := auditCount(t, e.env, "record.submit_public", rid); got != 1 {
		t.Errorf("record.submit_public audit events: got %d, want 1", got)
	}
}
