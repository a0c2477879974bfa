package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/server"
)

// definitions are the benchmark's campaign: a household form full of rules
// (constraints, calculations, skip logic, a choice filter, a repeat group,
// three kinds of personal data), a review workflow and the campaign.
//
//go:embed testdata
var definitions embed.FS

const (
	campaignID   = "bench-2026"
	formID       = "bench-household"
	districtCode = "370102"
	townships    = 20 // under the district
	villages     = 10 // under each township
)

// Clock: the campaign's reference day, moving with real time so that IDs
// and timestamps stay in order.
var (
	clockBase  = time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC)
	clockStart = time.Now()
)

func benchNow() time.Time { return clockBase.Add(time.Since(clockStart)) }

func townshipCode(t int) string   { return fmt.Sprintf("%s%03d", districtCode, t) }
func villageCode(t, v int) string { return fmt.Sprintf("%s%03d", townshipCode(t), v) }
func townshipPath(t int) string {
	return "/370000/370100/" + districtCode + "/" + townshipCode(t) + "/"
}
func villagePath(t, v int) string { return townshipPath(t) + villageCode(t, v) + "/" }

// world is a store with the campaign published, its org tree, users with
// API tokens, and the HTTP server listening on a loopback port.
type world struct {
	store  engine.Store
	eng    *app.App
	srv    *server.Server
	base   string // http://127.0.0.1:port
	client *http.Client
	actors map[string]*engine.Actor // by username
	tokens map[string]string        // by username
	served chan error
}

// Users of a world. Field workers sit in villages of townships 11 to 18,
// so that their submissions never reach the inbox that the latency
// measurement reads (township 1's).
const (
	userAuthor   = "author"
	userReviewer = "reviewer-t01" // township 1
	userDistrict = "reviewer-district"
	fieldWorkers = 8
)

func workerName(i int) string { return fmt.Sprintf("worker-%02d", i) }

func newWorld(ctx context.Context, st engine.Store) (*world, error) {
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		return nil, err
	}
	w := &world{
		store:  st,
		eng:    app.New(app.Config{Config: engine.Config{Store: st, Now: benchNow, Vault: vault, Logger: quietLogger}}),
		actors: map[string]*engine.Actor{},
		tokens: map[string]string{},
	}
	rows := []engine.OrgUnitRow{
		{Code: "370000", Name: "示例省", Level: engine.LevelProvince},
		{Code: "370100", Name: "示例市", ParentCode: "370000", Level: engine.LevelCity},
		{Code: districtCode, Name: "示例区", ParentCode: "370100", Level: engine.LevelDistrict},
	}
	for t := 1; t <= townships; t++ {
		rows = append(rows, engine.OrgUnitRow{Code: townshipCode(t), Name: fmt.Sprintf("第%d镇", t), ParentCode: districtCode, Level: engine.LevelTownship})
		for v := 1; v <= villages; v++ {
			rows = append(rows, engine.OrgUnitRow{Code: villageCode(t, v), Name: fmt.Sprintf("第%d镇第%d村", t, v), ParentCode: townshipCode(t), Level: engine.LevelVillage})
		}
	}
	for i := range rows {
		rows[i].Row = i + 2
	}
	if rowErrs, err := w.eng.ImportOrgUnits(ctx, nil, rows); err != nil {
		return nil, fmt.Errorf("org units: %v %v", err, rowErrs)
	}
	users := []struct {
		name, org string
		role      string
	}{
		{userAuthor, districtCode, engine.RoleAuthor},
		{userReviewer, townshipCode(1), engine.RoleReviewer},
		{userDistrict, districtCode, engine.RoleReviewer},
	}
	for i := range fieldWorkers {
		users = append(users, struct{ name, org, role string }{workerName(i), villageCode(11+i, 1+i%villages), engine.RoleFieldWorker})
	}
	for _, u := range users {
		created, err := w.eng.CreateUser(ctx, nil, engine.NewUser{
			Username: u.name, DisplayName: u.name, Password: "bench-pass-2026", Roles: []string{u.role}, OrgUnit: u.org,
		})
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", u.name, err)
		}
		a := &engine.Actor{User: created, IP: "127.0.0.1"}
		_, token, err := w.eng.CreateAPIToken(ctx, a, "bench")
		if err != nil {
			return nil, fmt.Errorf("token %s: %w", u.name, err)
		}
		w.actors[u.name], w.tokens[u.name] = a, token
	}
	for _, d := range []struct{ kind, id, file string }{
		{engine.KindForm, formID, "household.form.json"},
		{engine.KindWorkflow, "bench-review", "review.workflow.yaml"},
		{engine.KindCampaign, campaignID, "bench.campaign.yaml"},
	} {
		src, err := definitions.ReadFile("testdata/" + d.file)
		if err != nil {
			return nil, err
		}
		res, err := w.eng.SaveDraft(ctx, w.actors[userAuthor], d.kind, d.id, d.file, src)
		if err != nil {
			return nil, fmt.Errorf("save %s: %w", d.file, err)
		}
		if _, err := w.eng.Publish(ctx, w.actors[userAuthor], d.kind, d.id, res.Definition.Version); err != nil {
			return nil, fmt.Errorf("publish %s: %v %v", d.file, err, engine.ErrorFields(err))
		}
	}

	w.srv = server.New(server.Config{App: w.eng, Now: benchNow, Logger: quietLogger, Version: "bench"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	w.base = "http://" + ln.Addr().String()
	w.served = make(chan error, 1)
	go func() { w.served <- w.srv.Serve(ln) }()
	w.client = &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     5 * time.Minute,
			DisableCompression:  true,
		},
	}
	return w, nil
}

// close stops the server and closes the store.
func (w *world) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := w.srv.Shutdown(ctx)
	if serr := <-w.served; err == nil {
		err = serr
	}
	w.client.CloseIdleConnections()
	if cerr := w.store.Close(); err == nil {
		err = cerr
	}
	return err
}

// do sends one request as user and reads the whole answer. It returns an
// error unless the status is want.
func (w *world) do(ctx context.Context, user, method, path string, body []byte, want int) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+w.tokens[user])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, bytes.TrimSpace(msg))
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// getJSON is do for a GET whose answer the caller reads.
func (w *world) get(ctx context.Context, user, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+w.tokens[user])
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = errors.New("GET " + path + ": " + resp.Status + ": " + string(bytes.TrimSpace(b)))
	}
	return b, err
}
