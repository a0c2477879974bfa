package pay_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
	"canvass/engine/enginetest"
	"canvass/store/sqlite"
)

// countingStore counts ListRecords calls.
type countingStore struct {
	app.Store
	lists atomic.Int64
}

func (s *countingStore) ListRecords(ctx context.Context, f engine.RecordFilter, p engine.Page) (*engine.RecordPage, error) {
	s.lists.Add(1)
	return s.Store.ListRecords(ctx, f, p)
}

// The reconciler reads no record of a campaign without a pay table: an
// idle server whose campaigns pay nothing reads nothing for pay.
func TestReconcileSkipsCampaignsWithoutPayTable(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cs := &countingStore{Store: st}
	e := app.New(app.Config{Config: engine.Config{Store: cs}})
	enginetest.SeedTree(t, e.Engine)
	author := enginetest.MustUser(t, e.Engine, "author", "370102", engine.RoleAuthor)
	for _, f := range []struct{ kind, id, file string }{
		{engine.KindForm, "subsidy-application", "subsidy-application.form.json"},
		{engine.KindWorkflow, "subsidy-review", "subsidy-review.workflow.yaml"},
		{engine.KindCampaign, "subsidy-2026", "subsidy-2026.campaign.yaml"},
	} {
		enginetest.PublishFile(t, e, author, f.kind, f.id, filepath.Join("..", "testdata", "subsidy", f.file))
	}
	if _, err := e.Pay.ReconcilePay(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if n := cs.lists.Load(); n != 0 {
		t.Errorf("ReconcilePay listed records %d times for a store whose only campaign has no pay table", n)
	}
}
