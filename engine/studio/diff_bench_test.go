package studio

import (
	"strings"
	"testing"

	"canvass/engine"
)

// BenchmarkDiff200 compares two versions of a 200-field form in which
// every text field's limit and every condition changed: the 版本历史 tab's
// comparison at its heaviest, apart from loading the two versions.
func BenchmarkDiff200(b *testing.B) {
	older := form200()
	newer := []byte(strings.ReplaceAll(strings.ReplaceAll(string(older), `"maxLength": 50`, `"maxLength": 40`), "== true", "== false"))
	if n := len(Diff(engine.KindForm, older, newer, DiffNames{})); n < 60 {
		b.Fatalf("%d changes, want one per text field and condition", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		Diff(engine.KindForm, older, newer, DiffNames{})
	}
}
