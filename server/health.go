package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// readyTimeout bounds how long /readyz waits for the store: a probe that
// hangs is as bad as one that fails.
const readyTimeout = 3 * time.Second

// healthz answers 200 "ok" while the process can serve HTTP at all
// (liveness). It never touches the store, so a database outage does not get
// the process restarted.
func (s *Server) healthz(c fiber.Ctx) error {
	return c.SendString("ok")
}

type readiness struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// readyz answers 200 when the store answers Ping, 503 with the reason
// otherwise (readiness: take this replica out of the load balancer).
func (s *Server) readyz(c fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.Context(), readyTimeout)
	defer cancel()
	if err := s.engine.Ping(ctx); err != nil {
		if engine.ErrorCode(err) != engine.EUNAVAILABLE {
			s.log.Error("store ping failed", "err", err.Error(), "request_id", requestIDOf(c))
		}
		return c.Status(http.StatusServiceUnavailable).JSON(readiness{
			Status: "unavailable",
			Reason: engine.ErrorMessage(err),
		})
	}
	return c.JSON(readiness{Status: "ok"})
}
