package forms

import (
	"errors"
	"fmt"
	"slices"
)

// Summary fields: the few answers that tell one record from another in a
// list — the inbox, bulk-action results, notifications. A form names them
// at the top:
//
//	"x-summary": ["respondentName", "personal.respondentId", "care.childCount"]
//
// Each entry is a field reference (see "Field paths" in the package doc)
// to a field with one value per record: a field at the top or in a
// section, not a section, a repeat group or a field of one. At most
// MaxSummaryFields, no field twice. Without x-summary the summary is the
// first DefaultSummaryFields such fields in display order, wherever they
// sit. Personal values stay personal: whoever shows a summary masks them
// as the viewer requires, like any other answer.

// Limits of a summary.
const (
	MaxSummaryFields     = 6
	DefaultSummaryFields = 4
)

// SummaryAnswer is one answer of a record's summary.
type SummaryAnswer struct {
	Field *Field
	Value any
}

// SummaryAnswers returns the summary answers of answers (stored or clean:
// sections nested), in order: those of the x-summary fields that are
// answered, or without x-summary the first DefaultSummaryFields answered
// fields with one value per record — so a vital-events birth shows the
// mother, not the empty husband fields of a marriage.
func (f *Form) SummaryAnswers(answers map[string]any) []SummaryAnswer {
	fields, limit := f.summary, len(f.summary)
	if fields == nil {
		limit = DefaultSummaryFields
		for _, fd := range f.all {
			if summarizable(fd) {
				fields = append(fields, fd)
			}
		}
	}
	var out []SummaryAnswer
	for _, fd := range fields {
		if len(out) == limit {
			break
		}
		if v, ok := fd.Value(answers); ok {
			out = append(out, SummaryAnswer{Field: fd, Value: v})
		}
	}
	return out
}

// Summary returns the form's summary fields in order (x-summary, or the
// default: the first DefaultSummaryFields fields with one value per
// record; SummaryAnswers skips unanswered ones to fill the list).
func (f *Form) Summary() []*Field {
	if f.summary != nil {
		return slices.Clone(f.summary)
	}
	var out []*Field
	for _, fd := range f.all {
		if len(out) == DefaultSummaryFields {
			break
		}
		if summarizable(fd) {
			out = append(out, fd)
		}
	}
	return out
}

// summarizable reports whether fd has one value per record that a line
// of text can show.
func summarizable(fd *Field) bool {
	return fd.Group() == nil && fd.typ != "object" && (fd.typ != "array" || fd.itemType != "")
}

// decodeSummary reads x-summary, reporting each entry that is not a field
// with one value per record at the entry itself.
func (l *loader) decodeSummary(root *jsonNode) {
	n := root.member("x-summary")
	if n == nil {
		return
	}
	if n.kind != jsonArray || len(n.items) == 0 || len(n.items) > MaxSummaryFields {
		l.errorf(n.start, "/x-summary", CodeBadExtension,
			"x-summary is a list of 1 to %d field references, such as [\"respondentName\", \"personal.respondentId\"]", MaxSummaryFields)
		return
	}
	var out []*Field
	for i, it := range n.items {
		ptr := joinPointer("/x-summary", fmt.Sprint(i))
		if it.kind != jsonString {
			l.errorf(it.start, ptr, CodeBadExtension, "an x-summary entry is a field's key or path, as a string")
			continue
		}
		fd, err := l.form.Resolve(it.str)
		var pe *PathError
		switch {
		case errors.As(err, &pe):
			l.errorf(it.start, ptr, pe.Code, "x-summary: %s", pe.Message).With("value", pe.Ref)
			continue
		case err != nil:
			l.errorf(it.start, ptr, CodeUnknownField, "x-summary: %v", err)
			continue
		case !summarizable(fd):
			l.errorf(it.start, ptr, CodeFieldInRepeat,
				"x-summary: %s (%s) has no one value per record (a section, a repeat group or a field of one): name a field at the top or in a section", fd.Path(), fd.Label(LangZH)).
				WithText("field", fd.Label(LangZH), fd.Label(LangEN))
			continue
		case slices.Contains(out, fd):
			l.errorf(it.start, ptr, CodeDuplicateKey, "x-summary names %s twice", fd.Path())
			continue
		}
		out = append(out, fd)
	}
	if len(out) == len(n.items) {
		l.form.summary = out
	}
}
