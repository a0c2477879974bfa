package offline

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"canvass/offline/internal/wasmbuild"
)

// TestEvaluatorIsFresh fails when the committed evaluator.wasm.gz is not
// what `go generate ./offline` builds from the code now: a change to
// forms or rules must regenerate it.
func TestEvaluatorIsFresh(t *testing.T) {
	got, err := wasmbuild.Build(context.Background(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, EvaluatorGzip()) {
		t.Fatalf("offline/evaluator.wasm.gz is stale (%d bytes committed, %d built): run go generate ./offline with Go %s (go.mod's toolchain line; another Go release builds other bytes) and commit it", len(EvaluatorGzip()), len(got), runtime.Version())
	}
}

func TestEvaluatorUncompresses(t *testing.T) {
	b := Evaluator()
	if !bytes.HasPrefix(b, []byte("\x00asm")) {
		t.Fatalf("got %q…, want a WebAssembly module", b[:min(8, len(b))])
	}
}
