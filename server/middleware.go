package server

import (
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

const (
	loggerKey    = "logger"
	requestIDKey = "request_id"
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestLog gives each request an id (taken from X-Request-Id when it is
// sane), a logger that carries it, and one log line when it ends.
func (s *Server) requestLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-Id")
		if !validRequestID.MatchString(id) {
			id = randomToken(8)
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-Id", id)
		l := s.log.With("request_id", id)
		c.Set(loggerKey, l)
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		switch status := c.Writer.Status(); {
		case status >= 500:
			level = slog.LevelError
		case c.Request.URL.Path == "/healthz" || c.Request.URL.Path == "/readyz" || c.Request.URL.Path == "/metrics":
			level = slog.LevelDebug
		}
		l.Log(c.Request.Context(), level, "request",
			"method", c.Request.Method,
			"path", redactedPath(c.Request.URL.Path),
			"route", c.FullPath(),
			"status", c.Writer.Status(),
			"bytes", c.Writer.Size(),
			"ms", float64(time.Since(start).Microseconds())/1000,
			"remote", c.ClientIP(),
		)
	}
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// recoverPanics turns a panic into a logged 500 so no stack trace reaches a
// user, and the process keeps serving.
func (s *Server) recoverPanics() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if err, ok := r.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(r)
				}
				logger(c).Error("panic", "panic", r, "stack", string(debug.Stack()))
				s.fail(c, errPanic)
			}
		}()
		c.Next()
	}
}

var errPanic = errors.New("internal error")

// securityHeaders sets the headers every answer carries. The Content
// Security Policy allows only our own scripts plus the one-line js-enabled
// snippet the NHS.UK frontend puts on the body, by its hash. With card
// payments on, a form may also lead to Stripe Checkout: the Pay button's
// answer redirects there.
func (s *Server) securityHeaders() gin.HandlerFunc {
	formAction := "form-action 'self'"
	if s.cfg.CardPayments() {
		formAction += " " + checkoutOrigin
	}
	csp := strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' '" + jsEnabledHash + "'",
		"style-src 'self'",
		"img-src 'self' data:",
		"font-src 'self' https://assets.nhs.uk",
		"connect-src 'self'",
		formAction,
		"frame-ancestors 'none'",
		"base-uri 'self'",
		"object-src 'none'",
	}, "; ")
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.cfg.SecureCookies() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		c.Next()
	}
}

// cleanInput refuses requests whose path or form holds NUL characters or
// invalid UTF-8: PostgreSQL cannot store them, and no legitimate client
// sends them. No resource has such a path (404); a bad form field is named
// (422). Query parameters are checked where they are read.
func (s *Server) cleanInput() gin.HandlerFunc {
	return func(c *gin.Context) {
		if !clean(c.Request.URL.Path) {
			s.fail(c, booking.ErrNotFound)
			return
		}
		var p booking.Problems
		if c.ContentType() == "application/x-www-form-urlencoded" {
			if err := c.Request.ParseForm(); err != nil {
				s.fail(c, newBadRequest("The form could not be read."))
				return
			}
			checkValues(&p, c.Request.PostForm)
		}
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		c.Next()
	}
}

func checkValues(p *booking.Problems, values map[string][]string) {
	for name, vs := range values {
		for _, v := range vs {
			if !clean(name) || !clean(v) {
				p.Add(strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", ""), "?"), "Must not contain NUL characters or invalid text")
				break
			}
		}
	}
}

func clean(v string) bool { return utf8.ValidString(v) && !strings.ContainsRune(v, 0) }

// crossOrigin refuses state-changing requests from other sites' pages,
// using Go's checks of the Sec-Fetch-Site and Origin headers. Requests
// without those headers (API clients, curl) are not from a browser and
// pass; SameSite=Lax cookies are the second line.
func (s *Server) crossOrigin() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			s.fail(c, newForbidden("Requests that change data must come from this site's own pages."))
			return
		}
		c.Next()
	}
}

// isAPI reports whether the request is for the JSON API rather than a page.
func isAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/")
}

// fail answers with the error: problem+json for the API, an error page for
// pages.
func (s *Server) fail(c *gin.Context, err error) {
	if isAPI(c) || strings.HasPrefix(c.Request.URL.Path, "/webhooks/") {
		writeProblem(c, err)
		return
	}
	s.renderError(c, err)
}
