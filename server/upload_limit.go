package server

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v3"

	"canvass/engine"
)

// Uploads from pages (a definition on /author, a file in the studio's
// 源文件, an XLSForm workbook) are bounded twice: the request body limit,
// which the HTTP server enforces before any handler runs, and the
// definition size limit. A page states the smaller one on its file inputs
// (data-max-bytes, with the message in the page's language), so that
// upload_limit.js refuses an oversized file in the browser before it is
// sent; a page post that is refused anyway (no JavaScript) gets a page
// saying so, not the API's JSON.

// defaultUploadMaxBytes is what pages state: uploadMaxBytes with the
// default body limit. A server configured with a smaller one still
// refuses a bigger file, with the error page.
const defaultUploadMaxBytes = min(DefaultBodyLimit-16<<10, engine.MaxDefinitionBytes)

// uploadMaxBytes is the largest file a page upload takes: the smaller of
// the body limit, less room for the form's other fields, and the
// definition size limit.
func (s *Server) uploadMaxBytes() int {
	n := s.bodyLimit - 16<<10
	return min(n, engine.MaxDefinitionBytes)
}

// isPageUpload reports whether c is a form post from a page (not the API).
func isPageUpload(c fiber.Ctx) bool {
	return c.Method() == http.MethodPost && !strings.HasPrefix(c.Path(), "/api/") &&
		strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm)
}

// renderUploadTooLarge answers an oversized page upload with the error
// page: 413, nothing saved, and the limit.
func (s *Server) renderUploadTooLarge(c fiber.Ctx) error {
	p := s.newPage(c, "error.title", "", "/")
	p.Error = p.T("upload.too_large", s.uploadMaxBytes()>>10)
	return s.render(c, http.StatusRequestEntityTooLarge, "error", p)
}
