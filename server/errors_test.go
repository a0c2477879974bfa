package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

func TestEveryEngineCodeHasAStatus(t *testing.T) {
	codes := engine.Codes
	for _, code := range codes {
		status, ok := statusByCode[code]
		if !ok {
			t.Errorf("engine code %q has no HTTP status in statusByCode", code)
			continue
		}
		if status < 400 || status > 599 {
			t.Errorf("code %q: status %d is not an error status", code, status)
		}
	}
	for code := range statusByCode {
		if !slices.Contains(codes, code) {
			t.Errorf("statusByCode has %q, which engine does not declare", code)
		}
	}
}

func TestErrorResponses(t *testing.T) {
	s, logs := newTestServer(t, openStore(t))
	fields := []engine.FieldError{{Pointer: "/household/0/age", Code: "minimum", Message: "must be at least 0"}}
	s.App().Get("/test/error/:code", func(c fiber.Ctx) error {
		return &engine.Error{
			Code:    c.Params("code"),
			Message: "visible message",
			Fields:  fields,
			Err:     errPrivate,
		}
	})

	for _, code := range append(slices.Clone(engine.Codes), "code_nobody_declared") {
		t.Run(code, func(t *testing.T) {
			res := do(t, s, "GET", "/test/error/"+code, nil, nil)
			var body errorBody
			if err := json.Unmarshal([]byte(res.body), &body); err != nil {
				t.Fatalf("body %s: %v", res.body, err)
			}
			if strings.Contains(res.body, errPrivate.Error()) {
				t.Errorf("body shows the cause: %s", res.body)
			}

			wantStatus, known := statusByCode[code]
			if !known || code == engine.EINTERNAL {
				want := errorBody{errorDetail{Code: engine.EINTERNAL, Message: "internal error"}}
				if got := res.status; got != http.StatusInternalServerError {
					t.Errorf("status: got %d, want %d", got, http.StatusInternalServerError)
				}
				if got := body; !equalErrorBody(got, want) {
					t.Errorf("body: got %+v, want %+v", got, want)
				}
				id := res.header.Get(headerRequestID)
				if log := logs.String(); !strings.Contains(log, errPrivate.Error()) || !strings.Contains(log, "request_id="+id) {
					t.Errorf("log lacks the cause or request id %q:\n%s", id, log)
				}
				return
			}
			want := errorBody{errorDetail{Code: code, Message: "visible message", Fields: fields}}
			if got := res.status; got != wantStatus {
				t.Errorf("status: got %d, want %d", got, wantStatus)
			}
			if got := body; !equalErrorBody(got, want) {
				t.Errorf("body: got %+v, want %+v", got, want)
			}
		})
	}
}

var errPrivate = errPrivateType{}

type errPrivateType struct{}

func (errPrivateType) Error() string { return "SELECT secret FROM internals" }

func equalErrorBody(a, b errorBody) bool {
	return a.Error.Code == b.Error.Code && a.Error.Message == b.Error.Message &&
		slices.Equal(a.Error.Fields, b.Error.Fields)
}
