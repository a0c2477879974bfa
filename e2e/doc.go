// Package e2e holds Canvass's browser tests: they start the real server
// (server.New over a SQLite file seeded by package demo, listening on a
// real 127.0.0.1 port) and drive Debian's headless chromium through the
// Chrome DevTools Protocol with chromedp, as a field worker on a phone,
// a reviewer and a finance officer would.
//
// The package has only tests; `go test ./...` runs them. They need
// chromium (`apt-get install chromium`; scripts/test.sh, the README's test
// command, installs it) and, for readable screenshots, a CJK font
// (fonts-noto-cjk). The browser is found
// at $CANVASS_CHROMIUM, else as chromium or chromium-browser on PATH.
// Without one the tests fail: in CI (CI=true) always, elsewhere unless
// CANVASS_NO_BROWSER=1 says on purpose to skip them.
//
// Every test writes PNG screenshots of the pages it saw to
// $CANVASS_ARTIFACTS, or to artifacts/screenshots/ at the top of the
// repository (git-ignored), one file per step, named after the test and
// the step. Run with -docs-screenshots to also refresh the committed
// screenshots of docs/demo.md in docs/screenshots/.
package e2e
