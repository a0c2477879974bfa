package mongo_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/app"
	"canvass/engine"
	"canvass/server"
	mongostore "canvass/store/mongo"
)

// TestServeOutage runs the real HTTP server on the MongoDB store, stops the
// database under it and starts it again: requests that need the database
// answer 503 with a clear message within 2 seconds (never hang, never
// 500), /readyz says why, and service resumes by itself.
func TestServeOutage(t *testing.T) {
	const limit = 2 * time.Second
	dir := t.TempDir()
	srv, err := startFerretDB(dir, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if srv != nil {
			srv.stop()
		}
	})
	st, err := mongostore.Open(t.Context(), srv.uri, mongostore.Options{Database: "serve_outage", Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	e := app.New(app.Config{Config: engine.Config{Store: st, Vault: vault}})
	app := server.New(server.Config{App: e, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).App()

	type answer struct {
		status int
		body   string
		took   time.Duration
	}
	call := func(method, target, body string) answer {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		start := time.Now()
		res, err := app.Test(req, fiber.TestConfig{Timeout: 10 * time.Second, FailOnTimeout: true})
		if err != nil {
			t.Fatalf("%s %s: %v", method, target, err)
		}
		b, _ := io.ReadAll(res.Body)
		return answer{res.StatusCode, string(b), time.Since(start)}
	}
	login := `{"username":"nobody","password":"wrong-password"}`

	if got := call("GET", "/readyz", ""); got.status != 200 {
		t.Fatalf("readyz with the database up: %d %s", got.status, got.body)
	}
	if got := call("POST", "/api/v1/login", login); got.status != 401 {
		t.Fatalf("login with the database up: %d %s, want 401", got.status, got.body)
	}

	addr := srv.addr
	srv.stop()
	srv = nil
	for _, c := range []struct{ name, method, target, body string }{
		{"readyz", "GET", "/readyz", ""},
		{"login", "POST", "/api/v1/login", login},
	} {
		t.Run("down/"+c.name, func(t *testing.T) {
			got := call(c.method, c.target, c.body)
			t.Logf("%s: %d after %v: %s", c.name, got.status, got.took.Round(time.Millisecond), got.body)
			if got.status != 503 {
				t.Errorf("status %d, want 503", got.status)
			}
			if got.took > limit {
				t.Errorf("took %v, want at most %v", got.took, limit)
			}
			var body map[string]any
			if err := json.Unmarshal([]byte(got.body), &body); err != nil {
				t.Fatalf("body is not JSON: %q", got.body)
			}
			if !bytes.Contains([]byte(got.body), []byte("database")) {
				t.Errorf("the answer does not say the database is the problem: %s", got.body)
			}
		})
	}

	srv, err = startFerretDB(dir, addr)
	if err != nil {
		t.Fatalf("restart on %s: %v", addr, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := call("GET", "/readyz", "")
		if got.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz still %d 5s after the restart: %s", got.status, got.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := call("POST", "/api/v1/login", login); got.status != 401 {
		t.Fatalf("login after the restart: %d %s, want 401 again", got.status, got.body)
	}
}
