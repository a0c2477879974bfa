package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"canvass/engine"
)

// The crash test's load: the demo's vital-events campaign, whose
// eligibility check goes from the village worker to the township's check
// and, approved, pays the worker 5 yuan (eligibility_checked).
const (
	crashCampaign = "vital-events-2027"
	crashForm     = "eligibility-check"
	crashPayItem  = "eligibility_checked"
	crashPayFen   = 500
	crashAccepted = "accepted"
	crashStart    = "township_check"
)

// Bounds of the crash test: kills, submissions per worker, and the time it
// may take in all.
const (
	crashKills = 24
	// crashPerWorker stays well under the pay table's cap (3,000 yuan a
	// quarter per worker, 600 checks), which would change what a record
	// earns.
	crashPerWorker  = 400
	crashTimeLimit  = 150 * time.Second
	crashKillMinGap = 100 * time.Millisecond
	crashKillMaxGap = 1200 * time.Millisecond
	// crashLongOutage is how long the server stays down after one of the
	// kills: longer than the pay reconciler looks back on its own (4 ×
	// --sweep-every), as after a reboot or a crash loop.
	crashLongOutage = 5 * time.Second
)

// TestCrashOverHTTP kills "canvass serve" with SIGKILL at random moments
// while field workers submit and a township reviewer approves over HTTP,
// restarts it on the same SQLite file, and has the clients retry what was
// not acknowledged, as a phone's sync queue would. At the end every
// acknowledged record is there once with one submit in its history, every
// approval is in its record's history once, and the ledger holds exactly
// one eligibility_checked line per accepted record (unique keys, 5 yuan to
// its creator) and none for the others. It would catch a 2xx sent before
// the commit (a lost record or approval), a replay stored twice, an
// approval applied twice, and pay lost or doubled across a crash between a
// record's update and its posting (the reconciler's catch-up).
//
// The RNG seed is logged; CANVASS_CRASH_SEED=<seed> replays the same kill
// schedule (the server's own timing still varies).
func TestCrashOverHTTP(t *testing.T) {
	began := time.Now()
	seed := time.Now().UnixNano()
	if s := os.Getenv("CANVASS_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			t.Fatalf("CANVASS_CRASH_SEED: %v", err)
		}
	}
	t.Logf("seed %d (CANVASS_CRASH_SEED=%d replays the kill schedule)", seed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	ctx, cancel := context.WithTimeout(t.Context(), crashTimeLimit)
	defer cancel()

	dir := t.TempDir()
	args := []string{"--db", "sqlite:crash.db", "--sweep-every", "1s"}
	srv := startServing(t, dir, nil, 60*time.Second, append(args, "--demo")...)
	target := &crashTarget{base: "http://" + srv.addr}

	workers := []string{"worker", "worker2"}
	tokens := map[string]string{}
	for _, u := range append(workers, "township-reviewer", "finance") {
		tokens[u] = apiTokenOf(t, target.url(), u, "demo-"+u)
	}

	acks := &crashLog{records: map[string]*crashRecord{}}
	toApprove := make(chan string, len(workers)*crashPerWorker)
	stop := make(chan struct{})
	stopClients := sync.OnceFunc(func() { close(stop) })
	var clients sync.WaitGroup
	// However the test ends, the clients end first (they may log).
	t.Cleanup(func() { cancel(); stopClients(); clients.Wait() })
	for w, user := range workers {
		clients.Go(func() {
			for i := range crashPerWorker {
				select {
				case <-stop:
					return
				default:
				}
				if id, ok := submitUntilAcknowledged(ctx, t, target, tokens[user], w*crashPerWorker+i, acks); ok {
					toApprove <- id
				} else {
					return
				}
			}
		})
	}
	for range 2 {
		clients.Go(func() {
			for {
				select {
				case <-stop:
					return
				case id := <-toApprove:
					if !approveUntilAcknowledged(ctx, t, target, tokens["township-reviewer"], id, acks) {
						return
					}
				}
			}
		})
	}

	longOutage := rng.IntN(crashKills)
	killFrom := time.Now()
	for k := range crashKills {
		gap := crashKillMinGap + time.Duration(rng.Int64N(int64(crashKillMaxGap-crashKillMinGap)))
		select {
		case <-time.After(gap):
		case <-ctx.Done():
			t.Fatalf("kill %d: out of time", k)
		}
		if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		<-srv.done
		srv.cmd.Wait()
		if k == longOutage {
			time.Sleep(crashLongOutage)
		}
		srv = startServing(t, dir, nil, 30*time.Second, args...)
		target.set("http://" + srv.addr)
	}
	killing := time.Since(killFrom)
	// The last server keeps running: let the clients finish what they
	// have in hand against it.
	time.Sleep(500 * time.Millisecond)
	stopClients()
	clients.Wait()
	if ctx.Err() != nil {
		t.Fatalf("the load did not finish within %v", crashTimeLimit)
	}

	acks.mu.Lock()
	defer acks.mu.Unlock()
	var acked, approved, unanswered int
	for _, r := range acks.records {
		acked++
		if r.approved {
			approved++
		}
		unanswered += r.lostSubmits + r.lostApprovals
	}
	t.Logf("%d kills in %v; %d records acknowledged, %d approved; %d attempts went unanswered (killed) and were retried",
		crashKills, killing.Round(time.Millisecond), acked, approved, unanswered)
	// A run that did too little proves nothing.
	if acked < 50 || approved < 20 {
		t.Fatalf("only %d records and %d approvals went through; the load is too light to test anything", acked, approved)
	}

	checkRecordsAfterCrashes(ctx, t, target, tokens["township-reviewer"], acks)
	checkLedgerAfterCrashes(ctx, t, target, tokens["finance"], acks)

	if code := srv.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("the last server exited with %d; log %v", code, srv.messages())
	}
	t.Logf("took %v", time.Since(began).Round(time.Millisecond))
}

// crashTarget is the address of the server now running.
type crashTarget struct {
	mu   sync.Mutex
	base string
}

func (c *crashTarget) url() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base
}

func (c *crashTarget) set(base string) {
	c.mu.Lock()
	c.base = base
	c.mu.Unlock()
}

// crashRecord is what the clients know of one record: acknowledged (2xx
// for its submission), approved (200 for the approval, or a 409 after an
// attempt whose answer a kill swallowed), and how many answers were lost.
type crashRecord struct {
	id            string
	approved      bool
	lostSubmits   int
	lostApprovals int
}

type crashLog struct {
	mu      sync.Mutex
	records map[string]*crashRecord
}

// crashClient sends requests with no keep-alive pool to outlive: every
// kill drops the connections anyway.
var crashClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}

// send makes one attempt. A transport error (the server is dead or
// restarting) is returned as err; any HTTP answer as status and body.
func send(ctx context.Context, base, method, path, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := crashClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	return res.StatusCode, b, nil
}

// retry sends the same request until the server answers it, and returns
// that answer and how many attempts before it got no answer. It gives up
// (ok false) when ctx ends.
func retry(ctx context.Context, c *crashTarget, method, path, token string, body any) (status int, b []byte, lost int, ok bool) {
	for {
		status, b, err := send(ctx, c.url(), method, path, token, body)
		if err == nil && status != http.StatusBadGateway && status != http.StatusServiceUnavailable && status != http.StatusGatewayTimeout {
			return status, b, lost, true
		}
		if ctx.Err() != nil {
			return 0, nil, lost, false
		}
		lost++
		time.Sleep(20 * time.Millisecond)
	}
}

// apiTokenOf signs in and makes an API token, which survives restarts
// (sessions and tokens live in the database).
func apiTokenOf(t *testing.T, base, username, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	res, err := crashClient.Post(base+"/api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var login struct{ CSRFToken string }
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &login) != nil {
		t.Fatalf("login %s: %d %s", username, res.StatusCode, b)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"crash test"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", login.CSRFToken)
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	res, err = crashClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	var tok struct{ Token string }
	if res.StatusCode != http.StatusCreated || json.Unmarshal(b, &tok) != nil || tok.Token == "" {
		t.Fatalf("token for %s: %d %s", username, res.StatusCode, b)
	}
	return tok.Token
}

// submitUntilAcknowledged submits eligibility check n under a fresh client
// ID and retries it, unchanged, until the server acknowledges it.
func submitUntilAcknowledged(ctx context.Context, t *testing.T, c *crashTarget, token string, n int, acks *crashLog) (string, bool) {
	id := engine.NewID(time.Now())
	body := map[string]any{"id": id, "campaign": crashCampaign, "form": crashForm, "answers": map[string]any{
		"recipientName": fmt.Sprintf("核查对象%03d", n), "recipientId": crashResidentID(n),
		"programme": []string{"reward", "special"}[n%2], "result": "eligible",
	}}
	status, b, lost, ok := retry(ctx, c, "POST", "/api/v1/records", token, body)
	if !ok {
		t.Errorf("submission %s: no answer before the time limit", id)
		return "", false
	}
	var receipt struct {
		ID       string
		State    string
		Replayed bool
	}
	if (status != http.StatusCreated && status != http.StatusOK) || json.Unmarshal(b, &receipt) != nil {
		t.Errorf("submission %s (after %d lost answers): %d %s", id, lost, status, b)
		return "", false
	}
	// A 200 replay is right only when an earlier attempt's answer was lost.
	if receipt.ID != id || receipt.State != crashStart || receipt.Replayed != (status == http.StatusOK) || (receipt.Replayed && lost == 0) {
		t.Errorf("submission %s (after %d lost answers): %d %s", id, lost, status, b)
	}
	acks.mu.Lock()
	acks.records[id] = &crashRecord{id: id, lostSubmits: lost}
	acks.mu.Unlock()
	return id, true
}

// approveUntilAcknowledged approves record id at version 1 and retries
// until answered. A 409 is an earlier attempt that was applied but whose
// answer a kill swallowed; the final check finds that approval in the
// history, once.
func approveUntilAcknowledged(ctx context.Context, t *testing.T, c *crashTarget, token, id string, acks *crashLog) bool {
	status, b, lost, ok := retry(ctx, c, "POST", "/api/v1/records/"+id+"/actions", token, map[string]any{"action": "approve", "version": 1})
	if !ok {
		t.Errorf("approval of %s: no answer before the time limit", id)
		return false
	}
	switch {
	case status == http.StatusOK:
	case status == http.StatusConflict && lost > 0:
	default:
		t.Errorf("approval of %s (after %d lost answers): %d %s", id, lost, status, b)
		return true
	}
	acks.mu.Lock()
	r := acks.records[id]
	r.approved, r.lostApprovals = true, lost
	acks.mu.Unlock()
	return true
}

// crashResidentID is a valid resident ID number (GB 11643 check
// character) in the demo's fictional district, one per n.
func crashResidentID(n int) string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n*13)
	body := fmt.Sprintf("341299%s%03d", birth.Format("20060102"), 100+n%900)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// checkRecordsAfterCrashes: every acknowledged record is listed once, has
// one submit, and an approval exactly when one was acknowledged.
func checkRecordsAfterCrashes(ctx context.Context, t *testing.T, c *crashTarget, token string, acks *crashLog) {
	listed := map[string]int{}
	after := ""
	for {
		status, b, _, ok := retry(ctx, c, "GET", "/api/v1/records?campaign="+crashCampaign+"&form="+crashForm+"&limit=500&after="+after, token, nil)
		var page struct {
			Records []struct{ ID string }
			Next    string
		}
		if !ok || status != http.StatusOK || json.Unmarshal(b, &page) != nil {
			t.Fatalf("list records: %d %s", status, b)
		}
		for _, r := range page.Records {
			listed[r.ID]++
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	for id, r := range acks.records {
		if listed[id] != 1 {
			t.Errorf("record %s is listed %d times, want once", id, listed[id])
		}
		status, b, _, ok := retry(ctx, c, "GET", "/api/v1/records/"+id, token, nil)
		var got struct {
			State   string
			Version int64
			History []struct{ Action, To string }
		}
		if !ok || status != http.StatusOK || json.Unmarshal(b, &got) != nil {
			t.Errorf("record %s: %d %s", id, status, b)
			continue
		}
		actions := map[string]int{}
		for _, h := range got.History {
			actions[h.Action]++
		}
		wantState, wantVersion, wantApprovals := crashStart, int64(1), 0
		if r.approved {
			wantState, wantVersion, wantApprovals = crashAccepted, 2, 1
		}
		if got.State != wantState || got.Version != wantVersion || actions["submit"] != 1 || actions["approve"] != wantApprovals || len(got.History) != 1+wantApprovals {
			t.Errorf("record %s: state %s version %d history %+v; want %s at version %d with one submit and %d approvals",
				id, got.State, got.Version, got.History, wantState, wantVersion, wantApprovals)
		}
	}
}

// checkLedgerAfterCrashes waits for the pay reconciler (it repairs a crash
// between a record's update and its posting) and then wants exactly one
// eligibility_checked line per accepted record of the test, 5 yuan to its
// creator, none for a record still in review, and unique keys throughout.
func checkLedgerAfterCrashes(ctx context.Context, t *testing.T, c *crashTarget, token string, acks *crashLog) {
	type line struct {
		Key, Item, Worker, Record string
		AmountFen                 int64
	}
	creators := map[string]string{}
	var problems []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		var lines []line
		after := ""
		for {
			status, b, _, ok := retry(ctx, c, "GET", "/api/v1/campaigns/"+crashCampaign+"/payments/entries?limit=500&after="+after, token, nil)
			var page struct {
				Entries []line
				Next    string
			}
			if !ok || status != http.StatusOK || json.Unmarshal(b, &page) != nil {
				t.Fatalf("ledger entries: %d %s", status, b)
			}
			lines = append(lines, page.Entries...)
			if page.Next == "" {
				break
			}
			after = page.Next
		}
		problems = problems[:0]
		keys := map[string]int{}
		byRecord := map[string][]line{}
		for _, l := range lines {
			keys[l.Key]++
			if keys[l.Key] == 2 {
				problems = append(problems, "ledger key "+l.Key+" appears more than once")
			}
			if _, ours := acks.records[l.Record]; ours {
				byRecord[l.Record] = append(byRecord[l.Record], l)
			}
		}
		var total, accepted int64
		for id, r := range acks.records {
			got := byRecord[id]
			if !r.approved {
				if len(got) != 0 {
					problems = append(problems, fmt.Sprintf("record %s is not accepted but has ledger lines %+v", id, got))
				}
				continue
			}
			accepted++
			if creators[id] == "" {
				status, b, _, _ := retry(ctx, c, "GET", "/api/v1/records/"+id, token, nil)
				var rec struct{ CreatedBy string }
				if status != http.StatusOK || json.Unmarshal(b, &rec) != nil {
					t.Fatalf("record %s: %d %s", id, status, b)
				}
				creators[id] = rec.CreatedBy
			}
			if len(got) != 1 || got[0].Item != crashPayItem || got[0].AmountFen != crashPayFen || got[0].Worker != creators[id] {
				problems = append(problems, fmt.Sprintf("accepted record %s (creator %s): ledger lines %+v, want one %s of %d fen", id, creators[id], got, crashPayItem, crashPayFen))
			}
			for _, l := range got {
				total += l.AmountFen
			}
		}
		if total != accepted*crashPayFen {
			problems = append(problems, fmt.Sprintf("the test's records earned %d fen, want %d accepted × %d", total, accepted, crashPayFen))
		}
		if len(problems) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if len(problems) > 0 {
		t.Errorf("the ledger after the crashes (waited for the reconciler):\n%s", strings.Join(problems, "\n"))
	}
}
