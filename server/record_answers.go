package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"canvass/forms"
	"canvass/ui"
)

// answerRow is one line of a record's answers on a page: a question and
// its answer, or the heading of a section or of a repeat group's row.
type answerRow struct {
	Label   string
	Value   string
	Depth   int  // 0 at the top, +1 inside each section or row
	Heading bool // a section or a row: no value of its own
}

// answerRows lays out answers in the form's order with the form's labels
// in lang. Unanswered fields are left out; answers the form does not know
// (a field removed since) come last under their keys.
func answerRows(f *forms.Form, answers map[string]any, lang string) []answerRow {
	if f == nil {
		return rawRows(answers)
	}
	rows := fieldRows(f.Fields(), answers, lang, 0)
	known := map[string]bool{}
	for _, fd := range f.Fields() {
		known[fd.Key()] = true
	}
	for _, k := range sortedKeys(answers) {
		if !known[k] {
			rows = append(rows, answerRow{Label: k, Value: plainValue(answers[k])})
		}
	}
	return rows
}

func fieldRows(fields []*forms.Field, answers map[string]any, lang string, depth int) []answerRow {
	var rows []answerRow
	for _, fd := range fields {
		v, ok := answers[fd.Key()]
		if !ok || v == nil {
			continue
		}
		switch {
		case fd.Type() == "object":
			m, _ := v.(map[string]any)
			rows = append(rows, answerRow{Label: fd.Label(lang), Depth: depth, Heading: true})
			rows = append(rows, fieldRows(fd.Children(), m, lang, depth+1)...)
		case fd.Type() == "array" && len(fd.Children()) > 0:
			list, _ := v.([]any)
			for i, item := range list {
				m, _ := item.(map[string]any)
				rows = append(rows, answerRow{Label: fmt.Sprintf("%s #%d", fd.Label(lang), i+1), Depth: depth, Heading: true})
				rows = append(rows, fieldRows(fd.Children(), m, lang, depth+1)...)
			}
		default:
			rows = append(rows, answerRow{Label: fd.Label(lang), Value: answerText(fd, v, lang), Depth: depth})
		}
	}
	return rows
}

// answerText shows one answer: a choice by its label, yes/no in words,
// numbers as typed, several choices joined.
func answerText(fd *forms.Field, v any, lang string) string {
	if v == nil {
		return "—"
	}
	if list, ok := v.([]any); ok {
		parts := make([]string, 0, len(list))
		for _, e := range list {
			parts = append(parts, answerText(fd, e, lang))
		}
		return strings.Join(parts, ui.Message(lang, "list.sep"))
	}
	if fd != nil {
		for _, ch := range fd.Choices() {
			if sameAnswer(ch.Value(), v) {
				return ch.Label(lang)
			}
		}
	}
	if b, ok := v.(bool); ok {
		if b {
			return ui.Message(lang, "record.yes")
		}
		return ui.Message(lang, "record.no")
	}
	return plainValue(v)
}

// plainValue shows a value with no form to explain it.
func plainValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool, int, int64, json.Number:
		return fmt.Sprint(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// sameAnswer compares a choice value with an answer as JSON: stored
// numbers come back as float64, choices may hold ints.
func sameAnswer(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func rawRows(answers map[string]any) []answerRow {
	var rows []answerRow
	for _, k := range sortedKeys(answers) {
		rows = append(rows, answerRow{Label: k, Value: plainValue(answers[k])})
	}
	return rows
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pointerLabel names the field a JSON pointer of a change points at, with
// the labels of the sections and rows on the way: "Children #2 › Name".
func pointerLabel(f *forms.Form, pointer, lang string) (string, *forms.Field) {
	segs := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	var parts []string
	var last *forms.Field
	for _, seg := range segs {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		if n, err := strconv.Atoi(seg); err == nil && len(parts) > 0 {
			parts[len(parts)-1] += fmt.Sprintf(" #%d", n+1)
			continue
		}
		var fd *forms.Field
		if f != nil {
			fd = f.Field(seg)
		}
		if fd != nil {
			parts = append(parts, fd.Label(lang))
		} else {
			parts = append(parts, seg)
		}
		last = fd
	}
	return strings.Join(parts, " › "), last
}
