package sqlite_test

import (
	"path/filepath"
	"testing"

	"canvass/app"
	"canvass/store/sqlite"
	"canvass/store/storetest"
)

// twoHandles opens one database file twice: two handles stand for two
// server processes, whose writers are two connections whose transactions
// SQLite serializes.
func twoHandles(t *testing.T) (app.Store, app.Store) {
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
}

func TestTimerReplicasFireOnce(t *testing.T) {
	storetest.RunTimerReplicas(t, 1000, twoHandles)
}

func TestPayReplicasHoldCapsAndLocks(t *testing.T) {
	storetest.RunPayReplicas(t, 30, twoHandles)
}
