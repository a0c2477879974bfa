package paytables

import "slices"

// AnswerRead is what one item's rules (when, amount) read of a record's
// answers: the fields, by key or path as written after "answers.", and
// the form the item pays for ("" any form of the campaign). The engine
// checks them against the campaign's forms when it publishes.
type AnswerRead struct {
	Item   string
	Form   string
	Fields []string
}

// AnswerReads returns the answer fields every item reads, in file order;
// items that read none are left out.
func (pt *PayTable) AnswerReads() []AnswerRead {
	var out []AnswerRead
	for _, it := range pt.items {
		if len(it.answers) > 0 {
			out = append(out, AnswerRead{Item: it.key, Form: it.form, Fields: slices.Clone(it.answers)})
		}
	}
	return out
}
