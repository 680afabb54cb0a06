package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// closureCount counts the closures stored.
func (e *env) closureCount() int64 {
	e.t.Helper()
	var n int64
	must(e.t, e.store.DB.Model(&models.Closure{}).Count(&n).Error)
	return n
}

func TestOpeningHoursPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.weekdayHours()
		hours := "/manage/sites/" + itoa(e.siteA.ID) + "/opening-hours"
		windows := func() []booking.Window {
			ws, err := e.store.SiteOpeningWindows(ctx, e.siteA.ID)
			must(t, err)
			return ws
		}
		e.step(t, "the form shows the hours as they are", func(t *testing.T) {
			e.getPage(hours, asManager).wantStatus(http.StatusOK).
				wantBody(`id="monday-opens-1" name="monday-opens-1" type="text" value="09:00"`, `id="sunday-opens-2"`, "Opens again<span class=\"nhsuk-u-visually-hidden\"> on Sunday, session 2")
		})
		e.step(t, "every problem is listed at once and nothing changes", func(t *testing.T) {
			before := windows()
			form := url.Values{
				"monday-opens-1": {"9"}, "monday-closes-1": {"8"},
				"tuesday-opens-1": {"09:00"}, "tuesday-closes-1": {"13:00"}, "tuesday-opens-2": {"12:00"}, "tuesday-closes-2": {"17:00"},
				"wednesday-opens-1": {"9am"}, "thursday-opens-1": {"breakfast"}, "thursday-closes-1": {"5pm"},
			}
			body := e.postForm(hours, asManager, form).wantStatus(http.StatusUnprocessableEntity).wantBody(
				`<a href="#monday-closes-1">Monday’s closing time must be after its opening time</a>`,
				`<a href="#tuesday-opens-2">Tuesday’s sessions must not overlap</a>`,
				`<a href="#wednesday-closes-1">Enter Wednesday’s closing time, like 10:00</a>`,
				`<a href="#thursday-opens-1">Thursday’s opening time must be a time of day, like 10:00 or 2:30pm</a>`,
				`value="breakfast"`,
			).Body.String()
			if strings.Index(body, `href="#monday-closes-1"`) > strings.Index(body, `href="#thursday-opens-1"`) {
				t.Error("the error summary is not in the order of the form")
			}
			if got := windows(); len(got) != len(before) {
				t.Fatalf("windows changed from %v to %v", before, got)
			}
		})
		e.step(t, "a day split around a break is saved and shown on the site", func(t *testing.T) {
			r := e.postForm(hours, asManager, url.Values{
				"monday-opens-1": {"8am"}, "monday-closes-1": {"12:30"}, "monday-opens-2": {"13:30"}, "monday-closes-2": {"midnight"},
				"saturday-opens-1": {"10:00"}, "saturday-closes-1": {"2pm"},
			}).wantRedirect("/sites/" + itoa(e.siteA.ID))
			if r.flash() != "Opening hours saved." {
				t.Errorf("flash %q", r.flash())
			}
			want := []booking.Window{
				{Weekday: time.Monday, Opens: 8 * 60, Closes: 12*60 + 30}, {Weekday: time.Monday, Opens: 13*60 + 30, Closes: 24 * 60},
				{Weekday: time.Saturday, Opens: 10 * 60, Closes: 14 * 60},
			}
			got := windows()
			if len(got) != len(want) {
				t.Fatalf("windows %v, want %v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("window %d is %v, want %v", i, got[i], want[i])
				}
			}
			e.getPage("/sites/"+itoa(e.siteA.ID), anonymous).wantBody("Monday: 8am to 12:30pm and 1:30pm to midnight", "Saturday: 10am to 2pm")
		})
		e.step(t, "a space gets hours of its own, and goes back to the site's", func(t *testing.T) {
			sp := "/manage/spaces/" + itoa(e.spaceA.ID) + "/opening-hours"
			e.getPage(sp, asManager).wantStatus(http.StatusOK).wantBody(`value="site" aria-describedby="source-item-hint" checked`, "Saturday: 10am to 2pm")
			e.postForm(sp, asManager, url.Values{"sunday-opens-1": {"10:00"}, "sunday-closes-1": {"12:00"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#source">Select whose opening hours the space follows</a>`)
			e.postForm(sp, asManager, url.Values{"source": {"space"}, "sunday-opens-1": {"10:00"}, "sunday-closes-1": {"12:00"}}).
				wantRedirect("/spaces/" + itoa(e.spaceA.ID))
			got, err := e.store.SpaceByID(ctx, e.spaceA.ID)
			must(t, err)
			ws, own, err := e.store.SpaceOpeningWindows(ctx, got)
			must(t, err)
			if !own || len(ws) != 1 || ws[0].Weekday != time.Sunday {
				t.Fatalf("own %v, windows %v", own, ws)
			}
			e.getPage("/spaces/"+itoa(e.spaceA.ID), anonymous).wantBody("Sunday: 10am to midday", "Different from the rest of the building")
			e.postForm(sp, asManager, url.Values{"source": {"site"}}).wantRedirect("/spaces/" + itoa(e.spaceA.ID))
			got, err = e.store.SpaceByID(ctx, e.spaceA.ID)
			must(t, err)
			if got.OwnOpeningHours {
				t.Fatal("the space still has hours of its own")
			}
		})
		e.step(t, "only the site's managers change its hours", func(t *testing.T) {
			e.postForm(hours, asOtherMgr, url.Values{}).wantStatus(http.StatusForbidden)
			e.getPage(hours, asBooker).wantStatus(http.StatusForbidden)
			e.getPage(hours, anonymous).wantRedirect("/sign-in?next=" + url.QueryEscape(hours))
			if len(windows()) != 3 {
				t.Fatal("the hours changed")
			}
		})
	})
}

func TestClosurePages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.weekdayHours()
		_, _, err := e.srv.bookings.Book(context.Background(), booking.Request{
			SpaceID: e.spaceA.ID, OrganisationID: e.orgA.ID, Purpose: "community", Attendees: 2, Verified: true,
			Interval: booking.Interval{Start: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC)},
		})
		must(t, err)
		closures := "/manage/sites/" + itoa(e.siteA.ID) + "/closures"
		e.step(t, "a closure form with problems lists them all and adds nothing", func(t *testing.T) {
			before := e.closureCount()
			e.postForm(closures, asManager, url.Values{"space": {itoa(e.spaceB.ID)}, "from-day": {"2"}, "to-time": {"25:00"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(
				`<a href="#space">Select what is closed: the whole building or one of its spaces</a>`,
				`<a href="#from-day">First day must include a month and a year</a>`,
				`<a href="#to-time">Time it opens again must be a time of day, like 10:00 or 2:30pm</a>`,
				`<a href="#reason">Enter the reason, like Bank holiday or Boiler repair</a>`,
			)
			e.postForm(closures, asManager, url.Values{"from-day": {"1"}, "from-month": {"11"}, "from-year": {"2026"}, "reason": {"Old"}}).
				wantStatus(http.StatusUnprocessableEntity).wantBody(`<a href="#to-day">The closure would already be over</a>`)
			if e.closureCount() != before {
				t.Fatal("a closure was added")
			}
		})
		var page string
		e.step(t, "a closure over a booking lists it with the group's contact details", func(t *testing.T) {
			r := e.postForm(closures, asManager, url.Values{"space": {""}, "from-day": {"2"}, "from-month": {"12"}, "from-year": {"2026"},
				"from-time": {"9am"}, "to-time": {"1pm"}, "reason": {"Fire alarm testing"}}).wantStatus(http.StatusSeeOther)
			if r.flash() != "Closure added. It falls on 1 booking: contact the group." {
				t.Errorf("flash %q", r.flash())
			}
			page = r.Header().Get("Location")
			e.getPage(page, asManager).wantStatus(http.StatusOK).wantBody(
				"Closure: Fire alarm testing", "The whole building", "Wednesday 2 December 2026, 9am", "Wednesday 2 December 2026, 1pm",
				"Wednesday 2 December 2026, 10am to 11am", e.orgA.Name, "Confirmed",
			)
			e.getPage(closures, asManager).wantBody("Closures still to come", `href="`+page+`"`, "Fire alarm testing")
			e.getPage("/spaces/"+itoa(e.spaceA.ID)+"?week=2026-11-30", anonymous).wantBody("Closed 9am to 1pm: Fire alarm testing")
			e.getPage(page, asOtherMgr).wantStatus(http.StatusForbidden)
		})
		e.step(t, "a closure is removed", func(t *testing.T) {
			e.postForm(page+"/delete", asOtherMgr, nil).wantStatus(http.StatusForbidden)
			r := e.postForm(page+"/delete", asManager, nil).wantRedirect(closures)
			if r.flash() != "Closure removed: Fire alarm testing." {
				t.Errorf("flash %q", r.flash())
			}
			if e.closureCount() != 0 {
				t.Fatal("the closure is still there")
			}
			e.getPage(page, asManager).wantStatus(http.StatusNotFound)
		})
	})
}

func TestSiteWeekPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.weekdayHours()
		_, _, err := e.srv.bookings.Book(context.Background(), booking.Request{
			SpaceID: e.hiddenA.ID, OrganisationID: e.orgA.ID, Purpose: "community", Attendees: 2,
			Interval: booking.Interval{Start: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)},
		})
		must(t, err)
		week := "/manage/sites/" + itoa(e.siteA.ID) + "/week?week=2026-11-30"
		e.step(t, "spaces by days, drawn, with the same facts as text and who booked", func(t *testing.T) {
			e.getPage(week, asManager).wantStatus(http.StatusOK).wantBody(
				"Week at a glance", e.spaceA.Name, e.hiddenA.Name, "<th class=\"nhsuk-table__header\" scope=\"col\" role=\"columnheader\">Tue 1 Dec</th>",
				`<span class="nhsuk-u-visually-hidden">Open 9am to 5pm. Waiting for approval: 10am to midday by `+e.orgA.Name+`. Free 9am to 10am, midday to 5pm.</span>`,
				`<span class="nhsuk-u-visually-hidden">Not open.</span>`, `class="app-bar__waiting"`,
				"Each bar runs from 9am to 5pm", "Tuesday 1 December 2026, 10am to midday",
				`href="/manage/sites/`+itoa(e.siteA.ID)+`/week?week=2026-12-07"`,
			).wantNoBody("style=")
		})
		e.step(t, "it is for the site's managers only", func(t *testing.T) {
			e.getPage(week, asOtherMgr).wantStatus(http.StatusForbidden)
			e.getPage(week, asBooker).wantStatus(http.StatusForbidden)
			e.getPage(week, anonymous).wantRedirect("/sign-in?next=" + url.QueryEscape(week))
		})
	})
}
