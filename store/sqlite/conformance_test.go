package sqlite

import (
	"testing"

	"canvass/app"
	"canvass/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Store { return MustOpen(t) })
}
