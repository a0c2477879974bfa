package engine

import (
	"os"
	"strings"
	"testing"

	"canvass/campaigns"
)

// TestBindPayTable binds a pay table to each example campaign without its
// own: the line goes after workflow, everything else stays as written.
func TestBindPayTable(t *testing.T) {
	src, err := os.ReadFile("../examples/migrant-cleanup/migrant-cleanup-2027.campaign.yaml")
	if err != nil {
		t.Fatal(err)
	}
	without := strings.Replace(string(src), "paytable: migrant-cleanup-pay\n", "", 1)
	out, err := bindPayTable([]byte(without), "migrant-cleanup-pay")
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(src) {
		t.Errorf("got\n%s\nwant\n%s", out, src)
	}
	// A file without a workflow line (flow style) goes through the map.
	out, err = bindPayTable([]byte("{id: c, title: {zh: 甲}, forms: [f], workflow: w, org_scope: \"341299\", reference_time: 2026-01-01, opens: 2026-01-01, closes: 2026-02-01}\n"), "p")
	if err != nil {
		t.Fatal(err)
	}
	v, _, ds := compileDefinition(KindCampaign, "c.campaign.yaml", out)
	if v == nil {
		t.Fatalf("%v\n%s", ds, out)
	}
	if got := v.(*campaigns.Campaign).PayTable(); got != "p" {
		t.Errorf("pay table %q in\n%s", got, out)
	}
}
