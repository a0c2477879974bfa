package sqlite

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"canvass/engine"
)

var crashRounds = flag.Int("crash.rounds", 20, "rounds of TestCrash: kill a writing process, reopen, check every acknowledged write")

// crashEnv names the database a crash child process writes to.
const crashEnv = "CANVASS_SQLITE_CRASH_DB"

// TestCrash is the durability test: a child process writes as fast as it
// can from several goroutines and prints each write only after the store
// acknowledged it; the parent kills it with SIGKILL at a random moment,
// reopens the database and checks that every acknowledged write is there
// and intact. A process kill leaves the kernel's page cache alone, so this
// proves that acknowledgement waits for the commit and that recovery from
// the WAL works, not what a power cut does to the disk; synchronous=FULL
// (an fsync per commit) is what covers that.
func TestCrash(t *testing.T) {
	rounds := *crashRounds
	if testing.Short() {
		rounds = min(rounds, 5)
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	all := map[string]string{} // every acknowledged insert: ID → content hash
	start := time.Now()
	for round := range rounds {
		delay := time.Duration(50+rng.IntN(351)) * time.Millisecond
		acks := crashRound(t, path, delay)
		inserts, updates := checkAcks(t, path, acks)
		for _, a := range acks {
			if a.kind == "ins" {
				all[a.id] = a.hash
			}
		}
		if t.Failed() {
			t.Fatalf("round %d: killed after %v: acknowledged writes lost or damaged (above)", round+1, delay)
		}
		t.Logf("round %2d: killed after %v: %d inserts and %d updates acknowledged, all present", round+1, delay, inserts, updates)
	}

	// Last, one full pass: every insert of every round, and a full
	// integrity check of the file.
	s := MustOpenPath(t, path)
	var problems []string
	rows, err := s.rdb.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		rows.Scan(&line)
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if len(problems) > 0 {
		t.Errorf("integrity_check: %s", strings.Join(problems, "; "))
	}
	stored := map[string]string{}
	for p := (engine.Page{Limit: engine.MaxPageLimit}); ; {
		page, err := s.ListRecords(context.Background(), engine.RecordFilter{}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			stored[r.ID] = r.ContentHash
		}
		if page.Next == "" {
			break
		}
		p.After = page.Next
	}
	for id, hash := range all {
		if stored[id] != hash {
			t.Errorf("record %s: stored hash %q, acknowledged %q", id, stored[id], hash)
		}
	}
	t.Logf("%d rounds in %v: %d acknowledged inserts, %d records stored, all acknowledged ones intact",
		rounds, time.Since(start).Round(time.Millisecond), len(all), len(stored))
}

// ack is one acknowledged write as the child printed it.
type ack struct {
	kind    string // "ins" or "upd"
	id      string
	hash    string // ins: the content hash
	version int64  // upd: the version the update returned
}

// crashRound runs one child on path, kills it delay after it opened the
// store, and returns what it acknowledged.
func crashRound(t *testing.T, path string, delay time.Duration) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	opened := make(chan struct{})
	var acks []ack
	read := make(chan error)
	go func() {
		// The child writes each line with one write(2) of less than
		// PIPE_BUF bytes, so a line is whole or missing; a last fragment
		// without its newline is ignored all the same.
		br := bufio.NewReader(out)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				read <- err
				return
			}
			f := strings.Fields(line)
			switch {
			case len(f) == 1 && f[0] == "OPEN":
				close(opened)
			case len(f) == 3 && f[0] == "ins":
				acks = append(acks, ack{kind: "ins", id: f[1], hash: f[2]})
			case len(f) == 3 && f[0] == "upd":
				v, _ := strconv.ParseInt(f[2], 10, 64)
				acks = append(acks, ack{kind: "upd", id: f[1], version: v})
			default:
				t.Errorf("child printed %q", line)
			}
		}
	}()
	select {
	case <-opened:
	case err := <-read:
		cmd.Wait()
		t.Fatalf("child ended before opening the store: %v", err)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child did not open the store in 30s")
	}
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	if err := <-read; err != io.EOF {
		t.Errorf("reading the child: %v", err)
	}
	cmd.Wait()
	return acks
}

// checkAcks opens the database the child left and checks each of its
// acknowledgements.
func checkAcks(t *testing.T, path string, acks []ack) (inserts, updates int) {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open after the kill: %v", err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, a := range acks {
		r, err := s.GetRecord(ctx, a.id)
		if err != nil {
			t.Errorf("acknowledged %s of %s: %v", a.kind, a.id, err)
			continue
		}
		// Every version's state names it, so a record is intact when its
		// state matches its version and its content its hash.
		if want := crashState(r.Version); r.State != want {
			t.Errorf("record %s version %d has state %q, want %q", a.id, r.Version, r.State, want)
		}
		switch a.kind {
		case "ins":
			inserts++
			// ContentHash stays that of the insert; the content itself only
			// until the first update.
			if r.ContentHash != a.hash || (r.Version == 1 && engine.RecordContentHash(r) != a.hash) {
				t.Errorf("record %s: content hash %s (recomputed %s), acknowledged %s", a.id, r.ContentHash, engine.RecordContentHash(r), a.hash)
			}
		case "upd":
			updates++
			if r.Version < a.version {
				t.Errorf("record %s: version %d, acknowledged update to %d", a.id, r.Version, a.version)
			}
		}
	}
	return inserts, updates
}

func crashState(version int64) string { return "v" + strconv.FormatInt(version, 10) }

// TestMain runs the crash child instead of the tests when TestCrash
// re-executes this binary with crashEnv set, so no test is skipped in a
// normal run.
func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashChild is the child of TestCrash. It writes until it is killed (or
// for 60s at most): each goroutine inserts records and updates the one it
// inserted last, and prints every acknowledged write to stdout.
func crashChild(path string) {
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child: Open:", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	say := func(format string, args ...any) {
		line := fmt.Sprintf(format, args...)
		mu.Lock()
		defer mu.Unlock()
		if _, err := os.Stdout.WriteString(line); err != nil {
			os.Exit(4)
		}
	}
	say("OPEN\n")
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			var last *engine.Record
			for i := 0; time.Now().Before(deadline); i++ {
				if last != nil && i%3 == 2 {
					next := *last
					next.State = crashState(last.Version + 1)
					next.Answers = map[string]any{"g": float64(g), "i": float64(i), "updated": true}
					next.UpdatedAt = time.Now()
					got, err := s.UpdateRecord(ctx, &next)
					if err != nil {
						fmt.Fprintln(os.Stderr, "crash child: UpdateRecord:", err)
						os.Exit(5)
					}
					say("upd %s %d\n", got.ID, got.Version)
					last = got
					continue
				}
				r := testRecord(engine.NewID(time.Now()))
				r.State = crashState(1)
				r.Answers = map[string]any{"g": float64(g), "i": float64(i), "pad": strings.Repeat("x", i%200)}
				got, _, err := s.InsertRecord(ctx, r)
				if err != nil {
					fmt.Fprintln(os.Stderr, "crash child: InsertRecord:", err)
					os.Exit(5)
				}
				say("ins %s %s\n", got.ID, engine.RecordContentHash(r))
				last = got
			}
		})
	}
	wg.Wait()
	s.Close()
}
