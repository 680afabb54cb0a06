package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// signInForm is the sign-in form as typed; the password is never shown
// again.
type signInForm struct {
	Email string
	Next  string
}

func (s *Server) signInPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		f := signInForm{Next: safeNext(c.Query("next"))}
		s.render(c, http.StatusOK, "sign-in", &view{Title: "Sign in", Data: f})
	}
}

// signInSubmit checks the password with the same rate-limited login as the
// API, starts a session and goes back where the person came from.
func (s *Server) signInSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		form, err := readForm(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		f := signInForm{Email: strings.TrimSpace(form.Get("email")), Next: safeNext(form.Get("next"))}
		password := form.Get("password")
		v := &view{Title: "Sign in", Data: f}
		switch {
		case f.Email == "":
			v.Errors.add("email", "Enter your email address")
		case len(f.Email) > maxEmailLength:
			v.Errors.add("email", "Enter an email address in the correct format, like name@example.org")
		}
		if password == "" {
			v.Errors.add("password", "Enter your password")
		}
		if v.Errors.any() {
			s.render(c, http.StatusUnprocessableEntity, "sign-in", v)
			return
		}
		u, err := s.login(c.Request.Context(), c, f.Email, password)
		switch {
		case errors.Is(err, booking.ErrTooManyAttempts):
			v.Errors.add("", "There have been too many attempts to sign in. Wait 15 minutes and then try again.")
			s.render(c, http.StatusTooManyRequests, "sign-in", v)
			return
		case errors.Is(err, booking.ErrUnauthenticated):
			v.Errors.add("email", "The email address or password is not right")
			s.render(c, http.StatusUnauthorized, "sign-in", v)
			return
		case err != nil:
			s.fail(c, err)
			return
		}
		if err := s.startSession(c, u.ID); err != nil {
			s.fail(c, err)
			return
		}
		s.redirect(c, f.Next, "")
	}
}

// signOutSubmit ends this browser's session.
func (s *Server) signOutSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.endSession(c); err != nil {
			s.fail(c, err)
			return
		}
		s.redirect(c, "/", "You have signed out.")
	}
}
