package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/demo"
)

// han matches a Chinese character.
var han = regexp.MustCompile(`\p{Han}`)

// TestRolesPagesInEnglish: each role, signed in as an en reader on a
// phone, opens its home page and every page its work list links to: the
// page fits 390 px, every control has a label, and the page's own words
// — headings, labels, buttons, table heads, the navigation — are
// English; then each page fits 1280 px too. (Data keeps its language: people's and places' names, and
// campaign titles without an English one, are Chinese.)
func TestRolesPagesInEnglish(t *testing.T) {
	s := startSite(t)
	for _, username := range []string{"worker", "township-reviewer", "supervisor", "finance", "admin", "author"} {
		t.Run(username, func(t *testing.T) {
			ctx := newBrowser(t)
			phone(t, ctx)
			signIn(t, ctx, s, username, "")
			open(t, ctx, s, "/?lang=en")
			links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("section.work a[href^='/']")).map(function (a) { return a.getAttribute("href"); })`))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			pages := []string{"/"}
			for _, l := range links {
				u, err := url.Parse(l)
				if err != nil || strings.HasSuffix(u.Path, ".xlsx") || strings.HasSuffix(u.Path, ".csv") || strings.HasSuffix(u.Path, ".png") {
					continue
				}
				u.Fragment = ""
				if !seen[u.String()] {
					seen[u.String()] = true
					pages = append(pages, u.String())
				}
			}
			if len(pages) < 2 {
				t.Fatalf("the home page links to no work page: %v", links)
			}
			t.Logf("%s: %d pages: %v", username, len(pages), pages)
			for _, p := range pages {
				open(t, ctx, s, p)
				// A field page's offline panel (offline.js) is drawn once its
				// bundle is in: judged in English like the rest.
				waitJS(t, ctx, "the offline script on "+p, `!document.querySelector('script[src*="offline.js"]') || document.documentElement.getAttribute("data-offline-ready") === "true"`)
				noOverflow(t, ctx, p+" at 390 px")
				unlabelled(t, ctx, p)
				words, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(
					"main h1, main h2, main h3, main label, main legend, main button, main th[scope=col], header nav a, main .tip, main summary"))
					.map(function (e) {
						var c = e.cloneNode(true);
						// data inside a label or heading: names, titles, codes
						c.querySelectorAll("select, option, input, textarea, code, .data, [lang]").forEach(function (d) { d.remove(); });
						return c.textContent.trim();
					})`))
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range words {
					if han.MatchString(w) && !isDataText(w) {
						t.Errorf("%s as %s in English shows %q", p, username, w)
					}
				}
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				open(t, ctx, s, p)
				noOverflow(t, ctx, p+" at 1280 px")
			}
		})
	}
}

// isDataText reports whether a heading is a name the data carries (a
// person's display name or a campaign's Chinese-only title) rather than
// the page's own words: all of its Chinese is in names the demo made.
func isDataText(s string) bool {
	for _, name := range dataNames {
		s = strings.ReplaceAll(s, name, "")
	}
	return !han.MatchString(s)
}

// dataNames are the demo's names that stay Chinese in English: its
// users' display names.
var dataNames = func() []string {
	var out []string
	for _, u := range demo.Users() {
		out = append(out, u.DisplayName)
	}
	return out
}()
