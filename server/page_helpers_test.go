package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// page makes a page request as a role, signed in with the role's session
// cookie as a browser is. A non-nil form is posted as
// application/x-www-form-urlencoded from the same site.
func (e *env) page(method, path, as string, form url.Values) *response {
	e.t.Helper()
	rq := request{method: method, path: path, as: as, cookie: true, header: http.Header{"Sec-Fetch-Site": {"same-origin"}}}
	if form != nil {
		rq.body = form.Encode()
		rq.header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return e.do(rq)
}

// getPage is a page GET as a role.
func (e *env) getPage(path, as string) *response {
	e.t.Helper()
	return e.page(http.MethodGet, path, as, nil)
}

// postForm posts a form as a role.
func (e *env) postForm(path, as string, form url.Values) *response {
	e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return e.page(http.MethodPost, path, as, form)
}

// wantBody fails the test unless the body contains every string.
func (r *response) wantBody(parts ...string) *response {
	r.t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Body.String(), p) {
			r.t.Fatalf("body does not contain %q:\n%s", p, r.Body.String())
		}
	}
	return r
}

// wantNoBody fails the test if the body contains any of the strings.
func (r *response) wantNoBody(parts ...string) *response {
	r.t.Helper()
	for _, p := range parts {
		if strings.Contains(r.Body.String(), p) {
			r.t.Fatalf("body contains %q:\n%s", p, r.Body.String())
		}
	}
	return r
}

// wantRedirect fails the test unless the answer is a 303 to the location.
func (r *response) wantRedirect(location string) *response {
	r.t.Helper()
	r.wantStatus(http.StatusSeeOther)
	if got := r.Header().Get("Location"); got != location {
		r.t.Fatalf("redirect to %q, want %q", got, location)
	}
	return r
}

// flash is the success message the answer leaves for the next page.
func (r *response) flash() string {
	for _, ck := range r.Result().Cookies() {
		if ck.Name == flashCookie {
			msg, _ := url.QueryUnescape(ck.Value)
			return msg
		}
	}
	return ""
}

// siteFormValues is the site form filled in with a site's details.
func siteFormValues(site *models.Site) url.Values {
	return url.Values{
		"name": {site.Name}, "address_line1": {site.AddressLine1}, "address_line2": {site.AddressLine2},
		"town": {site.Town}, "postcode": {site.Postcode}, "description": {site.Description},
		"opening_hours": {"Monday to Friday 9am to 5pm"}, "step_free": {"yes"},
		"parking_notes": {""}, "public_transport": {"Bus 192"},
	}
}

// spaceFormValues is a valid space form.
func spaceFormValues(name string) url.Values {
	return url.Values{
		"name": {name}, "kind": {"meeting_room"}, "description": {"A quiet room"}, "capacity": {"8"},
		"features": {"projector, Sink"}, "step_free": {"yes"}, "access_notes": {""},
		"booking_unit": {"hour"}, "granularity_minutes": {"30"}, "min_minutes": {"60"}, "max_minutes": {"240"},
		"notice_hours": {"24"}, "horizon_days": {"90"}, "buffer_minutes": {"10"},
		"approval_mode": {"auto"}, "rate": {"12.50"}, "visibility": {"public"},
	}
}

// bookFormValues is the booking form filled in for one booking of an hour
// or so on a date, for an organisation.
func bookFormValues(orgID int64, d booking.Date, start, end string) url.Values {
	return url.Values{
		"organisation_id": {itoa(orgID)}, "date-day": {strconv.Itoa(d.Day)}, "date-month": {strconv.Itoa(int(d.Month))},
		"date-year": {strconv.Itoa(d.Year)}, "start": {start}, "end": {end}, "purpose": {"community"},
		"attendees": {"3"}, "notes": {""}, "repeat": {repeatOnce}, "policy": {booking.AllOrNothing},
		"confirm": {"yes"},
	}
}

// registerFormValues registers an organisation, and an account when
// withAccount is set; prefix keeps names and emails apart.
func registerFormValues(prefix string, withAccount bool) url.Values {
	v := url.Values{
		"org_name": {prefix + " Walking Group"}, "org_type": {"community_group"},
		"description": {"Weekly health walks"}, "org_email": {prefix + "@walkers.example"},
	}
	if withAccount {
		v.Set("account_name", "Jo "+prefix)
		v.Set("account_email", prefix+"-new@example.org")
		v.Set("password", "walking on sunshine")
	}
	return v
}

// step runs a subtest whose requests fail that subtest, not its parent.
func (e *env) step(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		parent := e.t
		e.t = t
		defer func() { e.t = parent }()
		fn(t)
	})
}

// pageUser makes an extra account for a route row to act on, named after
// the role that acts so each role of the row gets its own.
func (e *env) pageUser(prefix, role string) *models.User {
	e.t.Helper()
	u := &models.User{Email: prefix + "-" + role + "@example.org", Name: prefix + " " + role,
		PasswordHash: testPasswordHash, Role: booking.RoleMember}
	must(e.t, e.store.CreateUser(context.Background(), u))
	return u
}
