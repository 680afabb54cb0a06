package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// bookingCount counts the bookings stored, in any state.
func (e *env) bookingCount() int64 {
	e.t.Helper()
	var n int64
	must(e.t, e.store.DB.Model(&models.Booking{}).Count(&n).Error)
	return n
}

// weekdayHours opens both fixture sites 9am to 5pm on weekdays.
func (e *env) weekdayHours() {
	e.t.Helper()
	var ws []booking.Window
	for d := time.Monday; d <= time.Friday; d++ {
		ws = append(ws, booking.Window{Weekday: d, Opens: 9 * 60, Closes: 17 * 60})
	}
	for _, site := range []*models.Site{e.siteA, e.siteB} {
		must(e.t, e.store.SetOpeningWindows(context.Background(), site.ID, 0, ws))
	}
}

// bookingState reads a booking's stored state.
func (e *env) bookingState(id int64) string {
	e.t.Helper()
	b, err := e.store.BookingByID(context.Background(), id)
	must(e.t, err)
	return b.State
}

func TestFindASpacePage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.weekdayHours()
		e.step(t, "the form comes first, without results", func(t *testing.T) {
			e.getPage("/find-a-space", anonymous).wantStatus(http.StatusOK).
				wantBody(`<form action="/find-a-space" method="get"`, `id="date-day"`, `value="step_free"`).
				wantNoBody("spaces free")
		})
		e.step(t, "a time on a date finds the spaces free then and links to booking that slot", func(t *testing.T) {
			e.getPage("/find-a-space?date-day=1&date-month=12&date-year=2026&start=10:00&duration=90", anonymous).
				wantStatus(http.StatusOK).
				wantBody("2 spaces free", "Free for 1 hour 30 minutes from 10am on Tuesday 1 December 2026",
					`href="/spaces/`+itoa(e.spaceA.ID)+`/book?date=2026-12-01&amp;end=11%3A30&amp;start=10%3A00"`,
					e.spaceB.Name).
				wantNoBody(e.hiddenA.Name)
		})
		e.step(t, "a booked time is not offered", func(t *testing.T) {
			_, _, err := e.srv.bookings.Book(context.Background(), booking.Request{
				SpaceID: e.spaceA.ID, OrganisationID: e.orgA.ID, Purpose: "community", Attendees: 2,
				Interval: booking.Interval{Start: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC)},
			})
			must(t, err)
			e.getPage("/find-a-space?date=2026-12-01&start=10:00&duration=60", anonymous).
				wantBody("1 space free", e.spaceB.Name).wantNoBody(`/spaces/` + itoa(e.spaceA.ID) + `/book`)
		})
		e.step(t, "a whole day lists the free times of each space", func(t *testing.T) {
			e.getPage("/find-a-space?date=2026-12-01&duration=60&site="+itoa(e.siteA.ID), anonymous).
				wantBody("1 space free", "Tuesday 1 December 2026, 9am to 10am", "Tuesday 1 December 2026, 11am to 5pm").
				wantNoBody(`<a href="/spaces/` + itoa(e.spaceB.ID) + `">`)
		})
		e.step(t, "access needs, kind and size narrow the search", func(t *testing.T) {
			sp := *e.spaceB
			sp.StepFree, sp.HearingLoop = true, true
			must(t, e.store.UpdateSpace(context.Background(), &sp))
			e.getPage("/find-a-space?date=2026-12-01&duration=60&access=step_free&access=hearing_loop", anonymous).
				wantBody("1 space free", e.spaceB.Name, `value="hearing_loop" checked`).wantNoBody(`<a href="/spaces/` + itoa(e.spaceA.ID) + `"`)
			e.getPage("/find-a-space?date=2026-12-01&duration=60&min_capacity=7", anonymous).wantBody("0 spaces free", "No space is free then")
			e.getPage("/find-a-space?date=2026-12-01&duration=60&kind=hall", anonymous).wantBody("0 spaces free")
		})
		e.step(t, "the site's manager also finds its hidden spaces", func(t *testing.T) {
			e.getPage("/find-a-space?date=2026-12-01&duration=60", asManager).wantBody(e.hiddenA.Name)
		})
		e.step(t, "bad input is listed in the order of the form, with no results", func(t *testing.T) {
			body := e.getPage("/find-a-space?date-day=31&date-month=2&date-year=2026&start=25:00&duration=7&kind=ballroom&min_capacity=lots&site=999", anonymous).
				wantStatus(http.StatusUnprocessableEntity).wantBody(
				`<a href="#date-day">Date must be a real date, like 8 12 2026</a>`,
				`<a href="#start">Start time must be a time of day, like 10:00 or 2:30pm</a>`,
				`<a href="#duration">Select how long you need it for</a>`, `<a href="#kind">Select the kind of space</a>`,
				`<a href="#min_capacity">Number of people must be a whole number, like 12</a>`,
				`<a href="#site">Select a building from the list</a>`, `value="lots"`,
			).wantNoBody("spaces free").Body.String()
			if strings.Index(body, `href="#date-day"`) > strings.Index(body, `href="#site"`) {
				t.Errorf("the error summary is not in the order of the form")
			}
			e.getPage("/find-a-space?date=2026-11-20&duration=60", anonymous).wantStatus(http.StatusUnprocessableEntity).
				wantBody("The date must be today or in the future")
			e.getPage("/find-a-space?start=10:00&duration=60", anonymous).wantStatus(http.StatusUnprocessableEntity).
				wantBody("Enter the date you want to start at 10am")
		})
	})
}

func TestSpaceWeek(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.weekdayHours()
		ctx := context.Background()
		_, _, err := e.srv.bookings.Book(ctx, booking.Request{
			SpaceID: e.spaceA.ID, OrganisationID: e.orgA.ID, Purpose: "community", Attendees: 2,
			Interval: booking.Interval{Start: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)},
		})
		must(t, err)
		site := e.siteA.ID
		_, err = e.store.CreateClosure(ctx, &models.Closure{SiteID: &site, Reason: "Fire alarm testing",
			StartsAt: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 12, 2, 13, 0, 0, 0, time.UTC)}, testClock)
		must(t, err)
		week := "/spaces/" + itoa(e.spaceA.ID) + "?week=2026-11-30"
		e.step(t, "a week shows free, booked and closed time, never who booked", func(t *testing.T) {
			e.getPage(week, anonymous).wantStatus(http.StatusOK).wantBody(
				"From Monday 30 November 2026 to Sunday 6 December 2026",
				"<li>Booked 10am to midday</li>", "Closed 9am to 1pm: Fire alarm testing",
				`href="/spaces/`+itoa(e.spaceA.ID)+`/book?date=2026-12-01&amp;end=10%3A00&amp;start=09%3A00">9am to 10am`,
				`>midday to 5pm<`, `>1pm to 5pm<`, "Not open", `class="app-bar__booked"`, `class="app-bar__closed"`,
				`href="/spaces/`+itoa(e.spaceA.ID)+`?week=2026-12-07" rel="next"`, `href="/spaces/`+itoa(e.spaceA.ID)+`?week=2026-11-23" rel="prev"`,
			).wantNoBody(e.orgA.Name, "Waiting for approval", "style=")
		})
		e.step(t, "the site's managers are pointed at the site's week for who booked", func(t *testing.T) {
			e.getPage(week, asManager).wantBody(`href="/manage/sites/` + itoa(site) + `/week?week=2026-11-30"`).wantNoBody(e.orgA.Name)
		})
		e.step(t, "the week starts today, with no going back before it", func(t *testing.T) {
			e.getPage("/spaces/"+itoa(e.spaceA.ID), anonymous).wantBody("From Saturday 21 November 2026").wantNoBody(`rel="prev"`)
			e.getPage("/spaces/"+itoa(e.spaceA.ID)+"?week=nonsense", anonymous).wantStatus(http.StatusOK).wantBody("From Saturday 21 November 2026")
		})
	})
}

func TestBookPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.weekdayHours()
		e.verify(e.orgA)
		book := "/spaces/" + itoa(e.spaceA.ID) + "/book"
		tue := booking.Date{Year: 2026, Month: time.December, Day: 1}
		e.step(t, "the form is filled in from the free time it was reached from", func(t *testing.T) {
			e.getPage(book+"?date=2026-12-01&start=10:00&end=11:00", asBooker).wantStatus(http.StatusOK).wantBody(
				"You are booking for <strong>"+e.orgA.Name+"</strong>", `id="date-day" name="date-day" type="text" inputmode="numeric" value="1"`,
				`id="start" name="start" type="text" value="10:00"`, "Monday: 9am to 5pm",
			)
		})
		e.step(t, "an estates manager chooses the group to book for", func(t *testing.T) {
			e.getPage(book, asManager).wantStatus(http.StatusOK).wantBody(`<select class="nhsuk-select" id="organisation_id"`, e.orgB.Name)
			e.getPage(book, asOtherMgr).wantStatus(http.StatusForbidden)
			e.getPage(book, asLinkWorker).wantStatus(http.StatusForbidden).wantBody("Register your organisation")
			e.getPage(book, anonymous).wantRedirect("/sign-in?next=" + url.QueryEscape(book))
		})
		e.step(t, "problems the form finds are listed in its order and nothing is booked", func(t *testing.T) {
			before := e.bookingCount()
			form := bookFormValues(e.orgA.ID, tue, "ten", "")
			form.Set("date-month", "13")
			form.Set("purpose", "")
			form.Set("attendees", "lots")
			form.Set("repeat", repeatWeeks)
			form.Set("weeks", "")
			body := e.postForm(book, asBooker, form).wantStatus(http.StatusUnprocessableEntity).wantBody(
				`<a href="#date-day">Date must be a real date, like 8 12 2026</a>`,
				`<a href="#start">Start time must be a time of day, like 10:00 or 2:30pm</a>`,
				`<a href="#end">Enter the end time, like 10:00</a>`, `<a href="#purpose">Select what the booking is for</a>`,
				`<a href="#attendees">Number of people must be a whole number, like 12</a>`,
				`<a href="#weeks">Enter the number of weeks</a>`, `value="ten"`, `value="13"`,
			).Body.String()
			if strings.Index(body, `href="#date-day"`) > strings.Index(body, `href="#weeks"`) {
				t.Errorf("the error summary is not in the order of the form")
			}
			if e.bookingCount() != before {
				t.Fatal("something was booked")
			}
		})
		e.step(t, "the domain's refusals come back on the form's inputs and nothing is booked", func(t *testing.T) {
			before := e.bookingCount()
			e.postForm(book, asBooker, bookFormValues(e.orgA.ID, tue, "10:00", "10:30")).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#end">The shortest booking here is 1 hour</a>`)
			e.postForm(book, asBooker, bookFormValues(e.orgA.ID, tue, "16:00", "18:00")).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#start">The space is not open for all of that time. On Tuesdays it is open 9am to 5pm, unless it is closed that day.</a>`)
			e.postForm(book, asBooker, bookFormValues(e.orgA.ID, booking.Date{Year: 2026, Month: time.November, Day: 20}, "10:00", "11:00")).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#date-day">The start is in the past</a>`)
			e.postForm(book, asBooker, bookFormValues(e.orgA.ID, booking.Date{Year: 2027, Month: time.December, Day: 1}, "10:00", "11:00")).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#date-day">This space can be booked at most 180 days ahead</a>`)
			form := bookFormValues(e.orgA.ID, tue, "10:00", "11:00")
			form.Set("attendees", "40")
			e.postForm(book, asBooker, form).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#attendees">This space holds at most 6 people</a>`)
			e.postForm(book, asBooker, bookFormValues(e.orgB.ID, tue, "10:00", "11:00")).wantStatus(http.StatusForbidden).
				wantBody(`<a href="#organisation_id">You can book only for an organisation you belong to`)
			if e.bookingCount() != before {
				t.Fatal("something was booked")
			}
		})
		e.step(t, "before booking, a check page shows the price and why, and books nothing", func(t *testing.T) {
			e.priceSpaceA()
			e.send(http.MethodPut, "/api/v1/rent-policy", asAdmin, wellbeingPolicy(1)).wantStatus(http.StatusOK)
			before := e.bookingCount()
			form := bookFormValues(e.orgA.ID, tue, "10:00", "11:30")
			form.Del("confirm")
			form.Set("purpose", "health_wellbeing")
			e.postForm(book, asBooker, form).wantStatus(http.StatusOK).wantBody(
				"Check your booking", "Nothing is booked yet", `id="price-total">£5.00</p>`,
				"The standard rate would be £30.00. The rent policy takes £25.00 off.",
				"1 hour free — verified community group running a health and wellbeing activity within 1 hour a month (rule ‘VCS wellbeing’ at "+e.siteA.Name+"); "+
					"30 minutes at 50% off the standard rate — community group (rule ‘Community use’ at "+e.siteA.Name+").",
				`<input type="hidden" name="start" value="10:00">`, `name="confirm" value="yes"`, "Confirm booking",
			)
			if e.bookingCount() != before {
				t.Fatal("the check page booked something")
			}
			form.Set("change", "yes")
			e.postForm(book, asBooker, form).wantStatus(http.StatusOK).wantBody("Book this space", `id="start" name="start" type="text" value="10:00"`)
			// The price a booking is made with stays on its page after the
			// policy changes.
			form.Del("change")
			form.Set("confirm", "yes")
			loc := e.postForm(book, asBooker, form).wantStatus(http.StatusSeeOther).Header().Get("Location")
			e.send(http.MethodPut, "/api/v1/rent-policy", asAdmin, map[string]any{"rules": []any{}}).wantStatus(http.StatusOK)
			e.getPage(loc, asBooker).wantStatus(http.StatusOK).wantBody("£5.00", "rule ‘VCS wellbeing’")
			id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/bookings/"), 10, 64)
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", id), asBooker, map[string]any{"reason": "Test"}).wantStatus(http.StatusOK)
			must(t, e.store.DB.Model(&models.Space{}).Where("id = ?", e.spaceA.ID).Update("rate_pence", 0).Error)
		})
		var first int64
		e.step(t, "a booking is made and its page shows what was booked", func(t *testing.T) {
			r := e.postForm(book, asBooker, bookFormValues(e.orgA.ID, tue, "10:00", "11:30")).wantStatus(http.StatusSeeOther)
			if r.flash() != "Booking confirmed." {
				t.Errorf("flash %q", r.flash())
			}
			loc := r.Header().Get("Location")
			if !strings.HasPrefix(loc, "/bookings/") {
				t.Fatalf("redirect to %q", loc)
			}
			first, _ = strconv.ParseInt(strings.TrimPrefix(loc, "/bookings/"), 10, 64)
			e.getPage(loc, asBooker).wantStatus(http.StatusOK).wantBody(
				"Booking on Tuesday 1 December 2026", "10am to 11:30am", "Confirmed", e.spaceA.Name, "Community activity",
				`href="/bookings/`+itoa(first)+`/cancel"`,
			)
		})
		e.step(t, "a clash names the time already taken, not who took it", func(t *testing.T) {
			before := e.bookingCount()
			e.postForm(book, asManager, bookFormValues(e.orgB.ID, tue, "11:00", "12:00")).wantStatus(http.StatusConflict).
				wantBody(`<a href="#start">The space is already booked from 10am to 11:30am on Tuesday 1 December 2026. Choose another time</a>`)
			if e.bookingCount() != before {
				t.Fatal("something was booked")
			}
		})
		e.step(t, "a weekly booking for 10 weeks books each week and lists them", func(t *testing.T) {
			form := bookFormValues(e.orgA.ID, booking.Date{Year: 2026, Month: time.December, Day: 2}, "14:00", "15:00")
			form.Set("repeat", repeatWeeks)
			form.Set("weeks", "10")
			r := e.postForm(book, asOrgAdmin, form).wantStatus(http.StatusSeeOther)
			if r.flash() != "10 weekly sessions booked." {
				t.Errorf("flash %q", r.flash())
			}
			loc := r.Header().Get("Location")
			body := e.getPage(loc, asOrgAdmin).wantStatus(http.StatusOK).
				wantBody("Every Wednesday, 2pm to 3pm", "Wednesday 2 December 2026", "Wednesday 3 February 2027").
				wantNoBody("Dates not booked").Body.String()
			if n := strings.Count(body, "nhsuk-tag--green"); n != 10 {
				t.Errorf("%d confirmed dates listed, want 10", n)
			}
			list := e.getPage("/organisations/"+itoa(e.orgA.ID)+"/bookings", asBooker).wantStatus(http.StatusOK).
				wantBody("Wednesday 3 February 2027", `href="`+loc+`"`).Body.String()
			if n := strings.Count(list, ">Weekly<"); n != 10 {
				t.Errorf("%d weekly dates listed, want 10", n)
			}
		})
		e.step(t, "a weekly booking that clashes books nothing unless asked for the free dates", func(t *testing.T) {
			before := e.bookingCount()
			form := bookFormValues(e.orgA.ID, booking.Date{Year: 2026, Month: time.November, Day: 24}, "10:00", "11:00")
			form.Set("repeat", repeatUntil)
			form.Set("until-day", "8")
			form.Set("until-month", "12")
			form.Set("until-year", "2026")
			e.postForm(book, asBooker, form).wantStatus(http.StatusConflict).wantBody(
				`<a href="#policy">1 of the dates cannot be booked, so nothing was booked.`,
				"Tuesday 1 December 2026</td>", "The space is already booked from 10am to 11:30am on Tuesday 1 December 2026</td>",
			)
			if e.bookingCount() != before {
				t.Fatal("something was booked")
			}
			form.Set("policy", booking.BookAvailable)
			r := e.postForm(book, asBooker, form).wantStatus(http.StatusSeeOther)
			if want := "2 weekly sessions booked. 1 date could not be booked: see below."; r.flash() != want {
				t.Errorf("flash %q, want %q", r.flash(), want)
			}
			var cookie string
			for _, ck := range r.Result().Cookies() {
				if ck.Name == unbookedCookie {
					cookie = ck.Name + "=" + ck.Value
				}
			}
			loc := r.Header().Get("Location")
			e.do(request{method: http.MethodGet, path: loc, as: asBooker, cookie: true, header: http.Header{"Cookie": {cookie}}}).
				wantBody("Dates not booked", "The space is already booked from 10am to 11:30am on Tuesday 1 December 2026")
			e.getPage(loc, asBooker).wantBody("Dates not booked", "the space was taken or closed when the series was made")
		})
		e.step(t, "a repeat needs a policy and an end", func(t *testing.T) {
			form := bookFormValues(e.orgA.ID, tue, "15:00", "16:00")
			form.Set("repeat", repeatWeeks)
			form.Set("weeks", "100")
			form.Set("policy", "")
			e.postForm(book, asBooker, form).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#policy">Select what to do if some of the dates are taken</a>`)
			form.Set("policy", booking.AllOrNothing)
			e.postForm(book, asBooker, form).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#weeks">A series can run for at most 18 months</a>`)
		})
		e.step(t, "an unverified group's booking waits for approval", func(t *testing.T) {
			r := e.postForm(book, asOtherMember, bookFormValues(e.orgB.ID, booking.Date{Year: 2026, Month: time.December, Day: 4}, "09:00", "10:00")).
				wantStatus(http.StatusSeeOther)
			if !strings.HasPrefix(r.flash(), "Booking requested.") {
				t.Errorf("flash %q", r.flash())
			}
			e.getPage(r.Header().Get("Location"), asOtherMember).wantBody("Waiting for approval", "The estates team will approve or decline it")
		})
		_ = first
	})
}

func TestCancelPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		id := e.seedBooking(asBooker)
		e.step(t, "cancelling asks first and then cancels with the reason", func(t *testing.T) {
			e.getPage("/bookings/"+itoa(id)+"/cancel", asBooker).wantStatus(http.StatusOK).
				wantBody("Cancel this booking", `action="/bookings/`+itoa(id)+`/cancel"`, "No, keep it")
			r := e.postForm("/bookings/"+itoa(id)+"/cancel", asBooker, url.Values{"reason": {"Our facilitator is ill"}}).
				wantRedirect("/bookings/" + itoa(id))
			if !strings.Contains(r.flash(), "cancelled") {
				t.Errorf("flash %q", r.flash())
			}
			if got := e.bookingState(id); got != booking.Cancelled {
				t.Fatalf("state %s", got)
			}
			e.getPage("/bookings/"+itoa(id), asBooker).wantBody("Cancelled", "Our facilitator is ill").wantNoBody("Cancel this booking")
		})
		e.step(t, "cancelling twice is a conflict shown on the page", func(t *testing.T) {
			e.postForm("/bookings/"+itoa(id)+"/cancel", asBooker, nil).wantStatus(http.StatusConflict).
				wantBody("There is a problem", "cannot be cancelled")
		})
		e.step(t, "another organisation cannot see or cancel it", func(t *testing.T) {
			other := e.seedBooking(asOrgAdmin)
			e.postForm("/bookings/"+itoa(other)+"/cancel", asOtherMember, nil).wantStatus(http.StatusNotFound)
			if got := e.bookingState(other); got != booking.Requested {
				t.Fatalf("state %s", got)
			}
		})
		sr := e.seedSeries(asBooker)
		e.step(t, "the rest of a series is cancelled from a date", func(t *testing.T) {
			series, err := e.store.SeriesByID(context.Background(), sr)
			must(t, err)
			second := booking.DateOf(series.Bookings[1].StartsAt, booking.London)
			e.getPage("/series/"+itoa(sr)+"/cancel?from="+second.String(), asBooker).wantStatus(http.StatusOK).
				wantBody(`value="from" checked`, `value="`+strconv.Itoa(second.Day)+`"`)
			before := e.bookingCount()
			e.postForm("/series/"+itoa(sr)+"/cancel", asBooker, url.Values{"scope": {"from"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#from-day">Enter the date</a>`)
			e.postForm("/series/"+itoa(sr)+"/cancel", asBooker, url.Values{"scope": {"sometimes"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#scope">Select which dates to cancel</a>`)
			if got := e.bookingState(series.Bookings[1].ID); got != booking.Requested || e.bookingCount() != before {
				t.Fatalf("a bad form changed something: state %s", got)
			}
			form := url.Values{"scope": {"from"}, "from-day": {itoa(int64(second.Day))}, "from-month": {itoa(int64(second.Month))},
				"from-year": {itoa(int64(second.Year))}, "reason": {"Course ends early"}}
			r := e.postForm("/series/"+itoa(sr)+"/cancel", asBooker, form).wantRedirect("/series/" + itoa(sr))
			if r.flash() != "2 dates cancelled." {
				t.Errorf("flash %q", r.flash())
			}
			if e.bookingState(series.Bookings[0].ID) != booking.Requested || e.bookingState(series.Bookings[2].ID) != booking.Cancelled {
				t.Error("the wrong dates were cancelled")
			}
			e.postForm("/series/"+itoa(sr)+"/cancel", asBooker, form).wantStatus(http.StatusConflict).
				wantBody(`<a href="#from-day">No sessions of this series`)
			e.postForm("/series/"+itoa(sr)+"/cancel", asBooker, url.Values{"scope": {"all"}}).wantRedirect("/series/" + itoa(sr))
			if e.bookingState(series.Bookings[0].ID) != booking.Cancelled {
				t.Error("the first date is not cancelled")
			}
		})
	})
}

func TestRequestsPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		one := e.seedBooking(asBooker)
		sr := e.seedSeries(asBooker)
		e.step(t, "requests at the manager's sites are listed, a series together", func(t *testing.T) {
			e.getPage("/manage/requests", asManager).wantStatus(http.StatusOK).wantBody(
				"2 requests at your sites", e.orgA.Name, "Not yet verified", `action="/manage/bookings/`+itoa(one)+`/approve"`,
				`action="/manage/series/`+itoa(sr)+`/approve"`, "Approve 3 dates",
			)
			e.getPage("/manage/requests", asOtherMgr).wantStatus(http.StatusOK).wantBody("No bookings are waiting for approval")
			e.getPage("/manage/requests", asBooker).wantStatus(http.StatusForbidden)
			e.getPage("/manage/requests", anonymous).wantRedirect("/sign-in?next=%2Fmanage%2Frequests")
		})
		e.step(t, "declining needs a reason and changes nothing without one", func(t *testing.T) {
			e.postForm("/manage/bookings/"+itoa(one)+"/decline", asManager, url.Values{"reason": {"  "}}).
				wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#reason-b`+itoa(one)+`">Enter why you are declining it</a>`, "<details class=\"nhsuk-details\" open>")
			e.postForm("/manage/series/"+itoa(sr)+"/decline", asManager, nil).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#reason-s` + itoa(sr) + `">`)
			if e.bookingState(one) != booking.Requested {
				t.Fatal("the request was decided")
			}
		})
		e.step(t, "approving one request confirms it", func(t *testing.T) {
			r := e.postForm("/manage/bookings/"+itoa(one)+"/approve", asManager, nil).wantRedirect("/manage/requests")
			if !strings.HasPrefix(r.flash(), "Approved: "+e.orgA.Name) {
				t.Errorf("flash %q", r.flash())
			}
			if e.bookingState(one) != booking.Confirmed {
				t.Fatal("not confirmed")
			}
			e.postForm("/manage/bookings/"+itoa(one)+"/approve", asManager, nil).wantStatus(http.StatusConflict).
				wantBody("A booking that is confirmed cannot be approved")
		})
		e.step(t, "declining a series declines each date with the reason", func(t *testing.T) {
			r := e.postForm("/manage/series/"+itoa(sr)+"/decline", asManager, url.Values{"reason": {"The room is being repainted"}}).
				wantRedirect("/manage/requests")
			if r.flash() != "Declined: 3 weekly sessions of "+e.orgA.Name+"." {
				t.Errorf("flash %q", r.flash())
			}
			series, err := e.store.SeriesByID(context.Background(), sr)
			must(t, err)
			for _, b := range series.Bookings {
				if b.State != booking.Declined {
					t.Errorf("booking %d is %s", b.ID, b.State)
				}
			}
			e.getPage("/manage/requests", asManager).wantBody("No bookings are waiting for approval")
		})
		e.step(t, "a request is approved from its own page too", func(t *testing.T) {
			id := e.seedBooking(asOrgAdmin)
			e.getPage("/bookings/"+itoa(id), asManager).wantBody(`<input type="hidden" name="back" value="booking">`, "Decline this request")
			e.getPage("/bookings/"+itoa(id), asBooker).wantNoBody("Decline this request")
			e.postForm("/manage/bookings/"+itoa(id)+"/decline", asManager, url.Values{"back": {"booking"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#reason-booking">Enter why you are declining it</a>`, "Booking on ")
			e.postForm("/manage/bookings/"+itoa(id)+"/approve", asManager, url.Values{"back": {"booking"}}).wantRedirect("/bookings/" + itoa(id))
			e.getPage("/bookings/"+itoa(id), asBooker).wantBody("Approved", "estates manager")
		})
		e.step(t, "another site's manager cannot decide", func(t *testing.T) {
			id := e.seedBooking(asLinkWorker)
			e.postForm("/manage/bookings/"+itoa(id)+"/approve", asOtherMgr, nil).wantStatus(http.StatusNotFound)
			if e.bookingState(id) != booking.Requested {
				t.Fatal("decided")
			}
		})
	})
}

func TestBookADaySpace(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.weekdayHours()
		e.verify(e.orgA)
		hall := newSpaceDefaults(e.siteA.ID)
		hall.Name, hall.Kind, hall.Capacity, hall.BookingUnit = "Activity Hall", "hall", 40, "day"
		hall.GranularityMinutes, hall.MinMinutes, hall.MaxMinutes = 24*60, 24*60, 3*24*60
		must(t, e.store.CreateSpace(context.Background(), hall))
		book := "/spaces/" + itoa(hall.ID) + "/book"
		e.step(t, "the week links whole free days to the form, which asks for days, not times", func(t *testing.T) {
			e.getPage("/spaces/"+itoa(hall.ID)+"?week=2026-11-30", anonymous).
				wantBody(`href="/spaces/` + itoa(hall.ID) + `/book?date=2026-12-01">All day`).wantNoBody("start%3D")
			e.getPage(book+"?date=2026-12-01", asBooker).wantStatus(http.StatusOK).
				wantBody("First day", "Last day (optional)", `id="date-day" name="date-day" type="text" inputmode="numeric" value="1"`).
				wantNoBody(`id="start"`)
		})
		e.step(t, "two days are booked from midnight to midnight", func(t *testing.T) {
			form := bookFormValues(e.orgA.ID, booking.Date{Year: 2026, Month: time.December, Day: 1}, "", "")
			form.Set("last-date-day", "2")
			form.Set("last-date-month", "12")
			form.Set("last-date-year", "2026")
			r := e.postForm(book, asBooker, form).wantStatus(http.StatusSeeOther)
			id, _ := strconv.ParseInt(strings.TrimPrefix(r.Header().Get("Location"), "/bookings/"), 10, 64)
			b, err := e.store.BookingByID(context.Background(), id)
			must(t, err)
			if want := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC); !b.StartsAt.Equal(want) || !b.EndsAt.Equal(want.Add(48*time.Hour)) {
				t.Fatalf("booked %v to %v", b.StartsAt, b.EndsAt)
			}
			e.getPage(r.Header().Get("Location"), asBooker).wantBody("All day, to the end of Wednesday 2 December 2026")
		})
		e.step(t, "a last day before the first, or a repeat of several days, is refused", func(t *testing.T) {
			before := e.bookingCount()
			form := bookFormValues(e.orgA.ID, booking.Date{Year: 2026, Month: time.December, Day: 9}, "", "")
			form.Set("last-date-day", "8")
			form.Set("last-date-month", "12")
			form.Set("last-date-year", "2026")
			e.postForm(book, asBooker, form).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#last-date-day">The last day must be on or after the first day</a>`)
			form.Set("last-date-day", "10")
			form.Set("repeat", repeatWeeks)
			form.Set("weeks", "4")
			e.postForm(book, asBooker, form).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#last-date-day">A booking that repeats is for one day at a time: leave the last day empty</a>`)
			if e.bookingCount() != before {
				t.Fatal("something was booked")
			}
		})
		e.step(t, "a day a week is booked as a series of whole days", func(t *testing.T) {
			form := bookFormValues(e.orgA.ID, booking.Date{Year: 2026, Month: time.December, Day: 9}, "", "")
			form.Set("repeat", repeatWeeks)
			form.Set("weeks", "4")
			r := e.postForm(book, asBooker, form).wantStatus(http.StatusSeeOther)
			e.getPage(r.Header().Get("Location"), asBooker).wantBody("Every Wednesday, all day", "Wednesday 30 December 2026", "All day</td>")
		})
	})
}
