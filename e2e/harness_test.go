package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"canvass/app"
	"canvass/demo"
	"canvass/engine"
	"canvass/server"
	"canvass/store/sqlite"
)

var docsScreenshots = flag.Bool("docs-screenshots", false, "also write the walkthrough screenshots of docs/demo.md to docs/screenshots/")

// site is a running Canvass server over a demo-seeded SQLite file.
type site struct {
	base string // http://127.0.0.1:PORT
	eng  *app.App
	st   engine.Store
}

// startSite seeds a fresh SQLite file with the demo and serves it on a
// real loopback port until the test ends.
func startSite(t *testing.T) *site {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "canvass.db"), sqlite.Options{Logger: quiet})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	eng := app.New(app.Config{Config: engine.Config{Store: st, Vault: vault, Logger: quiet}})
	ctx := context.Background()
	if _, err := demo.Seed(ctx, eng, demo.Options{Logger: quiet}); err != nil {
		t.Fatalf("seed the demo: %v", err)
	}
	srv := server.New(server.Config{App: eng, Logger: quiet, Version: "e2e"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return &site{base: "http://" + ln.Addr().String(), eng: eng, st: st}
}

// actor returns the demo user as an engine actor, for checks behind the
// browser's back.
func (s *site) actor(t *testing.T, username string) *engine.Actor {
	t.Helper()
	u, err := s.st.GetUserByUsername(context.Background(), username)
	if err != nil {
		t.Fatalf("demo user %s: %v", username, err)
	}
	return &engine.Actor{User: u, IP: "127.0.0.1"}
}

// keepOpen makes sure a campaign takes submissions today: when today
// falls outside its dates, the demo author publishes a new version whose
// dates run from yesterday for a month, as an author extends a survey.
// The browser tests then do not depend on the calendar.
func (s *site) keepOpen(t *testing.T, campaignID string) {
	t.Helper()
	ctx := context.Background()
	camp, err := s.eng.Campaign(ctx, campaignID)
	if err != nil {
		t.Fatal(err)
	}
	now := s.eng.Now()
	if camp.OpenAt(now) {
		return
	}
	d, err := s.st.GetDefinition(ctx, engine.KindCampaign, campaignID, 0)
	if err != nil {
		t.Fatal(err)
	}
	china := time.FixedZone("CST", 8*3600)
	src := regexp.MustCompile(`(?m)^opens: .*$`).ReplaceAllString(string(d.Source), "opens: "+now.In(china).AddDate(0, 0, -1).Format(time.DateOnly))
	src = regexp.MustCompile(`(?m)^closes: .*$`).ReplaceAllString(src, "closes: "+now.In(china).AddDate(0, 1, 0).Format(time.DateOnly))
	author := s.actor(t, "author")
	draft, err := s.eng.SaveDraft(ctx, author, engine.KindCampaign, campaignID, d.Filename, []byte(src))
	if err != nil {
		t.Fatalf("extend %s: %v", campaignID, err)
	}
	if _, err := s.eng.Publish(ctx, author, engine.KindCampaign, campaignID, draft.Definition.Version); err != nil {
		t.Fatalf("publish the extended %s: %v", campaignID, err)
	}
	t.Logf("campaign %s was not open today: published version %d open until a month from now", campaignID, draft.Definition.Version)
}

// chromiumPath finds the browser, or fails the test unless skipping was
// asked for outside CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CANVASS_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CANVASS_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	skip, msg := whenBrowserMissing(os.Getenv("CI"), os.Getenv("CANVASS_NO_BROWSER"))
	if skip {
		t.Skip(msg)
	}
	t.Fatal(msg)
	return ""
}

// whenBrowserMissing decides what a missing chromium means: a failure in
// CI (CI=true) whatever else is set, a skip elsewhere only when
// CANVASS_NO_BROWSER=1 asks for it, a failure otherwise. Never a silent
// skip: the message says what to install or set.
func whenBrowserMissing(ci, noBrowser string) (skip bool, msg string) {
	const missing = "chromium is not installed: the browser tests need Debian's chromium (apt-get install -y chromium; scripts/test.sh installs it)"
	switch {
	case ci == "true":
		return false, missing + "; in CI a missing browser is a failure"
	case noBrowser == "1":
		return true, missing + "; skipped because CANVASS_NO_BROWSER=1"
	}
	return false, missing + "; set CANVASS_NO_BROWSER=1 to skip the browser tests on purpose"
}

// newBrowser starts a headless chromium for the test and returns a tab.
// The browser speaks Chinese first, as the field staff's phones do.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI; the pages are our own
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	// A tab's budget: long enough for a whole walk-through on a 2-core
	// machine that also runs the MongoDB suite, short enough that a page
	// that hangs fails its test rather than the run.
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium (%s): %v", path, err)
	}
	return ctx
}

// artifactsDir is where screenshots go: $CANVASS_ARTIFACTS, else
// artifacts/screenshots at the top of the repository.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CANVASS_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	return dir
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// shot saves what the tab shows now as <test>-<step>.png in the artifacts
// directory; with docName and -docs-screenshots, also as
// docs/screenshots/<docName>.png.
func shot(t *testing.T, ctx context.Context, step, docName string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Errorf("screenshot %s: %v", step, err)
		return
	}
	name := unsafeName.ReplaceAllString(t.Name()+"-"+step, "_") + ".png"
	if err := os.WriteFile(filepath.Join(artifactsDir(t), name), png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", step, err)
	}
	if docName != "" && *docsScreenshots {
		dir := filepath.Join("..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, docName+".png"), png, 0o644); err != nil {
			t.Errorf("doc screenshot %s: %v", docName, err)
		}
	}
}

// signIn signs the demo user in through the sign-in page and waits for
// the home page.
func signIn(t *testing.T, ctx context.Context, s *site, username, docShot string) {
	t.Helper()
	password := ""
	for _, u := range demo.Users() {
		if u.Username == username {
			password = u.Password
		}
	}
	if password == "" {
		t.Fatalf("no demo user %s", username)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(s.base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	if err != nil {
		t.Fatalf("sign-in page: %v", err)
	}
	if docShot != "" {
		shot(t, ctx, "sign-in", docShot)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	); err != nil {
		t.Fatalf("sign in as %s: %v", username, err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || strings.Contains(loc, "/login") {
		t.Fatalf("after signing in as %s: at %s (%v)", username, loc, err)
	}
}

// textOf returns the text of the first element matching css, waiting
// for it at most 10 seconds.
func textOf(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(tctx, chromedp.TextContent(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// reloaded runs steps that end in a new page (a form post, a save that
// reloads) and waits until the new page has loaded. Reading the old page
// in between reads what the test typed, not what was saved, and a
// screenshot or a click sent while the page is being replaced can hang.
func reloaded(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	mark := chromedp.Evaluate[chromedp.Void](`window.canvassOldPage = true`)
	if err := chromedp.Do(ctx, append([]chromedp.Action[chromedp.Void]{mark}, steps...)...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	waitJS(t, ctx, what, `!window.canvassOldPage && document.readyState === "complete"`)
}

// waitText waits until the first element matching css has text for
// which ok holds, and returns it. It rides over a navigation in between
// (the page it asks may be replaced while it asks).
func waitText(ctx context.Context, css string, ok func(string) bool) (string, error) {
	deadline := time.Now().Add(15 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e?e.textContent:""})()`, css)))
		if err != nil {
			if ctx.Err() != nil {
				return "", err
			}
			last = "(" + err.Error() + ")"
			time.Sleep(100 * time.Millisecond)
			continue
		}
		last = strings.TrimSpace(s)
		if ok(last) {
			return last, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return last, errors.New("timed out waiting for the text of " + css + "; last: " + last)
}
