package server

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/ui"
)

// maxUnitChoices caps the org units offered as suggestions in the new-user
// form; a code can always be typed.
const maxUnitChoices = 500

// treeDepth is how many levels of the org-unit tree a page shows; deeper
// units are a click away.
const treeDepth = 3

// userForm is the new-user form as typed, to show again after an error.
type userForm struct {
	Username    string
	DisplayName string
	Roles       map[string]bool
	OrgUnit     string
	Locale      string
	IDNumber    string
	Mobile      string
}

// usersData is the users page's own data.
type usersData struct {
	Users    []*engine.User
	Form     userForm
	Errors   map[string]string // field name → message
	AllRoles []string
	Units    []engine.OrgUnit
	// IDNumbers are the users' ID numbers, masked, by user ID.
	IDNumbers map[string]string
}

// usersPage lists the users in scope, with the form to add one.
func (s *Server) usersPage(c fiber.Ctx) error {
	return s.renderUsers(c, fiber.StatusOK, userForm{}, nil, "")
}

// usersCreate adds a user from the form, then shows the list (303) or the
// form again with each problem next to its field (422, or 409 for a taken
// username).
func (s *Server) usersCreate(c fiber.Ctx) error {
	form := userForm{
		Username:    bodyField(c, "username"),
		DisplayName: bodyField(c, "displayName"),
		Roles:       map[string]bool{},
		OrgUnit:     strings.TrimSpace(bodyField(c, "orgUnit")),
		Locale:      bodyField(c, "locale"),
		IDNumber:    bodyField(c, "idNumber"),
		Mobile:      bodyField(c, "mobile"),
	}
	roles := formValues(c, "roles")
	for _, r := range roles {
		form.Roles[r] = true
	}
	u, err := s.engine.CreateUser(c.Context(), actorOf(c), engine.NewUser{
		Username: form.Username, DisplayName: form.DisplayName, Password: bodyField(c, "password"),
		Roles: roles, OrgUnit: form.OrgUnit, Locale: form.Locale,
		Personal: engine.UserPersonal{IDNumber: form.IDNumber, Mobile: form.Mobile},
	})
	if err != nil {
		if code := engine.ErrorCode(err); (code == engine.EINVALID || code == engine.ECONFLICT) && len(engine.ErrorFields(err)) > 0 {
			return s.renderUsers(c, statusByCode[code], form, engine.ErrorFields(err), "users.invalid")
		}
		if engine.ErrorCode(err) == engine.EUNAVAILABLE {
			return s.renderUsers(c, fiber.StatusServiceUnavailable, form, nil, "user.unavailable")
		}
		return err
	}
	return redirect(c, "/admin/users?created="+url.QueryEscape(u.Username)+"#create")
}

func (s *Server) renderUsers(c fiber.Ctx, status int, form userForm, fields []engine.FieldError, errKey string) error {
	a := actorOf(c)
	users, err := s.listUsers(c.Context(), a, "", "")
	if err != nil {
		return err
	}
	units, err := s.engine.OrgUnits(c.Context(), a, "")
	if err != nil {
		return err
	}
	p := s.newPage(c, "users.title", "users", "/admin/users")
	if form.Locale == "" {
		form.Locale = p.Lang
	}
	// The success message names a user only if the list shows one by that
	// name: a crafted link cannot make the page claim anything else.
	if created := c.Query("created"); created != "" && slices.ContainsFunc(users, func(u *engine.User) bool { return u.Username == created }) {
		p.Flash = p.T("users.created", created)
	}
	if errKey != "" {
		p.Error = p.T(errKey)
	}
	ids := map[string]string{}
	for _, u := range users {
		ids[u.ID] = s.engine.MaskedUserPersonal(u).IDNumber
	}
	p.Data = usersData{
		Users: users, Form: form, Errors: fieldMessages(p, fields), AllRoles: engine.Roles,
		Units: units[:min(len(units), maxUnitChoices)], IDNumbers: ids,
	}
	return s.render(c, status, "users", p)
}

// treeNode is one org unit on the page, with the units below it that the
// page shows, or the count of those it does not.
type treeNode struct {
	Code, Name, Level string
	Children          []*treeNode
	More              string // "12 more units below", when some are hidden
}

// reportRow is one problem of a failed import, in the page's language.
type reportRow struct {
	Row                     int
	Column, Problem, Detail string
}

// orgUnitsData is the org-units page's own data.
type orgUnitsData struct {
	Tree   []*treeNode
	Count  int
	Up     string // the code of the parent of the root shown, when in scope
	Report []reportRow
}

// orgUnitsPage shows the tree under ?root= (default: the admin's scope)
// and the import form.
func (s *Server) orgUnitsPage(c fiber.Ctx) error {
	return s.renderOrgUnits(c, fiber.StatusOK, c.Query("root"), nil, "", "")
}

// orgUnitsImport imports an uploaded sheet, then shows the tree (303) or
// the form again with the table of bad rows (422).
func (s *Server) orgUnitsImport(c fiber.Ctx) error {
	a := actorOf(c)
	if err := requireAdmin(a); err != nil {
		return err
	}
	fh, err := uploadedFile(c, "file")
	if err != nil {
		return s.renderOrgUnits(c, fiber.StatusUnprocessableEntity, "", nil, "field.file.required", "")
	}
	n, rows, err := s.importOrgUnitFile(c.Context(), a, fh)
	switch code := engine.ErrorCode(err); {
	case len(rows) > 0:
		return s.renderOrgUnits(c, fiber.StatusUnprocessableEntity, "", rows, "orgunits.failed", "")
	case code == engine.EINVALID || code == engine.ETOOLARGE:
		// The sheet as a whole is wrong: not a sheet, or missing a column.
		return s.renderOrgUnits(c, statusByCode[code], "", nil, "orgunits.failed", engine.ErrorMessage(err))
	case err != nil:
		return err
	}
	return redirect(c, "/admin/orgunits?imported="+strconv.Itoa(n))
}

// renderOrgUnits shows the org-units page; errKey and detail, when set,
// say why an import failed, and rows list its bad rows.
func (s *Server) renderOrgUnits(c fiber.Ctx, status int, root string, rows []engine.RowError, errKey, detail string) error {
	a := actorOf(c)
	if err := requireAdmin(a); err != nil {
		return err
	}
	units, err := s.orgUnitsUnder(c.Context(), a, root)
	if err != nil {
		return err
	}
	path := "/admin/orgunits"
	if c.Method() == fiber.MethodGet {
		path = ""
	}
	p := s.newPage(c, "orgunits.title", "orgunits", path)
	if n, err := strconv.Atoi(c.Query("imported")); err == nil && n >= 0 {
		p.Flash = p.T("orgunits.imported", n)
	}
	if errKey != "" {
		p.Error = strings.TrimSpace(p.T(errKey) + " " + detail)
	}
	data := orgUnitsData{Count: len(units), Tree: buildTree(p, units)}
	if root != "" && len(units) > 0 && units[0].Path != a.User.OrgPath {
		data.Up = units[0].ParentCode
	}
	for _, r := range rows {
		data.Report = append(data.Report, reportRow{Row: r.Row, Column: columnName(p, r.Column), Problem: rowProblem(p, r.Code), Detail: r.Message})
	}
	p.Data = data
	return s.render(c, status, "orgunits", p)
}

// buildTree nests units (ordered by path, parents first) into the tree the
// page shows: treeDepth levels from the top; below that, each shown unit
// says how many units it hides.
func buildTree(p *pageData, units []engine.OrgUnit) []*treeNode {
	if len(units) == 0 {
		return nil
	}
	depth := func(path string) int { return strings.Count(path, "/") - 1 }
	top := depth(units[0].Path)
	byPath := map[string]*treeNode{}
	hidden := map[*treeNode]int{}
	var roots []*treeNode
	for _, u := range units {
		d := depth(u.Path) - top
		if d >= treeDepth {
			// Count it for its ancestor on the deepest shown level.
			segs := strings.SplitAfterN(u.Path, "/", top+treeDepth+2)
			if anc := byPath[strings.Join(segs[:top+treeDepth], "")]; anc != nil {
				hidden[anc]++
			}
			continue
		}
		n := &treeNode{Code: u.Code, Name: u.Name, Level: p.T("level." + u.Level)}
		byPath[u.Path] = n
		parentPath := u.Path[:strings.LastIndex(strings.TrimSuffix(u.Path, "/"), "/")+1]
		if parent := byPath[parentPath]; parent != nil {
			parent.Children = append(parent.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	for n, count := range hidden {
		n.More = p.T("orgunits.more", count)
	}
	return roots
}

// columnName names a sheet column in the page's language.
func columnName(p *pageData, col string) string {
	switch col {
	case "code", "name", "level", "parent":
		return p.T("orgunits." + col)
	}
	return col
}

// rowProblem describes an import row error code in the page's language.
func rowProblem(p *pageData, code string) string {
	if key := "row." + code; ui.HasMessage(key) {
		return p.T(key)
	}
	if key := "error." + code; ui.HasMessage(key) {
		return p.T(key)
	}
	return code
}

// auditRow is one audit event as the page shows it.
type auditRow struct {
	At                                              time.Time
	Actor, Action, ObjectKind, ObjectID, IP, Detail string
}

// auditData is the audit page's own data.
type auditData struct {
	Query             auditQuery
	Events            []auditRow
	NextURL, FirstURL string
	Paged             bool // this is not the first page
}

// auditPage lists audit events in scope, newest first, with a filter form
// and a link to the next page.
func (s *Server) auditPage(c fiber.Ctx) error {
	a := actorOf(c)
	q := auditQueryOf(c)
	p := s.newPage(c, "audit.title", "audit", "")
	data := auditData{Query: q, Paged: q.After != "", FirstURL: withQuery("/admin/audit", q.values())}
	events, err := s.auditLog(c.Context(), a, q)
	status := fiber.StatusOK
	switch {
	case engine.ErrorCode(err) == engine.EINVALID:
		status = statusByCode[engine.EINVALID]
		msgs := []string{p.T("error.invalid")}
		for _, fe := range engine.ErrorFields(err) {
			msgs = append(msgs, strings.TrimPrefix(fe.Pointer, "/")+": "+fe.Message)
		}
		p.Error = strings.Join(msgs, " ")
	case err != nil:
		return err
	default:
		names := map[string]string{"system": p.T("audit.system")}
		for _, e := range events.Events {
			data.Events = append(data.Events, auditRow{
				At: e.At, Actor: s.actorName(c, names, e.Actor), Action: e.Action,
				ObjectKind: e.ObjectKind, ObjectID: e.ObjectID, IP: e.IP, Detail: detailText(e.Detail),
			})
		}
		if events.Next != "" {
			v := q.values()
			v.Set("after", events.Next)
			data.NextURL = withQuery("/admin/audit", v)
		}
	}
	p.Data = data
	return s.render(c, status, "audit", p)
}

// actorName shows an audit actor by username, looking each up once per
// page; an actor that is no user (a public link) shows as stored.
func (s *Server) actorName(c fiber.Ctx, names map[string]string, id string) string {
	if name, ok := names[id]; ok {
		return name
	}
	name := s.engine.Names(c.Context()).Username(id)
	names[id] = name
	return name
}

// detailText shows an event's detail compactly.
func detailText(d map[string]any) string {
	if len(d) == 0 {
		return ""
	}
	b, err := json.Marshal(d)
	if err != nil {
		return ""
	}
	return string(b)
}

// withQuery is path with the query v, if any.
func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
