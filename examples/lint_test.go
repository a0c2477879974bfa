package examples_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"canvass/campaigns"
	"canvass/examples"
	"canvass/forms"
	"canvass/paytables"
	"canvass/rules"
	"canvass/workflows"
)

// loaders are the definition loaders by file suffix, as "canvass lint"
// registers them (cmd/canvass/lint.go).
var loaders = map[string]func(name string, src []byte) (bool, []rules.Diagnostic){
	".form.json": func(n string, s []byte) (bool, []rules.Diagnostic) { f, ds := forms.Load(n, s); return f != nil, ds },
	".workflow.yaml": func(n string, s []byte) (bool, []rules.Diagnostic) {
		w, ds := workflows.Load(n, s)
		return w != nil, ds
	},
	".paytable.yaml": func(n string, s []byte) (bool, []rules.Diagnostic) {
		p, ds := paytables.Load(n, s)
		return p != nil, ds
	},
	".campaign.yaml": func(n string, s []byte) (bool, []rules.Diagnostic) {
		c, ds := campaigns.Load(n, s)
		return c != nil, ds
	},
}

// TestLintEveryFile walks the examples directory on disk and loads every
// file: definitions with their loader (no error and no warning allowed),
// README.md as text; any other file fails the test, so nothing lands in
// examples/ unchecked.
func TestLintEveryFile(t *testing.T) {
	seen := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if filepath.Dir(path) == "." {
			return nil // the package's own Go files and README
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			name := d.Name()
			if name == "README.md" {
				for _, want := range []string{"元", "yuan"} {
					if !strings.Contains(string(src), want) {
						t.Errorf("the README lacks %q (pay rates in both languages)", want)
					}
				}
				return
			}
			if strings.HasSuffix(name, ".csv") {
				// Another department's file the campaign compares with:
				// a table with a header row and rows below it.
				if lines := strings.Split(strings.TrimSpace(string(src)), "\n"); len(lines) < 2 || !strings.Contains(lines[0], ",") {
					t.Errorf("%s is not a table with a header and rows", path)
				}
				return
			}
			for suffix, load := range loaders {
				if strings.HasSuffix(name, suffix) {
					seen++
					ok, ds := load(path, src)
					for _, d := range ds {
						t.Errorf("%s", d.String())
					}
					if !ok {
						t.Errorf("%s did not load", path)
					}
					return
				}
			}
			t.Errorf("%s is no definition the examples know", path)
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 3*len(examples.Dirs) {
		t.Errorf("linted %d definitions, want at least %d", seen, 3*len(examples.Dirs))
	}
}

// TestEmbeddedCampaigns checks that the embedded folders are the ones on
// disk, each with forms, a workflow, a pay table and a campaign, in
// publishing order, and that the files' ids are the ids inside them.
func TestEmbeddedCampaigns(t *testing.T) {
	cs := examples.Campaigns()
	if len(cs) != len(examples.Dirs) {
		t.Fatalf("got %d campaigns, want %d", len(cs), len(examples.Dirs))
	}
	order := []string{"form", "workflow", "paytable", "campaign"}
	for _, c := range cs {
		t.Run(c.Dir, func(t *testing.T) {
			var kinds []string
			for _, f := range c.Files {
				if len(kinds) == 0 || kinds[len(kinds)-1] != f.Kind {
					kinds = append(kinds, f.Kind)
				}
				embedded, err := examples.ReadFile(f.Path)
				if err != nil {
					t.Fatal(err)
				}
				onDisk, err := os.ReadFile(filepath.FromSlash(f.Path))
				if err != nil {
					t.Fatal(err)
				}
				if string(embedded) != string(onDisk) {
					t.Errorf("%s: the embedded file differs from the one on disk", f.Path)
				}
				if !strings.Contains(string(embedded), f.ID) {
					t.Errorf("%s does not name its id %q", f.Path, f.ID)
				}
			}
			// A campaign that pays nothing per record has no pay table.
			if !slices.Equal(kinds, order) && !slices.Equal(kinds, slices.Delete(slices.Clone(order), 2, 3)) {
				t.Errorf("kinds in order %v, want %v", kinds, order)
			}
			if c.ID == "" {
				t.Errorf("no campaign id")
			}
			if _, ok := examples.Lookup(c.Dir); !ok {
				t.Errorf("Lookup(%q) found nothing", c.Dir)
			}
		})
	}
	if _, ok := examples.Lookup("nope"); ok {
		t.Errorf("Lookup found a folder that does not exist")
	}
}

// TestDistrict checks the fictional district's codes: org-unit codes of
// the right shape and level under a real province prefix (the forms'
// cn-admin-code check wants one), each parent listed before its children.
func TestDistrict(t *testing.T) {
	seen := map[string]string{}
	width := map[string]int{"district": 6, "township": 9, "village": 12}
	for _, u := range examples.District {
		if !rules.ValidOrgCode(u.Code) || len(u.Code) != width[u.Level] {
			t.Errorf("%s: not a %s code", u.Code, u.Level)
		}
		if !rules.ValidAdminCode(u.Code[:6]) {
			t.Errorf("%s: no real province prefix", u.Code)
		}
		if u.Parent != "" && (seen[u.Parent] == "" || !strings.HasPrefix(u.Code, u.Parent)) {
			t.Errorf("%s: parent %s not listed before it, or not its prefix", u.Code, u.Parent)
		}
		if u.Name == "" || u.NameEN == "" || seen[u.Code] != "" {
			t.Errorf("%s: unnamed or listed twice", u.Code)
		}
		seen[u.Code] = u.Level
	}
	if len(examples.District) != 1+3+3*4 {
		t.Errorf("%d units, want a district, 3 townships and 12 villages", len(examples.District))
	}
}

// TestFormsBilingual checks that every label, hint and title of every
// example form has both a Chinese and an English text, and every field key
// is an English identifier.
func TestFormsBilingual(t *testing.T) {
	for _, c := range examples.Campaigns() {
		for _, f := range c.Files {
			if f.Kind != "form" {
				continue
			}
			t.Run(f.Path, func(t *testing.T) {
				src, err := examples.ReadFile(f.Path)
				if err != nil {
					t.Fatal(err)
				}
				var doc any
				if err := json.Unmarshal(src, &doc); err != nil {
					t.Fatal(err)
				}
				texts := 0
				var walk func(path string, v any)
				walk = func(path string, v any) {
					switch v := v.(type) {
					case map[string]any:
						for k, x := range v {
							switch k {
							case "x-label", "x-hint", "x-title", "label", "x-constraint-message", "guard_message":
								m, ok := x.(map[string]any)
								zh, _ := m["zh"].(string)
								en, _ := m["en"].(string)
								if !ok || zh == "" || en == "" || !hasHan(zh) || hasHan(en) {
									t.Errorf("%s/%s: want {zh, en}, got %v", path, k, x)
								}
								texts++
							case "properties":
								for key := range x.(map[string]any) {
									if !englishKey(key) {
										t.Errorf("%s: field key %q is not an English identifier", path, key)
									}
								}
							}
							walk(path+"/"+k, x)
						}
					case []any:
						for i, x := range v {
							walk(fmt.Sprintf("%s/%d", path, i), x)
						}
					}
				}
				walk("", doc)
				if texts < 5 {
					t.Errorf("only %d texts", texts)
				}
			})
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func englishKey(s string) bool {
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// TestCampaignsOpenTogether pins the window in which all five campaigns take
// submissions at once — what a demo that clicks through each of them needs:
// from 25 November to 17 December 2026 (China time), and not the day after.
func TestCampaignsOpenTogether(t *testing.T) {
	var loaded []*campaigns.Campaign
	for _, c := range examples.Campaigns() {
		f := c.Files[len(c.Files)-1]
		src, err := examples.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		camp, ds := campaigns.Load(f.Path, src)
		if camp == nil {
			t.Fatalf("%s: %v", f.Path, ds)
		}
		loaded = append(loaded, camp)
	}
	china := time.FixedZone("CST", 8*3600)
	tests := []struct {
		at   time.Time
		open int
	}{
		{time.Date(2026, 11, 24, 23, 59, 0, 0, china), len(loaded) - 1},
		{time.Date(2026, 11, 25, 0, 0, 0, 0, china), len(loaded)},
		{time.Date(2026, 12, 17, 23, 59, 0, 0, china), len(loaded)},
		{time.Date(2026, 12, 18, 0, 0, 0, 0, china), len(loaded) - 1},
	}
	for _, tt := range tests {
		open := 0
		for _, c := range loaded {
			if c.OpenAt(tt.at) {
				open++
			}
		}
		if open != tt.open {
			t.Errorf("%s: %d campaigns open, want %d", tt.at, open, tt.open)
		}
	}
}
