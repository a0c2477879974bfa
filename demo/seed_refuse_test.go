package demo_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"canvass/demo"
	"canvass/engine"
	"canvass/examples"
)

// fertilityFolder copies the fertility survey's files from the examples
// into a map file system, with edits: a nil value removes a file.
func fertilityFolder(t *testing.T, edits map[string][]byte) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(examples.FS, "fertility-survey", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(examples.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range edits {
		if b == nil {
			delete(m, p)
			continue
		}
		m[p] = &fstest.MapFile{Data: b}
	}
	return m
}

// TestSeedRefusesBadExamples: examples the demo cannot seed fail before
// anything is written, so the store stays empty and a fixed binary can
// seed it on the next start.
func TestSeedRefusesBadExamples(t *testing.T) {
	tests := []struct {
		name     string
		examples func(t *testing.T) fs.FS
		want     string // in the error
	}{
		{
			name:     "no campaign",
			examples: func(*testing.T) fs.FS { return fstest.MapFS{"README.md": {Data: []byte("# nothing here\n")}} },
			want:     "demo: no example campaigns found",
		},
		{
			name: "a workflow that does not load",
			examples: func(t *testing.T) fs.FS {
				return fertilityFolder(t, map[string][]byte{"fertility-survey/fertility-review.workflow.yaml": []byte("id: [fertility-review\n")})
			},
			want: "demo: example fertility-survey/fertility-review.workflow.yaml does not load: fertility-survey/fertility-review.workflow.yaml:1:5: yaml_syntax",
		},
		{
			name: "a form without sample answers",
			examples: func(t *testing.T) fs.FS {
				return fertilityFolder(t, map[string][]byte{"fertility-survey/household-roster.form.json": []byte(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "x-form-id": "household-roster",
  "x-title": {"zh": "住户成员登记", "en": "Household roster"},
  "type": "object",
  "properties": {"memberCount": {"type": "integer", "x-label": {"zh": "人数", "en": "Members"}}}
}`)})
			},
			want: "demo: fertility-survey: the demo has no sample answers for form household-roster",
		},
		{
			name: "two campaigns in one folder",
			examples: func(t *testing.T) fs.FS {
				src, err := fs.ReadFile(examples.FS, "fertility-survey/fertility-survey-2026.campaign.yaml")
				if err != nil {
					t.Fatal(err)
				}
				second := strings.Replace(string(src), "id: fertility-survey-2026", "id: fertility-survey-2027", 1)
				return fertilityFolder(t, map[string][]byte{"fertility-survey/fertility-survey-2027.campaign.yaml": []byte(second)})
			},
			want: "has two campaigns",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			eng, st := openEngine(t, filepath.Join(t.TempDir(), "demo.db"))
			res, err := demo.Seed(ctx, eng, demo.Options{Examples: tc.examples(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Seed: got %v, %v; want an error with %q", res, err, tc.want)
			}
			units, err := st.ListOrgUnits(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			users, err := st.ListUsers(ctx, engine.UserFilter{})
			if err != nil {
				t.Fatal(err)
			}
			defs, err := st.ListDefinitions(ctx, engine.DefinitionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(units)+len(users)+len(defs) != 0 {
				t.Errorf("the store is not empty after a refused seeding: %d units, %d users, %d definitions", len(units), len(users), len(defs))
			}
		})
	}
}

// TestSeedLeavesAStoreWithData: a store someone already uses is never
// seeded, even when it has only one org unit.
func TestSeedLeavesAStoreWithData(t *testing.T) {
	ctx := context.Background()
	eng, st := openEngine(t, filepath.Join(t.TempDir(), "demo.db"))
	if rows, err := eng.ImportOrgUnits(ctx, nil, []engine.OrgUnitRow{{Row: 1, Code: "370000", Name: "示例省", Level: engine.LevelProvince}}); err != nil {
		t.Fatalf("import: %v %v", err, rows)
	}
	res, err := demo.Seed(ctx, eng, demo.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if res.Seeded {
		t.Error("Seed on a store with an org unit: Seeded is true")
	}
	users, err := st.ListUsers(ctx, engine.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	units, err := st.ListOrgUnits(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 0 || len(units) != 1 {
		t.Errorf("got %d users and %d org units, want 0 and the 1 imported", len(users), len(units))
	}
}
