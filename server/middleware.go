package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

const headerRequestID = "X-Request-Id"

// requestIDKey is the Locals key of the request ID.
type requestIDKey struct{}

// requestID gives every request an ID, sent back in X-Request-Id and put
// on every log line about the request. A well-formed ID from the client (a
// proxy's, say) is kept so one ID follows the request through both logs.
func (s *Server) requestID(c fiber.Ctx) error {
	id := c.Get(headerRequestID)
	if !validRequestID(id) {
		id = engine.NewID(s.now())
	}
	c.Set(headerRequestID, id)
	c.Locals(requestIDKey{}, id)
	return c.Next()
}

// validRequestID accepts 1 to 64 characters of letters, digits and ._:-,
// which covers ULIDs, UUIDs and common trace IDs and keeps log lines clean.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '.', r == '_', r == ':', r == '-':
		default:
			return false
		}
	}
	return true
}

// requestIDOf returns the request's ID, or "" before requestID ran.
func requestIDOf(c fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey{}).(string)
	return id
}

// contentSecurityPolicy allows only our own origin: every script, style and
// image is embedded in the binary, so nothing needs a CDN, and no page may
// be framed. 'wasm-unsafe-eval' lets the offline form evaluator (our own
// WebAssembly, package offline) be compiled; it allows no JavaScript eval.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// securityHeaders sets the headers every response carries, error responses
// included. HSTS is sent only on a TLS connection: over plain HTTP it is
// ignored by browsers, and behind a TLS-terminating proxy it is the proxy's
// to send.
//
// c.Secure() is not used: in Fiber v3.1.0 it compares the protocol version
// ("HTTP/1.1") with "https" and is always false. Scheme() is right: it is
// "https" on a TLS connection (or, once a trusted proxy is configured, when
// the proxy says so).
func securityHeaders(c fiber.Ctx) error {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "DENY")
	if c.Scheme() == "https" {
		c.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// accessLog writes one line per request: method, path, status, duration
// and request ID. The query string is never logged: it can carry names and
// ID numbers. Errors are turned into responses here rather than after the
// chain, so the logged status is the one the client gets. Health probes,
// which arrive every few seconds, are logged at debug level.
func (s *Server) accessLog(c fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			s.log.Error("writing an error response", "err", herr.Error(), "request_id", requestIDOf(c))
		}
	}
	level := slog.LevelInfo
	if p := c.Path(); p == "/healthz" || p == "/readyz" {
		level = slog.LevelDebug
	}
	s.log.LogAttrs(c.Context(), level, "request",
		slog.String("method", c.Method()),
		slog.String("path", redactPath(c.Path())),
		slog.Int("status", c.Response().StatusCode()),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", requestIDOf(c)),
	)
	return nil
}

// recoverPanic turns a panic in a handler into an internal error, so the
// client gets a 500 with the generic message and the log gets the panic
// value and stack.
func (s *Server) recoverPanic(c fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = engine.WrapError(engine.EINTERNAL, "", fmt.Errorf("panic: %v\n%s", r, debug.Stack()))
		}
	}()
	return c.Next()
}

// limitBody refuses a declared body over the limit before any handler
// runs. fasthttp refuses it too, but outside the middleware chain; this
// check makes the access log show the 413 the client gets.
func (s *Server) limitBody(c fiber.Ctx) error {
	if n := c.Request().Header.ContentLength(); n > s.bodyLimit {
		return &fiber.Error{Code: http.StatusRequestEntityTooLarge}
	}
	return c.Next()
}
