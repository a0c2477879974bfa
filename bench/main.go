package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

// sizes say how much each measurement does. Every run uses one of the
// presets below, possibly lowered for FerretDB.
type sizes struct {
	name string

	concurrency  []int         // ingest concurrencies
	ingestCell   time.Duration // one timed cell of one ingest path
	ingestRounds int           // cells per path, interleaved with the other paths

	smallRecords, largeRecords int           // the two stores of the latency measurement
	inboxOpen                  int           // open tasks in the measured inbox, in both stores
	latencySamples             int           // requests per figure, at most
	latencyBudget              time.Duration // per request kind, both sides

	ledgerEntries int
	ledgerRuns    int // grouped sums per side

	tableRows int // rows imported and exported

	registryRows int // rows of the registry list imported as records and exported
}

var (
	fullSizes = sizes{
		name:        "full",
		concurrency: []int{1, 8, 64}, ingestCell: 1500 * time.Millisecond, ingestRounds: 3,
		smallRecords: 10_000, largeRecords: 1_000_000, inboxOpen: 200, latencySamples: 400, latencyBudget: time.Minute,
		ledgerEntries: 1_000_000, ledgerRuns: 5,
		tableRows: 1_000_000, registryRows: 1_000_000,
	}
	quickSizes = sizes{
		name:        "quick",
		concurrency: []int{1, 8, 64}, ingestCell: 400 * time.Millisecond, ingestRounds: 1,
		smallRecords: 1_000, largeRecords: 10_000, inboxOpen: 200, latencySamples: 100, latencyBudget: 5 * time.Second,
		ledgerEntries: 10_000, ledgerRuns: 3,
		tableRows: 100_000, registryRows: 20_000,
	}
	// tinySizes keep the harness compiling and working under go test.
	tinySizes = sizes{
		name:        "tiny",
		concurrency: []int{1, 8, 64}, ingestCell: 100 * time.Millisecond, ingestRounds: 1,
		smallRecords: 200, largeRecords: 1_000, inboxOpen: 50, latencySamples: 10, latencyBudget: time.Second,
		ledgerEntries: 2_000, ledgerRuns: 1,
		tableRows: 2_000, registryRows: 1_000,
	}
)

// forFerretDB lowers the store-bound sizes: FerretDB's SQLite handler
// pushes down only {_id: …} filters and scans and decodes the collection
// for every other query (an inbox over 10k records takes longer than the
// store's 10 s call timeout), so a million records would take hours.
func (s sizes) forFerretDB() sizes {
	s.largeRecords = min(s.largeRecords, 2_000)
	s.smallRecords = min(s.smallRecords, s.largeRecords/10)
	s.inboxOpen = min(s.inboxOpen, s.smallRecords/4)
	s.latencySamples = min(s.latencySamples, 30)
	s.ledgerEntries = min(s.ledgerEntries, 5_000)
	s.name += ", lowered for FerretDB"
	return s
}

// config is one run of the harness.
type config struct {
	sizes sizes
	db    string // "sqlite", "ferretdb" or a mongodb:// URI
	dir   string // where files go; a fresh temporary directory when empty
	only  string // run only the step of that name ("ingest", "latency", …); empty: all
	keep  bool   // keep the files
	log   io.Writer
}

func main() {
	if runChildIfAsked() {
		return
	}
	quick := flag.Bool("quick", false, "small sizes: a run of seconds, not minutes")
	db := flag.String("db", "sqlite", `store: "sqlite", "ferretdb" (embedded FerretDB 1.24.2) or a mongodb:// URI`)
	dir := flag.String("dir", "", "directory for the databases and files (default: a new temporary directory)")
	keep := flag.Bool("keep", false, "keep the databases and files after the run")
	quiet := flag.Bool("q", false, "no progress lines on stderr")
	only := flag.String("only", "", `run only this step: "ingest", "latency", "payment table", "import/export", "indicator page", "registry" or "form designer"`)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./bench [-quick] [-only step] [-db sqlite|ferretdb|mongodb://…] [-dir dir] [-keep]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	cfg := config{sizes: fullSizes, db: *db, dir: *dir, keep: *keep, only: *only, log: os.Stderr}
	if *quick {
		cfg.sizes = quickSizes
	}
	if *quiet {
		cfg.log = io.Discard
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run takes every measurement and writes the report to out.
func run(ctx context.Context, cfg config, out io.Writer) (err error) {
	start := time.Now()
	if cfg.dir == "" {
		if cfg.dir, err = os.MkdirTemp("", "canvass-bench-"); err != nil {
			return err
		}
		if !cfg.keep {
			defer os.RemoveAll(cfg.dir)
		}
	}
	b, err := openBackend(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.close()
	if b.ferret {
		cfg.sizes = cfg.sizes.forFerretDB()
	}
	progress := func(format string, args ...any) {
		fmt.Fprintf(cfg.log, "%6.1fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
	r := &report{sizes: cfg.sizes, machine: describeMachine(b.describe())}
	progress("%s run on %s", cfg.sizes.name, r.machine)

	steps := []struct {
		name string
		run  func(context.Context, *backend, config, *report, func(string, ...any)) error
	}{
		{"ingest", measureIngest},
		{"latency", measureLatency},
		{"payment table", measurePaymentTable},
		{"import/export", measureTables},
		{"indicator page", measureIndicators},
		{"registry", measureRegistryStep},
		{"form designer", measureDesigner},
	}
	known := cfg.only == ""
	for _, s := range steps {
		known = known || s.name == cfg.only
	}
	if !known {
		return fmt.Errorf("no step %q", cfg.only)
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if cfg.only != "" && s.name != cfg.only {
			continue
		}
		progress("%s …", s.name)
		if err := s.run(ctx, b, cfg, r, progress); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	r.took = time.Since(start)
	r.write(out)
	return nil
}

// dbName is the store's name in the machine line.
func dbName(uri string) string {
	if i := strings.Index(uri, "@"); i >= 0 { // never print credentials
		return "mongodb://…" + uri[i:]
	}
	return uri
}
