package pay

import "time"

// LedgerEntry is one line of the labour-payment ledger. Entries are
// append-only: a correction is a new entry with the negated amount that
// names the entry it reverses. Amounts are integer fen (0.01 yuan).
type LedgerEntry struct {
	ID string
	// Key makes an entry unique: "<record>/<worker>/<item>" for event pay, so
	// the same event can never pay twice, whatever retries or replicas do.
	Key             string
	CampaignID      string
	PayTableID      string
	PayTableVersion int
	Item            string         // pay-table item, e.g. "birth_collected"
	Rule            string         // the expression or rate that produced the amount
	Inputs          map[string]any // the values the rule saw
	WorkerID        string
	WorkerOrgPath   string
	Role            string
	RecordID        string
	Period          string // "2026-Q4" or "2026-11": the period the entry counts in
	AmountFen       int64
	Reverses        string // ID of the entry this one reverses, if any
	Reason          string
	CreatedBy       string
	CreatedAt       time.Time
}

// LedgerFilter selects ledger entries; empty fields do not filter.
type LedgerFilter struct {
	CampaignID string
	WorkerID   string
	Item       string
	RecordID   string
	Periods    []string
	OrgPaths   []string // entries whose WorkerOrgPath lies in any of these subtrees
}

// Group keys for SumLedger.
const (
	LedgerByCampaign = "campaign"
	LedgerByWorker   = "worker"
	LedgerByItem     = "item"
	LedgerByPeriod   = "period"
	LedgerByRole     = "role"
)

// LedgerSum is one group of SumLedger: key values by group name, the number
// of entries and their total.
type LedgerSum struct {
	Key       map[string]string
	Count     int64
	AmountFen int64
}

// LedgerPage is one page of ledger entries.
type LedgerPage struct {
	Entries []*LedgerEntry
	Next    string
}
