package mongo_test

import (
	"fmt"
	"os"
	"testing"

	"canvass/app"
	mongostore "canvass/store/mongo"
	"canvass/store/storetest"
)

// sharedFerretDB gives both replicas one handle on the embedded FerretDB:
// its updates are read-modify-write without a check (see the divergences
// at the top of store_test.go), so the adapter serializes them per Store,
// and two replicas in one process share it.
func sharedFerretDB(t *testing.T) (app.Store, app.Store) {
	s := opener(ferretURI)(t)
	return s, s
}

// twoMongoHandles returns an opener of two Store handles on one fresh
// database of the MongoDB at uri, named prefix and the process ID: on a
// real MongoDB two handles stand for two server processes.
func twoMongoHandles(uri, prefix string) func(t *testing.T) (app.Store, app.Store) {
	return func(t *testing.T) (app.Store, app.Store) {
		name := fmt.Sprintf("%s_%d", prefix, os.Getpid())
		t.Cleanup(func() { dropDatabase(t, uri, name) })
		var stores [2]app.Store
		for i := range stores {
			s, err := mongostore.Open(t.Context(), uri, mongostore.Options{Database: name, Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		}
		return stores[0], stores[1]
	}
}

// realMongoDB is CANVASS_TEST_MONGODB_URI, or "" with a note that only
// the embedded FerretDB ran.
func realMongoDB(t *testing.T) string {
	uri := os.Getenv("CANVASS_TEST_MONGODB_URI")
	if uri == "" {
		t.Log("CANVASS_TEST_MONGODB_URI is not set: ran on the embedded FerretDB only")
	}
	return uri
}

// Two engine instances fire 1,000 timers between them, each once. On FerretDB
// it takes minutes rather than seconds: FerretDB decodes every document of
// a collection for any query but an exact _id lookup, so finding the due
// candidates scans the collection each batch (the adapter's serialUpdate
// keeps the updates themselves to _id lookups).
func TestTimerReplicasFireOnce(t *testing.T) {
	t.Run("ferretdb", func(t *testing.T) { storetest.RunTimerReplicas(t, 1000, sharedFerretDB) })
	if uri := realMongoDB(t); uri != "" {
		t.Run("mongodb", func(t *testing.T) {
			storetest.RunTimerReplicas(t, 1000, twoMongoHandles(uri, "canvass_replicas"))
		})
	}
}

// Two app instances hold pay caps and period locks between them. On a real
// MongoDB two Store handles on one database stand for two server
// processes. FerretDB's updates are not atomic (see the divergences at the
// top of store_test.go), so there the two instances share one handle, as
// two replicas in one process would: the pay services are still two, with
// nothing shared but the database, which is what the caps and locks rely
// on. FerretDB is slow, so it posts 8 days per part rather than 30.
func TestPayReplicasHoldCapsAndLocks(t *testing.T) {
	t.Run("ferretdb", func(t *testing.T) { storetest.RunPayReplicas(t, 8, sharedFerretDB) })
	if uri := realMongoDB(t); uri != "" {
		t.Run("mongodb", func(t *testing.T) {
			storetest.RunPayReplicas(t, 30, twoMongoHandles(uri, "canvass_pay_replicas"))
		})
	}
}
