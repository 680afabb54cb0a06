package frontend_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fetchResult is what fetching a URL gave: its status, media type and the
// start of its body.
type fetchResult struct {
	Status      int    `json:"status"`
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
}

// fetchFeed fetches a calendar link as a calendar app does, from outside
// the browser with no cookies. The service's BASE_URL has no port, so the
// link's path is asked of the server the test started.
func fetchFeed(t *testing.T, base, link string) fetchResult {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("the link %q: %v", link, err)
	}
	resp, err := http.Get(base + u.Path)
	if err != nil {
		t.Fatalf("fetch %s: %v", u.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u.Path, err)
	}
	return fetchResult{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: string(body)}
}

// wantCalendar fails unless the answer is a calendar.
func wantCalendar(t *testing.T, what string, r fetchResult) {
	t.Helper()
	if r.Status != http.StatusOK || r.ContentType != "text/calendar; charset=utf-8" || !strings.HasPrefix(r.Body, "BEGIN:VCALENDAR\r\n") {
		t.Errorf("%s answered %d %q: %.80q", what, r.Status, r.ContentType, r.Body)
	}
}

// wantNoAxeViolations fails on any axe-core violation of WCAG 2.2 AA on
// the page, whatever its impact; checkPage fails only the serious and
// critical ones.
func (b *browserTest) wantNoAxeViolations() {
	b.t.Helper()
	script := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, resultTypes: ["violations"]})
		.then(r => r.violations.map(v => v.id + " (" + (v.impact || "") + "): " + v.nodes.map(n => n.target.join(" ")).join(", ")))`
	violations, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core: %v", err)
	}
	for _, v := range violations {
		b.t.Errorf("%s: axe %s", b.evalString("location.pathname"), v)
	}
}

// TestCalendarSubscribeJourney drives the calendar pages in headless
// Chromium with the demo data: a visitor finds a space's public calendar
// to subscribe to; an organisation admin makes a private link, which opens
// the feed until a new link replaces it; a booking downloads as a calendar
// file; and an estates manager makes and turns off a link of their own.
func TestCalendarSubscribeJourney(t *testing.T) {
	b := startRentBrowser(t)

	t.Run("a visitor finds a space's calendar to subscribe to", func(t *testing.T) {
		b.t = t
		b.visit("/sites", "")
		b.follow(`//a[text()="Hunter Street Health Centre"]`, "")
		b.follow(`//a[text()="Counselling Room 1"]`, "calendar-space")
		b.wantText("h2#calendar", "Subscribe to this calendar")
		b.wantNoAxeViolations()
		space := b.evalString(`location.pathname`)
		feed := "/calendars/spaces/" + strings.TrimPrefix(space, "/spaces/") + ".ics"
		b.wantText("main a.nhsuk-action-link", "Subscribe in your calendar app")
		b.wantAttr("main a.nhsuk-action-link", "href", "webcal://127.0.0.1"+feed)
		address := b.evalString(`document.querySelector("#calendar-address").value`)
		if address != "http://127.0.0.1"+feed {
			t.Errorf("the address to copy is %q, want http://127.0.0.1%s", address, feed)
		}
		b.click(`#calendar ~ details summary`)
		b.wantText(`#calendar ~ details[open] .nhsuk-details__text`, "Other calendars")
		wantCalendar(t, "the space's feed", fetchFeed(t, b.base, address))
	})

	var first string
	t.Run("an organisation admin makes a private link", func(t *testing.T) {
		b.t = t
		b.signIn("orgadmin@example.org")
		b.follow(`a.nhsuk-header__navigation-link[href="/organisations"]`, "")
		b.follow(`main a[href^="/organisations/"]`, "calendar-organisation")
		b.wantText("h1", "Tame Valley Talking Space")
		b.wantText("main", "Your organisation’s calendar")
		b.submit(`form[action$="/calendar-link"] button`, 200, "calendar-link")
		b.wantText(".nhsuk-card--warning", "Copy this link now: it will not be shown again. Anyone with the link can see your bookings.")
		b.wantNoAxeViolations()
		first = b.evalString(`document.querySelector("#calendar-address").value`)
		if !strings.HasPrefix(first, "http://127.0.0.1/calendars/organisations/") {
			t.Fatalf("the link shown is %q", first)
		}
		b.wantAttr("main a.nhsuk-action-link", "href", "webcal://"+strings.TrimPrefix(first, "http://"))
		feed := fetchFeed(t, b.base, first)
		wantCalendar(t, "the private link", feed)
		if !strings.Contains(feed.Body, "Tame Valley Talking Space bookings") {
			t.Errorf("the private feed is not the organisation's: %.300q", feed.Body)
		}
	})

	t.Run("a new link retires the first", func(t *testing.T) {
		b.t = t
		if first == "" {
			t.Skip("no first link was made")
		}
		b.submit(`//button[normalize-space()="Make a new link"]`, 200, "")
		b.wantText(".nhsuk-card--warning", "Copy this link now")
		second := b.evalString(`document.querySelector("#calendar-address").value`)
		if second == first || !strings.HasPrefix(second, "http://127.0.0.1/calendars/organisations/") {
			t.Fatalf("the new link is %q, the first %q", second, first)
		}
		if r := fetchFeed(t, b.base, first); r.Status != http.StatusNotFound {
			t.Errorf("the first link answers %d, want 404", r.Status)
		}
		wantCalendar(t, "the new link", fetchFeed(t, b.base, second))
	})

	t.Run("a booking downloads as a calendar file", func(t *testing.T) {
		b.t = t
		b.follow(`a.nhsuk-header__navigation-link[href$="/bookings"]`, "")
		b.follow(`//main//a[starts-with(@href, "/bookings/")][not(contains(@href, "/cancel"))]`, "calendar-booking")
		b.wantText("main", "Add to calendar")
		href := b.evalString(`document.querySelector('main a[href$="/calendar.ics"]').href`)
		// The file is for the booking's organisation, so the browser asks
		// for it with its session.
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[fetchResult](fmt.Sprintf(
			`fetch(%q).then(async r => ({status: r.status, contentType: r.headers.get("content-type"), body: await r.text()}))`, href),
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("fetch %s: %v", href, err)
		}
		wantCalendar(t, href, got)
		if n := strings.Count(got.Body, "BEGIN:VEVENT"); n != 1 {
			t.Errorf("the file has %d events, want 1", n)
		}
		b.signOut()
	})

	t.Run("an estates manager makes and turns off a link to the bookings at their sites", func(t *testing.T) {
		b.t = t
		b.signIn("estates@example.org")
		b.follow(`a.nhsuk-header__navigation-link[href="/manage/requests"]`, "")
		b.follow(`main a[href="/manage/calendar"]`, "calendar-manager")
		b.wantText("h1", "Your calendar of bookings")
		b.wantNoAxeViolations()
		b.submit(`form[action="/manage/calendar"] button`, 200, "")
		b.wantText(".nhsuk-card--warning", "Copy this link now")
		link := b.evalString(`document.querySelector("#calendar-address").value`)
		if !strings.HasPrefix(link, "http://127.0.0.1/calendars/managers/") {
			t.Fatalf("the link shown is %q", link)
		}
		wantCalendar(t, "the manager's link", fetchFeed(t, b.base, link))
		b.submit(`//button[normalize-space()="Turn off the link"]`, 200, "")
		b.wantText(".nhsuk-notification-banner--success", "The private calendar link has been turned off")
		b.wantText("main", "Create a private calendar link")
		if r := fetchFeed(t, b.base, link); r.Status != http.StatusNotFound {
			t.Errorf("the link turned off answers %d, want 404", r.Status)
		}
		b.signOut()
	})
	t.Logf("checked %d pages with axe-core: %d serious or critical violations", b.pages, b.serious)
}
