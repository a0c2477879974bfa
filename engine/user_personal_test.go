package engine_test

import (
	"context"
	"strings"
	"testing"

	"canvass/engine"
)

// TestUserPersonalCheck: an ID number must pass the GB 11643 check (the
// field error code says which part fails), a mobile must be a mainland
// mobile; both are optional.
func TestUserPersonalCheck(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	admin := mustUser(t, e, "admin1", "370102", engine.RoleAdmin)
	for _, tc := range []struct {
		name             string
		idNumber, mobile string
		pointer, code    string
	}{
		{"none", "", "", "", ""},
		{"valid", "370102198503121014", "13905520001", "", ""},
		{"lower_x_accepted", "11010519491231002x", "", "", ""},
		{"check_digit", "370102198503121015", "", "/idNumber", "check_digit"},
		{"short", "37010219850312101", "", "/idNumber", "length"},
		{"letters", "37010219850312101A", "", "/idNumber", "chars"},
		{"birth_date", "370102198502301014", "", "/idNumber", "birth_date"},
		{"mobile", "", "12345", "/mobile", "pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.CreateUser(ctx, admin, engine.NewUser{
				Username: "u-" + strings.ReplaceAll(tc.name, "_", "-"), DisplayName: "用户", Password: "s3cret-pass",
				Roles: []string{engine.RoleFieldWorker}, OrgUnit: "370102001001",
				Personal: engine.UserPersonal{IDNumber: tc.idNumber, Mobile: tc.mobile},
			})
			if tc.pointer == "" {
				if err != nil {
					t.Fatalf("CreateUser: %v", err)
				}
				return
			}
			fields := engine.ErrorFields(err)
			if engine.ErrorCode(err) != engine.EINVALID || len(fields) != 1 || fields[0].Pointer != tc.pointer || fields[0].Code != tc.code {
				t.Errorf("got %v %+v, want %s %s", err, fields, tc.pointer, tc.code)
			}
		})
	}
}

// TestUserPersonalAtRest: the ID number and mobile are stored encrypted,
// read masked, revealed in full only to finance and admins in scope
// (audited), and set by an admin with the version the page showed.
func TestUserPersonalAtRest(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	seedTree(t, e)
	admin := mustUser(t, e, "admin1", "370102", engine.RoleAdmin)
	finance := mustUser(t, e, "finance1", "370102", engine.RoleFinance)
	supervisor := mustUser(t, e, "super1", "370102", engine.RoleSupervisor)
	elsewhere := mustUser(t, e, "admin2", "370102002", engine.RoleAdmin)
	u, err := e.CreateUser(ctx, admin, engine.NewUser{
		Username: "worker1", DisplayName: "陈小雨", Password: "s3cret-pass", Roles: []string{engine.RoleFieldWorker},
		OrgUnit: "370102001001", Personal: engine.UserPersonal{IDNumber: "370102199007072027", Mobile: "13905520001"},
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := e.Store().GetUser(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !engine.IsEncrypted(stored.SealedIDNumber) || !engine.IsEncrypted(stored.SealedMobile) ||
		strings.Contains(stored.SealedIDNumber, "370102199007072027") {
		t.Fatalf("stored in the clear: %q %q", stored.SealedIDNumber, stored.SealedMobile)
	}
	if got, want := e.MaskedUserPersonal(stored), (engine.UserPersonal{IDNumber: "3701**********2027", Mobile: "139****0001"}); got != want {
		t.Errorf("masked %+v, want %+v", got, want)
	}

	for _, tc := range []struct {
		name string
		who  *engine.Actor
		code string
	}{
		{"admin", admin, ""},
		{"finance", finance, ""},
		{"supervisor_forbidden", supervisor, engine.EFORBIDDEN},
		{"admin_elsewhere_not_found", elsewhere, engine.ENOTFOUND},
	} {
		t.Run("reveal_"+tc.name, func(t *testing.T) {
			_, p, err := e.RevealUserPersonal(ctx, tc.who, u.ID)
			if engine.ErrorCode(err) != tc.code {
				t.Fatalf("got %v, want %q", err, tc.code)
			}
			if tc.code == "" && p.IDNumber != "370102199007072027" {
				t.Errorf("revealed %q", p.IDNumber)
			}
		})
	}
	page, err := e.Store().ListAudit(ctx, engine.AuditFilter{Action: "pii.reveal", ObjectID: u.ID}, engine.Page{Limit: 10})
	if err != nil || len(page.Events) != 2 {
		t.Errorf("want the two reveals audited, got %+v %v", page, err)
	}

	// The page posts the masks back: nothing changes, nothing is audited.
	same, err := e.SetUserPersonal(ctx, admin, u.ID, stored.Version, engine.UserPersonal{IDNumber: "3701**********2027", Mobile: "139****0001"})
	if err != nil || same.Version != stored.Version || same.SealedIDNumber != stored.SealedIDNumber {
		t.Fatalf("posting the masks back: %+v %v", same, err)
	}
	// The revealed values posted back unchanged: nothing changes either.
	same, err = e.SetUserPersonal(ctx, admin, u.ID, stored.Version, engine.UserPersonal{IDNumber: "370102199007072027", Mobile: " 13905520001 "})
	if err != nil || same.Version != stored.Version || same.SealedIDNumber != stored.SealedIDNumber || same.SealedMobile != stored.SealedMobile {
		t.Fatalf("posting the full values back: %+v %v", same, err)
	}
	// A new ID number, the mobile cleared.
	changed, err := e.SetUserPersonal(ctx, admin, u.ID, stored.Version, engine.UserPersonal{IDNumber: "370102198503121014", Mobile: ""})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.MaskedUserPersonal(changed); got.IDNumber != "3701**********1014" || got.Mobile != "" {
		t.Errorf("after the change: %+v", got)
	}
	// A second admin on the page loaded before: conflict, nothing saved.
	if _, err := e.SetUserPersonal(ctx, admin, u.ID, stored.Version, engine.UserPersonal{IDNumber: "370102199007072027"}); engine.ErrorCode(err) != engine.ECONFLICT {
		t.Errorf("stale version: %v, want %s", err, engine.ECONFLICT)
	}
	if _, err := e.SetUserPersonal(ctx, admin, u.ID, changed.Version, engine.UserPersonal{IDNumber: "370102198503121015"}); engine.ErrorCode(err) != engine.EINVALID {
		t.Errorf("bad check digit: %v, want %s", err, engine.EINVALID)
	}
	for _, who := range []*engine.Actor{finance, elsewhere} {
		if _, err := e.SetUserPersonal(ctx, who, u.ID, changed.Version, engine.UserPersonal{}); err == nil {
			t.Errorf("%s set personal data", who.User.Username)
		}
	}
	page, err = e.Store().ListAudit(ctx, engine.AuditFilter{Action: "user.personal", ObjectID: u.ID}, engine.Page{Limit: 10})
	if err != nil || len(page.Events) != 1 || page.Events[0].Detail["mobile"] != false || page.Events[0].Detail["idNumber"] != true {
		t.Errorf("want one user.personal audit naming what changed, got %+v %v", page, err)
	}

	// The payroll: full for finance (one reveal naming the people), masked
	// for a supervisor (no reveal).
	ids, revealed, err := e.PayrollIDNumbers(ctx, finance, "camp1", []string{u.ID, u.ID, admin.User.ID, "nobody"}, map[string]any{"format": "xlsx"})
	if err != nil || !revealed || ids[u.ID] != "370102198503121014" || len(ids) != 1 {
		t.Fatalf("finance payroll: %v %v %v", ids, revealed, err)
	}
	ids, revealed, err = e.PayrollIDNumbers(ctx, supervisor, "camp1", []string{u.ID}, nil)
	if err != nil || revealed || ids[u.ID] != "3701**********1014" {
		t.Fatalf("supervisor payroll: %v %v %v", ids, revealed, err)
	}
	page, err = e.Store().ListAudit(ctx, engine.AuditFilter{Action: "pii.reveal", ObjectID: "camp1"}, engine.Page{Limit: 10})
	if err != nil || len(page.Events) != 1 || page.Events[0].Detail["people"] != float64(1) && page.Events[0].Detail["people"] != 1 {
		t.Errorf("want one payroll reveal naming 1 person, got %+v %v", page, err)
	}
}
