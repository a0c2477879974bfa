package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// testVersion is stamped into the test binary to check the -ldflags wiring.
const testVersion = "9.8.7-test"

// binary is the canvass binary built once for all tests, which run it as a
// subprocess, as a user would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "canvass-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "canvass")
	// -buildvcs=false: the build must not depend on git being usable here.
	build := exec.Command("go", "build", "-buildvcs=false", "-ldflags", "-X main.version="+testVersion, "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building canvass: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what a finished canvass run left.
type result struct {
	stdout, stderr string
	code           int
}

// runCanvass runs the binary in dir (the test's temp dir when "") and
// waits for it, at most 30 seconds.
func runCanvass(t *testing.T, dir string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	if dir == "" {
		dir = t.TempDir()
	}
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
	default:
		t.Fatalf("canvass %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substrings, "|"-separated
		wantStderr string
	}{
		{name: "no arguments", args: nil, wantCode: 2, wantStderr: "Usage:|serve|lint|version"},
		{name: "help", args: []string{"help"}, wantCode: 0, wantStdout: "Usage:|serve|lint|version"},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: 2, wantStderr: `canvass: unknown command "frobnicate"`},
		{name: "version", args: []string{"version"}, wantCode: 0, wantStdout: "canvass " + testVersion + " |" + runtime.Version()},
		{name: "version with an argument", args: []string{"version", "x"}, wantCode: 2, wantStderr: "canvass: version takes no arguments"},
		{name: "serve help", args: []string{"serve", "-h"}, wantCode: 0, wantStderr: "-addr|-db|-demo|-log-format|-log-level"},
		{name: "serve unknown flag", args: []string{"serve", "--port", "80"}, wantCode: 2, wantStderr: "flag provided but not defined: -port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCanvass(t, "", tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d\nstderr: %s", got.code, tt.wantCode, got.stderr)
			}
			checkContains(t, "stdout", got.stdout, tt.wantStdout)
			checkContains(t, "stderr", got.stderr, tt.wantStderr)
		})
	}
}

// checkContains fails unless text contains every "|"-separated part of
// want.
func checkContains(t *testing.T, what, text, want string) {
	t.Helper()
	if want == "" {
		return
	}
	for _, part := range strings.Split(want, "|") {
		if !strings.Contains(text, part) {
			t.Errorf("%s: got %q, want it to contain %q", what, text, part)
		}
	}
}
