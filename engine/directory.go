package engine

import (
	"slices"
	"strings"
	"time"
)

// Org-unit levels, from the top of the tree down (GB/T 2260 codes for the
// first three, statistical zoning codes below).
const (
	LevelProvince = "province"
	LevelCity     = "city"
	LevelDistrict = "district"
	LevelTownship = "township"
	LevelVillage  = "village"
	LevelGroup    = "group"
)

// Levels lists the org-unit levels from the top down.
var Levels = []string{LevelProvince, LevelCity, LevelDistrict, LevelTownship, LevelVillage, LevelGroup}

// OrgUnit is one node of the administrative tree.
type OrgUnit struct {
	Code       string
	Name       string
	ParentCode string // empty for the root
	Level      string
	// Path is the materialized path from the root: "/370000/370100/370102/".
	// A subtree is every unit (and record) whose path starts with its path.
	Path string
}

// ChildPath returns the path of a child with the given code under parentPath
// ("" for a root).
func ChildPath(parentPath, code string) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + code + "/"
}

// InSubtree reports whether path lies in the subtree rooted at root (both
// materialized paths). Every path is in its own subtree.
func InSubtree(path, root string) bool {
	return root != "" && strings.HasPrefix(path, root)
}

// Roles.
const (
	RoleAuthor      = "author"
	RoleFieldWorker = "field_worker"
	RoleReviewer    = "reviewer"
	RoleSupervisor  = "supervisor"
	RoleFinance     = "finance"
	RoleAdmin       = "admin"
)

// Roles lists every role.
var Roles = []string{RoleAuthor, RoleFieldWorker, RoleReviewer, RoleSupervisor, RoleFinance, RoleAdmin}

// User is a person who signs in. All of a user's roles apply within one
// org-unit subtree, rooted at OrgUnit.
type User struct {
	ID           string
	Username     string // unique, case-insensitive (stored lower-case)
	DisplayName  string
	PasswordHash string // argon2id, PHC string format
	Roles        []string
	OrgUnit      string
	OrgPath      string
	Locale       string // "zh-CN" (default) or "en"
	Disabled     bool
	// SealedIDNumber and SealedMobile are the user's resident ID number
	// and mobile, encrypted by the vault ("" when none): the payroll
	// needs the ID number. Read them through the engine (user_personal.go),
	// which masks them unless the reader may reveal.
	SealedIDNumber string
	SealedMobile   string
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// HasRole reports whether the user holds role.
func (u *User) HasRole(role string) bool { return slices.Contains(u.Roles, role) }

// UserFilter selects users; empty fields do not filter.
type UserFilter struct {
	OrgPaths []string
	Role     string
}

// Session kinds.
const (
	SessionWeb = "web" // a browser cookie session
	SessionAPI = "api" // a long-lived API token for scripts
)

// Session is a signed-in browser session or an API token. Only the SHA-256
// of the secret token is stored, so a stolen database yields no usable token.
type Session struct {
	TokenHash string
	Kind      string
	Name      string // API tokens: what the token is for
	UserID    string
	CSRFToken string
	IP        string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// LastCode is the code of the unit a materialized path ends at:
// "/37/3701/370102/" → "370102".
func LastCode(path string) string {
	codes := strings.Split(strings.Trim(path, "/"), "/")
	return codes[len(codes)-1]
}
