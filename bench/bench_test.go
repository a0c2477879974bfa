package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"canvass/rules"
)

// TestMain lets the test binary serve as the harness's child process too:
// measureTables re-executes os.Args[0], which under go test is this binary.
func TestMain(m *testing.M) {
	if runChildIfAsked() {
		return
	}
	os.Exit(m.Run())
}

// TestRunTiny runs every measurement at tiny sizes on SQLite and checks
// that the report has every figure.
func TestRunTiny(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, config{sizes: tinySizes, db: "sqlite", dir: t.TempDir(), log: testLog{t}}, &out)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	report := out.String()
	t.Log("\n" + report)
	for _, want := range []string{
		"Machine: ", " cores, go", "store SQLite",
		"| ingest over HTTP, concurrency 1 |", "| ingest over HTTP, concurrency 64 |",
		"| inbox, first page of 50", "| record by ID",
		"| payment table (SumLedger by worker × item), 2k entries",
		"| import CSV (tabular.Open, Next), 2k rows |", "| export XLSX", "| export CSV", "| import XLSX",
		"| CPU share of rule evaluation in HTTP ingest (server side) |",
		"- rule evaluation (canvass/rules, expr-lang/expr): ",
		"| indicator page (district + ", "| indicator page, 4-quarter trend |",
		"### Registry import and export, 1,000 rows", "| engine import job", "| raw InsertRecords, batches of 500 |",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// testLog sends the progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestParseTraces(t *testing.T) {
	out := []byte(`File: bench
Type: cpu
-----------+-------------------------------------------------------
      30ms   canvass/rules.(*Program).RunBool
             canvass/forms.Evaluate
             canvass/engine.(*Engine).Submit
-----------+-------------------------------------------------------
      side:  client
     230ms   net/http.(*Transport).roundTrip
-----------+-------------------------------------------------------
      1.2s   modernc.org/sqlite.(*conn).exec
-----------+-------------------------------------------------------
`)
	rep, err := parseTraces(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.total, 1460*time.Millisecond; got != want {
		t.Errorf("total %v, want %v", got, want)
	}
	if got, want := rep.client, 230*time.Millisecond; got != want {
		t.Errorf("client %v, want %v", got, want)
	}
	if got, want := rep.rules, 30.0/1230; got != want {
		t.Errorf("rules share %v, want %v", got, want)
	}
}

func TestStoreCall(t *testing.T) {
	for _, c := range []struct {
		frames []string
		want   string
	}{
		{[]string{"modernc.org/sqlite.(*conn).exec", "canvass/store/sqlite.(*Store).InsertRecord.func1", "canvass/store/sqlite.(*writer).run"}, "InsertRecord"},
		{[]string{"modernc.org/sqlite.(*conn).commit", "canvass/store/sqlite.(*writer).run"}, "the SQLite writer's own work: BEGIN, SAVEPOINT, COMMIT"},
		{[]string{"database/sql.(*DB).QueryRowContext", "canvass/store/sqlite.(*Store).GetOrgUnit", "canvass/engine.(*Engine).Submit"}, "GetOrgUnit"},
		{[]string{"canvass/rules.(*Program).RunBool", "canvass/forms.Evaluate"}, ""},
	} {
		if got := storeCall(c.frames); got != c.want {
			t.Errorf("storeCall(%q) = %q, want %q", c.frames, got, c.want)
		}
	}
}

func TestResidentIDsAreValid(t *testing.T) {
	ref := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	for i := range 200 {
		birth := ref.AddDate(-20-i%40, -i%12, -i%28)
		id := residentID(birth, i)
		if _, err := rules.ParseResidentID(id, ref); err != nil {
			t.Fatalf("residentID(%s, %d) = %s: %v", birth.Format("2006-01-02"), i, id, err)
		}
	}
}
