package server

import (
	"slices"
	"strconv"
	"strings"

	"canvass/engine"
	"canvass/forms"
)

// formView is a form as the page renders it: the fields in display order,
// each with its label, value, state and error, and what the page's
// buttons do.
type formView struct {
	Title         string
	CampaignTitle string
	Action        string // where the form posts; "" in a preview
	EvaluateURL   string // where form.js posts answers for live feedback
	SubmissionID  string // the client ID that makes a double post harmless
	Version       int64  // the record version an edit was made on
	Preview       bool   // an author's look at a draft: nothing can be sent
	Edit          bool   // resuming a draft or correcting a returned record
	CanDraft      bool
	// Returned says why a record came back for correction, who sent it
	// and when; OwnAnswers that its creator sees their answers in full.
	Returned   *returnNote
	OwnAnswers bool
	Fields     []*fieldView
	// Problems are errors that belong to no field on the page (the org
	// unit, a PII value to enter again in a row that is gone), shown at
	// the top.
	Problems []string
}

// fieldView is one field, section or repeat group on the page. Name is
// the HTML name (see fieldName), Pointer the JSON pointer that the
// evaluate endpoint keys its state by; form.js finds a field's wrapper by
// its data-pointer.
type fieldView struct {
	Page     *pageData
	Key      string
	Name     string
	ID       string
	Pointer  string
	Widget   string
	Type     string // JSON type, for form.js to type the answer
	ItemType string // of a checkbox field's values
	Format   string
	PII      string
	Label    string
	Hint     string
	Required bool
	Relevant bool
	ReadOnly bool
	Value    string
	Error    string
	Choices  []choiceView
	Children []*fieldView // of a section
	Rows     []*rowView   // of a repeat group
	Template *rowView     // of a repeat group: the empty row form.js copies
	Preview  bool
}

// rowView is one row of a repeat group.
type rowView struct {
	Page    *pageData
	Name    string // the row's name prefix, "children.0"
	Number  int    // 1-based, for people
	Fields  []*fieldView
	Preview bool
}

// choiceView is one choice of a select, radio, checkbox or yes/no field.
type choiceView struct {
	ID       string
	Value    string
	Label    string
	Selected bool
}

// formBuilder builds the fieldViews of a form from answers and an
// evaluation of them.
type formBuilder struct {
	page    *pageData
	form    *forms.Form
	state   forms.State
	errors  map[string]string // pointer → message, what the page shows
	used    map[string]bool   // pointers whose error found its field
	preview bool
}

// newFormBuilder prepares the views of form for answers evaluated to
// state, showing the field errors given (none on a fresh page).
func newFormBuilder(p *pageData, form *forms.Form, state forms.State, errs []engine.FieldError) *formBuilder {
	b := &formBuilder{page: p, form: form, state: state, errors: map[string]string{}, used: map[string]bool{}}
	for _, fe := range errs {
		if _, seen := b.errors[fe.Pointer]; !seen {
			b.errors[fe.Pointer] = fe.Message
		}
	}
	return b
}

// build returns the views of the form's fields filled from answers.
func (b *formBuilder) build(answers map[string]any) []*fieldView {
	return b.fields(b.form.Fields(), nil, answers, false)
}

// problems lists the errors that no field on the page showed.
func (b *formBuilder) problems() []string {
	var out []string
	for ptr, msg := range b.errors {
		if !b.used[ptr] {
			out = append(out, strings.TrimPrefix(ptr, "/")+": "+msg)
		}
	}
	slices.Sort(out)
	return out
}

// fields builds the views of the fields of one object found at path. In
// a template row (proto), nothing is answered and everything is relevant
// until the script asks.
func (b *formBuilder) fields(fds []*forms.Field, path []string, obj map[string]any, proto bool) []*fieldView {
	out := make([]*fieldView, 0, len(fds))
	for _, fd := range fds {
		out = append(out, b.field(fd, append(path[:len(path):len(path)], fd.Key()), obj[fd.Key()], proto))
	}
	return out
}

func (b *formBuilder) field(fd *forms.Field, path []string, answer any, proto bool) *fieldView {
	lang := b.page.Lang
	ptr := fieldPointer(path)
	v := &fieldView{
		Page: b.page, Key: fd.Key(), Name: fieldName(path), ID: "f-" + strings.Join(path, "-"), Pointer: ptr,
		Widget: fd.Widget(), Type: fd.Type(), ItemType: fd.ItemType(), Format: fd.Format(), PII: fd.PII(),
		Label: fd.Label(lang), Hint: fd.Hint(lang), ReadOnly: fd.ReadOnly(), Preview: b.preview,
		Relevant: true, Required: fd.Required(),
	}
	if !proto {
		// Where the evaluation knows the field, it knows whether it is
		// required now (x-required-if included); elsewhere (a row not
		// evaluated yet) the static "required" is the best guess.
		if rel, ok := b.state.Relevant[ptr]; ok {
			v.Relevant, v.Required = rel, b.state.Required[ptr]
		}
		if msg, ok := b.errors[ptr]; ok {
			v.Error, b.used[ptr] = msg, true
		}
	}
	if v.Widget == forms.WidgetCalculated {
		v.Required = false
	}
	switch {
	case fd.Type() == "object":
		sec, _ := answer.(map[string]any)
		v.Children = b.fields(fd.Children(), path, sec, proto)
	case isRepeat(fd):
		rows, _ := answer.([]any)
		for i, r := range rows {
			row, _ := r.(map[string]any)
			rp := append(path[:len(path):len(path)], strconv.Itoa(i))
			v.Rows = append(v.Rows, &rowView{Page: b.page, Name: fieldName(rp), Number: i + 1, Preview: b.preview,
				Fields: b.fields(fd.Children(), rp, row, proto)})
		}
		tp := append(path[:len(path):len(path)], rowPlaceholder)
		v.Template = &rowView{Page: b.page, Name: fieldName(tp), Preview: b.preview, Fields: b.fields(fd.Children(), tp, nil, true)}
	case v.Widget == forms.WidgetCalculated:
		if !proto {
			v.Value = formatValue(b.state.Calculated[ptr])
		}
	default:
		v.Value = formatValue(answer)
		v.Choices = b.choices(fd, v, answer)
	}
	return v
}

// choices lists every choice of a choice field, the picked ones marked. A
// choice filter narrows them only in the browser (form.js hides the
// others): without a script, a person must still be able to pick a
// village after changing the township.
func (b *formBuilder) choices(fd *forms.Field, v *fieldView, answer any) []choiceView {
	lang := b.page.Lang
	picked := map[string]bool{}
	if list, ok := answer.([]any); ok {
		for _, x := range list {
			picked[formatValue(x)] = true
		}
	} else if answer != nil {
		picked[formatValue(answer)] = true
	}
	if fd.Widget() == forms.WidgetYesNo {
		return []choiceView{
			{ID: v.ID + "-yes", Value: "true", Label: b.page.T("form.yes"), Selected: picked["true"]},
			{ID: v.ID + "-no", Value: "false", Label: b.page.T("form.no"), Selected: picked["false"]},
		}
	}
	var out []choiceView
	for i, c := range fd.Choices() {
		val := formatValue(c.Value())
		out = append(out, choiceView{ID: v.ID + "-" + strconv.Itoa(i), Value: val, Label: c.Label(lang), Selected: picked[val]})
	}
	return out
}
