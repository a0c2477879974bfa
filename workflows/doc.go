// Package workflows loads, lints and runs workflow definitions: the states a
// record moves through, who acts in each, the actions that move it, and the
// deadlines, reminders and escalations that keep it moving.
//
// It is pure: no I/O, no store, no clock. The engine passes in the record's
// state and answers and the time, and copies the Outcome onto the record in
// one conditional update (a record is its own workflow instance).
//
// # The file
//
// A workflow is one YAML document. A full example, the subsidy review:
//
//	id: subsidy-review                       # lower-case letters, digits, dashes
//	title: {zh: 奖励扶助审核, en: Subsidy review}  # or a plain string (Chinese)
//	start: township_review                   # the state a submitted record enters
//	states:
//	  township_review:
//	    title: {zh: 乡镇审核, en: Township review}
//	    step: {role: reviewer, level: township}  # who acts; role may be a list
//	    due: P3D                                # ISO 8601 duration from entering, or an expression
//	    remind: {every: P1D, times: 3}          # when overdue: remind, up to 3 times, a day apart
//	    escalate: {to: level_above}             # then hand the task up (or widen: [supervisor])
//	    actions:
//	      approve:
//	        routes:                             # tried in order; the first match wins
//	          - {when: "answers.amount < 1000", to: approved}
//	          - {to: district_review}           # no when: the default
//	      return: {to: returned}                # a reason is always required
//	      reject:
//	        to: rejected
//	        reason: required                    # required or optional (the default)
//	        guard: "answers.eligibilityChecked == true"
//	        guard_message: {zh: 请先完成资格核查, en: Check eligibility first}
//	  district_review:
//	    title: {zh: 区县审核, en: District review}   # required: pages show it, never the ID
//	    step: {role: reviewer, level: district}
//	    due: P3D
//	    actions:
//	      approve: approved                     # shorthand for {to: approved}
//	      return: {to: returned}
//	  returned:
//	    title: {zh: 退回修改, en: Returned for correction}
//	    step: {role: field_worker, level: village}
//	    actions:
//	      submit: township_review
//	  approved: {title: {zh: 已通过, en: Approved}, final: true}
//	  rejected: {title: {zh: 未通过, en: Rejected}, final: true}
//
// A quarterly report that is due on the 15th after the quarter, and a survey
// that is accepted unless a spot check within seven days finds a problem:
//
//	due: quarterEnd(submittedAt) + days(15)
//	escalate: {to: level_above, after: P3D}   # at the due time + 3 days
//
//	due: P7D
//	auto: approve                             # the system approves at the due time
//
// A state where a campaign's schedule opens follow-up tasks (a quarterly
// check of each registered child) says so; it is then reachable without
// start, and must have a step:
//
//	check_due:
//	  scheduled: true
//	  step: {role: field_worker, level: village}
//	  due: P30D                               # from the schedule's firing
//	  actions:
//	    submit: checked
//
// # Meaning
//
// Step: a holder of one of the roles in the record's ancestor at the
// level may act — the township's reviewers for a township step; a
// reviewer of the district above reads the record but cannot take the
// township's step, which reaches the district only by escalation (the
// engine checks the org unit; this package checks the roles). Roles and
// levels are the engine's (Roles, Levels).
//
// Actions: submit, approve, return, reject; each names its target state or
// routes. Claim, unclaim and reassign are offered on every step by the engine
// and do not change the state, so a workflow does not list them. A guard is a
// boolean expression; when it is false the action is refused (CodeInvalid,
// guard_failed, with guard_message when given): a guard speaks about the
// record's content, not about who acts.
//
// Expressions (rules package): guards and routes are compiled as
// rules.KindRouting (answers, state, orgLevel, submittedAt, refTime) and must
// return a bool; due is rules.KindDeadline (answers, submittedAt, createdAt,
// refTime, plus enteredAt: when the record enters the state) and must return
// a time. A due that starts with P and a digit or T is an ISO 8601 duration:
// P[nY][nM][nW][nD][T[nH][nM][nS]], whole numbers, added on China's calendar
// (a month from 31 January is the end of February).
//
// Timers: a record has one timer (Record.NextTimerAt and TimerKind). With
// remind, the first reminder fires at the due time, then one every `every`
// until `times` were sent; the escalation fires `every` after the last
// reminder, or at the due time + escalate.after when that is set. Escalation
// happens once per state: to: level_above moves the task to the level above
// the step's, widen adds roles to its candidates; the reminders then start
// again for the new candidates. auto takes an action as the system at the due
// time and excludes remind and escalate. See OnTimer.
//
// # Lint
//
// Load decodes strictly and reports every finding with its position
// (rules.Diagnostic, "file:line:col: code: message" and a caret); an
// expression error points inside the expression. It walks goccy/go-yaml's
// syntax tree rather than using its strict decoder, which stops at the first
// unknown key. Codes are stable:
//
//	yaml_syntax, wrong_type, unknown_key, missing_key, too_large
//	bad_id, bad_name, bad_value, conflicting_keys
//	unknown_state, unknown_role, unknown_level, unknown_action
//	no_actor          a non-final state without a step, or a step naming no role
//	no_actions        a non-final state with no way out
//	final_with_task   a final state with a step, actions, due or timers
//	missing_due       remind, escalate or auto without due
//	no_level_above    escalate to level_above from the top level
//	bad_expression, bad_duration
//	no_final_state    no state is final
//	dead_end          no final state can be reached from the state
//	unreachable_state (warning) the state cannot be reached from start
//	missing_default_route (warning) every route has a when
//	unreachable_route (warning) a route after the default
//
// Errors withhold the workflow (Load returns nil); warnings do not. A loaded
// *Workflow is immutable and safe for concurrent use; every expression in it
// was compiled once, by Load.
package workflows
