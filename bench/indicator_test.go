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
	indicatorRecords = flag.Int("indicator.records", 0, "run TestIndicatorBench over this many records (default: tiny sizes)")
	indicatorDB      = flag.String("indicator.db", "sqlite", `TestIndicatorBench's store: "sqlite", "ferretdb" or a mongodb:// URI`)
)

// TestIndicatorBench measures the indicator page against the grouped
// count, at tiny sizes unless -indicator.records says otherwise (1000000
// for the figure), and checks that the report has the figures:
//
//	go test ./bench -run TestIndicatorBench -indicator.records 1000000 -timeout 30m -v
func TestIndicatorBench(t *testing.T) {
	sz := tinySizes
	timeout := 2 * time.Minute
	if *indicatorRecords > 0 {
		sz.name, sz.largeRecords, sz.ledgerRuns = "indicator", *indicatorRecords, 5
		timeout = 30 * time.Minute
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cfg := config{sizes: sz, db: *indicatorDB, dir: t.TempDir(), log: testLog{t}}
	b, err := openBackend(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	if b.ferret {
		cfg.sizes = cfg.sizes.forFerretDB()
	}
	start := time.Now()
	r := &report{sizes: cfg.sizes}
	progress := func(format string, args ...any) {
		t.Logf("%6.1fs  "+format, append([]any{time.Since(start).Seconds()}, args...)...)
	}
	if err := measureIndicators(ctx, b, cfg, r, progress); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	writeIndicators(r, &out)
	t.Log("\n" + out.String())
	for _, want := range []string{"| indicator page (district + 20 townships, year, 42 values) over ", "| indicator page, 4-quarter trend |", "Storing and counting the "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
