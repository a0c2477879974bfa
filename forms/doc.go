// Package forms loads form definitions and evaluates answers against them.
//
// A form is one JSON Schema 2020-12 document of "type": "object". Load
// decodes it strictly, lints it (every finding a rules.Diagnostic with
// file:line:col and a stable code), compiles every expression once and
// returns an immutable *Form. Evaluate takes a Form, the answers and an Env
// (reference time, submission time, language) and returns the State: which fields are
// relevant and required, the calculated values, the localized errors keyed
// by JSON pointer, and the clean answers to store. Evaluate is pure Go
// without I/O, so the server's live feedback, its final check and a later
// in-browser build all give the same answers.
//
// # Fields
//
// Every property is a field; its key is also its variable name in
// expressions, so keys are identifiers (a letter, then letters, digits and
// '_'), not keywords, and unique across the whole form — sections and
// repeat groups included. A key named like a function (age, count, first)
// is allowed with a warning: it hides that function in the form. The schema type decides the
// kind of field:
//
//   - string, integer, number, boolean: one answer;
//   - object: a section, whose properties are asked in place and whose
//     answers nest under its key ({"address": {"village": …}});
//   - array with "items" of type object: a repeat group, one object per row;
//   - array with "items" of type string, integer or number and choices:
//     several choices (checkboxes).
//
// A field has exactly one type; "null" is not one: an unanswered field is
// absent. References and combinators ($ref, allOf, oneOf, if/then…) are
// refused: a form is a plain tree of properties. Keys that are neither JSON
// Schema nor a known x- extension are errors, so a typo such as
// "x-relevent" or "minimun" never passes silently. The formats checked are
// date, date-time, time, email, uri and the custom cn-resident-id (GB 11643
// check character and birth date), cn-mobile and cn-admin-code (GB/T 2260).
//
// # Extensions
//
// Any field may carry:
//
//	x-label, x-hint        {"zh": "…", "en": "…"}; zh is expected (warning
//	                       missing_label), and "title" stands in for x-label.zh
//	x-widget               text, textarea, integer, decimal, date, select,
//	                       radio, checkbox, yesno, repeat, section, calculated;
//	                       by default it follows from the type, format and
//	                       choices
//	x-order                integer; fields sort by it (absent = 0), then by
//	                       document order
//	x-relevant             expression → bool: ask only when true
//	x-required-if          expression → bool: required when true
//	x-required-message     {zh, en}: shown instead of "此项必填" when the
//	                       field is required and empty (a warning when the
//	                       field is never required)
//	x-constraint           expression → bool: the answer is acceptable when
//	                       true; x-constraint-message {zh, en} is shown otherwise
//	x-calculate            expression → the field's value; the field is
//	                       read-only and answers to it are ignored
//	x-choices              [{"value": …, "label": {zh, en}, …extra keys}]
//	x-choice-filter        expression → bool, run per choice (cascading lists)
//	x-pii                  id-number, phone or name: masked and encrypted
//
// "required" lists the fields that must be answered whenever they are
// relevant; a field that is not relevant is never required, nor is a
// calculated one. Unanswered means absent, null, "" or an empty list. At the top,
// x-form-id (or $id) names the form and x-title {zh, en} (or title) titles
// it; x-summary lists up to six field references (key or path, see Field
// paths) whose answers tell records apart in lists — inbox rows,
// bulk-action results, notifications — masked as the viewer requires
// (Form.Summary; without it, the first four fields with one value per
// record). Versions are kept by the store, not in the file.
//
// # Choices
//
// Choices are x-choices: a list of objects with a "value" of the field's
// type, a "label" {zh, en} and any extra keys, which choice filters read.
// Load turns them into the schema's enum, so a value that is no choice is
// an enum error. A plain "enum" (without labels) also makes a choice field;
// use one or the other. Multi-choice arrays carry x-choices on the array.
//
// # Expressions
//
// Expressions are compiled by package rules against a typed environment:
// every field in scope is a variable named by its key, typed by its schema
// type — string as string (date fields too: use date(), daysBetween() and
// age() on them), integer as int, number as float64, boolean as bool, a
// repeat group as a list of row maps ([]map[string]any), several choices
// as a list — and refTime is the campaign's reference time and
// submittedAt the submission time (Env.SubmittedAt: when the record is
// stored, or when live feedback is computed; nil when the caller gives
// none). Fields inside sections are variables by their own key, as if the section were not
// there. An expression inside a repeat group also sees the fields of the
// current row by key, row (the row as a map) and rowIndex (0-based); from
// outside, a group's fields are reachable only through the group's list
// (count(children, .childAge < 6)). A choice filter also sees choice (the
// value of the choice being tested) and choiceData (its extra keys).
//
// At run time an unanswered field is nil. An expression that fails — it
// met a nil, an ID that does not parse — counts as false: the field is
// not relevant, not required by x-required-if, not in violation of its
// x-constraint (the broken answer gets its own error), and a calculation
// yields no value.
//
// Load reports expressions that do not compile (bad_expression), name no
// field in scope (unknown_identifier), call no function (unknown_function,
// with the nearest function's name: "did you mean addMonths?"), or depend on each other in a circle
// (calculate_cycle, relevance_cycle), each at its exact line and column in
// the file.
//
// # Field paths
//
// Everything outside a form that names an answer — campaign indicators,
// public-link presets, reconciliation mappings, x-summary, duplicate
// detection — names it by path and resolves it with Form.Resolve, the one
// resolver. A path is the keys from the answers' root to the field joined
// by dots: "personal.respondentId", or "care.children.childSex" for a
// field of every row of the repeat group children. Keys are unique across
// the form, so a bare key names its field wherever it sits: "respondentId"
// resolves to personal.respondentId, which is how definitions written
// before a field moved into a section keep working. A path of several
// keys must spell out every section and group from the root
// ("children.childSex" does not resolve), so a path never quietly comes to
// mean another field. A reference that does not resolve is a *PathError
// (unknown_field, wrong_path, bad_path) whose message names the reference,
// the nearest field and every field the form has; callers report it at
// lint or publish time. Whether a repeat-group field fits (Field.Group) is
// the feature's choice: indicators count every row, presets and dedup
// need one value per record (field_in_repeat). Field.Value, Values and
// SetValue read and write an answer at its path; Flatten and RowViews give
// expressions outside the form (indicator filters) every field by key.
//
// # Evaluation
//
// Evaluate normalizes the answers (unknown keys and answers to calculated
// fields dropped, strings trimmed, "" counted as unanswered, numbers typed),
// then settles relevance and calculations field by field in dependency
// order — a field found irrelevant is removed before anything later reads
// it — then checks the relevant fields: required and x-required-if, the
// schema (type, limits, pattern, choices, formats; a resident ID must not
// be born after Env.RefTime), choice filters and x-constraint. Each pointer
// gets at most one error, the most basic one (required before type before
// format before choice before constraint).
//
// # Example
//
//	{
//	  "x-form-id": "trainer-signup",
//	  "x-title": {"zh": "普查员培训报名表", "en": "Census trainer sign-up"},
//	  "type": "object",
//	  "required": ["name", "id", "lunch"],
//	  "properties": {
//	    "name":  {"type": "string", "x-label": {"zh": "姓名", "en": "Name"}, "x-pii": "name"},
//	    "id":    {"type": "string", "format": "cn-resident-id", "x-pii": "id-number",
//	              "x-label": {"zh": "身份证号码", "en": "ID number"}},
//	    "years": {"type": "integer", "x-calculate": "age(id, refTime)",
//	              "x-label": {"zh": "年龄", "en": "Age"}},
//	    "lunch": {"type": "boolean", "x-label": {"zh": "是否用午餐", "en": "Lunch"}},
//	    "diet":  {"type": "string", "x-relevant": "lunch",
//	              "x-label": {"zh": "饮食要求", "en": "Diet"},
//	              "x-choices": [{"value": "none", "label": {"zh": "无", "en": "None"}},
//	                            {"value": "halal", "label": {"zh": "清真", "en": "Halal"}}]}
//	  }
//	}
//
// testdata/household.form.json is a fuller example: a section with
// cascading township and village lists, a repeat group of children with a
// cross-field rule on their birth dates, and calculated ages and counts.
package forms
