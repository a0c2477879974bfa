package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v3"

	"canvass/app"
	"canvass/engine"
	"canvass/store/sqlite"
)

// openStore opens a real SQLite store in a fresh file.
func openStore(t *testing.T) app.Store {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "canvass.db"), sqlite.Options{})
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return st
}

// logBuffer collects log output; handlers may write from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestServer builds a server on st whose debug-level log goes to the
// returned buffer.
func newTestServer(t *testing.T, st app.Store) (*Server, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	s := New(Config{
		Store:     st,
		Logger:    slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		BodyLimit: 1024,
		Version:   "1.2.3-test",
	})
	return s, logs
}

// response is what a test looks at in an answer.
type response struct {
	status int
	header http.Header
	body   string
}

// errorCode returns the code of an error body, or "" when the body is not
// one.
func (r response) errorCode() string {
	var b struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		return ""
	}
	return b.Error.Code
}

// do sends one request through the Fiber app, in process.
func do(t *testing.T, s *Server, method, target string, body io.Reader, header map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := s.App().Test(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, target, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func TestRoutes(t *testing.T) {
	s, _ := newTestServer(t, openStore(t))
	tests := []struct {
		name       string
		method     string
		target     string
		body       string
		wantStatus int
		wantCode   string // error code in the JSON body; "" for a success
		wantBody   string // a substring of the body
	}{
		{name: "healthz", method: "GET", target: "/healthz", wantStatus: 200, wantBody: "ok"},
		{name: "healthz head", method: "HEAD", target: "/healthz", wantStatus: 200},
		{name: "readyz with a working store", method: "GET", target: "/readyz", wantStatus: 200, wantBody: `{"status":"ok"}`},
		{name: "api version", method: "GET", target: "/api/v1/version", wantStatus: 200, wantBody: `{"version":"1.2.3-test"}`},
		{name: "unknown route", method: "GET", target: "/no/such/thing", wantStatus: 404, wantCode: engine.ENOTFOUND},
		{name: "unknown api route", method: "GET", target: "/api/v1/nothing", wantStatus: 404, wantCode: engine.ENOTFOUND},
		{name: "wrong method", method: "POST", target: "/healthz", wantStatus: 405, wantCode: codeMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			res := do(t, s, tt.method, tt.target, body, nil)
			if got, want := res.status, tt.wantStatus; got != want {
				t.Errorf("status: got %d, want %d (body %s)", got, want, res.body)
			}
			if got, want := res.errorCode(), tt.wantCode; got != want {
				t.Errorf("error code: got %q, want %q (body %s)", got, want, res.body)
			}
			if tt.wantCode != "" {
				if got, want := res.header.Get("Content-Type"), "application/json"; !strings.HasPrefix(got, want) {
					t.Errorf("Content-Type: got %q, want %q", got, want)
				}
			}
			if !strings.Contains(res.body, tt.wantBody) {
				t.Errorf("body: got %s, want it to contain %s", res.body, tt.wantBody)
			}
		})
	}
}

// pingStore is a Store whose Ping fails: the one fake in these tests, as a
// real database cannot be made to fail Ping on demand. Any other method
// would panic on the nil embedded Store.
type pingStore struct {
	app.Store
	err error
}

func (p pingStore) Ping(context.Context) error { return p.err }

func TestReadyzUnavailable(t *testing.T) {
	tests := []struct {
		name       string
		pingErr    error
		wantReason string
	}{
		{name: "store unavailable", pingErr: engine.Errorf(engine.EUNAVAILABLE, "the database cannot be reached"), wantReason: "the database cannot be reached"},
		{name: "unexpected failure shows no detail", pingErr: errors.New("disk I/O error at page 7"), wantReason: "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, pingStore{err: tt.pingErr})
			res := do(t, s, "GET", "/readyz", nil, nil)
			if got, want := res.status, http.StatusServiceUnavailable; got != want {
				t.Errorf("status: got %d, want %d", got, want)
			}
			var got readiness
			if err := json.Unmarshal([]byte(res.body), &got); err != nil {
				t.Fatalf("body %s: %v", res.body, err)
			}
			if want := (readiness{Status: "unavailable", Reason: tt.wantReason}); got != want {
				t.Errorf("body: got %+v, want %+v", got, want)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	s, logs := newTestServer(t, openStore(t))
	tests := []struct {
		name     string
		incoming string
		wantKept bool
	}{
		{name: "none sent", incoming: "", wantKept: false},
		{name: "a proxy's id is kept", incoming: "edge-7f3a.42", wantKept: true},
		{name: "a malformed id is replaced", incoming: "bad id\twith spaces", wantKept: false},
		{name: "an overlong id is replaced", incoming: strings.Repeat("a", 65), wantKept: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := map[string]string{}
			if tt.incoming != "" {
				header[headerRequestID] = tt.incoming
			}
			res := do(t, s, "GET", "/api/v1/version", nil, header)
			id := res.header.Get(headerRequestID)
			if got, want := id == tt.incoming, tt.wantKept; got != want {
				t.Errorf("kept the incoming id: got %v, want %v (got id %q)", got, want, id)
			}
			if !tt.wantKept && !engine.ValidID(id) {
				t.Errorf("generated id %q is not a ULID", id)
			}
			if got := logs.String(); !strings.Contains(got, "request_id="+id) {
				t.Errorf("access log does not name request id %q:\n%s", id, got)
			}
		})
	}
}

func TestAccessLogOmitsQueryString(t *testing.T) {
	s, logs := newTestServer(t, openStore(t))
	res := do(t, s, "GET", "/api/v1/version?idNumber=11010519491231002X&name=Wang", nil, nil)
	if got, want := res.status, 200; got != want {
		t.Fatalf("status: got %d, want %d", got, want)
	}
	got := logs.String()
	for _, want := range []string{"msg=request", "method=GET", "path=/api/v1/version", "status=200", "duration="} {
		if !strings.Contains(got, want) {
			t.Errorf("access log: got %s, want it to contain %s", got, want)
		}
	}
	for _, secret := range []string{"11010519491231002X", "Wang", "idNumber"} {
		if strings.Contains(got, secret) {
			t.Errorf("access log contains %q from the query string:\n%s", secret, got)
		}
	}
}

func TestPanicIsRecovered(t *testing.T) {
	s, logs := newTestServer(t, openStore(t))
	s.App().Get("/test/panic", func(fiber.Ctx) error {
		panic("secret panic text 42")
	})
	res := do(t, s, "GET", "/test/panic", nil, nil)
	if got, want := res.status, http.StatusInternalServerError; got != want {
		t.Errorf("status: got %d, want %d", got, want)
	}
	if got, want := res.errorCode(), engine.EINTERNAL; got != want {
		t.Errorf("code: got %q, want %q", got, want)
	}
	if strings.Contains(res.body, "secret") {
		t.Errorf("body shows the panic: %s", res.body)
	}
	id := res.header.Get(headerRequestID)
	log := logs.String()
	if !strings.Contains(log, "secret panic text 42") || !strings.Contains(log, "request_id="+id) {
		t.Errorf("log lacks the panic or the request id %q:\n%s", id, log)
	}
	// The server goes on serving.
	if got, want := do(t, s, "GET", "/healthz", nil, nil).status, 200; got != want {
		t.Errorf("healthz after the panic: got %d, want %d", got, want)
	}
}
