//go:build ignore

// Writes evaluator.wasm.gz: run by `go generate ./offline`.
package main

import (
	"context"
	"fmt"
	"os"

	"canvass/offline/internal/wasmbuild"
)

func main() {
	gz, err := wasmbuild.Build(context.Background(), ".")
	if err == nil {
		err = os.WriteFile("evaluator.wasm.gz", gz, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "offline: go generate:", err)
		os.Exit(1)
	}
	fmt.Printf("offline: evaluator.wasm.gz is %d bytes\n", len(gz))
}
