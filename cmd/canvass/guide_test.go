package main

import (
	"strings"
	"testing"
)

// The files docs/writing-a-campaign.md walks through must stay clean under
// `canvass lint`, or the guide teaches something that no longer loads.
func TestGuideFilesLintClean(t *testing.T) {
	got := runCanvass(t, "../..", "lint", "docs/guide")
	if got.code != 0 || !strings.Contains(got.stdout, "4 files checked: 0 errors, 0 warnings") {
		t.Fatalf("lint docs/guide: exit %d\n%s%s", got.code, got.stdout, got.stderr)
	}
}
