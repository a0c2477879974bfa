package server

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/ui"
)

// codeInvalidUTF8 is the field error code of a value that is not valid
// UTF-8.
const codeInvalidUTF8 = "invalid_utf8"

// refuseInvalidUTF8 answers 422 invalid, with the field's pointer and the
// code invalid_utf8, for a request whose query string, JSON body or form
// post holds bytes that are not UTF-8. Left alone, Go's JSON decoder and
// the templates would turn each bad byte into U+FFFD and store a name or an
// address that nobody typed; refused, the client learns which field to
// send again. Pointers are the JSON pointer of the offending member for a
// JSON body and /<name> for a query or form value.
//
// The bytes of a file in a multipart upload are not form values and are
// never looked at: a CSV saved by Chinese Excel is GB18030, which the
// import decodes by its charset. Neither are raw bodies (import chunks).
// Form bodies are looked at on POST only, the one method HTML forms use,
// so a PUT of file bytes labelled as a form (curl's default) still goes
// through.
func (s *Server) refuseInvalidUTF8(c fiber.Ctx) error {
	pointer, bad := invalidUTF8Pointer(c)
	if !bad {
		return c.Next()
	}
	a, _ := s.identify(c) // only for the language: the route's guard still decides
	var u *engine.User
	if a != nil {
		u = a.actor.User
	}
	lang := requestLang(c, u)
	fields := []engine.FieldError{{Pointer: pointer, Code: codeInvalidUTF8, Message: ui.Message(lang, "field.invalid_utf8")}}
	err := &engine.Error{Code: engine.EINVALID, Message: ui.Message(lang, "error.invalid_utf8"), Fields: fields}
	if strings.HasPrefix(c.Path(), "/api/") {
		return err
	}
	return s.renderFieldErrorPage(c, http.StatusUnprocessableEntity, "error.invalid_utf8", fields)
}

// renderFieldErrorPage shows the error page with a message and the field
// errors, each marked with its pointer.
func (s *Server) renderFieldErrorPage(c fiber.Ctx, status int, key string, fields []engine.FieldError) error {
	p := s.newPage(c, "error.title", "", "/")
	p.Error = p.T(key)
	p.Data = fields
	return s.render(c, status, "error", p)
}

// invalidUTF8Pointer finds the first value of the request that is not
// UTF-8: in the query string, then in the body. It reports its pointer
// and whether there is one.
func invalidUTF8Pointer(c fiber.Ctx) (string, bool) {
	for k, v := range c.Request().URI().QueryArgs().All() {
		if !utf8.Valid(k) || !utf8.Valid(v) {
			return paramPointer(k), true
		}
	}
	mediaType, _, _ := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	switch {
	case mediaType == fiber.MIMEApplicationJSON || strings.HasSuffix(mediaType, "+json"):
		return jsonUTF8Pointer(c.Body())
	case c.Method() != fiber.MethodPost:
	case mediaType == fiber.MIMEApplicationForm:
		for k, v := range c.Request().PostArgs().All() {
			if !utf8.Valid(k) || !utf8.Valid(v) {
				return paramPointer(k), true
			}
		}
	case mediaType == fiber.MIMEMultipartForm:
		form, err := c.MultipartForm()
		if err != nil {
			return "", false // the handler reports a broken body
		}
		names := make([]string, 0, len(form.Value))
		for name := range form.Value {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if !utf8.ValidString(name) || slices.ContainsFunc(form.Value[name], notUTF8) {
				return paramPointer([]byte(name)), true
			}
		}
	}
	return "", false
}

func notUTF8(s string) bool { return !utf8.ValidString(s) }

// paramPointer is the pointer of a query or form parameter: /<name>, with
// a name that is itself not UTF-8 shown with U+FFFD for its bad bytes.
func paramPointer(name []byte) string {
	return "/" + escapePointer(strings.ToValidUTF8(string(name), "\uFFFD"))
}

// escapePointer escapes one JSON-pointer segment (RFC 6901).
func escapePointer(seg string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(seg)
}

// jsonUTF8Pointer returns the JSON pointer of the first member or element
// of body whose key or string value is not UTF-8, and whether there is
// one. A bad key is pointed at by its member's pointer, the bad bytes shown
// as U+FFFD. Bad bytes where the tokenizer cannot place them (outside any
// string, or after a syntax error) point at the whole body, "".
func jsonUTF8Pointer(body []byte) (string, bool) {
	if utf8.Valid(body) {
		return "", false
	}
	// Each token's raw bytes run from the end of the one before to the
	// decoder's offset after it; between tokens lie only whitespace and
	// the ASCII separators, so a token whose span is not UTF-8 is a string
	// that is not.
	type level struct {
		object  bool
		key     string // the current member's key, in an object
		index   int    // the current element's index, in an array
		wantKey bool
	}
	var stack []*level
	pointer := func() string {
		var b strings.Builder
		for _, l := range stack {
			b.WriteByte('/')
			if l.object {
				b.WriteString(escapePointer(l.key))
			} else {
				b.WriteString(strconv.Itoa(l.index))
			}
		}
		return b.String()
	}
	// valueDone moves the enclosing object or array past a finished value.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		if top := stack[len(stack)-1]; top.object {
			top.wantKey = true
		} else {
			top.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var from int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", true
		}
		to := dec.InputOffset()
		raw := body[from:to]
		from = to
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &level{object: true, wantKey: true})
			case '[':
				stack = append(stack, &level{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = t, false
				if !utf8.Valid(raw) {
					return pointer(), true
				}
				continue
			}
			if !utf8.Valid(raw) {
				return pointer(), true
			}
			valueDone()
		default:
			valueDone()
		}
	}
}
