// Command bench is Canvass's benchmark harness (issue #10): "go run
// ./bench" or "make bench". Every figure it prints is a ratio of two
// measurements taken side by side in the same run on the same machine, so
// that a loaded or slow machine moves both sides together:
//
//   - submission ingest through HTTP (the real Fiber app on a loopback
//     listener, POST /api/v1/records with an API token: JSON decode, form
//     schema and rules, dedup key, workflow start, audit, durable write) at
//     concurrency 1, 8 and 64, against the raw database inserting the same
//     record with the same durability, one statement per write; the same
//     submissions through engine.Submit in-process and the prepared records
//     through Store.InsertRecord are shown beside them, to tell what HTTP,
//     the engine and the store each add;
//   - inbox list and record fetch latency (p50, p99) over HTTP with 10k and
//     with 1M records in the store, the two stores measured in alternation;
//   - the payment table (Store.SumLedger by worker × item for one period)
//     over 1M ledger entries against the database's own grouped sum;
//   - CSV import and XLSX/CSV export of 1M rows through engine/tabular,
//     each in a child process (this binary re-executed with the hidden
//     -child flag) whose peak RSS is read from its rusage;
//   - the share of the server's CPU spent in rule evaluation during ingest,
//     from CPU profiles taken during the HTTP ingest cells;
//   - the indicator page (engine.IndicatorValues, district and townships)
//     over 1M records against Store.AggregateRecords grouping the same
//     records (issue #9);
//   - the registry import of 1M rows as an engine job (validated, sealed,
//     started in the workflow) against raw Store.InsertRecords of the same
//     rows, and the masked exports to XLSX and CSV, with peak Go heap
//     (issue #8).
//
// -quick lowers every size (seconds, not minutes). The store is SQLite by
// default; -db mongodb://… runs on a MongoDB deployment and -db ferretdb on
// an embedded FerretDB 1.24.2 started in this process, with lower sizes
// because FerretDB scans a collection for every query but an _id lookup.
// bench/README.md holds the latest figures and how they were taken.
package main
