package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"canvass/app"
	"canvass/demo"
	"canvass/engine"
	"canvass/server"
	"canvass/store/sqlite"
)

// keystrokeSite serves the demo (SQLite, a fresh key ring) on a loopback
// port, with the fertility survey open today.
func keystrokeSite(t *testing.T) string {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "canvass.db"), sqlite.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	vault, err := engine.ParseVault(engine.NewVaultKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	eng := app.New(app.Config{Config: engine.Config{Store: st, Vault: vault, Logger: quiet}})
	ctx := context.Background()
	if _, err := demo.Seed(ctx, eng, demo.Options{Logger: quiet}); err != nil {
		t.Fatal(err)
	}
	// The survey takes answers today whatever today is: an author extends
	// it, as the e2e tests do.
	if camp, err := eng.Campaign(ctx, "fertility-survey-2026"); err != nil {
		t.Fatal(err)
	} else if now := eng.Now(); !camp.OpenAt(now) {
		d, err := st.GetDefinition(ctx, engine.KindCampaign, camp.ID(), 0)
		if err != nil {
			t.Fatal(err)
		}
		china := time.FixedZone("CST", 8*3600)
		src := regexp.MustCompile(`(?m)^opens: .*$`).ReplaceAllString(string(d.Source), "opens: "+now.In(china).AddDate(0, 0, -1).Format(time.DateOnly))
		src = regexp.MustCompile(`(?m)^closes: .*$`).ReplaceAllString(src, "closes: "+now.In(china).AddDate(0, 1, 0).Format(time.DateOnly))
		author, err := st.GetUserByUsername(ctx, "author")
		if err != nil {
			t.Fatal(err)
		}
		a := &engine.Actor{User: author}
		draft, err := eng.SaveDraft(ctx, a, engine.KindCampaign, camp.ID(), d.Filename, []byte(src))
		if err == nil {
			_, err = eng.Publish(ctx, a, engine.KindCampaign, camp.ID(), draft.Definition.Version)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	srv := server.New(server.Config{App: eng, Logger: quiet, Version: "bench"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	})
	return "http://" + ln.Addr().String()
}

// keystrokeTimes are one keystroke's parts on the form page, in ms.
type keystrokeTimes struct {
	Collect, Evaluate, Apply, Total []float64
	// Quiet is each keystroke's fastest of three runs of all three
	// parts: what the code costs when nothing else takes the CPU.
	Quiet []float64
}

// TestOfflineKeystroke measures what a keystroke costs on the real
// household form page with no network, in headless Chromium at 4× CPU
// slowdown: reading the answers from the page (form.js's collect), the
// phone's evaluation (offline.js → the WebAssembly forms.Evaluate, with
// its JSON both ways) and showing the state (form.js's apply). Figures
// in README.md; run with -v.
func TestOfflineKeystroke(t *testing.T) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CANVASS_NO_BROWSER") == "1" && os.Getenv("CI") != "true" {
			t.Skip("chromium is not installed; skipped because CANVASS_NO_BROWSER=1")
		}
		t.Fatal("chromium is not installed: apt-get install -y chromium (scripts/test.sh installs it)")
	}
	base := keystrokeSite(t)
	password := ""
	for _, u := range demo.Users() {
		if u.Username == "worker" {
			password = u.Password
		}
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 6*time.Minute)
	defer cancelTime()
	waitFor := func(what, cond string) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for {
			ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](cond, chromedp.EvalAwaitPromise))
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never came", what)
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "worker"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	// The home page fetches the offline bundle; then the form page can
	// evaluate on the phone.
	waitFor("the offline bundle", `Promise.resolve(document.documentElement.getAttribute("data-offline-ready") === "true")`)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/campaigns/fertility-survey-2026/forms/fertility-household/new"),
		chromedp.WaitVisible(chromedp.ID("f-personal-respondentName")),
	); err != nil {
		t.Fatalf("open the form: %v", err)
	}
	waitFor("the phone's evaluator", `CanvassOffline.evaluate(document.querySelector("form[data-evaluate]").getAttribute("data-evaluate"), {}).then(function (s) { return !!(s && s.relevant); }, function () { return false; })`)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: cpuSlowdown}); err != nil {
		t.Fatal(err)
	}
	// A surveyor typing: the name, then the ID number digit by digit
	// (the age is calculated from it), the children's count and the
	// third-child question (a skip rule) flipping.
	js := `(async function () {
		var form = document.querySelector("form[data-evaluate]");
		var endpoint = form.getAttribute("data-evaluate");
		var id = "34129919910417246X";
		var name = document.getElementById("f-personal-respondentName");
		var idBox = document.getElementById("f-personal-respondentId");
		name.value = "林晓雯";
		document.getElementById("f-personal-maritalStatus-0").checked = true;
		var out = {collect: [], evaluate: [], apply: [], total: [], quiet: []};
		for (var i = 0; i < 110; i++) {
			idBox.value = id.slice(0, 1 + i % 18);
			document.getElementById("f-intention-intendsThirdChild-" + (i % 2 ? "yes" : "no")).checked = true;
			document.getElementById("f-care-childCount").value = String(2 + i % 3);
			var t0 = performance.now();
			var answers = form.canvassAnswers();
			var t1 = performance.now();
			var state = await CanvassOffline.evaluate(endpoint, answers);
			var t2 = performance.now();
			form.canvassShow(state);
			var t3 = performance.now();
			if (!state || !state.relevant) { throw new Error("no state"); }
			out.collect.push(t1 - t0); out.evaluate.push(t2 - t1); out.apply.push(t3 - t2); out.total.push(t3 - t0);
			var quiet = t3 - t0;
			for (var k = 0; k < 2; k++) {
				await new Promise(function (r) { setTimeout(r, 5); });
				var q0 = performance.now();
				form.canvassShow(await CanvassOffline.evaluate(endpoint, form.canvassAnswers()));
				quiet = Math.min(quiet, performance.now() - q0);
			}
			out.quiet.push(quiet);
			await new Promise(function (r) { setTimeout(r, 20); });
		}
		return out;
	})()`
	res, err := chromedp.Run(ctx, chromedp.Evaluate[keystrokeTimes](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Total) != 110 {
		t.Fatalf("%d keystrokes, want 110", len(res.Total))
	}
	stat := func(xs []float64) (median, p95, worst float64) {
		s := slices.Clone(xs[10:]) // the first calls warm up the module
		slices.Sort(s)
		return s[len(s)/2], s[len(s)*95/100], s[len(s)-1]
	}
	for _, part := range []struct {
		name string
		xs   []float64
	}{{"collect", res.Collect}, {"evaluate", res.Evaluate}, {"apply", res.Apply}, {"keystroke", res.Total}, {"quiet", res.Quiet}} {
		m, p, w := stat(part.xs)
		t.Logf("%-9s at %d× CPU slowdown: median %.1f ms, p95 %.1f ms, worst %.1f ms (100 keystrokes)", part.name, cpuSlowdown, m, p, w)
	}
	load, _ := os.ReadFile("/proc/loadavg")
	t.Logf("load average: %s", load)
}
