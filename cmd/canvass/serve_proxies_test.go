package main

import (
	"bytes"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeTrustedProxies: --trusted-proxies decides whether the sign-in
// limits believe X-Forwarded-For. Five failures from one client address
// lock sign-in there only; behind a trusted proxy (here the test itself, on
// 127.0.0.1) another forwarded address still gets to try, without the flag
// the header is ignored and every request is the one peer address.
func TestServeTrustedProxies(t *testing.T) {
	got := runCanvass(t, t.TempDir(), "serve", "--db", "sqlite:c.db", "--trusted-proxies", "10.0.0.0/8,proxy.example")
	if got.code != exitUsage {
		t.Errorf("bad --trusted-proxies: exit code %d, want %d (%s)", got.code, exitUsage, got.stderr)
	}
	checkContains(t, "stderr", got.stderr, `canvass: --trusted-proxies: trusted proxy "proxy.example" is neither an address nor a network`)

	tests := []struct {
		name      string
		args      []string
		wantOther int // the status of a sign-in from another forwarded address
	}{
		{name: "proxy trusted", args: []string{"--trusted-proxies", "127.0.0.1/32"}, wantOther: http.StatusUnauthorized},
		{name: "no trusted proxy", wantOther: http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServe(t, t.TempDir(), append([]string{"--db", "sqlite:c.db"}, tt.args...)...)
			signIn := func(from string) int {
				t.Helper()
				r, err := http.NewRequest("POST", "http://"+s.addr+"/api/v1/login",
					bytes.NewReader([]byte(`{"username":"nobody","password":"not the password"}`)))
				if err != nil {
					t.Fatal(err)
				}
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("X-Forwarded-For", from)
				res, err := (&http.Client{Timeout: 10 * time.Second}).Do(r)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			for i := range 5 {
				if got := signIn("203.0.113.9"); got != http.StatusUnauthorized {
					t.Fatalf("failure %d: got %d, want 401", i+1, got)
				}
			}
			if got := signIn("203.0.113.9"); got != http.StatusTooManyRequests {
				t.Errorf("sixth attempt from the same address: got %d, want 429", got)
			}
			if got := signIn("198.51.100.7"); got != tt.wantOther {
				t.Errorf("attempt from another forwarded address: got %d, want %d", got, tt.wantOther)
			}
			if code := s.stop(t, syscall.SIGTERM); code != 0 {
				t.Errorf("exit code %d, log %v", code, strings.Join(s.messages(), "; "))
			}
		})
	}
}
