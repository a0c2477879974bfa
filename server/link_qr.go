package server

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v3"
	qrcode "github.com/skip2/go-qrcode"

	"canvass/engine"
)

// qrPNGSize is the side of a QR code PNG in pixels: enough for a phone to
// read it from a printed page.
const qrPNGSize = 320

// qrContent returns the URL a QR code for the link token encodes, once the
// token is known to open a link (ENOTFOUND otherwise, so the endpoint
// makes no images of guessed tokens). A revoked or used link still gets
// its image: the page it opens says why it takes nothing.
func (s *Server) qrContent(c fiber.Ctx) (string, error) {
	token := c.Params("token")
	if err := s.engine.LinkExists(c.Context(), token); err != nil {
		return "", err
	}
	return c.BaseURL() + publicPath(token), nil
}

// qrPNG answers GET /p/:token/qr.png.
func (s *Server) qrPNG(c fiber.Ctx) error {
	content, err := s.qrContent(c)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(content, qrcode.Medium, qrPNGSize)
	if err != nil {
		return engine.WrapError(engine.EINTERNAL, "", err)
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(png)
}

// qrSVG answers GET /p/:token/qr.svg.
func (s *Server) qrSVG(c fiber.Ctx) error {
	content, err := s.qrContent(c)
	if err != nil {
		return err
	}
	svg, err := qrSVGOf(content)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(svg)
}

// qrSVGOf draws the QR code of content as an SVG: one path of unit
// squares, quiet zone included, scaled by the viewer. It holds no text
// from content, so nothing in it needs escaping.
func qrSVGOf(content string) (string, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return "", engine.WrapError(engine.EINTERNAL, "", err)
	}
	bits := q.Bitmap()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img">`, len(bits), len(bits))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, len(bits), len(bits))
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
