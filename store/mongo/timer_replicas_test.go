package mongo_test

import (
	"fmt"
	"os"
	"testing"

	"canvass/app"
	mongostore "canvass/store/mongo"
	"canvass/store/storetest"
)

// On a real MongoDB two Store handles on one database stand for two
// server processes. FerretDB's updates are read-modify-write without a
// check (see the divergences at the top of store_test.go), so the adapter
// serializes them per Store: there the two engine instances share one
// handle, as two replicas in one process would.
//
// It runs 1,000 timers on every store. On FerretDB
// it takes minutes rather than seconds: FerretDB decodes every document of
// a collection for any query but an exact _id lookup, so finding the due
// candidates scans the collection each batch (the adapter's serialUpdate
// keeps the updates themselves to _id lookups).
func TestTimerReplicasFireOnce(t *testing.T) {
	t.Run("ferretdb", func(t *testing.T) {
		storetest.RunTimerReplicas(t, 1000, func(t *testing.T) (app.Store, app.Store) {
			s := opener(ferretURI)(t)
			return s, s
		})
	})
	uri := os.Getenv("CANVASS_TEST_MONGODB_URI")
	if uri == "" {
		t.Log("CANVASS_TEST_MONGODB_URI is not set: ran on the embedded FerretDB only")
		return
	}
	t.Run("mongodb", func(t *testing.T) {
		storetest.RunTimerReplicas(t, 1000, func(t *testing.T) (app.Store, app.Store) {
			name := fmt.Sprintf("canvass_replicas_%d", os.Getpid())
			t.Cleanup(func() { dropDatabase(t, uri, name) })
			var stores [2]app.Store
			for i := range stores {
				s, err := mongostore.Open(t.Context(), uri, mongostore.Options{Database: name, Logger: testLogger(t)})
				if err != nil {
					t.Fatal(err)
				}
				stores[i] = s
			}
			return stores[0], stores[1]
		})
	})
}
