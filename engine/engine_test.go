package engine_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"canvass/engine"
	"canvass/store/sqlite"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newEngine returns an engine on a fresh SQLite file, with a clock set to
// 2026-12-06 00:00 Asia/Shanghai.
func newEngine(t *testing.T) (*engine.Engine, *clock) {
	t.Helper()
	return newEngineAt(t, filepath.Join(t.TempDir(), "canvass.db"))
}

// newEngineAt is newEngine on the database file at path.
func newEngineAt(t *testing.T, path string) (*engine.Engine, *clock) {
	t.Helper()
	st, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{now: time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC)}
	v, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	return engine.New(engine.Config{Store: st, Now: c.Now, Vault: v}), c
}

// demoTree is a small district: two townships with two villages each.
var demoTree = []engine.OrgUnitRow{
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

func seedTree(t *testing.T, e *engine.Engine) {
	t.Helper()
	if rowErrs, err := e.ImportOrgUnits(context.Background(), nil, demoTree); err != nil {
		t.Fatalf("import: %v %v", err, rowErrs)
	}
}

func mustUser(t *testing.T, e *engine.Engine, username, org string, roles ...string) *engine.Actor {
	t.Helper()
	u, err := e.CreateUser(context.Background(), nil, engine.NewUser{
		Username: username, DisplayName: username, Password: "s3cret-pass", Roles: roles, OrgUnit: org,
	})
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	return &engine.Actor{User: u, IP: "127.0.0.1"}
}
