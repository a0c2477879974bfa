package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"canvass/engine"
)

// TestGroupCommitBatches: concurrent inserts share transactions, every one
// is stored, and the writer commits fewer times than it writes.
func TestGroupCommitBatches(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	const workers, each = 64, 100
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, _, err := s.InsertRecord(ctx, testRecord(engine.NewID(time.Now()))); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := s.Stats()
	n, err := s.CountRecords(ctx, engine.RecordFilter{})
	if err != nil || n != workers*each {
		t.Fatalf("CountRecords = %d, %v; want %d", n, err, workers*each)
	}
	t.Logf("%d goroutines × %d inserts: %v, %.0f inserts/s, %d commits (%.1f writes per commit, largest batch %d)",
		workers, each, took.Round(time.Millisecond), float64(workers*each)/took.Seconds(),
		st.Commits, float64(st.Writes)/float64(st.Commits), st.LargestBatch)
	if st.Writes != workers*each {
		t.Errorf("Stats.Writes = %d, want %d", st.Writes, workers*each)
	}
	if st.Commits >= st.Writes {
		t.Errorf("%d commits for %d writes: writes were not batched", st.Commits, st.Writes)
	}
}

// holdWriter queues a request that blocks the writer until release is
// called, so that the requests queued meanwhile form one batch.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	held, gate := make(chan struct{}), make(chan struct{})
	go s.write(context.Background(), func(*writeTx) error {
		close(held)
		<-gate
		return nil
	})
	<-held
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	return release
}

// waitQueued waits until n requests wait in the writer's queue.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.w.reqs) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued, want %d", len(s.w.reqs), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestFailingWriteInBatch: in one batch, a write that fails after changing
// rows, a version conflict and a panic roll back only themselves; the other
// writes of the batch commit, in the same single transaction.
func TestFailingWriteInBatch(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	base, _, err := s.InsertRecord(ctx, testRecord("BASE"))
	if err != nil {
		t.Fatal(err)
	}
	release := holdWriter(t, s)
	commitsBefore := s.Stats().Commits

	type result struct {
		name string
		err  error
	}
	results := make(chan result, 16)
	var queued int
	run := func(name string, f func() error) {
		queued++
		go func() { results <- result{name, f()} }()
		waitQueued(t, s, queued) // keep the batch in a known order
	}
	run("insert A", func() error { return third(s.InsertRecord(ctx, testRecord("A"))) })
	run("half-done write", func() error {
		return s.write(ctx, func(tx *writeTx) error {
			if _, err := tx.exec(insertRecordSQL, mustRow(t, testRecord("HALF")).args()...); err != nil {
				return err
			}
			return engine.Errorf(engine.EINVALID, "changed my mind")
		})
	})
	run("stale update", func() error {
		stale := *base
		stale.Version = 7
		return second(s.UpdateRecord(ctx, &stale))
	})
	run("panic", func() error {
		return s.write(ctx, func(tx *writeTx) error {
			if _, err := tx.exec(insertRecordSQL, mustRow(t, testRecord("PANIC")).args()...); err != nil {
				return err
			}
			panic("boom")
		})
	})
	run("insert B", func() error { return third(s.InsertRecord(ctx, testRecord("B"))) })
	run("conflicting insert", func() error {
		clash := testRecord("A")
		clash.Answers = map[string]any{"other": true}
		return third(s.InsertRecord(ctx, clash))
	})
	release()

	want := map[string]string{
		"insert A": "", "half-done write": engine.EINVALID, "stale update": engine.ECONFLICT,
		"panic": engine.EINTERNAL, "insert B": "", "conflicting insert": engine.ECONFLICT,
	}
	for range want {
		r := <-results
		if got := engine.ErrorCode(r.err); got != want[r.name] {
			t.Errorf("%s: code %q (%v), want %q", r.name, got, r.err, want[r.name])
		}
	}
	for id, present := range map[string]bool{"A": true, "B": true, "HALF": false, "PANIC": false} {
		_, err := s.GetRecord(ctx, id)
		if got := err == nil; got != present {
			t.Errorf("record %s present = %v (%v), want %v", id, got, err, present)
		}
	}
	if got, _ := s.GetRecord(ctx, "BASE"); got.Version != 1 {
		t.Errorf("BASE version = %d, want 1", got.Version)
	}
	// The held request and the batch of six: two commits.
	if got := s.Stats().Commits - commitsBefore; got != 2 {
		t.Errorf("%d commits, want 2 (the held request, then one for the whole batch)", got)
	}
}

// TestCancelledWhileQueued: a request whose context ends while it waits in
// the queue never runs.
func TestCancelledWhileQueued(t *testing.T) {
	s := MustOpen(t)
	release := holdWriter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, _, err := s.InsertRecord(ctx, testRecord("C")); done <- err }()
	waitQueued(t, s, 1)
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) || engine.ErrorCode(err) != engine.EUNAVAILABLE {
		t.Fatalf("InsertRecord = %v, want EUNAVAILABLE wrapping context.Canceled", err)
	}
	release()
	if _, _, err := s.InsertRecord(context.Background(), testRecord("D")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRecord(context.Background(), "C"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Errorf("cancelled record C: %v, want ENOTFOUND", err)
	}
}

// TestCloseDrainsQueue: writes queued when Close is called still commit,
// and Close returns after them.
func TestCloseDrainsQueue(t *testing.T) {
	s, err := Open(t.TempDir()+"/canvass.db", Options{})
	if err != nil {
		t.Fatal(err)
	}
	release := holdWriter(t, s)
	const n = 20
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, _, err := s.InsertRecord(context.Background(), testRecord(fmt.Sprintf("Q%02d", i)))
			errs <- err
		}()
	}
	waitQueued(t, s, n)
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	time.Sleep(10 * time.Millisecond)
	release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("queued insert: %v", err)
		}
	}
	s2 := MustOpenPath(t, s.path)
	if got, _ := s2.CountRecords(context.Background(), engine.RecordFilter{}); got != n {
		t.Errorf("%d records after reopen, want %d", got, n)
	}
}

func mustRow(t *testing.T, r *engine.Record) *recordRow {
	row, err := encodeRecord(r)
	if err != nil {
		t.Fatal(err)
	}
	row.version = 1
	row.contentHash = engine.RecordContentHash(r)
	return row
}

// BenchmarkInsertRecord: one caller at a time, so one commit (one fsync)
// per insert: the latency of a lone write.
func BenchmarkInsertRecord(b *testing.B) {
	s := MustOpen(b)
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := s.InsertRecord(ctx, testRecord(engine.NewID(time.Now()))); err != nil {
			b.Fatal(err)
		}
	}
	reportCommits(b, s)
}

// BenchmarkInsertRecordParallel: 64 callers per CPU share commits.
func BenchmarkInsertRecordParallel(b *testing.B) {
	s := MustOpen(b)
	ctx := context.Background()
	b.SetParallelism(64)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := s.InsertRecord(ctx, testRecord(engine.NewID(time.Now()))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportCommits(b, s)
}

func reportCommits(b *testing.B, s *Store) {
	st := s.Stats()
	b.ReportMetric(float64(st.Writes)/float64(st.Commits), "writes/commit")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
}

// TestWorkflowPinRoundTrips: the workflow a record started in is stored,
// read back and replaced by an update like the other mutable fields.
func TestWorkflowPinRoundTrips(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	got, _, err := s.InsertRecord(ctx, testRecord("01JDQ0000000000000000000W1"))
	if err != nil {
		t.Fatal(err)
	}
	if stored, _ := s.GetRecord(ctx, got.ID); stored.WorkflowID != "household-review" || stored.WorkflowVersion != 2 {
		t.Errorf("stored workflow %q v%d, want household-review v2", stored.WorkflowID, stored.WorkflowVersion)
	}
	got.WorkflowVersion = 3
	if _, err := s.UpdateRecord(ctx, got); err != nil {
		t.Fatal(err)
	}
	if stored, _ := s.GetRecord(ctx, got.ID); stored.WorkflowVersion != 3 {
		t.Errorf("workflow version after update = %d, want 3", stored.WorkflowVersion)
	}
}
