package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"canvass/offline"
	"canvass/ui"
)

// Budgets of offline capture (issue #22; figures in README.md).
const (
	offlineBundleBudget = 3 << 20               // bytes, compressed, first load of one campaign
	keystrokeBudget     = 30 * time.Millisecond // one evaluation of the household form, 4× CPU slowdown
	cpuSlowdown         = 4
)

// offlineCode is what a phone downloads once to work offline, besides
// the pages: the evaluator and our scripts and styles.
var offlineCode = []string{"offline_wasm.js", "offline.js", "offline.css", "form.js", "app.js", "app.css", "form.css", "sw.js", "icon.svg"}

const householdForm = "../examples/fertility-survey/fertility-household.form.json"

func gzipSize(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// TestOfflineBudgets measures the offline bundle of the fertility survey
// (compressed, as served) and the time one evaluation of its household
// form takes in headless Chromium at 4× CPU slowdown, and fails when
// either is over budget. Run with -v for the figures.
func TestOfflineBudgets(t *testing.T) {
	src, err := os.ReadFile(householdForm)
	if err != nil {
		t.Fatal(err)
	}
	total := len(offline.EvaluatorGzip())
	t.Logf("evaluator.wasm: %d bytes gzip (%d raw)", len(offline.EvaluatorGzip()), len(offline.Evaluator()))
	for _, name := range offlineCode {
		b, err := fs.ReadFile(ui.Static(), name)
		if err != nil {
			t.Fatal(err)
		}
		total += gzipSize(t, b)
	}
	formGz := gzipSize(t, src)
	total += formGz
	t.Logf("offline bundle of one campaign: %d bytes compressed (household form source %d)", total, formGz)
	if total > offlineBundleBudget {
		t.Errorf("offline bundle %d bytes compressed, budget %d", total, offlineBundleBudget)
	}

	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CANVASS_NO_BROWSER") == "1" && os.Getenv("CI") != "true" {
			t.Skip("chromium is not installed; skipped because CANVASS_NO_BROWSER=1")
		}
		t.Fatal("chromium is not installed: apt-get install -y chromium (scripts/test.sh installs it)")
	}
	shim, err := fs.ReadFile(ui.Static(), "offline_wasm.js")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><meta charset="utf-8"><script src="/shim.js"></script>`))
	})
	mux.HandleFunc("/shim.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(shim)
	})
	mux.HandleFunc("/evaluator.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(offline.EvaluatorGzip())
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTime()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: cpuSlowdown}); err != nil {
		t.Fatal(err)
	}
	srcJSON, _ := json.Marshal(string(src))
	// A surveyor typing the household form: each evaluation has one
	// character more than the last, over a form half filled in.
	js := `(async function () {
		var t0 = performance.now();
		var ev = await CanvassEvaluator.open("/evaluator.wasm");
		var opened = performance.now() - t0;
		t0 = performance.now();
		ev.load("hh", ` + string(srcJSON) + `);
		var loaded = performance.now() - t0;
		var env = {refTime: "2026-12-05T16:00:00Z", submittedAt: "2026-12-07T02:00:00Z", lang: "zh-CN"};
		var id = "34129919910417246";
		var times = [];
		for (var i = 0; i < 110; i++) {
			var answers = {
				personal: {respondentName: "林晓雯", respondentId: (id + "X0123456789").slice(0, 1 + i % 18), maritalStatus: "first_marriage", education: "senior"},
				care: {childCount: 2, caresForElders: true, eldersCount: 1 + i % 3, children: [{childSex: "female", childBirthDate: "2019-05-0" + (1 + i % 9)}, {childSex: "male", childBirthDate: "2022-03-14"}]},
				support: {usesChildcare: false, difficulties: ["cost", "housing"]},
				intention: {intendsThirdChild: i % 2 === 0}
			};
			var s = performance.now();
			var state = ev.evaluate("hh", answers, env);
			times.push(performance.now() - s);
			if (!state || !state.relevant) { throw new Error("no state"); }
		}
		return {opened: opened, loaded: loaded, times: times};
	})()`
	res, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
		Opened, Loaded float64
		Times          []float64
	}](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Times) != 110 {
		t.Fatalf("%d evaluations, want 110", len(res.Times))
	}
	times := slices.Clone(res.Times[10:]) // the first calls warm up the module
	slices.Sort(times)
	median, p95, worst := times[len(times)/2], times[len(times)*95/100], times[len(times)-1]
	t.Logf("at %d× CPU slowdown: module start %.0f ms, form compile %.0f ms; one evaluation median %.1f ms, p95 %.1f ms, worst %.1f ms (%d keystrokes)",
		cpuSlowdown, res.Opened, res.Loaded, median, p95, worst, len(times))
	// The budget (keystrokeBudget) is judged from these figures in
	// bench/README.md, not asserted: a timed test fails on a busy machine
	// for no fault of the code. What is asserted is that every keystroke
	// was evaluated (the page throws when an evaluation returns no state).
	within := map[bool]string{true: "within", false: "over"}
	t.Logf("keystroke budget %v: median %s, p95 %s (TestOfflineKeystroke measures the whole keystroke on the page)", keystrokeBudget,
		within[time.Duration(median*float64(time.Millisecond)) <= keystrokeBudget], within[time.Duration(p95*float64(time.Millisecond)) <= keystrokeBudget])
}
