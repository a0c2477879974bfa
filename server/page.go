package server

import (
	"bytes"
	"html/template"
	"io/fs"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
	"canvass/ui"
)

// langCookieTTL is how long a language picked with ?lang= is remembered.
const langCookieTTL = 365 * 24 * time.Hour

// pageSet holds one parsed template per page, each the layout plus that
// page's "content".
type pageSet struct {
	byName map[string]*template.Template
}

// mustLoadPages parses the embedded templates. They are part of the
// binary, so a parse error is a bug that must stop the server at once (a
// test parses them too).
func mustLoadPages() *pageSet {
	fsys := ui.Templates()
	funcs := template.FuncMap{
		"asset":     uiAssets().url,
		"localTime": localTime,
		"inc":       func(i int) int { return i + 1 },
		"dict3":     newStudioField,
		"uploadMax": func() int { return defaultUploadMaxBytes },       // upload_limit.go
		"uploadKiB": func() int { return defaultUploadMaxBytes >> 10 }, // upload_limit.go
	}
	// layout.html and the shared parts (files named _*.html) go with
	// every page.
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(fsys, "layout.html", "_*.html"))
	names, err := fs.Glob(fsys, "*.html")
	if err != nil {
		panic(err)
	}
	ps := &pageSet{byName: map[string]*template.Template{}}
	for _, name := range names {
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		t := template.Must(template.Must(layout.Clone()).ParseFS(fsys, name))
		ps.byName[strings.TrimSuffix(name, ".html")] = t
	}
	return ps
}

// localTime shows a time as people in China read it.
func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04:05")
}

// pageData is what every template gets: the frame's needs, and the page's
// own in Data.
type pageData struct {
	Lang      string
	Title     string // message key
	Nav       string // which navigation entry is current
	User      *engine.User
	IsAdmin   bool
	CSRF      string // for the forms of a signed-in page, and the sign-in form
	Flash     string // a success message, already in Lang
	Error     string // a failure message, already in Lang
	RequestID string
	Unread    int64 // the user's unread notifications, for the navigation
	Data      any

	path  string     // the GET address of this page, for the language links
	query url.Values // and its query
}

// T returns the message key in the page's language.
func (p *pageData) T(key string, args ...any) string { return ui.Message(p.Lang, key, args...) }

// LangURL is this page's address in another language.
func (p *pageData) LangURL(lang string) string {
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	q.Set("lang", lang)
	return p.path + "?" + q.Encode()
}

// newPage starts the data of a page whose GET address is path ("" for the
// request's own).
func (s *Server) newPage(c fiber.Ctx, title, nav, path string) *pageData {
	p := &pageData{Title: title, Nav: nav, path: path, query: url.Values{}, RequestID: requestIDOf(c)}
	if a := authOf(c); a != nil {
		p.User = a.actor.User
		p.IsAdmin = a.actor.Has(engine.RoleAdmin)
		p.CSRF = a.session.CSRFToken
		p.Unread = s.unreadCount(c, p.User)
	}
	if p.path == "" {
		p.path = c.Path()
		for k, v := range c.Queries() {
			if k != "lang" {
				p.query.Set(k, v)
			}
		}
	}
	p.Lang = s.pageLang(c, p.User)
	return p
}

// pageLang picks the page's language: ?lang= (remembered in a cookie), the
// remembered choice, the user's own setting, the browser's
// Accept-Language, and zh-CN.
func (s *Server) pageLang(c fiber.Ctx, u *engine.User) string {
	if lang := c.Query("lang"); ui.ValidLang(lang) {
		s.setCookie(c, langCookie, lang, "/", s.now().Add(langCookieTTL))
		return lang
	}
	if lang := c.Cookies(langCookie); ui.ValidLang(lang) {
		return lang
	}
	if u != nil && ui.ValidLang(u.Locale) {
		return u.Locale
	}
	return ui.MatchAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
}

// render writes the page name with status. Pages are never cached: they
// show personal data and carry CSRF tokens.
func (s *Server) render(c fiber.Ctx, status int, name string, p *pageData) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return engine.Errorf(engine.EINTERNAL, "no template %s", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).Send(buf.Bytes())
}

// redirect answers 303 See Other: after a form post, the browser GETs
// location, so reloading does not post again.
func redirect(c fiber.Ctx, location string) error {
	c.Set(fiber.HeaderLocation, location)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendStatus(fiber.StatusSeeOther)
}

// redirectToLogin sends a signed-out visitor to the sign-in page, to come
// back to this page after (for a GET; a form post cannot be replayed).
func (s *Server) redirectToLogin(c fiber.Ctx) error {
	next := "/"
	if c.Method() == fiber.MethodGet {
		next = localPath(c.OriginalURL())
	}
	if next == "/" {
		return redirect(c, "/login")
	}
	return redirect(c, "/login?next="+url.QueryEscape(next))
}

// localPath returns next when it is a path on this site, "/" otherwise,
// so that /login?next=… cannot send anyone to another site (an open
// redirect makes phishing links look like ours). It refuses absolute and
// scheme-relative URLs ("//evil.example"), backslashes (which browsers
// read as slashes) and control characters (which browsers drop).
func localPath(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' || strings.HasPrefix(next, "//") {
		return "/"
	}
	for i := 0; i < len(next); i++ {
		if b := next[i]; b < 0x20 || b == 0x7f || b == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if u.Path == "/login" || u.Path == "/logout" {
		return "/"
	}
	return next
}

// publicPage renders a page handler's error as an HTML page.
func (s *Server) publicPage(c fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return s.renderErrorPage(c, err)
	}
	return nil
}

// signedInPage is the auth middleware of the HTML pages: a visitor who is
// not signed in goes to the sign-in page; a form post must carry the
// session's CSRF token in _csrf; and the handler's errors become an HTML
// error page.
func (s *Server) signedInPage(c fiber.Ctx) error {
	err := func() error {
		a, err := s.identify(c)
		if err != nil {
			return err
		}
		if a == nil {
			return s.redirectToLogin(c)
		}
		if err := checkCSRF(c, a); err != nil {
			return err
		}
		return c.Next()
	}()
	if err != nil {
		return s.renderErrorPage(c, err)
	}
	return nil
}

// renderErrorPage shows err as a page with the status and code the one
// table gives (describeError, which also logs internal errors); a session
// that has ended goes to the sign-in page instead.
func (s *Server) renderErrorPage(c fiber.Ctx, err error) error {
	if engine.ErrorCode(err) == engine.EUNAUTHORIZED {
		return s.redirectToLogin(c)
	}
	status, body := s.describeError(c, err)
	p := s.newPage(c, "error.title", "", "/")
	p.Error = p.T("error." + body.Error.Code)
	if msg := engine.PhaseMessage(err); msg != "" {
		p.Error = msg // which phase it is and when the work opens
	}
	if rerr := s.render(c, status, "error", p); rerr != nil {
		return err // the JSON error handler still answers
	}
	return nil
}

// pageRoutes installs the HTML pages and their static files.
func (s *Server) pageRoutes() {
	s.app.Get("/static/:name", s.staticFile)
	s.app.Get("/login", s.publicPage, s.loginPage)
	s.app.Post("/login", s.publicPage, s.loginSubmit)
	s.app.Post("/logout", s.signedInPage, s.logoutSubmit)
	s.app.Get("/", s.signedInPage, s.homePage)
	s.app.Get("/admin/users", s.signedInPage, s.usersPage)
	s.app.Post("/admin/users", s.signedInPage, s.usersCreate)
	s.app.Get("/admin/orgunits", s.signedInPage, s.orgUnitsPage)
	s.app.Post("/admin/orgunits/import", s.signedInPage, s.orgUnitsImport)
	s.app.Get("/admin/audit", s.signedInPage, s.auditPage)
}

// formValues returns every value of a field of a urlencoded or multipart
// form body, never of the query string.
func formValues(c fiber.Ctx, key string) []string {
	mediaType, _, _ := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	switch mediaType {
	case fiber.MIMEApplicationForm:
		var out []string
		for _, v := range c.Request().PostArgs().PeekMulti(key) {
			out = append(out, string(v))
		}
		return out
	case fiber.MIMEMultipartForm:
		form, err := c.MultipartForm()
		if err != nil {
			return nil
		}
		return form.Value[key]
	}
	return nil
}

// fieldMessages turns field errors into one message per form field in
// lang, keyed by the field's name (the pointer's first segment). Known
// codes have a translation; others keep the engine's text.
func fieldMessages(p *pageData, fields []engine.FieldError) map[string]string {
	out := map[string]string{}
	for _, fe := range fields {
		name, _, _ := strings.Cut(strings.TrimPrefix(fe.Pointer, "/"), "/")
		if _, seen := out[name]; seen {
			continue
		}
		if key := "field." + name + "." + fe.Code; ui.HasMessage(key) {
			out[name] = p.T(key)
		} else {
			out[name] = fe.Message
		}
	}
	return out
}
