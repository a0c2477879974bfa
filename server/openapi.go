package server

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// apiDoc documents one JSON API route for /api/v1/openapi.json. The paths,
// methods and path parameters come from the router itself, so the document
// cannot list a route that does not exist; TestOpenAPICoversEveryRoute
// fails when a route has no apiDoc or an apiDoc has no route.
type apiDoc struct {
	summary string
	query   []string // query parameters, all optional strings
	body    string   // request body: "" none, "json", "multipart" (field "file"), "file" (the raw file)
	ok      int      // success status; 0 means 200
	types   []string // success media types; nil means application/json
	public  bool     // answers without a session or token
}

const mimeCSV = "text/csv"

// apiDocs is keyed by "METHOD /path" with the path as the router has it,
// below /api/v1.
var apiDocs = map[string]apiDoc{
	"GET /version":      {summary: "The server's version.", public: true},
	"GET /openapi.json": {summary: "This document.", public: true},

	"POST /login":  {summary: "Sign in with a user name and password; sets the session cookie.", body: "json", public: true},
	"POST /logout": {summary: "End the caller's session or revoke the API token the request was made with."},
	"GET /me":      {summary: "Who the caller is, with the CSRF token of a browser session."},
	"POST /tokens": {summary: "Make an API token for the caller's scripts; the secret is in this answer only.", body: "json", ok: http.StatusCreated},

	"GET /orgunits":                {summary: "The org units in the caller's scope, each after its parent.", query: []string{"root"}},
	"POST /orgunits/import":        {summary: "Import org units from CSV or XLSX, all or nothing, with a per-row report.", body: "multipart"},
	"GET /orgunits/{code}":         {summary: "One org unit."},
	"GET /users":                   {summary: "The users in the caller's scope.", query: []string{"org", "role"}},
	"POST /users":                  {summary: "Create a user (admins).", body: "json", ok: http.StatusCreated},
	"GET /audit":                   {summary: "One page of audit events in the caller's scope, newest first (admins).", query: []string{"actor", "action", "object", "from", "before", "after", "limit"}},
	"GET /definitions":             {summary: "Every definition version, without sources.", query: []string{"kind", "id", "status"}},
	"PUT /definitions/{kind}/{id}": {summary: "Store the body as the open draft of a definition, with every lint finding. A form may be sent as an XLSForm workbook (the XLSX media type); its errors come back as fields named by sheet and cell (each message by row and label), and nothing is saved; a workbook that imports with warnings is saved and the answer lists them as workbookWarnings (sheet, cell, row, label, code, message).", query: []string{"filename"}, body: "file"},
	"GET /definitions/{kind}/{id}/versions/{version}":          {summary: "One definition version with its source."},
	"GET /definitions/form/{id}/versions/{version}/xlsx":       {summary: "A form version as an XLSForm workbook (docs/xlsform.md).", types: []string{mimeXLSX}},
	"GET /xlsform/template":                                    {summary: "The XLSForm template workbook: Chinese headers, example rows and an instructions sheet.", types: []string{mimeXLSX}},
	"POST /definitions/{kind}/{id}/versions/{version}/publish": {summary: "Publish a draft; 422 with the lint errors while any remain."},
	"GET /definitions/campaign/{id}/check":                     {summary: "Check a whole campaign: the drafts of its forms, workflow, pay table and itself that a publish would publish, in order, and every problem in the way."},
	"POST /definitions/campaign/{id}/publish":                  {summary: "Check and publish a whole campaign: its drafts in order, the campaign last; 422 with every problem while any remain, 409 when nothing is left to publish."},
	"POST /definitions/form/{id}/versions/{version}/evaluate":  {summary: "Evaluate answers against a form version being previewed (draft or published).", body: "json"},

	"GET /studio/functions":                {summary: "The rules functions with Chinese and English descriptions and worked examples, for the designer's palette."},
	"GET /studio/forms/{form}":             {summary: "The form designer's state of a form's newest version: outline, palette, the selected field's spec (?field=pointer) and the base version and checksum.", query: []string{"field", "lang"}},
	"POST /studio/forms/{form}":            {summary: "Apply one designer operation (add, addOrg, update, duplicate, move, delete, addSection, addRepeat) and save the draft; 422 with problems by pointer, 409 with the current state when the base is stale.", body: "json"},
	"POST /studio/forms/{form}/expr-check": {summary: "Check an expression (relevant, constraint or calculate) against the form: problems with positions in the caller's language.", body: "json"},
	"POST /studio/lint":                    {summary: "Lint a definition's source (kind, id, filename, source) as publishing would, storing nothing: findings with line, column, severity and the caller's language; 413 over the size limit.", body: "json"},

	"POST /campaigns/{campaign}/forms/{form}/evaluate": {summary: "Evaluate answers: relevance, required fields, calculated values and errors. Stores nothing.", query: []string{"version"}, body: "json"},
	"GET /offline/bundle":                              {summary: "What a field worker's phone keeps for offline capture: the published forms of their open campaigns with sources, the pages to keep, the session's CSRF token and the offline messages (field workers)."},
	"GET /offline/key":                                 {summary: "The key that unwraps the record key of one phone (query device: the phone's UUID), bound to the signed-in user and that device; never cached (field workers).", query: []string{"device"}},

	"POST /records": {summary: "Submit a record (or save a draft); idempotent on the client's record ID.", body: "json", ok: http.StatusCreated},

	"GET /records":               {summary: "One keyset page of the records in scope, masked.", query: []string{"campaign", "form", "state", "org", "updatedFrom", "updatedBefore", "overdue", "after", "limit", "total"}},
	"POST /records/actions":      {summary: "Apply one action to many records, with a result per record.", body: "json"},
	"GET /records/{id}":          {summary: "One record, masked, with its history and the actions the caller can take."},
	"POST /records/{id}/reveal":  {summary: "The record with its personal values in full (audited; reviewers, supervisors, admins).", body: "json"},
	"POST /records/{id}/actions": {summary: "Apply one workflow action (submit, approve, return, reject, claim, unclaim, reassign, save_draft).", body: "json"},
	"GET /inbox":                 {summary: "The caller's open tasks, masked, keyset-paged, with counts.", query: []string{"campaign", "form", "state", "org", "updatedFrom", "updatedBefore", "overdue", "after", "limit", "total"}},

	"GET /campaigns/{id}/payments":                 {summary: "The payment table: each worker's amounts per period.", query: []string{"period", "org", "worker"}},
	"GET /campaigns/{id}/payments/entries":         {summary: "One page of the ledger entries behind an amount, each with its rule and inputs.", query: []string{"period", "org", "worker", "item", "after", "limit"}},
	"GET /campaigns/{id}/payments.xlsx":            {summary: "The payment table as XLSX.", query: []string{"period", "org", "worker"}, types: []string{mimeXLSX}},
	"GET /campaigns/{id}/payments.csv":             {summary: "The payment table as CSV.", query: []string{"period", "org", "worker"}, types: []string{mimeCSV}},
	"GET /campaigns/{id}/periods":                  {summary: "The campaign's locked pay periods."},
	"POST /campaigns/{id}/periods/{period}/lock":   {summary: "Lock a pay period, with an optional reason: later entries land in the next open period.", body: "json"},
	"POST /campaigns/{id}/periods/{period}/unlock": {summary: "Open a locked pay period again, with a reason (audited).", body: "json", ok: http.StatusNoContent},
	"GET /campaigns/{id}/payroll.xlsx":             {summary: "The 劳务报酬发放表: one line per person and item, numeric money cells, totals.", query: []string{"period", "org", "worker"}, types: []string{mimeXLSX}},
	"GET /campaigns/{id}/budget":                   {summary: "The campaign's budget computed from its records."},
	"POST /campaigns/{id}/attendance":              {summary: "Record a supervisor's day on site (paid once).", body: "json"},
	"POST /campaigns/{id}/qc/sample":               {summary: "Draw the spot-check sample of a period from a recorded seed.", body: "json"},
	"POST /records/{id}/qc":                        {summary: "Close a record's spot check: pass, or a problem with a reason.", body: "json"},
	"POST /records/{id}/entered":                   {summary: "Mark a record as typed into the official system (pays the entry item)."},
	"POST /ledger/{id}/reverse":                    {summary: "Reverse a ledger entry with a reason.", body: "json"},

	"POST /campaigns/{id}/close":    {summary: "Close a campaign by hand, with a reason.", body: "json"},
	"POST /campaigns/{id}/links":    {summary: "Create public links (open or one-time); tokens are shown this once.", body: "json", ok: http.StatusCreated},
	"GET /campaigns/{id}/links":     {summary: "The campaign's links in the caller's scope, without tokens.", query: []string{"org"}},
	"POST /links/{id}/revoke":       {summary: "Revoke a public link."},
	"POST /public/{token}/evaluate": {summary: "Evaluate a public form's answers (needs the public cookie's token in X-CSRF-Token).", body: "json", public: true},
	"POST /public/{token}/records":  {summary: "Submit through a public link.", body: "json", ok: http.StatusCreated, public: true},

	"GET /notifications":       {summary: "The caller's notifications, newest first, keyset-paged.", query: []string{"unread", "after", "limit"}},
	"POST /notifications/read": {summary: "Mark the caller's notifications read (all when no IDs are given).", body: "json"},

	"GET /campaigns/{id}/import-mapping":   {summary: "The saved column mapping of a form's imports.", query: []string{"form"}},
	"PUT /campaigns/{id}/import-mapping":   {summary: "Save the column mapping of a form's imports: {form, columns: {header: field}}.", body: "json"},
	"GET /campaigns/{id}/imports":          {summary: "The campaign's import jobs in the caller's scope."},
	"POST /campaigns/{id}/imports":         {summary: "Start an import or bulk update: a multipart upload (202, queued), or JSON {form, kind, mode, fileName, size} to upload in chunks (201).", body: "json", ok: http.StatusCreated},
	"PUT /imports/{job}/chunks/{seq}":      {summary: "Upload one chunk of a file, in order.", body: "file"},
	"POST /imports/{job}/finish":           {summary: "Finish a chunked upload and queue the job."},
	"GET /imports/{job}":                   {summary: "An import job's state and progress."},
	"POST /imports/{job}/confirm":          {summary: "Apply a previewed bulk update."},
	"GET /imports/{job}/report":            {summary: "One page of a job's per-row report (row, column, code, message).", query: []string{"after", "limit"}},
	"GET /imports/{job}/report.xlsx":       {summary: "A job's per-row report as XLSX.", types: []string{mimeXLSX}},
	"GET /campaigns/{id}/export":           {summary: "Records of an org subtree as XLSX, CSV or a zip of CSVs per village; personal data masked unless revealed (audited).", query: []string{"form", "org", "format", "split", "reveal"}, types: []string{mimeXLSX, mimeCSV, "application/zip"}},
	"GET /campaigns/{id}/worklist":         {summary: "One page of worklist items (duplicates, reconciliation differences) in the caller's subtree, with counts.", query: []string{"kind", "status", "org", "run", "after", "limit"}},
	"POST /campaigns/{id}/duplicates/scan": {summary: "Find every group of records sharing an ID number and put it on the worklist."},
	"GET /worklist/{item}":                 {summary: "One worklist item, its sides shown next to each other, masked."},
	"POST /worklist/{item}/merge":          {summary: "Merge duplicates: keep one record, mark the others merged.", body: "json"},
	"POST /worklist/{item}/dismiss":        {summary: "Dismiss a duplicate item (not the same person), with a reason.", body: "json"},
	"POST /worklist/{item}/resolve":        {summary: "Resolve a reconciliation item: which side was right, the corrected values.", body: "json"},
	"POST /campaigns/{id}/reconcile":       {summary: "Reconcile another department's list (multipart: file, mapping as JSON) with the campaign's records.", body: "multipart", ok: http.StatusCreated},
	"GET /campaigns/{id}/reconcile/runs":   {summary: "The campaign's reconciliation runs with their figures."},
	"GET /reconcile/runs/{run}":            {summary: "One reconciliation run and how its items stand."},

	"GET /campaigns/{id}/indicators":          {summary: "Indicator values per org unit and period, against their targets.", query: []string{"org", "period", "granularity", "children", "trend", "ids"}},
	"GET /campaigns/{id}/indicators.xlsx":     {summary: "Indicator values as XLSX.", query: []string{"org", "period", "granularity", "children", "trend", "ids"}, types: []string{mimeXLSX}},
	"POST /campaigns/{id}/indicators/rebuild": {summary: "Recount a campaign's indicator counters from its records."},
	"GET /official-figures":                   {summary: "Every version of the official figures in the caller's subtree, the current ones marked.", query: []string{"key", "org"}},
	"GET /official-figures/imports":           {summary: "The imports of official figures, each a version with its source."},
	"POST /official-figures/import":           {summary: "Import official figures (multipart: file, source), all or nothing, with a per-row report.", body: "multipart", ok: http.StatusCreated},

	"GET /campaigns/{id}/dashboard":        {summary: "The campaign dashboard of an org unit: records by state, overdue tasks, worker output, report timeliness, indicators.", query: []string{"org"}},
	"GET /campaigns/{id}/dashboard.xlsx":   {summary: "The dashboard's tables as XLSX (one, or all).", query: []string{"org", "table"}, types: []string{mimeXLSX}},
	"GET /campaigns/{id}/reports":          {summary: "Each periodic report's completeness and timeliness per unit and period, rolled up.", query: []string{"org"}},
	"GET /campaigns/{id}/reports/{report}": {summary: "One report's slots: on time, late, missing or not yet due per unit.", query: []string{"org", "period"}},
}

const apiPrefix = "/api/v1"

var (
	routerParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	pathParam   = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)
)

// openAPIPath turns a router path below /api/v1 into an OpenAPI path.
func openAPIPath(p string) string { return routerParam.ReplaceAllString(p, "{$1}") }

// apiRoutes returns "METHOD /path" (OpenAPI spelling, below /api/v1) of
// every API route the router has, sorted.
func (s *Server) apiRoutes() []string {
	seen := map[string]bool{}
	for _, r := range s.app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || !strings.HasPrefix(r.Path, apiPrefix+"/") {
			continue
		}
		seen[r.Method+" "+openAPIPath(strings.TrimPrefix(r.Path, apiPrefix))] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// apiOpenAPI answers GET /api/v1/openapi.json: an OpenAPI 3.1 description
// of every JSON API route, built from this server's router on the first
// request.
func (s *Server) apiOpenAPI(c fiber.Ctx) error {
	doc := s.openAPI()
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(doc)
}

func (s *Server) openAPIDocument() map[string]any {
	paths := map[string]map[string]any{}
	for _, key := range s.apiRoutes() {
		method, path, _ := strings.Cut(key, " ")
		doc, ok := apiDocs[key]
		if !ok {
			doc = apiDoc{summary: "Undocumented."}
		}
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(method)] = operation(method, path, doc)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Canvass API",
			"version":     s.version,
			"description": "The JSON API of Canvass. Every answer that is not a success is an Error; validation errors list one entry per field, keyed by JSON pointer. Texts follow the caller's language (Accept-Language, or the user's setting).",
		},
		"servers": []any{map[string]any{"url": apiPrefix}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "A browser session; writes also need the X-CSRF-Token header from GET /me."},
				"token":   map[string]any{"type": "http", "scheme": "bearer", "description": "An API token from POST /tokens."},
			},
			"schemas": map[string]any{"Error": errorSchema()},
		},
		"security": []any{map[string]any{"session": []any{}}, map[string]any{"token": []any{}}},
	}
}

func operation(method, path string, doc apiDoc) map[string]any {
	op := map[string]any{
		"summary":     doc.summary,
		"operationId": operationID(method, path),
		"tags":        []any{strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0]},
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range doc.query {
		params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": map[string]any{"type": "string"}})
	}
	if params != nil {
		op["parameters"] = params
	}
	switch doc.body {
	case "json":
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{fiber.MIMEApplicationJSON: map[string]any{"schema": map[string]any{"type": "object"}}}}
	case "multipart":
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{fiber.MIMEMultipartForm: map[string]any{"schema": map[string]any{
			"type": "object", "properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}, "required": []any{"file"}}}}}
	case "file":
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string"}}}}
	}
	if doc.public {
		op["security"] = []any{}
	}
	ok, types := doc.ok, doc.types
	if ok == 0 {
		ok = http.StatusOK
	}
	if types == nil {
		types = []string{fiber.MIMEApplicationJSON}
	}
	content := map[string]any{}
	for _, t := range types {
		content[t] = map[string]any{}
	}
	errResp := map[string]any{"description": "An error: code, localized message and field errors.",
		"content": map[string]any{fiber.MIMEApplicationJSON: map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	op["responses"] = map[string]any{
		strconv.Itoa(ok): map[string]any{"description": http.StatusText(ok), "content": content},
		"default":        errResp,
	}
	return op
}

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '{' || r == '}' || r == '.' || r == '-' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// errorSchema is the JSON Schema of every error answer (see errorBody).
func errorSchema() map[string]any {
	codes := make([]any, 0, len(engine.Codes)+1)
	for _, c := range engine.Codes {
		codes = append(codes, c)
	}
	codes = append(codes, codeMethodNotAllowed)
	return map[string]any{
		"type":     "object",
		"required": []any{"error"},
		"properties": map[string]any{"error": map[string]any{
			"type":     "object",
			"required": []any{"code", "message"},
			"properties": map[string]any{
				"code":    map[string]any{"type": "string", "enum": codes},
				"message": map[string]any{"type": "string"},
				"fields": map[string]any{"type": "array", "items": map[string]any{
					"type":     "object",
					"required": []any{"pointer", "code", "message"},
					"properties": map[string]any{
						"pointer": map[string]any{"type": "string", "description": "JSON pointer of the field"},
						"code":    map[string]any{"type": "string"},
						"message": map[string]any{"type": "string"},
					},
				}},
			},
		}},
	}
}
