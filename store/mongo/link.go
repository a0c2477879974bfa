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

// Collections of public links and of campaigns closed by hand. A link's
// _id is its ID and its token hash has a unique index; a closure's _id is
// the campaign ID, so a second closure is a duplicate key.
const (
	collLinks            = "links"
	collCampaignClosures = "campaign_closures"
)

type linkDoc struct {
	ID         string         `bson:"_id"`
	TokenHash  string         `bson:"tokenHash"`
	CampaignID string         `bson:"campaignId"`
	FormID     string         `bson:"formId"`
	OrgUnit    string         `bson:"orgUnit"`
	OrgPath    string         `bson:"orgPath"`
	OneTime    bool           `bson:"oneTime"`
	Preset     map[string]any `bson:"preset"`
	CreatedBy  string         `bson:"createdBy"`
	CreatedAt  *time.Time     `bson:"createdAt"`
	ExpiresAt  *time.Time     `bson:"expiresAt"`
	RevokedAt  *time.Time     `bson:"revokedAt"`
	RevokedBy  string         `bson:"revokedBy"`
	UsedAt     *time.Time     `bson:"usedAt"`
	RecordID   string         `bson:"recordId"`
}

func (d *linkDoc) link() *engine.Link {
	return &engine.Link{
		ID: d.ID, TokenHash: d.TokenHash, CampaignID: d.CampaignID, FormID: d.FormID, OrgUnit: d.OrgUnit, OrgPath: d.OrgPath,
		OneTime: d.OneTime, Preset: plainMap(d.Preset), CreatedBy: d.CreatedBy, CreatedAt: timeOf(d.CreatedAt),
		ExpiresAt: timeOf(d.ExpiresAt), RevokedAt: timeOf(d.RevokedAt), RevokedBy: d.RevokedBy, UsedAt: timeOf(d.UsedAt), RecordID: d.RecordID,
	}
}

// CreateLinks inserts the links. Without multi-document transactions
// "all or none" is kept by deleting what this call inserted when a later
// link fails.
func (s *Store) CreateLinks(ctx context.Context, links []*engine.Link) error {
	docs := make([]any, len(links))
	ids := make([]string, len(links))
	for i, l := range links {
		if l == nil || l.ID == "" || l.TokenHash == "" || l.CampaignID == "" || l.FormID == "" || l.OrgPath == "" {
			return engine.Errorf(engine.EINVALID, "a link needs an ID, a token hash, a campaign, a form and an org path")
		}
		ids[i] = l.ID
		docs[i] = linkDoc{
			ID: l.ID, TokenHash: l.TokenHash, CampaignID: l.CampaignID, FormID: l.FormID, OrgUnit: l.OrgUnit, OrgPath: l.OrgPath,
			OneTime: l.OneTime, Preset: l.Preset, CreatedBy: l.CreatedBy, CreatedAt: when(l.CreatedAt), ExpiresAt: when(l.ExpiresAt),
			RevokedAt: when(l.RevokedAt), RevokedBy: l.RevokedBy, UsedAt: when(l.UsedAt), RecordID: l.RecordID,
		}
	}
	if len(docs) == 0 {
		return nil
	}
	coll := s.db.Collection(collLinks)
	_, err := coll.InsertMany(ctx, docs)
	if err == nil {
		return nil
	}
	hashes := make([]string, len(links))
	for i, l := range links {
		hashes[i] = l.TokenHash
	}
	// Only documents with our IDs and our token hashes are ours to remove.
	if _, derr := coll.DeleteMany(context.WithoutCancel(ctx), bson.D{
		{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}},
		{Key: "tokenHash", Value: bson.D{{Key: "$in", Value: hashes}}},
	}); derr != nil {
		s.logger.Error("mongo: removing a partial link batch failed", "err", derr)
	}
	if isDuplicateKey(err) {
		return engine.WrapError(engine.ECONFLICT, "the link exists", err)
	}
	return s.fail("create links", err)
}

// GetLink returns a link by ID.
func (s *Store) GetLink(ctx context.Context, id string) (*engine.Link, error) {
	return s.getLink(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetLinkByToken returns a link by its token hash.
func (s *Store) GetLinkByToken(ctx context.Context, tokenHash string) (*engine.Link, error) {
	return s.getLink(ctx, bson.D{{Key: "tokenHash", Value: tokenHash}})
}

func (s *Store) getLink(ctx context.Context, query bson.D) (*engine.Link, error) {
	var d linkDoc
	if err := s.findOne(ctx, "get link", s.db.Collection(collLinks), query, &d, "link not found"); err != nil {
		return nil, err
	}
	return d.link(), nil
}

// ListLinks returns a campaign's links under orgPaths by ID.
func (s *Store) ListLinks(ctx context.Context, campaignID string, orgPaths []string) ([]*engine.Link, error) {
	if len(orgPaths) == 0 {
		return []*engine.Link{}, nil
	}
	var q filter
	q.add(bson.D{{Key: "campaignId", Value: campaignID}})
	q.under("orgPath", orgPaths)
	var docs []linkDoc
	if err := s.findAll(ctx, "list links", s.db.Collection(collLinks), q.doc(), &docs,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})); err != nil {
		return nil, err
	}
	out := make([]*engine.Link, len(docs))
	for i := range docs {
		out[i] = docs[i].link()
	}
	return out, nil
}

// RevokeLink sets revokedAt where it is unset, in one conditional update.
func (s *Store) RevokeLink(ctx context.Context, id, by string, at time.Time) error {
	return s.updateLink(ctx, "revoke link", id, "link is revoked already",
		bson.D{{Key: "_id", Value: id}, {Key: "revokedAt", Value: nil}},
		bson.D{{Key: "revokedAt", Value: when(at)}, {Key: "revokedBy", Value: by}})
}

// ConsumeLink sets usedAt on an unused, unrevoked link, in one
// conditional update: of two concurrent callers one matches.
func (s *Store) ConsumeLink(ctx context.Context, id, recordID string, at time.Time) error {
	return s.updateLink(ctx, "consume link", id, "link is used or revoked",
		bson.D{{Key: "_id", Value: id}, {Key: "usedAt", Value: nil}, {Key: "revokedAt", Value: nil}},
		bson.D{{Key: "usedAt", Value: when(at)}, {Key: "recordId", Value: recordID}})
}

func (s *Store) updateLink(ctx context.Context, op, id, conflict string, match, set bson.D) error {
	coll := s.db.Collection(collLinks)
	unlock, err := s.exclusive(ctx, collLinks)
	if err != nil {
		return err
	}
	res, err := coll.UpdateOne(ctx, match, bson.D{{Key: "$set", Value: set}})
	unlock()
	if err != nil {
		return s.fail(op, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	return s.missingOrConflict(ctx, op, coll, id, engine.Errorf(engine.ENOTFOUND, "link not found"), engine.Errorf(engine.ECONFLICT, "%s", conflict))
}

type campaignClosureDoc struct {
	CampaignID string     `bson:"_id"`
	ClosedBy   string     `bson:"closedBy"`
	ClosedAt   *time.Time `bson:"closedAt"`
	Reason     string     `bson:"reason"`
}

// SetCampaignClosed inserts the closure; a second one is a duplicate key.
func (s *Store) SetCampaignClosed(ctx context.Context, c *engine.CampaignClosure) error {
	if c == nil || c.CampaignID == "" {
		return engine.Errorf(engine.EINVALID, "a closure needs a campaign")
	}
	_, err := s.db.Collection(collCampaignClosures).InsertOne(ctx, campaignClosureDoc{
		CampaignID: c.CampaignID, ClosedBy: c.ClosedBy, ClosedAt: when(c.ClosedAt), Reason: c.Reason,
	})
	if isDuplicateKey(err) {
		return engine.WrapError(engine.ECONFLICT, "campaign "+c.CampaignID+" is closed already", err)
	}
	if err != nil {
		return s.fail("close campaign", err)
	}
	return s.bumpCacheGeneration(ctx)
}

// CampaignClosure returns a campaign's closure.
func (s *Store) CampaignClosure(ctx context.Context, campaignID string) (*engine.CampaignClosure, error) {
	var d campaignClosureDoc
	err := s.db.Collection(collCampaignClosures).FindOne(ctx, bson.D{{Key: "_id", Value: campaignID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, engine.Errorf(engine.ENOTFOUND, "campaign %s is not closed", campaignID)
	}
	if err != nil {
		return nil, s.fail("get campaign closure", err)
	}
	return &engine.CampaignClosure{CampaignID: d.CampaignID, ClosedBy: d.ClosedBy, ClosedAt: timeOf(d.ClosedAt), Reason: d.Reason}, nil
}
