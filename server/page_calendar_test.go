package server

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/calendar"
	"github.com/common-room/commonroom/server/calendar/calendartest"
)

// shownLinkPattern finds the address the subscribe section offers to copy.
var shownLinkPattern = regexp.MustCompile(`id="calendar-address" type="text" value="([^"]+)"`)

// shownLink is the feed's path in the address a page offers to copy, after
// checking that the page's webcal link is the same feed.
func (e *env) shownLink(r *response) string {
	e.t.Helper()
	m := shownLinkPattern.FindStringSubmatch(r.Body.String())
	if m == nil {
		e.t.Fatalf("no calendar address to copy:\n%s", r.Body.String())
	}
	base := e.srv.cfg.BaseURL.String()
	if !strings.HasPrefix(m[1], base+"/calendars/") {
		e.t.Fatalf("the address %q is not a feed of %s", m[1], base)
	}
	r.wantBody(`href="webcal://` + strings.TrimPrefix(m[1], "http://") + `"`)
	return strings.TrimPrefix(m[1], base)
}

// calendarTokens are the stored calendar tokens, one line each.
func (e *env) calendarTokens() string {
	e.t.Helper()
	var ts []models.CalendarToken
	must(e.t, e.store.DB.Order("id").Find(&ts).Error)
	var b strings.Builder
	id := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	for _, t := range ts {
		fmt.Fprintf(&b, "%d %s organisation %d user %d %s\n", t.ID, t.TokenHash, id(t.OrganisationID), id(t.UserID), t.CreatedAt.UTC())
	}
	return b.String()
}

// wantFeed fetches a private feed's path as a calendar app does, with no
// credentials, and checks it is a calendar with the name.
func (e *env) wantFeed(path, name string) {
	e.t.Helper()
	r := e.feed(path, nil).wantStatus(http.StatusOK)
	if got := calendartest.Parse(e.t, r.Body.Bytes())[0].Name; got != name {
		e.t.Errorf("the feed is named %q, want %q", got, name)
	}
}

func TestCalendarSubscribeSections(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		base := e.srv.cfg.BaseURL.String()
		host := strings.TrimPrefix(base, "http://")
		e.step(t, "a space's page offers its public calendar by webcal and https", func(t *testing.T) {
			feed := fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceA.ID)
			r := e.getPage(fmt.Sprintf("/spaces/%d", e.spaceA.ID), anonymous).wantStatus(http.StatusOK).wantBody(
				`<h2 class="nhsuk-heading-m" id="calendar">Subscribe to this calendar</h2>`,
				`href="webcal://`+host+feed+`"`, `value="`+base+feed+`"`,
				"Subscribe in your calendar app", "How to subscribe", "From URL", "Subscribe from web", "New Calendar Subscription",
				"Private bookings show as “Booked” only")
			if got := e.shownLink(r); got != feed {
				t.Errorf("the page offers %s, want %s", got, feed)
			}
			e.wantFeed(feed, e.spaceA.Name+", "+e.siteA.Name)
		})
		e.step(t, "a site's page offers the calendar of its spaces", func(t *testing.T) {
			feed := fmt.Sprintf("/calendars/sites/%d.ics", e.siteA.ID)
			r := e.getPage(fmt.Sprintf("/sites/%d", e.siteA.ID), asBooker).wantStatus(http.StatusOK).wantBody(
				"Subscribe to this calendar", `href="webcal://`+host+feed+`"`, `value="`+base+feed+`"`, "Private bookings show as “Booked” only")
			if got := e.shownLink(r); got != feed {
				t.Errorf("the page offers %s, want %s", got, feed)
			}
			e.wantFeed(feed, e.siteA.Name)
		})
		e.step(t, "a hidden space has no public calendar to offer", func(t *testing.T) {
			e.getPage(fmt.Sprintf("/spaces/%d", e.hiddenA.ID), asManager).wantStatus(http.StatusOK).
				wantBody(e.hiddenA.Name, "Only the estates team can see this space").
				wantNoBody("Subscribe to this calendar", "webcal://", "/calendars/")
			e.feed(fmt.Sprintf("/calendars/spaces/%d.ics", e.hiddenA.ID), nil).wantStatus(http.StatusNotFound)
		})
	})
}

func TestCalendarOrganisationLink(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		org := "/organisations/" + itoa(e.orgA.ID)
		action := org + "/calendar-link"
		name := e.orgA.Name + " bookings"
		var current string
		e.step(t, "an org admin is offered a link; a booker is told who can make one", func(t *testing.T) {
			e.getPage(org, asOrgAdmin).wantStatus(http.StatusOK).
				wantBody("Your organisation’s calendar", `action="`+action+`"`, "Create a private calendar link").
				wantNoBody("has been on since", `action="`+action+`/delete"`)
			e.getPage(org, asBooker).wantStatus(http.StatusOK).
				wantBody("Your organisation’s admins can make a private calendar link").
				wantNoBody(`action="`+action, "Create a private calendar link")
			e.getPage(org, asManager).wantStatus(http.StatusOK).wantNoBody("Your organisation’s calendar", `action="`+action)
		})
		e.step(t, "the org admin makes a link, shown once, that opens the feed", func(t *testing.T) {
			r := e.postForm(action, asOrgAdmin, nil).wantStatus(http.StatusOK).wantBody(
				"Your private calendar link", "Copy this link now: it will not be shown again. Anyone with the link can see your bookings.",
				"nhsuk-card--warning", "Subscribe in your calendar app", "How to subscribe",
				"Make a new link", `action="`+action+`/delete"`).wantNoBody("has been on since")
			if cc := r.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			current = e.shownLink(r)
			if !strings.HasPrefix(current, "/calendars/organisations/") {
				t.Fatalf("the link is %s", current)
			}
			e.wantFeed(current, name)
			e.getPage(org, asOrgAdmin).wantStatus(http.StatusOK).
				wantBody("A private link has been on since 21 November 2026", "Make a new link", "Turn off the link", `action="`+action+`/delete"`).
				wantNoBody(current, "Create a private calendar link")
		})
		e.step(t, "a new link retires the old one", func(t *testing.T) {
			old := current
			current = e.shownLink(e.postForm(action, asOrgAdmin, nil).wantStatus(http.StatusOK))
			if current == old {
				t.Fatal("the new link is the old one")
			}
			e.feed(old, nil).wantStatus(http.StatusNotFound)
			e.wantFeed(current, name)
		})
		e.step(t, "the organisation's other members, outsiders and the estate's staff change nothing", func(t *testing.T) {
			before := e.calendarTokens()
			for _, c := range []struct {
				as     string
				status int
			}{
				{asBooker, http.StatusForbidden}, {asManager, http.StatusForbidden}, {asAdmin, http.StatusForbidden},
				{asOtherMember, http.StatusNotFound}, {asLinkWorker, http.StatusNotFound}, {anonymous, http.StatusUnauthorized},
			} {
				e.postForm(action, c.as, nil).wantStatus(c.status).wantNoBody("/calendars/organisations/")
				e.postForm(action+"/delete", c.as, nil).wantStatus(c.status)
			}
			e.postForm(action, asBooker, nil).wantBody("Only the organisation&#39;s admins can manage its private calendar link.")
			if after := e.calendarTokens(); after != before {
				t.Errorf("the tokens changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			e.wantFeed(current, name)
		})
		e.step(t, "the org admin turns the link off", func(t *testing.T) {
			r := e.postForm(action+"/delete", asOrgAdmin, nil).wantRedirect(org)
			if r.flash() != "The private calendar link has been turned off. Calendars that use it will stop updating." {
				t.Errorf("flash %q", r.flash())
			}
			e.feed(current, nil).wantStatus(http.StatusNotFound)
			e.getPage(org, asOrgAdmin).wantBody("Create a private calendar link").wantNoBody("has been on since")
			r = e.postForm(action+"/delete", asOrgAdmin, nil).wantRedirect(org)
			if r.flash() != "There was no private calendar link to turn off." {
				t.Errorf("flash %q", r.flash())
			}
		})
		e.step(t, "an organisation that is not there is not found", func(t *testing.T) {
			for _, path := range []string{"/organisations/999999/calendar-link", "/organisations/x/calendar-link", "/organisations/0/calendar-link/delete"} {
				e.postForm(path, asOrgAdmin, nil).wantStatus(http.StatusNotFound).wantBody("Page not found")
			}
		})
	})
}

func TestCalendarManagerLink(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		const page = "/manage/calendar"
		var current string
		e.step(t, "the requests page leads to the calendar page", func(t *testing.T) {
			e.getPage("/manage/requests", asManager).wantStatus(http.StatusOK).wantBody(`href="/manage/calendar"`)
			e.getPage(page, asManager).wantStatus(http.StatusOK).wantBody(
				"Your calendar of bookings", "every booking at the sites you manage", "who booked it",
				`action="/manage/calendar"`, "Create a private calendar link").wantNoBody("has been on since")
			e.getPage(page, asAdmin).wantStatus(http.StatusOK).wantBody("every booking at every site")
		})
		e.step(t, "the estates manager makes a link, shown once, that opens their feed", func(t *testing.T) {
			r := e.postForm(page, asManager, nil).wantStatus(http.StatusOK).wantBody("Copy this link now: it will not be shown again.")
			current = e.shownLink(r)
			if !strings.HasPrefix(current, "/calendars/managers/") {
				t.Fatalf("the link is %s", current)
			}
			e.wantFeed(current, "Bookings at your sites")
			e.getPage(page, asManager).wantBody("A private link has been on since 21 November 2026", `action="/manage/calendar/delete"`).
				wantNoBody(current)
		})
		e.step(t, "a new link retires the old one", func(t *testing.T) {
			old := current
			current = e.shownLink(e.postForm(page, asManager, nil).wantStatus(http.StatusOK))
			if current == old {
				t.Fatal("the new link is the old one")
			}
			e.feed(old, nil).wantStatus(http.StatusNotFound)
			e.wantFeed(current, "Bookings at your sites")
		})
		e.step(t, "others cannot use the page and change nothing", func(t *testing.T) {
			before := e.calendarTokens()
			for _, as := range []string{asBooker, asOrgAdmin, asLinkWorker} {
				e.getPage(page, as).wantStatus(http.StatusForbidden)
				e.postForm(page, as, nil).wantStatus(http.StatusForbidden).wantNoBody("/calendars/")
				e.postForm(page+"/delete", as, nil).wantStatus(http.StatusForbidden)
			}
			e.getPage(page, anonymous).wantRedirect("/sign-in?next=%2Fmanage%2Fcalendar")
			e.postForm(page+"/delete", anonymous, nil).wantStatus(http.StatusUnauthorized)
			// Another manager's link is their own.
			e.postForm(page+"/delete", asOtherMgr, nil).wantRedirect(page)
			if after := e.calendarTokens(); after != before {
				t.Errorf("the tokens changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			e.wantFeed(current, "Bookings at your sites")
		})
		e.step(t, "the estates manager turns the link off", func(t *testing.T) {
			r := e.postForm(page+"/delete", asManager, nil).wantRedirect(page)
			if !strings.HasPrefix(r.flash(), "The private calendar link has been turned off.") {
				t.Errorf("flash %q", r.flash())
			}
			e.feed(current, nil).wantStatus(http.StatusNotFound)
			e.getPage(page, asManager).wantBody("Create a private calendar link")
		})
	})
}

func TestCalendarBookingDownload(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		b := e.book(asBooker, e.bookingBody("2026-12-03T09:00:00Z"))
		path := fmt.Sprintf("/bookings/%d/calendar.ics", b.ID)
		download := func(t *testing.T, as string) calendartest.Event {
			t.Helper()
			r := e.getPage(path, as).wantStatus(http.StatusOK)
			for h, want := range map[string]string{
				"Content-Type":        "text/calendar; charset=utf-8",
				"Content-Disposition": fmt.Sprintf(`attachment; filename="booking-%d.ics"`, b.ID),
				"Cache-Control":       "private, no-store",
			} {
				if got := r.Header().Get(h); got != want {
					t.Errorf("%s %q, want %q", h, got, want)
				}
			}
			calendartest.Lines(t, r.Body.Bytes())
			if _, err := calendartest.Decode(r.Body.Bytes()); err != nil {
				t.Errorf("go-ical rejects the file: %v", err)
			}
			cal := calendartest.Parse(t, r.Body.Bytes())[0]
			if len(cal.Events) != 1 || cal.Name != e.spaceA.Name+", "+e.siteA.Name {
				t.Fatalf("calendar %q with %d events, want one", cal.Name, len(cal.Events))
			}
			ev := cal.Events[0]
			if ev.UID != e.srv.feedUID(b.ID) || ev.Start != b.StartsAt.UTC().Format(time.RFC3339) ||
				ev.End != b.EndsAt.UTC().Format(time.RFC3339) || ev.LocalStart != "2026-12-03T09:00:00" || ev.TZID != "Europe/London" {
				t.Errorf("event %+v, want booking %d from %v to %v", ev, b.ID, b.StartsAt, b.EndsAt)
			}
			if !strings.Contains(ev.Location, e.siteA.Name+", 1 High Street, Stockport, SK1 1AA") ||
				!strings.Contains(ev.Description, "Purpose: "+booking.PurposeLabel("health_wellbeing")) ||
				!strings.Contains(ev.Description, "Notes: Peer support group") {
				t.Errorf("event reads %q at %q", ev.Description, ev.Location)
			}
			return ev
		}
		e.step(t, "the booking page links to the file", func(t *testing.T) {
			e.getPage(fmt.Sprintf("/bookings/%d", b.ID), asBooker).wantStatus(http.StatusOK).
				wantBody(`<a href="` + path + `" download>Add to calendar</a>`)
		})
		e.step(t, "the organisation's members download the booking as one event", func(t *testing.T) {
			for _, as := range []string{asBooker, asOrgAdmin} {
				ev := download(t, as)
				if ev.Status != string(calendar.Confirmed) || ev.Summary != e.spaceA.Name+", "+e.siteA.Name || ev.Sequence != 0 ||
					!strings.Contains(ev.Description, fmt.Sprintf("Booking %d: Confirmed", b.ID)) {
					t.Errorf("as %s the event reads %+v", as, ev)
				}
			}
		})
		e.step(t, "the site's manager and admins read who booked it", func(t *testing.T) {
			for _, as := range []string{asManager, asAdmin} {
				if ev := download(t, as); ev.Summary != e.orgA.Name+": "+e.spaceA.Name || ev.Status != string(calendar.Confirmed) {
					t.Errorf("as %s the event reads %+v", as, ev)
				}
			}
		})
		e.step(t, "no one else can tell the booking exists", func(t *testing.T) {
			for _, as := range []string{asOtherMember, asOtherMgr, asLinkWorker} {
				e.getPage(path, as).wantStatus(http.StatusNotFound).wantBody("Page not found").wantNoBody("BEGIN:VCALENDAR")
			}
			e.getPage(path, anonymous).wantRedirect("/sign-in?next=" + strings.ReplaceAll(path, "/", "%2F"))
			for _, bad := range []string{"/bookings/999999/calendar.ics", "/bookings/x/calendar.ics", "/bookings/01/calendar.ics"} {
				e.getPage(bad, asAdmin).wantStatus(http.StatusNotFound)
			}
		})
		e.step(t, "a cancelled booking downloads as a cancelled event", func(t *testing.T) {
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", b.ID), asBooker, map[string]any{"reason": "Room not needed"}).
				wantStatus(http.StatusOK)
			ev := download(t, asBooker)
			if ev.Status != string(calendar.Cancelled) || ev.Summary != "Cancelled: "+e.spaceA.Name+", "+e.siteA.Name || ev.Sequence != 1 {
				t.Errorf("the cancelled booking reads %+v", ev)
			}
		})
		e.step(t, "a request downloads as a tentative event", func(t *testing.T) {
			body := e.bookingBody("2026-12-04T14:00:00Z")
			body["organisation_id"] = e.orgB.ID
			req := e.book(asOtherMember, body)
			if req.State != booking.Requested {
				t.Fatalf("orgB's booking is %s", req.State)
			}
			r := e.getPage(fmt.Sprintf("/bookings/%d/calendar.ics", req.ID), asManager).wantStatus(http.StatusOK)
			if ev := calendartest.Parse(t, r.Body.Bytes())[0].Events[0]; ev.Status != string(calendar.Tentative) || ev.UID != e.srv.feedUID(req.ID) {
				t.Errorf("the request reads %+v", ev)
			}
		})
	})
}

// calendarPageRouteCases are the rows of the route × role table for the
// calendar pages: an organisation's link is for its admins, a manager's
// for the estate's staff, and a booking's file for whoever sees the
// booking.
var calendarPageRouteCases = []routeCase{
	{
		method: http.MethodPost, pattern: "/organisations/:id/calendar-link",
		call: func(e *env, role string) *response {
			return e.postForm("/organisations/"+itoa(e.orgA.ID)+"/calendar-link", role, nil)
		},
		want: roleStatuses(pageForbidden, map[string]int{
			anonymous: http.StatusUnauthorized, asOrgAdmin: http.StatusOK,
			asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodPost, pattern: "/organisations/:id/calendar-link/delete",
		call: func(e *env, role string) *response {
			return e.postForm("/organisations/"+itoa(e.orgA.ID)+"/calendar-link/delete", role, nil)
		},
		want: roleStatuses(pageForbidden, map[string]int{
			anonymous: http.StatusUnauthorized, asOrgAdmin: pageSaved,
			asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodGet, pattern: "/manage/calendar",
		call: func(e *env, role string) *response { return e.getPage("/manage/calendar", role) },
		want: pageStaffOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/calendar",
		call: func(e *env, role string) *response { return e.postForm("/manage/calendar", role, nil) },
		want: pageStaffOnly(http.StatusOK, http.StatusUnauthorized),
	},
	{
		method: http.MethodPost, pattern: "/manage/calendar/delete",
		call: func(e *env, role string) *response { return e.postForm("/manage/calendar/delete", role, nil) },
		want: pageStaffOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/bookings/:id/calendar.ics",
		call: func(e *env, role string) *response {
			return e.getPage("/bookings/"+itoa(e.seedBooking(role))+"/calendar.ics", role)
		},
		want: pageBookingStatuses(http.StatusOK, pageToSignIn),
	},
}
