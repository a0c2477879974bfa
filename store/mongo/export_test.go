package mongo

import (
	"context"
	"time"

	"canvass/engine"
)

// PublishUntilCommit runs the first two steps of PublishDefinitions — the
// batch, started at started, and the marks — and stops there, as a process
// that dies before its commit does. It returns the batch.
func (s *Store) PublishUntilCommit(ctx context.Context, refs []engine.DefinitionRef, by string, at, started time.Time) (string, error) {
	b, err := s.beginBatch(ctx, refs, by, at, started)
	if err != nil {
		return "", err
	}
	for _, r := range refs {
		if err := s.markDraft(ctx, b.ID, r); err != nil {
			return b.ID, err
		}
	}
	return b.ID, nil
}

// CommitOnly commits the batch and stops before rolling it forward, as a
// process that dies right after its commit does.
func (s *Store) CommitOnly(ctx context.Context, batch string) error {
	return s.commitBatch(ctx, batch)
}

// Marked reports whether the stored document of a version still carries
// a publish's mark.
func (s *Store) Marked(ctx context.Context, kind, id string, version int) (bool, error) {
	var d definitionDoc
	if err := s.definitions.FindOne(ctx, map[string]any{"_id": definitionKey(kind, id, version)}).Decode(&d); err != nil {
		return false, err
	}
	return d.Batch != "", nil
}
