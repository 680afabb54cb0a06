package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// Bad input to the booking endpoints: every refusal is a 4xx
// problem+json naming the field at fault (or for a clash, the interval or
// dates taken), and changes nothing.
//
// An unknown or hidden space is a 422 naming space_id rather than a 404:
// the space is a field of the body, not the resource the URL names. An
// organisation the caller does not belong to is a 403 whether or not it
// exists; for its site's managers, an unknown one is a 422 naming
// organisation_id.

// openingHours opens both fixture sites 08:00–21:00 every day.
func (e *env) openingHours() {
	e.t.Helper()
	var ws []booking.Window
	for d := time.Sunday; d <= time.Saturday; d++ {
		ws = append(ws, booking.Window{Weekday: d, Opens: 8 * 60, Closes: 21 * 60})
	}
	for _, site := range []*models.Site{e.siteA, e.siteB} {
		must(e.t, e.store.SetOpeningWindows(context.Background(), site.ID, 0, ws))
	}
}

// bookingTables are the tables a booking request may change.
var bookingTables = []string{"bookings", "booking_events", "series", "idempotency_keys"}

// bookingSnapshot is everything a refused booking request must leave as
// it was: the fixtures, the rows of the booking tables and every booking's
// state.
func (e *env) bookingSnapshot() string {
	e.t.Helper()
	var b strings.Builder
	b.WriteString(e.snapshot())
	for _, name := range bookingTables {
		var n int64
		must(e.t, e.store.DB.Raw("SELECT COUNT(*) FROM "+name).Row().Scan(&n))
		fmt.Fprintf(&b, "%s: %d\n", name, n)
	}
	var bs []models.Booking
	must(e.t, e.store.DB.Order("id").Find(&bs).Error)
	for _, bk := range bs {
		fmt.Fprintf(&b, "booking %d %s %s\n", bk.ID, bk.State, bk.StartsAt.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// bookingBadCase is a bad request to a booking endpoint; reason, when set,
// must appear in the problem's detail or in the reason of one of its dates.
type bookingBadCase struct {
	badCase
	reason string
}

func bad(bc badCase) bookingBadCase { return bookingBadCase{badCase: bc} }

func bads(bcs ...badCase) []bookingBadCase {
	out := make([]bookingBadCase, len(bcs))
	for i, bc := range bcs {
		out[i] = bad(bc)
	}
	return out
}

// clash is a request refused with a 409 whose problem says why.
func clash(name string, set map[string]any, reason string) bookingBadCase {
	return bookingBadCase{badCase: badCase{name: name, set: set, status: http.StatusConflict}, reason: reason}
}

// bookingEndpoint is a booking endpoint with its bad requests. Before the
// cases run, prepare stores what the endpoint acts on.
type bookingEndpoint struct {
	method, pattern, as string
	path                func(e *env, s seeded) string
	valid               func(e *env) map[string]any
	success             int
	// optionalBody: an empty body is a request without one.
	optionalBody bool
	cases        []bookingBadCase
}

// seeded are the rows the requests act on: requested bookings to decline,
// approve and cancel, and a series.
type seeded struct{ toDecline, toApprove, toCancel, series int64 }

func validBookingBody(e *env) map[string]any { return e.bookingBody("2026-12-01T10:00:00Z") }

func validSeriesBody(e *env) map[string]any {
	return e.seriesBody("2026-12-01", "14:00", "15:00", map[string]any{"frequency": "weekly", "count": 3})
}

func skipDates(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = booking.Date{Year: 2026, Month: 12, Day: 8}.AddDays(7 * i).String()
	}
	return out
}

var bookingEndpoints = []bookingEndpoint{
	{
		method: http.MethodPost, pattern: "/api/v1/bookings", as: asBooker, success: http.StatusCreated,
		path:  func(*env, seeded) string { return "/api/v1/bookings" },
		valid: validBookingBody,
		cases: append(bads(
			wrongType("space_id", "1"), wrongType("organisation_id", true), wrongType("starts_at", 1764583200),
			wrongType("ends_at", []any{}), wrongType("purpose", 1), wrongType("attendees", "4"), wrongType("attendees", 4.5),
			wrongType("notes", 1), wrongType("hold_minutes", "30"), wrongType("recurrence", "weekly"), wrongType("policy", 1),
			wrongType("recurrence.count", "3"),
			badCase{name: "unknown field in the recurrence", set: map[string]any{"recurrence.colour": "blue"}, status: http.StatusBadRequest, fields: []string{"colour"}},
			invalidValue("missing space", "space_id", absent),
			invalidValue("space 0", "space_id", 0),
			invalidValue("unknown space", "space_id", 999999),
			invalidValue("hidden space", "space_id", func(e *env) any { return e.hiddenA.ID }),
			invalidValue("missing organisation", "organisation_id", absent),
			badCase{name: "organisation the booker does not belong to", set: map[string]any{"organisation_id": func(e *env) any { return e.orgB.ID }}, status: http.StatusForbidden},
			badCase{name: "organisation that does not exist", set: map[string]any{"organisation_id": 999999}, status: http.StatusForbidden},
			invalidValue("missing start", "starts_at", absent),
			invalidValue("start that is not a time", "starts_at", "tomorrow at ten"),
			invalidValue("start without a T", "starts_at", "2026-12-01 10:00:00Z"),
			invalidValue("start without an offset", "starts_at", "2026-12-01T10:00:00"),
			invalidValue("start on 31 November", "starts_at", "2026-11-31T10:00:00Z"),
			invalidValue("empty end", "ends_at", ""),
			invalidValue("end before start", "ends_at", "2026-12-01T09:00:00Z"),
			invalidValue("zero length", "ends_at", "2026-12-01T10:00:00Z"),
			badCase{name: "off the 30-minute slots", set: map[string]any{"starts_at": "2026-12-01T10:10:00Z", "ends_at": "2026-12-01T11:10:00Z"}, fields: []string{"starts_at"}},
			badCase{name: "seconds", set: map[string]any{"starts_at": "2026-12-01T10:00:30Z", "ends_at": "2026-12-01T11:00:30Z"}, fields: []string{"starts_at"}},
			invalidValue("shorter than an hour", "ends_at", "2026-12-01T10:30:00Z"),
			invalidValue("longer than eight hours", "ends_at", "2026-12-01T18:30:00Z"),
			badCase{name: "too short notice", set: map[string]any{"starts_at": "2026-11-22T09:00:00Z", "ends_at": "2026-11-22T10:00:00Z"}, fields: []string{"starts_at"}},
			badCase{name: "in the past", set: map[string]any{"starts_at": "2026-11-20T10:00:00Z", "ends_at": "2026-11-20T11:00:00Z"}, fields: []string{"starts_at"}},
			badCase{name: "beyond the horizon", set: map[string]any{"starts_at": "2027-06-01T10:00:00Z", "ends_at": "2027-06-01T11:00:00Z"}, fields: []string{"starts_at"}},
			badCase{name: "before opening time", set: map[string]any{"starts_at": "2026-12-01T07:30:00Z", "ends_at": "2026-12-01T08:30:00Z"}, fields: []string{"starts_at"}},
			badCase{name: "on a closed day", set: map[string]any{"starts_at": "2026-12-25T10:00:00Z", "ends_at": "2026-12-25T11:00:00Z"}, fields: []string{"starts_at"}},
			invalidValue("attendees over capacity", "attendees", 7),
			invalidValue("no attendees", "attendees", 0),
			invalidValue("attendees -1", "attendees", -1),
			invalidValue("missing attendees", "attendees", absent),
			invalidValue("purpose party", "purpose", "party"),
			invalidValue("missing purpose", "purpose", absent),
			invalidValue("notes of 2001 characters", "notes", longText(2001)),
			invalidValue("hold of 0 minutes", "hold_minutes", 0),
			invalidValue("hold of 121 minutes", "hold_minutes", 121),
			invalidValue("policy without a recurrence", "policy", "book_available"),
			badCase{name: "hold with a recurrence", set: map[string]any{"hold_minutes": 30, "recurrence": map[string]any{"frequency": "weekly", "count": 2}}, fields: []string{"hold_minutes"}},
			badCase{name: "recurrence ending on another day", set: map[string]any{"ends_at": "2026-12-02T11:00:00Z", "recurrence": map[string]any{"frequency": "weekly", "count": 2}}, fields: []string{"ends_at"}},
			badCase{name: "recurrence of more than 18 months", set: map[string]any{"recurrence": map[string]any{"frequency": "weekly", "until": "2028-06-02"}}, fields: []string{"recurrence.until"}},
			badCase{name: "recurrence daily", set: map[string]any{"recurrence": map[string]any{"frequency": "daily", "count": 2}}, fields: []string{"recurrence.frequency"}},
			badCase{name: "recurrence off the slots", set: map[string]any{"starts_at": "2026-12-01T10:15:00Z", "ends_at": "2026-12-01T11:15:00Z", "recurrence": map[string]any{"frequency": "weekly", "count": 2}}, fields: []string{"starts_at"}},
		),
			clash("the slot is taken", map[string]any{"starts_at": "2026-12-02T10:30:00Z", "ends_at": "2026-12-02T11:30:00Z"}, "already booked"),
		),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/series", as: asBooker, success: http.StatusCreated,
		path:  func(*env, seeded) string { return "/api/v1/series" },
		valid: validSeriesBody,
		cases: append(bads(
			wrongType("space_id", "1"), wrongType("organisation_id", []any{1}), wrongType("first_date", 20261201),
			wrongType("start_time", 10), wrongType("end_time", true), wrongType("recurrence", []any{}),
			wrongType("policy", false), wrongType("purpose", 1), wrongType("attendees", "5"), wrongType("notes", 5),
			wrongType("recurrence.frequency", 7), wrongType("recurrence.interval", "2"), wrongType("recurrence.until", 2027),
			wrongType("recurrence.count", 1.5), wrongType("recurrence.skip", "2026-12-08"),
			wrongTypeNamed("recurrence.skip", "recurrence.skip", []any{20261208}),
			badCase{name: "unknown field in the recurrence", set: map[string]any{"recurrence.colour": "blue"}, status: http.StatusBadRequest, fields: []string{"colour"}},
			invalidValue("unknown space", "space_id", 999999),
			invalidValue("missing space", "space_id", absent),
			invalidValue("missing first date", "first_date", absent),
			invalidValue("first date written the British way", "first_date", "01/12/2026"),
			invalidValue("first date in month 13", "first_date", "2026-13-01"),
			invalidValue("start time 10am", "start_time", "10am"),
			invalidValue("start time 25:00", "start_time", "25:00"),
			invalidValue("start time without its leading zero", "start_time", "9:00"),
			invalidValue("missing end time", "end_time", absent),
			invalidValue("end before start", "end_time", "09:00"),
			invalidValue("zero length", "end_time", "14:00"),
			badCase{name: "off the 30-minute slots", set: map[string]any{"start_time": "14:10", "end_time": "15:10"}, fields: []string{"start_time"}},
			invalidValue("shorter than an hour", "end_time", "14:30"),
			invalidValue("longer than eight hours", "end_time", "22:30"),
			invalidValue("first date too soon", "first_date", "2026-11-21"),
			invalidValue("first date in the past", "first_date", "2026-11-01"),
			invalidValue("first date beyond the horizon", "first_date", "2027-06-01"),
			invalidValue("attendees over capacity", "attendees", 7),
			invalidValue("no attendees", "attendees", 0),
			invalidValue("purpose party", "purpose", "party"),
			invalidValue("policy sometimes", "policy", "sometimes"),
			invalidValue("missing recurrence", "recurrence", absent),
			invalidValue("frequency daily", "recurrence.frequency", "daily"),
			invalidValue("every 9 weeks", "recurrence.interval", 9),
			invalidValue("every -1 weeks", "recurrence.interval", -1),
			invalidValue("monthly every 2", "recurrence", map[string]any{"frequency": "monthly", "interval": 2, "count": 2}, "recurrence.interval"),
			invalidValue("until and count", "recurrence.until", "2027-01-01", "recurrence.count"),
			invalidValue("neither until nor count", "recurrence.count", absent, "recurrence.until"),
			invalidValue("count -1", "recurrence.count", -1),
			invalidValue("more than 18 months by count", "recurrence.count", 100),
			invalidValue("more than 18 months by date", "recurrence", map[string]any{"frequency": "weekly", "until": "2028-06-02"}, "recurrence.until"),
			invalidValue("until before the first date", "recurrence", map[string]any{"frequency": "weekly", "until": "2026-11-30"}, "recurrence.until"),
			invalidValue("until that is not a date", "recurrence", map[string]any{"frequency": "weekly", "until": "next June"}, "recurrence.until"),
			invalidValue("skip that is not a date", "recurrence.skip", []any{"2026-12-08", "Christmas"}, "recurrence.skip[1]"),
			invalidValue("101 dates to skip", "recurrence.skip", skipDates(101)),
			invalidValue("every date skipped", "recurrence.skip", []any{"2026-12-01", "2026-12-08", "2026-12-15"}),
			invalidValue("notes of 2001 characters", "notes", longText(2001)),
		),
			clash("a date is taken", map[string]any{"first_date": "2026-11-25", "start_time": "10:00", "end_time": "11:00",
				"recurrence": map[string]any{"frequency": "weekly", "count": 2}}, "already booked"),
			clash("later dates beyond the horizon", map[string]any{"first_date": "2027-05-11"}, "at most 180 days ahead"),
			clash("every date closed", map[string]any{"first_date": "2026-12-25", "recurrence": map[string]any{"frequency": "weekly", "count": 1}}, "closed"),
		),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/bookings/:id/decline", as: asManager, success: http.StatusOK,
		path:         func(_ *env, s seeded) string { return fmt.Sprintf("/api/v1/bookings/%d/decline", s.toDecline) },
		valid:        func(e *env) map[string]any { return map[string]any{"reason": "The room is being repainted"} },
		optionalBody: true,
		cases: bads(
			wrongType("reason", 1),
			invalidValue("missing reason", "reason", absent),
			invalidValue("empty reason", "reason", "  "),
			invalidValue("reason of 1001 characters", "reason", longText(1001)),
			badCase{name: "empty body", rawBody: true, fields: []string{"reason"}},
		),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/bookings/:id/approve", as: asManager, success: http.StatusOK,
		path:         func(_ *env, s seeded) string { return fmt.Sprintf("/api/v1/bookings/%d/approve", s.toApprove) },
		valid:        func(e *env) map[string]any { return map[string]any{"reason": "Welcome"} },
		optionalBody: true,
		cases: bads(
			wrongType("reason", []any{}),
			invalidValue("reason of 1001 characters", "reason", longText(1001)),
		),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/bookings/:id/cancel", as: asBooker, success: http.StatusOK,
		path:         func(_ *env, s seeded) string { return fmt.Sprintf("/api/v1/bookings/%d/cancel", s.toCancel) },
		valid:        func(e *env) map[string]any { return map[string]any{"reason": "Group paused"} },
		optionalBody: true,
		cases: bads(
			wrongType("reason", false),
			invalidValue("reason of 1001 characters", "reason", longText(1001)),
		),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/series/:id/cancel", as: asBooker, success: http.StatusOK,
		path: func(_ *env, s seeded) string { return fmt.Sprintf("/api/v1/series/%d/cancel", s.series) },
		valid: func(e *env) map[string]any {
			return map[string]any{"scope": "from", "from": "2026-12-14", "reason": "Moving"}
		},
		cases: append(bads(
			wrongType("scope", 1), wrongType("from", 20261214), wrongType("reason", map[string]any{}),
			invalidValue("missing scope", "scope", absent),
			invalidValue("scope some", "scope", "some"),
			invalidValue("from without a date", "from", absent),
			invalidValue("from that is not a date", "from", "14/12/2026"),
			invalidValue("all with a date", "scope", "all", "from"),
			invalidValue("reason of 1001 characters", "reason", longText(1001)),
		),
			clash("nothing left after the date", map[string]any{"from": "2027-03-01"}, "nothing was cancelled"),
		),
	},
}

func TestBadBookingInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openingHours()
		e.closeDay(e.siteA, "2026-12-25")
		// What the cases collide with and act on.
		e.book(asOrgAdmin, e.bookingBody("2026-12-02T10:00:00Z"))
		rows := seeded{
			toDecline: e.book(asOrgAdmin, e.bookingBody("2026-12-03T10:00:00Z")).ID,
			toApprove: e.book(asOrgAdmin, e.bookingBody("2026-12-04T10:00:00Z")).ID,
			toCancel:  e.book(asOrgAdmin, e.bookingBody("2026-12-05T10:00:00Z")).ID,
			series: e.createSeries(asOrgAdmin, e.seriesBody("2026-12-07", "12:00", "13:00",
				map[string]any{"frequency": "weekly", "count": 3})).ID,
		}
		for _, ep := range bookingEndpoints {
			t.Run(ep.method+" "+ep.pattern, func(t *testing.T) {
				var valid map[string]any
				e.withT(t, func() { valid = ep.valid(e) })
				validJSON, err := json.Marshal(valid)
				must(t, err)
				cases := bads(readableCases(validJSON)...)
				if ep.optionalBody {
					cases = slices.DeleteFunc(cases, func(bc bookingBadCase) bool { return bc.name == "empty body" })
				}
				cases = append(cases, ep.cases...)
				var before string
				e.withT(t, func() { before = e.bookingSnapshot() })
				for _, bc := range cases {
					t.Run(bc.name, func(t *testing.T) {
						e.withT(t, func() {
							rq, status := bc.request(t, e, ep.method, ep.path(e, rows), ep.as, valid)
							p := e.do(rq).wantProblem(status, bc.fields)
							if bc.reason != "" && !problemSays(p, bc.reason) {
								t.Errorf("the problem does not say %q: %+v", bc.reason, p)
							}
							if after := e.bookingSnapshot(); after != before {
								t.Errorf("the request changed data:\nbefore:\n%s\nafter:\n%s", before, after)
								before = after
							}
						})
					})
				}
				t.Run("the valid body succeeds", func(t *testing.T) {
					e.withT(t, func() {
						e.send(ep.method, ep.path(e, rows), ep.as, valid).wantStatus(ep.success)
					})
				})
			})
		}
	})
}

// problemSays reports whether a problem's detail or one of its dates'
// reasons contains s, in any case.
func problemSays(p Problem, s string) bool {
	s = strings.ToLower(s)
	if strings.Contains(strings.ToLower(p.Detail), s) {
		return true
	}
	for _, d := range p.Dates {
		if strings.Contains(strings.ToLower(d.Reason), s) {
			return true
		}
	}
	return false
}

func TestBadBookingPathIDs(t *testing.T) {
	badIDs := []string{"abc", "0", "-1", "+1", "01", "1.0", "1e3", "0x10", "99999999999999999999", "9223372036854775807", "%00", "%FF", "999999"}
	routes := []struct{ method, pattern string }{
		{http.MethodGet, "/api/v1/bookings/:id"},
		{http.MethodPost, "/api/v1/bookings/:id/approve"},
		{http.MethodPost, "/api/v1/bookings/:id/decline"},
		{http.MethodPost, "/api/v1/bookings/:id/cancel"},
		{http.MethodGet, "/api/v1/series/:id"},
		{http.MethodPost, "/api/v1/series/:id/cancel"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		before := e.bookingSnapshot()
		for _, rt := range routes {
			for _, id := range badIDs {
				t.Run(rt.method+" "+strings.ReplaceAll(rt.pattern, ":id", id), func(t *testing.T) {
					e.withT(t, func() {
						var body any
						if rt.method == http.MethodPost {
							body = map[string]any{"reason": "x", "scope": "all"}
							if strings.Contains(rt.pattern, "/bookings/") {
								body = map[string]any{"reason": "x"}
							}
						}
						e.send(rt.method, strings.ReplaceAll(rt.pattern, ":id", id), asAdmin, body).wantProblem(http.StatusNotFound, nil)
						if after := e.bookingSnapshot(); after != before {
							t.Errorf("the request changed data")
						}
					})
				})
			}
		}
	})
}

func TestBadBookingQueryParameters(t *testing.T) {
	tests := []struct{ query, param string }{
		{"page=0", "page"}, {"per_page=101", "per_page"},
		{"organisation=abc", "organisation"}, {"organisation=0", "organisation"},
		{"space=-1", "space"}, {"space=99999999999999999999", "space"},
		{"site=1.5", "site"}, {"state=approved", "state"}, {"state=%00", "state"},
		{"from=yesterday", "from"}, {"from=2026-13-01", "from"}, {"to=2026-12-01T10:00", "to"},
		{"from=2026-12-02&to=2026-12-01", "to"}, {"from=2026-12-01&to=2026-12-01", "to"},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		for _, tt := range tests {
			for _, role := range []string{asAdmin, asBooker} {
				t.Run(tt.query+"/"+role, func(t *testing.T) {
					e.withT(t, func() {
						e.get("/api/v1/bookings?"+tt.query, role).wantProblem(http.StatusUnprocessableEntity, []string{tt.param})
					})
				})
			}
		}
	})
}

// TestNoServerErrorForHostileBookingInput sends the bodies no endpoint
// should answer with a 5xx to the booking endpoints that act on a row, with
// real ids so they reach as far into the handlers as they can.
func TestNoServerErrorForHostileBookingInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		b := e.book(asBooker, e.bookingBody("2026-12-01T10:00:00Z"))
		sr := e.createSeries(asBooker, e.seriesBody("2026-12-07", "10:00", "11:00", map[string]any{"frequency": "weekly", "count": 2}))
		paths := []string{
			"/api/v1/bookings", "/api/v1/series",
			fmt.Sprintf("/api/v1/bookings/%d/approve", b.ID), fmt.Sprintf("/api/v1/bookings/%d/decline", b.ID),
			fmt.Sprintf("/api/v1/bookings/%d/cancel", b.ID), fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID),
		}
		for _, path := range paths {
			for name, hb := range hostileBodies() {
				for _, key := range []string{"", "hostile-" + name} {
					t.Run(path+"/"+name+"/"+key, func(t *testing.T) {
						e.withT(t, func() {
							body := hb.body
							if body == nil {
								body = []byte{}
							}
							h := http.Header{"Content-Type": {hb.contentType}}
							if key != "" {
								h.Set("Idempotency-Key", strings.ReplaceAll(key, " ", "-"))
							}
							r := e.do(request{method: http.MethodPost, path: path, as: asAdmin, body: body, header: h})
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
