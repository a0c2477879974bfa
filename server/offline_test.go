package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestOfflineEvaluatorServed(t *testing.T) {
	e := newEnv(t, Config{})
	tests := []struct {
		name, acceptEncoding, wantEncoding, wantPrefix string
	}{
		{name: "gzip when accepted", acceptEncoding: "gzip, deflate, br", wantEncoding: "gzip", wantPrefix: "\x1f\x8b"},
		{name: "plain otherwise", acceptEncoding: "identity", wantEncoding: "", wantPrefix: "\x00asm"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(req{method: http.MethodGet, target: "/offline/evaluator.wasm", header: map[string]string{"Accept-Encoding": tc.acceptEncoding}})
			if res.status != http.StatusOK {
				t.Fatalf("status %d", res.status)
			}
			if got := res.header.Get("Content-Type"); got != "application/wasm" {
				t.Errorf("Content-Type %q", got)
			}
			if got := res.header.Get("Content-Encoding"); got != tc.wantEncoding {
				t.Errorf("Content-Encoding %q, want %q", got, tc.wantEncoding)
			}
			if !strings.HasPrefix(res.body, tc.wantPrefix) {
				t.Errorf("body starts %q, want %q", res.body[:4], tc.wantPrefix)
			}
			again := e.do(req{method: http.MethodGet, target: "/offline/evaluator.wasm", header: map[string]string{"If-None-Match": res.header.Get("ETag")}})
			if again.status != http.StatusNotModified {
				t.Errorf("revisit with the ETag: status %d, want 304", again.status)
			}
		})
	}
}

func TestOfflineBundle(t *testing.T) {
	e := newFormEnv(t)
	tests := []struct {
		name       string
		header     map[string]string
		wantStatus int
		wantForms  []string
	}{
		{name: "a field worker gets the household form", header: e.as(e.worker), wantStatus: http.StatusOK, wantForms: []string{householdCampaign + "/" + householdForm}},
		{name: "a worker outside the campaign's scope gets no form", header: e.as(e.outsider), wantStatus: http.StatusOK, wantForms: []string{}},
		{name: "a reviewer does not collect", header: e.as(e.reviewer), wantStatus: http.StatusForbidden},
		{name: "a stranger is asked to sign in", wantStatus: http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.do(req{method: http.MethodGet, target: "/api/v1/offline/bundle?lang=zh-CN", header: tc.header})
			if res.status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.status, tc.wantStatus, res.body)
			}
			if tc.wantForms == nil {
				return
			}
			var b offlineBundleJSON
			res.decode(t, &b)
			got := []string{}
			for _, f := range b.Forms {
				got = append(got, f.Campaign+"/"+f.Form)
				if !strings.Contains(f.Source, `"properties"`) || f.Version < 1 || f.RefTime.IsZero() || f.NewURL == "" {
					t.Errorf("form %s: source, version, reference time or address missing: %+v", f.Form, f)
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.wantForms, ",") {
				t.Errorf("forms %v, want %v", got, tc.wantForms)
			}
			if b.Messages["offline.status.unsent"] != "未同步" || b.Messages["offline.status.conflict"] != "冲突" {
				t.Errorf("messages: %v", b.Messages)
			}
			if len(b.Pages) < 2 || b.Pages[0] != "/" {
				t.Errorf("pages %v, want home first", b.Pages)
			}
		})
	}
}

func TestWebManifest(t *testing.T) {
	e := newEnv(t, Config{})
	res := e.do(req{method: http.MethodGet, target: "/manifest.webmanifest"})
	var m struct {
		Name, StartURL, Display string
		Icons                   []struct{ Src string }
	}
	res.decode(t, &m)
	if res.status != http.StatusOK || m.Display != "standalone" || len(m.Icons) != 1 || !strings.HasPrefix(m.Icons[0].Src, "/static/icon.svg") {
		t.Errorf("status %d, manifest %s", res.status, res.body)
	}
	sw := e.do(req{method: http.MethodGet, target: "/sw.js"})
	if sw.status != http.StatusOK || !strings.Contains(sw.header.Get("Content-Type"), "javascript") || !strings.Contains(sw.body, `addEventListener("fetch"`) {
		t.Errorf("sw.js: status %d, type %q", sw.status, sw.header.Get("Content-Type"))
	}
}

func TestOfflineKey(t *testing.T) {
	e := newFormEnv(t)
	e.withVault(0)
	const phone, other = "0b7e3c1a-5d2f-4a8e-9c61-2f4d8b7a1e90", "7d1f2e3c-4b5a-4968-8776-a5b4c3d2e1f0"
	get := func(device string, header map[string]string) (int, offlineKeyJSON, string) {
		res := e.do(req{method: http.MethodGet, target: "/api/v1/offline/key?device=" + device, header: header})
		var k offlineKeyJSON
		if res.status == http.StatusOK {
			res.decode(t, &k)
			if got := res.header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
		}
		return res.status, k, res.body
	}
	tests := []struct {
		name       string
		device     string
		header     map[string]string
		wantStatus int
	}{
		{name: "a field worker gets her phone's key", device: phone, header: e.as(e.worker), wantStatus: http.StatusOK},
		{name: "a reviewer keeps nothing offline", device: phone, header: e.as(e.reviewer), wantStatus: http.StatusForbidden},
		{name: "a stranger is asked to sign in", device: phone, wantStatus: http.StatusUnauthorized},
		{name: "a device that is not a UUID", device: "phone-1", header: e.as(e.worker), wantStatus: http.StatusUnprocessableEntity},
		{name: "no device", device: "", header: e.as(e.worker), wantStatus: http.StatusUnprocessableEntity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, k, body := get(tc.device, tc.header)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", status, tc.wantStatus, body)
			}
			if status == http.StatusOK && (k.Device != tc.device || len(k.Key) != 44) {
				t.Errorf("key %+v, want 32 bytes for %s", k, tc.device)
			}
		})
	}

	// The same user and phone always get the same key (a record queued
	// before the session expired opens after signing in again); another
	// phone or another user gets another.
	_, first, _ := get(phone, e.as(e.worker))
	_, again, _ := get(phone, e.as(e.worker))
	_, otherPhone, _ := get(other, e.as(e.worker))
	_, otherUser, _ := get(phone, e.as(e.outsider))
	if first.Key != again.Key {
		t.Errorf("the same user and phone got %s, then %s", first.Key, again.Key)
	}
	if first.Key == otherPhone.Key || first.Key == otherUser.Key || otherUser.Key == "" {
		t.Errorf("keys of another phone (%s) or user (%s) equal the phone's %s", otherPhone.Key, otherUser.Key, first.Key)
	}
}
