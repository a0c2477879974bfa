package main

import (
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"canvass/engine"
)

func TestServeCreatesKeyFile(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "data", "pii.keys")

	s := startServe(t, dir)
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code: got %d, want 0; log: %v", code, s.messages())
	}
	fi, err := os.Stat(keys)
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
		t.Errorf("key file mode: got %v, want %v", got, want)
	}
	first, err := os.ReadFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.ParseVault(first); err != nil {
		t.Errorf("the created key file does not parse: %v", err)
	}
	if !hasMessage(s, "created a personal-data key file") {
		t.Errorf("no log line about the new key file: %v", s.messages())
	}

	// The second start uses the file as it is.
	s = startServe(t, dir)
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("exit code: got %d, want 0", code)
	}
	again, err := os.ReadFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("the key file changed on the second start")
	}
	if hasMessage(s, "created a personal-data key file") {
		t.Error("the second start says it created the key file")
	}
}

func hasMessage(s *serving, part string) bool {
	for _, m := range s.messages() {
		if strings.Contains(m, part) {
			return true
		}
	}
	return false
}

func TestServeKeyOptions(t *testing.T) {
	good := string(engine.NewVaultKeyFile())
	tests := []struct {
		name       string
		keyFile    string // written to keys.txt when set
		env        string
		args       []string
		wantCode   int // 0: starts and stops cleanly
		wantStderr string
	}{
		{name: "--pii-keys file", keyFile: good, args: []string{"--pii-keys", "keys.txt"}},
		{name: "environment", env: good},
		{name: "--pii-keys wins over the environment", keyFile: good, env: "garbage", args: []string{"--pii-keys", "keys.txt"}},
		{name: "bad --pii-keys file", keyFile: "k1 not-base64\n", args: []string{"--pii-keys", "keys.txt"}, wantCode: 1,
			wantStderr: `canvass: --pii-keys keys.txt: key file line 1: want "<key-id> <base64 of 32 bytes>"`},
		{name: "missing --pii-keys file", args: []string{"--pii-keys", "keys.txt"}, wantCode: 1, wantStderr: "canvass: --pii-keys keys.txt: no such file or directory"},
		{name: "bad environment", env: "# only a comment\n", wantCode: 1, wantStderr: "canvass: CANVASS_PII_KEYS: key file has no encryption key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.keyFile != "" {
				if err := os.WriteFile(filepath.Join(dir, "keys.txt"), []byte(tt.keyFile), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			t.Setenv(envPIIKeys, tt.env)
			args := append([]string{"--db", "sqlite:canvass.db"}, tt.args...)
			if tt.wantCode != 0 {
				got := runCanvass(t, dir, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
				if got.code != tt.wantCode {
					t.Errorf("exit code: got %d, want %d\nstderr: %s", got.code, tt.wantCode, got.stderr)
				}
				if !strings.HasPrefix(got.stderr, tt.wantStderr) {
					t.Errorf("stderr: got %q, want it to start with %q", got.stderr, tt.wantStderr)
				}
				return
			}
			s := startServe(t, dir, args...)
			if code := s.stop(t, syscall.SIGTERM); code != 0 {
				t.Fatalf("exit code: got %d, want 0; log: %v", code, s.messages())
			}
			if _, err := os.Stat(filepath.Join(dir, keyFileName)); err == nil {
				t.Errorf("%s was created although keys were given", keyFileName)
			}
		})
	}
}

// TestServeSignIn sets a database up with the command-line tools, then
// signs in to the running server through the API and the sign-in form.
func TestServeSignIn(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "units.csv"), []byte(unitsCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := runWithInput(t, dir, "", "orgunit", "import", "units.csv"); got.code != 0 {
		t.Fatalf("import: %d %s", got.code, got.stderr)
	}
	if got := runWithInput(t, dir, "a long password\n", "user", "add", "--username", "zhao.lei", "--name", "赵磊", "--roles", "admin", "--org", "370102"); got.code != 0 {
		t.Fatalf("user add: %d %s", got.code, got.stderr)
	}
	s := startServe(t, dir)
	base := "http://" + s.addr

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 30 * time.Second, Jar: jar}
	res, err := client.Post(base+"/api/v1/login", "application/json", strings.NewReader(`{"username":"zhao.lei","password":"a long password"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("API sign-in: got %d, want 200", res.StatusCode)
	}

	// The sign-in form, as a browser uses it: GET for the token, POST,
	// follow the redirect home.
	formJar, _ := cookiejar.New(nil)
	browser := &http.Client{Timeout: 30 * time.Second, Jar: formJar}
	status, page := getWith(t, browser, base+"/login")
	if status != 200 {
		t.Fatalf("GET /login: got %d", status)
	}
	token := between(page, `name="_csrf" value="`, `"`)
	res, err = browser.PostForm(base+"/login", url.Values{"_csrf": {token}, "username": {"zhao.lei"}, "password": {"a long password"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body := new(bytes.Buffer)
	body.ReadFrom(res.Body)
	if res.StatusCode != 200 || !strings.Contains(body.String(), "您好，赵磊") {
		t.Errorf("home after signing in: got %d\n%s", res.StatusCode, body)
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code: got %d, want 0", code)
	}
}

func getWith(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

// between returns the text of s between the first start and the next end.
func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}
