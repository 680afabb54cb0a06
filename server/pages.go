package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/frontend"
	"github.com/common-room/commonroom/models"
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

const (
	// flashCookie carries a success message across a Post/Redirect/Get.
	flashCookie    = "commonroom_flash"
	maxFlashLength = 300
	// maxFormBody is the largest form body a page reads.
	maxFormBody = 64 << 10
)

// pages renders the server-side HTML pages and serves their static files.
type pages struct {
	cfg    Config
	static fs.FS
	// hash is one content hash of every static file, computed at start-up;
	// static URLs carry it so browsers may cache them forever.
	hash      string
	templates map[string]*template.Template
}

func newPages(cfg Config) (*pages, error) {
	p := &pages{cfg: cfg, static: frontend.Static()}
	var err error
	if p.hash, err = staticHash(); err != nil {
		return nil, fmt.Errorf("hash static files: %w", err)
	}
	if p.templates, err = parseTemplates(frontend.Templates(), p.funcs()); err != nil {
		return nil, fmt.Errorf("page templates: %w", err)
	}
	return p, nil
}

// staticHash is the hash of the embedded static files, which cannot change
// while the program runs, so it is computed once however many servers a
// process builds.
var staticHash = sync.OnceValues(func() (string, error) { return hashFiles(frontend.Static()) })

// hashFiles hashes the names and contents of every file in fsys, in
// lexical order, into a short hex string.
func hashFiles(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%s\x00", name)
		_, err = io.Copy(h, f)
		h.Write([]byte{0})
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

// parseTemplates makes one template set per page: the layout and the
// partials, plus that page's file, which defines "content".
func parseTemplates(fsys fs.FS, funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "layout.html", "partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*template.Template, len(names))
	for _, name := range names {
		t, err := template.Must(base.Clone()).ParseFS(fsys, name)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return out, nil
}

// assetURL is the cache-forever URL of a static file.
func (p *pages) assetURL(name string) string { return "/static/" + p.hash + "/" + name }

// view is what every page template gets: the page's own data in Data and
// what the layout needs around it.
type view struct {
	Title  string // the page's own title; the layout adds the service name
	Back   *link  // the back link above the page, if any
	Errors formErrors
	Data   any
	// NoStore keeps the page out of every cache, for a secret shown once.
	NoStore bool
	// Print shows the page as it prints: without the header, navigation
	// and footer, and with the addresses of its links.
	Print bool

	// Filled in by render.
	Service      string
	Organisation string
	User         *models.User
	Nav          []navItem
	Flash        string
	JSEnabled    template.JS
}

// link is a destination with its text.
type link struct{ Href, Text string }

// navItem is one entry of the header's navigation.
type navItem struct {
	Href, Text string
	Current    bool
}

// render answers with a page in the layout.
func (s *Server) render(c *gin.Context, status int, page string, v *view) {
	t, ok := s.pages.templates[page]
	if !ok {
		s.renderError(c, fmt.Errorf("no template %q", page))
		return
	}
	who := currentPrincipal(c)
	v.Service, v.Organisation = s.cfg.ServiceName, s.cfg.OrganisationName
	v.Nav = navFor(who, c.Request.URL.Path)
	v.JSEnabled = template.JS(jsEnabledScript)
	if who != nil {
		v.User = who.User
	}
	if v.Flash == "" {
		v.Flash = s.takeFlash(c)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		logger(c).Error("render page", "page", page, "err", err)
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.String(http.StatusInternalServerError, "Sorry, there is a problem with the service. Try again later.")
		c.Abort()
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	if v.NoStore {
		c.Header("Cache-Control", "no-store")
	} else {
		c.Header("Cache-Control", "private, no-cache")
	}
	c.Status(status)
	if c.Request.Method != http.MethodHead {
		_, _ = c.Writer.Write(buf.Bytes())
	}
}

// navFor lists the header's links for the signed-in account, if any. The
// current one is the longest that the page's path falls under; finding a
// space covers the buildings and spaces too.
func navFor(who *principal, current string) []navItem {
	items := []navItem{{Href: "/find-a-space", Text: "Find a space"}, {Href: "/groups", Text: "Where groups meet"}}
	if who.isStaff() {
		items = append(items,
			navItem{Href: "/manage/requests", Text: "Requests"},
			navItem{Href: "/manage/organisations", Text: "Organisations to verify"})
	}
	switch n := len(who.orgIDs()); {
	case n == 1:
		items = append(items,
			navItem{Href: "/organisations/" + itoa(who.orgIDs()[0]) + "/bookings", Text: "Your bookings"},
			navItem{Href: "/organisations", Text: "Your organisation"})
	case n > 1:
		// Each organisation's page leads to its bookings.
		items = append(items, navItem{Href: "/organisations", Text: "Your organisations"})
	}
	if !who.isStaff() {
		items = append(items, navItem{Href: "/register", Text: "Register an organisation"})
	}
	under := func(prefix string) bool { return current == prefix || strings.HasPrefix(current, prefix+"/") }
	best := -1
	for i, it := range items {
		if under(it.Href) && (best < 0 || len(it.Href) > len(items[best].Href)) {
			best = i
		}
	}
	if best < 0 && (under("/sites") || under("/spaces")) {
		best = 0
	}
	if best >= 0 {
		items[best].Current = true
	}
	return items
}

// redirect answers a form post with 303 See Other and, when msg is not
// empty, a success message for the next page.
func (s *Server) redirect(c *gin.Context, to, msg string) {
	if msg != "" {
		if len(msg) > maxFlashLength {
			msg = msg[:maxFlashLength]
		}
		http.SetCookie(c.Writer, &http.Cookie{
			Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60,
			HttpOnly: true, Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode,
		})
	}
	c.Redirect(http.StatusSeeOther, to)
	c.Abort()
}

// takeFlash reads and clears the success message left by redirect.
func (s *Server) takeFlash(c *gin.Context) string {
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck == "" {
		return ""
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies(), SameSite: http.SameSiteLaxMode,
	})
	msg, err := url.QueryUnescape(ck)
	if err != nil || len(msg) > maxFlashLength {
		return ""
	}
	return msg
}

// errorPage is what the error template shows.
type errorPage struct {
	Status  int
	Heading string
	Detail  string
	Next    string // where to come back to after signing in
	Fields  []booking.FieldError
}

// renderError answers a page request with an error page in the layout. An
// anonymous visitor asking for a page that needs an account is sent to sign
// in instead, and comes back afterwards.
func (s *Server) renderError(c *gin.Context, err error) {
	p := problemFor(err)
	if p.Status >= 500 && !errors.Is(err, errPanic) {
		logger(c).Error("page failed", "err", err)
	}
	c.Abort()
	get := c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead
	if p.Status == http.StatusUnauthorized && get {
		c.Redirect(http.StatusSeeOther, "/sign-in?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		return
	}
	e := errorPage{Status: p.Status, Heading: p.Title, Fields: p.Errors}
	switch p.Status {
	case http.StatusUnauthorized:
		e.Heading = "You need to sign in"
		e.Detail = "Sign in and then try again."
	case http.StatusForbidden:
		e.Heading = "You cannot do this with your account"
		e.Detail = p.Detail
	case http.StatusNotFound:
		e.Heading = "Page not found"
	case http.StatusMethodNotAllowed:
		e.Heading = "This page cannot be used like that"
	case http.StatusConflict:
		e.Heading = "This could not be done"
		e.Detail = p.Detail
	case http.StatusTooManyRequests:
		e.Heading = "Too many attempts"
		e.Detail = "Wait 15 minutes and then try again."
	case http.StatusUnprocessableEntity:
		e.Heading = "Some of the information is not valid"
	case http.StatusBadRequest:
		e.Heading = "Sorry, there is a problem with the request"
		e.Detail = p.Detail
	default:
		e.Heading = "Sorry, there is a problem with the service"
		e.Detail = "Try again later. If it keeps happening, tell the estates team."
	}
	if get {
		e.Next = c.Request.URL.RequestURI()
	}
	s.render(c, p.Status, "error", &view{Title: e.Heading, Data: e})
}

// safeNext returns next when it is a path on this site, else "/": sign-in
// must not send people to another site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// staticFile serves the embedded static files under their content hash,
// cached for a year: a new build has a new hash and so new URLs.
func (s *Server) staticFile() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Param("hash") != s.pages.hash {
			s.fail(c, booking.ErrNotFound)
			return
		}
		s.serveFile(c, strings.TrimPrefix(c.Param("filepath"), "/"), "public, max-age=31536000, immutable")
	}
}

// assetFile serves the NHS.UK frontend's images and icons at /assets, where
// its CSS refers to them, cached for a day.
func (s *Server) assetFile() gin.HandlerFunc {
	return func(c *gin.Context) {
		s.serveFile(c, "assets/"+strings.TrimPrefix(c.Param("filepath"), "/"), "public, max-age=86400")
	}
}

func (s *Server) serveFile(c *gin.Context, name, cacheControl string) {
	if !fs.ValidPath(name) {
		s.fail(c, booking.ErrNotFound)
		return
	}
	info, err := fs.Stat(s.pages.static, name)
	if err != nil || info.IsDir() {
		s.fail(c, booking.ErrNotFound)
		return
	}
	c.Header("Cache-Control", cacheControl)
	http.ServeFileFS(c.Writer, c.Request, s.pages.static, name)
}

// readForm parses a posted form, refusing bodies larger than maxFormBody.
func readForm(c *gin.Context) (url.Values, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBody)
	if err := c.Request.ParseForm(); err != nil {
		return nil, newBadRequest("The form could not be read. Go back and try again.")
	}
	// No browser sends these from a form; PostgreSQL refuses to store them.
	for k, vs := range c.Request.PostForm {
		for _, v := range append(vs, k) {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return nil, newBadRequest("The form has characters in it that are not allowed. Go back, check what you typed and try again.")
			}
		}
	}
	return c.Request.PostForm, nil
}
