package server

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// notificationRoutes installs the caller's own notification list: the
// API and the page. Every route acts on the signed-in user's own
// notifications only; there is no way to name another user.
func (s *Server) notificationRoutes(api fiber.Router) {
	api.Get("/notifications", s.signedInAPI, s.apiNotifications)
	api.Post("/notifications/read", s.signedInAPI, s.apiMarkNotificationsRead)

	s.app.Get("/notifications", s.signedInPage, s.notificationsPage)
	s.app.Post("/notifications/read", s.signedInPage, s.notificationsReadSubmit)
}

// notificationJSON is one notification as the API shows it.
type notificationJSON struct {
	ID        string     `json:"id"`
	RecordID  string     `json:"recordId"`
	Kind      string     `json:"kind"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"createdAt"`
	ReadAt    *time.Time `json:"readAt,omitempty"`
}

// notificationsJSON is one page of the caller's notifications, newest
// first, with the count of all unread ones.
type notificationsJSON struct {
	Notifications []notificationJSON `json:"notifications"`
	Next          string             `json:"next,omitempty"`
	Unread        int64              `json:"unread"`
}

// notificationQuery reads ?unread=1&after=&limit=. Returns EINVALID for
// a limit that is not a number.
func notificationQuery(c fiber.Ctx) (unreadOnly bool, p engine.Page, err error) {
	unreadOnly = c.Query("unread") == "1" || c.Query("unread") == "true"
	p.After = c.Query("after")
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return false, p, &engine.Error{Code: engine.EINVALID, Message: "limit must be a whole number",
				Fields: []engine.FieldError{{Pointer: "/limit", Code: "type", Message: "a whole number"}}}
		}
		p.Limit = n
	}
	return unreadOnly, p, nil
}

// apiNotifications answers GET /api/v1/notifications: the caller's own
// notifications, newest first, keyset-paged.
func (s *Server) apiNotifications(c fiber.Ctx) error {
	a := actorOf(c)
	unreadOnly, p, err := notificationQuery(c)
	if err != nil {
		return err
	}
	page, err := s.engine.Notifications(c.Context(), a, unreadOnly, p)
	if err != nil {
		return err
	}
	unread, err := s.engine.UnreadNotifications(c.Context(), a)
	if err != nil {
		return err
	}
	out := notificationsJSON{Notifications: make([]notificationJSON, 0, len(page.Notifications)), Next: page.Next, Unread: unread}
	for _, n := range page.Notifications {
		j := notificationJSON{ID: n.ID, RecordID: n.RecordID, Kind: n.Kind, Message: n.Message, CreatedAt: n.CreatedAt}
		if !n.ReadAt.IsZero() {
			j.ReadAt = &n.ReadAt
		}
		out.Notifications = append(out.Notifications, j)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// apiMarkNotificationsRead answers POST /api/v1/notifications/read
// {"ids": [...]}: marks those of the caller's notifications read (all
// when ids is empty or missing) and says how many changed. IDs of other
// users' notifications change nothing.
func (s *Server) apiMarkNotificationsRead(c fiber.Ctx) error {
	var req struct {
		IDs []string `json:"ids"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a := actorOf(c)
	n, err := s.engine.MarkNotificationsRead(c.Context(), a, req.IDs)
	if err != nil {
		return err
	}
	unread, err := s.engine.UnreadNotifications(c.Context(), a)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"marked": n, "unread": unread})
}

// unreadCount is the signed-in user's unread notification count for the
// navigation bar; a failure shows no count rather than failing the page.
func (s *Server) unreadCount(c fiber.Ctx, u *engine.User) int64 {
	if u == nil {
		return 0
	}
	n, err := s.engine.UnreadNotifications(c.Context(), &engine.Actor{User: u})
	if err != nil {
		s.log.Warn("counting unread notifications", "err", err)
		return 0
	}
	return n
}
