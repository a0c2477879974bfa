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

type orgUnitDoc struct {
	Code       string `bson:"_id"`
	Name       string `bson:"name"`
	ParentCode string `bson:"parentCode"`
	Level      string `bson:"level"`
	Path       string `bson:"path"`
}

// PutOrgUnits upserts the units by code in one unordered bulk write. All or
// none holds for validation: an invalid unit fails the call before anything
// is written. Without transactions a lost connection can leave a batch half
// written; the upserts are idempotent, so sending the batch again completes
// it.
func (s *Store) PutOrgUnits(ctx context.Context, units []engine.OrgUnit) error {
	for _, u := range units {
		if u.Code == "" || u.Level == "" || u.Path == "" {
			return engine.Errorf(engine.EINVALID, "an org unit needs a code, a level and a path")
		}
	}
	if len(units) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(units))
	for i, u := range units {
		models[i] = mongo.NewReplaceOneModel().
			SetFilter(bson.D{{Key: "_id", Value: u.Code}}).
			SetReplacement(orgUnitDoc(u)).
			SetUpsert(true)
	}
	unlock, err := s.exclusive(ctx, collOrgUnits)
	if err != nil {
		return err
	}
	defer unlock()
	// Ordered, so that a code given twice ends as its last occurrence.
	if _, err = s.orgUnits.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(true)); err != nil {
		return s.fail("put org units", err)
	}
	return s.bumpCacheGeneration(ctx)
}

// GetOrgUnit returns the unit with the given code.
func (s *Store) GetOrgUnit(ctx context.Context, code string) (*engine.OrgUnit, error) {
	var d orgUnitDoc
	if err := s.findOne(ctx, "get org unit", s.orgUnits, bson.D{{Key: "_id", Value: code}}, &d, "org unit not found"); err != nil {
		return nil, err
	}
	u := engine.OrgUnit(d)
	return &u, nil
}

// ListOrgUnits returns the units under pathPrefix ordered by path.
func (s *Store) ListOrgUnits(ctx context.Context, pathPrefix string) ([]engine.OrgUnit, error) {
	query := bson.D{}
	if pathPrefix != "" {
		query = bson.D{inSubtrees("path", []string{pathPrefix})}
	}
	var docs []orgUnitDoc
	err := s.findAll(ctx, "list org units", s.orgUnits, query, &docs,
		options.Find().SetSort(bson.D{{Key: "path", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]engine.OrgUnit, len(docs))
	for i, d := range docs {
		out[i] = engine.OrgUnit(d)
	}
	return out, nil
}

type userDoc struct {
	ID           string     `bson:"_id"`
	Username     string     `bson:"username"`
	DisplayName  string     `bson:"displayName"`
	PasswordHash string     `bson:"passwordHash"`
	Roles        []string   `bson:"roles"`
	OrgUnit      string     `bson:"orgUnit"`
	OrgPath      string     `bson:"orgPath"`
	Locale       string     `bson:"locale"`
	Disabled     bool       `bson:"disabled"`
	IDNumber     string     `bson:"idNumber,omitempty"` // encrypted by the engine
	Mobile       string     `bson:"mobile,omitempty"`   // encrypted by the engine
	Version      int64      `bson:"version"`
	CreatedAt    *time.Time `bson:"createdAt"`
	UpdatedAt    *time.Time `bson:"updatedAt"`
}

func toUserDoc(u *engine.User) *userDoc {
	return &userDoc{
		ID:           u.ID,
		Username:     u.Username,
		DisplayName:  u.DisplayName,
		PasswordHash: u.PasswordHash,
		Roles:        u.Roles,
		OrgUnit:      u.OrgUnit,
		OrgPath:      u.OrgPath,
		Locale:       u.Locale,
		Disabled:     u.Disabled,
		IDNumber:     u.SealedIDNumber,
		Mobile:       u.SealedMobile,
		Version:      u.Version,
		CreatedAt:    when(u.CreatedAt),
		UpdatedAt:    when(u.UpdatedAt),
	}
}

func (d *userDoc) user() *engine.User {
	return &engine.User{
		ID:             d.ID,
		Username:       d.Username,
		DisplayName:    d.DisplayName,
		PasswordHash:   d.PasswordHash,
		Roles:          d.Roles,
		OrgUnit:        d.OrgUnit,
		OrgPath:        d.OrgPath,
		Locale:         d.Locale,
		Disabled:       d.Disabled,
		SealedIDNumber: d.IDNumber,
		SealedMobile:   d.Mobile,
		Version:        d.Version,
		CreatedAt:      timeOf(d.CreatedAt),
		UpdatedAt:      timeOf(d.UpdatedAt),
	}
}

// CreateUser stores u at Version 1. The unique username index and _id make
// a taken ID or username ECONFLICT.
func (s *Store) CreateUser(ctx context.Context, u *engine.User) error {
	d := toUserDoc(u)
	d.Version = 1
	if _, err := s.users.InsertOne(ctx, d); err != nil {
		if isDuplicateKey(err) {
			return engine.WrapError(engine.ECONFLICT, "the user ID or username is taken", err)
		}
		return s.fail("create user", err)
	}
	u.Version = 1
	return nil
}

// GetUser returns the user with the given ID.
func (s *Store) GetUser(ctx context.Context, id string) (*engine.User, error) {
	return s.getUser(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetUserByUsername returns the user with the given username.
func (s *Store) GetUserByUsername(ctx context.Context, username string) (*engine.User, error) {
	return s.getUser(ctx, bson.D{{Key: "username", Value: username}})
}

func (s *Store) getUser(ctx context.Context, query bson.D) (*engine.User, error) {
	var d userDoc
	if err := s.findOne(ctx, "get user", s.users, query, &d, "user not found"); err != nil {
		return nil, err
	}
	return d.user(), nil
}

// UpdateUser replaces the user if its stored version is u.Version.
func (s *Store) UpdateUser(ctx context.Context, u *engine.User) (*engine.User, error) {
	d := toUserDoc(u)
	d.Version = u.Version + 1
	var out userDoc
	unlock, err := s.exclusive(ctx, collUsers)
	if err != nil {
		return nil, err
	}
	err = s.users.FindOneAndReplace(ctx,
		bson.D{{Key: "_id", Value: u.ID}, {Key: "version", Value: u.Version}},
		d, options.FindOneAndReplace().SetReturnDocument(options.After),
	).Decode(&out)
	unlock()
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return nil, s.missingOrConflict(ctx, "update user", s.users, u.ID,
			engine.Errorf(engine.ENOTFOUND, "user not found"),
			engine.Errorf(engine.ECONFLICT, "user %s was changed by someone else", u.ID))
	case isDuplicateKey(err):
		return nil, engine.WrapError(engine.ECONFLICT, "the username is taken", err)
	case err != nil:
		return nil, s.fail("update user", err)
	}
	return out.user(), nil
}

// ListUsers returns the matching users ordered by username.
func (s *Store) ListUsers(ctx context.Context, f engine.UserFilter) ([]*engine.User, error) {
	var q filter
	q.under("orgPath", f.OrgPaths)
	q.eq("roles", f.Role)
	var docs []userDoc
	if err := s.findAll(ctx, "list users", s.users, q.doc(), &docs,
		options.Find().SetSort(bson.D{{Key: "username", Value: 1}})); err != nil {
		return nil, err
	}
	out := make([]*engine.User, len(docs))
	for i := range docs {
		out[i] = docs[i].user()
	}
	return out, nil
}
