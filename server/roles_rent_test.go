package server

import (
	"fmt"
	"net/http"
	"time"
)

// freeForCharities is a one-rule policy body.
func freeForCharities(name string) map[string]any {
	return map[string]any{"rules": []map[string]any{{
		"name": name, "organisation_types": []string{"registered_charity"}, "verified_only": true, "discount_percent": 100,
	}}}
}

// rentRouteCases are the rows of the route × role table for rent policies
// and quotes.
var rentRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/api/v1/rent-policy",
		call: func(e *env, role string) *response { return e.get("/api/v1/rent-policy", role) },
		want: signedInStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPut, pattern: "/api/v1/rent-policy",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPut, "/api/v1/rent-policy", role, freeForCharities("Set by "+role))
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{asAdmin: http.StatusOK}),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/rent-policy/history",
		call: func(e *env, role string) *response { return e.get("/api/v1/rent-policy/history", role) },
		want: staffStatuses(http.StatusOK, map[string]int{asOtherMgr: http.StatusOK}),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/sites/:id/rent-policy",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/sites/%d/rent-policy", e.siteA.ID), role)
		},
		want: signedInStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPut, pattern: "/api/v1/sites/:id/rent-policy",
		call: func(e *env, role string) *response {
			body := freeForCharities("Set by " + role)
			body["own_rules"], body["vat_percent"], body["cancellation_notice_hours"] = true, 20, 24
			return e.send(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/rent-policy", e.siteA.ID), role, body)
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/sites/:id/rent-policy/history",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/sites/%d/rent-policy/history", e.siteA.ID), role)
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		// A quote is for those who could book: orgA's members, siteA's
		// managers on its behalf, admins.
		method: http.MethodPost, pattern: "/api/v1/quotes",
		call: func(e *env, role string) *response {
			e.openAllDay()
			iv := roleSlot(role)
			return e.send(http.MethodPost, "/api/v1/quotes", role, map[string]any{
				"space_id": e.spaceA.ID, "organisation_id": e.orgA.ID, "purpose": "community",
				"starts_at": iv.Start.Format(time.RFC3339), "ends_at": iv.End.Format(time.RFC3339),
			})
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{
			asAdmin: http.StatusOK, asManager: http.StatusOK, asOrgAdmin: http.StatusOK, asBooker: http.StatusOK,
		}),
	},
}
