// Package storetest is the contract every app.Store must pass: one
// conformance suite of named scenario tables over every Store method,
// including concurrent writers, idempotent inserts, keyset paging under
// inserts and timer leases. A store's own tests call Run with a function
// that opens a fresh, empty store.
//
// The suite asserts only what the doc comments in engine/store.go and the
// engine types promise, plus two storage rules every store shares: times
// come back in UTC truncated to the millisecond (BSON dates hold
// milliseconds, so both stores keep no more), and answers, details and
// inputs come back equal as JSON values (a number may come back as another
// Go numeric type). Orders that no doc comment promises are never asserted,
// so the MongoDB adapter can pass it on an embedded FerretDB as well.
//
// Scenarios run one after another, each on a fresh store; the concurrency
// scenarios start their goroutines together on a closed channel. Names are
// Group/scenario, e.g. "InsertRecord/retry_same_content_returns_stored", so
// one can be run alone with -run 'Conformance/InsertRecord/retry'.
package storetest

import (
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// Run runs the whole suite. open must return a fresh, empty store for each
// call; Run closes it when the subtest ends. Every leaf subtest opens its
// own store, so one can be run alone with -run.
func Run(t *testing.T, open func(t *testing.T) app.Store) {
	t.Helper()
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			for _, sc := range g.scenarios {
				t.Run(sc.name, func(t *testing.T) {
					sc.run(t, openStore(t, open))
				})
			}
		})
	}
}

// scenario is one named case of the suite, run on a fresh store.
type scenario struct {
	name string
	run  func(t *testing.T, s app.Store)
}

// group is the scenarios of one Store method or one contract area.
type group struct {
	name      string
	scenarios []scenario
}

func groups() []group {
	return []group{
		{"Ping", pingScenarios()},
		{"InsertRecord", insertRecordScenarios()},
		{"GetRecord", getRecordScenarios()},
		{"UpdateRecord", updateRecordScenarios()},
		{"RecordNumbers", recordNumberScenarios()},
		{"SubmitRecord", submitRecordScenarios()},
		{"CacheGeneration", cacheGenerationScenarios()},
		{"ListRecords", listRecordScenarios()},
		{"ListRecordsPaging", pageRecordScenarios()},
		{"RecordsCreated", createdScenarios()},
		{"AggregateRecords", aggregateScenarios()},
		{"ClaimDueTimers", timerScenarios()},
		{"Definitions", definitionScenarios()},
		{"DefinitionsBased", definitionBasedScenarios()},
		{"PublishDefinitions", publishDefinitionsScenarios()},
		{"OrgUnits", orgUnitScenarios()},
		{"Users", userScenarios()},
		{"UserPersonal", userPersonalScenarios()},
		{"Sessions", sessionScenarios()},
		{"Counters", counterScenarios()},
		{"Ledger", ledgerScenarios()},
		{"PostLedger", postLedgerScenarios()},
		{"SumLedger", sumLedgerScenarios()},
		{"PeriodLocks", periodLockScenarios()},
		{"Audit", auditScenarios()},
		{"Links", linkScenarios()},
		{"Notifications", notificationScenarios()},
		{"Imports", importScenarios()},
		{"Worklist", worklistScenarios()},
		{"ReportSlots", reportSlotScenarios()},
		{"ScheduleRuns", scheduleRunScenarios()},
		{"Indicators", indicatorScenarios()},
		{"Concurrency", concurrencyScenarios()},
		{"Context", contextScenarios()},
	}
}

func openStore(t *testing.T, open func(t *testing.T) app.Store) app.Store {
	t.Helper()
	s := open(t)
	if s == nil {
		t.Fatal("open returned a nil store")
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// Ping: "Ping reports whether the store can serve requests now."
func pingScenarios() []scenario {
	return []scenario{
		{"fresh_store_serves", func(t *testing.T, s app.Store) {
			if err := s.Ping(t.Context()); err != nil {
				t.Errorf("Ping: %v", err)
			}
		}},
	}
}

// Epoch is the fixed instant the suite's data is built around (UTC, whole
// milliseconds), so asserted values never depend on the clock.
var Epoch = time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)

// NewRecord returns a valid record, not yet stored, that a store test can
// tweak: a fresh ULID made at `at`, created and updated at `at` by
// "u-submitter", in campaign "camp-1", form "form-1" version 1, owned by
// village "v1" at path /p/c1/t1/v1/, state "submitted", with nested,
// numeric and Chinese answers and one history entry. Each call builds new
// maps and slices, so two calls with the same ID give equal content.
func NewRecord(at time.Time) *engine.Record {
	return &engine.Record{
		ID:              engine.NewID(at),
		CampaignID:      "camp-1",
		FormID:          "form-1",
		FormVersion:     1,
		WorkflowID:      "flow-1",
		WorkflowVersion: 1,
		OrgUnit:         "v1",
		OrgPath:         "/p/c1/t1/v1/",
		State:           "submitted",
		Answers: map[string]any{
			"name":       "张三",
			"households": 3,
			"area":       12.75,
			"members": []any{
				map[string]any{"name": "李四", "age": 34, "tags": []any{"户主", "在外"}},
				map[string]any{"name": "王五", "age": 0.5, "absent": true, "note": nil},
			},
			"address": map[string]any{"village": "大柳树村", "gps": []any{117.0, 36.65}},
		},
		CreatedBy: "u-submitter",
		CreatedAt: at,
		UpdatedAt: at,
		History: []engine.HistoryEntry{
			{At: at, Actor: "u-submitter", Action: "submit", ToState: "submitted"},
		},
	}
}
