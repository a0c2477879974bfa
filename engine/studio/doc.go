// Package studio is the form designer's model: what the campaign studio
// (issue #16) calls for every edit an author makes to a form, without a
// server and without a page.
//
// The files stay the truth. OpenForm decodes a form definition into a
// FormDoc that keeps the author's key order and every key the designer does
// not know; Bytes writes it back in the examples' house style, and that is
// the draft the studio saves after each edit. Saving without changes gives
// the same form (same fields, order, labels, types, rules and choices).
//
// Fields come from a palette (Palette, TypeOf): each type has its Chinese
// and English name, the JSON Schema and x- keys it writes, and
// ValidateSettings for what an author may set on it. Operations
// (AddField, UpdateField, DuplicateField, MoveField, DeleteField,
// AddSection, AddRepeat) address fields by their JSON pointer in the
// definition ("/properties/care/properties/elderCount"), check their input
// and refuse with an *engine.Error of code EINVALID whose Fields name the
// pointer and a stable code (Message gives its text in Chinese or English).
// Every operation is all or nothing: it works on a copy, loads the result
// with forms.Load, and changes the document only when that loads without
// errors, so an author can never save a form that will not publish because
// of the designer.
//
// Builders write expressions for the author: conditions (x-relevant,
// x-required-if) from rows of field, comparison and value joined by 且 or
// 或; ready-made constraints with their Chinese messages; ready-made
// calculations. A builder-made expression parses back into its rows, so the
// page can reopen it; anything else is shown as the expression it is.
//
// Field keys are variable names in expressions and unique across the whole
// form. When an author gives none, one is made from the English label
// ("Date of birth" → dateOfBirth) or numbered (field1, field2, …); pinyin
// is not available. References between fields are found by parsing the
// expressions (expr's AST), never by searching text, so deleting or
// renaming a field sees exactly the rules that read it.
package studio
