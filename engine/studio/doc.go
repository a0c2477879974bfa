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
//
// # Choices made
//
// Where forms has no construct for a palette type, the type is written
// with what forms has, and TypeOf reads it back: 说明文字 (note) is a
// read-only string field whose label and hint carry the text (forms has no
// note widget); 行政区划/村居 is one drop-down list per org level the author
// picks (AddOrgFields: township, then village…), whose choices are the
// org units of that level in the campaign's scope and whose lower levels
// cascade by a choice filter (choiceData.township == township), as
// forms/testdata/household.form.json writes them; the field is read back
// as 行政区划/村居 because every choice value is an org-unit code of one
// level (field_org.go). Without choices it is a county code typed by hand
// (format cn-admin-code), for places outside the tree. A date range is an x-constraint
// (daysBetween against the two dates) with its message, because JSON
// Schema has no date limits; the panel shows it as limits again.
//
// Positions are display positions. At a level where no field has
// x-order, the document order is the display order and a field is
// inserted in place; where some have, the level is rewritten in display
// order and x-order renumbered 1, 2, 3…
//
// Pasted choices keep the value of every label already among the choices,
// so re-pasting a list never changes what stored answers mean; new labels
// get their ASCII slug or the next free number. A condition row 不等于
// compares as written (housing != 'own' is true while housing is
// unanswered); add a 已填 row to ask only after an answer.
//
// DeleteField with force removes the rules that read the field: a
// calculated field that loses its calculation becomes a plain question of
// the same type. Only the form's own expressions are searched there;
// FieldUses finds what reads the field in the campaign's other files —
// indicators, reports, pay items, and the workflow's guards, routing
// rules and due expressions — and the designer refuses the delete while
// any does, naming each by its title (force or not: those live in other
// files, which the author changes first).
//
// Every operation loads its result with forms.Load once; Compiled hands
// that result (bytes, form, findings) to the save, so a designer request
// compiles the form once (engine.SaveDraftBasedCompiled).
//
// # Review flows
//
// OpenWorkflow opens a workflow file (YAML) into a WorkflowDoc the same
// way: author's key order and unknown keys kept, Bytes in the examples'
// house style (comments are not kept). Spec is the designer's view: the
// review levels of the ladder (non-final states whose step is not the
// field worker's), the correction steps (the field worker's, or where a
// 退回补正 leads) and the outcomes (final states), each with its Chinese and
// English title, who acts, the time limit in hours or days (any other
// duration or a due expression is kept as written until the author sets
// one), reminders, escalation and its allowed actions with where each
// leads. AddLevel, UpdateState, MoveLevel, DeleteState, SetCorrection,
// AddOutcome, SetRoutes and SetTitle check their input in Chinese or
// English (problem codes in workflow_messages.go), write only what
// changed, and keep the result only when workflows.Load accepts it.
//
// On a plain ladder (each level's 通过 leads to the next, the first is
// the start) adding, moving and deleting a level rewires 通过, the start
// and the correction step's resubmission, as an author expects of a
// ladder; a ladder with routing rules is only reordered. Deleting a state
// others lead to is refused with one problem per action that does; forced,
// those actions lead where the deleted state's own 通过 led, and returns to
// a deleted correction step are removed. Routing rules are written by the
// form designer's condition builder over the questions of the campaign's
// forms at any depth, as answers.<path> (RouteFields, RouteExpr,
// ParseRoute); a repeat group's fields, which have a value per row, are
// refused with the reason (route_field_in_repeat).
// WorkflowDiagram draws the spec as SVG on the server.
package studio
