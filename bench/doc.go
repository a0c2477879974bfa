// Package bench will hold the benchmark harness ("make bench", "go run
// ./bench"): it drives a running store through the campaigns' workloads
// (submissions, review transitions, ledger appends, list and aggregate
// queries) on SQLite and MongoDB and writes the results under
// bench/results/. The harness lands with its own issue; until then this
// file only reserves the package.
package bench
