package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"canvass/forms"
)

// SummaryText is the record's summary answers (forms.Form.Summary: the
// form's x-summary, or its first fields) on one line in lang, personal
// values masked whoever reads it — the line goes where the reader is not
// known in advance (notifications): "被调查人姓名：林**，公民身份号码：3412**…".
// Unanswered fields are left out; "" when none is answered or the form
// cannot be had.
func (e *Engine) SummaryText(ctx context.Context, r *Record, lang string) string {
	form, _, err := e.Form(ctx, r.FormID, r.FormVersion)
	if err != nil {
		return ""
	}
	answers := e.OpenAnswers(form, r.Answers, false)
	sep, colon := "，", "："
	if TextLang(lang) == "en" {
		sep, colon = ", ", ": "
	}
	var parts []string
	for _, a := range form.SummaryAnswers(answers) {
		parts = append(parts, a.Field.Label(lang)+colon+summaryValue(a.Field, a.Value, lang))
	}
	return strings.Join(parts, sep)
}

// summaryValue is one answer as text: a choice by its label, yes or no in
// words, several choices joined.
func summaryValue(fd *forms.Field, v any, lang string) string {
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, x := range list {
			parts[i] = summaryValue(fd, x, lang)
		}
		return strings.Join(parts, "、")
	}
	for _, c := range fd.Choices() {
		if fmt.Sprint(c.Value()) == fmt.Sprint(v) {
			return c.Label(lang)
		}
	}
	switch x := v.(type) {
	case bool:
		switch {
		case TextLang(lang) == "en" && x:
			return "yes"
		case TextLang(lang) == "en":
			return "no"
		case x:
			return "是"
		}
		return "否"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
