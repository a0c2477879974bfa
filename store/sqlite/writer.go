package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"canvass/engine"
)

// writer is the one goroutine that writes. Callers queue a request (a
// function of the write transaction) and wait; the writer takes whatever is
// queued, up to maxBatch, runs each request in its own SAVEPOINT inside one
// transaction, commits once, and then answers every caller. So concurrent
// writes share one fsync, a failing request rolls back only its own
// changes, and no caller hears "done" before its write is on disk.
//
// Batches form by themselves: while one transaction commits, the next
// requests queue up. There is no timer and no waiting for company, so a
// lone write costs one transaction, as it would without the writer.
type writer struct {
	conn     *sql.Conn
	maxBatch int
	log      *slog.Logger
	reqs     chan *writeReq
	done     chan struct{} // closed when run returns

	tx writeTx

	writes, commits, aborts atomic.Uint64
	maxSeen                 atomic.Int64
	lastErr                 atomic.Pointer[error] // last failed transaction, nil after a success
	optimized               time.Time             // when PRAGMA optimize last ran

	// beforeCommit, when set, runs before every COMMIT; its error rolls
	// the transaction back and fails its requests. The store checks there
	// that its file is still at its path (file_watch.go).
	beforeCommit func() error
}

// writeReq is one queued write. state moves from pending to taken (the
// writer will run it) or to abandoned (its caller gave up first); whoever
// wins the swap decides whether it runs.
type writeReq struct {
	ctx   context.Context
	fn    func(*writeTx) error
	state atomic.Int32
	done  chan error // buffered: the writer never blocks on a caller
}

const (
	reqPending int32 = iota
	reqTaken
	reqAbandoned
)

var reqPool = sync.Pool{New: func() any { return &writeReq{done: make(chan error, 1)} }}

func newWriter(conn *sql.Conn, maxBatch int, log *slog.Logger) *writer {
	return &writer{
		conn:     conn,
		maxBatch: maxBatch,
		log:      log,
		// A queue deeper than one batch keeps callers from blocking on the
		// send while a batch commits.
		reqs: make(chan *writeReq, 4*maxBatch),
		done: make(chan struct{}),
		tx:   writeTx{conn: conn, stmts: map[string]*sql.Stmt{}},
	}
}

// write runs fn in the writer and returns once its transaction committed
// (nil) or fn's changes were rolled back (fn's error, or the transaction's).
// fn runs on the writer goroutine: it must only touch the database through
// its *writeTx, and hand results back through variables it captured, which
// the caller may read once write returns.
//
// If ctx ends before the writer took the request, write returns at once and
// fn never runs. If it ends while the request's transaction is running,
// write waits for that transaction (one batch) so that its answer is true:
// an error from write always means nothing was written.
func (s *Store) write(ctx context.Context, fn func(*writeTx) error) error {
	if err := ctx.Err(); err != nil {
		return ctxError(err)
	}
	if err := s.file.lostErr(); err != nil {
		return err
	}
	r := reqPool.Get().(*writeReq)
	r.ctx, r.fn = ctx, fn
	r.state.Store(reqPending)

	s.mu.RLock()
	if s.closed.Load() {
		s.mu.RUnlock()
		return errClosed()
	}
	select {
	case s.w.reqs <- r:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctxError(ctx.Err())
	}
	s.mu.RUnlock()

	var err error
	select {
	case err = <-r.done:
	case <-ctx.Done():
		if r.state.CompareAndSwap(reqPending, reqAbandoned) {
			return ctxError(ctx.Err()) // r stays with the writer, which drops it
		}
		err = <-r.done
	}
	r.ctx, r.fn = nil, nil
	reqPool.Put(r)
	return err
}

func (w *writer) run() {
	defer close(w.done)
	batch := make([]*writeReq, 0, w.maxBatch)
	for r := range w.reqs {
		batch = append(batch[:0], r)
	fill:
		for len(batch) < w.maxBatch {
			select {
			case r, ok := <-w.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		w.runBatch(batch)
		clear(batch) // drop references to finished requests
		if time.Since(w.optimized) > optimizeEvery {
			w.optimize()
		}
	}
}

// optimizeEvery is how often the writer refreshes the planner's statistics,
// as SQLite advises for long-lived connections, so that its choice of index
// follows the data.
const optimizeEvery = time.Hour

// optimize runs PRAGMA optimize between transactions. analysis_limit keeps
// it to a few milliseconds however large the tables grow.
func (w *writer) optimize() {
	w.optimized = time.Now()
	if _, err := w.conn.ExecContext(context.Background(), "PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002"); err != nil {
		w.log.Warn("sqlite: PRAGMA optimize failed", "err", err)
	}
}

// runBatch runs the requests of one batch whose callers still wait. A
// transaction that fails as a whole (BEGIN, a broken savepoint, COMMIT)
// fails the requests it ran; the ones it had not reached yet go into a
// fresh transaction.
func (w *writer) runBatch(batch []*writeReq) {
	live := batch[:0]
	for _, r := range batch {
		if !r.state.CompareAndSwap(reqPending, reqTaken) {
			continue
		}
		if err := r.ctx.Err(); err != nil {
			r.done <- ctxError(err)
			continue
		}
		live = append(live, r)
	}
	if n := int64(len(live)); n > w.maxSeen.Load() {
		w.maxSeen.Store(n)
	}
	for len(live) > 0 {
		live = w.runTx(live)
	}
}

// runTx runs reqs in one transaction and answers them; it returns the
// requests it did not reach because the transaction failed under them.
func (w *writer) runTx(reqs []*writeReq) (rest []*writeReq) {
	if _, err := w.tx.exec("BEGIN IMMEDIATE"); err != nil {
		w.fail(reqs, nil, err)
		return nil
	}
	errs := make([]error, len(reqs))
	if len(reqs) == 1 {
		// Alone in its transaction, a request needs no savepoint: when it
		// fails, the transaction is rolled back instead of committed.
		w.writes.Add(1)
		if errs[0] = w.runReq(reqs[0]); errs[0] != nil {
			w.rollback()
			reqs[0].done <- errs[0]
			return nil
		}
	} else {
		for i, r := range reqs {
			w.writes.Add(1)
			if _, err := w.tx.exec("SAVEPOINT req"); err != nil {
				return w.abort(reqs[:i], errs, err, reqs[i:])
			}
			if errs[i] = w.runReq(r); errs[i] != nil {
				// A statement error such as SQLITE_FULL or an I/O error can
				// roll back the whole transaction; then the savepoint is
				// gone and ROLLBACK TO fails, which fails the batch so far.
				if _, err := w.tx.exec("ROLLBACK TO req"); err != nil {
					return w.abort(reqs[:i+1], errs, err, reqs[i+1:])
				}
			}
			if _, err := w.tx.exec("RELEASE req"); err != nil {
				return w.abort(reqs[:i+1], errs, err, reqs[i+1:])
			}
		}
	}
	if w.beforeCommit != nil {
		if err := w.beforeCommit(); err != nil {
			return w.abort(reqs, errs, err, nil)
		}
	}
	if _, err := w.tx.exec("COMMIT"); err != nil {
		return w.abort(reqs, errs, err, nil)
	}
	w.commits.Add(1)
	w.lastErr.Store(nil)
	for i, r := range reqs {
		r.done <- errs[i]
	}
	return nil
}

func (w *writer) rollback() {
	if _, err := w.tx.exec("ROLLBACK"); err != nil && !isNoTransaction(err) {
		w.log.Error("sqlite: rollback failed", "err", err)
	}
}

// runReq runs one request, turning a panic into EINTERNAL so that one bad
// request cannot take the writer, and every caller, down with it.
func (w *writer) runReq(r *writeReq) (err error) {
	defer func() {
		if p := recover(); p != nil {
			w.log.Error("sqlite: panic in a write", "panic", p, "stack", string(debug.Stack()))
			err = engine.WrapError(engine.EINTERNAL, "write failed", fmt.Errorf("panic: %v", p))
		}
	}()
	return dbError(r.fn(&w.tx))
}

// abort rolls the transaction back and fails the requests it ran: each
// with its own error if it had one (its changes were rolled back either
// way), the others with the transaction's error. It returns rest, the
// requests still to run.
func (w *writer) abort(ran []*writeReq, errs []error, err error, rest []*writeReq) []*writeReq {
	w.rollback()
	w.fail(ran, errs, err)
	return rest
}

func (w *writer) fail(reqs []*writeReq, errs []error, err error) {
	w.aborts.Add(1)
	w.lastErr.Store(&err)
	w.log.Error("sqlite: write transaction failed", "requests", len(reqs), "err", err)
	txErr := dbError(err)
	for i, r := range reqs {
		if errs != nil && errs[i] != nil {
			r.done <- errs[i]
		} else {
			r.done <- txErr
		}
	}
}

// isNoTransaction reports the error of a ROLLBACK after SQLite had already
// rolled the transaction back by itself.
func isNoTransaction(err error) bool {
	return strings.Contains(err.Error(), "no transaction is active")
}

// health returns the error of the last transaction if it failed.
func (w *writer) health() error {
	if p := w.lastErr.Load(); p != nil {
		return *p
	}
	return nil
}

func (w *writer) stats() Stats {
	return Stats{
		Writes:       w.writes.Load(),
		Commits:      w.commits.Load(),
		Aborts:       w.aborts.Load(),
		LargestBatch: int(w.maxSeen.Load()),
	}
}

// close runs after run returned: it refreshes the planner statistics once
// more, then releases the connection.
func (w *writer) close() error {
	w.optimize()
	var errs []error
	for _, st := range w.tx.stmts {
		errs = append(errs, st.Close())
	}
	errs = append(errs, w.conn.Close())
	return errors.Join(errs...)
}

// writeTx is what a request sees of the write transaction: statements
// prepared once on the writer's connection and kept for its life.
type writeTx struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

// stmt returns the prepared statement for query. Every query the writer
// runs is a constant, so the cache stays small.
func (t *writeTx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	// The writer's statements run with a background context: cancelling
	// one request must not interrupt the transaction the others share.
	st, err := t.conn.PrepareContext(context.Background(), query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

func (t *writeTx) exec(query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

func (t *writeTx) query(query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

// queryRow runs a query expected to return at most one row; a prepare
// error surfaces from Scan.
func (t *writeTx) queryRow(query string, args ...any) rowScanner {
	st, err := t.stmt(query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRow(args...)
}

// rowScanner is a *sql.Row or *sql.Rows positioned on a row.
type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
