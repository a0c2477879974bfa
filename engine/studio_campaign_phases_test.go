package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"canvass/campaigns"
)

// TestPhasesRoundTrip: the migrant cleanup's phases saved as they came
// leave its file as it was; edited phases are what the campaign then
// has; no phases remove the key and change nothing else.
func TestPhasesRoundTrip(t *testing.T) {
	path := filepath.Join("..", "examples", "migrant-cleanup", "migrant-cleanup-2027.campaign.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(path)
	c, _ := campaigns.Load(name, src)
	ps := CampaignPhasesOf(c)
	if len(ps) != 4 || ps[1].NameZH != "入户核查摸底" || ps[1].From != "2026-11-16" || ps[1].To != "2026-12-31" {
		t.Fatalf("phases %+v", ps)
	}
	same, err := rewritePhasesOf(name, src, ps)
	if err != nil || string(same) != string(src) {
		t.Errorf("saving the phases unchanged rewrote the file (%v):\n%s", err, same)
	}

	// A new phase at the start, typed after the others: written in date
	// order with a fresh key.
	edited := append(slices.Clone(ps), PhaseSettings{NameZH: " 培训 ", From: "2026-10-20", To: "2026-10-31"})
	edited[3].Actions = []string{campaigns.PhaseEnter}
	out, err := rewritePhasesOf(name, src, edited)
	if err != nil {
		t.Fatal(err)
	}
	c2, diags := campaigns.Load(name, out)
	if c2 == nil {
		t.Fatalf("the edited file does not load: %v\n%s", diags, out)
	}
	got := c2.Phases()
	if len(got) != 5 || got[0].Name["zh"] != "培训" || got[0].Key == "" || got[4].Key != "compare" || !slices.Equal(got[4].Actions, []string{"enter"}) {
		t.Errorf("phases after the edit %v", got)
	}
	if campaignFacts(t, name, out) != campaignFacts(t, name, src) {
		t.Error("editing the phases changed more than the phases")
	}

	none, err := rewritePhasesOf(name, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	c3, _ := campaigns.Load(name, none)
	if c3 == nil || len(c3.Phases()) != 0 || strings.Contains(string(none), "phases:") || campaignFacts(t, name, none) != campaignFacts(t, name, src) {
		t.Errorf("removing the phases:\n%s", none)
	}
}

func TestValidatePhases(t *testing.T) {
	ok := PhaseSettings{NameZH: "入户摸底", From: "2026-11-16", To: "2026-12-31", Forms: []string{"migrant-verification"}, Actions: []string{"review"}}
	with := func(fn func(*PhaseSettings)) []PhaseSettings { p := ok; fn(&p); return []PhaseSettings{p} }
	tests := []struct {
		name   string
		phases []PhaseSettings
		want   string // "pointer code", "" for none
	}{
		{"fine", with(func(*PhaseSettings) {}), ""},
		{"no name", with(func(p *PhaseSettings) { p.NameZH = "  " }), "/phases/0/name_zh required"},
		{"long name", with(func(p *PhaseSettings) { p.NameZH = strings.Repeat("长", 51) }), "/phases/0/name_zh too_long"},
		{"bad date", with(func(p *PhaseSettings) { p.From = "2026/11/16" }), "/phases/0/from bad_date"},
		{"no such day", with(func(p *PhaseSettings) { p.To = "2026-02-30" }), "/phases/0/to bad_date"},
		{"ends before it starts", with(func(p *PhaseSettings) { p.To = "2026-11-01" }), "/phases/0/to before_from"},
		{"a form since removed", with(func(p *PhaseSettings) { p.Forms = []string{"gone"} }), "/phases/0/forms unknown_form"},
		{"hostile action", with(func(p *PhaseSettings) { p.Actions = []string{"<script>"} }), "/phases/0/actions unknown_action"},
		{"same name twice", append(with(func(*PhaseSettings) {}), ok), "/phases/1/name_zh duplicate"},
		{"too many", slices.Repeat(with(func(*PhaseSettings) {}), maxStudioPhases+1), "/phases too_many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := validatePhases(tt.phases, []string{"migrant-verification"})
			got := ""
			if len(fs) > 0 {
				got = fs[0].Pointer + " " + fs[0].Code
				if fs[0].Message == "" {
					t.Error("no message")
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPhaseOverlapIsAFieldError: an overlap the linter finds comes back on
// the day that overlaps, in Chinese.
func TestPhaseOverlapIsAFieldError(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "migrant-cleanup", "migrant-cleanup-2027.campaign.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := campaigns.Load("m.campaign.yaml", src)
	ps := CampaignPhasesOf(c)
	ps[2].From = "2026-12-20"
	out, err := rewritePhasesOf("m.campaign.yaml", src, ps)
	if err != nil {
		t.Fatal(err)
	}
	_, diags := campaigns.Load("m.campaign.yaml", out)
	fs := phaseFindings(diags)
	if len(fs) != 1 || fs[0].Pointer != "/phases/2/from" || fs[0].Code != "phase_overlap" || !strings.Contains(fs[0].Message, "「入户核查登记」从 2026-12-20 开始") {
		t.Errorf("findings %+v", fs)
	}
}
