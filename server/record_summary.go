package server

import "canvass/forms"

// summaryRows are the answers that tell a record apart in a list — the
// inbox, bulk results — as the form's summary names them (x-summary, or
// its first fields; forms.Form.Summary), each labelled in lang, a choice
// by its label. answers are the record's answers as the viewer may see
// them (personal values masked unless the viewer may reveal them);
// unanswered fields are left out. Without the form, nothing.
func summaryRows(f *forms.Form, answers map[string]any, lang string) []answerRow {
	if f == nil {
		return nil
	}
	var rows []answerRow
	for _, a := range f.SummaryAnswers(answers) {
		rows = append(rows, answerRow{Label: a.Field.Label(lang), Value: answerText(a.Field, a.Value, lang)})
	}
	return rows
}
