// Package frontend holds what the pages are made of: the HTML templates and
// the static files (our own CSS and JavaScript, and the NHS.UK frontend's
// CSS, JavaScript and images copied in by "make assets"), embedded in the
// binary so a deployment is one file.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed templates
var templates embed.FS

// The NHS.UK frontend's files are generated into static/nhsuk and
// static/assets and are not tracked; static/app.css always is, so this
// pattern matches and the program builds (with unstyled pages) without them.
//
//go:embed static
var static embed.FS

// Templates is the tree of page templates: layout.html, partials/ and pages/.
func Templates() fs.FS { return sub(templates, "templates") }

// Static is the tree of static files served to browsers.
func Static() fs.FS { return sub(static, "static") }

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a literal that go:embed guarantees exists
	}
	return s
}
