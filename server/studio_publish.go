package server

import (
	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// studioPublishRefused puts a refused 检查并发布 on the page and returns
// the message to show. When the check passed and the store still refused
// (someone changed or published one of the drafts in between, and the
// store published none of them), the page shows the check as it stands
// now, so the author sees what changed before pressing Publish again.
func (s *Server) studioPublishRefused(c fiber.Ctx, p *pageData, d *studioCampaignData, check *engine.CampaignCheck, code string) string {
	if code == engine.ECONFLICT && check != nil && check.OK() && len(check.Steps) > 0 {
		if fresh, err := s.engine.CheckCampaign(c.Context(), actorOf(c), d.ID); err == nil {
			s.studioCheck(p, d, fresh)
		}
		return p.T("studio.publish.failed") + p.T("studio.publish.changed")
	}
	if check != nil {
		s.studioCheck(p, d, check)
	}
	return p.T("studio.publish.failed") + p.T("error."+code)
}
