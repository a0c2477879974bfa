// Package demo seeds an empty store with everything a newcomer needs to
// click through Canvass at once: the example campaigns of the
// examples package (drafted and published by a demo author), a fictional
// district — 清河区 Qinghe District, code 341299, with three townships of
// four villages each under a sample province and city — one user for
// every role with a fixed, printed password, and sample records in every
// state of every campaign's workflow, including drafts, returned and
// rejected records, spot checks and the ledger entries they earn.
//
// Everything goes through the engine's services (ImportOrgUnits,
// CreateUser, SaveDraft, Publish, Submit, Act, SampleQC, RecordQCOutcome,
// MarkEntered, RecordAttendance, and the follow-up service's RunFiring
// for a campaign's schedule), never through raw store writes, so the
// seeded data is exactly what real use would leave: audit events,
// sealed personal data, notifications and pay.
//
// Seed writes nothing to a store that already holds users, org units or
// definitions: running `canvass serve --demo` again on the same database
// keeps what is there.
//
// The sample records are planned, not listed by hand: for each campaign,
// the planner walks the campaign's workflow with workflows.Apply, from
// its start state, over every action, for each of the form's sample
// answer sets, and finds the shortest path of actions that reaches each
// state. The seeder then lives through each path with the demo user whose
// role and org unit the workflow's step asks for. A campaign with a
// schedule (the quarterly immunization check) gets a few subjects
// registered before the schedule's latest firings, which are then run, so
// its village workers have check tasks and the dashboard overdue ones
// (seed_followups.go).
package demo
