package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/common-room/commonroom/models"
)

// closureOf stores a closure of a site (spaceID 0) or of a space, named
// after the role that will act on it so each role gets its own.
func (e *env) closureOf(siteID, spaceID int64, role string) *models.Closure {
	e.t.Helper()
	c := &models.Closure{StartsAt: testClock.Add(48 * time.Hour), EndsAt: testClock.Add(72 * time.Hour), Reason: "Closed for " + role}
	if spaceID != 0 {
		c.SpaceID = &spaceID
	} else {
		c.SiteID = &siteID
	}
	_, err := e.store.CreateClosure(context.Background(), c, testClock)
	must(e.t, err)
	return c
}

// weekdayHours is a body of opening windows, nine to five on weekdays.
func weekdayHours() map[string]any {
	var ws []map[string]any
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday"} {
		ws = append(ws, map[string]any{"weekday": d, "opens": "09:00", "closes": "17:00"})
	}
	return map[string]any{"windows": ws}
}

// availabilityRouteCases are the rows of the route × role table for
// opening hours, closures and availability.
var availabilityRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/api/v1/sites/:id/opening-hours",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/sites/%d/opening-hours", e.siteA.ID), role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPut, pattern: "/api/v1/sites/:id/opening-hours",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/opening-hours", e.siteA.ID), role, weekdayHours())
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		// A hidden space's hours exist only for its site's managers.
		method: http.MethodGet, pattern: "/api/v1/spaces/:id/opening-hours",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/spaces/%d/opening-hours", e.hiddenA.ID), role)
		},
		want: roleStatuses(http.StatusNotFound, map[string]int{asAdmin: http.StatusOK, asManager: http.StatusOK}),
	},
	{
		method: http.MethodPut, pattern: "/api/v1/spaces/:id/opening-hours",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPut, fmt.Sprintf("/api/v1/spaces/%d/opening-hours", e.spaceA.ID), role, weekdayHours())
		},
		want: staffStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/spaces/:id/availability",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/spaces/%d/availability", e.hiddenA.ID), role)
		},
		want: roleStatuses(http.StatusNotFound, map[string]int{asAdmin: http.StatusOK, asManager: http.StatusOK}),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/availability",
		call: func(e *env, role string) *response {
			return e.get("/api/v1/availability?duration=60", role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/closures",
		call: func(e *env, role string) *response { return e.get("/api/v1/closures", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		// Each role closes siteA for a reason of its own.
		method: http.MethodPost, pattern: "/api/v1/closures",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, "/api/v1/closures", role, map[string]any{
				"site_id": e.siteA.ID, "starts_at": "2026-12-25T00:00:00Z", "ends_at": "2026-12-27T00:00:00Z",
				"reason": "Christmas, says " + role,
			})
		},
		want: staffStatuses(http.StatusCreated, nil),
	},
	{
		// A closure of a hidden space exists only for its site's managers.
		method: http.MethodGet, pattern: "/api/v1/closures/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/closures/%d", e.closureOf(0, e.hiddenA.ID, role).ID), role)
		},
		want: roleStatuses(http.StatusNotFound, map[string]int{asAdmin: http.StatusOK, asManager: http.StatusOK}),
	},
	{
		// Each role removes a closure of siteA of its own.
		method: http.MethodDelete, pattern: "/api/v1/closures/:id",
		call: func(e *env, role string) *response {
			return e.send(http.MethodDelete, fmt.Sprintf("/api/v1/closures/%d", e.closureOf(e.siteA.ID, 0, role).ID), role, nil)
		},
		want: staffStatuses(http.StatusNoContent, nil),
	},
}
