package mongo_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"canvass/engine"
)

// TestServeCommandOnMongo runs the canvass binary with --db mongodb://…
// against the embedded FerretDB: it starts, answers /readyz and a sign-in,
// and stops cleanly on SIGTERM.
func TestServeCommandOnMongo(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "canvass")
	build := exec.Command("go", "build", "-o", bin, "canvass/cmd/canvass")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	keys := filepath.Join(dir, "pii.keys")
	if err := os.WriteFile(keys, engine.NewVaultKeyFile(), 0o600); err != nil {
		t.Fatal(err)
	}
	uri := strings.TrimSuffix(ferretURI, "/") + "/serve_cmd"
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", uri, "--pii-keys", keys, "--log-format", "json")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var entry map[string]any
			if json.Unmarshal(sc.Bytes(), &entry) == nil && entry["msg"] == "listening" {
				a, _ := entry["addr"].(string)
				addr <- a
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatal("canvass serve did not listen within 60s")
	}
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	res.Body.Close()
	res, err = http.Post(base+"/api/v1/login", "application/json", strings.NewReader(`{"username":"nobody","password":"wrong-password"}`))
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("login on MongoDB: %v %v, want 401", res, err)
	}
	res.Body.Close()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve still running 20s after SIGTERM")
	}
}
