package storetest

import (
	"testing"
	"time"

	"canvass/app"
	"canvass/engine"
)

// orgTree is a small administrative tree with GB/T 2260 style codes, in an
// order that is not the path order.
var orgTree = []engine.OrgUnit{
	{Code: "370102001", Name: "解放路街道", ParentCode: "370102", Level: engine.LevelTownship, Path: "/370000/370100/370102/370102001/"},
	{Code: "370000", Name: "山东省", Level: engine.LevelProvince, Path: "/370000/"},
	{Code: "370200", Name: "青岛市", ParentCode: "370000", Level: engine.LevelCity, Path: "/370000/370200/"},
	{Code: "370102001001", Name: "大柳树村", ParentCode: "370102001", Level: engine.LevelVillage, Path: "/370000/370100/370102/370102001/370102001001/"},
	{Code: "370100", Name: "济南市", ParentCode: "370000", Level: engine.LevelCity, Path: "/370000/370100/"},
	{Code: "370102", Name: "历下区", ParentCode: "370100", Level: engine.LevelDistrict, Path: "/370000/370100/370102/"},
	{Code: "370103", Name: "市中区", ParentCode: "370100", Level: engine.LevelDistrict, Path: "/370000/370100/370103/"},
}

func orgCodes(units []engine.OrgUnit) []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = u.Code
	}
	return out
}

func diffOrgUnit(got, want engine.OrgUnit) differ {
	var d differ
	d.str("Code", got.Code, want.Code)
	d.str("Name", got.Name, want.Name)
	d.str("ParentCode", got.ParentCode, want.ParentCode)
	d.str("Level", got.Level, want.Level)
	d.str("Path", got.Path, want.Path)
	return d
}

// Org units: PutOrgUnits "inserts or replaces org units by code, all or none.
// Returns EINVALID if a unit lacks Code, Level or Path." GetOrgUnit "Returns
// ENOTFOUND if there is none." ListOrgUnits "returns the units whose Path
// lies under pathPrefix (all when empty), ordered by Path."
func orgUnitScenarios() []scenario {
	scs := []scenario{
		{"put_and_get", func(t *testing.T, s app.Store) {
			must(t, s.PutOrgUnits(t.Context(), orgTree), "PutOrgUnits")
			for _, want := range orgTree {
				got, err := s.GetOrgUnit(t.Context(), want.Code)
				must(t, err, "GetOrgUnit "+want.Code)
				diffOrgUnit(*got, want).report(t, "GetOrgUnit "+want.Code)
			}
		}},
		{"missing_not_found", func(t *testing.T, s app.Store) {
			must(t, s.PutOrgUnits(t.Context(), orgTree), "PutOrgUnits")
			_, err := s.GetOrgUnit(t.Context(), "999999")
			wantCode(t, err, engine.ENOTFOUND, "GetOrgUnit of an unknown code")
		}},
		{"replace_by_code", func(t *testing.T, s app.Store) {
			must(t, s.PutOrgUnits(t.Context(), orgTree), "PutOrgUnits")
			renamed := engine.OrgUnit{Code: "370103", Name: "槐荫区（改）", ParentCode: "370100", Level: engine.LevelDistrict, Path: "/370000/370100/370103/"}
			must(t, s.PutOrgUnits(t.Context(), []engine.OrgUnit{renamed}), "PutOrgUnits again")
			got, err := s.GetOrgUnit(t.Context(), "370103")
			must(t, err, "GetOrgUnit")
			diffOrgUnit(*got, renamed).report(t, "replaced unit")
			all, err := s.ListOrgUnits(t.Context(), "")
			must(t, err, "ListOrgUnits")
			if len(all) != len(orgTree) {
				t.Errorf("ListOrgUnits has %d units after a replace, want %d", len(all), len(orgTree))
			}
		}},
		{"list_ordered_by_path", func(t *testing.T, s app.Store) {
			must(t, s.PutOrgUnits(t.Context(), orgTree), "PutOrgUnits")
			cases := []struct {
				prefix string
				want   []string
			}{
				{"", []string{"370000", "370100", "370102", "370102001", "370102001001", "370103", "370200"}},
				{"/370000/370100/", []string{"370100", "370102", "370102001", "370102001001", "370103"}},
				{"/370000/370100/370102/", []string{"370102", "370102001", "370102001001"}},
				{"/370000/370200/", []string{"370200"}},
				{"/110000/", nil},
			}
			for _, c := range cases {
				got, err := s.ListOrgUnits(t.Context(), c.prefix)
				must(t, err, "ListOrgUnits "+c.prefix)
				if codes := orgCodes(got); !sameStrings(codes, c.want) {
					t.Errorf("ListOrgUnits(%q) = %q, want %q", c.prefix, codes, c.want)
				}
			}
		}},
		{"invalid_batch_stores_nothing", func(t *testing.T, s app.Store) {
			old := orgTree[1] // 山东省
			must(t, s.PutOrgUnits(t.Context(), []engine.OrgUnit{old}), "PutOrgUnits")
			renamed := old
			renamed.Name = "改名"
			batch := []engine.OrgUnit{renamed, orgTree[2], {Code: "370300", Name: "淄博市", ParentCode: "370000", Level: engine.LevelCity}}
			wantCode(t, s.PutOrgUnits(t.Context(), batch), engine.EINVALID, "PutOrgUnits with a unit without Path")
			_, err := s.GetOrgUnit(t.Context(), orgTree[2].Code)
			wantCode(t, err, engine.ENOTFOUND, "GetOrgUnit of a valid unit from the refused batch")
			got, err := s.GetOrgUnit(t.Context(), old.Code)
			must(t, err, "GetOrgUnit")
			diffOrgUnit(*got, old).report(t, "unit replaced by a refused batch")
		}},
	}
	invalid := []struct {
		name  string
		spoil func(u *engine.OrgUnit)
	}{
		{"missing_code", func(u *engine.OrgUnit) { u.Code = "" }},
		{"missing_level", func(u *engine.OrgUnit) { u.Level = "" }},
		{"missing_path", func(u *engine.OrgUnit) { u.Path = "" }},
	}
	for _, c := range invalid {
		scs = append(scs, scenario{c.name + "_invalid", func(t *testing.T, s app.Store) {
			u := orgTree[1]
			c.spoil(&u)
			wantCode(t, s.PutOrgUnits(t.Context(), []engine.OrgUnit{u}), engine.EINVALID, "PutOrgUnits")
			all, err := s.ListOrgUnits(t.Context(), "")
			must(t, err, "ListOrgUnits")
			if len(all) != 0 {
				t.Errorf("ListOrgUnits has %d units after an invalid put", len(all))
			}
		}})
	}
	return scs
}

func newUser(id, username, orgPath string, roles ...string) *engine.User {
	return &engine.User{
		ID: id, Username: username, DisplayName: "用户 " + username,
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", Roles: roles,
		OrgUnit: "unit-" + id, OrgPath: orgPath, Locale: "zh-CN",
		CreatedAt: Epoch, UpdatedAt: Epoch,
	}
}

func diffUser(got, want *engine.User) differ {
	if got == nil {
		return differ{"user is nil"}
	}
	var d differ
	d.str("ID", got.ID, want.ID)
	d.str("Username", got.Username, want.Username)
	d.str("DisplayName", got.DisplayName, want.DisplayName)
	d.str("PasswordHash", got.PasswordHash, want.PasswordHash)
	d.strs("Roles", got.Roles, want.Roles)
	d.str("OrgUnit", got.OrgUnit, want.OrgUnit)
	d.str("OrgPath", got.OrgPath, want.OrgPath)
	d.str("Locale", got.Locale, want.Locale)
	d.boolean("Disabled", got.Disabled, want.Disabled)
	d.str("SealedIDNumber", got.SealedIDNumber, want.SealedIDNumber)
	d.str("SealedMobile", got.SealedMobile, want.SealedMobile)
	d.num("Version", got.Version, want.Version)
	d.time("CreatedAt", got.CreatedAt, want.CreatedAt)
	d.time("UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	return d
}

func mustCreateUser(t *testing.T, s app.Store, u *engine.User) *engine.User {
	t.Helper()
	want := *u
	want.Version = 1
	must(t, s.CreateUser(t.Context(), u), "CreateUser "+u.Username)
	return &want
}

func checkUser(t *testing.T, s app.Store, want *engine.User) {
	t.Helper()
	got, err := s.GetUser(t.Context(), want.ID)
	must(t, err, "GetUser "+want.ID)
	diffUser(got, want).report(t, "GetUser "+want.ID)
	got, err = s.GetUserByUsername(t.Context(), want.Username)
	must(t, err, "GetUserByUsername "+want.Username)
	diffUser(got, want).report(t, "GetUserByUsername "+want.Username)
}

// Users: CreateUser "stores a new user with Version 1 … Returns ECONFLICT if
// the ID or username is taken." GetUser, GetUserByUsername "Returns
// ENOTFOUND." UpdateUser "stores u if the stored Version equals u.Version
// and returns it with Version+1. Returns ENOTFOUND, or ECONFLICT on a
// version mismatch or a username taken by another user." ListUsers "returns
// the matching users ordered by username."
func userScenarios() []scenario {
	return []scenario{
		{"create_and_get", func(t *testing.T, s app.Store) {
			u := newUser("u1", "zhangsan", "/370000/370100/", engine.RoleReviewer, engine.RoleFinance)
			u.Version = 9 // a new user starts at 1 whatever the caller says
			u.Disabled = true
			u.Locale = "en"
			u.CreatedAt, u.UpdatedAt = oddTime(Epoch), oddTime(Epoch.Add(time.Hour))
			checkUser(t, s, mustCreateUser(t, s, u))
		}},
		{"id_taken_conflicts", func(t *testing.T, s app.Store) {
			want := mustCreateUser(t, s, newUser("u1", "zhangsan", "/370000/"))
			err := s.CreateUser(t.Context(), newUser("u1", "lisi", "/370000/"))
			wantCode(t, err, engine.ECONFLICT, "CreateUser with a taken ID")
			checkUser(t, s, want)
			_, err = s.GetUserByUsername(t.Context(), "lisi")
			wantCode(t, err, engine.ENOTFOUND, "GetUserByUsername of the refused user")
		}},
		{"username_taken_conflicts", func(t *testing.T, s app.Store) {
			want := mustCreateUser(t, s, newUser("u1", "zhangsan", "/370000/"))
			err := s.CreateUser(t.Context(), newUser("u2", "zhangsan", "/370000/"))
			wantCode(t, err, engine.ECONFLICT, "CreateUser with a taken username")
			checkUser(t, s, want)
			_, err = s.GetUser(t.Context(), "u2")
			wantCode(t, err, engine.ENOTFOUND, "GetUser of the refused user")
		}},
		{"missing_not_found", func(t *testing.T, s app.Store) {
			mustCreateUser(t, s, newUser("u1", "zhangsan", "/370000/"))
			_, err := s.GetUser(t.Context(), "u9")
			wantCode(t, err, engine.ENOTFOUND, "GetUser of an unknown ID")
			_, err = s.GetUserByUsername(t.Context(), "nobody")
			wantCode(t, err, engine.ENOTFOUND, "GetUserByUsername of an unknown username")
		}},
		{"update_with_version", func(t *testing.T, s app.Store) {
			u := mustCreateUser(t, s, newUser("u1", "zhangsan", "/370000/", engine.RoleFieldWorker))
			change := *u
			change.DisplayName = "张三（已调岗）"
			change.Roles = []string{engine.RoleSupervisor}
			change.OrgUnit, change.OrgPath = "370102", "/370000/370100/370102/"
			change.Disabled = true
			change.PasswordHash = "$argon2id$v=19$m=65536,t=3,p=2$bmV3$bmV3aGFzaA"
			change.UpdatedAt = Epoch.Add(time.Hour)
			want := change
			want.Version = 2
			got, err := s.UpdateUser(t.Context(), &change)
			must(t, err, "UpdateUser")
			diffUser(got, &want).report(t, "UpdateUser result")
			checkUser(t, s, &want)

			stale := *u // Version 1
			stale.DisplayName = "stale"
			_, err = s.UpdateUser(t.Context(), &stale)
			wantCode(t, err, engine.ECONFLICT, "UpdateUser at a stale version")
			ahead := want
			ahead.Version = 7
			_, err = s.UpdateUser(t.Context(), &ahead)
			wantCode(t, err, engine.ECONFLICT, "UpdateUser at a version ahead")
			checkUser(t, s, &want)
		}},
		{"update_missing_not_found", func(t *testing.T, s app.Store) {
			u := newUser("u9", "nobody", "/370000/")
			u.Version = 1
			_, err := s.UpdateUser(t.Context(), u)
			wantCode(t, err, engine.ENOTFOUND, "UpdateUser of an unknown user")
		}},
		{"rename", func(t *testing.T, s app.Store) {
			u := mustCreateUser(t, s, newUser("u1", "zhangsan", "/370000/"))
			other := mustCreateUser(t, s, newUser("u2", "lisi", "/370000/"))

			taken := *u
			taken.Username = "lisi"
			_, err := s.UpdateUser(t.Context(), &taken)
			wantCode(t, err, engine.ECONFLICT, "UpdateUser to a username taken by another user")
			checkUser(t, s, u)
			checkUser(t, s, other)

			free := *u
			free.Username = "zhangsan2"
			want := free
			want.Version = 2
			_, err = s.UpdateUser(t.Context(), &free)
			must(t, err, "UpdateUser to a free username")
			checkUser(t, s, &want)
			_, err = s.GetUserByUsername(t.Context(), "zhangsan")
			wantCode(t, err, engine.ENOTFOUND, "GetUserByUsername of the old name")

			// The old name is free again.
			mustCreateUser(t, s, newUser("u3", "zhangsan", "/370000/"))
		}},
		{"list_filtered_ordered_by_username", func(t *testing.T, s app.Store) {
			byName := map[string]*engine.User{}
			for _, u := range []*engine.User{
				newUser("u1", "wang", "/370000/370100/370102/", engine.RoleFieldWorker),
				newUser("u2", "bai", "/370000/370100/", engine.RoleSupervisor, engine.RoleReviewer),
				newUser("u3", "zhao", "/370000/370200/", engine.RoleReviewer),
				newUser("u4", "an", "/370000/", engine.RoleAdmin),
				newUser("u5", "li", "/370000/370100/370103/", engine.RoleReviewer, engine.RoleFieldWorker),
				newUser("u6", "chen", "/370000/3701000/", engine.RoleReviewer), // not under /370000/370100/
			} {
				byName[u.Username] = mustCreateUser(t, s, u)
			}
			cases := []struct {
				name string
				f    engine.UserFilter
				want []string
			}{
				{"all", engine.UserFilter{}, []string{"an", "bai", "chen", "li", "wang", "zhao"}},
				{"org_path", engine.UserFilter{OrgPaths: []string{"/370000/370100/"}}, []string{"bai", "li", "wang"}},
				{"org_paths_several", engine.UserFilter{OrgPaths: []string{"/370000/370100/370102/", "/370000/370200/"}}, []string{"wang", "zhao"}},
				{"role", engine.UserFilter{Role: engine.RoleReviewer}, []string{"bai", "chen", "li", "zhao"}},
				{"org_path_and_role", engine.UserFilter{OrgPaths: []string{"/370000/370100/"}, Role: engine.RoleReviewer}, []string{"bai", "li"}},
				{"none", engine.UserFilter{Role: engine.RoleFinance}, nil},
			}
			for _, c := range cases {
				got, err := s.ListUsers(t.Context(), c.f)
				must(t, err, "ListUsers "+c.name)
				names := make([]string, len(got))
				for i, u := range got {
					names[i] = u.Username
				}
				if !sameStrings(names, c.want) {
					t.Errorf("ListUsers %s = %q, want %q", c.name, names, c.want)
					continue
				}
				for _, u := range got {
					diffUser(u, byName[u.Username]).report(t, "listed user "+u.Username)
				}
			}
		}},
	}
}
