// Package engine holds Canvass's domain: records (each its own workflow
// instance), definitions, org units and users, the audit log, and the Store
// interface the engine needs from a database. Capabilities built on it live
// in its subpackages (pay: the payment ledger).
//
// engine imports neither HTTP nor a database driver. The server package
// calls it; store/sqlite and store/mongo implement Store; store/storetest is
// the contract every Store passes.
//
// Every failure the engine reports is an *Error with a stable snake_case
// Code (ENOTFOUND, ECONFLICT, EINVALID, …). Interface methods say which
// codes they return.
package engine
