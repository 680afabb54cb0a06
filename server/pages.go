package server

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html"
	"net/http"

	"github.com/gin-gonic/gin"
)

// jsEnabledScript is the NHS.UK frontend's one-line body script that marks
// the page as having JavaScript; the Content Security Policy allows it by
// its hash.
const jsEnabledScript = `document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');`

var jsEnabledHash = func() string {
	sum := sha256.Sum256([]byte(jsEnabledScript))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}()

// pages renders the server-side HTML pages.
type pages struct {
	cfg Config
}

func newPages(cfg Config) (*pages, error) { return &pages{cfg: cfg}, nil }

// renderError answers a page request with an error page.
func (s *Server) renderError(c *gin.Context, err error) {
	p := problemFor(err)
	if p.Status >= 500 && !errors.Is(err, errPanic) {
		logger(c).Error("page failed", "err", err)
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(p.Status)
	_, _ = c.Writer.WriteString("<!DOCTYPE html><title>" + html.EscapeString(p.Title) + "</title><h1>" + html.EscapeString(p.Title) + "</h1>")
	c.Abort()
}

// pageRoutes lists the HTML pages.
func (s *Server) pageRoutes(r *gin.Engine) {
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, s.cfg.ServiceName) })
}
