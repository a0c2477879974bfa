package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collStoreMeta holds facts about the database itself; its one document
// so far is the cache generation.
const collStoreMeta = "store_meta"

const cacheGenerationID = "cache_generation"

// cacheGenerationNone is the generation of a database whose cached things
// never changed through a Store that bumps it (a fresh one).
const cacheGenerationNone = "none"

// CacheGeneration returns the database's cache generation; see
// engine.Store. The writes that change what engines cache (publishing,
// owners, org units, closing a campaign) give it a new random value once
// they are acknowledged, so an engine that sees the new value reads the
// new data. A process that dies between such a write and its bump leaves
// the change unseen by other processes' caches until the next bump or
// restart: MongoDB has no triggers, and the adapter uses no
// multi-document transactions (see the package doc).
func (s *Store) CacheGeneration(ctx context.Context) (string, error) {
	var d struct {
		Value string `bson:"value"`
	}
	err := s.db.Collection(collStoreMeta).FindOne(ctx, bson.D{{Key: "_id", Value: cacheGenerationID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return cacheGenerationNone, nil
	}
	if err != nil {
		return "", s.fail("get cache generation", err)
	}
	return d.Value, nil
}

// bumpCacheGeneration gives the cache generation a new random value. It is
// called after a write that changed something engines cache succeeded.
func (s *Store) bumpCacheGeneration(ctx context.Context) error {
	var b [8]byte
	rand.Read(b[:])
	_, err := s.db.Collection(collStoreMeta).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: cacheGenerationID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "value", Value: hex.EncodeToString(b[:])}}}},
		options.UpdateOne().SetUpsert(true))
	return s.fail("bump cache generation", err)
}
