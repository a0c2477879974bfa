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
// Text must be UTF-8. A query name or value, a JSON body or a POSTed form
// field holding other bytes answers 422 invalid with one field error of
// code invalid_utf8 (middleware_utf8.go): its pointer is the JSON pointer
// of the offending member ("/answers/personName"; a bad key is shown with
// U+FFFD) or /<name> for a query or form field. Nothing is decoded with
// replacement characters and stored. Files in a multipart upload and raw
// bodies (import chunks) are bytes, not text: a GB18030 CSV imports as
// before.
//
// server holds HTTP only: it calls the engine and never a database driver.
// Handlers are thin: the engine checks roles and org-unit scope, and
// answers not_found (404) for anything outside the caller's subtree.
//
// Every route under a campaign, /api/v1/campaigns/:id/… and the pages
// /campaigns/:id/…, passes one more check first (campaign_scope.go,
// middleware on the two prefixes): a campaign that is not published, or
// whose org scope neither contains the caller's unit nor lies inside the
// caller's subtree, answers 404 — the same body an unknown campaign
// gets — before its handler reads or writes anything. A test walks every
// such route in the router with users inside and outside the scope.
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
// GET /api/v1/openapi.json (public) describes every API route in OpenAPI
// 3.1; it is built from the router and the apiDocs table in openapi.go, and
// a test fails when a route has no entry there. The core routes:
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
//	GET  /admin/users/:user    one user: their ID number and mobile, masked; POST …/personal
//	                           sets them (with the user's version), POST …/reveal shows them in
//	                           full (finance and admins; audited as pii.reveal)
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
//
// # Records, review and the inbox
//
// A record is one submission travelling through its campaign's workflow.
// These routes read records and act on them; the engine scopes each one
// (a record outside the caller's subtree answers 404 and is never listed)
// and masks ID numbers, phones and names everywhere, history diffs
// included.
//
//	GET  /api/v1/records               ?campaign=&form=&state=a,b&org=CODE&updatedFrom=&updatedBefore=
//	                                   &overdue=1&after=&limit=(1–500)&total=1 → {records, next, total?}; keyset
//	                                   paged by ID, the next page is ?after=<next>; org narrows to that
//	                                   unit's subtree; items carry no history
//	GET  /api/v1/records/:id           the record with its history (actorName: display names) and the
//	                                   actions the caller can take now
//	POST /api/v1/records/:id/reveal    reviewer, supervisor, admin: the record with personal values in
//	                                   full; audited (pii.reveal)
//	POST /api/v1/records/:id/actions   {action, reason, version, answers, to} → 200 record;
//	                                   action: submit, approve, return, reject, claim, unclaim, reassign;
//	                                   version: the one the client saw (0: no check); answers: a
//	                                   resubmission's corrections; to: a reassign's user (ID or username).
//	                                   422 /reason for a return without a reason, 403 when the caller may
//	                                   not act on the task, 409 {error, current: {state, version}} when
//	                                   the version is stale or someone acted first
//	POST /api/v1/records/actions       {action, reason, items: [{id, version}]} → 200 {results: [{id, ok,
//	                                   code, message, state, version}], succeeded, failed}: approve,
//	                                   return, reject, claim or unclaim, each record on its own (a
//	                                   conflict reports the current state and version); at most 200
//	                                   items (413 above), 422 for a request wrong as a whole
//	GET  /api/v1/inbox                 ?campaign=&state=&overdue=1&org=CODE&after=&limit= → {records, next,
//	                                   total, overdue}: the open tasks the caller may act on; org narrows
//	                                   to tasks that sit in that unit's subtree
//
// Every transition is one conditional update of the record (see
// engine.Engine.Act): of two reviewers approving at once, one gets 200 and
// the other 409 naming the state the record is now in. Bad cursors, limits,
// dates and flags answer 422 with the parameter as the field pointer.
//
//	GET  /inbox                   the open tasks, mobile first: filters (campaign, state, overdue, org),
//	                              counts, paging, and for reviewers checkboxes with bulk approve and
//	                              bulk return (with a reason)
//	POST /inbox/actions           the bulk form (no JavaScript needed): the inbox again with a result
//	                              per record; 422 with nothing done for a return without a reason or no
//	                              record ticked
//	GET  /records/:id             answers with the form's labels (masked), the history newest first with
//	                              who (display name), when (China time), the reason and each
//	                              resubmission's field-by-field changes, reminders and escalations, and
//	                              a form per action the reader can take
//	POST /records/:id/actions     one action from the page → 303 back, or the page with the problem
//	                              (422 next to the reason, 409 naming the current state, 403)
//	POST /records/:id/reveal      the page with personal values in full, this once (audited)
//
// Timers (reminders, escalations, automatic actions) are fired by the
// engine's timer sweeper, which "canvass serve" starts (app.App.Start); pages show
// them from the record's history.
//
// # Definitions and forms
//
// Definitions (forms, workflows, pay tables, campaigns) are versioned
// files: saving starts or replaces the open draft, publishing freezes it
// for ever, and saving after that starts the next version. Each belongs
// to the org unit it was created in: authors and admins see those whose
// owner overlaps their subtree and change only those owned inside it (the
// definition-scope rule, engine/definition_scope.go; 404 beside, 403
// above).
//
//	PUT  /api/v1/definitions/:kind/:id                 the body is the file; ?filename= labels lint positions
//	                                                   (default <id>.<kind>.json|yaml) → 200 {definition:
//	                                                   {kind, id, version, status, checksum, …}, diagnostics:
//	                                                   [{file, line, col, code, path, message, severity,
//	                                                   snippet}]}; a draft may have errors
//	POST /api/v1/definitions/:kind/:id/versions/:v/publish
//	                                                   → 200 {definition}; 422 with the lint errors as fields
//	                                                   while any remain; 409 when already published
//	GET  /api/v1/definitions                           ?kind=&id=&status=draft|published → {definitions}
//	GET  /api/v1/definitions/:kind/:id/versions/:v     the version's metadata and source
//	POST /api/v1/definitions/form/:id/versions/:v/evaluate
//	                                                   the preview's live feedback (reference time: now)
//	GET  /api/v1/definitions/campaign/:id/check        the drafts a whole-campaign publish would publish,
//	                                                   in order, and every problem in the way
//	POST /api/v1/definitions/campaign/:id/publish      check, then publish them all, the campaign last;
//	                                                   422 with every problem; 409 when nothing is left
//
// The campaign studio (/studio) edits the same files as drafts: the
// list, new blank and copied campaigns, a campaign's 基本信息, 表单, 源文件
// and 检查并发布 tabs (studio_page.go), and the form designer
// (studio_form.go, studio_form_page.go), whose edits are operations of
// package engine/studio applied to the newest draft:
//
//	GET  /api/v1/studio/forms/:form                    the designer's state (outline, palette, the
//	                                                   selected field, base version and checksum)
//	POST /api/v1/studio/forms/:form                    one edit {op, base, campaign, …} → the new state; ops:
//	                                                   add, addOrg (levels: township, village…), update,
//	                                                   duplicate, move (parent, index), delete (force),
//	                                                   addSection, addRepeat; 422 with pointers (a delete
//	                                                   that the campaign's indicators, reports or pay items
//	                                                   read names them); 409 on a stale base — checked and
//	                                                   written in one step — with the current state
//	POST /api/v1/studio/forms/:form/expr-check         an expression's problems, with positions
//	GET  /api/v1/studio/functions                      the rules function table (rules.FunctionDocs)
//	POST /api/v1/studio/lint                           a definition's source linted as publishing would,
//	                                                   nothing stored (the 源文件 editor, studio_source_edit.go)
//
// The 劳务报酬 tab (studio_pay.go) is plain forms over the campaign's pay
// table (engine/studio's PayTableDoc), each post saving a draft based on
// the checksum the page showed (409 when stale, 422 with the problem next
// to its input), and a worked example from pay.Example:
//
//	GET  /studio/campaigns/:id/pay                     items in words, settings, caps, the worked example
//	                                                   (?records, levels, entered, qc_pass, qc_problem,
//	                                                   days, form: the sample; ?edit=item: its form)
//	POST /studio/campaigns/:id/pay/create              a first table with one item, bound to the campaign
//	POST /studio/campaigns/:id/pay/items[/:key]        add an item, or change one (amounts in yuan)
//	POST /studio/campaigns/:id/pay/items/:key/move     dir=up or down
//	POST /studio/campaigns/:id/pay/items/:key/delete   (the last item stays)
//	POST /studio/campaigns/:id/pay/settings            title, effective_from, period
//	POST /studio/campaigns/:id/pay/caps                cap_<role> in yuan; empty removes it
//
// Forms are filled in for a campaign. A campaign is visible to a user
// whose subtree contains the campaign's org scope or lies inside it; to
// anyone else it answers 404. Field workers and admins fill in forms (the
// roles engine.Submit takes); other roles get 403.
//
//	POST /api/v1/campaigns/:c/forms/:f/evaluate   {answers} → forms.State without the clean answers:
//	                                              {relevant, required, calculated, choices, errors,
//	                                              reasons}, keyed by JSON pointer; stores nothing;
//	                                              ?version= for an older published version
//	POST /api/v1/records                          {id, campaign, form, orgUnit, answers, draft} → 201
//	                                              {id, state, version, formVersion, replayed: false};
//	                                              the same id and body again → 200 replayed: true; the
//	                                              same id with other content → 409 conflict; invalid
//	                                              answers → 422 with every field error, nothing stored;
//	                                              a closed campaign → 409 closed; over the body limit
//	                                              → 413; bodies nesting deeper than 32 levels → 422
//
// Messages of the API follow ?lang=, then Accept-Language, then the
// user's own setting (zh-CN by default).
//
//	GET  /author                                     definitions with their status, the upload form
//	POST /author/definitions                         multipart kind, id, file (kind and ID default to the
//	                                                 file name's, household.form.json): the page with the
//	                                                 lint report, each finding at file:line:col with its
//	                                                 caret snippet, and a publish button when clean
//	POST /author/definitions/:kind/:id/versions/:v/publish
//	                                                 → 303 /author, or the page with the errors (422, 409)
//	GET  /author/forms/:id/versions/:v/preview       the form as a worker sees it, banner "preview",
//	                                                 nothing can be sent
//	GET  /campaigns/:c/forms/:f/new                  a blank form (mobile first, labels in the page's
//	                                                 language), with a fresh submission ID
//	POST /campaigns/:c/forms/:f/new                  _action=submit or draft → 303 to the receipt, or the
//	                                                 form again (422) with the answers kept and every
//	                                                 error beside its field; check, add:<group> and
//	                                                 remove:<row> re-render without storing anything
//	GET  /records/:id/receipt                        record ID and state; a draft links to its resumption
//	GET  /records/:id/edit, POST                     resume a draft (or correct a record returned to the
//	                                                 caller) and submit it
//
// A form field's HTML name is the path of its answer with dots:
// "address.village" for a field of a section, "children.0.childName" for
// row 0 of a repeat group. decodeFormValues turns a post into the answers
// a JSON client would send, typed by the form (integer and number fields
// numbers, yes/no booleans, checkboxes lists); text that does not parse
// is kept, so its error shows beside the field. ui/static/form.js posts
// the same answers to the evaluate endpoint as a person types (300 ms
// after the last key) and shows the state; without it every question
// shows and the server does all the checking, so the page works without
// JavaScript.
//
// Personal values of a resumed record show masked, as the engine returns
// them to field workers. A masked value posted back would store the mask
// in place of the real name, so the server refuses any personal answer
// that still holds a mask's '*' and asks for it to be typed again in full
// (422, beside the field). Once the engine keeps a stored value whose
// masked form comes back unchanged, that refusal can go. Saving a resumed
// draft again without submitting it needs an engine call that does not
// exist yet, so only new forms offer "save draft".
package server
