package server

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/campaigns"
	"canvass/engine"
	"canvass/paytables"
)

// The home page is each role's work list: what is waiting, how much, and
// a link to the page where it is done. Every count comes from the same
// engine calls (and scope checks) as the pages the links open.

// homeSection is one role's part of the home page.
type homeSection struct {
	Role  string
	Items []homeItem
}

// homeItem is one line of work: a label in the page's language, a count
// when there is one (and how many of them are late), where to do it, and
// a note (the reason a record was returned).
type homeItem struct {
	Label   string
	Count   int
	Counted bool
	Late    int
	URL     string
	LateURL string
	Note    string
}

// homeTaskLimit bounds the open tasks the home page reads to count them.
const homeTaskLimit = engine.MaxPageLimit

// homeSections builds the work lists of the actor's roles, in a fixed
// order.
func (s *Server) homeSections(c fiber.Ctx, a *engine.Actor, p *pageData) ([]homeSection, error) {
	ctx := c.Context()
	names := newNamer(s, ctx, a, p.Lang)
	var tasks []*engine.RecordView
	if a.Has(engine.RoleFieldWorker, engine.RoleReviewer, engine.RoleSupervisor) {
		views, _, _, err := s.engine.Inbox(ctx, a, engine.RecordFilter{}, engine.Page{Limit: homeTaskLimit}, false)
		if err != nil {
			return nil, err
		}
		tasks = views
	}
	now := s.engine.Now()
	var choices []engine.CampaignChoice
	if a.Has(engine.RoleSupervisor, engine.RoleFinance, engine.RoleAuthor, engine.RoleAdmin) {
		var err error
		if choices, err = s.engine.CampaignChoices(ctx, a, p.Lang); err != nil {
			return nil, err
		}
	}
	var out []homeSection

	if a.Has(engine.RoleFieldWorker) {
		sec := homeSection{Role: engine.RoleFieldWorker}
		due := homeItem{Label: p.T("home.fw.tasks"), Counted: true, URL: "/inbox", LateURL: "/inbox?overdue=1"}
		var returned, drafts []homeItem
		for _, v := range tasks {
			r := v.Record
			if r.Step == engine.QCStep || !slices.Contains(r.CandidateRoles, engine.RoleFieldWorker) {
				continue
			}
			label := names.formTitle(r)
			if n := recordNumberText(r); n != "" {
				label += " · " + p.T("record.number.short", n)
			}
			label += " · " + names.unit(r.OrgUnit)
			switch {
			case r.State == engine.StateDraft:
				drafts = append(drafts, homeItem{Label: p.T("home.fw.draft", label), URL: "/records/" + r.ID + "/edit"})
			case returnReason(r) != "":
				returned = append(returned, homeItem{Label: p.T("home.fw.returned", label), URL: "/records/" + r.ID + "/edit",
					Note: p.T("record.returnReason", returnReason(r))})
			default:
				due.Count++
				if overdue(r, now) {
					due.Late++
				}
			}
		}
		sec.Items = append(sec.Items, due)
		sec.Items = append(sec.Items, homeItem{Label: p.T("home.fw.returnedCount"), Count: len(returned), Counted: true, URL: "/inbox"})
		sec.Items = append(sec.Items, returned...)
		sec.Items = append(sec.Items, homeItem{Label: p.T("home.fw.draftCount"), Count: len(drafts), Counted: true, URL: "/inbox?state=draft"})
		sec.Items = append(sec.Items, drafts...)
		sec.Items = append(sec.Items, homeItem{Label: p.T("home.fw.entry"), URL: "/entry"})
		out = append(out, sec)
	}

	if a.Has(engine.RoleReviewer) {
		sec := homeSection{Role: engine.RoleReviewer}
		byCampaign := map[string]*homeItem{}
		var order []string
		for _, v := range tasks {
			r := v.Record
			if r.Step == engine.QCStep || !slices.Contains(r.CandidateRoles, engine.RoleReviewer) {
				continue
			}
			it := byCampaign[r.CampaignID]
			if it == nil {
				it = &homeItem{Label: p.T("home.rv.campaign", names.campaign(r.CampaignID)), Counted: true,
					URL: "/inbox?campaign=" + r.CampaignID, LateURL: "/inbox?overdue=1&campaign=" + r.CampaignID}
				byCampaign[r.CampaignID] = it
				order = append(order, r.CampaignID)
			}
			it.Count++
			if overdue(r, now) {
				it.Late++
			}
		}
		for _, id := range order {
			sec.Items = append(sec.Items, *byCampaign[id])
		}
		if len(order) == 0 {
			sec.Items = append(sec.Items, homeItem{Label: p.T("home.rv.none"), Counted: true, URL: "/inbox"})
		}
		out = append(out, sec)
	}

	if a.Has(engine.RoleSupervisor) {
		sec := homeSection{Role: engine.RoleSupervisor}
		openChecks := map[string]int{}
		for _, v := range tasks {
			if v.Record.Step == engine.QCStep {
				openChecks[v.Record.CampaignID]++
			}
		}
		for _, ch := range choices {
			if _, ok := ch.Campaign.QC(); ok {
				sec.Items = append(sec.Items, homeItem{Label: p.T("home.sv.qc", ch.Title), Count: openChecks[ch.ID], Counted: true,
					URL: "/campaigns/" + ch.ID + "/qc"})
			}
		}
		for _, ch := range choices {
			if s.paysAttendance(c, a, ch.Campaign) {
				sec.Items = append(sec.Items, homeItem{Label: p.T("home.sv.attendance", ch.Title), URL: "/campaigns/" + ch.ID + "/attendance"})
			}
		}
		sec.Items = append(sec.Items, homeItem{Label: p.T("home.sv.dashboards"), URL: "/dashboard"})
		out = append(out, sec)
	}

	if a.Has(engine.RoleFinance) {
		sec := homeSection{Role: engine.RoleFinance}
		for _, ch := range choices {
			camp := ch.Campaign
			if camp.PayTable() == "" {
				continue
			}
			locks, err := s.pay.PeriodLocks(ctx, a, camp.ID())
			if err != nil {
				return nil, err
			}
			locked := map[string]bool{}
			for _, l := range locks {
				locked[l.Period] = true
			}
			prev := previousPeriod(camp, now)
			it := homeItem{Label: p.T("home.fi.payments", ch.Title, camp.PeriodOf(now)), URL: "/finance?campaign=" + camp.ID()}
			sec.Items = append(sec.Items, it)
			if !locked[prev] && !camp.Opens().IsZero() && !now.Before(camp.Opens()) && prev >= camp.PeriodOf(camp.Opens()) {
				sec.Items = append(sec.Items, homeItem{Label: p.T("home.fi.lock", ch.Title, prev), URL: "/finance?campaign=" + camp.ID() + "&period=" + prev})
			}
		}
		if len(sec.Items) == 0 {
			sec.Items = append(sec.Items, homeItem{Label: p.T("home.fi.none"), URL: "/finance"})
		}
		out = append(out, sec)
	}

	if a.Has(engine.RoleAuthor) {
		out = append(out, homeSection{Role: engine.RoleAuthor, Items: []homeItem{
			{Label: p.T("home.au.studio"), Count: len(choices), Counted: true, URL: "/studio"},
			{Label: p.T("home.au.campaigns"), URL: "/admin/campaigns"},
		}})
	}

	if a.Has(engine.RoleAdmin) {
		sec := homeSection{Role: engine.RoleAdmin}
		users, err := s.engine.Users(ctx, a, engine.UserFilter{})
		if err != nil {
			return nil, err
		}
		units, err := s.engine.OrgUnits(ctx, a, "")
		if err != nil {
			return nil, err
		}
		locks, err := s.engine.SignInLocks(ctx, a)
		if err != nil {
			return nil, err
		}
		sec.Items = []homeItem{
			{Label: p.T("nav.users"), Count: len(users), Counted: true, URL: "/admin/users"},
			{Label: p.T("home.ad.locks"), Count: len(locks), Counted: true, URL: "/admin/locks"},
			{Label: p.T("nav.orgunits"), Count: len(units), Counted: true, URL: "/admin/orgunits"},
			{Label: p.T("home.au.campaigns"), Count: len(choices), Counted: true, URL: "/admin/campaigns"},
			{Label: p.T("nav.audit"), URL: "/admin/audit"},
		}
		out = append(out, sec)
	}
	return out, nil
}

// paysAttendance reports whether the campaign's pay table pays the actor
// for a day in the field (an attendance.day item for one of the actor's
// roles, or any role for an admin).
func (s *Server) paysAttendance(c fiber.Ctx, a *engine.Actor, camp *campaigns.Campaign) bool {
	if camp.PayTable() == "" {
		return false
	}
	pt, _, err := s.pay.PayTable(c.Context(), camp.PayTable(), 0)
	if err != nil {
		return false
	}
	at := s.engine.Now()
	if at.Before(pt.EffectiveFrom()) {
		at = pt.EffectiveFrom()
	}
	lines, err := pt.Lines(paytables.Event{Kind: paytables.EventAttendanceDay, RecordID: "probe", ActorID: a.ID(),
		ActorRoles: []string{engine.RoleSupervisor}, At: at})
	return err == nil && len(lines) > 0
}

// previousPeriod is the pay period before the one now falls in.
func previousPeriod(camp *campaigns.Campaign, now time.Time) string {
	months := 1
	if camp.Period() == campaigns.PeriodQuarter {
		months = 3
	}
	cur := camp.PeriodOf(now)
	for i := 1; i <= 4; i++ {
		if p := camp.PeriodOf(now.AddDate(0, -months*i, 0)); p != cur {
			return p
		}
	}
	return cur
}
