package studio

import (
	"testing"

	"canvass/engine"
)

// FuzzDiff: whatever two drafts hold, comparing them does not panic, and
// two different files always get at least one sentence.
func FuzzDiff(f *testing.F) {
	f.Add([]byte(diffForm), []byte(diffWorkflow))
	f.Add([]byte(diffWorkflow), []byte(diffWorkflow+"x: 1\n"))
	f.Add([]byte(diffPayTable), []byte(diffCampaign))
	f.Add([]byte(`{"properties": {"a": {"x-choices": [1]}}}`), []byte(`{"properties": {"a": {"x-relevant": "b =="}}}`))
	f.Fuzz(func(t *testing.T, older, newer []byte) {
		for _, kind := range []string{engine.KindForm, engine.KindWorkflow, engine.KindPayTable, engine.KindCampaign} {
			got := Diff(kind, older, newer, DiffNames{})
			if string(older) != string(newer) && len(got) == 0 {
				t.Fatalf("%s: no sentence for two different files", kind)
			}
			for _, c := range got {
				if c.Kind == "" || c.ZH == "" || c.EN == "" {
					t.Fatalf("%s: incomplete change %+v", kind, c)
				}
			}
		}
	})
}
