package sqlite_test

import (
	"path/filepath"
	"testing"

	"canvass/app"
	"canvass/store/sqlite"
	"canvass/store/storetest"
)

// Two handles on one database file stand for two server processes: their
// writers are two connections whose transactions SQLite serializes.
func TestPayReplicasHoldCapsAndLocks(t *testing.T) {
	storetest.RunPayReplicas(t, 30, func(t *testing.T) (app.Store, app.Store) {
		path := filepath.Join(t.TempDir(), "canvass.db")
		var stores [2]app.Store
		for i := range stores {
			st, err := sqlite.Open(path, sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			stores[i] = st
		}
		return stores[0], stores[1]
	})
}
