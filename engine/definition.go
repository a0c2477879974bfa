package engine

import "time"

// Definition kinds.
const (
	KindForm     = "form"
	KindWorkflow = "workflow"
	KindPayTable = "paytable"
	KindCampaign = "campaign"
)

// Definition statuses. A published version never changes; a new edit is a
// new draft with the next version number.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// DefinitionVersion is one version of one authored file (form, workflow, pay
// table or campaign). The store keeps the source as written; the engine
// decodes, lints and compiles it at load time.
type DefinitionVersion struct {
	Kind        string
	ID          string // the author's key, e.g. "fertility-survey"
	Version     int    // 1, 2, …
	Status      string
	Filename    string // for lint positions, e.g. "survey.form.json"
	Source      []byte
	Checksum    string // sha256 of Source, hex
	CreatedBy   string
	CreatedAt   time.Time
	PublishedBy string
	PublishedAt time.Time
	// Owner is the materialized path of the org unit that owns the
	// definition: the unit of the author who created its first version.
	// Users whose subtree holds it may edit, publish (and for a campaign,
	// close) it; a form, workflow or pay table may be used only by
	// campaigns inside it. Every version carries its definition's owner.
	// Empty only for definitions stored before owners existed, until
	// Engine.MigrateDefinitionOwners derives one.
	Owner string
}

// DefinitionFilter selects definition versions; empty fields do not filter.
type DefinitionFilter struct {
	Kind   string
	ID     string
	Status string
}
