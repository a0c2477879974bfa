package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at build time: go build -ldflags "-X main.version=1.2.0".
var version = "dev"

func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return fail(stderr, exitUsage, "version takes no arguments")
	}
	fmt.Fprintln(stdout, versionLine())
	return exitOK
}

// versionLine is "canvass VERSION (commit REV[, modified]) GOVERSION OS/ARCH";
// the commit part appears when the binary was built from a VCS checkout.
func versionLine() string {
	line := "canvass " + version
	if rev, modified := buildCommit(); rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += " (commit " + rev
		if modified {
			line += ", modified"
		}
		line += ")"
	}
	return fmt.Sprintf("%s %s %s/%s", line, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func buildCommit() (rev string, modified bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return rev, modified
}
