package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
	"time"
)

var designerSamples = flag.Int("designer.samples", 0, "run TestDesignerBench with this many samples per request (default: tiny sizes)")

// TestDesignerBench measures the form designer's requests on a 200-field
// form against the raw store's draft write, at tiny sizes unless
// -designer.samples says otherwise, and checks that the report has the
// figures (it asserts no time: the machine is shared):
//
//	go test ./bench -run TestDesignerBench -designer.samples 200 -v
func TestDesignerBench(t *testing.T) {
	sz := tinySizes
	if *designerSamples > 0 {
		sz.name, sz.latencySamples = "designer", 2**designerSamples
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cfg := config{sizes: sz, db: "sqlite", dir: t.TempDir(), log: testLog{t}}
	b, err := openBackend(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	start := time.Now()
	r := &report{sizes: cfg.sizes}
	progress := func(format string, args ...any) {
		t.Logf("%6.1fs  "+format, append([]any{time.Since(start).Seconds()}, args...)...)
	}
	if err := measureDesigner(ctx, b, cfg, r, progress); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	writeDesigner(r, &out)
	t.Log("\n" + out.String())
	for _, want := range []string{"| update a field with a built condition (POST op update) |", "| designer page with a field open", "| check an expression as typed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
