// Package engine is Canvass's core: records (each its own workflow
// instance) and their workflow actions, timers and notifications;
// definitions and campaigns; the directory (org units, users, sessions and
// API tokens); scope checks and personal data; the audit log; the Store
// interface the core needs from a database; and the one Error type.
//
// The capabilities built on the core live in packages of their own, each
// owning its types, services, store sub-interface and tests: engine/pay,
// engine/indicators, engine/registry and engine/worklist. Package app
// assembles them.
//
// After every durable record write the engine runs its RecordFollowers —
// the duplicate worklist, indicator counters, the pay ledger — from one
// list, so no write site names them; each is idempotent and repaired by
// its catch-up pass. Long-running work shares one lifecycle, Background
// (Start/Stop), mostly as a Loop of leased passes.
//
// engine imports neither HTTP nor a database driver. The server package
// calls it; store/sqlite and store/mongo implement Store; store/storetest is
// the contract every Store passes.
//
// Every failure the engine reports is an *Error with a stable snake_case
// Code (ENOTFOUND, ECONFLICT, EINVALID, …). Interface methods say which
// codes they return.
package engine
