package sqlite

import (
	"testing"

	"canvass/engine"
	"canvass/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) engine.Store { return MustOpen(t) })
}
