// Package paytables loads and lints pay tables, and computes from them,
// without I/O, the ledger lines an event earns: which event pays whom, how
// much in integer fen (never a float), under which condition, withheld when
// a spot check finds a problem, capped per person and period.
//
// # The file
//
// A pay table is one YAML document. A full example, the vital-events labour
// table of a township, paid per quarter:
//
//	id: vital-events-pay                      # lower-case letters, digits, dashes
//	title: {zh: 人口变动情况劳务报酬, en: Vital events labour pay}
//	effective_from: 2027-01-01                # a date in China; pays events from its 00:00
//	period: quarter                           # month or quarter: what ledger entries and caps count in
//	items:
//	  - key: birth_collected                  # lower-case letters, digits, underscores; unique
//	    label: {zh: 出生信息采集, en: Birth collected}
//	    on: record.accepted                   # the event that pays (see Events)
//	    form: vital-event                     # optional: only records of this form
//	    pays: creator                         # creator (who filled the record, or made the public link it came through) or actor (who did the event)
//	    role: field_worker                    # the payee must hold this role
//	    when: "answers.event_type == 'birth'" # optional condition
//	    amount: 500                           # fen per record (per day for attendance.day)
//	  - key: birth_entered
//	    on: record.entered
//	    form: vital-event
//	    pays: actor
//	    role: field_worker
//	    when: "answers.event_type == 'birth'"
//	    amount: 300
//	  - key: household_surveyed
//	    on: record.accepted
//	    pays: creator
//	    role: field_worker
//	    when: qc != "problem"
//	    amount: 5000
//	    withheld_on: qc.problem               # a spot-check problem reverses this item's entry
//	    unit: {zh: 户, en: household}          # optional: what one unit is, for people ("每户 50.00 元")
//	  - key: survey_bonus
//	    on: qc.pass
//	    pays: creator
//	    role: field_worker
//	    amount: 5000
//	    withheld_on: qc.problem
//	  - key: supervisor_day
//	    on: attendance.day
//	    pays: actor
//	    role: supervisor
//	    amount_expr: fen(50) * count          # instead of amount: an expression giving int fen
//	caps:
//	  - {role: field_worker, period: quarter, max: 300000}   # per person per period, fen
//
// # Events
//
// record.submitted (the creator submitted the record), record.approved (a
// reviewer approved it; each approval step is an event), record.accepted
// (it reached a final accepted state), record.entered (someone typed it
// into the system), qc.pass and qc.problem (a spot check's outcome), and
// attendance.day (the actor worked a day; its record is the attendance
// record). The engine raises them and passes each to Lines as an Event.
//
// # Expressions
//
// when (a bool) and amount_expr (an int, in fen) are rules.KindPay
// expressions: count (units of work, Event.Count, 1 by default), role and
// item (the item's), qc ("", "pass" or "problem": the record's spot-check
// outcome so far; "pass" or "problem" on the qc events) and answers (the
// record's answers; a field inside a section is read by its key,
// answers.respondentAge, or its path, answers.personal.respondentAge). They
// are compiled once, by Load. Publishing a campaign checks that every
// answer field an item reads is a field of a form it pays for
// (AnswerReads).
//
// # From lines to the ledger
//
// Lines(ev) returns, in item order, a payment for each item on ev.Kind
// whose payee holds the item's role and whose condition holds, and a
// withholding for each item withheld on ev.Kind. Each Line carries its
// ledger key "<record>/<payee>/<item>" (LedgerKey), the period, the rule
// text ("500 fen per record when answers.event_type == 'birth'") and the
// inputs the rule saw (event, count, qc when read, answers.<field> for the
// fields read), so finance can see why. The engine, for each line:
//
//  1. skips it when its Key is already in the ledger: an event retried, a
//     record approved again after a return, pays once;
//  2. for a withholding (Reverses set), looks up the entry at ReversedKey
//     and appends its negation with Reverses naming that entry; when there
//     is none, nothing was paid and nothing is written;
//  3. for a payment, sums what the payee has been paid under Line.Role in
//     Line.Period (withholdings included) and appends ApplyCap(line, sum).
//     A line capped to 0 is still written, keeping its key.
//
// Withholding needs pays: creator: a spot check knows who filled the
// record, not who acted on it earlier. An item paid on record.accepted
// should also say when: qc != "problem", so that a problem found before
// acceptance is never paid in the first place (there is nothing to reverse
// yet). Caps count in the table's period. An event before effective_from
// is ErrNotInEffect: the engine pays it from the table version in effect
// then.
//
// # Lint
//
// Load decodes strictly and reports every finding with its position
// (rules.Diagnostic, "file:line:col: code: message" and a caret); an
// expression error points inside the expression. Codes are stable:
//
//	yaml_syntax, wrong_type, unknown_key, missing_key, too_large
//	bad_id, bad_name, bad_value, bad_date, duplicate_key, conflicting_keys
//	unknown_event, unknown_role
//	bad_amount       an amount or cap that is negative, too large, or a decimal
//	                 ("amounts are integer fen: write 50 (0.5 yuan)")
//	bad_expression   a when or amount_expr that does not compile or has the wrong type
//	unused_cap       (warning) a cap on a role no item pays
//
// Load checks one file; whether an item's form belongs to the campaign that
// uses the table is checked by the engine at publish. Errors withhold the
// table (Load returns nil); warnings do not. A loaded *PayTable is
// immutable and safe for concurrent use.
package paytables
