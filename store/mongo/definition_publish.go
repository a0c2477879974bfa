package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
)

// Publishing several definitions as one act, without multi-document
// transactions (FerretDB 1.x has none, and the adapter uses none on
// MongoDB either).
//
// Each version is its own document, so no single write can publish two of
// them. What one write can do is decide: a publish is a batch document in
// definition_batches whose state goes from pending to committed, and that
// one single-document update is the publish. The steps:
//
//  1. insert the batch {_id, state: pending, publishedBy, publishedAt,
//     startedAt};
//  2. mark each draft with batch: <id>, by an update that matches only an
//     unmarked draft (and, when the ref has one, only its checksum); the
//     first ref that does not match ends the publish before anything is
//     visible;
//  3. commit: update the batch {_id, state: pending} → committed;
//  4. roll forward: set status published (and the batch's publishedBy and
//     publishedAt) on every document marked with the batch, and remove the
//     mark.
//
// Readers resolve marks: a version marked by a committed batch is
// published, with the batch's publishedBy and publishedAt — the values
// step 4 writes; a version marked by any other batch is still the draft it
// was. So before step 3 no reader sees any of the versions published, from
// step 3 on every reader sees all of them, and step 4 only makes the
// documents say what readers already see. Committed batches are kept (one
// small document per publish) so that a mark can always be resolved; a
// mark whose batch is missing belongs to an aborted publish.
//
// A publish that fails before step 3 deletes its batch (on condition that
// it is still pending) and removes its marks. A process that dies before
// step 3 leaves a pending batch and marks that readers ignore; a writer
// that meets them (a draft save, a publish) treats the drafts as being
// published right now (ECONFLICT) until the batch is batchStale old, then
// deletes it, again on condition that it is still pending, and removes its
// marks. The commit and that delete are each conditional on pending, so of
// a slow publisher and a writer that gave up on it exactly one wins: a
// late commit matches nothing and its publish fails with nothing
// published. A process that dies after step 3 leaves marks of a committed
// batch: readers already see the versions published, and the next writer
// to meet the marks rolls them forward.
//
// On FerretDB every update here takes the definitions collection's lock
// (Store.serial), like every other update of a definition.

const collDefinitionBatches = "definition_batches"

// batchStale is how long a pending publish may hold its drafts before a
// writer that meets its marks takes it for dead. A live publish does a few
// writes and commits in milliseconds; this only bounds how long a crashed
// one keeps its drafts from being edited or published again.
const batchStale = time.Minute

const (
	batchPending   = "pending"
	batchCommitted = "committed"
)

// batchDoc is one publish of several definitions.
type batchDoc struct {
	ID          string     `bson:"_id"`
	State       string     `bson:"state"`
	Keys        []string   `bson:"keys"`
	PublishedBy string     `bson:"publishedBy"`
	PublishedAt *time.Time `bson:"publishedAt"`
	StartedAt   time.Time  `bson:"startedAt"` // the publishing server's clock, for batchStale
}

func (s *Store) definitionBatches() *mongo.Collection {
	return s.db.Collection(collDefinitionBatches)
}

// unmarked matches a document that no publish has marked.
var unmarked = bson.E{Key: "batch", Value: bson.D{{Key: "$exists", Value: false}}}

// marked matches a document that a publish has marked.
var marked = bson.E{Key: "batch", Value: bson.D{{Key: "$exists", Value: true}}}

// PublishDefinitions publishes the drafts refs names as one act; see
// engine.DefinitionStore and the comment above for how.
func (s *Store) PublishDefinitions(ctx context.Context, refs []engine.DefinitionRef, by string, at time.Time) error {
	if err := engine.ValidDefinitionRefs(refs); err != nil {
		return err
	}
	b, err := s.beginBatch(ctx, refs, by, at, time.Now())
	if err != nil {
		return err
	}
	for _, r := range refs {
		if err := s.markDraft(ctx, b.ID, r); err != nil {
			s.abortBatch(ctx, b.ID)
			return err
		}
	}
	if err := s.commitBatch(ctx, b.ID); err != nil {
		return err
	}
	// Committed: the versions are published for every reader, so every
	// process's cache of the latest versions must look again.
	if err := s.bumpCacheGeneration(ctx); err != nil {
		s.logger.Warn("mongo: the cache generation was not renewed after a publish", "batch", b.ID, "err", err)
	}
	if err := s.rollForward(ctx, b); err != nil {
		// Committed: every reader sees the versions published already,
		// and the next writer to meet the marks rolls them forward.
		s.logger.Warn("mongo: a committed publish is not rolled forward yet", "batch", b.ID, "err", err)
	}
	return nil
}

// beginBatch inserts a pending batch for refs (step 1).
func (s *Store) beginBatch(ctx context.Context, refs []engine.DefinitionRef, by string, at, started time.Time) (*batchDoc, error) {
	b := &batchDoc{ID: engine.NewID(started), State: batchPending, PublishedBy: by, PublishedAt: when(at), StartedAt: started.UTC()}
	for _, r := range refs {
		b.Keys = append(b.Keys, definitionKey(r.Kind, r.ID, r.Version))
	}
	if _, err := s.definitionBatches().InsertOne(ctx, b); err != nil {
		return nil, s.fail("begin publish", err)
	}
	return b, nil
}

// markDraft marks the draft r names with the batch (step 2). Returns
// ENOTFOUND when there is no such version, ECONFLICT when it is published,
// has another checksum than r's, or another publish holds it now.
func (s *Store) markDraft(ctx context.Context, batch string, r engine.DefinitionRef) error {
	key := definitionKey(r.Kind, r.ID, r.Version)
	q := bson.D{{Key: "_id", Value: key}, {Key: "status", Value: engine.StatusDraft}, unmarked}
	if r.Checksum != "" {
		q = append(q, bson.E{Key: "checksum", Value: r.Checksum})
	}
	for settled := false; ; settled = true {
		unlock, err := s.exclusive(ctx, collDefinitions)
		if err != nil {
			return err
		}
		res, err := s.definitions.UpdateOne(ctx, q, bson.D{{Key: "$set", Value: bson.D{{Key: "batch", Value: batch}}}})
		unlock()
		if err != nil {
			return s.fail("publish definitions", err)
		}
		if res.MatchedCount == 1 {
			return nil
		}
		var d definitionDoc
		err = s.definitions.FindOne(ctx, bson.D{{Key: "_id", Value: key}},
			options.FindOne().SetProjection(bson.D{{Key: "source", Value: 0}})).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return engine.Errorf(engine.ENOTFOUND, "%s %s version %d not found", r.Kind, r.ID, r.Version)
		}
		if err != nil {
			return s.fail("publish definitions", err)
		}
		if d.Batch != "" && !settled {
			// Another publish's mark: finished, dead or alive. Settle it
			// and try once more.
			if _, err := s.settleBatch(ctx, d.Batch); err != nil {
				return err
			}
			continue
		}
		switch {
		case d.Status == engine.StatusPublished:
			return engine.Errorf(engine.ECONFLICT, "%s %s version %d is already published", r.Kind, r.ID, r.Version)
		case d.Batch != "":
			return engine.Errorf(engine.ECONFLICT, "%s %s version %d is being published by someone else right now", r.Kind, r.ID, r.Version)
		}
		return engine.Errorf(engine.ECONFLICT, "%s %s version %d changed after it was checked", r.Kind, r.ID, r.Version)
	}
}

// commitBatch turns the pending batch committed (step 3): the one write
// that publishes. When another writer took the batch for dead and deleted
// it first, the publish fails with nothing published. When the write's
// answer is lost, the batch is read back to tell which it was.
func (s *Store) commitBatch(ctx context.Context, id string) error {
	unlock, err := s.exclusive(ctx, collDefinitions)
	if err != nil {
		s.abortBatch(ctx, id)
		return err
	}
	res, err := s.definitionBatches().UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "state", Value: batchPending}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: batchCommitted}}}})
	unlock()
	if err != nil {
		var b batchDoc
		if rerr := s.definitionBatches().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&b); rerr == nil && b.State == batchCommitted {
			return nil
		}
		s.abortBatch(ctx, id)
		return s.fail("publish definitions", err)
	}
	if res.MatchedCount == 0 {
		_ = s.clearMarks(ctx, id)
		return engine.Errorf(engine.ECONFLICT, "the publish took too long and was given up; nothing was published, try again")
	}
	return nil
}

// rollForward writes the published state onto the documents the
// committed batch b marked (step 4).
func (s *Store) rollForward(ctx context.Context, b *batchDoc) error {
	unlock, err := s.exclusive(ctx, collDefinitions)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = s.definitions.UpdateMany(ctx, bson.D{{Key: "batch", Value: b.ID}}, bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "status", Value: engine.StatusPublished},
			{Key: "publishedBy", Value: b.PublishedBy},
			{Key: "publishedAt", Value: b.PublishedAt},
		}},
		{Key: "$unset", Value: bson.D{{Key: "batch", Value: ""}}},
	})
	return s.fail("roll a publish forward", err)
}

// abortBatch deletes the pending batch id and removes its marks, as far
// as the database lets it: what it cannot remove stays invisible to
// readers and is settled by the next writer once it is stale.
func (s *Store) abortBatch(ctx context.Context, id string) {
	if _, err := s.deletePending(ctx, id); err != nil {
		s.logger.Warn("mongo: an abandoned publish is left to be cleared later", "batch", id, "err", err)
		return
	}
	if err := s.clearMarks(ctx, id); err != nil {
		s.logger.Warn("mongo: the marks of an abandoned publish are left to be cleared later", "batch", id, "err", err)
	}
}

// deletePending deletes the batch id while it is pending, and reports
// whether it did.
func (s *Store) deletePending(ctx context.Context, id string) (bool, error) {
	unlock, err := s.exclusive(ctx, collDefinitions)
	if err != nil {
		return false, err
	}
	res, err := s.definitionBatches().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "state", Value: batchPending}})
	unlock()
	if err != nil {
		return false, s.fail("give up a publish", err)
	}
	return res.DeletedCount == 1, nil
}

// clearMarks removes the marks of an aborted batch.
func (s *Store) clearMarks(ctx context.Context, id string) error {
	unlock, err := s.exclusive(ctx, collDefinitions)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = s.definitions.UpdateMany(ctx, bson.D{{Key: "batch", Value: id}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "batch", Value: ""}}}})
	return s.fail("clear a publish's marks", err)
}

// settleBatch finishes what the batch id left: it rolls a committed batch
// forward, clears the marks of an aborted one, and aborts a pending one
// older than batchStale. It reports whether the batch is still pending
// (a publish alive right now).
func (s *Store) settleBatch(ctx context.Context, id string) (pending bool, err error) {
	for range 3 {
		var b batchDoc
		err := s.definitionBatches().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&b)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			return false, s.clearMarks(ctx, id)
		case err != nil:
			return false, s.fail("settle a publish", err)
		case b.State == batchCommitted:
			return false, s.rollForward(ctx, &b)
		case time.Since(b.StartedAt) < batchStale:
			return true, nil
		}
		deleted, err := s.deletePending(ctx, id)
		if err != nil {
			return false, err
		}
		if deleted {
			return false, s.clearMarks(ctx, id)
		}
		// Committed or deleted meanwhile: read it again.
	}
	return false, engine.Errorf(engine.EUNAVAILABLE, "publish %s keeps changing; try again", id)
}

// settleDefinition settles every batch that marks a version of (kind,
// id), so that a write to it sees plain drafts and published versions.
// It reports whether a live publish still holds one.
func (s *Store) settleDefinition(ctx context.Context, kind, id string) (pending bool, err error) {
	var docs []definitionDoc
	err = s.findAll(ctx, "settle definitions", s.definitions,
		bson.D{{Key: "kind", Value: kind}, {Key: "defId", Value: id}, marked, {Key: "status", Value: engine.StatusDraft}}, &docs,
		options.Find().SetProjection(bson.D{{Key: "batch", Value: 1}}))
	if err != nil {
		return false, err
	}
	seen := map[string]bool{}
	for _, d := range docs {
		if seen[d.Batch] {
			continue
		}
		seen[d.Batch] = true
		p, err := s.settleBatch(ctx, d.Batch)
		if err != nil {
			return false, err
		}
		pending = pending || p
	}
	return pending, nil
}

// resolveMarks shows each marked document as readers must see it:
// published, with its batch's publishedBy and publishedAt, when its batch
// is committed; as the draft it is otherwise.
func (s *Store) resolveMarks(ctx context.Context, docs []*definitionDoc) error {
	var ids []string
	for _, d := range docs {
		if d.Batch != "" {
			ids = append(ids, d.Batch)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var batches []batchDoc
	err := s.findAll(ctx, "read publishes", s.definitionBatches(),
		bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "state", Value: batchCommitted}}, &batches)
	if err != nil {
		return err
	}
	committed := make(map[string]*batchDoc, len(batches))
	for i := range batches {
		committed[batches[i].ID] = &batches[i]
	}
	for _, d := range docs {
		if b := committed[d.Batch]; b != nil && d.Status == engine.StatusDraft {
			d.Status, d.PublishedBy, d.PublishedAt = engine.StatusPublished, b.PublishedBy, b.PublishedAt
		}
		d.Batch = ""
	}
	return nil
}

// beingPublished is the conflict of a write that meets a live publish.
func beingPublished(kind, id string) *engine.Error {
	return engine.Errorf(engine.ECONFLICT, "%s %s is being published by someone else right now; try again in a minute", kind, id)
}
