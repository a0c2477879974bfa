package registry_test

import (
	"testing"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
)

// The shared fixtures live in enginetest; these short names keep the
// registry's tests readable.
type clock = enginetest.Clock

// newEngineAt returns an App on the database file at path, with a clock
// set to 2026-12-06 00:00 Asia/Shanghai.
func newEngineAt(t *testing.T, path string) (*app.App, *clock) {
	t.Helper()
	return enginetest.NewAt(t, path)
}

func seedTree(t *testing.T, e *app.App) { t.Helper(); enginetest.SeedTree(t, e.Engine) }

func mustUser(t *testing.T, e *app.App, username, org string, roles ...string) *engine.Actor {
	t.Helper()
	return enginetest.MustUser(t, e.Engine, username, org, roles...)
}

// pointers lists an error's fields as "pointer:code".
func pointers(err error) []string {
	var ps []string
	for _, f := range engine.ErrorFields(err) {
		ps = append(ps, f.Pointer+":"+f.Code)
	}
	return ps
}
