package server

import (
	"net/url"

	"github.com/gofiber/fiber/v3"
)

// notificationsData is the notifications page's own data.
type notificationsData struct {
	Items      []notificationItem
	UnreadOnly bool
	NextURL    string
	Paged      bool
}

// notificationItem is one notification in the list.
type notificationItem struct {
	ID, RecordID, Kind, Message string
	CreatedAt                   string
	Unread                      bool
}

// notificationsPage lists the reader's own notifications, newest first,
// with links to the records and a form to mark them all read.
func (s *Server) notificationsPage(c fiber.Ctx) error {
	a := actorOf(c)
	p := s.newPage(c, "notifications.title", "notifications", "")
	unreadOnly, pg, err := notificationQuery(c)
	if err != nil {
		return err
	}
	page, err := s.engine.Notifications(c.Context(), a, unreadOnly, pg)
	if err != nil {
		return err
	}
	data := notificationsData{UnreadOnly: unreadOnly, Paged: pg.After != ""}
	for _, n := range page.Notifications {
		data.Items = append(data.Items, notificationItem{
			ID: n.ID, RecordID: n.RecordID, Kind: n.Kind, Message: n.Message,
			CreatedAt: localTime(n.CreatedAt), Unread: n.ReadAt.IsZero(),
		})
	}
	if page.Next != "" {
		next := "/notifications?after=" + url.QueryEscape(page.Next)
		if unreadOnly {
			next += "&unread=1"
		}
		data.NextURL = next
	}
	p.Data = data
	return s.render(c, fiber.StatusOK, "notifications", p)
}

// notificationsReadSubmit marks all of the reader's notifications read
// and goes back to the list.
func (s *Server) notificationsReadSubmit(c fiber.Ctx) error {
	if _, err := s.engine.MarkNotificationsRead(c.Context(), actorOf(c), nil); err != nil {
		return err
	}
	return redirect(c, "/notifications")
}
