// Package ui is Canvass's web interface as files: the html/template pages,
// our own CSS and a little JavaScript, all embedded in the binary so that a
// server on an intranet needs no CDN and no files beside it; and the message
// catalog the pages are written in (zh-CN by default, en second).
//
// The templates follow one pattern: templates/layout.html defines "layout",
// the frame of every page, which calls "content"; each other file defines
// "content" for one page; files named _*.html define parts that several
// pages share (such as "row_report", the per-row report of a refused
// import). The server parses layout.html and the shared parts together
// with one page file per page, and gives each template two functions: asset (the
// cache-busting URL of a file under static/) and the page data's T method
// for messages. Pages carry no inline script or style, so the server's
// Content-Security-Policy can forbid both.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed static/*
var static embed.FS

// Templates returns the page templates; layout.html is the frame.
func Templates() fs.FS {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		panic(err) // the directory is embedded above; it cannot be missing
	}
	return sub
}

// Static returns the files served under /static/.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	return sub
}
