package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"canvass/campaigns"
	"canvass/examples"
)

// campaignFacts is what a campaign file means, as the engine reads it.
func campaignFacts(t *testing.T, name string, src []byte) string {
	t.Helper()
	c, ds := campaigns.Load(name, src)
	if c == nil {
		t.Fatalf("%s does not load: %v", name, ds)
	}
	qc, hasQC := c.QC()
	return fmt.Sprint(c.ID(), "|", c.Title("zh"), "|", c.Title("en"), "|", c.Forms(), "|", c.Workflow(), "|", c.PayTable(), "|",
		c.OrgScope(), "|", c.RefTime(), "|", c.Opens(), "|", c.Closes(), "|", c.Period(), "|", hasQC, fmt.Sprintf("%+v", qc), "|",
		len(c.Schedule()), "|", c.Budget() != nil, "|", len(c.Indicators()), "|", len(c.Reports()))
}

// TestBasicsRoundTripOnTheExamples: the studio's 基本信息 saved as it came
// leaves each example campaign file exactly as it was; a changed title
// changes the title and nothing else the campaign means.
func TestBasicsRoundTripOnTheExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "*", "*.campaign.yaml"))
	if err != nil || len(files) != len(examples.Dirs) {
		t.Fatalf("example campaigns: %v %v", files, err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(path)
			c, _ := campaigns.Load(name, src)
			b := CampaignBasicsOf(c)
			same, err := rewriteBasics(name, src, b)
			if err != nil {
				t.Fatal(err)
			}
			if string(same) != string(src) {
				t.Errorf("saving the basics unchanged rewrote the file:\n%s", same)
			}
			b.TitleZH = "改过的标题"
			renamed, err := rewriteBasics(name, src, b)
			if err != nil {
				t.Fatal(err)
			}
			want := campaignFacts(t, name, src)
			got := campaignFacts(t, name, renamed)
			c2, _ := campaigns.Load(name, renamed)
			if c2.Title("zh") != "改过的标题" {
				t.Errorf("title: %q", c2.Title("zh"))
			}
			if got == want {
				t.Errorf("the title change did not change the campaign")
			}
			// Put the title back: then everything the campaign means is
			// as it was (reference time with its hour, dates, scope, …).
			if got := campaignFacts(t, name, replaceTitle(t, renamed, c.Title("zh"))); got != want {
				t.Errorf("a title change changed more than the title:\n got %s\nwant %s", got, want)
			}
		})
	}
}

// replaceTitle puts the Chinese title back, through the same rewrite.
func replaceTitle(t *testing.T, src []byte, title string) []byte {
	t.Helper()
	c, _ := campaigns.Load("x.campaign.yaml", src)
	b := CampaignBasicsOf(c)
	b.TitleZH = title
	out, err := rewriteBasics("x.campaign.yaml", src, b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
