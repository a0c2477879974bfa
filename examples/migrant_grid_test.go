package examples_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// newcomer is a migrant's arrival registration; seq's parity is the sex
// (odd male); arrived is "2006-01-02 15" (the day and the hour).
func newcomer(name string, seq int, arrived string) map[string]any {
	hour, err := strconv.Atoi(arrived[11:])
	if err != nil {
		panic(err)
	}
	sex := "female"
	if seq%2 == 1 {
		sex = "male"
	}
	return map[string]any{"name": name, "idNumber": residentID("341221", "19920315", seq), "sex": sex, "phone": "13905521234",
		"arrivedOn": arrived[:10], "arrivedHour": hour, "origin": "安徽省阜阳市临泉县", "address": "湖滨路 18 号 302 室", "purpose": "work", "employer": "清河区恒达电子厂"}
}

// TestMigrantGridLife runs ten days of November 2026 of the migrant
// service grid in Donghu Subdistrict: Hubin's station registers its four
// newcomers within the day, returning one for another visit; Xinhua's
// station lets two lie past the 24 hours, is reminded twice and loses them
// to the subdistrict's office; the dashboard counts them overdue meanwhile.
// Rewards: 0.5 yuan collected, 1 entered, 1.5 approved.
func TestMigrantGridLife(t *testing.T) {
	w := newWorld(t, at("2026-11-10 08:00"))
	const camp = "migrant-grid-2027"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("ye.qing", "叶青", "341299003001", "field_worker") // Hubin's grid worker
	w.addUser("cao.li", "曹丽", "341299003002", "field_worker")  // Xinhua's grid worker
	w.addUser("lu.fang", "陆芳", "341299003001", "field_worker") // Hubin station's clerk
	w.addUser("tang.min", "唐敏", "341299003001", "reviewer")    // Hubin's station
	w.addUser("xu.hong", "许红", "341299003002", "reviewer")     // Xinhua's station
	w.addUser("yao.bin", "姚斌", "341299003", "reviewer")        // the subdistrict's migrant office
	w.addUser("he.ping", "何平", "341299", "supervisor")
	w.addUser("shen.min", "沈敏", "341299", "finance")
	w.publish("li.wenjing", "migrant-grid")
	w.formPage("ye.qing", camp, "migrant-arrival", "name", "idNumber", "sex", "phone", "arrivedOn", "arrivedHour", "origin", "address", "purpose", "employer")

	t.Run("refused records", func(t *testing.T) {
		with := func(k string, v any) map[string]any {
			a := newcomer("龚建军", 131, "2026-11-09 20")
			if v == nil {
				delete(a, k)
			} else {
				a[k] = v
			}
			return a
		}
		tests := []struct {
			name    string
			answers map[string]any
			fields  []string
		}{
			{"a man's ID number, sex female", with("sex", "female"), []string{"/sex constraint"}},
			{"arrives later today", newcomer("龚建军", 131, "2026-11-10 09"), []string{"/arrivedHour constraint"}},
			{"arrives tomorrow", with("arrivedOn", "2026-11-11"), []string{"/arrivedHour constraint"}},
			{"an hour of 24", with("arrivedHour", 24), []string{"/arrivedHour max"}},
			{"a phone of 8 digits", with("phone", "55612345"), []string{"/phone format_mobile"}},
			{"no address", with("address", nil), []string{"/address required"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("ye.qing", camp, "migrant-arrival", "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
	})

	// Hubin: three who came last night, one who came three days ago and
	// was reported late. Xinhua: two who came this morning.
	a := w.mustSubmit("ye.qing", camp, "migrant-arrival", "", newcomer("龚建军", 131, "2026-11-09 20")).ID
	b := w.mustSubmit("ye.qing", camp, "migrant-arrival", "", newcomer("龚秀兰", 132, "2026-11-09 20")).ID
	c := w.mustSubmit("ye.qing", camp, "migrant-arrival", "", newcomer("龚小军", 133, "2026-11-09 21")).ID
	d := w.mustSubmit("ye.qing", camp, "migrant-arrival", "", newcomer("范德明", 135, "2026-11-07 10")).ID
	w.clock.Set(at("2026-11-10 09:00"))
	e := w.mustSubmit("cao.li", camp, "migrant-arrival", "", newcomer("贺春燕", 142, "2026-11-10 07")).ID
	f := w.mustSubmit("cao.li", camp, "migrant-arrival", "", newcomer("贺春燕", 142, "2026-11-10 07")).ID
	if r := w.record("tang.min", a); r.DueAt == nil || !r.DueAt.Equal(at("2026-11-11 08:00")) {
		t.Errorf("A's registration is due %v, want 24 hours after it was filed", r.DueAt)
	}
	if got := []any{w.record("tang.min", a).Answers["reportedLate"], w.record("tang.min", d).Answers["reportedLate"]}; got[0] != false || got[1] != true {
		t.Errorf("reported late: A %v, D %v; want false, true", got[0], got[1])
	}
	// A station sees and checks only its own community's registrations.
	w.act("xu.hong", a, "approve", "", w.record("tang.min", a).Version, nil).fail(t, http.StatusNotFound, "not_found")

	// Hubin's station returns C (the room number is wrong) and registers
	// the rest the same day; Ye visits C again.
	w.clock.Set(at("2026-11-10 15:00"))
	w.mustAct("tang.min", c, "return", "房号与出租房屋登记不符，请再次入户核实", nil)
	corr := w.record("ye.qing", c)
	corr.Answers["address"] = "湖滨路 18 号 305 室"
	if r := w.mustAct("ye.qing", c, "submit", "", corr.Answers); r.State != "station_check" {
		t.Fatalf("C resubmitted to %s", r.State)
	}
	if n := w.bulk("tang.min", "approve", "", []string{a, b, c, d}); n != 4 {
		t.Fatalf("registered %d", n)
	}

	// Xinhua's station lets E and F lie past the 24 hours: the dashboard
	// counts them overdue, reminders follow at the due time and 8 hours
	// later, and 8 hours after that the subdistrict's office takes over.
	sweep := func(when string) {
		w.clock.Set(at(when))
		if _, err := w.eng.SweepTimers(context.Background(), "examples-test", 100); err != nil {
			t.Fatal(err)
		}
	}
	kinds := func(user, id string) string {
		var notes struct {
			Notifications []struct {
				RecordID string `json:"recordId"`
				Kind     string `json:"kind"`
			} `json:"notifications"`
		}
		w.do(user, "GET", "/api/v1/notifications", nil).ok(t, http.StatusOK).decode(t, &notes)
		var ks []string
		for _, n := range notes.Notifications {
			if n.RecordID == id {
				ks = append(ks, n.Kind)
			}
		}
		return strings.Join(ks, " ")
	}
	overdue := func(org string) int64 {
		var d struct {
			Overdue int64 `json:"overdue"`
		}
		w.do("he.ping", "GET", "/api/v1/campaigns/"+camp+"/dashboard?org="+org, nil).ok(t, http.StatusOK).decode(t, &d)
		return d.Overdue
	}
	sweep("2026-11-11 08:30")
	if got := kinds("xu.hong", e); got != "" {
		t.Errorf("reminded before the 24 hours were up: %q", got)
	}
	if n := overdue("341299003"); n != 0 {
		t.Errorf("%d overdue before the due time", n)
	}
	sweep("2026-11-11 09:05")
	if got := map[string]int64{"341299003": overdue("341299003"), "341299003001": overdue("341299003001"), "341299003002": overdue("341299003002")}; got["341299003"] != 2 || got["341299003001"] != 0 || got["341299003002"] != 2 {
		t.Errorf("overdue on the dashboard %v, want 2 in Donghu, all in Xinhua", got)
	}
	var listed struct {
		Total int `json:"total"`
	}
	w.do("he.ping", "GET", "/api/v1/records?campaign="+camp+"&org=341299003&overdue=1&total=1", nil).ok(t, http.StatusOK).decode(t, &listed)
	if listed.Total != 2 {
		t.Errorf("the overdue list has %d, want 2", listed.Total)
	}
	w.signIn("he.ping")
	if page := string(w.page("he.ping", "/campaigns/"+camp+"/dashboard?org=341299003").ok(t, http.StatusOK).body); !strings.Contains(page, "overdue=1") {
		t.Errorf("the dashboard page does not link the overdue registrations")
	}
	sweep("2026-11-11 17:05")
	if got := kinds("xu.hong", e); got != "reminder reminder" {
		t.Errorf("Xinhua's station told %q, want two reminders", got)
	}
	if got := kinds("yao.bin", e); got != "" {
		t.Errorf("the subdistrict heard %q before the escalation", got)
	}
	sweep("2026-11-12 01:05")
	if got := kinds("yao.bin", e); got != "escalation" {
		t.Errorf("the subdistrict was told %q, want the escalation", got)
	}
	w.clock.Set(at("2026-11-12 09:00"))
	w.mustAct("yao.bin", e, "approve", "", nil)
	w.mustAct("yao.bin", f, "reject", "与同日登记的贺春燕重复", nil)
	if n := overdue("341299003"); n != 0 {
		t.Errorf("%d still overdue after the subdistrict decided", n)
	}

	// The clerks enter the registered newcomers.
	for _, id := range []string{a, b, c, d} {
		w.do("lu.fang", "POST", "/api/v1/records/"+id+"/entered", nil).ok(t, http.StatusOK)
	}
	w.do("cao.li", "POST", "/api/v1/records/"+e+"/entered", nil).ok(t, http.StatusOK)
	w.do("cao.li", "POST", "/api/v1/records/"+f+"/entered", nil).fail(t, http.StatusUnprocessableEntity, "invalid", "/state not_enterable")

	if got, want := w.counts("yao.bin", camp, "station_check", "revisit", "registered", "rejected"),
		map[string]int{"station_check": 0, "revisit": 0, "registered": 5, "rejected": 1}; !equalCounts(got, want) {
		t.Errorf("records by state %v, want %v", got, want)
	}

	// November's rewards: Ye collected 4 (0.5 each) and had 4 approved
	// (1.5 each): 8 yuan; Cao collected 2, had 1 approved and entered it:
	// 3.5 yuan; Lu entered 4: 4 yuan.
	p := w.payments("shen.min", camp, "2026-11")
	if got, want := w.byWorker(p), map[string]int64{"ye.qing": 800, "cao.li": 350, "lu.fang": 400}; !equalFen(got, want) || p.Total.TotalFen != 1550 {
		t.Errorf("paid %v (total %d), want %v (1550)", got, p.Total.TotalFen, want)
	}
	items := w.itemTotals(p)
	for k, v := range map[string]int64{"ye.qing/collected": 200, "ye.qing/approved": 600, "cao.li/collected": 100, "cao.li/approved": 150,
		"cao.li/entered": 100, "lu.fang/entered": 400} {
		if items[k] != v {
			t.Errorf("%s = %d fen, want %d", k, items[k], v)
		}
	}

	// Reported within 24 hours: 4 of Donghu's 5 registrations (D came
	// three days before it was reported; F is void).
	var ind struct {
		Values []struct {
			ID, OrgUnit, Display   string
			Numerator, Denominator float64
			Met                    bool
		} `json:"values"`
	}
	w.do("yao.bin", "GET", "/api/v1/campaigns/"+camp+"/indicators?org=341299003&period=2026-11&granularity=month", nil).ok(t, http.StatusOK).decode(t, &ind)
	if len(ind.Values) != 1 || fmt.Sprintf("%g/%g=%s %v", ind.Values[0].Numerator, ind.Values[0].Denominator, ind.Values[0].Display, ind.Values[0].Met) != "4/5=80.0 false" {
		t.Errorf("reported within 24 hours: %+v, want 4/5 = 80.0, not met", ind.Values)
	}
}
