package server

import (
	"context"
	"sort"
	"strings"

	"canvass/campaigns"
	"canvass/forms"
)

// presetGroup lists the fields of one form a link may preset, for the
// links page's choice: by label, the value their path.
type presetGroup struct {
	Form    string // the form's title
	Options []presetOption
}

type presetOption struct {
	Value string // the field's path
	Label string
}

// presetGroups returns, per form of the campaign, the fields with one
// value per record (at the top or in sections) that a person answers.
func (s *Server) presetGroups(ctx context.Context, camp *campaigns.Campaign, lang string) []presetGroup {
	var out []presetGroup
	for _, id := range camp.Forms() {
		form, _, err := s.engine.Form(ctx, id, 0)
		if err != nil {
			continue
		}
		g := presetGroup{Form: form.Title(lang)}
		for _, path := range form.Paths() {
			fd, err := form.Resolve(path)
			if err != nil || fd.Group() != nil || fd.ReadOnly() || fd.Type() == "array" {
				continue
			}
			label := fd.Label(lang)
			if p := fd.Parent(); p != nil {
				label = p.Label(lang) + " › " + label
			}
			g.Options = append(g.Options, presetOption{Value: path, Label: label})
		}
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// presetText is a link's preset answers as people read them: "label: value"
// (a choice by its label), in the form's order; a field the form no longer
// has by its stored name.
func (s *Server) presetText(ctx context.Context, formID string, preset map[string]any, lang string) string {
	if len(preset) == 0 {
		return ""
	}
	form, _, err := s.engine.Form(ctx, formID, 0)
	type part struct {
		order int
		text  string
	}
	var parts []part
	for k, v := range preset {
		p := part{order: 1 << 30, text: k + ": " + formatValue(v)}
		if err == nil {
			if fd, rerr := form.Resolve(k); rerr == nil {
				p.text = fd.Label(lang) + ": " + presetValueText(fd, v, lang)
				for i, path := range form.Paths() {
					if path == fd.Path() {
						p.order = i
					}
				}
			}
		}
		parts = append(parts, p)
	}
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].order != parts[j].order {
			return parts[i].order < parts[j].order
		}
		return parts[i].text < parts[j].text
	})
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.text
	}
	return strings.Join(texts, "，")
}

// presetValueText is a preset value as people read it: a choice's label.
func presetValueText(fd *forms.Field, v any, lang string) string {
	for _, c := range fd.Choices() {
		if formatValue(c.Value()) == formatValue(v) {
			return c.Label(lang)
		}
	}
	return formatValue(v)
}
