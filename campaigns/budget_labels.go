package campaigns

import (
	"fmt"
	"maps"
	"slices"

	"canvass/internal/yamldoc"
	"canvass/rules"
)

// A budget's inputs and counts are variable names (sample, signups); people
// read them by the names in labels, which the campaign studio writes and
// shows ("样本户数 300"):
//
//	budget:
//	  inputs: {sample: 300}
//	  labels:
//	    sample: {zh: 样本户数, en: Sample households}
//
// A label names an input or a count of the same budget; it changes no
// amount.

// Labels returns the labels of the budget's inputs and counts by name;
// a name without one is absent.
func (b *Budget) Labels() map[string]Text {
	out := make(map[string]Text, len(b.labels))
	for k, v := range b.labels {
		out[k] = maps.Clone(v)
	}
	return out
}

// budgetLabels decodes labels: {name: {zh: …, en: …}}, each name an input
// or a count already declared.
func (l *loader) budgetLabels(e yamldoc.Entry, names []string) map[string]Text {
	entries, ok := l.Mapping(e.Value, e.Key.Path, "labels")
	if !ok {
		return nil
	}
	out := map[string]Text{}
	for _, le := range entries {
		if !slices.Contains(names, le.Key.Val) {
			hint, h := "", yamldoc.Closest(le.Key.Val, names)
			if h != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", h)
			}
			l.Errorf(le.Key.At, le.Key.Path, rules.CodeUnknownKey, "%s is neither an input nor a count of the budget%s", le.Key.Val, hint).
				With("key", le.Key.Val).With("suggest", h)
			continue
		}
		if t := l.Text(le); len(t) > 0 {
			out[le.Key.Val] = t
		}
	}
	return out
}
