package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// availabilitySnapshot is snapshot plus what the availability endpoints
// write: every opening window, each space's choice of hours, every
// closure, and the bookings' states.
func (e *env) availabilitySnapshot() string {
	e.t.Helper()
	var b strings.Builder
	b.WriteString(e.snapshot())
	for _, q := range []string{
		"SELECT COALESCE(site_id, 0), COALESCE(space_id, 0), weekday, opens, closes FROM opening_windows ORDER BY 1, 2, 3, 4",
		"SELECT id, CASE WHEN own_opening_hours THEN 1 ELSE 0 END, 0, 0, 0 FROM spaces ORDER BY id",
		"SELECT id, COALESCE(site_id, 0), COALESCE(space_id, 0), 0, 0 FROM closures ORDER BY id",
		"SELECT id, space_id, 0, 0, 0 FROM bookings WHERE state IN ('requested', 'pending_payment', 'confirmed') ORDER BY id",
	} {
		rows, err := e.store.DB.Raw(q).Rows()
		must(e.t, err)
		for rows.Next() {
			var v [5]int64
			must(e.t, rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4]))
			fmt.Fprintln(&b, v)
		}
		must(e.t, rows.Err())
		must(e.t, rows.Close())
	}
	return b.String()
}

// wantAvailabilityUnchanged is wantUnchanged over availabilitySnapshot.
func (e *env) wantAvailabilityUnchanged(before *string) {
	e.t.Helper()
	if after := e.availabilitySnapshot(); after != *before {
		e.t.Errorf("the request changed data:\nbefore:\n%s\nafter:\n%s", *before, after)
		*before = after
	}
}

// windowCases are the bad opening windows shared by sites and spaces; the
// valid body's windows[0] is Monday 09:00–17:00 and windows[1] Tuesday
// 09:00–12:00.
func windowCases() []badCase {
	seven := []any{}
	for h := 8; h < 15; h++ {
		seven = append(seven, map[string]any{"weekday": "monday", "opens": fmt.Sprintf("%02d:00", h), "closes": fmt.Sprintf("%02d:30", h)})
	}
	many := []any{}
	for i := range 43 {
		many = append(many, map[string]any{"weekday": weekdayNames[i%7], "opens": fmt.Sprintf("%02d:00", i/7), "closes": fmt.Sprintf("%02d:30", i/7)})
	}
	return []badCase{
		wrongType("windows", "monday 9-5"),
		wrongTypeNamed("windows.0", "windows", "monday"),
		wrongTypeNamed("windows.0.weekday", "windows.weekday", 1),
		wrongTypeNamed("windows.0.opens", "windows.opens", 900),
		invalidValue("bad weekday", "windows.0.weekday", "mon", "windows[0].weekday"),
		invalidValue("weekday with a capital", "windows.0.weekday", "Monday", "windows[0].weekday"),
		invalidValue("missing weekday", "windows.1.weekday", absent, "windows[1].weekday"),
		invalidValue("closes at 25:00", "windows.0.closes", "25:00", "windows[0].closes"),
		invalidValue("closes at 24:30", "windows.0.closes", "24:30", "windows[0].closes"),
		invalidValue("opens at 24:00", "windows.0.opens", "24:00", "windows[0].opens"),
		invalidValue("opens at 9:00", "windows.0.opens", "9:00", "windows[0].opens"),
		invalidValue("opens at 09:60", "windows.0.opens", "09:60", "windows[0].opens"),
		invalidValue("opens with seconds", "windows.0.opens", "09:00:00", "windows[0].opens"),
		invalidValue("opens at 9am", "windows.0.opens", "9am", "windows[0].opens"),
		invalidValue("empty opens", "windows.0.opens", "", "windows[0].opens"),
		invalidValue("missing closes", "windows.1.closes", absent, "windows[1].closes"),
		{name: "opens after it closes", set: map[string]any{"windows.0.opens": "17:00", "windows.0.closes": "09:00"}, fields: []string{"windows[0].closes"}},
		{name: "opens when it closes", set: map[string]any{"windows.0.opens": "12:00", "windows.0.closes": "12:00"}, fields: []string{"windows[0].closes"}},
		{name: "overlapping windows on one day", set: map[string]any{"windows.1.weekday": "monday", "windows.1.opens": "16:00", "windows.1.closes": "18:00"},
			fields: []string{"windows[1]"}},
		{name: "the same window twice", set: map[string]any{"windows.1.weekday": "monday", "windows.1.opens": "09:00", "windows.1.closes": "17:00"},
			fields: []string{"windows[1]"}},
		invalidValue("seven windows on a Monday", "windows", seven),
		invalidValue("43 windows", "windows", many),
		{name: "bad weekday and time together", set: map[string]any{"windows.0.weekday": "funday", "windows.1.opens": "noon"},
			fields: []string{"windows[0].weekday", "windows[1].opens"}},
	}
}

func validWeek(e *env) map[string]any {
	return hours("monday 09:00-17:00", "tuesday 09:00-12:00", "tuesday 12:00-24:00")
}

// availabilityWriteEndpoints are the availability endpoints that read a
// JSON body, each called as a role that may call it.
var availabilityWriteEndpoints = []writeEndpoint{
	{
		method: http.MethodPut, pattern: "/api/v1/sites/:id/opening-hours", as: asManager, success: http.StatusOK,
		path:  func(e *env) string { return fmt.Sprintf("/api/v1/sites/%d/opening-hours", e.siteA.ID) },
		valid: validWeek,
		cases: append(windowCases(),
			invalidValue("missing windows", "windows", absent),
			invalidValue("windows null", "windows", nil),
			badCase{name: "use_site_hours on a site", set: map[string]any{"use_site_hours": true}, status: http.StatusBadRequest, fields: []string{"use_site_hours"}},
		),
	},
	{
		method: http.MethodPut, pattern: "/api/v1/spaces/:id/opening-hours", as: asManager, success: http.StatusOK,
		path:  func(e *env) string { return fmt.Sprintf("/api/v1/spaces/%d/opening-hours", e.spaceA.ID) },
		valid: validWeek,
		cases: append(windowCases(),
			wrongType("use_site_hours", "yes"),
			invalidValue("windows and use_site_hours", "use_site_hours", true),
			invalidValue("neither windows nor use_site_hours", "windows", absent),
			badCase{name: "use_site_hours false without windows", set: map[string]any{"windows": absent, "use_site_hours": false}, fields: []string{"windows"}},
		),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/closures", as: asManager, success: http.StatusCreated,
		path: func(e *env) string { return "/api/v1/closures" },
		valid: func(e *env) map[string]any {
			return map[string]any{"site_id": e.siteA.ID, "starts_at": "2026-12-25T00:00:00Z", "ends_at": "2026-12-27T00:00:00Z", "reason": "Christmas"}
		},
		cases: []badCase{
			wrongType("site_id", "1"), wrongType("space_id", 1.5), wrongType("starts_at", 20261225), wrongType("ends_at", []any{}),
			wrongType("reason", true),
			{name: "both a site and a space", set: map[string]any{"space_id": func(e *env) any { return e.spaceA.ID }}, fields: []string{"space_id"}},
			invalidValue("neither a site nor a space", "site_id", absent),
			invalidValue("unknown site", "site_id", 999999),
			invalidValue("site 0", "site_id", 0),
			{name: "unknown space", set: map[string]any{"site_id": absent, "space_id": 999999}, fields: []string{"space_id"}},
			{name: "another site's space", set: map[string]any{"site_id": absent, "space_id": func(e *env) any { return e.spaceB.ID }},
				status: http.StatusForbidden},
			{name: "another site", set: map[string]any{"site_id": func(e *env) any { return e.siteB.ID }}, status: http.StatusForbidden},
			invalidValue("end before start", "ends_at", "2026-12-24T00:00:00Z"),
			invalidValue("no length", "ends_at", "2026-12-25T00:00:00Z"),
			invalidValue("longer than 731 days", "ends_at", "2028-12-27T00:00:00Z"),
			{name: "already over", set: map[string]any{"starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-11-02T00:00:00Z"}, fields: []string{"ends_at"}},
			invalidValue("a date, not a time", "starts_at", "2026-12-25"),
			invalidValue("a British date", "starts_at", "25/12/2026 00:00"),
			invalidValue("no time zone", "starts_at", "2026-12-25T00:00:00"),
			invalidValue("seconds", "starts_at", "2026-12-25T00:00:30Z"),
			invalidValue("year 9999", "ends_at", "9999-12-31T00:00:00Z"),
			invalidValue("missing start", "starts_at", absent),
			invalidValue("empty end", "ends_at", ""),
			invalidValue("empty reason", "reason", "  "),
			invalidValue("missing reason", "reason", absent),
			invalidValue("reason of 201 characters", "reason", longText(201)),
			invalidValue("reason with a NUL", "reason", "Christ\u0000mas"),
		},
	},
}

func TestBadInputOnAvailabilityEndpoints(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, ep := range availabilityWriteEndpoints {
			t.Run(ep.method+" "+ep.pattern, func(t *testing.T) {
				var valid map[string]any
				e.withT(t, func() { valid = ep.valid(e) })
				validJSON, err := json.Marshal(valid)
				must(t, err)
				var before string
				e.withT(t, func() { before = e.availabilitySnapshot() })
				for _, bc := range append(readableCases(validJSON), ep.cases...) {
					t.Run(bc.name, func(t *testing.T) {
						e.withT(t, func() {
							rq, status := bc.request(t, e, ep.method, ep.path(e), ep.as, valid)
							e.do(rq).wantProblem(status, bc.fields)
							e.wantAvailabilityUnchanged(&before)
						})
					})
				}
				t.Run("the valid body succeeds", func(t *testing.T) {
					e.withT(t, func() {
						e.send(ep.method, ep.path(e), ep.as, valid).wantStatus(ep.success)
					})
				})
			})
		}
	})
}

func TestBadAvailabilityQueries(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		space := fmt.Sprintf("/api/v1/spaces/%d/availability", e.spaceA.ID)
		tests := []struct {
			path, param string
		}{
			{space + "?from=tomorrow", "from"},
			{space + "?from=2026-13-01", "from"},
			{space + "?from=2026-12-01T10:00", "from"},
			{space + "?from=0001-01-01", "from"},
			{space + "?to=9999-12-31", "to"},
			{space + "?from=2026-12-05&to=2026-12-01", "to"},
			{space + "?from=2026-12-01&to=2026-12-01", "to"},
			{space + "?from=2026-12-01&to=2027-02-02", "to"},
			{space + "?to=2026-11-01", "to"},
			{"/api/v1/availability?duration=0", "duration"},
			{"/api/v1/availability?duration=-60", "duration"},
			{"/api/v1/availability?duration=PT2H", "duration"},
			{"/api/v1/availability?duration=1.5", "duration"},
			{"/api/v1/availability?duration=89281", "duration"},
			{"/api/v1/availability?from=2026-12-01&to=2027-02-02", "to"},
			{"/api/v1/availability?from=next+week", "from"},
			{"/api/v1/availability?kind=ballroom", "kind"},
			{"/api/v1/availability?min_capacity=0", "min_capacity"},
			{"/api/v1/availability?site=abc", "site"},
			{"/api/v1/availability?feature=a%00b", "feature"},
			{"/api/v1/availability?per_page=101", "per_page"},
			{"/api/v1/availability?page=0", "page"},
			{"/api/v1/closures?from=yesterday", "from"},
			{"/api/v1/closures?from=2026-12-05&to=2026-12-01", "to"},
			{"/api/v1/closures?to=2026-01-01", "to"},
			{"/api/v1/closures?site=abc", "site"},
			{"/api/v1/closures?space=0", "space"},
			{"/api/v1/closures?per_page=0", "per_page"},
		}
		before := e.availabilitySnapshot()
		for _, tt := range tests {
			t.Run(tt.path, func(t *testing.T) {
				e.withT(t, func() {
					e.get(tt.path, anonymous).wantProblem(http.StatusUnprocessableEntity, []string{tt.param})
					e.wantAvailabilityUnchanged(&before)
				})
			})
		}
	})
}

func TestUnknownAndBadIDsOnAvailabilityRoutes(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		week := validWeek(e)
		routes := []struct {
			method, pattern, as string
			body                any
		}{
			{http.MethodGet, "/api/v1/sites/%s/opening-hours", anonymous, nil},
			{http.MethodPut, "/api/v1/sites/%s/opening-hours", asAdmin, week},
			{http.MethodGet, "/api/v1/spaces/%s/opening-hours", asAdmin, nil},
			{http.MethodPut, "/api/v1/spaces/%s/opening-hours", asAdmin, week},
			{http.MethodGet, "/api/v1/spaces/%s/availability", anonymous, nil},
			{http.MethodGet, "/api/v1/closures/%s", asAdmin, nil},
			{http.MethodDelete, "/api/v1/closures/%s", asAdmin, nil},
		}
		before := e.availabilitySnapshot()
		for _, rt := range routes {
			for _, id := range []string{"999999", "abc", "0", "-1", "01", "1.0", "99999999999999999999"} {
				t.Run(fmt.Sprintf("%s %s", rt.method, fmt.Sprintf(rt.pattern, id)), func(t *testing.T) {
					e.withT(t, func() {
						e.send(rt.method, fmt.Sprintf(rt.pattern, id), rt.as, rt.body).wantProblem(http.StatusNotFound, nil)
						e.wantAvailabilityUnchanged(&before)
					})
				})
			}
		}
	})
}

func TestNoServerErrorForHostileTextOnAvailabilityEndpoints(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for _, ep := range availabilityWriteEndpoints {
			var valid map[string]any
			e.withT(t, func() { valid = bodyWith(t, ep.valid(e), nil) }) // plain JSON values, so every string is found
			for _, field := range stringPaths(valid, "") {
				for _, bad := range []string{"\u0000", "a\u0000b", "\ufffd\ufffe", "\U0001F600", longText(20000)} {
					j, _ := json.Marshal(bad)
					t.Run(fmt.Sprintf("%s %s/%s=%.20s", ep.method, ep.pattern, field, j), func(t *testing.T) {
						e.withT(t, func() {
							r := e.send(ep.method, ep.path(e), ep.as, bodyWith(t, valid, map[string]any{field: bad}))
							if r.Code >= 500 {
								t.Errorf("status %d; body %.500s", r.Code, r.Body.String())
							}
						})
					})
				}
			}
		}
	})
}
