package server

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// Admin actions that were API calls only: revoking a QR link (on the
// campaign's links page), closing a campaign with a reason (the campaigns
// page), and lifting a sign-in lock (the locked-accounts page). Each goes
// through the engine call the API uses, with its role and scope checks,
// and each answers a second click or a colleague's earlier click in words
// instead of an error page.

func (s *Server) adminActionRoutes() {
	s.app.Post("/campaigns/:id/links/:link/revoke", s.signedInPage, s.linkRevokeSubmit)
	s.app.Get("/admin/campaigns", s.signedInPage, s.campaignsAdminPage)
	s.app.Post("/campaigns/:id/close", s.signedInPage, s.campaignCloseSubmit)
	s.app.Get("/admin/locks", s.signedInPage, s.locksPage)
	s.app.Post("/admin/users/:user/unlock", s.signedInPage, s.unlockSubmit)
}

// linkRevokeSubmit revokes one link and shows the links page again.
func (s *Server) linkRevokeSubmit(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	linkID := c.Params("link")
	done := "revoked"
	_, err = s.engine.RevokeLink(c.Context(), actorOf(c), linkID)
	switch engine.ErrorCode(err) {
	case "":
	case engine.ECONFLICT:
		done = "revokedBefore"
	case engine.ENOTFOUND:
		done = "nolink" // named on the campaign's links page, not as an unknown campaign
	default:
		return err
	}
	return redirect(c, "/campaigns/"+id+"/links?done="+done+"#link-"+linkID)
}

// campaignRow is one campaign on the campaigns page.
type campaignRow struct {
	ID, Title, Status string
	Opens, Closes     string
	ClosedReason      string
}

type campaignsAdminData struct {
	Campaigns   []campaignRow
	Closing     string // the campaign whose close was refused, with what was typed
	Reason      string
	ReasonError string
}

func (s *Server) campaignsAdminPage(c fiber.Ctx) error {
	return s.renderCampaignsAdmin(c, fiber.StatusOK, campaignsAdminData{})
}

// campaignCloseSubmit closes a campaign for good, with the reason typed.
func (s *Server) campaignCloseSubmit(c fiber.Ctx) error {
	id, err := campaignParam(c)
	if err != nil {
		return err
	}
	reason := bodyField(c, "reason")
	if strings.TrimSpace(bodyField(c, "confirm")) != "on" {
		return s.renderCampaignsAdmin(c, fiber.StatusUnprocessableEntity, campaignsAdminData{Closing: id, Reason: reason, ReasonError: "campaigns.close.confirm"})
	}
	if _, err := s.engine.CloseCampaign(c.Context(), actorOf(c), id, reason); err != nil {
		switch engine.ErrorCode(err) {
		case engine.EINVALID:
			return s.renderCampaignsAdmin(c, fiber.StatusUnprocessableEntity, campaignsAdminData{Closing: id, Reason: reason, ReasonError: "campaigns.close.reason"})
		case engine.ECONFLICT:
			return redirect(c, "/admin/campaigns?done=closedBefore&campaign="+id)
		}
		return err
	}
	return redirect(c, "/admin/campaigns?done=closed&campaign="+id)
}

func (s *Server) renderCampaignsAdmin(c fiber.Ctx, status int, d campaignsAdminData) error {
	a := actorOf(c)
	if !a.Has(engine.RoleAuthor, engine.RoleAdmin) {
		return engine.Errorf(engine.EFORBIDDEN, "authors and admins manage campaigns")
	}
	path := ""
	if c.Method() != fiber.MethodGet {
		path = "/admin/campaigns"
	}
	p := s.newPage(c, "campaigns.title", "campaigns", path)
	choices, err := s.engine.CampaignChoices(c.Context(), a, p.Lang)
	if err != nil {
		return err
	}
	now := s.engine.Now()
	for _, ch := range choices {
		camp := ch.Campaign
		row := campaignRow{ID: camp.ID(), Title: ch.Title, Status: "open"}
		if t := camp.Opens(); !t.IsZero() {
			row.Opens = t.In(chinaTime).Format(time.DateOnly)
		}
		if t := camp.Closes(); !t.IsZero() {
			row.Closes = t.In(chinaTime).Format(time.DateOnly)
		}
		if err := s.engine.CampaignOpen(c.Context(), camp, now); err != nil {
			if engine.ErrorCode(err) != engine.ECLOSED {
				return err
			}
			row.Status = "ended"
			if cl, err := s.engine.CampaignClosure(c.Context(), camp.ID()); err == nil {
				row.Status, row.ClosedReason = "closed", cl.Reason
			} else if !camp.OpenAt(now) && now.Before(camp.Opens()) {
				row.Status = "notyet"
			}
		}
		d.Campaigns = append(d.Campaigns, row)
	}
	if d.ReasonError != "" {
		d.ReasonError = p.T(d.ReasonError)
		p.Error = p.T("campaigns.close.failed")
	}
	if title := campaignTitleOf(d.Campaigns, c.Query("campaign")); title != "" {
		switch c.Query("done") {
		case "closed":
			p.Flash = p.T("campaigns.closed", title)
		case "closedBefore":
			p.Flash = p.T("campaigns.closedBefore", title)
		}
	}
	p.Data = d
	return s.render(c, status, "campaigns", p)
}

func campaignTitleOf(rows []campaignRow, id string) string {
	for _, r := range rows {
		if r.ID == id {
			return r.Title
		}
	}
	return ""
}

// lockRow is one locked account on the locks page.
type lockRow struct {
	UserID, Username, Name, Unit string
	Addresses                    string
	Everywhere                   bool
	Until                        time.Time
}

func (s *Server) locksPage(c fiber.Ctx) error {
	a := actorOf(c)
	locks, err := s.engine.SignInLocks(c.Context(), a)
	if err != nil {
		return err
	}
	p := s.newPage(c, "locks.title", "users", "")
	names := newNamer(s, c.Context(), a, p.Lang)
	var rows []lockRow
	for _, l := range locks {
		rows = append(rows, lockRow{UserID: l.User.ID, Username: l.User.Username, Name: l.User.DisplayName, Unit: names.unit(l.User.OrgUnit),
			Addresses: strings.Join(l.Addresses, ", "), Everywhere: l.Everywhere, Until: l.Until})
	}
	switch c.Query("done") {
	case "unlocked":
		p.Flash = p.T("locks.unlocked", c.Query("user"))
	case "notlocked":
		p.Flash = p.T("locks.notlocked", c.Query("user"))
	}
	p.Data = rows
	return s.render(c, fiber.StatusOK, "locks", p)
}

// unlockSubmit lifts one account's lock.
func (s *Server) unlockSubmit(c fiber.Ctx) error {
	id := c.Params("user")
	if !engine.ValidID(id) {
		return engine.Errorf(engine.ENOTFOUND, "user not found")
	}
	u, err := s.engine.UnlockSignIn(c.Context(), actorOf(c), id)
	if err != nil {
		if engine.ErrorCode(err) != engine.ECONFLICT {
			return err
		}
		return redirect(c, "/admin/locks?done=notlocked&user="+url.QueryEscape(bodyField(c, "username")))
	}
	return redirect(c, "/admin/locks?done=unlocked&user="+url.QueryEscape(u.Username))
}
