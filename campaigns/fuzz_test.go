package campaigns

import (
	"testing"
	"time"

	"canvass/internal/linttest"
)

// FuzzLoad checks that Load never panics or hangs, that it reports
// positions inside the file, and that a campaign it returns can be asked
// every question without panicking.
func FuzzLoad(f *testing.F) {
	linttest.FuzzSeeds(f, ".campaign.yaml")
	at := time.Date(2026, 11, 20, 1, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		c, ds := Load("fuzz.campaign.yaml", src)
		linttest.CheckPositions(t, linttest.LineCount(src), ds)
		if c == nil {
			return
		}
		if c.ID() == "" || len(c.Forms()) == 0 || c.Workflow() == "" || c.OrgScope() == "" || c.RefTime().IsZero() {
			t.Fatalf("Load returned a campaign without a required value:\n%s", src)
		}
		if !c.Opens().IsZero() && !c.Closes().IsZero() && !c.Opens().Before(c.Closes()) {
			t.Fatalf("opens %v not before closes %v", c.Opens(), c.Closes())
		}
		c.OpenAt(at)
		for _, s := range c.Schedule() {
			if s.Next(at).IsZero() {
				t.Fatalf("schedule %q never fires", s.Spec)
			}
		}
		if qc, ok := c.QC(); ok {
			if qc.SharePPM <= 0 || qc.SharePPM > 1_000_000 {
				t.Fatalf("qc share %d ppm", qc.SharePPM)
			}
			if n := qc.SampleSize(10); n < 1 || n > 10 {
				t.Fatalf("sample of 10 = %d", n)
			}
		}
		if b := c.Budget(); b != nil {
			counts := map[string]int64{}
			for _, cnt := range b.Counts() {
				counts[cnt.Name] = 3
			}
			_, _, _ = b.Compute(counts)
		}
	})
}
