package engine_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"canvass/engine"
	"canvass/engine/tabular"
)

func TestImportOrgUnits(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	admin := mustUser(t, e, "admin1", "370102001", engine.RoleAdmin)
	worker := mustUser(t, e, "worker1", "370102001001", engine.RoleFieldWorker)

	tests := []struct {
		name     string
		actor    *engine.Actor
		rows     []engine.OrgUnitRow
		wantCode string
		wantRows []string // "row:column:code"
	}{
		{"child in scope", admin, []engine.OrgUnitRow{{Row: 2, Code: "370102001003", Name: "北街村", ParentCode: "370102001", Level: "village"}}, "", nil},
		{"rename is an upsert", admin, []engine.OrgUnitRow{{Row: 2, Code: "370102001003", Name: "北街社区", ParentCode: "370102001", Level: "village"}}, "", nil},
		{"field worker may not", worker, []engine.OrgUnitRow{{Row: 2, Code: "370102001009", Name: "x", ParentCode: "370102001", Level: "village"}}, engine.EFORBIDDEN, nil},
		{"sibling township is out of scope", admin, []engine.OrgUnitRow{{Row: 2, Code: "370102002009", Name: "x", ParentCode: "370102002", Level: "village"}}, engine.EINVALID, []string{"2:parent:out_of_scope"}},
		{"every bad row reported, none stored", admin, []engine.OrgUnitRow{
			{Row: 2, Code: "370102001005", Name: "好村", ParentCode: "370102001", Level: "village"},
			{Row: 3, Code: "37A", Name: "x", ParentCode: "370102001", Level: "village"},
			{Row: 4, Code: "370102001006", Name: "", ParentCode: "370102001", Level: "village"},
			{Row: 5, Code: "370102001007", Name: "x", ParentCode: "999999", Level: "village"},
			{Row: 6, Code: "370102001008", Name: "x", ParentCode: "370102001", Level: "planet"},
			{Row: 7, Code: "370102001005", Name: "重复", ParentCode: "370102001", Level: "village"},
			{Row: 8, Code: "370102001009001", Name: "组", ParentCode: "370102001001", Level: "township"},
		}, engine.EINVALID, []string{"3:code:bad_code", "4:name:bad_name", "5:parent:unknown_parent", "6:level:bad_level", "7:code:duplicate", "8:level:bad_level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rowErrs, err := e.ImportOrgUnits(ctx, tt.actor, tt.rows)
			if got := engine.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q (%v)", got, tt.wantCode, err)
			}
			var got []string
			for _, re := range rowErrs {
				got = append(got, strings.Join([]string{itoa(re.Row), re.Column, re.Code}, ":"))
			}
			if !slices.Equal(got, tt.wantRows) {
				t.Fatalf("row errors = %v, want %v", got, tt.wantRows)
			}
		})
	}
	if _, err := e.Store().GetOrgUnit(ctx, "370102001005"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("a good row of a failed import was stored: %v", err)
	}
	u, err := e.OrgUnit(ctx, admin, "370102001003")
	if err != nil || u.Name != "北街社区" || u.Path != "/370000/370100/370102/370102001/370102001003/" {
		t.Fatalf("upserted unit = %+v, %v", u, err)
	}
	if _, err := e.OrgUnit(ctx, admin, "370102002001"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("unit outside scope: got %v, want not_found", err)
	}
	units, err := e.OrgUnits(ctx, admin, "")
	if err != nil || len(units) != 4 || units[0].Code != "370102001" {
		t.Fatalf("units in scope = %v, %v; want the township and its 3 villages", units, err)
	}
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i%10))) }

func TestReadOrgUnitRowsChineseHeaders(t *testing.T) {
	csv := "区划代码,名称,上级代码,级别\n370102001003,北街村,370102001,村\n,,,\n370102003,新区街道,370102,街道\n"
	r, err := tabular.Open("units.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	rows, rowErrs, err := engine.ReadOrgUnitRows(r)
	if err != nil || len(rowErrs) != 0 {
		t.Fatal(err, rowErrs)
	}
	want := []engine.OrgUnitRow{
		{Row: 2, Code: "370102001003", Name: "北街村", ParentCode: "370102001", Level: "village"},
		{Row: 4, Code: "370102003", Name: "新区街道", ParentCode: "370102", Level: "township"},
	}
	if !slices.Equal(rows, want) {
		t.Fatalf("rows = %+v, want %+v", rows, want)
	}
	r, _ = tabular.Open("units.csv", strings.NewReader("code,name\n1,2\n"))
	if _, _, err := engine.ReadOrgUnitRows(r); engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("missing level column: got %v, want invalid", err)
	}
}

func TestCreateUser(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	admin := mustUser(t, e, "admin1", "370102001", engine.RoleAdmin)
	reviewer := mustUser(t, e, "rev1", "370102001", engine.RoleReviewer)
	ok := engine.NewUser{Username: "Worker2", DisplayName: "赵六", Password: "long enough", Roles: []string{"field_worker"}, OrgUnit: "370102001001"}
	with := func(f func(*engine.NewUser)) engine.NewUser { nu := ok; f(&nu); return nu }
	tests := []struct {
		name       string
		actor      *engine.Actor
		in         engine.NewUser
		wantCode   string
		wantFields []string
	}{
		{"admin creates in scope", admin, ok, "", nil},
		{"username taken, any case", admin, with(func(n *engine.NewUser) { n.Username = "WORKER2" }), engine.ECONFLICT, []string{"/username"}},
		{"not an admin", reviewer, with(func(n *engine.NewUser) { n.Username = "w3" }), engine.EFORBIDDEN, nil},
		{"out of scope unit", admin, with(func(n *engine.NewUser) { n.Username = "w4"; n.OrgUnit = "370102002001" }), engine.EINVALID, []string{"/orgUnit"}},
		{"everything wrong", admin, engine.NewUser{Username: "a b", Password: "short", Roles: []string{"king"}, Locale: "fr"}, engine.EINVALID,
			[]string{"/username", "/displayName", "/password", "/roles/0", "/locale"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.CreateUser(ctx, tt.actor, tt.in)
			if got := engine.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q (%v)", got, tt.wantCode, err)
			}
			var got []string
			for _, f := range engine.ErrorFields(err) {
				got = append(got, f.Pointer)
			}
			if !slices.Equal(got, tt.wantFields) {
				t.Fatalf("fields = %v, want %v", got, tt.wantFields)
			}
		})
	}
	users, err := e.Users(ctx, admin, engine.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
		if strings.Contains(u.PasswordHash, "long enough") {
			t.Fatal("password stored in plain text")
		}
	}
	if !slices.Equal(names, []string{"admin1", "rev1", "worker2"}) {
		t.Fatalf("users in scope = %v", names)
	}
}

func TestLoginLockoutAndSessions(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	seedTree(t, e)
	mustUser(t, e, "worker1", "370102001001", engine.RoleFieldWorker)

	if _, _, _, err := e.Login(ctx, "nobody", "s3cret-pass", "10.0.0.1"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Fatalf("unknown user: %v", err)
	}
	s, token, u, err := e.Login(ctx, " Worker1 ", "s3cret-pass", "10.0.0.1")
	if err != nil || u.Username != "worker1" || token == "" || s.TokenHash == token {
		t.Fatalf("login = %+v %q %v", s, token, err)
	}
	a, _, err := e.Authenticate(ctx, token, "10.0.0.1")
	if err != nil || a.User.ID != u.ID {
		t.Fatalf("authenticate = %v, %v", a, err)
	}
	for i := 0; i < 5; i++ {
		if _, _, _, err := e.Login(ctx, "worker1", "wrong-pass", "10.0.0.2"); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if _, _, _, err := e.Login(ctx, "worker1", "s3cret-pass", "10.0.0.2"); engine.ErrorCode(err) != engine.ERATELIMITED {
		t.Fatalf("after 5 failures from an address the right password must be refused there too: %v", err)
	}
	if _, _, _, err := e.Login(ctx, "worker1", "s3cret-pass", "10.0.0.3"); err != nil {
		t.Fatalf("after 5 failures from another address: %v", err)
	}
	clk.Add(16 * 60e9)
	if _, _, _, err := e.Login(ctx, "worker1", "s3cret-pass", "10.0.0.2"); err != nil {
		t.Fatalf("after the lock-out window: %v", err)
	}
	if err := e.Logout(ctx, a, token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Authenticate(ctx, token, ""); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Fatalf("after logout: %v", err)
	}
	clk.Add(13 * 3600e9)
	_, token2, _, _ := e.Login(ctx, "worker1", "s3cret-pass", "10.0.0.4")
	clk.Add(engine.SessionTTL + 1)
	if _, _, err := e.Authenticate(ctx, token2, ""); engine.ErrorCode(err) != engine.EUNAUTHORIZED {
		t.Fatalf("expired session: %v", err)
	}
	page, err := e.Store().ListAudit(ctx, engine.AuditFilter{Action: "user.login_failed"}, engine.Page{})
	if err != nil || len(page.Events) != 6 {
		t.Fatalf("audited failures = %d, %v; want 6", len(page.Events), err)
	}
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	var last error
	for i := 0; i < 51; i++ {
		if _, _, _, last = e.Login(ctx, "user"+strconv.Itoa(i), "whatever-pass", "10.9.9.9"); i < 50 && engine.ErrorCode(last) != engine.EUNAUTHORIZED {
			t.Fatalf("failure %d from one address: %v, want unauthorized", i+1, last)
		}
	}
	var r *engine.SignInRefusal
	if engine.ErrorCode(last) != engine.ERATELIMITED || !errors.As(last, &r) || r.Reason != engine.SignInThrottled {
		t.Fatalf("51st attempt from one address after 50 failures: %v, want rate_limited, address throttled", last)
	}
}
