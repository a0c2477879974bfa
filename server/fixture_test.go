package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/app"
	"canvass/engine"
	"canvass/store/sqlite"
)

// testPassword is every fixture user's password.
const testPassword = "correct horse 7"

// The org units of the fixture, named by where they stand to a user
// scoped at ownUnit.
const (
	rootUnit    = "370000" // province
	parentUnit  = "370100" // city: the parent of ownUnit
	ownUnit     = "370102" // district: where the role users sit
	childUnit   = "370102001"
	grandUnit   = "370102001001"
	siblingUnit = "370103"
	nephewUnit  = "370103001"
)

var fixtureTree = []engine.OrgUnitRow{
	{Row: 2, Code: rootUnit, Name: "示例省", Level: engine.LevelProvince},
	{Row: 3, Code: parentUnit, Name: "示例市", ParentCode: rootUnit, Level: engine.LevelCity},
	{Row: 4, Code: ownUnit, Name: "示例区", ParentCode: parentUnit, Level: engine.LevelDistrict},
	{Row: 5, Code: childUnit, Name: "东关街道", ParentCode: ownUnit, Level: engine.LevelTownship},
	{Row: 6, Code: grandUnit, Name: "东关村", ParentCode: childUnit, Level: engine.LevelVillage},
	{Row: 7, Code: siblingUnit, Name: "邻区", ParentCode: parentUnit, Level: engine.LevelDistrict},
	{Row: 8, Code: nephewUnit, Name: "邻区街道", ParentCode: siblingUnit, Level: engine.LevelTownship},
}

// testClock is a settable clock shared by the engine and the server.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a server on a real SQLite file with the fixture tree.
type env struct {
	t     *testing.T
	srv   *Server
	eng   *app.App
	store engine.Store
	clock *testClock
	logs  *logBuffer
	// dbPath is the store's SQLite file, for tests that look at every
	// table.
	dbPath string
}

// newEnv opens a fresh SQLite store, imports the fixture tree and builds
// a server on it. cfg may set server options; its Store and Engine are
// filled in.
func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "canvass.db")
	st, err := sqlite.Open(dbPath, sqlite.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	clock := &testClock{now: time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC)}
	eng := app.New(app.Config{Config: engine.Config{Store: st, Now: clock.Now}})
	if rows, err := eng.ImportOrgUnits(context.Background(), nil, fixtureTree); err != nil {
		t.Fatalf("import fixture tree: %v %v", err, rows)
	}
	logs := &logBuffer{}
	cfg.App, cfg.Now = eng, clock.Now
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &env{t: t, srv: New(cfg), eng: eng, store: st, clock: clock, logs: logs, dbPath: dbPath}
}

// user creates a user with testPassword, as the command line would.
func (e *env) user(username string, org string, roles ...string) *engine.User {
	e.t.Helper()
	u, err := e.eng.CreateUser(context.Background(), nil, engine.NewUser{
		Username: username, DisplayName: "测试 " + username, Password: testPassword, Roles: roles, OrgUnit: org,
	})
	if err != nil {
		e.t.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// apiToken returns a fresh API token of u, made through the engine.
func (e *env) apiToken(u *engine.User) string {
	e.t.Helper()
	_, token, err := e.eng.CreateAPIToken(context.Background(), &engine.Actor{User: u, IP: "192.0.2.1"}, "test")
	if err != nil {
		e.t.Fatalf("token for %s: %v", u.Username, err)
	}
	return token
}

// session signs u in through the API and returns the session cookie and
// CSRF token.
func (e *env) session(username string) (cookie, csrf string) {
	e.t.Helper()
	res := e.do(req{method: "POST", target: "/api/v1/login", json: map[string]string{"username": username, "password": testPassword}})
	if res.status != http.StatusOK {
		e.t.Fatalf("login %s: got %d %s", username, res.status, res.body)
	}
	var body sessionJSON
	res.decode(e.t, &body)
	return res.cookie(sessionCookie).Value, body.CSRFToken
}

// req is one request of a scenario.
type req struct {
	method, target string
	json           any               // marshalled as the body, with Content-Type: application/json
	body           string            // a raw body, when json is nil
	header         map[string]string // extra headers
	cookies        map[string]string
	multipart      *multipartBody
}

// multipartBody is a multipart/form-data body: fields and one file.
type multipartBody struct {
	fields   map[string]string
	field    string // the file's field name
	filename string
	content  []byte
}

func (m *multipartBody) encode(t *testing.T) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range m.fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if m.field != "" {
		fw, err := w.CreateFormFile(m.field, m.filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(m.content)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

// result is a response with its cookies.
type result struct {
	response
	cookies []*http.Cookie
}

// cookie returns the Set-Cookie of name, or an empty cookie.
func (r result) cookie(name string) *http.Cookie {
	for _, c := range r.cookies {
		if c.Name == name {
			return c
		}
	}
	return &http.Cookie{}
}

func (r result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// passwordHashMark starts every stored password hash: no response may
// contain one.
const passwordHashMark = "$argon2id$"

// do sends r through the Fiber app in process. Every response is checked
// for password hashes, so every test of this package asserts that none
// ever leaves the server.
func (e *env) do(r req) result {
	e.t.Helper()
	res, err := e.try(r)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// try is do for a goroutine other than the test's: it returns what would
// stop the test instead of stopping it.
func (e *env) try(r req) (result, error) {
	var body io.Reader
	ctype := ""
	switch {
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			return result{}, err
		}
		body, ctype = bytes.NewReader(b), fiber.MIMEApplicationJSON
	case r.multipart != nil:
		body, ctype = r.multipart.encode(e.t)
	case r.body != "":
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.target, body)
	if ctype != "" {
		hr.Header.Set("Content-Type", ctype)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	for k, v := range r.cookies {
		hr.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := e.srv.App().Test(hr, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		return result{}, fmt.Errorf("%s %s: %w", r.method, r.target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return result{}, fmt.Errorf("%s %s: read body: %w", r.method, r.target, err)
	}
	if bytes.Contains(b, []byte(passwordHashMark)) || bytes.Contains(b, []byte("asswordHash")) {
		e.t.Errorf("%s %s: the response contains a password hash: %s", r.method, r.target, b)
	}
	return result{response: response{status: res.StatusCode, header: res.Header, body: string(b)}, cookies: res.Cookies()}, nil
}

// doAtOnce sends the n requests of r together, released at once from
// goroutines of their own, and returns the results in order.
func (e *env) doAtOnce(n int, r func(i int) req) []result {
	e.t.Helper()
	out := make([]result, n)
	errs := make([]error, n)
	begin := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		rq := r(i)
		wg.Go(func() {
			<-begin
			out[i], errs[i] = e.try(rq)
		})
	}
	close(begin)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// check asserts a response's status and error code ("" for success).
func check(t *testing.T, res result, wantStatus int, wantCode string) {
	t.Helper()
	if got := res.status; got != wantStatus {
		t.Errorf("status: got %d, want %d (body %s)", got, wantStatus, res.body)
	}
	if got := res.errorCode(); got != wantCode {
		t.Errorf("error code: got %q, want %q (body %s)", got, wantCode, res.body)
	}
}

// bearer is the Authorization header of an API token.
func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// withVault replaces e's engine and server with ones that seal personal
// data (a fresh key ring), logging at debug level to e.logs; bodyLimit 0
// keeps the server's default.
func (e *env) withVault(bodyLimit int) {
	e.t.Helper()
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		e.t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.eng = app.New(app.Config{Config: engine.Config{Store: e.store, Now: e.clock.Now, Vault: vault, Logger: logger}})
	e.srv = New(Config{App: e.eng, Now: e.clock.Now, Logger: logger, BodyLimit: bodyLimit})
}

// definitionFile is one definition file a fixture publishes.
type definitionFile struct{ kind, id, file string }

// publishSource saves src as the draft of kind/id, named file, and
// publishes it, as author.
func (e *env) publishSource(author *engine.User, kind, id, file string, src []byte) {
	e.t.Helper()
	ctx, a := context.Background(), asActor(author)
	res, err := e.eng.SaveDraft(ctx, a, kind, id, file, src)
	if err != nil {
		e.t.Fatalf("save %s: %v", file, err)
	}
	if _, err := e.eng.Publish(ctx, a, kind, id, res.Definition.Version); err != nil {
		e.t.Fatalf("publish %s: %v %v", file, err, engine.ErrorFields(err))
	}
}

// publishFiles publishes the files in dir, in order, as author.
func (e *env) publishFiles(author *engine.User, dir string, files ...definitionFile) {
	e.t.Helper()
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			e.t.Fatal(err)
		}
		e.publishSource(author, f.kind, f.id, f.file, src)
	}
}
