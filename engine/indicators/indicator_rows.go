package indicators

import (
	"context"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/forms"
	"canvass/rules"
)

// What a filter sees of a record's answers. Indicator filters and sums
// name answer fields by key or path (forms.Form.Resolve). A filter runs on
// the record's answers flattened (forms.Form.Flatten): every field outside
// repeat groups by its key, sections kept as well, so answers.respondentId
// and answers.personal.respondentId both read the ID number in its
// section. A term that reads a field of a repeat group counts per row:
// its filter runs once per row of that group, on the flattened answers
// with the row's fields by key over them (forms.Form.RowViews), and the
// record adds one per matching row — count(answers.childSex == "male")
// counts every boy of every household — or, for a sum, the field's value
// in each matching row. The publish-time check refuses a term whose
// fields are in two different groups.

// termShape is how a term reads one form's records: per row of group (nil:
// once per record), summing the answer under key (sums only).
type termShape struct {
	group *forms.Field
	key   string
}

// shapeOf resolves the fields a term reads against the record's form.
// References the form lacks are left to the filter (a nil answer), as the
// publish-time check already reported the ones no form of the campaign
// has.
func shapeOf(form *forms.Form, t rules.IndicatorTerm) termShape {
	var sh termShape
	refs := make([]string, 0, len(t.Answers)+1)
	for _, l := range t.Answers {
		refs = append(refs, l.Value)
	}
	if t.Field != "" {
		refs = append(refs, t.Field)
		sh.key = t.Field
	}
	for _, ref := range refs {
		fd, err := form.Resolve(ref)
		if err != nil {
			continue
		}
		if ref == t.Field {
			sh.key = fd.Key()
		}
		if g := fd.Group(); g != nil && sh.group == nil {
			sh.group = g
		}
	}
	return sh
}

// recordForm returns the form version r was filled with, or nil when it
// cannot be had (the filters then see the answers as stored).
func (s *Service) recordForm(ctx context.Context, r *engine.Record) *forms.Form {
	if r.FormID == "" {
		return nil
	}
	f, _, err := s.e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return nil
	}
	return f
}

// termAmount is what r adds to term t: the number of matching rows (one
// for a term read once per record) for a count, their values added up for
// a sum; matched is false when nothing matched.
func termAmount(form *forms.Form, t rules.IndicatorTerm, facts campaigns.IndicatorFacts) (amount float64, matched bool) {
	answers := facts.Answers
	if answers == nil {
		answers = map[string]any{}
	}
	views := []map[string]any{answers}
	sumTerm := t
	if form != nil {
		sh := shapeOf(form, t)
		if sh.group != nil {
			views = form.RowViews(sh.group, answers)
		} else {
			views[0] = form.Flatten(answers)
		}
		sumTerm.Field = sh.key
	}
	for _, v := range views {
		f := facts
		f.Answers = v
		ok, err := campaigns.Matches(t, f)
		if err != nil || !ok {
			// A filter that fails on a record (a field of another type
			// than the author expected) does not count it.
			continue
		}
		matched = true
		amount += campaigns.Amount(sumTerm, v)
	}
	return amount, matched
}
