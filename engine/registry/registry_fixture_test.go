package registry_test

import (
	"context"
	"os"
	"path/filepath"
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

// publishFile saves the definition at path as a draft and publishes it.
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

// pointers lists an error's fields as "pointer:code".
func pointers(err error) []string {
	var ps []string
	for _, f := range engine.ErrorFields(err) {
		ps = append(ps, f.Pointer+":"+f.Code)
	}
	return ps
}
