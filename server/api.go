package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

type versionInfo struct {
	Version string `json:"version"`
}

// apiVersion answers GET /api/v1/version with the server's version.
func (s *Server) apiVersion(c fiber.Ctx) error {
	return c.JSON(versionInfo{Version: s.version})
}

// decodeJSON decodes the request body into v strictly: the body must be
// declared application/json, hold exactly one JSON value, and name no
// field v lacks (a typo must not be silently ignored). Returns EINVALID
// otherwise.
func decodeJSON(c fiber.Ctx, v any) error {
	mediaType, _, _ := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if mediaType != fiber.MIMEApplicationJSON {
		return engine.Errorf(engine.EINVALID, "send the body as JSON with Content-Type: application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return engine.WrapError(engine.EINVALID, "the body is not valid JSON for this request: "+jsonProblem(err), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return engine.Errorf(engine.EINVALID, "the body holds more than one JSON value")
	}
	return nil
}

// jsonProblem says what is wrong with a body in words safe to show: the
// decoder's own texts name Go types.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return "malformed JSON"
	case errors.As(err, &typ):
		return "field " + typ.Field + " has the wrong type"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the body is empty or cut short"
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok && len(field) < 100 {
		return "unknown field " + field
	}
	return "it does not fit the expected shape"
}
