package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

func TestSignInPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		email := e.users[asBooker].Email
		e.step(t, "the form keeps where to go back to", func(t *testing.T) {
			e.getPage("/sign-in?next=%2Forganisations%2F7", anonymous).wantStatus(http.StatusOK).
				wantBody(`name="next" value="/organisations/7"`, `autocomplete="email"`, `autocomplete="current-password"`)
		})
		e.step(t, "empty fields are listed in the error summary", func(t *testing.T) {
			e.postForm("/sign-in", anonymous, url.Values{}).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#email">Enter your email address</a>`, `<a href="#password">Enter your password</a>`)
		})
		e.step(t, "a wrong password is a 401 with the form again", func(t *testing.T) {
			r := e.postForm("/sign-in", anonymous, url.Values{"email": {email}, "password": {"not the password"}}).
				wantStatus(http.StatusUnauthorized).wantBody("The email address or password is not right", `value="`+email+`"`)
			if strings.Contains(r.Header().Get("Set-Cookie"), sessionCookie) {
				t.Fatalf("a session was started: %s", r.Header().Get("Set-Cookie"))
			}
		})
		e.step(t, "signing in starts a session and goes back to a page on this site only", func(t *testing.T) {
			for next, want := range map[string]string{
				"/organisations/7?x=1": "/organisations/7?x=1", "": "/", "//evil.example/": "/",
				"https://evil.example/": "/", "/\\evil.example": "/", "javascript:alert(1)": "/",
			} {
				r := e.postForm("/sign-in", anonymous, url.Values{"email": {" " + strings.ToUpper(email)}, "password": {testPassword}, "next": {next}})
				r.wantRedirect(want)
				if !strings.Contains(r.Header().Get("Set-Cookie"), sessionCookie+"=") {
					t.Fatalf("no session cookie: %q", r.Header().Get("Set-Cookie"))
				}
			}
		})
		e.step(t, "too many failures show the rate-limit message", func(t *testing.T) {
			victim := e.users[asLinkWorker].Email
			for i := 0; i < maxFailuresAccount; i++ {
				e.postForm("/sign-in", anonymous, url.Values{"email": {victim}, "password": {"guess " + itoa(int64(i))}}).
					wantStatus(http.StatusUnauthorized)
			}
			e.postForm("/sign-in", anonymous, url.Values{"email": {victim}, "password": {testPassword}}).
				wantStatus(http.StatusTooManyRequests).wantBody("too many attempts to sign in. Wait 15 minutes")
		})
		e.step(t, "an email too long to be one is refused before the database", func(t *testing.T) {
			e.postForm("/sign-in", anonymous, url.Values{"email": {strings.Repeat("a", 300) + "@example.org"}, "password": {"x"}}).
				wantStatus(http.StatusUnprocessableEntity)
		})
		e.step(t, "signing out ends the session", func(t *testing.T) {
			r := e.postForm("/sign-out", asBooker, nil).wantRedirect("/")
			if r.flash() != "You have signed out." {
				t.Fatalf("flash %q", r.flash())
			}
			e.getPage("/organisations", asBooker).wantRedirect("/sign-in?next=%2Forganisations")
		})
	})
}

func TestRegisterPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.step(t, "signed out, the form asks for an account and an organisation", func(t *testing.T) {
			e.getPage("/register", anonymous).wantStatus(http.StatusOK).wantBody(
				`id="account_email"`, `autocomplete="new-password"`, `id="org_name"`, `autocomplete="organization"`,
				`id="org_type" name="org_type" type="radio" value="registered_charity"`, "Registered charity (including CIO)",
			)
		})
		e.step(t, "signed in, only the organisation", func(t *testing.T) {
			e.getPage("/register", asLinkWorker).wantStatus(http.StatusOK).wantBody(`id="org_name"`).wantNoBody(`id="account_email"`)
		})
		e.step(t, "mistakes in both halves are listed together and nothing is saved", func(t *testing.T) {
			form := registerFormValues("broken", true)
			form.Set("password", "short")
			form.Set("org_type", "registered_charity")
			form.Set("identifier_value", "12")
			e.postForm("/register", anonymous, form).wantStatus(http.StatusUnprocessableEntity).wantBody(
				`<a href="#password">Password must be at least 10 characters</a>`,
				`<a href="#identifier_scheme">`,
			)
			form.Set("identifier_scheme", booking.SchemeCharityEW)
			e.postForm("/register", anonymous, form).wantStatus(http.StatusUnprocessableEntity).wantBody(
				`<a href="#identifier_value">Enter a charity number of 6 or 7 digits`,
			)
			if _, err := e.store.UserByEmail(context.Background(), form.Get("account_email")); err == nil {
				t.Fatal("the account was created")
			}
		})
		e.step(t, "a registered charity needs its number", func(t *testing.T) {
			form := registerFormValues("charity", true)
			form.Set("org_type", "registered_charity")
			e.postForm("/register", anonymous, form).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#identifier_value">A registered charity needs its charity number`)
		})
		e.step(t, "a taken email is a conflict on the email field", func(t *testing.T) {
			form := registerFormValues("taken", true)
			form.Set("account_email", e.users[asBooker].Email)
			e.postForm("/register", anonymous, form).wantStatus(http.StatusConflict).
				wantBody(`<a href="#account_email">An account with this email address already exists</a>`)
		})
		e.step(t, "registering signs in and shows the organisation awaiting verification", func(t *testing.T) {
			form := registerFormValues("edgeley", true)
			form.Set("org_type", "registered_charity")
			form.Set("identifier_scheme", booking.SchemeCharityEW)
			form.Set("identifier_value", " 1123456 ")
			r := e.postForm("/register", anonymous, form).wantStatus(http.StatusSeeOther)
			loc := r.Header().Get("Location")
			if !strings.HasPrefix(loc, "/organisations/") || !strings.Contains(r.flash(), "is registered") {
				t.Fatalf("location %q, flash %q", loc, r.flash())
			}
			var session string
			for _, ck := range r.Result().Cookies() {
				if ck.Name == sessionCookie {
					session = ck.Value
				}
			}
			if session == "" {
				t.Fatal("not signed in")
			}
			e.do(request{method: http.MethodGet, path: loc, header: http.Header{"Cookie": {sessionCookie + "=" + session}}}).
				wantStatus(http.StatusOK).wantBody("edgeley Walking Group", "Not yet verified", "awaiting verification", "1123456", "Organisation admin")
		})
		e.step(t, "a signed-in member registers another organisation", func(t *testing.T) {
			r := e.postForm("/register", asBooker, registerFormValues("second", false)).wantStatus(http.StatusSeeOther)
			orgs, _, err := e.store.Organisations(context.Background(), models.OrganisationFilter{MemberID: e.users[asBooker].ID}, models.Page{})
			must(t, err)
			if len(orgs) != 2 || !strings.HasSuffix(r.Header().Get("Location"), "/"+itoa(orgs[1].ID)) && !strings.HasSuffix(r.Header().Get("Location"), "/"+itoa(orgs[0].ID)) {
				t.Fatalf("organisations %d, location %q", len(orgs), r.Header().Get("Location"))
			}
		})
	})
}
