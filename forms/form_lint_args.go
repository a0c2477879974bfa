package forms

import (
	"strings"

	"canvass/rules"
)

// nameFields sets the "field" argument of each finding inside a field's
// schema to the field's label in both languages, so that its message
// names the field as the author named it ("出生日期"), not by its key. A
// finding in a field the loader never got to know is named by its key.
func (l *loader) nameFields() {
	for i := range l.diags {
		d := &l.diags[i]
		if d.Path == "" || d.Args["field."+rules.LangZH] != "" {
			continue
		}
		var best *Field
		if l.form != nil {
			for _, fd := range l.form.all {
				if (d.Path == fd.schemaPtr || strings.HasPrefix(d.Path, fd.schemaPtr+"/")) &&
					(best == nil || len(fd.schemaPtr) > len(best.schemaPtr)) {
					best = fd
				}
			}
		}
		zh, en := "", ""
		switch {
		case best != nil:
			zh, en = best.Label("zh"), best.Label("en")
		default:
			zh = fieldKeyOf(d.Path)
			en = zh
		}
		if zh == "" {
			continue
		}
		if d.Args == nil {
			d.Args = map[string]string{}
		}
		d.Args["field."+rules.LangZH], d.Args["field."+rules.LangEN] = zh, en
	}
}

// fieldKeyOf is the key of the innermost field a schema pointer is in:
// the step after its last "properties", or "".
func fieldKeyOf(ptr string) string {
	steps := strings.Split(ptr, "/")
	for i := len(steps) - 2; i >= 0; i-- {
		if steps[i] == "properties" {
			return strings.ReplaceAll(strings.ReplaceAll(steps[i+1], "~1", "/"), "~0", "~")
		}
	}
	return ""
}

// textRole is the term naming the text at ptr by what it is for: its key
// ("x-hint"), or "label" for a choice's label.
func textRole(ptr string) string {
	return ptr[strings.LastIndexByte(ptr, '/')+1:]
}
