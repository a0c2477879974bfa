package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"canvass/engine"
)

// TestRolesReviewer: on a phone, the township reviewer's home lists her
// inbox by campaign with counts; the inbox finds a record by the short
// number read out on the phone, and select all ticks every task.
func TestRolesReviewer(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	views, _, _, err := s.eng.Inbox(ctx, s.actor(t, "township-reviewer"), engine.RecordFilter{CampaignID: "fertility-survey-2026"}, engine.Page{Limit: 50}, false)
	if err != nil || len(views) == 0 {
		t.Fatalf("the demo's township tasks: %d %v", len(views), err)
	}
	target := views[0].Record
	if target.Number == 0 {
		t.Fatalf("the demo record %s has no number", target.ID)
	}

	b := newBrowser(t)
	phone(t, b)
	signIn(t, b, s, "township-reviewer", "")
	home := textOf(t, b, `section.work[data-role="reviewer"]`)
	if !strings.Contains(home, "2026年人口监测基线调查：待审核") || !strings.Contains(home, "项") {
		t.Errorf("the reviewer's home: %s", home)
	}
	noOverflow(t, b, "home")
	shot(t, b, "home", "")

	open(t, b, s, "/inbox?campaign=fertility-survey-2026")
	unlabelled(t, b, "the inbox")
	noOverflow(t, b, "the inbox")
	if err := chromedp.Do(b, chromedp.Click(chromedp.CSS("input.select-all"))); err != nil {
		t.Fatal(err)
	}
	all, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelectorAll("input.inbox-item:checked").length + "/" + document.querySelectorAll("input.inbox-item").length`))
	if err != nil || all != strconv.Itoa(len(views))+"/"+strconv.Itoa(len(views)) {
		t.Errorf("select all ticked %s, want all %d (%v)", all, len(views), err)
	}
	shot(t, b, "inbox", "")

	if err := chromedp.Do(b,
		chromedp.SendKeys(chromedp.ID("inbox-q"), strconv.FormatInt(target.Number, 10)+"号"),
		chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("ul.search-results")),
	); err != nil {
		t.Fatalf("search by number: %v", err)
	}
	found, err := chromedp.Run(b, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("ul.search-results a")).map(function(a){return a.getAttribute("href")}).join(" ")`))
	if err != nil || !strings.Contains(found, "/records/"+target.ID) {
		t.Errorf("searching No. %d found %q (%v), want %s", target.Number, found, err, target.ID)
	}
	shot(t, b, "search", "20-inbox-search")
	wide(t, b, s, "/", "/inbox?q="+strconv.FormatInt(target.Number, 10))
}

// TestRolesAdmin: on a phone, the admin's home lists users, locked
// accounts, org units, campaigns and the audit log with counts; the
// admin unlocks an account locked by wrong passwords, revokes a QR link
// and closes a campaign with a reason.
func TestRolesAdmin(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	for range 5 {
		_, _, _, _ = s.eng.Login(ctx, "worker2", "not-the-password", "127.0.0.1")
	}
	links, err := s.eng.CreateLinks(ctx, s.actor(t, "supervisor"), engine.LinkSpec{Campaign: "fertility-survey-2026", Form: "fertility-household"})
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	phone(t, b)
	signIn(t, b, s, "admin", "")
	home := textOf(t, b, `section.work[data-role="admin"]`)
	for _, want := range []string{"用户", "被锁定的账号", "组织机构", "工作项目状态与提前结束", "审计"} {
		if !strings.Contains(home, want) {
			t.Errorf("the admin's home lacks %q: %s", want, home)
		}
	}
	noOverflow(t, b, "home")
	shot(t, b, "home", "21-admin-home")

	open(t, b, s, "/admin/locks")
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`form[action$="/unlock"] button`)),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if flash := textOf(t, b, "p.flash"); !strings.Contains(flash, "已解锁 worker2") {
		t.Errorf("after unlocking: %q", flash)
	}
	if _, _, _, err := s.eng.Login(ctx, "worker2", "demo-worker2", "127.0.0.1"); err != nil {
		t.Errorf("the unlocked account cannot sign in: %v", err)
	}
	noOverflow(t, b, "the locks page")
	shot(t, b, "unlocked", "23-unlock")

	open(t, b, s, "/campaigns/fertility-survey-2026/links")
	row := "#link-" + links[0].Link.ID
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(row+" button")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	noOverflow(t, b, "the links page")
	if status := textOf(t, b, row+" td[data-status]"); status != "已收回" {
		t.Errorf("the revoked link's status: %q", status)
	}
	shot(t, b, "revoked", "")

	open(t, b, s, "/admin/campaigns")
	unlabelled(t, b, "the campaigns page")
	noOverflow(t, b, "the campaigns page")
	card := "#c-census-training-2026"
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(card+" summary")),
		chromedp.SendKeys(chromedp.CSS(card+" textarea"), "培训改为线上，报名提前结束"),
		chromedp.Click(chromedp.CSS(card+" input[name=confirm]")),
		chromedp.Click(chromedp.CSS(card+" button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p.flash")),
	); err != nil {
		t.Fatalf("close a campaign: %v", err)
	}
	if got := textOf(t, b, card); !strings.Contains(got, "已提前结束") || !strings.Contains(got, "培训改为线上") {
		t.Errorf("the closed campaign: %s", got)
	}
	shot(t, b, "closed", "22-close-campaign")
	camp, err := s.eng.Campaign(ctx, "census-training-2026")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.eng.CampaignOpen(ctx, camp, s.eng.Now()); engine.ErrorCode(err) != engine.ECLOSED {
		t.Errorf("the closed campaign still takes submissions: %v", err)
	}
	wide(t, b, s, "/", "/admin/locks", "/admin/campaigns", "/campaigns/fertility-survey-2026/links")
}

// TestRolesFinanceAndAuthor: finance's and the author's home pages on a
// phone lead to the payments and the studio.
func TestRolesFinanceAndAuthor(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t)
	phone(t, b)
	signIn(t, b, s, "finance", "")
	home := textOf(t, b, `section.work[data-role="finance"]`)
	if !strings.Contains(home, "2026年人口监测基线调查：劳务报酬") {
		t.Errorf("finance's home: %s", home)
	}
	noOverflow(t, b, "finance's home")
	shot(t, b, "finance-home", "24-finance-home")
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`section.work a[href="/finance?campaign=fertility-survey-2026"]`)),
		chromedp.WaitVisible(chromedp.CSS("main table")),
	); err != nil {
		t.Fatalf("open the payments: %v", err)
	}

	if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`form.logout button`)), chromedp.WaitVisible(chromedp.ID("username"))); err != nil {
		t.Fatal(err)
	}
	signIn(t, b, s, "author", "")
	home = textOf(t, b, `section.work[data-role="author"]`)
	if !strings.Contains(home, "方案工作室") {
		t.Errorf("the author's home: %s", home)
	}
	noOverflow(t, b, "the author's home")
	shot(t, b, "author-home", "25-author-home")
	if err := chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`section.work a[href="/studio"]`)),
		chromedp.WaitVisible(chromedp.CSS("main h1")),
	); err != nil {
		t.Fatalf("open the studio: %v", err)
	}
	if loc, err := chromedp.Run(b, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/studio") {
		t.Errorf("at %s (%v), want the studio", loc, err)
	}
}
