package engine

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// NewUser is what an admin (or the command line) gives to create a user.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Roles       []string
	OrgUnit     string // code of the root of the user's scope
	Locale      string
	// Personal is the user's ID number and mobile, both optional; they
	// are checked (the ID number's check digit) and stored encrypted.
	Personal UserPersonal
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// CreateUser checks and stores a new user. A nil actor is the command line;
// otherwise the actor must be an admin, and the new user's scope must lie in
// the actor's. Returns EINVALID with field errors, ECONFLICT when the
// username is taken, ENOTFOUND when the org unit is unknown or out of scope.
func (e *Engine) CreateUser(ctx context.Context, a *Actor, nu NewUser) (*User, error) {
	if a != nil {
		if err := a.Require(RoleAdmin); err != nil {
			return nil, err
		}
	}
	nu.Username = strings.ToLower(strings.TrimSpace(nu.Username))
	nu.DisplayName = strings.TrimSpace(nu.DisplayName)
	var fields []FieldError
	if !usernamePattern.MatchString(nu.Username) {
		fields = append(fields, FieldError{Pointer: "/username", Code: "pattern", Message: "2–64 lower-case letters, digits, '.', '_' or '-'"})
	}
	if nu.DisplayName == "" || utf8.RuneCountInString(nu.DisplayName) > 100 {
		fields = append(fields, FieldError{Pointer: "/displayName", Code: "required", Message: "a display name of 1 to 100 characters"})
	}
	if err := CheckPasswordPolicy(nu.Password); err != nil {
		fields = append(fields, FieldError{Pointer: "/password", Code: "password", Message: ErrorMessage(err)})
	}
	if len(nu.Roles) == 0 {
		fields = append(fields, FieldError{Pointer: "/roles", Code: "required", Message: "at least one role"})
	}
	for i, r := range nu.Roles {
		if !slices.Contains(Roles, r) {
			fields = append(fields, FieldError{Pointer: "/roles/" + itoa(i), Code: "enum", Message: "unknown role " + r})
		}
	}
	switch nu.Locale {
	case "":
		nu.Locale = "zh-CN"
	case "zh-CN", "en":
	default:
		fields = append(fields, FieldError{Pointer: "/locale", Code: "enum", Message: "locale must be zh-CN or en"})
	}
	var personalFields []FieldError
	nu.Personal, personalFields = normalizeUserPersonal(nu.Personal, e.Now())
	fields = append(fields, personalFields...)
	if len(fields) > 0 {
		return nil, &Error{Code: EINVALID, Message: "the user cannot be created", Fields: fields}
	}
	unit, err := e.store.GetOrgUnit(ctx, nu.OrgUnit)
	if err != nil || (a != nil && !a.Sees(unit.Path)) {
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		return nil, &Error{Code: EINVALID, Message: "the user cannot be created",
			Fields: []FieldError{{Pointer: "/orgUnit", Code: "not_found", Message: "unknown org unit " + nu.OrgUnit}}}
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	now := e.Now()
	u := &User{
		ID: NewID(now), Username: nu.Username, DisplayName: nu.DisplayName, PasswordHash: hash,
		Roles: slices.Clone(nu.Roles), OrgUnit: unit.Code, OrgPath: unit.Path, Locale: nu.Locale,
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	slices.Sort(u.Roles)
	u.Roles = slices.Compact(u.Roles)
	if err := e.sealUserPersonal(u, nu.Personal); err != nil {
		return nil, err
	}
	if err := e.store.CreateUser(ctx, u); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, &Error{Code: ECONFLICT, Message: "username " + nu.Username + " is taken",
				Fields: []FieldError{{Pointer: "/username", Code: "taken", Message: "username is taken"}}}
		}
		return nil, err
	}
	return u, e.Audit(ctx, a, "user.create", "user", u.ID, u.OrgPath, map[string]any{"username": u.Username, "roles": u.Roles})
}

// Users lists the users in the actor's scope. Admins only.
func (e *Engine) Users(ctx context.Context, a *Actor, f UserFilter) ([]*User, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	scope, err := a.NarrowScope(firstOr(f.OrgPaths, ""))
	if err != nil {
		return nil, err
	}
	f.OrgPaths = scope
	return e.store.ListUsers(ctx, f)
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
