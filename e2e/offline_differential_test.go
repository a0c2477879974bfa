package e2e

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"canvass/forms"
	"canvass/rules"
)

// offlineStateJSON is the server's evaluate answer (server/submit.go).
type offlineStateJSON struct {
	Relevant   map[string]bool    `json:"relevant"`
	Required   map[string]bool    `json:"required"`
	Calculated map[string]any     `json:"calculated"`
	Choices    map[string][]any   `json:"choices"`
	Errors     []rules.FieldError `json:"errors"`
	Reasons    map[string]string  `json:"reasons"`
}

// openEvaluator loads the offline evaluator into the page at path and
// leaves it as window.canvassEv.
func openEvaluator(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	const js = `new Promise(function (done, fail) {
		var s = document.createElement("script");
		s.src = "/static/offline_wasm.js";
		s.onload = function () {
			CanvassEvaluator.open("/offline/evaluator.wasm").then(function (ev) { window.canvassEv = ev; done(true); }, function (e) { fail(String(e)); });
		};
		s.onerror = function () { fail("no shim"); };
		document.head.appendChild(s);
	})`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login")); err != nil {
		t.Fatal(err)
	}
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil || !ok {
		t.Fatalf("open the evaluator: %v", err)
	}
}

// exampleForms returns the path of every example form, and the forms
// package's own household test form.
func exampleForms(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("../examples/*/*.form.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no example forms: %v", err)
	}
	return append(paths, "../forms/testdata/household.form.json")
}

// TestOfflineEvaluatorMatchesServer is the differential test of the
// offline evaluator: every example form and fuzzed answer sets, in
// Chinese and English, evaluated by forms.Evaluate here (what the server
// answers) and by the WebAssembly build in headless Chromium. Any
// difference fails.
func TestOfflineEvaluatorMatchesServer(t *testing.T) {
	s := startSite(t)
	ctx := newBrowser(t)
	openEvaluator(t, ctx, s.base)

	refTime := time.Date(2026, 12, 6, 0, 0, 0, 0, rules.Shanghai)
	submittedAt := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	const perForm = 150
	total := 0
	for _, path := range exampleForms(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		form, diags := forms.Load(filepath.Base(path), src)
		if form == nil {
			t.Fatalf("%s: %v", path, diags)
		}
		r := rand.New(rand.NewPCG(uint64(len(src)), 22))
		sets := []map[string]any{{}}
		for range perForm {
			sets = append(sets, randomAnswers(form.Fields(), r))
		}
		// Both sides read the answers as the server does: decoded from
		// JSON, numbers as float64.
		raw, err := json.Marshal(sets)
		if err != nil {
			t.Fatal(err)
		}
		var decoded []map[string]any
		if err := json.Unmarshal(raw, &decoded); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"zh-CN", "en"} {
			env := forms.Env{RefTime: refTime, SubmittedAt: submittedAt, Lang: lang}
			envJSON, _ := json.Marshal(map[string]any{"refTime": refTime, "submittedAt": submittedAt, "lang": lang})
			key, _ := json.Marshal(path)
			srcJSON, _ := json.Marshal(string(src))
			js := `(function () {
				var ev = window.canvassEv;
				ev.load(` + string(key) + `, ` + string(srcJSON) + `);
				var sets = ` + string(raw) + `;
				var env = ` + string(envJSON) + `;
				return JSON.stringify(sets.map(function (a) { return ev.evaluate(` + string(key) + `, a, env); }));
			})()`
			browserJSON, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
			if err != nil {
				t.Fatalf("%s: evaluate in the browser: %v", path, err)
			}
			var browser []any
			if err := json.Unmarshal([]byte(browserJSON), &browser); err != nil {
				t.Fatal(err)
			}
			if len(browser) != len(decoded) {
				t.Fatalf("%s: %d states from the browser, want %d", path, len(browser), len(decoded))
			}
			for i, answers := range decoded {
				st := forms.Evaluate(form, answers, env)
				out := offlineStateJSON{Relevant: st.Relevant, Required: st.Required, Calculated: st.Calculated, Choices: st.Choices, Errors: st.Errors, Reasons: st.Reasons}
				if out.Errors == nil {
					out.Errors = []rules.FieldError{}
				}
				b, _ := json.Marshal(out)
				var server any
				if err := json.Unmarshal(b, &server); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(server, browser[i]) {
					got, _ := json.Marshal(browser[i])
					in, _ := json.Marshal(answers)
					t.Errorf("%s (%s) answers %s:\nbrowser %s\nserver  %s", path, lang, in, got, b)
				}
				total++
			}
		}
	}
	if total < 1000 {
		t.Fatalf("compared %d states, want at least 1000", total)
	}
	t.Logf("compared %d states, 0 differences", total)
}
