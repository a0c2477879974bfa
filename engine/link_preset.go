package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"canvass/forms"
)

// Link presets name the form's fields by path or key (forms.Form.Resolve),
// wherever they sit: {"personal.respondentName": "林晓雯"} or
// {"respondentName": "林晓雯"}. CreateLinks stores them by path, typed as
// the field wants; the public form puts each at its place in the answers
// (a section too) and shows it read-only. A field of a repeat group, a
// section or a repeat group itself cannot be preset: which row?

// PresetAnswer is one preset answer of a link, resolved against the form.
type PresetAnswer struct {
	Field *forms.Field
	Value any
}

// presetAnswers resolves the preset of a link (index i of the request)
// against form and returns it by path, each value typed as its field
// wants. Returns EINVALID naming the reference, and the form's fields,
// when one does not resolve or cannot be preset.
func presetAnswers(form *forms.Form, i int, p map[string]any) (map[string]any, error) {
	if len(p) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(p))
	for k, v := range p {
		ptr := fmt.Sprintf("/preset/%d/%s", i, EscapePointer(k))
		fd, err := form.Resolve(k)
		var pe *forms.PathError
		switch {
		case errors.As(err, &pe):
			return nil, invalidLink(ptr, pe.Code, pe.Message)
		case err != nil:
			return nil, invalidLink(ptr, forms.CodeUnknownField, err.Error())
		case fd.Group() != nil:
			return nil, invalidLink(ptr, forms.CodeFieldInRepeat,
				fmt.Sprintf("%s (%s) has a value per row of %s: a link cannot preset it", fd.Path(), fd.Label(forms.LangZH), fd.Group().Path()))
		case fd.Type() == "object" || fd.Type() == "array" && fd.ItemType() == "":
			return nil, invalidLink(ptr, "not_simple",
				fmt.Sprintf("%s (%s) is a section or a repeat group: preset one of its fields", fd.Path(), fd.Label(forms.LangZH)))
		}
		typed, ok := presetValue(fd, v)
		if !ok {
			return nil, invalidLink(ptr, "type", fmt.Sprintf("%q is not a value of %s (%s), a %s field", fmt.Sprint(v), fd.Path(), fd.Label(forms.LangZH), fd.Type()))
		}
		if _, dup := out[fd.Path()]; dup {
			return nil, invalidLink(ptr, "duplicate_key", fmt.Sprintf("%s is preset twice", fd.Path()))
		}
		out[fd.Path()] = typed
	}
	return out, nil
}

// presetValue types a preset value as its field wants: a printed page
// posts every value as text (one choice of a multi-choice field too).
func presetValue(fd *forms.Field, v any) (any, bool) {
	s, isText := v.(string)
	if !isText {
		return v, true
	}
	s = strings.TrimSpace(s)
	switch fd.Type() {
	case "array":
		return []any{s}, true
	case "integer":
		n, err := strconv.Atoi(s)
		return n, err == nil
	case "number":
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	case "boolean":
		b, err := strconv.ParseBool(s)
		return b, err == nil
	}
	return s, true
}

// Preset returns the link's preset answers resolved against the form it
// opens, in the form's display order. A preset whose field the form no
// longer has (a newer version moved it out) is left out.
func (pf *PublicForm) Preset() []PresetAnswer {
	if len(pf.Link.Preset) == 0 {
		return nil
	}
	var out []PresetAnswer
	for _, path := range pf.Form.Paths() {
		fd, err := pf.Form.Resolve(path)
		if err != nil {
			continue
		}
		for k, v := range pf.Link.Preset {
			// Presets are stored by path; links made before paths, by key.
			if k == path || k == fd.Key() {
				out = append(out, PresetAnswer{Field: fd, Value: cloneValue(v)})
				break
			}
		}
	}
	return out
}
