package server

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"sync"

	"github.com/gofiber/fiber/v3"

	"canvass/ui"
)

// asset is one static file, held in memory (they are few and small).
type asset struct {
	body        []byte
	contentType string
	version     string // a hash of the content: the ?v= of its URL
	etag        string
}

// assetSet is the files served under /static/.
type assetSet struct {
	byName map[string]*asset
}

// uiAssets loads the embedded static files once per process.
var uiAssets = sync.OnceValue(func() *assetSet {
	as := &assetSet{byName: map[string]*asset{}}
	err := fs.WalkDir(ui.Static(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.Static(), name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		version := hex.EncodeToString(sum[:6])
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		as.byName[name] = &asset{body: b, contentType: ctype, version: version, etag: `"` + version + `"`}
		return nil
	})
	if err != nil {
		panic(err) // embedded files: cannot fail but by a bug
	}
	return as
})

func mustLoadAssets() *assetSet { return uiAssets() }

// url is the address pages link a static file by. It carries the file's
// content hash, so the file can be cached for ever: a new version has a
// new address.
func (as *assetSet) url(name string) string {
	if a, ok := as.byName[name]; ok {
		return "/static/" + name + "?v=" + a.version
	}
	return "/static/" + name
}

// staticFile serves GET /static/:name. Asked for by its versioned address,
// a file may be cached for a year; by any other, it must be revalidated
// (with its ETag, answered 304 when unchanged).
func (s *Server) staticFile(c fiber.Ctx) error {
	a, ok := s.assets.byName[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	if c.Query("v") == a.version {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderETag, a.etag)
	if c.Get(fiber.HeaderIfNoneMatch) == a.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	return c.Send(a.body)
}
