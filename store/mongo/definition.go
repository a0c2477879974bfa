package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"canvass/engine"
)

// definitionDoc is one version of one definition. Its _id joins kind, ID
// and version, so that saving a draft is one conditional upsert.
type definitionDoc struct {
	Key         string     `bson:"_id"`
	Kind        string     `bson:"kind"`
	ID          string     `bson:"defId"`
	Version     int        `bson:"version"`
	Status      string     `bson:"status"`
	Filename    string     `bson:"filename"`
	Source      []byte     `bson:"source,omitempty"`
	Checksum    string     `bson:"checksum"`
	CreatedBy   string     `bson:"createdBy"`
	CreatedAt   *time.Time `bson:"createdAt"`
	PublishedBy string     `bson:"publishedBy"`
	PublishedAt *time.Time `bson:"publishedAt"`
	Owner       string     `bson:"owner"`
	// Batch marks a draft that a publish of several definitions holds
	// (definition_publish.go); readers resolve it.
	Batch string `bson:"batch,omitempty"`
}

// definitionKey is the _id of one definition version. The version is
// zero-padded so that IDs sort like (kind, ID, version).
func definitionKey(kind, id string, version int) string {
	return fmt.Sprintf("%s\x00%s\x00%010d", kind, id, version)
}

func (d *definitionDoc) definition() *engine.DefinitionVersion {
	return &engine.DefinitionVersion{
		Kind:        d.Kind,
		ID:          d.ID,
		Version:     d.Version,
		Status:      d.Status,
		Filename:    d.Filename,
		Source:      d.Source,
		Checksum:    d.Checksum,
		CreatedBy:   d.CreatedBy,
		CreatedAt:   timeOf(d.CreatedAt),
		PublishedBy: d.PublishedBy,
		PublishedAt: timeOf(d.PublishedAt),
		Owner:       d.Owner,
	}
}

// SaveDraft creates or replaces a draft with one upsert that matches only a
// draft: when the version is published the upsert's insert collides with
// it on _id, which is the conflict.
func (s *Store) SaveDraft(ctx context.Context, d *engine.DefinitionVersion) error {
	if d.Kind == "" || d.ID == "" || d.Version <= 0 {
		return engine.Errorf(engine.EINVALID, "a definition needs a kind, an ID and a version")
	}
	doc := draftDoc(d)
	pending, err := s.settleDefinition(ctx, d.Kind, d.ID)
	if err != nil {
		return err
	}
	unlock, err := s.exclusive(ctx, collDefinitions)
	if err != nil {
		return err
	}
	_, err = s.definitions.ReplaceOne(ctx,
		bson.D{{Key: "_id", Value: doc.Key}, {Key: "status", Value: engine.StatusDraft}, unmarked},
		doc, options.Replace().SetUpsert(true))
	unlock()
	if isDuplicateKey(err) {
		if pending {
			return beingPublished(d.Kind, d.ID)
		}
		return engine.WrapError(engine.ECONFLICT, fmt.Sprintf("%s %s version %d is already published", d.Kind, d.ID, d.Version), err)
	}
	if err != nil {
		return s.fail("save draft", err)
	}
	d.Status = engine.StatusDraft
	return nil
}

// SaveDraftIf saves the draft when the newest version still has checksum
// base. It reads the newest version, then writes with a condition that
// holds only while nothing came between: replacing the draft it read
// matches that draft's _id and checksum; a new version is an insert,
// which collides on _id with any other save of that version. Either way a
// second save made against the same base finds nothing to write, which is
// the conflict.
func (s *Store) SaveDraftIf(ctx context.Context, d *engine.DefinitionVersion, base string) error {
	if d.Kind == "" || d.ID == "" || d.Version <= 0 {
		return engine.Errorf(engine.EINVALID, "a definition needs a kind, an ID and a version")
	}
	conflict := engine.Errorf(engine.ECONFLICT, "%s %s changed meanwhile: its newest version is no longer the one the edit started from", d.Kind, d.ID)
	doc := draftDoc(d)
	pending, err := s.settleDefinition(ctx, d.Kind, d.ID)
	if err != nil {
		return err
	}
	if pending {
		conflict = beingPublished(d.Kind, d.ID)
	}
	unlock, err := s.exclusive(ctx, collDefinitions)
	if err != nil {
		return err
	}
	defer unlock()
	var newest definitionDoc
	err = s.definitions.FindOne(ctx, bson.D{{Key: "kind", Value: d.Kind}, {Key: "defId", Value: d.ID}},
		options.FindOne().SetSort(bson.D{{Key: "version", Value: -1}}).
			SetProjection(bson.D{{Key: "version", Value: 1}, {Key: "checksum", Value: 1}, {Key: "status", Value: 1}})).Decode(&newest)
	exists := true
	if errors.Is(err, mongo.ErrNoDocuments) {
		exists, err = false, nil
	}
	if err != nil {
		return s.fail("save draft", err)
	}
	if exists && newest.Checksum != base || !exists && base != "" {
		return conflict
	}
	if exists && newest.Version == d.Version {
		res, err := s.definitions.ReplaceOne(ctx,
			bson.D{{Key: "_id", Value: doc.Key}, {Key: "status", Value: engine.StatusDraft}, {Key: "checksum", Value: base}, unmarked}, doc)
		if err != nil {
			return s.fail("save draft", err)
		}
		if res.MatchedCount == 0 {
			return conflict
		}
	} else {
		_, err := s.definitions.InsertOne(ctx, doc)
		if isDuplicateKey(err) {
			return engine.WrapError(engine.ECONFLICT, conflict.Error(), err)
		}
		if err != nil {
			return s.fail("save draft", err)
		}
	}
	d.Status = engine.StatusDraft
	return nil
}

// draftDoc is d as the draft document that stores it.
func draftDoc(d *engine.DefinitionVersion) definitionDoc {
	return definitionDoc{
		Key:       definitionKey(d.Kind, d.ID, d.Version),
		Kind:      d.Kind,
		ID:        d.ID,
		Version:   d.Version,
		Status:    engine.StatusDraft,
		Filename:  d.Filename,
		Source:    d.Source,
		Checksum:  d.Checksum,
		CreatedBy: d.CreatedBy,
		CreatedAt: when(d.CreatedAt),
		Owner:     d.Owner,
	}
}

// PublishDefinition turns a draft into a published version.
func (s *Store) PublishDefinition(ctx context.Context, kind, id string, version int, by string, at time.Time) error {
	key := definitionKey(kind, id, version)
	pending, err := s.settleDefinition(ctx, kind, id)
	if err != nil {
		return err
	}
	unlock, err := s.exclusive(ctx, collDefinitions)
	if err != nil {
		return err
	}
	res, err := s.definitions.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: key}, {Key: "status", Value: engine.StatusDraft}, unmarked},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "status", Value: engine.StatusPublished},
			{Key: "publishedBy", Value: by},
			{Key: "publishedAt", Value: when(at)},
		}}})
	unlock()
	if err != nil {
		return s.fail("publish definition", err)
	}
	if res.MatchedCount == 1 {
		return s.bumpCacheGeneration(ctx)
	}
	conflict := engine.Errorf(engine.ECONFLICT, "%s %s version %d is already published", kind, id, version)
	if pending {
		conflict = beingPublished(kind, id)
	}
	return s.missingOrConflict(ctx, "publish definition", s.definitions, key,
		engine.Errorf(engine.ENOTFOUND, "%s %s version %d not found", kind, id, version), conflict)
}

// GetDefinition returns one version, or the latest published one for
// version 0.
func (s *Store) GetDefinition(ctx context.Context, kind, id string, version int) (*engine.DefinitionVersion, error) {
	if version == 0 {
		return s.latestPublished(ctx, kind, id)
	}
	var d definitionDoc
	err := s.findOne(ctx, "get definition", s.definitions,
		bson.D{{Key: "_id", Value: definitionKey(kind, id, version)}}, &d, "definition not found")
	if err != nil {
		return nil, err
	}
	if err := s.resolveMarks(ctx, []*definitionDoc{&d}); err != nil {
		return nil, err
	}
	return d.definition(), nil
}

// latestPublished is the highest version of (kind, id) that readers see
// published: status published, or marked by a committed publish.
func (s *Store) latestPublished(ctx context.Context, kind, id string) (*engine.DefinitionVersion, error) {
	cur, err := s.definitions.Find(ctx,
		bson.D{{Key: "kind", Value: kind}, {Key: "defId", Value: id}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "status", Value: engine.StatusPublished}}, bson.D{marked}}}},
		options.Find().SetSort(bson.D{{Key: "version", Value: -1}}))
	if err != nil {
		return nil, s.fail("get definition", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d definitionDoc
		if err := cur.Decode(&d); err != nil {
			return nil, s.fail("get definition", err)
		}
		if err := s.resolveMarks(ctx, []*definitionDoc{&d}); err != nil {
			return nil, err
		}
		if d.Status == engine.StatusPublished {
			return d.definition(), nil
		}
	}
	if err := cur.Err(); err != nil {
		return nil, s.fail("get definition", err)
	}
	return nil, engine.Errorf(engine.ENOTFOUND, "definition not found")
}

// ListDefinitions returns the matching versions without their source.
func (s *Store) ListDefinitions(ctx context.Context, f engine.DefinitionFilter) ([]*engine.DefinitionVersion, error) {
	var q filter
	q.eq("kind", f.Kind)
	q.eq("defId", f.ID)
	if f.Status != "" {
		// A marked draft may read as published: fetch it whatever the
		// filter, and filter once the marks are resolved.
		q.add(bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "status", Value: f.Status}}, bson.D{marked}}}})
	}
	var docs []*definitionDoc
	err := s.findAll(ctx, "list definitions", s.definitions, q.doc(), &docs, options.Find().
		SetProjection(bson.D{{Key: "source", Value: 0}}).
		SetSort(bson.D{{Key: "kind", Value: 1}, {Key: "defId", Value: 1}, {Key: "version", Value: 1}}))
	if err != nil {
		return nil, err
	}
	if err := s.resolveMarks(ctx, docs); err != nil {
		return nil, err
	}
	out := make([]*engine.DefinitionVersion, 0, len(docs))
	for _, d := range docs {
		if f.Status == "" || d.Status == f.Status {
			out = append(out, d.definition())
		}
	}
	return out, nil
}

// SetDefinitionOwner gives every version of (kind, id) that has no owner
// the owner given. Each version is its own document, so this is several
// single-document updates; it only fills a missing owner, so running it
// again, or on two servers at once, changes nothing more.
func (s *Store) SetDefinitionOwner(ctx context.Context, kind, id, owner string) (int, error) {
	if kind == "" || id == "" || owner == "" {
		return 0, engine.Errorf(engine.EINVALID, "an owner needs a kind, an ID and an org path")
	}
	unlock, err := s.exclusive(ctx, collDefinitions)
	if err != nil {
		return 0, err
	}
	defer unlock()
	res, err := s.definitions.UpdateMany(ctx,
		bson.D{{Key: "kind", Value: kind}, {Key: "defId", Value: id}, {Key: "owner", Value: bson.D{{Key: "$in", Value: bson.A{"", nil}}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "owner", Value: owner}}}})
	if err != nil {
		return 0, s.fail("set definition owner", err)
	}
	if res.ModifiedCount > 0 {
		if err := s.bumpCacheGeneration(ctx); err != nil {
			return 0, err
		}
	}
	return int(res.ModifiedCount), nil
}
