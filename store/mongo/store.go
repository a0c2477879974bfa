// Package mongo is the engine.Store for deployments that outgrow one
// machine: MongoDB through go.mongodb.org/mongo-driver/v2.
package mongo

import (
	"context"
	"errors"
	"log/slog"

	"canvass/engine"
)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	Logger *slog.Logger
}

// Store is an engine.Store on a MongoDB database.
type Store struct{ engine.Store }

// Open connects to the MongoDB deployment at uri (the database named in
// the URI path, "canvass" by default) and creates missing indexes.
func Open(ctx context.Context, uri string, opts Options) (*Store, error) {
	return nil, errors.New("not implemented")
}
