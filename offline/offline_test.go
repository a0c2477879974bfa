package offline

import (
	"bytes"
	"context"
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
		t.Fatalf("offline/evaluator.wasm.gz is stale (%d bytes committed, %d built): run go generate ./offline and commit it", len(EvaluatorGzip()), len(got))
	}
}

func TestEvaluatorUncompresses(t *testing.T) {
	b := Evaluator()
	if !bytes.HasPrefix(b, []byte("\x00asm")) {
		t.Fatalf("got %q…, want a WebAssembly module", b[:min(8, len(b))])
	}
}
