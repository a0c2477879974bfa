// Package sqlite is the embedded default engine.Store: one SQLite file in
// WAL mode, through modernc.org/sqlite (pure Go, no cgo).
//
// # Files
//
// A store is one database file, say data/canvass.db, plus the two files
// SQLite keeps beside it while it is open: canvass.db-wal (committed
// transactions not yet copied into the main file) and canvass.db-shm (an
// index of the WAL shared by the connections). Back up with Backup (VACUUM
// INTO on a read-only connection, safe while servers write) and put a copy
// back with Restore (backup.go); never copy the main file alone while it is
// open. Each database has a random ID (store_meta, Store.DatabaseID) that
// its backups keep. The store notices its file being deleted or replaced
// while open and then refuses writes (file_watch.go). Open creates the file but not its directory, and
// refuses, without writing a byte, a file that is not a SQLite database,
// another program's database, a file that fails PRAGMA quick_check (run
// on files up to Options.QuickCheckMaxBytes), a schema newer than this
// program, and paths it cannot read or write.
//
// The schema lives in migrations/NNNN_name.sql, embedded in the binary and
// applied at Open in order, in one transaction, each recorded in
// schema_migrations. Times are UTC unix milliseconds (NULL for the zero
// time); answers, history, ledger inputs and audit details are JSON text.
// Every list filter has an index behind it; record candidate roles live in
// the side table record_roles so that RecordFilter.AnyRole has one too.
// Lists are keyset pages in ID order. Where a filter is a range (an org
// subtree, a time span) SQLite would sort every matching row by ID for
// each page, so a list first tries the next 1000 rows in ID order and
// falls back to the sorted query only when they do not fill the page.
// Months, quarters and years of AggregateRecords are computed in SQL from
// the millisecond column shifted to Asia/Shanghai (UTC+8 all year).
//
// # Durability
//
// The writer's connection runs with synchronous=FULL: in WAL mode every
// commit fsyncs the WAL before it returns, so a write that a method
// acknowledged (returned nil for) survives a process crash and a power
// cut. synchronous=NORMAL would skip that fsync and could lose the last
// transactions on power loss while the callers had been told they were
// stored, which Canvass does not allow ("acknowledged = durable"). The WAL
// is checkpointed into the main file automatically every 1000 pages and on
// Close. TestCrash kills a writing process with SIGKILL at random moments
// and checks that every acknowledged write is there after reopening.
//
// # Group commit
//
// An fsync costs about a millisecond, so one transaction per write would
// cap the store at about a thousand writes per second. Instead, one writer
// goroutine owns the only write connection. Every write method sends its
// work (a function of the transaction) to it over a channel and waits. The
// writer takes whatever is queued, up to Options.MaxBatch, runs each
// request inside its own SAVEPOINT of one transaction, commits once, and
// only then answers each caller. A request that fails (a conflict, bad
// input, a panic) rolls back to its savepoint and changes nothing, while
// the others of its batch commit. Batches form by themselves, without a
// timer: while one transaction commits, the next requests queue up, so a
// lone write costs what it would without the writer and a crowd shares
// the fsyncs. Methods that read and then write (conditional updates,
// idempotent inserts, timer claims, counters) do both inside the writer,
// which makes them atomic without retries. Reads go to a separate pool of
// read-only connections, which WAL lets run alongside the writer. Close
// waits for the queue to drain; later calls return EUNAVAILABLE.
// Store.Stats counts writes and commits.
//
// # Deleted data
//
// The writer's connection runs with secure_delete=ON: SQLite overwrites
// deleted content with zeros (a deleted row's cell in its page, and every
// page that goes to the free list) instead of leaving it readable until
// the page is reused. SQLite has no per-table switch, only this
// per-connection one, and the writer is the only connection that deletes,
// so it covers every table. What it is for above all is an import's
// uploaded list: chunks of up to half a megabyte, sealed by the engine
// with the personal-data key and deleted when the job ends. Without it
// their bytes would stay in free pages of the file, and of every copy of
// it, for as long as the pages happen not to be reused; with it they are
// gone from the main file once the WAL is checkpointed. The cost falls on
// deletes and on updates that shrink or move rows: a freed page that the
// same transaction does not reuse is written to the WAL, as zeros (for an
// import, one extra write of the file's size when its chunks go). A page
// freed and refilled within one transaction (a record rewritten) costs
// nothing more, as the WAL takes each page once per commit.
// secure_delete=FAST would not do: it skips free-list pages, which is
// where a chunk's overflow chain goes. The WAL file keeps old page images
// until a checkpoint's later writes overwrite them or it is truncated (to
// 64 MiB by journal_size_limit, to nothing by wal_checkpoint(TRUNCATE)):
// that is why the engine seals personal data rather than relying on
// secure deletion.
//
// # Comparing with a raw store
//
// To measure what the engine adds, compare with a plain SQLite insert of
// the same durability: open the file with
//
//	file:/path/raw.db?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)
//
// and run one INSERT per write in autocommit mode (no BEGIN): each
// statement is its own transaction and fsyncs the WAL once, as every
// acknowledged write of this store is on disk before its method returns.
// Batched raw inserts (BEGIN; n × INSERT; COMMIT) are the upper bound that
// group commit approaches when many writers are queued.
package sqlite
