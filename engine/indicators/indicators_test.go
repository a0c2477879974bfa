package indicators_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
)

// The shared fixtures live in enginetest; these short names keep the
// tests readable.
type clock = enginetest.Clock

// newEngine returns an App on a fresh SQLite file, with a clock set to
// 2026-12-06 00:00 Asia/Shanghai.
func newEngine(t *testing.T) (*app.App, *clock) { t.Helper(); return enginetest.New(t) }

func seedTree(t *testing.T, e *app.App) { t.Helper(); enginetest.SeedTree(t, e.Engine) }

func mustUser(t *testing.T, e *app.App, username, org string, roles ...string) *engine.Actor {
	t.Helper()
	return enginetest.MustUser(t, e.Engine, username, org, roles...)
}

// publishFile saves the definition file at path as a draft and publishes
// it.
func publishFile(t *testing.T, e *app.App, a *engine.Actor, kind, id, path string) {
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

// china is an hour of a day in China, in UTC.
func china(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, time.FixedZone("CST", 8*3600)).UTC()
}
