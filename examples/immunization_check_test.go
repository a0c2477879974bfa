package examples_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"canvass/app"
	"canvass/engine"
	"canvass/store/sqlite"
)

// child is a migrant child's registration.
func child(name, born, arrived string) map[string]any {
	return map[string]any{"childName": name, "sex": "female", "birthDate": born, "guardianName": "监护人" + name[:3],
		"guardianPhone": "13905521234", "origin": "贵州省毕节市", "address": "杨庄村三组 12 号", "arrivedOn": arrived, "hasCertificate": "yes"}
}

// checkRecord is one immunization check as the records API lists it.
type checkRecord struct {
	ID      string         `json:"id"`
	State   string         `json:"state"`
	OrgUnit string         `json:"orgUnit"`
	Answers map[string]any `json:"answers"`
}

// TestImmunizationCheckLife runs three quarters of work plan 11 in Liuxi
// Town: four children registered in the autumn, one in January and one in
// April; at 08:00 on the first day of each quarter the campaign's schedule
// opens one check per registered child for the village worker, due in 30
// days — run by two server processes on one database file at once, which
// create each task exactly once. The worker sees the tasks on the home
// page, files the checks (one refused while incomplete), and the one left
// past its due date shows as overdue on the dashboard until it is filed.
func TestImmunizationCheckLife(t *testing.T) {
	w := newWorld(t, at("2026-11-02 09:00"))
	const camp = "immunization-check-2027"
	w.addUser("li.wenjing", "李文静", "341299", "author")
	w.addUser("zhao.lan", "赵兰", "341299001001", "field_worker") // Yangzhuang's village worker
	w.addUser("qian.hui", "钱慧", "341299001002", "field_worker") // Hewan's village worker
	w.addUser("sun.yi", "孙毅", "341299001001", "reviewer")       // Yangzhuang's village clinic
	w.addUser("zhou.min", "周敏", "341299001002", "reviewer")     // Hewan's village clinic
	w.addUser("he.ping", "何平", "341299", "supervisor")
	w.publish("li.wenjing", "immunization-check")
	w.formPage("zhao.lan", camp, "migrant-child", "childName", "sex", "birthDate", "guardianName", "guardianPhone", "address", "arrivedOn", "hasCertificate")

	// A second server process on the same database file, with its own
	// engine and the same clock.
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	st2, err := sqlite.Open(w.dbPath, sqlite.Options{Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	eng2 := app.New(app.Config{Config: engine.Config{Store: st2, Now: w.clock.Now, Logger: discard}})

	// runSchedules runs the schedule in both processes at once and returns
	// how many tasks they created between them.
	runSchedules := func(when string) int {
		t.Helper()
		w.clock.Set(at(when))
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, a := range []*app.App{w.eng, eng2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := a.Followups.RunDue(context.Background(), []string{"server-1", "server-2"}[i])
				if err != nil {
					t.Errorf("process %d: %v", i+1, err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		return counts[0] + counts[1]
	}
	checks := func() []checkRecord {
		t.Helper()
		var page struct {
			Records []checkRecord `json:"records"`
		}
		w.do("he.ping", "GET", "/api/v1/records?campaign="+camp+"&form=immunization-check&limit=100", nil).ok(t, http.StatusOK).decode(t, &page)
		return page.Records
	}
	// perChild counts the checks of each child registration.
	perChild := func() map[string]int {
		out := map[string]int{}
		for _, c := range checks() {
			out[c.Answers["childRecord"].(string)]++
		}
		return out
	}
	openTasks := func(user string) []checkRecord {
		t.Helper()
		var page struct {
			Records []checkRecord `json:"records"`
		}
		w.do(user, "GET", "/api/v1/inbox?campaign="+camp, nil).ok(t, http.StatusOK).decode(t, &page)
		return page.Records
	}
	taskOf := func(user, childID string) checkRecord {
		t.Helper()
		for _, r := range openTasks(user) {
			if r.Answers["childRecord"] == childID {
				return r
			}
		}
		t.Fatalf("%s has no open check of child %s", user, childID)
		return checkRecord{}
	}
	overdueFollowups := func() string {
		t.Helper()
		w.signIn("he.ping") // a web session does not last a month
		body := string(w.page("he.ping", "/campaigns/"+camp+"/dashboard?org=341299001").ok(t, http.StatusOK).body)
		i := strings.Index(body, `data-schedule="quarterly-check"`)
		if i < 0 {
			t.Fatalf("the dashboard has no block for the quarterly checks")
		}
		return body[i:min(len(body), i+3000)]
	}

	t.Run("refused registrations", func(t *testing.T) {
		tests := []struct {
			name    string
			answers map[string]any
			fields  []string
		}{
			{"born tomorrow", child("杨小雨", "2026-11-03", "2026-09-01"), []string{"/birthDate constraint"}},
			{"eight years old", child("杨小雨", "2018-10-01", "2026-09-01"), []string{"/birthDate constraint"}},
			{"arrives next month", child("杨小雨", "2022-05-01", "2026-12-01"), []string{"/arrivedOn constraint"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w.submit("zhao.lan", camp, "migrant-child", "", tt.answers).fail(t, http.StatusUnprocessableEntity, "invalid", tt.fields...)
			})
		}
	})

	// Autumn: three children in Yangzhuang, two in Hewan, of whom the
	// clinics accept four; the fifth is the same child registered twice.
	a := w.mustSubmit("zhao.lan", camp, "migrant-child", "", child("杨小雨", "2022-05-01", "2026-09-01")).ID
	b := w.mustSubmit("zhao.lan", camp, "migrant-child", "", child("杨小天", "2020-03-15", "2026-09-01")).ID
	d := w.mustSubmit("qian.hui", camp, "migrant-child", "", child("吴小花", "2021-07-20", "2026-10-12")).ID
	e := w.mustSubmit("qian.hui", camp, "migrant-child", "", child("吴小军", "2023-01-09", "2026-10-12")).ID
	dup := w.mustSubmit("qian.hui", camp, "migrant-child", "", child("吴小军", "2023-01-09", "2026-10-12")).ID
	w.clock.Set(at("2026-11-03 10:00"))
	w.bulk("sun.yi", "approve", "", []string{a, b})
	w.bulk("zhou.min", "approve", "", []string{d, e})
	w.mustAct("zhou.min", dup, "reject", "与吴小军的登记重复", nil)

	// The schedule's last firing before now, 1 October 08:00, came before
	// any child was registered: it creates nothing, in either process.
	if n := runSchedules("2026-11-03 10:05"); n != 0 {
		t.Errorf("the October firing created %d tasks, want none", n)
	}
	if n := runSchedules("2026-12-31 23:59"); n != 0 || len(checks()) != 0 {
		t.Errorf("before the January firing: %d created, %d checks exist", n, len(checks()))
	}

	// 1 January 08:00: one check per registered child, whichever process
	// gets there; the rejected duplicate gets none.
	if n := runSchedules("2027-01-01 08:00"); n != 4 {
		t.Errorf("the January firing created %d tasks, want 4", n)
	}
	if n := runSchedules("2027-01-01 08:01"); n != 0 {
		t.Errorf("the January firing ran again: %d more tasks", n)
	}
	if got := perChild(); len(got) != 4 || got[a] != 1 || got[b] != 1 || got[d] != 1 || got[e] != 1 {
		t.Errorf("checks per child %v, want one each of A, B, D, E", got)
	}
	for _, c := range checks() {
		if c.State != "check_due" {
			t.Errorf("check %s is %s, want check_due", c.ID, c.State)
		}
	}

	// Zhao sees Yangzhuang's two checks among the tasks on her home page;
	// Qian sees Hewan's two.
	w.clock.Set(at("2027-01-04 09:00"))
	if got := len(openTasks("zhao.lan")); got != 2 {
		t.Errorf("Zhao has %d open tasks, want 2", got)
	}
	if got := len(openTasks("qian.hui")); got != 2 {
		t.Errorf("Qian has %d open tasks, want 2", got)
	}
	w.signIn("zhao.lan")
	taskCount := regexp.MustCompile(`待办任务</a> <span class="badge count[^"]*">(\d+) 项</span>`)
	home := string(w.page("zhao.lan", "/").ok(t, http.StatusOK).body)
	if m := taskCount.FindStringSubmatch(home); m == nil || m[1] != "2" {
		t.Errorf("Zhao's home page shows tasks %v, want 2", m)
	}
	task := w.record("zhao.lan", taskOf("zhao.lan", a).ID)
	if task.DueAt == nil || !task.DueAt.Equal(at("2027-01-31 08:00")) {
		t.Errorf("A's check is due %v, want 30 days after the firing", task.DueAt)
	}
	if task.Answers["childRecord"] != a || task.Answers["birthDate"] != "2022-05-01" || task.Answers["childName"] == nil {
		t.Errorf("A's check does not name the child: %v", task.Answers)
	}
	edit := string(w.page("zhao.lan", "/records/"+task.ID+"/edit").ok(t, http.StatusOK).body)
	for _, name := range []string{"stillResident", "certificateChecked", "upToDate"} {
		if !strings.Contains(edit, `name="`+name+`"`) {
			t.Errorf("the check's page has no field %s", name)
		}
	}

	// A check without the vaccination status is refused; then Zhao files
	// A's, and Qian files both of Hewan's in time.
	answers := task.Answers
	answers["stillResident"], answers["certificateChecked"] = "yes", "yes"
	w.act("zhao.lan", task.ID, "submit", "", task.Version, answers).fail(t, http.StatusUnprocessableEntity, "invalid", "/upToDate required")
	answers["upToDate"] = "yes"
	if r := w.mustAct("zhao.lan", task.ID, "submit", "", answers); r.State != "checked" {
		t.Errorf("A's check went to %s, want checked", r.State)
	}
	for _, id := range []string{d, e} {
		tk := w.record("qian.hui", taskOf("qian.hui", id).ID)
		tk.Answers["stillResident"], tk.Answers["certificateChecked"], tk.Answers["upToDate"], tk.Answers["missingVaccines"] =
			"yes", "yes", "no", "百白破第4剂，已约 1 月 20 日补种"
		w.mustAct("qian.hui", tk.ID, "submit", "", tk.Answers)
	}
	if m := taskCount.FindStringSubmatch(string(w.page("zhao.lan", "/").ok(t, http.StatusOK).body)); m == nil || m[1] != "1" {
		t.Errorf("after filing A's check Zhao's home page shows tasks %v, want 1", m)
	}

	// C arrives in January, after the firing: no check this quarter.
	w.clock.Set(at("2027-01-05 09:00"))
	c := w.mustSubmit("zhao.lan", camp, "migrant-child", "", child("杨小乐", "2024-02-02", "2027-01-02")).ID
	w.mustAct("sun.yi", c, "approve", "", nil)
	if n := runSchedules("2027-01-05 09:05"); n != 0 {
		t.Errorf("a child registered after the firing got %d tasks this quarter", n)
	}

	// B's check lies past 31 January 08:00: overdue on the dashboard and
	// on Zhao's home page.
	w.clock.Set(at("2027-01-31 07:59"))
	if block := overdueFollowups(); !strings.Contains(block, "0 项逾期未完成") {
		t.Errorf("overdue before the due time: %s", block)
	}
	w.clock.Set(at("2027-02-01 09:00"))
	block := overdueFollowups()
	bTask := taskOf("zhao.lan", b).ID
	if !strings.Contains(block, "1 项逾期未完成") || !strings.Contains(block, "/records/"+bTask) || !strings.Contains(block, "杨庄村") ||
		!strings.Contains(block, "2027-01-31 08:00") || !strings.Contains(block, "流动儿童计划免疫接种情况查验表") {
		t.Errorf("the dashboard does not list B's overdue check: %s", block)
	}
	var dash struct {
		Overdue int64 `json:"overdue"`
	}
	w.do("he.ping", "GET", "/api/v1/campaigns/"+camp+"/dashboard?org=341299001", nil).ok(t, http.StatusOK).decode(t, &dash)
	if dash.Overdue != 1 {
		t.Errorf("the dashboard counts %d overdue tasks, want 1", dash.Overdue)
	}
	w.signIn("zhao.lan")
	if !strings.Contains(string(w.page("zhao.lan", "/").ok(t, http.StatusOK).body), "其中 1 项已逾期") {
		t.Errorf("Zhao's home page does not say one task is overdue")
	}
	late := w.record("zhao.lan", bTask)
	late.Answers["stillResident"] = "moved"
	if r := w.mustAct("zhao.lan", bTask, "submit", "", late.Answers); r.State != "checked" {
		t.Errorf("B's late check went to %s", r.State)
	}
	if block := overdueFollowups(); !strings.Contains(block, "0 项逾期未完成") {
		t.Errorf("still overdue after B's check was filed: %s", block)
	}

	// 1 April: the second quarter's checks, C's first among them; F
	// arrives in April and waits for July.
	if n := runSchedules("2027-04-01 08:00"); n != 5 {
		t.Errorf("the April firing created %d tasks, want 5", n)
	}
	w.clock.Set(at("2027-04-10 09:00"))
	f := w.mustSubmit("zhao.lan", camp, "migrant-child", "", child("杨小禾", "2025-06-06", "2027-04-08")).ID
	w.mustAct("sun.yi", f, "approve", "", nil)
	if n := runSchedules("2027-04-10 09:05"); n != 0 {
		t.Errorf("April ran again: %d tasks", n)
	}
	if n := runSchedules("2027-07-01 08:00"); n != 6 {
		t.Errorf("the July firing created %d tasks, want 6", n)
	}
	if got, want := perChild(), map[string]int{a: 3, b: 3, c: 2, d: 3, e: 3, f: 1}; !equalCounts(got, want) {
		t.Errorf("checks per child after three quarters %v, want %v", got, want)
	}
	if got := len(openTasks("zhao.lan")); got != 3+4 {
		t.Errorf("Zhao has %d open checks in July, want 7 (A, B, C from April; A, B, C, F from July)", got)
	}
	runs, err := w.eng.Store().ListScheduleRuns(context.Background(), camp)
	if err != nil {
		t.Fatal(err)
	}
	var created []int
	for _, r := range runs {
		if r.DoneAt.IsZero() {
			t.Errorf("firing %v is not done", r.FireAt)
		}
		created = append(created, r.Created)
	}
	if got := fmt.Sprint(created); got != "[6 5 4 0]" {
		t.Errorf("tasks per firing, newest first: %s, want [6 5 4 0]", got)
	}
}
