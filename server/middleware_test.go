package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

var wantSecurityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "same-origin",
	"X-Frame-Options":         "DENY",
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s, _ := newTestServer(t, openStore(t))
	s.App().Get("/test/panic", func(fiber.Ctx) error { panic("boom") })
	tests := []struct {
		name       string
		method     string
		target     string
		body       string
		wantStatus int
	}{
		{name: "success", method: "GET", target: "/healthz", wantStatus: 200},
		{name: "json success", method: "GET", target: "/api/v1/version", wantStatus: 200},
		{name: "unknown route", method: "GET", target: "/nowhere", wantStatus: 404},
		{name: "wrong method", method: "DELETE", target: "/readyz", wantStatus: 405},
		{name: "panic", method: "GET", target: "/test/panic", wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			res := do(t, s, tt.method, tt.target, body, nil)
			if got, want := res.status, tt.wantStatus; got != want {
				t.Errorf("status: got %d, want %d", got, want)
			}
			for name, want := range wantSecurityHeaders {
				if got := res.header.Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
			if got := res.header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("Strict-Transport-Security over plain HTTP: got %q, want none", got)
			}
			if got := res.header.Get(headerRequestID); got == "" {
				t.Errorf("%s: got none, want one", headerRequestID)
			}
		})
	}
}

// serveOnSocket serves s on a real TCP socket on 127.0.0.1 until the test
// ends, optionally wrapped (for TLS), and returns the listening address.
// Use it where app.Test cannot go: app.Test reports fasthttp's own
// rejections (such as a body over the limit) as an error instead of
// returning the response.
func serveOnSocket(t *testing.T, s *Server, wrap func(net.Listener) net.Listener) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if wrap != nil {
		ln = wrap(ln)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return addr
}

func TestHSTSOverTLS(t *testing.T) {
	s, _ := newTestServer(t, openStore(t))
	cert, pool := selfSignedCert(t)
	addr := serveOnSocket(t, s, func(ln net.Listener) net.Listener {
		return tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})
	})
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
	res, err := client.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, 200; got != want {
		t.Errorf("status: got %d, want %d", got, want)
	}
	if got, want := res.Header.Get("Strict-Transport-Security"), "max-age=31536000; includeSubDomains"; got != want {
		t.Errorf("Strict-Transport-Security: got %q, want %q", got, want)
	}
}

// hideLength wraps a reader so the client cannot know the body's length
// and sends it chunked.
type hideLength struct{ io.Reader }

func TestBodyLimit(t *testing.T) {
	s, logs := newTestServer(t, openStore(t)) // limit: 1024 bytes
	s.App().Post("/test/echo", func(c fiber.Ctx) error {
		return c.SendString(strconv.Itoa(len(c.Body())))
	})
	addr := serveOnSocket(t, s, nil)
	// Requests stay under fasthttp's 4 KiB read buffer: the server closes
	// the connection after a 413, and a close with unread bytes pending is
	// a TCP reset that can destroy the response before the client reads it.
	tests := []struct {
		name       string
		size       int
		chunked    bool
		wantStatus int
		wantCode   string
	}{
		{name: "at the limit", size: 1024, wantStatus: 200},
		{name: "one byte over", size: 1025, wantStatus: 413, wantCode: engine.ETOOLARGE},
		{name: "chunked, under", size: 1000, chunked: true, wantStatus: 200},
		{name: "chunked, over", size: 2000, chunked: true, wantStatus: 413, wantCode: engine.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(strings.Repeat("x", tt.size))
			if tt.chunked {
				body = hideLength{body}
			}
			req, err := http.NewRequest("POST", "http://"+addr+"/test/echo", body)
			if err != nil {
				t.Fatal(err)
			}
			// A fresh connection per case: the server closes one after a 413.
			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			r := response{status: res.StatusCode, header: res.Header, body: string(b)}
			if got, want := r.status, tt.wantStatus; got != want {
				t.Errorf("status: got %d, want %d (body %s)", got, want, r.body)
			}
			if got, want := r.errorCode(), tt.wantCode; got != want {
				t.Errorf("code: got %q, want %q (body %s)", got, want, r.body)
			}
			for name, want := range wantSecurityHeaders {
				if got := r.header.Get(name); got != want {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
			if tt.wantStatus == 413 && !tt.chunked {
				id := r.header.Get(headerRequestID)
				if log := logs.String(); !strings.Contains(log, "status=413 ") || !strings.Contains(log, "request_id="+id) {
					t.Errorf("access log lacks status=413 for request %q:\n%s", id, log)
				}
			}
		})
	}
}

// selfSignedCert makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSignedCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "canvass test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// TestShutdownWaitsForInFlightRequests serves on a real socket, starts a
// request that blocks in its handler, shuts down, and checks that the
// request still completes and Shutdown waits for it.
func TestShutdownWaitsForInFlightRequests(t *testing.T) {
	s, _ := newTestServer(t, openStore(t))
	entered := make(chan struct{})
	release := make(chan struct{})
	s.App().Get("/test/slow", func(c fiber.Ctx) error {
		close(entered)
		<-release
		return c.SendString("finished")
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()

	type result struct {
		status int
		body   string
		err    error
	}
	client := &http.Client{Timeout: 10 * time.Second}
	slow := make(chan result, 1)
	go func() {
		res, err := client.Get("http://" + addr + "/test/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		slow <- result{status: res.StatusCode, body: string(b), err: err}
	}()
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the slow request never reached its handler")
	}

	shutdown := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shutdown <- s.Shutdown(ctx)
	}()
	select {
	case err := <-shutdown:
		t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	// The listener is closed: new connections are refused.
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Error("a new connection was accepted during shutdown")
	}

	close(release)
	got := <-slow
	if got.err != nil {
		t.Fatalf("in-flight request: %v", got.err)
	}
	if got.status != 200 || got.body != "finished" {
		t.Errorf("in-flight request: got %d %q, want 200 %q", got.status, got.body, "finished")
	}
	select {
	case err := <-shutdown:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return after the last request finished")
	}
	if err := <-served; err != nil && !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve: got %v, want nil", err)
	}
}
