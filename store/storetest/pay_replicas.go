package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/pay"
)

// The definitions RunPayReplicas publishes: supervisors earn 50 yuan a
// day on site, at most 200 yuan a month.
const (
	replicaForm = `{"x-form-id": "replica-visit", "x-title": {"zh": "走访", "en": "Visit"}, "type": "object",
  "properties": {"name": {"type": "string", "x-label": {"zh": "姓名", "en": "Name"}}}}`
	replicaPayTable = `id: replica-pay
title: {zh: 指导员补助, en: Supervisor pay}
effective_from: 2026-01-01
period: month
items:
  - key: supervisor_day
    label: {zh: 指导员入户指导, en: Supervisor day}
    on: attendance.day
    pays: actor
    role: supervisor
    amount: 5000
caps:
  - {role: supervisor, period: month, max: 20000}
`
	replicaCampaign = `id: replica-2026
title: {zh: 走访, en: Visits}
forms: [replica-visit]
workflow: replica-check
paytable: replica-pay
org_scope: "370102"
reference_time: 2026-07-01
opens: 2026-07-01
period: month
`
	replicaCapFen = 20000
)

// RunPayReplicas checks that pay caps and period locks hold between two
// app instances on one database, as between two server processes (issue
// #20: "Caps and period locks hold across server processes"). open
// returns the stores the two instances use: two handles on one database
// where the store allows it, or one store twice. days (4 to 30) is how
// many attendance days each supervisor is paid.
//
// The races are forced rather than hoped for: each instance sees the real
// store through a holdingStore, which holds the engine's posts in flight
// right after they read what they decide on, until the other side has
// done its part. Nothing else is changed.
//
//   - Cap: both instances post a supervisor's days of one month, two at a
//     time and deciding at once; the month may pay no more than the cap,
//     and pays exactly the cap.
//   - Lock: one instance posts four supervisors' days of a month; four of
//     its posts, holding the locks they read with the month still open,
//     wait while the other instance locks the month. Nothing may land in
//     the month after LockPeriod returned, and every day is paid, in the
//     month or, with earned_in_period saying so, in the next.
func RunPayReplicas(t *testing.T, days int, open func(t *testing.T) (app.Store, app.Store)) {
	t.Helper()
	ctx := context.Background()
	a, b := open(t)
	now := time.Date(2027, 1, 10, 4, 0, 0, 0, time.UTC) // noon in China
	clock := func() time.Time { return now }
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	held := [2]*holdingStore{{Store: a}, {Store: b}}
	apps := [2]*app.App{
		app.New(app.Config{Config: engine.Config{Store: held[0], Now: clock, Logger: quiet}}),
		app.New(app.Config{Config: engine.Config{Store: held[1], Now: clock, Logger: quiet}}),
	}
	e := apps[0]
	if rowErrs, err := e.ImportOrgUnits(ctx, nil, []engine.OrgUnitRow{
		{Row: 2, Code: "370000", Name: "示例省", Level: "province"},
		{Row: 3, Code: "370100", Name: "示例市", ParentCode: "370000", Level: "city"},
		{Row: 4, Code: "370102", Name: "示例区", ParentCode: "370100", Level: "district"},
		{Row: 5, Code: "370102001", Name: "东关街道", ParentCode: "370102", Level: "township"},
		{Row: 6, Code: "370102001001", Name: "东关村", ParentCode: "370102001", Level: "village"},
	}); err != nil {
		t.Fatalf("ImportOrgUnits: %v %v", err, rowErrs)
	}
	user := func(name, org, role string) *engine.Actor {
		u, err := e.CreateUser(ctx, nil, engine.NewUser{Username: name, DisplayName: name, Password: "s3cret-pass", Roles: []string{role}, OrgUnit: org})
		must(t, err, "CreateUser "+name)
		return &engine.Actor{User: u, IP: "127.0.0.1"}
	}
	author := user("author", "370102", engine.RoleAuthor)
	finance := user("finance", "370102", engine.RoleFinance)
	capped := user("super-capped", "370102001", engine.RoleSupervisor)
	var lockers [4]*engine.Actor // paid while their month is locked
	for i := range lockers {
		lockers[i] = user(fmt.Sprintf("super-locked-%d", i), "370102001", engine.RoleSupervisor)
	}
	for _, d := range []struct{ kind, id, file, src string }{
		{engine.KindForm, "replica-visit", "replica-visit.form.json", replicaForm},
		{engine.KindWorkflow, "replica-check", "replica-check.workflow.yaml", replicaWorkflow},
		{engine.KindPayTable, "replica-pay", "replica-pay.paytable.yaml", replicaPayTable},
		{engine.KindCampaign, "replica-2026", "replica-2026.campaign.yaml", replicaCampaign},
	} {
		res, err := e.SaveDraft(ctx, author, d.kind, d.id, d.file, []byte(d.src))
		must(t, err, "SaveDraft "+d.id)
		if _, err := e.Publish(ctx, author, d.kind, d.id, res.Definition.Version); err != nil {
			t.Fatalf("Publish %s: %v %v", d.id, err, engine.ErrorFields(err))
		}
	}
	attend := func(app *app.App, who *engine.Actor, month string, day int) error {
		_, err := app.Pay.RecordAttendance(ctx, who, pay.Attendance{CampaignID: "replica-2026", Date: fmt.Sprintf("%s-%02d", month, day), WorkerID: who.ID()})
		return err
	}
	entries := func(who *engine.Actor, period string) []*pay.LedgerEntry {
		var out []*pay.LedgerEntry
		p := engine.Page{Limit: engine.MaxPageLimit}
		f := pay.LedgerFilter{CampaignID: "replica-2026", Periods: []string{period}}
		if who != nil {
			f.WorkerID = who.ID()
		}
		for {
			page, err := a.ListLedger(ctx, f, p)
			must(t, err, "ListLedger")
			out = append(out, page.Entries...)
			if page.Next == "" {
				return out
			}
			p.After = page.Next
		}
	}

	t.Run("cap", func(t *testing.T) {
		// Three days paid, one left under the cap. Then the instances post
		// two days at a time, one each, both held after each read of the
		// ledger they make before deciding the amount (the record's
		// entries; the payee's sum, where the engine reads it itself)
		// until both are there, so that both decide at once.
		for day := 1; day <= 3; day++ {
			must(t, attend(apps[0], capped, "2026-11", day), "attend")
		}
		day := 4
		for ; day+1 <= days; day += 2 {
			afterEntries, afterSum := meeting(2), meeting(2)
			for i := range held {
				held[i].afterRecordLedger.Store(&afterEntries)
				held[i].afterSum.Store(&afterSum)
			}
			var wg sync.WaitGroup
			for i := range apps {
				wg.Go(func() {
					if err := attend(apps[i], capped, "2026-11", day+i); err != nil {
						t.Errorf("instance %d, day %d: %v", i, day+i, err)
					}
				})
			}
			wg.Wait()
		}
		for i := range held {
			held[i].afterRecordLedger.Store(nil)
			held[i].afterSum.Store(nil)
		}
		for ; day <= days; day++ {
			must(t, attend(apps[0], capped, "2026-11", day), "attend")
		}
		got := entries(capped, "2026-11")
		var paid int64
		for _, le := range got {
			paid += le.AmountFen
		}
		if len(got) != days || paid != replicaCapFen {
			t.Errorf("%d days paid %d fen in 2026-11; want %d days paying the cap, %d fen", len(got), paid, days, replicaCapFen)
		}
	})

	t.Run("lock", func(t *testing.T) {
		// Instance 0 posts the month's days of four supervisors, one
		// goroutine each. Once a quarter of them are in, the next post of
		// each supervisor is held right after it read the period locks,
		// until instance 1 has locked the month: four posts in flight that
		// saw the month open.
		var posted atomic.Int32
		var atLock []*pay.LedgerEntry
		var wg sync.WaitGroup
		begin, locking, lockDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
		var holding sync.Mutex
		inFlight := 0
		hold := func() {
			holding.Lock()
			if int(posted.Load()) < len(lockers)*days/4 || inFlight == len(lockers) {
				holding.Unlock()
				return
			}
			if inFlight++; inFlight == len(lockers) {
				close(locking)
			}
			holding.Unlock()
			<-lockDone
		}
		held[0].afterLocks.Store(&hold)
		defer held[0].afterLocks.Store(nil)
		for _, who := range lockers {
			wg.Go(func() {
				<-begin
				for day := 1; day <= days; day++ {
					if err := attend(apps[0], who, "2026-12", day); err != nil {
						t.Errorf("%s, day %d: %v", who.User.Username, day, err)
					}
					posted.Add(1)
				}
			})
		}
		wg.Go(func() {
			<-begin
			<-locking
			defer close(lockDone)
			if _, err := apps[1].Pay.LockPeriod(ctx, finance, "replica-2026", "2026-12", ""); err != nil {
				t.Errorf("LockPeriod: %v", err)
				return
			}
			atLock = entries(nil, "2026-12")
		})
		close(begin)
		wg.Wait()
		final := entries(nil, "2026-12")
		if len(final) != len(atLock) {
			t.Errorf("2026-12 held %d entries when LockPeriod returned and %d after the posts: %d landed in the locked period",
				len(atLock), len(final), len(final)-len(atLock))
		}
		moved := 0
		for _, le := range entries(nil, "2027-01") {
			if le.Inputs["earned_in_period"] != "2026-12" {
				t.Errorf("entry %s in 2027-01 says it was earned in %v", le.Key, le.Inputs["earned_in_period"])
			}
			moved++
		}
		if want := len(lockers) * days; len(final)+moved != want {
			t.Errorf("%d days paid in 2026-12 and %d in 2027-01, want %d in all", len(final), moved, want)
		}
		t.Logf("%d days in 2026-12 before the lock, %d moved to 2027-01", len(final), moved)
	})
}

// holdingStore is a store that can hold the engine's calls in flight: the
// function in afterLocks runs after ListPeriodLocks has read the locks,
// which the engine does before it posts a record's pay; the one in
// afterRecordLedger after ListLedger has read a record's entries, which
// it does before it decides each line; the one in afterSum after
// SumLedger.
type holdingStore struct {
	app.Store
	afterLocks, afterRecordLedger, afterSum atomic.Pointer[func()]
}

func (h *holdingStore) SumLedger(ctx context.Context, f pay.LedgerFilter, groupBy []string) ([]pay.LedgerSum, error) {
	sums, err := h.Store.SumLedger(ctx, f, groupBy)
	if fn := h.afterSum.Load(); fn != nil {
		(*fn)()
	}
	return sums, err
}

func (h *holdingStore) ListPeriodLocks(ctx context.Context, campaignID string) ([]pay.PeriodLock, error) {
	locks, err := h.Store.ListPeriodLocks(ctx, campaignID)
	if f := h.afterLocks.Load(); f != nil {
		(*f)()
	}
	return locks, err
}

func (h *holdingStore) ListLedger(ctx context.Context, f pay.LedgerFilter, p engine.Page) (*pay.LedgerPage, error) {
	page, err := h.Store.ListLedger(ctx, f, p)
	if fn := h.afterRecordLedger.Load(); fn != nil && f.RecordID != "" {
		(*fn)()
	}
	return page, err
}

// meeting returns a function whose first n calls each wait until all n
// were made; later calls return at once.
func meeting(n int) func() {
	var mu sync.Mutex
	all := make(chan struct{})
	calls := 0
	return func() {
		mu.Lock()
		calls++
		c := calls
		if c == n {
			close(all)
		}
		mu.Unlock()
		if c <= n {
			<-all
		}
	}
}
