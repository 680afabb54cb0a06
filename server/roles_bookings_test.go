package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/common-room/commonroom/booking"
)

// roleDay is a December 2026 date of a role's own, so the roles of one row
// book times that do not overlap.
func roleDay(role string) booking.Date {
	return booking.Date{Year: 2026, Month: time.December, Day: 1 + slices.Index(allRoles, role)}
}

// roleSlot is 10:00–11:00 on the role's own day (London is on UTC then).
func roleSlot(role string) booking.Interval {
	d := roleDay(role)
	start := time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, time.UTC)
	return booking.Interval{Start: start, End: start.Add(time.Hour)}
}

// seedBooking stores a requested booking of spaceA for orgA (unverified)
// in the role's own slot, made by orgA's booker, and returns its id.
func (e *env) seedBooking(role string) int64 {
	e.t.Helper()
	e.openAllDay()
	id, state, err := e.srv.bookings.Book(context.Background(), booking.Request{
		SpaceID: e.spaceA.ID, OrganisationID: e.orgA.ID, ByUserID: e.users[asBooker].ID,
		Interval: roleSlot(role), Purpose: "community", Attendees: 3,
	})
	must(e.t, err)
	if state != booking.Requested {
		e.t.Fatalf("seeded booking is %s", state)
	}
	return id
}

// seedSeries stores a weekly series of spaceA for orgA from two weeks after
// the role's own day, at an hour of the role's own, and returns its id.
func (e *env) seedSeries(role string) int64 {
	e.t.Helper()
	e.openAllDay()
	hour := booking.Clock((8 + slices.Index(allRoles, role)) * 60)
	res, err := e.srv.bookings.BookSeries(context.Background(), booking.SeriesRequest{
		Request: booking.Request{SpaceID: e.spaceA.ID, OrganisationID: e.orgA.ID, ByUserID: e.users[asBooker].ID,
			Purpose: "community", Attendees: 3},
		First: roleDay(role).AddDays(14), StartClock: hour, EndClock: hour + 60,
		Recurrence: booking.Recurrence{Frequency: booking.Weekly, Count: 3},
	})
	must(e.t, err)
	return res.SeriesID
}

// bookingRouteCases are the rows of the route × role table for bookings
// and series.
var bookingRouteCases = []routeCase{
	{
		// Members of orgA book for it; siteA's manager on its behalf.
		method: http.MethodPost, pattern: "/api/v1/bookings",
		call: func(e *env, role string) *response {
			e.openAllDay()
			iv := roleSlot(role)
			return e.send(http.MethodPost, "/api/v1/bookings", role, map[string]any{
				"space_id": e.spaceA.ID, "organisation_id": e.orgA.ID, "purpose": "community", "attendees": 3,
				"starts_at": iv.Start.Format(time.RFC3339), "ends_at": iv.End.Format(time.RFC3339),
			})
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{
			asAdmin: http.StatusCreated, asManager: http.StatusCreated, asOrgAdmin: http.StatusCreated, asBooker: http.StatusCreated,
		}),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/bookings",
		call: func(e *env, role string) *response { return e.get("/api/v1/bookings", role) },
		want: signedInStatuses(http.StatusOK, nil),
	},
	{
		// orgA's booking at siteA: for others it does not exist.
		method: http.MethodGet, pattern: "/api/v1/bookings/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/bookings/%d", e.seedBooking(role)), role)
		},
		want: signedInStatuses(http.StatusOK, map[string]int{
			asOtherMgr: http.StatusNotFound, asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		// siteA's managers approve; orgA's members see the booking but may not.
		method: http.MethodPost, pattern: "/api/v1/bookings/:id/approve",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/approve", e.seedBooking(role)), role, nil)
		},
		want: signedInStatuses(http.StatusNotFound, map[string]int{
			asAdmin: http.StatusOK, asManager: http.StatusOK, asOrgAdmin: http.StatusForbidden, asBooker: http.StatusForbidden,
		}),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/bookings/:id/decline",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/decline", e.seedBooking(role)), role,
				map[string]any{"reason": "Declined by " + role})
		},
		want: signedInStatuses(http.StatusNotFound, map[string]int{
			asAdmin: http.StatusOK, asManager: http.StatusOK, asOrgAdmin: http.StatusForbidden, asBooker: http.StatusForbidden,
		}),
	},
	{
		// orgA's members and siteA's managers cancel.
		method: http.MethodPost, pattern: "/api/v1/bookings/:id/cancel",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", e.seedBooking(role)), role,
				map[string]any{"reason": "Cancelled by " + role})
		},
		want: signedInStatuses(http.StatusNotFound, map[string]int{
			asAdmin: http.StatusOK, asManager: http.StatusOK, asOrgAdmin: http.StatusOK, asBooker: http.StatusOK,
		}),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/series",
		call: func(e *env, role string) *response {
			e.openAllDay()
			return e.send(http.MethodPost, "/api/v1/series", role, map[string]any{
				"space_id": e.spaceA.ID, "organisation_id": e.orgA.ID, "first_date": roleDay(role).String(),
				"start_time": "10:00", "end_time": "11:00", "recurrence": map[string]any{"frequency": "weekly", "count": 2},
				"purpose": "community", "attendees": 3,
			})
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{
			asAdmin: http.StatusCreated, asManager: http.StatusCreated, asOrgAdmin: http.StatusCreated, asBooker: http.StatusCreated,
		}),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/series/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/series/%d", e.seedSeries(role)), role)
		},
		want: signedInStatuses(http.StatusOK, map[string]int{
			asOtherMgr: http.StatusNotFound, asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
		}),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/series/:id/cancel",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", e.seedSeries(role)), role,
				map[string]any{"scope": "all", "reason": "Cancelled by " + role})
		},
		want: signedInStatuses(http.StatusNotFound, map[string]int{
			asAdmin: http.StatusOK, asManager: http.StatusOK, asOrgAdmin: http.StatusOK, asBooker: http.StatusOK,
		}),
	},
}
