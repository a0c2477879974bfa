// Package pay owns labour pay: posting what a record's history earns under
// its campaign's pay table (a record follower), corrections and reversals,
// attendance days, pay periods and their locks, spot-check sampling and
// outcomes, the ledger, the finance payment tables and campaign budgets.
package pay

import (
	"time"

	"canvass/engine"
)

// Store is what pay needs of a store: the core and the ledger.
type Store interface {
	engine.Store
	LedgerStore
}

// Service is the pay capability over one engine.
type Service struct {
	e     *engine.Engine
	store Store // caps, period locks and ledger keys hold in it (PostLedger), across processes
}

// New returns the pay service over e, storing in st (the engine's store).
func New(e *engine.Engine, st Store) *Service {
	return &Service{e: e, store: st}
}

// shanghai is China's time zone, where days and periods begin.
var shanghai = time.FixedZone("CST", 8*3600)
