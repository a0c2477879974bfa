package indicators_test

import (
	"testing"

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
