package server

import "github.com/gofiber/fiber/v3"

type versionInfo struct {
	Version string `json:"version"`
}

// apiVersion answers GET /api/v1/version with the server's version.
func (s *Server) apiVersion(c fiber.Ctx) error {
	return c.JSON(versionInfo{Version: s.version})
}
