package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
)

// pageFormFields are the names of every input of the booking, opening
// hours, closure, cancel, decision and invoice forms.
var pageFormFields = func() []string {
	out := []string{
		"organisation_id", "start", "end", "purpose", "attendees", "notes", "repeat", "weeks", "policy",
		"reason", "scope", "space", "from-time", "to-time", "source", "back", "date", "week", "reference",
	}
	for _, d := range []string{"date", "last-date", "until", "from", "to"} {
		out = append(out, d+"-day", d+"-month", d+"-year")
	}
	for _, d := range weekdayNames {
		for n := 1; n <= maxWindowsADay+1; n++ {
			out = append(out, fmt.Sprintf("%s-opens-%d", d, n), fmt.Sprintf("%s-closes-%d", d, n))
		}
	}
	return out
}()

// hostileValues are values no form or query should answer with a 5xx.
var hostileValues = []string{
	"", " ", "x", "-1", "0", "99999999999999999999", "1e9", "31", "2026-02-30", "9999-12-31", "0001-01-01",
	"24:00", "00:00", "25:61", "12pm", "0am", "midnight", "\u202egnp.sj", strings.Repeat("ab", 3000),
	repeatWeeks, repeatUntil, booking.BookAvailable, scopeAll, scopeFrom, hoursOfSite, hoursOfSpace, "booking",
}

// pageRows makes a fresh request, series and closure of siteA for each
// hostile request to act on, each in an hour of its own.
type pageRows struct {
	e *env
	n int
}

func (p *pageRows) next() booking.Interval {
	p.n++
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(p.n) * time.Hour)
	return booking.Interval{Start: start, End: start.Add(time.Hour)}
}

// path fills a page route's ids with rows of the fixtures that the acting
// roles may see.
func (p *pageRows) path(pattern string) string {
	e, ctx := p.e, context.Background()
	req := booking.Request{SpaceID: e.spaceA.ID, OrganisationID: e.orgA.ID, ByUserID: e.users[asBooker].ID, Purpose: "community", Attendees: 2}
	id := ""
	switch {
	case strings.HasPrefix(pattern, "/bookings/"), strings.HasPrefix(pattern, "/manage/bookings/"):
		req.Interval = p.next()
		n, _, err := e.srv.bookings.Book(ctx, req)
		must(e.t, err)
		id = itoa(n)
	case strings.HasPrefix(pattern, "/series/"), strings.HasPrefix(pattern, "/manage/series/"):
		iv := p.next()
		res, err := e.srv.bookings.BookSeries(ctx, booking.SeriesRequest{Request: req,
			First: booking.DateOf(iv.Start, booking.London), StartClock: clockOf(iv.Start), EndClock: clockOf(iv.Start) + 60,
			Recurrence: booking.Recurrence{Frequency: booking.Weekly, Count: 1}})
		must(e.t, err)
		id = itoa(res.SeriesID)
	case strings.HasPrefix(pattern, "/manage/closures/"):
		id = itoa(e.seedClosure(asBooker))
	case strings.Contains(pattern, "/spaces/"):
		id = itoa(e.spaceA.ID)
	case strings.Contains(pattern, "/sites/"):
		id = itoa(e.siteA.ID)
	case strings.Contains(pattern, "/organisations/"):
		id = itoa(e.orgA.ID)
	}
	return strings.Replace(pattern, ":id", id, 1)
}

// bookingPagePatterns are the page routes of finding, booking and
// managing availability.
var bookingPagePatterns = []string{
	"/find-a-space", "/spaces/:id", "/spaces/:id/book", "/organisations/:id/bookings", "/bookings/:id",
	"/bookings/:id/cancel", "/series/:id", "/series/:id/cancel", "/manage/requests", "/manage/bookings/:id/approve",
	"/manage/bookings/:id/decline", "/manage/bookings/:id/invoice-paid", "/manage/series/:id/approve", "/manage/series/:id/decline",
	"/manage/sites/:id/opening-hours", "/manage/spaces/:id/opening-hours", "/manage/sites/:id/week",
	"/manage/sites/:id/closures", "/manage/closures/:id", "/manage/closures/:id/delete",
}

func TestNoServerErrorOnBookingPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		rows := &pageRows{e: e}
		registered := map[string]bool{}
		for _, r := range e.srv.engine.Routes() {
			registered[r.Method+" "+r.Path] = true
		}
		for _, pattern := range bookingPagePatterns {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				if !registered[method+" "+pattern] {
					continue
				}
				for _, role := range []string{asAdmin, asManager, asBooker} {
					for i, v := range hostileValues {
						t.Run(fmt.Sprintf("%s %s/%s/%d", method, pattern, role, i), func(t *testing.T) {
							e.withT(t, func() {
								values := url.Values{}
								for _, f := range pageFormFields {
									values.Set(f, v)
								}
								var r *response
								if method == http.MethodGet {
									r = e.getPage(rows.path(pattern)+"?"+values.Encode(), role)
								} else {
									r = e.postForm(rows.path(pattern), role, values)
								}
								if r.Code >= 500 {
									t.Errorf("status %d; body %.500s", r.Code, r.Body.String())
								}
							})
						})
					}
				}
			}
		}
	})
}

func TestNoServerErrorForOneBadFieldOfAValidForm(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		d := booking.Date{Year: 2026, Month: time.December, Day: 2}
		weekly := bookFormValues(e.orgA.ID, d, "10:00", "11:00")
		weekly.Set("repeat", repeatWeeks)
		weekly.Set("weeks", "3")
		forms := []struct {
			path  string
			as    string
			valid url.Values
		}{
			{"/spaces/" + itoa(e.spaceA.ID) + "/book", asBooker, bookFormValues(e.orgA.ID, d, "10:00", "11:00")},
			{"/spaces/" + itoa(e.spaceA.ID) + "/book", asManager, weekly},
			{"/manage/sites/" + itoa(e.siteA.ID) + "/closures", asManager, url.Values{
				"space": {""}, "from-day": {"2"}, "from-month": {"12"}, "from-year": {"2026"}, "from-time": {"9am"},
				"to-day": {"3"}, "to-month": {"12"}, "to-year": {"2026"}, "to-time": {"5pm"}, "reason": {"Boiler repair"},
			}},
			{"/manage/sites/" + itoa(e.siteA.ID) + "/opening-hours", asManager, url.Values{
				"monday-opens-1": {"09:00"}, "monday-closes-1": {"12:00"}, "monday-opens-2": {"13:00"}, "monday-closes-2": {"17:00"},
			}},
			{"/manage/spaces/" + itoa(e.spaceA.ID) + "/opening-hours", asManager, url.Values{
				"source": {"space"}, "sunday-opens-1": {"09:00"}, "sunday-closes-1": {"12:00"},
			}},
			{"/groups/" + itoa(e.otherGroupSession()) + "/edit", asOtherMember, sessionFormValues()},
		}
		for _, f := range forms {
			for field := range f.valid {
				for i, v := range hostileValues {
					t.Run(fmt.Sprintf("%s/%s/%d", f.path, field, i), func(t *testing.T) {
						e.withT(t, func() {
							form := url.Values{}
							for k, vs := range f.valid {
								form[k] = vs
							}
							form.Set(field, v)
							if r := e.postForm(f.path, f.as, form); r.Code >= 500 {
								t.Errorf("status %d; body %.500s", r.Code, r.Body.String())
							}
						})
					})
				}
			}
		}
	})
}
