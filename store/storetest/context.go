package storetest

import (
	"context"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/pay"
)

// contextHang is how long a call with a cancelled context may take before
// the suite calls it hung.
const contextHang = 10 * time.Second

// Context: "Every method honours ctx cancellation." With a cancelled
// context each method returns an error (any code) instead of doing its work
// or hanging. The store holds data the calls would otherwise succeed on.
func contextScenarios() []scenario {
	type call struct {
		name string
		do   func(ctx context.Context, s app.Store, f *ctxFixture) error
	}
	calls := []call{
		{"Ping", func(ctx context.Context, s app.Store, f *ctxFixture) error { return s.Ping(ctx) }},
		{"InsertRecord", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, _, err := s.InsertRecord(ctx, NewRecord(Epoch))
			return err
		}},
		{"InsertRecord_retry", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			r := NewRecord(Epoch)
			r.ID = f.record.ID
			_, _, err := s.InsertRecord(ctx, r)
			return err
		}},
		{"GetRecord", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.GetRecord(ctx, f.record.ID)
			return err
		}},
		{"UpdateRecord", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			r := *f.record
			r.State = "approved"
			_, err := s.UpdateRecord(ctx, &r)
			return err
		}},
		{"ListRecords", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.ListRecords(ctx, engine.RecordFilter{}, engine.Page{})
			return err
		}},
		{"CountRecords", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.CountRecords(ctx, engine.RecordFilter{})
			return err
		}},
		{"AggregateRecords", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.AggregateRecords(ctx, engine.RecordFilter{}, engine.Aggregate{GroupBy: []string{engine.GroupByState}})
			return err
		}},
		{"ClaimDueTimers", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.ClaimDueTimers(ctx, "a", Epoch.Add(time.Hour), time.Minute, 10)
			return err
		}},
		{"SaveDraft", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			return s.SaveDraft(ctx, newDefinition(engine.KindForm, "survey", 2))
		}},
		{"PublishDefinition", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			return s.PublishDefinition(ctx, engine.KindForm, "survey", 1, "u-admin", Epoch)
		}},
		{"GetDefinition", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.GetDefinition(ctx, engine.KindForm, "survey", 1)
			return err
		}},
		{"ListDefinitions", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.ListDefinitions(ctx, engine.DefinitionFilter{})
			return err
		}},
		{"PutOrgUnits", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			return s.PutOrgUnits(ctx, orgTree)
		}},
		{"GetOrgUnit", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.GetOrgUnit(ctx, orgTree[0].Code)
			return err
		}},
		{"ListOrgUnits", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.ListOrgUnits(ctx, "")
			return err
		}},
		{"CreateUser", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			return s.CreateUser(ctx, newUser("u2", "lisi", "/370000/"))
		}},
		{"GetUser", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.GetUser(ctx, f.user.ID)
			return err
		}},
		{"GetUserByUsername", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.GetUserByUsername(ctx, f.user.Username)
			return err
		}},
		{"UpdateUser", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			u := *f.user
			u.DisplayName = "changed"
			_, err := s.UpdateUser(ctx, &u)
			return err
		}},
		{"ListUsers", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.ListUsers(ctx, engine.UserFilter{})
			return err
		}},
		{"CreateSession", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			return s.CreateSession(ctx, newSession("hash-2", "u1", Epoch.Add(time.Hour)))
		}},
		{"GetSession", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.GetSession(ctx, "hash-1", Epoch)
			return err
		}},
		{"DeleteSession", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			return s.DeleteSession(ctx, "hash-1")
		}},
		{"DeleteUserSessions", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.DeleteUserSessions(ctx, "u1")
			return err
		}},
		{"HitCounter", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.HitCounter(ctx, "k", time.Minute, Epoch)
			return err
		}},
		{"CounterValue", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.CounterValue(ctx, "k", time.Minute, Epoch)
			return err
		}},
		{"ResetCounter", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			return s.ResetCounter(ctx, "k")
		}},
		{"AppendLedger", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.AppendLedger(ctx, ledgerRows()[1:2])
			return err
		}},
		{"ListLedger", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.ListLedger(ctx, pay.LedgerFilter{}, engine.Page{})
			return err
		}},
		{"SumLedger", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.SumLedger(ctx, pay.LedgerFilter{}, []string{pay.LedgerByWorker})
			return err
		}},
		{"AppendAudit", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			e := auditRows()[1]
			return s.AppendAudit(ctx, &e)
		}},
		{"ListAudit", func(ctx context.Context, s app.Store, f *ctxFixture) error {
			_, err := s.ListAudit(ctx, engine.AuditFilter{}, engine.Page{})
			return err
		}},
	}
	var scs []scenario
	for _, c := range calls {
		scs = append(scs, scenario{"cancelled_" + c.name, func(t *testing.T, s app.Store) {
			f := newCtxFixture(t, s)
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			done := make(chan error, 1)
			go func() { done <- c.do(ctx, s, f) }()
			select {
			case err := <-done:
				if err == nil {
					t.Errorf("%s with a cancelled context returned nil, want an error", c.name)
				}
			case <-time.After(contextHang):
				t.Fatalf("%s with a cancelled context did not return within %s", c.name, contextHang)
			}
		}})
	}
	return scs
}

// ctxFixture is what the cancelled calls would otherwise find.
type ctxFixture struct {
	record *engine.Record
	user   *engine.User
}

func newCtxFixture(t *testing.T, s app.Store) *ctxFixture {
	t.Helper()
	r := NewRecord(Epoch)
	r.NextTimerAt = Epoch
	f := &ctxFixture{record: mustInsert(t, s, r)}
	mustSaveDraft(t, s, newDefinition(engine.KindForm, "survey", 1))
	must(t, s.PutOrgUnits(t.Context(), orgTree[:1]), "PutOrgUnits")
	f.user = mustCreateUser(t, s, newUser("u1", "zhangsan", "/370000/"))
	must(t, s.CreateSession(t.Context(), newSession("hash-1", "u1", Epoch.Add(time.Hour))), "CreateSession")
	hit(t, s, "k", time.Minute, Epoch)
	appendLedger(t, s, ledgerRows()[0])
	appendAudit(t, s, auditRows()[0])
	return f
}
