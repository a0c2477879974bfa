// Package enginetest builds what the engine's and its capability
// packages' tests share: an App on a fresh SQLite file with a settable
// clock and a personal-data vault, a small org tree, and users. It is for
// tests only.
package enginetest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/store/sqlite"
)

// Clock is a settable test clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Start is the time a new Clock shows: 2026-12-06 00:00 Asia/Shanghai.
var Start = time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC)

// New returns an App on a fresh SQLite file, with a Clock at Start and a
// new vault. Its background work is not started.
func New(t testing.TB) (*app.App, *Clock) {
	t.Helper()
	return NewAt(t, filepath.Join(t.TempDir(), "canvass.db"))
}

// NewAt is New on the database file at path (an existing one is opened).
func NewAt(t testing.TB, path string) (*app.App, *Clock) {
	t.Helper()
	st, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &Clock{now: Start}
	v, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	return app.New(app.Config{Config: engine.Config{Store: st, Now: c.Now, Vault: v}}), c
}

// Tree is a small district: two townships with two villages each.
var Tree = []engine.OrgUnitRow{
	{Row: 2, Code: "370000", Name: "示例省", Level: "province"},
	{Row: 3, Code: "370100", Name: "示例市", ParentCode: "370000", Level: "city"},
	{Row: 4, Code: "370102", Name: "示例区", ParentCode: "370100", Level: "district"},
	{Row: 5, Code: "370102001", Name: "东关街道", ParentCode: "370102", Level: "township"},
	{Row: 6, Code: "370102002", Name: "西湖镇", ParentCode: "370102", Level: "township"},
	{Row: 7, Code: "370102001001", Name: "东关村", ParentCode: "370102001", Level: "village"},
	{Row: 8, Code: "370102001002", Name: "南门村", ParentCode: "370102001", Level: "village"},
	{Row: 9, Code: "370102002001", Name: "湖滨村", ParentCode: "370102002", Level: "village"},
	{Row: 10, Code: "370102002002", Name: "柳林村", ParentCode: "370102002", Level: "village"},
}

// SeedTree imports Tree.
func SeedTree(t testing.TB, e *engine.Engine) {
	t.Helper()
	if rowErrs, err := e.ImportOrgUnits(context.Background(), nil, Tree); err != nil {
		t.Fatalf("import: %v %v", err, rowErrs)
	}
}

// MustUser creates a user with the password "s3cret-pass" and returns it
// as an actor from 127.0.0.1.
func MustUser(t testing.TB, e *engine.Engine, username, org string, roles ...string) *engine.Actor {
	t.Helper()
	u, err := e.CreateUser(context.Background(), nil, engine.NewUser{
		Username: username, DisplayName: username, Password: "s3cret-pass", Roles: roles, OrgUnit: org,
	})
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return &engine.Actor{User: u, IP: "127.0.0.1"}
}

// Publisher is what PublishFile needs: an *engine.Engine or an *app.App.
type Publisher interface {
	SaveDraft(ctx context.Context, a *engine.Actor, kind, id, filename string, src []byte) (*engine.DraftResult, error)
	Publish(ctx context.Context, a *engine.Actor, kind, id string, version int) (*engine.DefinitionVersion, error)
}

// PublishFile saves the definition file at path as a draft and publishes
// it, failing the test on any error.
func PublishFile(t testing.TB, e Publisher, a *engine.Actor, kind, id, path string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.SaveDraft(context.Background(), a, kind, id, filepath.Base(path), src)
	if err != nil {
		t.Fatalf("save %s: %v", path, err)
	}
	if _, err := e.Publish(context.Background(), a, kind, id, res.Definition.Version); err != nil {
		t.Fatalf("publish %s: %v %v", path, err, engine.ErrorFields(err))
	}
}

// China is an hour of a day in China, in UTC.
func China(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, time.FixedZone("CST", 8*3600)).UTC()
}
