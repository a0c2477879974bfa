package e2e

import (
	"strings"
	"testing"
)

func TestWhenBrowserMissing(t *testing.T) {
	tests := []struct {
		name, ci, noBrowser string
		wantSkip            bool
		wantMsg             string
	}{
		{name: "CI fails", ci: "true", wantMsg: "in CI a missing browser is a failure"},
		{name: "CI fails even when asked to skip", ci: "true", noBrowser: "1", wantMsg: "in CI a missing browser is a failure"},
		{name: "a developer's machine fails by default", wantMsg: "set CANVASS_NO_BROWSER=1 to skip"},
		{name: "only 1 asks to skip", noBrowser: "yes", wantMsg: "set CANVASS_NO_BROWSER=1 to skip"},
		{name: "CI=false is not CI", ci: "false", noBrowser: "1", wantSkip: true, wantMsg: "skipped because CANVASS_NO_BROWSER=1"},
		{name: "asked to skip", noBrowser: "1", wantSkip: true, wantMsg: "skipped because CANVASS_NO_BROWSER=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			skip, msg := whenBrowserMissing(tc.ci, tc.noBrowser)
			if skip != tc.wantSkip || !strings.Contains(msg, tc.wantMsg) || !strings.Contains(msg, "apt-get install -y chromium") {
				t.Errorf("got skip=%v %q; want skip=%v and a message with %q and the install command", skip, msg, tc.wantSkip, tc.wantMsg)
			}
		})
	}
}
