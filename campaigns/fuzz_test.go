package campaigns

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzLoad checks that Load never panics or hangs, that it reports
// positions inside the file, and that a campaign it returns can be asked
// every question without panicking.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.campaign.yaml")
	lint, _ := filepath.Glob("testdata/lint/*.campaign.yaml")
	for _, file := range append(files, lint...) {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	at := time.Date(2026, 11, 20, 1, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src []byte) {
		c, ds := Load("fuzz.campaign.yaml", src)
		lines := lineCount(src)
		for _, d := range ds {
			if d.Line < 1 || d.Line > lines || d.Col < 1 || d.Code == "" {
				t.Errorf("bad position or code: %+v (file has %d lines)", d, lines)
			}
		}
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

// lineCount counts lines as YAML does: CR LF, LF and a lone CR each end
// one.
func lineCount(src []byte) int {
	n := 1
	for i, b := range src {
		if b == '\n' || b == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			n++
		}
	}
	return n
}
