package server

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"canvass/engine"
	"canvass/engine/pay"
)

// atOnce sends n copies of a page form POST as username together and
// counts the answers by status; any answer but want or a 409 is an error
// (a 500 above all).
func (rp *rolePages) atOnce(t *testing.T, n int, username, target string, want int, fields ...string) (wanted, conflicts int) {
	t.Helper()
	rp.page(username, "GET", "/") // a session before the race
	s := rp.sessions[username]
	results := rp.doAtOnce(n, func(int) req {
		return req{method: "POST", target: target, cookies: pageAs(s[0]), header: formHeader, body: form(append([]string{"_csrf", s[1]}, fields...)...)}
	})
	for _, r := range results {
		switch r.status {
		case want:
			wanted++
		case http.StatusConflict:
			conflicts++
		default:
			t.Errorf("%s at once: status %d: %s", target, r.status, visibleText(r.body))
		}
	}
	return wanted, conflicts
}

// TestRolePagesAtOnce: the same action sent four times at once — a
// double click on a slow line, or two people on the same item — does its
// work once, answers the others in words, and never 500s or writes a
// second ledger line.
func TestRolePagesAtOnce(t *testing.T) {
	rp := newRolePages(t)
	ctx := context.Background()

	t.Run("attendance", func(t *testing.T) {
		rp.atOnce(t, 4, "super", "/campaigns/survey-2026/attendance", http.StatusSeeOther, "worker", rp.supervisor.ID, "date", "2026-12-04")
		table, err := rp.eng.Pay.Payments(ctx, asActor(rp.finance), pay.PaymentQuery{CampaignID: "survey-2026", WorkerID: rp.supervisor.ID})
		if err != nil {
			t.Fatal(err)
		}
		if table.Total.Count != 1 || table.Total.TotalFen != 5000 {
			t.Errorf("four clicks at once paid %+v, want one day of 50 yuan", table.Total)
		}
	})

	t.Run("data_entry", func(t *testing.T) {
		rp.user("clerk", grandUnit, engine.RoleFieldWorker)
		id := rp.households[0]
		r, err := rp.store.GetRecord(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		item := id + ":" + strconv.FormatInt(r.Version, 10)
		rp.atOnce(t, 4, "clerk", "/entry?campaign=survey-2026", http.StatusOK, "one", item)
		if r, err = rp.store.GetRecord(ctx, id); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range r.History {
			if h.Action == pay.ActionEnter {
				n++
			}
		}
		if n != 1 {
			t.Errorf("entered %d times, want once", n)
		}
	})

	t.Run("period_lock", func(t *testing.T) {
		ok, conflicts := rp.atOnce(t, 4, "finance", "/finance/lock", http.StatusSeeOther, "campaign", "survey-2026", "period", "2026-12", "reason", "十二月已核对")
		if ok != 1 || conflicts != 3 {
			t.Errorf("%d locks and %d conflicts, want 1 and 3", ok, conflicts)
		}
		locks, err := rp.eng.Pay.PeriodLocks(ctx, asActor(rp.finance), "survey-2026")
		if err != nil || len(locks) != 1 {
			t.Errorf("locks %+v %v", locks, err)
		}
	})
}

// TestUserPersonalAtOnce: two admins' different numbers at once: one is
// saved, the other told; the same numbers at once (a double click): saved
// once.
func TestUserPersonalAtOnce(t *testing.T) {
	up := newUserPages(t)
	target := "/admin/users/" + up.worker.ID + "/personal"
	version := strconv.FormatInt(up.worker.Version, 10)
	ids := []string{"370102199007072027", "370102198503121014"}
	results := up.doAtOnce(2, func(i int) req {
		return req{method: "POST", target: target, cookies: pageAs(up.cookie), header: formHeader,
			body: form("_csrf", up.csrf, "idNumber", ids[i], "mobile", "", "version", version)}
	})
	saved, conflicts := 0, 0
	for _, r := range results {
		switch r.status {
		case http.StatusSeeOther:
			saved++
		case http.StatusConflict:
			conflicts++
			wantText(t, r, http.StatusConflict, []string{"其他人修改了这个用户"})
		default:
			t.Errorf("status %d: %s", r.status, visibleText(r.body))
		}
	}
	if saved != 1 || conflicts != 1 {
		t.Errorf("%d saved, %d conflicts; want 1 and 1", saved, conflicts)
	}
	u := up.stored(t)
	if u.Version != up.worker.Version+1 {
		t.Errorf("version %d, want %d", u.Version, up.worker.Version+1)
	}

	version = strconv.FormatInt(u.Version, 10)
	results = up.doAtOnce(3, func(int) req {
		return req{method: "POST", target: target, cookies: pageAs(up.cookie), header: formHeader,
			body: form("_csrf", up.csrf, "idNumber", "11010519491231002X", "mobile", "13905520009", "version", version)}
	})
	for _, r := range results {
		if r.status != http.StatusSeeOther {
			t.Errorf("a double click: status %d: %s", r.status, visibleText(r.body))
		}
	}
	if got := up.stored(t); got.Version != u.Version+1 {
		t.Errorf("three clicks at once: version %d, want %d", got.Version, u.Version+1)
	}
	events, err := up.store.ListAudit(context.Background(), engine.AuditFilter{Action: "user.personal", ObjectID: up.worker.ID}, engine.Page{Limit: 10})
	if err != nil || len(events.Events) != 2 {
		t.Errorf("user.personal audited %d times, want 2 (%v)", len(events.Events), err)
	}
}
