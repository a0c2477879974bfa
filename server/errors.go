package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// statusByCode is the one table from engine error codes to HTTP statuses.
// A code missing here answers 500 and is logged as a bug; a test checks
// that every code engine declares is present.
//
// ECLOSED answers 409 Conflict rather than 423 Locked: 423 belongs to
// WebDAV and generic clients do not know it, while 409 already means "the
// resource's current state does not allow this". The body's code tells
// closed from conflict.
var statusByCode = map[string]int{
	engine.ENOTFOUND:     http.StatusNotFound,
	engine.ECONFLICT:     http.StatusConflict,
	engine.EINVALID:      http.StatusUnprocessableEntity,
	engine.EFORBIDDEN:    http.StatusForbidden,
	engine.EUNAUTHORIZED: http.StatusUnauthorized,
	engine.EUNAVAILABLE:  http.StatusServiceUnavailable,
	engine.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	engine.ERATELIMITED:  http.StatusTooManyRequests,
	engine.ECLOSED:       http.StatusConflict,
	engine.EINTERNAL:     http.StatusInternalServerError,
}

// codeMethodNotAllowed is the one code the server adds to the engine's:
// a request for a route that exists with another method is an HTTP
// matter the engine never sees.
const codeMethodNotAllowed = "method_not_allowed"

// codeByFiberStatus gives our code for an error Fiber or fasthttp raised
// itself (no route, body over the limit, bad request line…), keyed by the
// status Fiber chose, which we keep.
var codeByFiberStatus = map[int]string{
	http.StatusBadRequest:                  engine.EINVALID,
	http.StatusNotFound:                    engine.ENOTFOUND,
	http.StatusMethodNotAllowed:            codeMethodNotAllowed,
	http.StatusRequestTimeout:              engine.EUNAVAILABLE,
	http.StatusRequestEntityTooLarge:       engine.ETOOLARGE,
	http.StatusRequestHeaderFieldsTooLarge: engine.ETOOLARGE,
	http.StatusTooManyRequests:             engine.ERATELIMITED,
	http.StatusServiceUnavailable:          engine.EUNAVAILABLE,
}

// errorBody is the JSON every error response carries.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string              `json:"code"`
	Message string              `json:"message"`
	Fields  []engine.FieldError `json:"fields,omitempty"`
}

// handleError is the app's one error handler: it writes err as our JSON
// error body with the status from statusByCode. It is also called by the
// access log, so that the logged status is the one sent.
func (s *Server) handleError(c fiber.Ctx, err error) error {
	status, body := s.describeError(c, err)
	if status == http.StatusRequestEntityTooLarge && isPageUpload(c) {
		return s.renderUploadTooLarge(c) // upload_limit.go
	}
	return c.Status(status).JSON(body)
}

// describeError decides the status and body for err, logging what must not
// be shown.
func (s *Server) describeError(c fiber.Ctx, err error) (int, errorBody) {
	var fe *fiber.Error
	if errors.As(err, &fe) && !errors.As(err, new(*engine.Error)) {
		return s.describeFiberError(c, fe)
	}

	code := engine.ErrorCode(err)
	status, known := statusByCode[code]
	if !known || code == engine.EINTERNAL {
		if !known {
			s.log.Error("error code missing from the status table", "code", code, "request_id", requestIDOf(c))
		}
		s.log.Error("internal error", "err", err.Error(), "method", c.Method(), "path", c.Path(), "request_id", requestIDOf(c))
		return http.StatusInternalServerError, errorBody{errorDetail{
			Code:    engine.EINTERNAL,
			Message: "internal error",
		}}
	}
	return status, errorBody{errorDetail{
		Code:    code,
		Message: engine.ErrorMessage(err),
		Fields:  engine.ErrorFields(err),
	}}
}

// describeFiberError maps an error Fiber raised itself. Fiber's own texts
// ("Cannot GET /x") are replaced with ours.
func (s *Server) describeFiberError(c fiber.Ctx, fe *fiber.Error) (int, errorBody) {
	status := fe.Code
	code, known := codeByFiberStatus[status]
	switch {
	case known:
	case status >= 400 && status < 500:
		code = engine.EINVALID
	default:
		s.log.Error("internal error", "err", fe.Error(), "method", c.Method(), "path", c.Path(), "request_id", requestIDOf(c))
		return http.StatusInternalServerError, errorBody{errorDetail{Code: engine.EINTERNAL, Message: "internal error"}}
	}
	var msg string
	switch status {
	case http.StatusNotFound:
		msg = "no such page or API endpoint"
	case http.StatusMethodNotAllowed:
		msg = fmt.Sprintf("%s is not allowed here", c.Method())
	case http.StatusRequestEntityTooLarge:
		msg = s.tooLargeMessage()
	default:
		msg = strings.ToLower(http.StatusText(status))
	}
	return status, errorBody{errorDetail{Code: code, Message: msg}}
}

func (s *Server) tooLargeMessage() string {
	return fmt.Sprintf("the request body is larger than the limit of %d bytes", s.bodyLimit)
}
