package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/app"
	"canvass/engine"
	"canvass/examples"
	"canvass/server"
	"canvass/store/sqlite"
)

// The harness: one world per test, a real SQLite file, the real engine
// with a PII vault, and the real Fiber app, driven through HTTP (app.Test)
// with API tokens. Only what the command line does before the server
// starts — importing the district and adding the first administrator —
// goes through the engine directly; everything after is HTTP.

// password is every example user's password.
const password = "qinghe-demo-2026"

// clock is the settable clock the engine and the server share.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (it never goes back in these tests).
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// china is Asia/Shanghai as a fixed zone (UTC+8 all year).
var china = time.FixedZone("CST", 8*3600)

// at returns the instant of a China wall-clock time "2006-01-02 15:04".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, china)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// world is one server over a fresh database with the Qinghe district.
type world struct {
	t       *testing.T
	srv     *server.Server
	eng     *app.App
	clock   *clock
	dbPath  string                    // the SQLite file, for a second process on it
	tokens  map[string]string         // username → API token
	ids     map[string]string         // username → user ID
	cookies map[string][]*http.Cookie // username → the web session's cookies
}

func newWorld(t *testing.T, start time.Time) *world {
	t.Helper()
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	dbPath := filepath.Join(t.TempDir(), "canvass.db")
	st, err := sqlite.Open(dbPath, sqlite.Options{Logger: discard})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: start}
	eng := app.New(app.Config{Config: engine.Config{Store: st, Now: clk.Now, Logger: discard, Vault: vault}})
	ctx := context.Background()
	var rows []engine.OrgUnitRow
	for i, u := range examples.District {
		rows = append(rows, engine.OrgUnitRow{Row: i + 2, Code: u.Code, Name: u.Name, ParentCode: u.Parent, Level: u.Level})
	}
	if rerrs, err := eng.ImportOrgUnits(ctx, nil, rows); err != nil {
		t.Fatalf("import the district: %v %v", err, rerrs)
	}
	admin, err := eng.CreateUser(ctx, nil, engine.NewUser{Username: "admin", DisplayName: "区管理员", Password: password,
		Roles: []string{engine.RoleAdmin}, OrgUnit: "341299"})
	if err != nil {
		t.Fatalf("create admin: %v", err)
	}
	w := &world{t: t, eng: eng, clock: clk, dbPath: dbPath, tokens: map[string]string{}, ids: map[string]string{"admin": admin.ID}, cookies: map[string][]*http.Cookie{},
		srv: server.New(server.Config{App: eng, Store: st, Now: clk.Now, Logger: discard})}
	w.signIn("admin")
	return w
}

// response is one HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// apiError is the JSON of every API error.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Pointer string `json:"pointer"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// ok fails the test unless the status is want.
func (r response) ok(t *testing.T, want int) response {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
	return r
}

// fail asserts an error answer: its status, code, and exactly the field
// errors given as "pointer code" (in the order the server sends them).
func (r response) fail(t *testing.T, status int, code string, fields ...string) {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Errorf("not an error body (status %d): %s", r.status, r.body)
		return
	}
	if r.status != status || e.Error.Code != code {
		t.Errorf("got %d %s, want %d %s: %s", r.status, e.Error.Code, status, code, r.body)
	}
	var got []string
	for _, f := range e.Error.Fields {
		got = append(got, f.Pointer+" "+f.Code)
	}
	if !slices.Equal(got, fields) && !(len(got) == 0 && len(fields) == 0) {
		t.Errorf("field errors %q, want %q", got, fields)
	}
}

// message returns the message of the error at pointer.
func (r response) message(t *testing.T, pointer string) string {
	t.Helper()
	var e apiError
	r.decode(t, &e)
	for _, f := range e.Error.Fields {
		if f.Pointer == pointer {
			return f.Message
		}
	}
	t.Errorf("no error at %s: %s", pointer, r.body)
	return ""
}

// do sends a request as username (signed in with an API token; "" for
// nobody). body is JSON unless it is a []byte, which goes as it is.
func (w *world) do(username, method, target string, body any) response {
	w.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "text/plain; charset=utf-8"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			w.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), fiber.MIMEApplicationJSON
	}
	req := httptest.NewRequest(method, target, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if username != "" {
		tok, ok := w.tokens[username]
		if !ok {
			w.t.Fatalf("%s has not signed in", username)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := w.srv.App().Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		w.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// upload posts a multipart form as username: the file in the field
// "file", and the other fields.
func (w *world) upload(username, target, fileName, content string, fields map[string]string) response {
	w.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			w.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		w.t.Fatal(err)
	}
	io.WriteString(fw, content)
	if err := mw.Close(); err != nil {
		w.t.Fatal(err)
	}
	req := httptest.NewRequest("POST", target, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+w.tokens[username])
	res, err := w.srv.App().Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		w.t.Fatalf("POST %s: %v", target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// page gets a page as username, signed in with the web session's cookie.
func (w *world) page(username, target string) response {
	w.t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	for _, c := range w.cookies[username] {
		req.AddCookie(c)
	}
	res, err := w.srv.App().Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		w.t.Fatalf("GET %s: %v", target, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// formPage checks that the generated form page of a campaign's form shows,
// to username, an input for each of the given answer paths.
func (w *world) formPage(username, camp, form string, names ...string) {
	w.t.Helper()
	res := w.page(username, "/campaigns/"+camp+"/forms/"+form+"/new").ok(w.t, http.StatusOK)
	for _, n := range names {
		if !bytes.Contains(res.body, []byte(`name="`+n+`"`)) {
			w.t.Errorf("the %s page has no field %s", form, n)
		}
	}
}

// signIn signs username in with the password form of the API, then makes an
// API token with that session, as a script would.
func (w *world) signIn(username string) {
	w.t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, username, password)))
	req.Header.Set("Content-Type", fiber.MIMEApplicationJSON)
	res, err := w.srv.App().Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var login struct {
		CSRFToken string `json:"csrfToken"`
	}
	if err := json.NewDecoder(res.Body).Decode(&login); err != nil || res.StatusCode != http.StatusOK {
		w.t.Fatalf("login %s: %d %v", username, res.StatusCode, err)
	}
	w.cookies[username] = res.Cookies()
	req = httptest.NewRequest("POST", "/api/v1/tokens", strings.NewReader(`{"name":"examples"}`))
	req.Header.Set("Content-Type", fiber.MIMEApplicationJSON)
	req.Header.Set("X-CSRF-Token", login.CSRFToken)
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	res, err = w.srv.App().Test(req, fiber.TestConfig{Timeout: time.Minute, FailOnTimeout: true})
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || res.StatusCode != http.StatusCreated {
		w.t.Fatalf("token for %s: %d %v", username, res.StatusCode, err)
	}
	w.tokens[username] = tok.Token
}

// addUser has the administrator add a user through the API, then signs
// the user in.
func (w *world) addUser(username, displayName, org string, roles ...string) {
	w.t.Helper()
	res := w.do("admin", "POST", "/api/v1/users", map[string]any{"username": username, "displayName": displayName,
		"password": password, "roles": roles, "orgUnit": org, "locale": "zh-CN"}).ok(w.t, http.StatusCreated)
	var u struct {
		ID string `json:"id"`
	}
	res.decode(w.t, &u)
	w.ids[username] = u.ID
	w.signIn(username)
}

// publish uploads every definition of an example folder as author and
// publishes it, in order; each must come back without a diagnostic.
func (w *world) publish(author, dir string) {
	w.t.Helper()
	c, ok := examples.Lookup(dir)
	if !ok {
		w.t.Fatalf("no example %s", dir)
	}
	for _, f := range c.Files {
		src, err := examples.ReadFile(f.Path)
		if err != nil {
			w.t.Fatal(err)
		}
		res := w.do(author, "PUT", "/api/v1/definitions/"+f.Kind+"/"+f.ID+"?filename="+f.Name, src).ok(w.t, http.StatusOK)
		var draft struct {
			Definition struct {
				Version int    `json:"version"`
				Status  string `json:"status"`
			} `json:"definition"`
			Diagnostics []json.RawMessage `json:"diagnostics"`
		}
		res.decode(w.t, &draft)
		if len(draft.Diagnostics) != 0 || draft.Definition.Status != "draft" {
			w.t.Fatalf("%s: draft %s", f.Path, res.body)
		}
		w.do(author, "POST", fmt.Sprintf("/api/v1/definitions/%s/%s/versions/%d/publish", f.Kind, f.ID, draft.Definition.Version), nil).
			ok(w.t, http.StatusOK)
	}
}

// receipt is the answer to a submission.
type receipt struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Version int64  `json:"version"`
}

// submit posts a new record (a fresh client ID) and returns the response.
func (w *world) submit(username, campaign, form, org string, answers map[string]any) response {
	w.t.Helper()
	return w.do(username, "POST", "/api/v1/records", map[string]any{"id": engine.NewID(w.clock.Now()),
		"campaign": campaign, "form": form, "orgUnit": org, "answers": answers})
}

// mustSubmit submits and expects 201.
func (w *world) mustSubmit(username, campaign, form, org string, answers map[string]any) receipt {
	w.t.Helper()
	var r receipt
	w.submit(username, campaign, form, org, answers).ok(w.t, http.StatusCreated).decode(w.t, &r)
	return r
}

// record is the API's view of a record.
type record struct {
	ID       string         `json:"id"`
	State    string         `json:"state"`
	Version  int64          `json:"version"`
	OrgUnit  string         `json:"orgUnit"`
	Answers  map[string]any `json:"answers"`
	Actions  []string       `json:"actions"`
	Assignee string         `json:"assignee"`
	DueAt    *time.Time     `json:"dueAt"`
	History  []struct {
		Action string `json:"action"`
		Actor  string `json:"actor"`
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
	} `json:"history"`
}

func (w *world) record(username, id string) record {
	w.t.Helper()
	var r record
	w.do(username, "GET", "/api/v1/records/"+id, nil).ok(w.t, http.StatusOK).decode(w.t, &r)
	return r
}

// act takes an action on a record at the version the caller saw.
func (w *world) act(username, id, action, reason string, version int64, answers map[string]any) response {
	w.t.Helper()
	body := map[string]any{"action": action, "version": version}
	if reason != "" {
		body["reason"] = reason
	}
	if answers != nil {
		body["answers"] = answers
	}
	return w.do(username, "POST", "/api/v1/records/"+id+"/actions", body)
}

// mustAct acts and returns the record after it.
func (w *world) mustAct(username, id, action, reason string, answers map[string]any) record {
	w.t.Helper()
	cur := w.record(username, id)
	var r record
	w.act(username, id, action, reason, cur.Version, answers).ok(w.t, http.StatusOK).decode(w.t, &r)
	return r
}

// bulk takes one action on many records with POST /api/v1/records/actions,
// each at the version the caller reads now, and returns how many
// succeeded.
func (w *world) bulk(username, action, reason string, ids []string) int {
	w.t.Helper()
	var items []map[string]any
	for _, id := range ids {
		items = append(items, map[string]any{"id": id, "version": w.record(username, id).Version})
	}
	body := map[string]any{"action": action, "items": items}
	if reason != "" {
		body["reason"] = reason
	}
	var out struct {
		Succeeded int `json:"succeeded"`
		Failed    int `json:"failed"`
	}
	w.do(username, "POST", "/api/v1/records/actions", body).ok(w.t, http.StatusOK).decode(w.t, &out)
	if out.Failed != 0 {
		w.t.Errorf("bulk %s: %d failed", action, out.Failed)
	}
	return out.Succeeded
}

// counts returns how many records of the campaign username sees in each of
// states, asking the records API for its total.
func (w *world) counts(username, campaign string, states ...string) map[string]int {
	w.t.Helper()
	out := map[string]int{}
	for _, st := range states {
		var page struct {
			Total int `json:"total"`
		}
		w.do(username, "GET", "/api/v1/records?campaign="+campaign+"&state="+st+"&total=1&limit=1", nil).
			ok(w.t, http.StatusOK).decode(w.t, &page)
		out[st] = page.Total
	}
	return out
}

// payments is the payment table of a campaign and period.
type payments struct {
	Rows []struct {
		Worker    string `json:"worker"`
		Item      string `json:"item"`
		Count     int64  `json:"count"`
		RateFen   int64  `json:"rateFen"`
		TotalFen  int64  `json:"totalFen"`
		AmountFen int64  `json:"amountFen"`
	} `json:"rows"`
	Workers []struct {
		Key          string `json:"key"`
		Name         string `json:"name"`
		Count        int64  `json:"count"`
		AmountFen    int64  `json:"amountFen"`
		BonusFen     int64  `json:"bonusFen"`
		DeductionFen int64  `json:"deductionFen"`
		TotalFen     int64  `json:"totalFen"`
	} `json:"workers"`
	Total struct {
		Count     int64  `json:"count"`
		TotalFen  int64  `json:"totalFen"`
		AmountFen int64  `json:"amountFen"`
		Total     string `json:"total"`
	} `json:"total"`
}

func (w *world) payments(username, campaign, period string) payments {
	w.t.Helper()
	var p payments
	w.do(username, "GET", "/api/v1/campaigns/"+campaign+"/payments?period="+period, nil).ok(w.t, http.StatusOK).decode(w.t, &p)
	return p
}

// byWorker returns each worker's total in fen, keyed by username.
func (w *world) byWorker(p payments) map[string]int64 {
	names := map[string]string{}
	for name, id := range w.ids {
		names[id] = name
	}
	out := map[string]int64{}
	for _, wk := range p.Workers {
		n, ok := names[wk.Key]
		if !ok {
			n = wk.Key
		}
		out[n] = wk.TotalFen
	}
	return out
}

// itemTotals returns the table's totals in fen by worker username and item:
// "username/item".
func (w *world) itemTotals(p payments) map[string]int64 {
	names := map[string]string{}
	for name, id := range w.ids {
		names[id] = name
	}
	out := map[string]int64{}
	for _, r := range p.Rows {
		out[names[r.Worker]+"/"+r.Item] += r.TotalFen
	}
	return out
}

// residentID builds a valid 18-character resident ID: a division code, a
// birth date (20060102), a sequence (its parity is the sex: odd male, even
// female) and the GB 11643 check character.
func residentID(region, birth string, seq int) string {
	body := fmt.Sprintf("%s%s%03d", region, birth, seq)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// wrongCheck returns id with a wrong check character.
func wrongCheck(id string) string {
	last := id[17]
	if last == '0' {
		return id[:17] + "1"
	}
	return id[:17] + "0"
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
