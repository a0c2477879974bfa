package mongo_test

import (
	"fmt"
	"os"
	"testing"

	"canvass/app"
	mongostore "canvass/store/mongo"
	"canvass/store/storetest"
)

// Two app instances hold pay caps and period locks between them. On a real
// MongoDB two Store handles on one database stand for two server
// processes. FerretDB's updates are not atomic (see the divergences at the
// top of store_test.go), so there the two instances share one handle, as
// two replicas in one process would: the pay services are still two, with
// nothing shared but the database, which is what the caps and locks rely
// on. FerretDB is slow, so it posts 8 days per part rather than 30.
func TestPayReplicasHoldCapsAndLocks(t *testing.T) {
	t.Run("ferretdb", func(t *testing.T) {
		storetest.RunPayReplicas(t, 8, func(t *testing.T) (app.Store, app.Store) {
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
		storetest.RunPayReplicas(t, 30, func(t *testing.T) (app.Store, app.Store) {
			name := fmt.Sprintf("canvass_pay_replicas_%d", os.Getpid())
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
		})
	})
}
