// Package campaigns loads and lints campaign definitions: which forms a
// campaign collects, the workflow its records follow, the pay table that
// pays for the work, the org-unit subtree it covers, its reference time and
// dates, spot-check sampling, periodic tasks and budget.
//
// It is pure: no I/O, no store, no clock. The engine loads a campaign when
// it is published and asks it questions (is it open now? when does the
// quarterly report task fire next? what does the budget come to with 190
// sign-ups?).
//
// # The file
//
// A campaign is one YAML document. A full example, the census-trainer
// sign-up:
//
//	id: census-trainers-2026                  # lower-case letters, digits, dashes
//	title: {zh: 人口普查培训报名, en: Census trainer sign-up}   # or a plain string (Chinese)
//	forms: [trainer-signup, quarterly-report] # form ids bound to the campaign, at least one
//	workflow: signup-review                   # the workflow id records follow
//	paytable: census-pay                      # optional pay table id
//	org_scope: "370102"                       # org-unit code whose subtree it covers (quote it)
//	reference_time: 2026-12-06T00:00:00+08:00 # "as of 6 December 00:00"; a date means its 00:00 in China
//	opens: 2026-11-20                         # submissions from opens 00:00 ...
//	closes: 2026-12-20                        # ... to the end of closes, China time
//	period: month                             # reports count by month or quarter (default month)
//	qc: {share: 0.05, min: 1, period: month}  # spot checks: 5 % of each worker's records, at least 1
//	schedule:                                 # follow-up tasks: five-field cron on China's clock
//	  - {name: quarterly-report, cron: "0 9 1 1,4,7,10 *", form: quarterly-report, for: trainer-signup, state: review}
//	budget:
//	  inputs: {planned: 200, days: 2}         # whole-number constants
//	  counts:                                 # numbers the engine counts from records
//	    signups: {form: trainer-signup, states: [accepted]}
//	  labels: {planned: {zh: 计划人数}, signups: {zh: 报名人数}}   # optional: how people read the names
//	  lines:                                  # amounts in integer fen
//	    - {key: materials, label: {zh: 资料费, en: Materials}, amount: "fen(5) * planned"}
//	    - {key: lunch, label: {zh: 午餐, en: Lunch}, amount: "fen(10) * days * signups"}
//	    - {key: water, label: {zh: 饮用水, en: Water}, amount: "fen(1) * planned * days * 2"}
//	    - {key: banner, label: {zh: 横幅, en: Banner}, amount: "fen(100)"}
//	phases:                                   # optional: dated stages, each opening its own work
//	  - {key: prepare, name: {zh: 报名准备}, from: 2026-11-20, to: 2026-11-24}
//	  - {key: signup, name: {zh: 报名}, from: 2026-11-25, to: 2026-12-20,
//	     forms: [trainer-signup], actions: [review]}
//
// With 190 accepted sign-ups the budget comes to 570000 fen, 5,700.00 yuan:
// materials 100000, lunch 380000, water 80000, banner 10000.
//
// # Meaning
//
// Dates are calendar days in China (Asia/Shanghai, UTC+8 all year). Opens and
// Closes return UTC instants: Closes is 00:00 of the day after closes, so
// OpenAt(t) is true from the first instant of opens to the last of closes.
// Either may be left out: no start, or no end.
//
// qc samples, per worker and period, max(min, ⌈share × n⌉) of the worker's
// n records, never more than n (QC.SampleSize). Its period defaults to the
// campaign's.
//
// schedule: each entry fires on a standard five-field cron spec (minute
// hour day-of-month month day-of-week, robfig/cron/v3) evaluated on China's
// clock; a time-zone prefix or a descriptor (@daily) is refused, as is a spec
// that never fires. ScheduleEntry.Next gives the next firing in UTC. At a
// firing, every record of the for form submitted before it (in one of
// states, when given; never a draft) gets one follow-up record of form,
// created in the workflow state state, whose open task and due time are
// that state's: a follow-up task for the unit that holds the record. link
// names the follow-up field that receives the subject record's ID; copy
// fills follow-up fields from the subject's answers ({childName:
// child.name}). form, for and state are required (an entry that would do
// nothing is refused); form and for must be the campaign's forms; whether
// state, link and copy exist in the workflow and forms is checked at
// publish. The engine runs each firing once across any number of server
// processes (engine/followup).
//
// phases (campaign_phases.go): each phase runs from its from day to its to
// day, inclusive, and opens the forms it lists (filling them in) and its
// actions: PhaseReview, PhaseReconcile, PhaseEnter. A day in no phase opens
// nothing; a campaign without phases opens everything while OpenAt.
// Campaign.PhaseOpen says whether something is open at an instant, with the
// current phase and the next that opens it, for the message the engine
// gives (engine.PhaseOpen).
//
// budget: inputs and counts are whole numbers the line expressions read as
// int variables (rules.KindBudget); each amount must produce an int, in fen
// (fen(5) is 500). A bare whole number is an amount in fen; a decimal is
// refused. Counts say what the engine counts: records of form, of the
// campaign, in one of states (any state when none is given). An input or
// count named like a library function (days) hides that function in budget
// expressions; keywords and expr built-ins are refused. labels, optional,
// give inputs and counts the names people read (Budget.Labels); each names
// an input or a count. Budget.Compute runs
// the lines with the counts and returns each amount with the rule and the
// values it read.
//
// # Lint
//
// Load decodes strictly and reports every finding with its position
// (rules.Diagnostic, "file:line:col: code: message" and a caret); an
// expression error points inside the expression. Codes are stable:
//
//	yaml_syntax, wrong_type, unknown_key, missing_key, too_large
//	bad_id, bad_name, bad_value, duplicate_key
//	bad_date        not a date or time, or closes before opens
//	bad_cron        a spec robfig/cron refuses, with a time zone, or that never fires
//	unknown_form    a schedule task, count or phase names a form the campaign does not bind
//	phase_overlap   a phase starts before the one above it ends (phases are in date order)
//	phase_gap       warning: days between two phases that no phase covers
//	phase_outside   warning: a phase day before opens or after closes
//	unknown_phase_action  a phase action other than review, reconcile or enter
//	bad_expression  a budget amount that does not compile, names an unknown
//	                input or count, or does not produce an int
//	bad_amount      a budget amount written as a decimal or a negative number
//
// Load checks one file. Whether the forms, workflow and pay table it names
// exist, whether counted states are states of the workflow, and whether the
// pay table's period matches are checked by the engine at publish, where
// all definitions are known. Errors withhold the campaign (Load returns
// nil); warnings do not. A loaded *Campaign is immutable and safe for
// concurrent use.
package campaigns
