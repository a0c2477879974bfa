// Package server is Canvass's HTTP edge: a Fiber v3 app that serves the JSON
// API under /api/v1 (and, in later issues, the HTML pages), the health
// probes /healthz and /readyz, and the middleware every response passes
// through: request IDs, a structured access log, panic recovery, security
// headers and a body-size limit.
//
// Handlers return errors; one error handler turns them into JSON of the form
//
//	{"error": {"code": "invalid", "message": "…", "fields": [{"pointer": "/age", "code": "…", "message": "…"}]}}
//
// with the HTTP status taken from one table (statusByCode in errors.go).
// Internal errors are logged with the request ID and shown to the client
// only as "internal error".
//
// server holds HTTP only: it calls the engine and never a database driver.
package server
