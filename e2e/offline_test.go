package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"

	"canvass/engine"
)

// cuttable is a TCP relay in front of the site that can drop the
// network: while cut it closes every open connection and refuses new
// ones, as a stairwell with no signal does. The browser only knows the
// relay's address, so its service worker and its IndexedDB stay with
// one origin across the cut.
type cuttable struct {
	ln      net.Listener
	backend string
	mu      sync.Mutex
	cut     bool
	conns   map[net.Conn]bool
}

func startCuttable(t *testing.T, backend string) *cuttable {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cuttable{ln: ln, backend: strings.TrimPrefix(backend, "http://"), conns: map[net.Conn]bool{}}
	go c.serve()
	t.Cleanup(func() { ln.Close(); c.setCut(true) })
	return c
}

func (c *cuttable) base() string { return "http://" + c.ln.Addr().String() }

func (c *cuttable) serve() {
	for {
		in, err := c.ln.Accept()
		if err != nil {
			return
		}
		c.mu.Lock()
		if c.cut {
			c.mu.Unlock()
			in.Close()
			continue
		}
		c.conns[in] = true
		c.mu.Unlock()
		go func() {
			out, err := net.Dial("tcp", c.backend)
			if err != nil {
				in.Close()
				return
			}
			c.mu.Lock()
			c.conns[out] = true
			c.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			io.Copy(in, out)
			in.Close()
		}()
	}
}

func (c *cuttable) setCut(cut bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cut = cut
	if cut {
		for conn := range c.conns {
			conn.Close()
		}
		c.conns = map[net.Conn]bool{}
	}
}

// launchProfile starts chromium on a profile directory that outlives
// it, so that closing the browser and starting it again is what a phone
// restart is to the app: cookies, IndexedDB, caches and the service
// worker stay. stop closes the browser.
func launchProfile(t *testing.T, dir string) (ctx context.Context, stop func()) {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	once := sync.Once{}
	stop = func() {
		once.Do(func() {
			cancelTime()
			cancelTab()
			cancelAlloc()
		})
	}
	t.Cleanup(stop)
	return ctx, stop
}

// setOnline switches the tab's network, for the page and for its service
// worker, and navigator.onLine with it.
func setOnline(t *testing.T, ctx context.Context, online bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: new(!online),
		MatchedNetworkConditions:    []*network.Conditions{{Offline: !online, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatalf("emulate the network: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: !online, DownloadThroughput: -1, UploadThroughput: -1,
	}); err != nil {
		t.Fatalf("override navigator.onLine: %v", err)
	}
}

// waitJS polls a JavaScript condition for up to 20 seconds.
func waitJS(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){try{return !!(`+cond+`)}catch(e){return false}})()`))
		if err == nil && ok {
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
	shot(t, ctx, "timeout-"+strings.ReplaceAll(what, " ", "-"), "")
	t.Fatalf("timed out waiting for %s (%s)", what, cond)
}

const offlineSurvey = "/campaigns/fertility-survey-2026/forms/fertility-household/new"

// household is one visit: who, and whether she intends a third child.
type household struct {
	name, id string
	third    bool
}

// fillFirstPart types the respondent (the first section).
func fillFirstPart(t *testing.T, ctx context.Context, h household) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("f-personal-respondentName")),
		chromedp.SendKeys(chromedp.ID("f-personal-respondentName"), h.name),
		chromedp.SendKeys(chromedp.ID("f-personal-respondentId"), h.id),
		chromedp.Click(chromedp.ID("f-personal-maritalStatus-0")),
		chromedp.SetValue(chromedp.ID("f-personal-education"), "senior"),
	)
	if err != nil {
		t.Fatalf("%s: fill the respondent: %v", h.name, err)
	}
}

// fillRest answers the other sections and presses 提交.
func fillRest(t *testing.T, ctx context.Context, h household) {
	t.Helper()
	third := "no"
	if h.third {
		third = "yes"
	}
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-care-childCount"), "2"),
		chromedp.Click(chromedp.ID("f-care-caresForElders-no")),
		chromedp.Click(chromedp.ID("f-support-usesChildcare-no")),
		chromedp.Click(chromedp.ID("f-support-difficulties-0")),
		chromedp.Click(chromedp.ID("f-intention-intendsThirdChild-"+third)),
	)
	if err != nil {
		t.Fatalf("%s: fill the care and intention sections: %v", h.name, err)
	}
	if h.third {
		// The skip rule, run on the phone: the timing question appears.
		waitJS(t, ctx, "the third-child timing question", `document.querySelector("#f-intention-thirdChildTiming").offsetParent !== null`)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("f-intention-thirdChildTiming-1"))); err != nil {
			t.Fatal(err)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("f-family-householdSize"), "4"),
		chromedp.Click(chromedp.ID("f-family-hukouType-0")),
		chromedp.SetValue(chromedp.ID("f-family-income"), "60k_100k"),
		chromedp.Click(chromedp.CSS(`.form-actions button[name="_action"][value="submit"]`)),
	)
	if err != nil {
		t.Fatalf("%s: finish and submit: %v", h.name, err)
	}
	if got, err := waitText(ctx, "#offline-banner", func(s string) bool { return strings.Contains(s, "已保存在本机") }); err != nil {
		shot(t, ctx, "not-queued", "")
		t.Fatalf("%s: no 已保存在本机 after submitting offline: %q %v", h.name, got, err)
	}
}

// localID is the record ID of the form on the page (its #local= hash).
func localID(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(loc, "#local=")
	if i < 0 {
		t.Fatalf("no #local= in %s", loc)
	}
	return loc[i+len("#local="):]
}

// goOfflineReady signs in (online) and waits until the phone holds the
// bundle and the service worker controls the page.
func goOfflineReady(t *testing.T, ctx context.Context, s *site) {
	t.Helper()
	signIn(t, ctx, s, "worker", "")
	waitJS(t, ctx, "the offline bundle", `document.documentElement.getAttribute("data-offline-ready") === "true"`)
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the service worker", `navigator.serviceWorker.controller !== null`)
	waitJS(t, ctx, "the offline bundle after reload", `document.documentElement.getAttribute("data-offline-ready") === "true"`)
}

// TestOfflineDayOfVisits: a surveyor signs in, loses the network, fills
// three household surveys on the phone — a skip rule, a calculated age
// and a bad ID number's Chinese error all worked out offline — reloads
// mid-form, closes the browser mid-form and starts it again, still
// offline; her session expires meanwhile. The phone then holds no
// personal data and no usable key in clear (IndexedDB read by script and
// on disk); the records are locked, the half-done one cannot be
// overwritten. Back online she signs in again, the queue is still there
// and syncs; the half-done visit, unlocked, is finished offline and
// synced; the server holds each of the three records exactly once.
func TestOfflineDayOfVisits(t *testing.T) {
	s := startSite(t)
	s.keepOpen(t, "fertility-survey-2026")
	relay := startCuttable(t, s.base)
	via := &site{base: relay.base(), eng: s.eng, st: s.st}
	profile := t.TempDir()
	ctx, stop := launchProfile(t, profile)
	goOfflineReady(t, ctx, via)

	relay.setCut(true)
	setOnline(t, ctx, false)

	visits := []household{
		{name: "林晓雯", id: residentID("1991-04-17", 246), third: true},
		{name: "周美兰", id: residentID("1988-09-02", 118)},
		{name: "陈素芬", id: residentID("1995-01-30", 402), third: true},
	}
	var ids []string

	// Visit 1: the bad ID number's error and the calculated age, offline.
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+offlineSurvey)); err != nil {
		t.Fatalf("open the survey offline: %v", err)
	}
	bad := visits[0].id[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", visits[0].id[17])+1)%11])
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("f-personal-respondentId")),
		chromedp.SendKeys(chromedp.ID("f-personal-respondentId"), bad),
	); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(ctx, "#f-personal-respondentId-error", func(s string) bool { return s == "身份证号码校验位不对，请逐位核对" }); err != nil {
		t.Errorf("offline error beside the bad ID number: %q (%v)", got, err)
	}
	shot(t, ctx, "offline-bad-id", "")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("f-personal-respondentId").value = ""`)); err != nil {
		t.Fatal(err)
	}
	fillFirstPart(t, ctx, visits[0])
	if got, err := waitText(ctx, "#f-personal-respondentAge", func(s string) bool { return s == "35" }); err != nil {
		t.Errorf("calculated age offline: %q, want 35 (%v)", got, err)
	}
	if got := textOf(t, ctx, "#f-personal-respondentId-error"); got != "" {
		t.Errorf("the error stays after the correction: %q", got)
	}
	ids = append(ids, localID(t, ctx))
	fillRest(t, ctx, visits[0])

	// Visit 2: reloaded mid-form; the answers come back from IndexedDB.
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+offlineSurvey)); err != nil {
		t.Fatal(err)
	}
	fillFirstPart(t, ctx, visits[1])
	ids = append(ids, localID(t, ctx))
	waitSaved(t, ctx) // the local save runs 250 ms after the last keystroke
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the restored name", `document.getElementById("f-personal-respondentName").value === "`+visits[1].name+`"`)
	if got := localID(t, ctx); got != ids[1] {
		t.Errorf("after the reload the record is %s, want %s", got, ids[1])
	}
	fillRest(t, ctx, visits[1])

	// Visit 3: the browser is closed mid-form and started again, still
	// offline, and the session expires meanwhile.
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+offlineSurvey)); err != nil {
		t.Fatal(err)
	}
	fillFirstPart(t, ctx, visits[2])
	ids = append(ids, localID(t, ctx))
	waitSaved(t, ctx)
	stop()

	ctx, _ = launchProfile(t, profile)
	setOnline(t, ctx, false)
	if _, err := chromedp.Call(ctx, storage.ClearCookies, storage.ClearCookiesParams{}); err != nil {
		t.Fatalf("expire the session: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+"/")); err != nil {
		t.Fatalf("open the home page offline: %v", err)
	}
	waitJS(t, ctx, "the local records on the home page", `document.querySelectorAll('[data-record][data-status="unsent"]').length === 2 && document.querySelectorAll('[data-record][data-status="draft"]').length === 1`)
	if got := textOf(t, ctx, "[data-offline-count]"); got != "未同步 2 条" {
		t.Errorf("home count offline: %q, want 未同步 2 条", got)
	}
	shot(t, ctx, "offline-home", "")

	// What the phone stores holds no personal data in clear and no key
	// that opens it: after the restart the records are locked until the
	// server gives the key again to a signed-in session.
	var personal []string
	for _, v := range visits {
		personal = append(personal, v.name, v.id)
	}
	stored := readPhoneStorage(t, ctx)
	checkNothingInClear(t, stored, personal)
	if stored.SessionKey {
		t.Error("after a browser restart the tab still holds the wrapping key")
	}
	checkDiskHasNone(t, profile, personal)
	if got, err := waitText(ctx, "[data-offline-locked]", func(s string) bool { return strings.Contains(s, "已加密锁定") }); err != nil {
		t.Errorf("the home page does not say the records are locked: %q (%v)", got, err)
	}

	// The third visit cannot be resumed while locked, and typing on its
	// page does not overwrite what was kept.
	before := readRecordStamp(t, ctx, ids[2])
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-record="`+ids[2]+`"] a`))); err != nil {
		t.Fatalf("open the third visit: %v", err)
	}
	if got, err := waitText(ctx, "#offline-banner", func(s string) bool { return strings.Contains(s, "重新登录后才能继续填写") }); err != nil {
		t.Errorf("locked record's banner: %q (%v)", got, err)
	}
	shot(t, ctx, "locked-record", "")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("f-care-childCount"), "3")); err != nil {
		t.Fatal(err)
	}
	waitSaved(t, ctx)
	if after := readRecordStamp(t, ctx, ids[2]); after != before {
		t.Errorf("the locked record was overwritten: %s, then %s", before, after)
	}

	// Back online: the expired session asks for a sign-in, the queue
	// stays; signed in, the phone gets its key again and the two queued
	// records upload.
	relay.setCut(false)
	setOnline(t, ctx, true)
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+"/")); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "/login") {
		t.Fatalf("with the session gone the home page is at %s, want the sign-in page", loc)
	}
	signIn(t, ctx, via, "worker", "")
	waitJS(t, ctx, "the two queued synced", `document.querySelectorAll('[data-record][data-status="synced"]').length === 2 && document.querySelector('[data-offline-locked]').hidden`)

	// The signal goes again; the third visit, unlocked, is finished
	// offline and synced when the network returns.
	relay.setCut(true)
	setOnline(t, ctx, false)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-record="`+ids[2]+`"] a`))); err != nil {
		t.Fatalf("resume the third visit: %v", err)
	}
	waitJS(t, ctx, "the third visit's name", `document.getElementById("f-personal-respondentName").value === "`+visits[2].name+`"`)
	fillRest(t, ctx, visits[2])
	relay.setCut(false)
	setOnline(t, ctx, true)
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+"/")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "all three synced", `document.querySelectorAll('[data-record][data-status="synced"]').length === 3`)
	if got := textOf(t, ctx, "[data-offline-count]"); got != "未同步 0 条" {
		t.Errorf("home count after the sync: %q", got)
	}
	shot(t, ctx, "synced-home", "")

	// Sync again: nothing is sent twice.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("[data-offline-sync]"))); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "[data-offline-say]", func(s string) bool { return strings.Contains(s, "已上传 0 条") }); err != nil {
		t.Error(err)
	}

	admin := s.actor(t, "admin")
	for i, id := range ids {
		view, err := s.eng.RevealRecord(context.Background(), admin, id)
		if err != nil {
			t.Fatalf("record %s of %s: %v", id, visits[i].name, err)
		}
		personal, _ := view.Answers["personal"].(map[string]any)
		intention, _ := view.Answers["intention"].(map[string]any)
		if personal["respondentName"] != visits[i].name || personal["respondentId"] != visits[i].id || fmt.Sprint(personal["respondentAge"]) == "" {
			t.Errorf("record %s: personal %v, want %s %s", id, personal, visits[i].name, visits[i].id)
		}
		if (intention["thirdChildTiming"] != nil) != visits[i].third {
			t.Errorf("record %s: intention %v (third child %v)", id, intention, visits[i].third)
		}
	}
	page, err := s.st.ListRecords(context.Background(), engine.RecordFilter{CampaignID: "fertility-survey-2026"}, engine.Page{Limit: engine.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		n := 0
		for _, r := range page.Records {
			if r.ID == id {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s's record %s is stored %d times, want once", visits[i].name, id, n)
		}
	}
}

// TestOfflineConflict: a record queued on the phone meets another
// version of itself on the server (the same ID with other answers). The
// worker sees 冲突 and both versions, question by question.
func TestOfflineConflict(t *testing.T) {
	s := startSite(t)
	s.keepOpen(t, "fertility-survey-2026")
	relay := startCuttable(t, s.base)
	via := &site{base: relay.base(), eng: s.eng, st: s.st}
	ctx, _ := launchProfile(t, t.TempDir())
	goOfflineReady(t, ctx, via)

	relay.setCut(true)
	setOnline(t, ctx, false)
	h := household{name: "林晓雯", id: residentID("1991-04-17", 246)}
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+offlineSurvey)); err != nil {
		t.Fatal(err)
	}
	fillFirstPart(t, ctx, h)
	id := localID(t, ctx)
	fillRest(t, ctx, h)

	// Meanwhile the same ID reached the server with another name.
	answers := map[string]any{
		"personal":  map[string]any{"respondentName": "林晓云", "respondentId": h.id, "maritalStatus": "first_marriage", "education": "senior"},
		"care":      map[string]any{"childCount": 2, "caresForElders": false},
		"support":   map[string]any{"usesChildcare": false, "difficulties": []any{"cost"}},
		"intention": map[string]any{"intendsThirdChild": false},
		"family":    map[string]any{"householdSize": 4, "hukouType": "rural", "income": "60k_100k"},
	}
	if _, err := s.eng.Submit(context.Background(), s.actor(t, "worker"), engine.Submission{ID: id, CampaignID: "fertility-survey-2026", FormID: "fertility-household", Answers: answers}); err != nil {
		t.Fatalf("store the other version: %v", err)
	}

	relay.setCut(false)
	setOnline(t, ctx, true)
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+"/")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the conflict", `document.querySelector('[data-record="`+id+`"][data-status="conflict"] table.offline-conflict') !== null`)
	row := `[data-record="` + id + `"]`
	if got := textOf(t, ctx, row+" .status"); got != "冲突" {
		t.Errorf("status %q, want 冲突", got)
	}
	table := textOf(t, ctx, row+" table")
	// The server's copy comes masked, as every answer to a field worker
	// does; choices read as their labels.
	for _, want := range []string{"本机版本", "服务器版本", "被调查人姓名", "林晓雯", "林**", "初婚", "否"} {
		if !strings.Contains(table, want) {
			t.Errorf("the conflict table lacks %q: %s", want, table)
		}
	}
	if got := textOf(t, ctx, row+" .note"); !strings.Contains(got, "服务器上已有另一个版本") {
		t.Errorf("conflict note %q", got)
	}
	if got := textOf(t, ctx, "[data-offline-say]"); !strings.Contains(got, "1 条有冲突") {
		t.Errorf("sync summary %q, want it to name the conflict", got)
	}
	if got := textOf(t, ctx, "#offline-title"); got != "本机记录" {
		t.Errorf("panel title %q", got)
	}
	shot(t, ctx, "conflict", "")
	phone(t, ctx)
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS(row+" table"))); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "conflict-390", "")

	// Signing out with a record not uploaded warns, then leaves nothing
	// on the phone.
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`window.confirm = function (m) { sessionStorage.setItem("asked", m); return true; }`),
		chromedp.Click(chromedp.CSS("form.logout button[type=submit]")),
	); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the sign-in page after signing out", `location.pathname === "/login"`)
	asked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem("asked") || ""`))
	if err != nil || !strings.Contains(asked, "本机还有 1 条记录没有上传") {
		t.Errorf("sign-out warning %q (%v)", asked, err)
	}
	// Static files (code, styles) may be kept again by the sign-in page;
	// no database and no page may be.
	left, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Promise.all([indexedDB.databases(), caches.open("canvass-pages-v1").then(function (c) { return c.keys(); })]).then(function (r) { return r[0].map(function (d) { return d.name; }).concat(r[1].map(function (q) { return q.url; })).join(","); })`, chromedp.EvalAwaitPromise))
	if err != nil || left != "" {
		t.Errorf("after signing out the phone still holds %q (%v)", left, err)
	}
	r, err := s.st.GetRecord(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	view, err := s.eng.RevealRecord(context.Background(), s.actor(t, "admin"), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := view.Answers["personal"].(map[string]any); p["respondentName"] != "林晓云" {
		t.Errorf("the server's version changed: %v", p)
	}
}

// TestOfflineCorrectReturned: a record returned for correction is kept on
// the phone while online; offline the worker corrects it and resubmits;
// back online it reaches the server at the version she corrected.
func TestOfflineCorrectReturned(t *testing.T) {
	s := startSite(t)
	s.keepOpen(t, "fertility-survey-2026")
	ctx0 := context.Background()
	answers := map[string]any{
		"personal":  map[string]any{"respondentName": "吴丽娟", "respondentId": residentID("1990-06-11", 322), "maritalStatus": "first_marriage", "education": "junior"},
		"care":      map[string]any{"childCount": 2, "caresForElders": false},
		"support":   map[string]any{"usesChildcare": false, "difficulties": []any{"cost"}},
		"intention": map[string]any{"intendsThirdChild": false},
		"family":    map[string]any{"householdSize": 4, "hukouType": "rural", "income": "60k_100k"},
	}
	sub, err := s.eng.Submit(ctx0, s.actor(t, "worker"), engine.Submission{CampaignID: "fertility-survey-2026", FormID: "fertility-household", Answers: answers, Lang: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	id := sub.Record.ID
	ret, err := s.eng.Act(ctx0, s.actor(t, "township-reviewer"), id, engine.Action{Name: "return", Reason: "受教育程度请再核实", Version: sub.Record.Version, Lang: "zh-CN"})
	if err != nil {
		t.Fatalf("return the record: %v", err)
	}

	relay := startCuttable(t, s.base)
	via := &site{base: relay.base(), eng: s.eng, st: s.st}
	ctx, _ := launchProfile(t, t.TempDir())
	goOfflineReady(t, ctx, via)
	row := `[data-record="` + id + `"]`
	waitJS(t, ctx, "the returned record on the home page", `document.querySelector('`+row+`[data-status="returned"] a') !== null`)

	relay.setCut(true)
	setOnline(t, ctx, false)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(row+" a"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("f-personal-education")),
		chromedp.SetValue(chromedp.ID("f-personal-education"), "senior"),
		chromedp.Click(chromedp.CSS(`.form-actions button[name="_action"][value="submit"]`)),
	); err != nil {
		t.Fatalf("correct offline: %v", err)
	}
	if got, err := waitText(ctx, "#offline-banner", func(s string) bool { return strings.Contains(s, "已保存在本机") }); err != nil {
		shot(t, ctx, "returned-not-queued", "")
		t.Fatalf("no 已保存在本机 after resubmitting offline: %q %v", got, err)
	}

	relay.setCut(false)
	setOnline(t, ctx, true)
	if err := chromedp.Do(ctx, chromedp.Navigate(via.base+"/")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the correction synced", `document.querySelector('`+row+`[data-status="synced"]') !== null`)
	r, err := s.st.GetRecord(ctx0, id)
	if err != nil {
		t.Fatal(err)
	}
	personal, _ := r.Answers["personal"].(map[string]any)
	if r.Version <= ret.Record.Version || personal["education"] != "senior" || r.State != "township_check" {
		t.Errorf("after the sync: version %d (returned at %d), education %v, state %s; want the correction resubmitted to township_check", r.Version, ret.Record.Version, personal["education"], r.State)
	}
}
