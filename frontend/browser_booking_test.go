package frontend_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
)

// nextWeekday is the first date on the weekday at least minDays from
// today in London.
func nextWeekday(wd time.Weekday, minDays int) booking.Date {
	d := booking.DateOf(time.Now(), booking.London).AddDays(minDays)
	for d.Weekday() != wd {
		d = d.AddDays(1)
	}
	return d
}

// TestBookingJourneys drives finding, booking and cancelling with the demo
// data: a charity books a weekly slot for ten weeks and sees it on its
// bookings page, the week of a space and of a site is read with and
// without JavaScript, and an estates manager approves and declines
// requests, sets opening hours and adds a closure. Every page is checked
// with axe-core.
func TestBookingJourneys(t *testing.T) {
	browser := findBrowser(t)
	axeSource, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		skipOrFail(t, "axe-core is not installed (run make assets): %v", err)
	}
	if _, err := os.Stat(filepath.Join("static", "nhsuk", "nhsuk-frontend.min.css")); err != nil {
		skipOrFail(t, "the NHS.UK frontend is not copied into static/ (run make assets): %v", err)
	}
	base := startServer(t)
	b := newBrowser(t, browser, base, string(axeSource))
	wed := nextWeekday(time.Wednesday, 3)

	t.Run("a charity books a weekly slot for ten weeks and sees it listed", func(t *testing.T) {
		b.t = t
		b.signIn("booker@example.org")
		b.follow(`a.nhsuk-header__navigation-link[href="/find-a-space"]`, "find")
		b.setValue("#date-day", fmt.Sprint(wed.Day))
		b.setValue("#date-month", fmt.Sprint(int(wed.Month)))
		b.setValue("#date-year", fmt.Sprint(wed.Year))
		b.setValue("#start", "2pm")
		b.setValue("#kind", "counselling_room")
		b.submit(`form[action="/find-a-space"] button[type="submit"]`, 200, "find-results")
		b.wantText("#results", "spaces free")
		b.follow(`//li[contains(@class,"nhsuk-card")][.//a[text()="Counselling Room 3"]]//ul[contains(@class,"app-slots")]//a`, "book")
		b.wantText("h1", "Book this space")
		if got := b.eval(`document.querySelector("#start").value + " " + document.querySelector("#end").value`); got != `"14:00 15:00"` {
			t.Errorf("the form is not filled in from the free time: %s", got)
		}
		b.click("#repeat-2")
		b.setValue("#weeks", "10")
		b.submit(`form[action$="/book"] button[type="submit"]`, 422, "book-errors")
		b.wantText(".nhsuk-error-summary", "Select what the booking is for")
		b.wantText(".nhsuk-error-summary", "Enter the number of people")
		b.click("#purpose-2")
		b.setValue("#attendees", "2")
		b.submit(`form[action$="/book"] button[type="submit"]`, 200, "book-check")
		b.wantText("h1", "Check your booking")
		b.wantText("main", "10 dates, every week")
		if got := b.eval(`document.querySelectorAll("#price + p + table tbody tr, #price + p + p + table tbody tr").length`); got != "10" {
			t.Errorf("%s priced dates on the check page, want 10", got)
		}
		b.submit(`//form[.//input[@name="confirm"]]//button`, 200, "series")
		b.wantText(".nhsuk-notification-banner--success", "10 weekly sessions booked")
		b.wantText("h1", "Weekly booking")
		b.wantText("main", "Every Wednesday, 2pm to 3pm")
		if got := b.eval(`document.querySelectorAll("#dates + table .nhsuk-tag--green").length`); got != "10" {
			t.Errorf("%s confirmed dates on the series page, want 10", got)
		}
		b.follow(`a.nhsuk-header__navigation-link[href$="/bookings"]`, "bookings")
		b.wantText("h1", "Bookings")
		b.wantText("table", dateText(wed)+" 2pm to 3pm")
		b.wantText("table", dateText(wed.AddDays(63)))
		if got := b.eval(`[...document.querySelectorAll("main table tbody tr")].filter(r => r.textContent.includes("Counselling Room 3")).length`); got != "10" {
			t.Errorf("%s dates of Counselling Room 3 listed, want 10", got)
		}
	})

	t.Run("a charity cancels one date, then the rest of the series", func(t *testing.T) {
		b.t = t
		b.follow(fmt.Sprintf(`//tr[contains(., %q) and contains(., "Counselling Room 3")]//a[starts-with(normalize-space(.), "Cancel")]`, dateText(wed.AddDays(7))), "cancel")
		b.setValue("#reason", "Half term")
		b.submit(`form[action$="/cancel"] button[type="submit"]`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "cancelled")
		b.wantText("main", "Cancelled")
		b.follow(`//a[text()="weekly booking"]`, "")
		b.follow(`a[href$="/cancel"][role="button"]`, "series-cancel")
		b.click("#scope-2")
		last := wed.AddDays(56)
		b.setValue("#from-day", fmt.Sprint(last.Day))
		b.setValue("#from-month", fmt.Sprint(int(last.Month)))
		b.setValue("#from-year", fmt.Sprint(last.Year))
		b.submit(`form[action$="/cancel"] button[type="submit"]`, 200, "series-cancelled")
		b.wantText(".nhsuk-notification-banner--success", "2 dates cancelled")
		if got := b.eval(`document.querySelectorAll("#dates + table .nhsuk-tag--grey").length`); got != "3" {
			t.Errorf("%s cancelled dates on the series page, want 3", got)
		}
		b.signOut()
	})

	t.Run("a space's week shows booked time but not who booked", func(t *testing.T) {
		b.t = t
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "site")
		b.follow(`//a[text()="Counselling Room 1"]`, "space-week")
		b.follow(`a[rel="next"]`, "space-next-week")
		b.wantText("#availability + p + ul + p + table", "Booked 10am to midday")
		if text := b.eval(`document.querySelector("main").textContent`); strings.Contains(text, "Tame Valley") {
			t.Error("the public week says who booked")
		}
		b.follow(`#availability + p + ul + p + table a[href*="/book?"]`, "")
		b.wantText("h1", "Sign in")
	})

	t.Run("an estates manager approves and declines requests", func(t *testing.T) {
		b.t = t
		b.signIn("estates@example.org")
		b.follow(`a.nhsuk-header__navigation-link[href="/manage/requests"]`, "requests")
		b.wantText("main", "Reddish Community Kitchen CIC")
		b.submit(`//button[contains(normalize-space(.), "for Sensory Connections")]`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "Approved: Sensory Connections")
		if text := b.text(".app-requests"); strings.Contains(text, "Sensory Connections") {
			t.Errorf("the approved request is still listed")
		}
		b.click(`//summary[contains(normalize-space(.), "for Reddish Community Kitchen CIC")]`)
		b.submit(`//form[contains(@action, "/decline")]//button`, 422, "decline-errors")
		b.wantText(".nhsuk-error-summary", "Enter why you are declining it")
		b.setValue(`textarea[name="reason"]`, "The kitchen is being refitted until the spring.")
		b.submit(`//form[contains(@action, "/decline")]//button`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "Declined: 6 weekly sessions of Reddish Community Kitchen CIC")
		b.wantText("main", "No bookings are waiting for approval")
	})

	t.Run("an estates manager reads the site's week, sets hours and adds a closure", func(t *testing.T) {
		b.t = t
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "")
		b.follow(`//a[text()="This week at a glance"]`, "site-week")
		b.follow(`a[rel="next"]`, "site-next-week")
		if text := b.eval(`document.querySelector(".app-glance").textContent`); !strings.Contains(text, "Booked 10am to midday by Tame Valley Talking Space.") {
			t.Errorf("the week's text does not say who booked: %s", text)
		}
		if got := b.eval(`document.querySelectorAll(".app-glance svg.app-bar rect.app-bar__booked").length > 0`); got != "true" {
			t.Errorf("no booking is drawn")
		}
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "")
		b.follow(`//a[text()="Opening hours"]`, "opening-hours")
		b.setValue("#saturday-closes-1", "noon")
		b.submit(`form[action$="/opening-hours"] button[type="submit"]`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "Opening hours saved")
		b.wantText("main", "Saturday: 9am to midday")
		b.follow(`//a[text()="Closures"]`, "closures")
		b.wantText("table", "Fire alarm and sprinkler servicing")
		b.setValue("#from-day", fmt.Sprint(wed.AddDays(14).Day))
		b.submit(`form[action$="/closures"] button[type="submit"]`, 422, "closure-errors")
		b.wantText(".nhsuk-error-summary", "First day must include a month and a year")
		b.wantText(".nhsuk-error-summary", "Enter the reason")
		d := wed.AddDays(13)
		b.setValue("#from-day", fmt.Sprint(d.Day))
		b.setValue("#from-month", fmt.Sprint(int(d.Month)))
		b.setValue("#from-year", fmt.Sprint(d.Year))
		b.setValue("#from-time", "9am")
		b.setValue("#to-time", "11am")
		b.setValue("#reason", "Boiler repair")
		b.submit(`form[action$="/closures"] button[type="submit"]`, 200, "closure")
		b.wantText("h1", "Boiler repair")
		b.wantText("#affected + p + table", "Tame Valley Talking Space")
		b.wantText("#affected + p + table", "hello@tamevalleytalkingspace.example")
		b.submit(`form[action$="/delete"] button`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "Closure removed")
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "")
		b.follow(`//a[text()="Seminar Room"]`, "")
		b.follow(`a[href$="/opening-hours"][role="button"]`, "space-hours")
		b.click("#source-2")
		b.eval(`document.querySelector("#saturday-opens-1").value = document.querySelector("#saturday-closes-1").value = ""`)
		b.submit(`form[action$="/opening-hours"] button[type="submit"]`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "Opening hours saved")
		b.wantText("main", "Different from the rest of the building")
		if text := b.text("main"); strings.Contains(text, "Saturday:") {
			t.Errorf("the space is still open on Saturdays: %s", text)
		}
		b.visit("/sites", "")
		b.follow(`//a[text()="Cherry Tree Resource Centre"]`, "")
		b.follow(`//a[text()="Activity Hall"]`, "")
		b.follow(`a[href$="/book"][role="button"]`, "book-on-behalf")
		b.wantText("main", "As the site’s estates manager you can book on a group’s behalf")
		b.wantText("main", "Last day (optional)")
		b.signOut()
	})

	t.Run("the weeks and the booking form work without JavaScript on a small screen", func(t *testing.T) {
		b.t = t
		b.withoutScripts(true)
		defer b.withoutScripts(false)
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "")
		b.follow(`//a[text()="Counselling Room 1"]`, "")
		b.follow(`a[rel="next"]`, "phone-space-week")
		b.wantText("#availability + p + ul + p + table", "Booked 10am to midday")
		b.signIn("orgadmin@example.org")
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "")
		b.follow(`//a[text()="Counselling Room 2"]`, "")
		b.follow(`a[href$="/book"][role="button"]`, "phone-book")
		if got := b.eval(`document.querySelector("#weeks").getBoundingClientRect().height > 0`); got != "true" {
			t.Errorf("the number of weeks is hidden without JavaScript")
		}
		b.submit(".nhsuk-header__account-button", 200, "")
		b.signIn("estates@example.org")
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "")
		b.follow(`//a[text()="This week at a glance"]`, "phone-site-week")
		if got := b.eval(`document.querySelectorAll(".app-glance svg.app-bar").length > 0`); got != "true" {
			t.Errorf("the week is not drawn without JavaScript")
		}
		b.submit(".nhsuk-header__account-button", 200, "")
	})

	t.Logf("checked %d pages with axe-core: %d serious or critical violations", b.pages, b.serious)
}

// dateText is a date as the pages write it, like "Wednesday 2 December 2026".
func dateText(d booking.Date) string {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Format("Monday 2 January 2006")
}
