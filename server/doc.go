// Package server is Canvass's HTTP edge: a Fiber v3 app that serves the JSON
// API under /api/v1, the HTML pages, the health probes /healthz and
// /readyz, and the middleware every response passes through: request IDs,
// a structured access log, panic recovery, security headers and a
// body-size limit.
//
// Handlers return errors; one error handler turns them into JSON of the form
//
//	{"error": {"code": "invalid", "message": "…", "fields": [{"pointer": "/age", "code": "…", "message": "…"}]}}
//
// with the HTTP status taken from one table (statusByCode in errors.go).
// Internal errors are logged with the request ID and shown to the client
// only as "internal error". Pages show the same errors as an HTML page in
// the visitor's language, with the same status.
//
// server holds HTTP only: it calls the engine and never a database driver.
// Handlers are thin: the engine checks roles and org-unit scope, and
// answers not_found (404) for anything outside the caller's subtree.
//
// # Signing in
//
// A browser signs in with POST /login (the form) or POST /api/v1/login
// (JSON) and gets the HttpOnly, SameSite=Lax cookie canvass_session
// (Secure over TLS, or always with Config.SecureCookies). Every request
// that changes state with that cookie must send the session's CSRF token
// back, in the X-CSRF-Token header or the _csrf form field; the sign-in
// form, posted before there is a session, carries a double-submit token
// (the canvass_login cookie echoed in _csrf) instead. Scripts use API
// tokens, "Authorization: Bearer <token>", which need no CSRF token. A
// failed sign-in answers 401 unauthorized, a locked account or a busy
// address 429 rate_limited. Every /api/v1 route below but login needs a
// signed-in caller (401 otherwise); pages send a signed-out visitor to
// /login?next=<the page>, and next must be a path on this site.
//
// # API routes
//
//	GET  /api/v1/version                  the server version (public)
//	POST /api/v1/login                    {username, password} → {user, csrfToken, expiresAt} + cookie (public)
//	POST /api/v1/logout                   ends the cookie's session, or revokes the Bearer token → 204
//	GET  /api/v1/me                       {user, csrfToken (cookie sessions only), expiresAt}
//	POST /api/v1/tokens                   {name} → 201 {token, name, expiresAt}; the token is shown once
//	GET  /api/v1/orgunits[?root=CODE]     {orgUnits: [...]} the caller's subtree (or root's), parents first
//	GET  /api/v1/orgunits/:code           one org unit
//	POST /api/v1/orgunits/import          admin; multipart field "file", CSV (UTF-8/GB18030) or XLSX;
//	                                      200 {imported} or 422 {error, rows: [{row, column, code, message}]}, all or nothing
//	GET  /api/v1/users[?org=CODE][&role=] admin; {users: [...]}
//	POST /api/v1/users                    admin; {username, displayName, password, roles, orgUnit, locale} → 201 user
//	GET  /api/v1/audit                    admin; ?actor=(ID or username)&action=&object=&from=&before=&after=&limit=;
//	                                      {events: [...], next}, newest first; the next page is ?after=<next>
//
// A user never appears with its password hash. Times are RFC 3339 in UTC;
// from and before also take a date, read as China time.
//
// # Pages
//
//	GET  /login, POST /login   sign in
//	POST /logout               sign out
//	GET  /                     who am I, and links by role
//	GET  /admin/users          users in scope, and the form to add one (POST /admin/users)
//	GET  /admin/orgunits       the tree (?root=CODE), and the import form (POST /admin/orgunits/import)
//	GET  /admin/audit          the audit log, filtered and paged
//	GET  /static/:name         CSS and JS from package ui; cached for a year when asked for by
//	                           the versioned address the pages use (?v=<content hash>)
//
// Pages are html/template files from package ui, in zh-CN unless ?lang=en
// (remembered in a cookie), the user's locale or the browser's
// Accept-Language asks for English. They have no inline script or style,
// so the Content-Security-Policy forbids both, and they are sent with
// Cache-Control: no-store.
package server
