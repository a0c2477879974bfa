// Package wasmbuild builds the offline evaluator (../../evaluator) to
// WebAssembly and compresses it, the same way every time, so that the
// committed offline/evaluator.wasm.gz can be checked against a fresh
// build.
package wasmbuild

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Package is the import path of the evaluator command.
const Package = "canvass/offline/evaluator"

// Build compiles the evaluator with the go command found on PATH, from
// the module that holds dir, and returns the module gzipped. The build
// is reproducible: -trimpath and an empty build ID leave no path or
// time in the binary, and the gzip header carries no name or time.
func Build(ctx context.Context, dir string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "canvass-wasm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "evaluator.wasm")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildmode=c-shared",
		"-ldflags=-s -w -buildid=", "-o", out, Package)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build the evaluator: %v\n%s", err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	return Compress(raw)
}

// Compress gzips b at the best compression with an empty header.
func Compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
