package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
	"time"
)

var (
	registryRows = flag.Int("registry.rows", 0, "run TestRegistryBench over this many rows (default: 2,000)")
	registryDB   = flag.String("registry.db", "sqlite", `TestRegistryBench's store: "sqlite", "ferretdb" or a mongodb:// URI`)
)

// TestRegistryBench imports a list through the engine, inserts the same
// rows raw, and exports them, at 2,000 rows unless -registry.rows says
// otherwise (1000000 for the figure):
//
//	go test ./bench -run TestRegistryBench -registry.rows 1000000 -timeout 60m -v
func TestRegistryBench(t *testing.T) {
	n, timeout := 2_000, 2*time.Minute
	if *registryRows > 0 {
		n, timeout = *registryRows, 90*time.Minute
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cfg := config{db: *registryDB, dir: t.TempDir(), log: testLog{t}}
	b, err := openBackend(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	start := time.Now()
	progress := func(format string, args ...any) {
		t.Logf("%6.1fs  "+format, append([]any{time.Since(start).Seconds()}, args...)...)
	}
	f, err := measureRegistry(ctx, b, cfg.dir, n, progress)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	f.write(&out)
	t.Log("\n" + out.String())
	for _, want := range []string{"| upload (chunks into the store) |", "| engine import job", "| raw InsertRecords, batches of 500 |", "| engine export XLSX", "| engine export CSV"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
