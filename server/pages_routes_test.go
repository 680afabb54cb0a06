package server

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/frontend"
	"github.com/common-room/commonroom/models"
)

// Anonymous visitors are sent to sign in from pages that need an account,
// and get a 401 page when they post to them.
const (
	pageToSignIn  = http.StatusSeeOther
	pageSaved     = http.StatusSeeOther
	pageForbidden = http.StatusForbidden
)

// pageStaffOnly is def for admins and both estates managers, 403 for every
// other account and the sign-in redirect (or 401) for anonymous visitors.
func pageStaffOnly(def, anon int) map[string]int {
	return roleStatuses(pageForbidden, map[string]int{anonymous: anon, asAdmin: def, asManager: def, asOtherMgr: def})
}

// pageSiteManagersOnly is def for admins and the estates manager of siteA only.
func pageSiteManagersOnly(def, anon int) map[string]int {
	return roleStatuses(pageForbidden, map[string]int{anonymous: anon, asAdmin: def, asManager: def})
}

// assetStatus is 200 when make assets has copied the NHS.UK frontend in,
// and 404 without it.
func assetStatus() int {
	if _, err := fs.Stat(frontend.Static(), "assets/manifest.json"); err != nil {
		return http.StatusNotFound
	}
	return http.StatusOK
}

// pageRouteCases are the rows of the route × role table for HTML pages.
// One fixture set serves every role of a row, so rows that change data act
// on something of each role's own.
var pageRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/static/:hash/*filepath",
		call: func(e *env, role string) *response { return e.getPage(e.srv.pages.assetURL("app.css"), role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/assets/*filepath",
		call: func(e *env, role string) *response { return e.getPage("/assets/manifest.json", role) },
		want: roleStatuses(assetStatus(), nil),
	},
	{
		method: http.MethodGet, pattern: "/",
		call: func(e *env, role string) *response { return e.getPage("/", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/sign-in",
		call: func(e *env, role string) *response { return e.getPage("/sign-in", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/sign-in",
		call: func(e *env, role string) *response {
			return e.postForm("/sign-in", role, url.Values{"email": {role + "@example.org"}, "password": {testPassword}})
		},
		want: roleStatuses(pageSaved, map[string]int{anonymous: http.StatusUnauthorized}),
	},
	{
		method: http.MethodPost, pattern: "/sign-out",
		call: func(e *env, role string) *response { return e.postForm("/sign-out", role, nil) },
		want: roleStatuses(pageSaved, nil),
	},
	{
		method: http.MethodGet, pattern: "/register",
		call: func(e *env, role string) *response { return e.getPage("/register", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/register",
		call: func(e *env, role string) *response {
			return e.postForm("/register", role, registerFormValues(role, role == anonymous))
		},
		want: roleStatuses(pageSaved, nil),
	},
	{
		method: http.MethodGet, pattern: "/sites",
		call: func(e *env, role string) *response { return e.getPage("/sites", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/sites/:id",
		call: func(e *env, role string) *response { return e.getPage("/sites/"+itoa(e.siteA.ID), role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/spaces/:id",
		call: func(e *env, role string) *response { return e.getPage("/spaces/"+itoa(e.hiddenA.ID), role) },
		want: roleStatuses(http.StatusNotFound, map[string]int{asAdmin: http.StatusOK, asManager: http.StatusOK}),
	},
	{
		method: http.MethodGet, pattern: "/organisations",
		call: func(e *env, role string) *response { return e.getPage("/organisations", role) },
		want: roleStatuses(http.StatusOK, map[string]int{anonymous: pageToSignIn}),
	},
	{
		method: http.MethodGet, pattern: "/organisations/:id",
		call: func(e *env, role string) *response { return e.getPage("/organisations/"+itoa(e.orgA.ID), role) },
		want: roleStatuses(http.StatusOK, map[string]int{
			anonymous: pageToSignIn, asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodPost, pattern: "/organisations/:id/members",
		call: func(e *env, role string) *response {
			u := e.pageUser("added", role)
			return e.postForm("/organisations/"+itoa(e.orgA.ID)+"/members", role,
				url.Values{"member_email": {u.Email}, "member_role": {booking.OrgBooker}})
		},
		want: roleStatuses(pageForbidden, map[string]int{
			anonymous: http.StatusUnauthorized, asAdmin: pageSaved, asOrgAdmin: pageSaved,
			asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodPost, pattern: "/organisations/:id/members/:user_id/remove",
		call: func(e *env, role string) *response {
			u := e.pageUser("leaving", role)
			_, err := e.store.AddMember(context.Background(), e.orgA.ID, u.Email, booking.OrgBooker)
			must(e.t, err)
			return e.postForm("/organisations/"+itoa(e.orgA.ID)+"/members/"+itoa(u.ID)+"/remove", role, nil)
		},
		want: roleStatuses(pageForbidden, map[string]int{
			anonymous: http.StatusUnauthorized, asAdmin: pageSaved, asOrgAdmin: pageSaved,
			asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/new",
		call: func(e *env, role string) *response { return e.getPage("/manage/sites/new", role) },
		want: roleStatuses(pageForbidden, map[string]int{anonymous: pageToSignIn, asAdmin: http.StatusOK}),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/new",
		call: func(e *env, role string) *response {
			form := siteFormValues(e.siteA)
			form.Set("name", "New site for "+role)
			return e.postForm("/manage/sites/new", role, form)
		},
		want: roleStatuses(pageForbidden, map[string]int{anonymous: http.StatusUnauthorized, asAdmin: pageSaved}),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/edit",
		call: func(e *env, role string) *response { return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/edit", role) },
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/edit",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/edit", role, siteFormValues(e.siteA))
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/spaces/new",
		call: func(e *env, role string) *response {
			return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/spaces/new", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/spaces/new",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/spaces/new", role, spaceFormValues("Room for "+role))
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/spaces/:id/edit",
		call: func(e *env, role string) *response {
			return e.getPage("/manage/spaces/"+itoa(e.spaceA.ID)+"/edit", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/spaces/:id/edit",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/spaces/"+itoa(e.spaceA.ID)+"/edit", role, spaceFormValues(e.spaceA.Name))
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/organisations",
		call: func(e *env, role string) *response { return e.getPage("/manage/organisations", role) },
		want: pageStaffOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodGet, pattern: "/manage/organisations/:id",
		call: func(e *env, role string) *response { return e.getPage("/manage/organisations/"+itoa(e.orgA.ID), role) },
		want: pageStaffOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/organisations/:id/verification",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/organisations/"+itoa(e.orgA.ID)+"/verification", role,
				url.Values{"state": {booking.Verified}, "note": {"Charity register checked"}})
		},
		want: pageStaffOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/find-a-space",
		call: func(e *env, role string) *response {
			e.openAllDay()
			return e.getPage("/find-a-space?date=2026-12-01&start=10:00&duration=60", role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/spaces/:id/book",
		call: func(e *env, role string) *response { return e.getPage("/spaces/"+itoa(e.spaceA.ID)+"/book", role) },
		want: roleStatuses(http.StatusOK, map[string]int{
			anonymous: pageToSignIn, asOtherMgr: pageForbidden, asLinkWorker: pageForbidden,
		}),
	},
	{
		// Members book for their organisation, siteA's manager and admins
		// on orgA's behalf; each in a slot of its own.
		method: http.MethodPost, pattern: "/spaces/:id/book",
		call: func(e *env, role string) *response {
			e.openAllDay()
			org := e.orgA
			if role == asOtherMember {
				org = e.orgB
			}
			return e.postForm("/spaces/"+itoa(e.spaceA.ID)+"/book", role, bookFormValues(org.ID, roleDay(role), "10:00", "11:00"))
		},
		want: roleStatuses(pageSaved, map[string]int{
			anonymous: http.StatusUnauthorized, asOtherMgr: pageForbidden, asLinkWorker: pageForbidden,
		}),
	},
	{
		method: http.MethodGet, pattern: "/organisations/:id/bookings",
		call: func(e *env, role string) *response {
			e.seedBooking(role)
			return e.getPage("/organisations/"+itoa(e.orgA.ID)+"/bookings", role)
		},
		want: roleStatuses(http.StatusOK, map[string]int{
			anonymous: pageToSignIn, asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodGet, pattern: "/bookings/:id",
		call: func(e *env, role string) *response { return e.getPage("/bookings/"+itoa(e.seedBooking(role)), role) },
		want: pageBookingStatuses(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodGet, pattern: "/bookings/:id/cancel",
		call: func(e *env, role string) *response {
			return e.getPage("/bookings/"+itoa(e.seedBooking(role))+"/cancel", role)
		},
		want: pageBookingStatuses(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/bookings/:id/cancel",
		call: func(e *env, role string) *response {
			return e.postForm("/bookings/"+itoa(e.seedBooking(role))+"/cancel", role, url.Values{"reason": {"Not needed"}})
		},
		want: pageBookingStatuses(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/series/:id",
		call: func(e *env, role string) *response { return e.getPage("/series/"+itoa(e.seedSeries(role)), role) },
		want: pageBookingStatuses(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodGet, pattern: "/series/:id/cancel",
		call: func(e *env, role string) *response {
			return e.getPage("/series/"+itoa(e.seedSeries(role))+"/cancel", role)
		},
		want: pageBookingStatuses(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/series/:id/cancel",
		call: func(e *env, role string) *response {
			return e.postForm("/series/"+itoa(e.seedSeries(role))+"/cancel", role, url.Values{"scope": {"all"}})
		},
		want: pageBookingStatuses(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/requests",
		call: func(e *env, role string) *response {
			e.seedBooking(role)
			return e.getPage("/manage/requests", role)
		},
		want: pageStaffOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodGet, pattern: "/manage/reports/rent",
		call: func(e *env, role string) *response { return e.getPage("/manage/reports/rent", role) },
		want: pageStaffOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/bookings/:id/approve",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/bookings/"+itoa(e.seedBooking(role))+"/approve", role, nil)
		},
		want: pageDecideStatuses(),
	},
	{
		method: http.MethodPost, pattern: "/manage/bookings/:id/decline",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/bookings/"+itoa(e.seedBooking(role))+"/decline", role, url.Values{"reason": {"The room is being painted"}})
		},
		want: pageDecideStatuses(),
	},
	{
		method: http.MethodPost, pattern: "/manage/series/:id/approve",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/series/"+itoa(e.seedSeries(role))+"/approve", role, nil)
		},
		want: pageDecideStatuses(),
	},
	{
		method: http.MethodPost, pattern: "/manage/series/:id/decline",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/series/"+itoa(e.seedSeries(role))+"/decline", role, url.Values{"reason": {"The room is being painted"}})
		},
		want: pageDecideStatuses(),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/opening-hours",
		call: func(e *env, role string) *response {
			return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/opening-hours", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/opening-hours",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/opening-hours", role,
				url.Values{"monday-opens-1": {"09:00"}, "monday-closes-1": {"17:00"}})
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/spaces/:id/opening-hours",
		call: func(e *env, role string) *response {
			return e.getPage("/manage/spaces/"+itoa(e.spaceA.ID)+"/opening-hours", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/spaces/:id/opening-hours",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/spaces/"+itoa(e.spaceA.ID)+"/opening-hours", role,
				url.Values{"source": {"space"}, "saturday-opens-1": {"10:00"}, "saturday-closes-1": {"16:00"}})
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/week",
		call: func(e *env, role string) *response {
			e.seedBooking(role)
			return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/week?week=2026-11-30", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/:id/closures",
		call: func(e *env, role string) *response {
			return e.getPage("/manage/sites/"+itoa(e.siteA.ID)+"/closures", role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/:id/closures",
		call: func(e *env, role string) *response {
			d := roleDay(role)
			return e.postForm("/manage/sites/"+itoa(e.siteA.ID)+"/closures", role, url.Values{
				"space": {""}, "from-day": {strconv.Itoa(d.Day)}, "from-month": {strconv.Itoa(int(d.Month))},
				"from-year": {strconv.Itoa(d.Year)}, "reason": {"Boiler repair"},
			})
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/manage/closures/:id",
		call: func(e *env, role string) *response {
			return e.getPage("/manage/closures/"+itoa(e.seedClosure(role)), role)
		},
		want: pageSiteManagersOnly(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/manage/closures/:id/delete",
		call: func(e *env, role string) *response {
			return e.postForm("/manage/closures/"+itoa(e.seedClosure(role))+"/delete", role, nil)
		},
		want: pageSiteManagersOnly(pageSaved, http.StatusUnauthorized),
	},
}

// seedClosure closes siteA on the role's own day and returns the
// closure's id.
func (e *env) seedClosure(role string) int64 {
	e.t.Helper()
	d := roleDay(role)
	site := e.siteA.ID
	cl := &models.Closure{SiteID: &site, Reason: "Boiler repair", StartsAt: dayStart(d), EndsAt: dayStart(d.AddDays(1))}
	_, err := e.store.CreateClosure(context.Background(), cl, testClock)
	must(e.t, err)
	return cl.ID
}

// pageBookingStatuses is def for those who see a booking of orgA at
// siteA: admins, siteA's manager and orgA's members; it does not exist for
// other accounts, and anonymous visitors get anon.
func pageBookingStatuses(def, anon int) map[string]int {
	return roleStatuses(http.StatusNotFound, map[string]int{
		anonymous: anon, asAdmin: def, asManager: def, asOrgAdmin: def, asBooker: def,
	})
}

// pageDecideStatuses are the answers to approving or declining a request
// at siteA: done by admins and siteA's manager, not found for the other
// site's manager, refused for everyone else.
func pageDecideStatuses() map[string]int {
	return roleStatuses(pageForbidden, map[string]int{
		anonymous: http.StatusUnauthorized, asAdmin: pageSaved, asManager: pageSaved, asOtherMgr: http.StatusNotFound,
	})
}
