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
