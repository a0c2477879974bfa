package ui

import (
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestEveryLanguageHasEveryKey(t *testing.T) {
	want := slices.Sorted(maps.Keys(catalog[DefaultLang]))
	for _, lang := range Langs {
		msgs, ok := catalog[lang]
		if !ok {
			t.Errorf("catalog has no %s", lang)
			continue
		}
		got := slices.Sorted(maps.Keys(msgs))
		for _, k := range want {
			if _, ok := msgs[k]; !ok {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
		for _, k := range got {
			if _, ok := catalog[DefaultLang][k]; !ok {
				t.Errorf("%s has %q, which %s lacks", lang, k, DefaultLang)
			}
			if strings.TrimSpace(msgs[k]) == "" {
				t.Errorf("%s %q is empty", lang, k)
			}
		}
		for k, text := range msgs {
			if got, want := strings.Count(text, "%"), strings.Count(catalog[DefaultLang][k], "%"); got != want {
				t.Errorf("%s %q has %d verbs, %s has %d", lang, k, got, DefaultLang, want)
			}
		}
	}
	if got, want := len(catalog), len(Langs); got != want {
		t.Errorf("catalog languages: got %d, want %d", got, want)
	}
}

// keyUse finds message keys written literally in templates: {{.T "key"}},
// {{$.T "key" …}}.
var keyUse = regexp.MustCompile(`\.T "([a-zA-Z0-9_.]+)"`)

// keyPrintf finds keys built with printf: (printf "role.%s" .).
var keyPrintf = regexp.MustCompile(`printf "([a-z_]+)\.%s"`)

func TestTemplatesUseOnlyKnownKeys(t *testing.T) {
	files, err := fs.Glob(Templates(), "*.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 6 {
		t.Fatalf("templates: got %v, want layout and the pages", files)
	}
	prefixes := map[string]bool{}
	for _, name := range files {
		b, err := fs.ReadFile(Templates(), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(b), -1) {
			if !HasMessage(m[1]) {
				t.Errorf("%s uses %q, which the catalog lacks", name, m[1])
			}
		}
		for _, m := range keyPrintf.FindAllStringSubmatch(string(b), -1) {
			prefixes[m[1]] = true
		}
		// CSP: no inline script or style anywhere.
		for _, bad := range []string{"<style", " style=", "<script>", " onclick=", " onsubmit=", "javascript:"} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q, which the Content-Security-Policy forbids", name, bad)
			}
		}
	}
	if got, want := slices.Sorted(maps.Keys(prefixes)), []string{"role"}; !slices.Equal(got, want) {
		t.Errorf("printf key prefixes: got %v, want %v (add the new prefix's keys to the check below)", got, want)
	}
	for _, role := range []string{"author", "field_worker", "reviewer", "supervisor", "finance", "admin"} {
		if !HasMessage("role." + role) {
			t.Errorf("catalog lacks role.%s", role)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	for _, name := range []string{"app.css", "app.js"} {
		b, err := fs.ReadFile(Static(), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

func TestMatchAcceptLanguage(t *testing.T) {
	tests := []struct {
		header string
		want   string
	}{
		{header: "", want: LangZH},
		{header: "zh-CN,zh;q=0.9", want: LangZH},
		{header: "zh-TW", want: LangZH},
		{header: "en-US,en;q=0.9", want: LangEN},
		{header: "en-GB", want: LangEN},
		{header: "fr-FR", want: LangZH},
		{header: "fr-FR,en;q=0.5", want: LangEN},
		{header: "en;q=0.2,zh;q=0.8", want: LangZH},
		{header: "garbage;;;q=x", want: LangZH},
		{header: strings.Repeat("en,", 300), want: LangZH},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := MatchAcceptLanguage(tt.header); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	tests := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{name: "chinese", lang: LangZH, key: "login.title", want: "登录"},
		{name: "english", lang: LangEN, key: "login.title", want: "Sign in"},
		{name: "unknown language falls back", lang: "fr", key: "login.title", want: "登录"},
		{name: "unknown key shows itself", lang: LangEN, key: "no.such.key", want: "no.such.key"},
		{name: "arguments", lang: LangEN, key: "users.created", args: []any{"wang.li"}, want: "User wang.li was created."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Message(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
