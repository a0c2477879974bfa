// Package rules compiles and runs the expressions authors write in
// definitions (validation, skip logic, routing, deadlines, payments,
// indicators) with expr-lang/expr: each expression is compiled once, at load
// time, against a typed environment for its kind and an expected result
// type, with limits on size and memory, and runs with panics recovered.
//
// It is a leaf package: forms, workflows and the engine import it; it
// imports none of them. It also holds Diagnostic, the positioned lint
// finding every definition loader reports.
package rules
