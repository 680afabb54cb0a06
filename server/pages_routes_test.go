package server

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/frontend"
)

// pageStatuses is def for every role, except those named in the overrides.
func pageStatuses(def int, overrides map[string]int) map[string]int {
	out := make(map[string]int, len(allRoles))
	for _, r := range allRoles {
		out[r] = def
	}
	for r, s := range overrides {
		out[r] = s
	}
	return out
}

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
	return pageStatuses(pageForbidden, map[string]int{anonymous: anon, asAdmin: def, asManager: def, asOtherMgr: def})
}

// pageSiteManagersOnly is def for admins and the estates manager of siteA only.
func pageSiteManagersOnly(def, anon int) map[string]int {
	return pageStatuses(pageForbidden, map[string]int{anonymous: anon, asAdmin: def, asManager: def})
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
		want: pageStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/assets/*filepath",
		call: func(e *env, role string) *response { return e.getPage("/assets/manifest.json", role) },
		want: pageStatuses(assetStatus(), nil),
	},
	{
		method: http.MethodGet, pattern: "/",
		call: func(e *env, role string) *response { return e.getPage("/", role) },
		want: pageStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/sign-in",
		call: func(e *env, role string) *response { return e.getPage("/sign-in", role) },
		want: pageStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/sign-in",
		call: func(e *env, role string) *response {
			return e.postForm("/sign-in", role, url.Values{"email": {role + "@example.org"}, "password": {testPassword}})
		},
		want: pageStatuses(pageSaved, map[string]int{anonymous: http.StatusUnauthorized}),
	},
	{
		method: http.MethodPost, pattern: "/sign-out",
		call: func(e *env, role string) *response { return e.postForm("/sign-out", role, nil) },
		want: pageStatuses(pageSaved, nil),
	},
	{
		method: http.MethodGet, pattern: "/register",
		call: func(e *env, role string) *response { return e.getPage("/register", role) },
		want: pageStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/register",
		call: func(e *env, role string) *response {
			return e.postForm("/register", role, registerFormValues(role, role == anonymous))
		},
		want: pageStatuses(pageSaved, nil),
	},
	{
		method: http.MethodGet, pattern: "/sites",
		call: func(e *env, role string) *response { return e.getPage("/sites", role) },
		want: pageStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/sites/:id",
		call: func(e *env, role string) *response { return e.getPage("/sites/"+itoa(e.siteA.ID), role) },
		want: pageStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/spaces/:id",
		call: func(e *env, role string) *response { return e.getPage("/spaces/"+itoa(e.hiddenA.ID), role) },
		want: pageStatuses(http.StatusNotFound, map[string]int{asAdmin: http.StatusOK, asManager: http.StatusOK}),
	},
	{
		method: http.MethodGet, pattern: "/organisations",
		call: func(e *env, role string) *response { return e.getPage("/organisations", role) },
		want: pageStatuses(http.StatusOK, map[string]int{anonymous: pageToSignIn}),
	},
	{
		method: http.MethodGet, pattern: "/organisations/:id",
		call: func(e *env, role string) *response { return e.getPage("/organisations/"+itoa(e.orgA.ID), role) },
		want: pageStatuses(http.StatusOK, map[string]int{
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
		want: pageStatuses(pageForbidden, map[string]int{
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
		want: pageStatuses(pageForbidden, map[string]int{
			anonymous: http.StatusUnauthorized, asAdmin: pageSaved, asOrgAdmin: pageSaved,
			asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodGet, pattern: "/manage/sites/new",
		call: func(e *env, role string) *response { return e.getPage("/manage/sites/new", role) },
		want: pageStatuses(pageForbidden, map[string]int{anonymous: pageToSignIn, asAdmin: http.StatusOK}),
	},
	{
		method: http.MethodPost, pattern: "/manage/sites/new",
		call: func(e *env, role string) *response {
			form := siteFormValues(e.siteA)
			form.Set("name", "New site for "+role)
			return e.postForm("/manage/sites/new", role, form)
		},
		want: pageStatuses(pageForbidden, map[string]int{anonymous: http.StatusUnauthorized, asAdmin: pageSaved}),
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
}
