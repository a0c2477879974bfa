package server

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v3"

	"canvass/offline"
)

// evaluatorETag names the embedded evaluator's content.
var evaluatorETag = sync.OnceValue(func() string {
	sum := sha256.Sum256(offline.EvaluatorGzip())
	return `"` + hex.EncodeToString(sum[:8]) + `"`
})

// offlineRoutes installs what field pages need offline.
func (s *Server) offlineRoutes(api fiber.Router) {
	s.app.Get("/offline/evaluator.wasm", s.offlineEvaluator)
}

// offlineEvaluator answers GET /offline/evaluator.wasm: the form
// evaluator compiled to WebAssembly (package offline), gzip-encoded when
// the browser accepts it (every browser that runs WebAssembly does). It
// holds code only, no data, so it needs no sign-in; the service worker
// keeps it, and the ETag lets a revisit confirm it cheaply.
func (s *Server) offlineEvaluator(c fiber.Ctx) error {
	etag := evaluatorETag()
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "application/wasm")
	if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(offline.EvaluatorGzip())
	}
	return c.Send(offline.Evaluator())
}
