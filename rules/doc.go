// Package rules compiles and runs the expressions authors write in
// definitions (validation, skip logic, routing, deadlines, payments,
// indicators) with expr-lang/expr: each expression is compiled once, at load
// time, against a typed environment for its kind and an expected result
// type, with limits on size and memory, and runs with panics recovered.
//
// It is a leaf package: forms, workflows and the engine import it; it
// imports none of them. It also holds Diagnostic, the positioned lint
// finding every definition loader reports, and the checks of Chinese
// resident ID numbers, mobile numbers and administrative division codes.
//
// # Compiling and running
//
//	env := rules.NewEnv(rules.KindForm).Var("birthDate", time.Time{})
//	p, err := rules.Compile(`age(birthDate, refTime) >= 18`, env, rules.ResultBool)
//	// err is a *CompileError with Line, Col and a stable Code
//	ok, err := p.RunBool(map[string]any{"birthDate": b, "refTime": ref})
//
// Compile reports, as a *CompileError: "syntax"; "unknown_identifier" (a
// name neither declared nor a function, with Ident set);
// "unknown_function" (a call of a name that is no function, with Ident set
// and Suggest the nearest function within two edits: "no function named
// addMonth; did you mean addMonths?"); "type_mismatch"
// (an operator or function given the wrong types); "wrong_result" (the
// expression's type is not the Result wanted); "too_complex" (more than
// MaxNodes nodes or MaxSourceBytes bytes). Values of unknown type, such as
// answers.x read from a map, pass the checker and are checked when the
// expression runs: a function given the wrong type then fails with an
// error, as does a result of the wrong type.
//
// Run converts variables to their declared types where nothing is lost
// (3.0 from JSON for an int, "2026-03-01" for a time.Time) and refuses
// other mismatches. A missing or nil variable is nil: expressions test it
// (x != nil && x > 3, or (x ?? 0) > 3). Programs are safe for concurrent
// use; Identifiers lists the variables one reads.
//
// # Built-in variables
//
// Each kind declares these variables; callers declare the rest with
// Env.Var and pass all values to Run.
//
//	form       refTime time.Time                the campaign reference time
//	           submittedAt time.Time            when the answers are submitted; for
//	                                            live feedback, when they are checked
//	routing    answers map[string]any           the record's answers
//	           state string                     the record's workflow state
//	           orgLevel string                  level of the org unit holding it
//	                                            ("province" … "village", "group")
//	           submittedAt, refTime time.Time
//	deadline   submittedAt, createdAt, refTime time.Time
//	           answers map[string]any
//	pay        count int                        units of work being paid
//	           role, item string                who did it; the pay-table item
//	           qc string                        quality check: "", "pass" or "problem"
//	           answers map[string]any
//	indicator  none
//	budget     none
//
// # Time
//
// Times go in and come out in UTC. Calendar logic (days, months, quarters,
// ages) runs in China's time, UTC+8 all year: China has not observed
// daylight saving since 1991, so the fixed zone Shanghai is exact. A date
// in an expression is the instant its day starts in China, held in UTC:
// date("2027-01-15") is 2027-01-14T16:00:00Z. Functions taking a date
// accept a time.Time, a "2006-01-02" string or an RFC 3339 string.
//
// There is no now(): expressions see the campaign reference time refTime
// (or the record's timestamps) and so give the same result whenever they
// run. timezone() is disabled for the same reason.
//
// # Functions
//
// The same library is available in every kind, on top of expr's built-ins
// (len, map, filter, all, any, count, sum, reduce, upper, split, …):
//
//	age(idOrDate, at) int       completed years at at's day; idOrDate is a resident
//	                            ID, a date string or a time. It goes up on the
//	                            birthday (29 February: on 1 March in common years).
//	idBirthDate(id) time        start of the birth day
//	idSex(id) string            "male" or "female"
//	validID(id[, at]) bool      id is a valid resident ID (born no later than at)
//	validMobile(s) bool         11 digits starting 13–19
//	validAdminCode(s) bool      6 digits starting with a province code
//	date(s) time                parses "2006-01-02" (or RFC 3339)
//	daysBetween(a, b) int       calendar days from a to b (b − a)
//	addDays(t, n) time          t plus n days
//	days(n), hours(n) duration  n × 24h, n × 1h
//	quarterOf(t) int            1–4
//	quarterEnd(t) time          the instant t's quarter ends (00:00 of the next
//	                            quarter's first day): quarterEnd(submittedAt) + days(15)
//	                            is the end of the 15th day after the quarter, e.g.
//	                            2027-01-16 00:00 +08 for Q4 — on time all of 15 January
//	monthEnd(t) time            the instant t's month ends (00:00 of the next month)
//	addMonths(t, n) time        t plus n calendar months (n may be negative), the day
//	                            clamped to the month's last: 2026-01-31 + 1 = 2026-02-28
//	addYears(t, n) time         addMonths(t, 12 × n): 2024-02-29 + 1 year = 2025-02-28
//	monthsBetween(a, b) int     whole calendar months from a to b, counted as age counts
//	                            years: 2026-01-31 to 2026-02-28 is 0, to 2026-03-01 is 1;
//	                            negative when b is before a
//	roundHalfUp(x, places)      x rounded half away from zero: 2.5 → 3, −2.5 → −3
//	fen(yuan) int               yuan to integer fen, rounded half up: fen(0.5) = 50
//	yuan(fen) float             fen to yuan
//
// FunctionDocs returns the same list as data — a Chinese and an English
// description, the signature and a runnable example with its result for
// each function — for the docs and the studio's palette; tests keep it,
// this list and the library in step.
//
// roundHalfUp and fen round the decimal a number prints as, not its binary
// value: fen(1.005) is 101 although the float64 nearest 1.005 is a little
// below it.
//
// repeat, replace, join and uniq are replaced by versions that charge the
// string and step budgets; now, timezone, toJSON, toBase64 and fromBase64
// are disabled. Names starting with "$" ($env included) are refused, so
// Identifiers lists every variable an expression reads.
//
// # Limits
//
// Compile refuses expressions over MaxNodes nodes or MaxSourceBytes bytes.
// A run is limited to MemoryBudget (expr's count of allocated elements),
// MaxSteps predicate iterations and deep-comparison visits, MaxStringBytes
// of built strings, lists nested MaxNesting deep, and MaxRunTime; going
// over any is an error from Run, never a crash. To make this hold, Compile
// rewrites the checked tree (see guard.go) so that loops, string
// concatenation and deep comparisons pay into a per-run account.
//
// # Lint codes and their messages
//
// Every code a linter reports is a Code… constant declared once, with a
// Chinese and an English message template, in the code table of
// lint_codes.go; LintCodes lists them. A Diagnostic keeps the linter's own
// English Message (for the CLI and the API) and carries in Args what its
// code's message names (a value as written, a limit, a suggestion, a
// field's label or a state's title, in each language where they differ);
// Text(lang) renders the sentence that says what is wrong and what to
// do:
//
//	没有角色「reviwer」。您是不是要写「reviewer」？请从已有角色中选择。
//
// Loaders add the arguments through the Finding their Errorf returns. A
// CompileError renders the same way (Text), so an unknown function reads
// 没有函数「addMonth」，您是不是要用「addMonths」？ in the form designer and
// on the check page alike. Tests walk the table (both languages, the same
// arguments) and parse the linters' source, so a code without messages
// cannot be emitted.
package rules
