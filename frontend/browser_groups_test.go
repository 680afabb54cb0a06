package frontend_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/seeds"
)

// apiClient calls the program's JSON API as one signed-in account.
type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// signInAPI signs a demo account in to the API with its session cookie.
func signInAPI(t *testing.T, base, email string) *apiClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &apiClient{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	c.call(http.MethodPost, "/api/v1/auth/login", map[string]any{"email": email, "password": seeds.DemoPassword}, http.StatusOK, nil)
	return c
}

// call sends body as JSON, fails the test unless the answer has the
// status, and decodes the answer into out when it is not nil.
func (c *apiClient) call(method, path string, body any, status int, out any) {
	c.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(raw))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		c.t.Fatalf("%s %s answered %d, want %d: %s", method, path, resp.StatusCode, status, answer)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, answer)
		}
	}
}

// gardening is the session the journey finds: where it meets and what its
// group published, and what the group told the estate in private.
type gardening struct {
	SiteID, SessionID int64
	Site, Title       string
	FirstDate         string // the first date, as the pages show it
	Cancelled         string // the second date, cancelled
	Organisation      string
	Notes             string
	ReferralContact   string
}

// publishGardening sets up, through the API, a session of its own for the
// journey: an admin adds a building with a garden open every day, a new
// group is registered and verified, and it books the garden every Tuesday
// morning for eight weeks, cancels the second date and publishes the rest
// as a gardening session that needs a referral.
func publishGardening(t *testing.T, base string) gardening {
	t.Helper()
	g := gardening{Site: "Ludworth Park Health Centre", Title: "Community gardening club",
		Organisation: "Marple Growers Collective", Notes: "Key safe code 4471 for the shed",
		ReferralContact: "Email growers.referrals@example.org with the person's first name and phone number"}
	admin := signInAPI(t, base, "admin@example.org")
	var site struct{ ID int64 }
	admin.call(http.MethodPost, "/api/v1/sites", map[string]any{
		"name": g.Site, "address_line1": "Ludworth Road", "town": "Marple", "postcode": "SK6 5AA",
		"latitude": 53.3960, "longitude": -2.0630,
		"accessibility": map[string]any{"step_free": true, "accessible_toilet": true, "parking": true,
			"parking_notes": "Ten spaces behind the building", "public_transport": "Bus 383 stops outside"},
	}, http.StatusCreated, &site)
	g.SiteID = site.ID
	var space struct{ ID int64 }
	admin.call(http.MethodPost, fmt.Sprintf("/api/v1/sites/%d/spaces", site.ID), map[string]any{
		"name": "Walled garden", "kind": "garden", "capacity": 20, "approval_mode": "auto", "rate_pence": 0,
		"notice_hours": 0, "horizon_days": 365, "accessibility": map[string]any{"step_free": true},
	}, http.StatusCreated, &space)
	var week []map[string]string
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		week = append(week, map[string]string{"weekday": d, "opens": "08:00", "closes": "20:00"})
	}
	admin.call(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/opening-hours", site.ID), map[string]any{"windows": week}, http.StatusOK, nil)

	group := signInAPI(t, base, "orgadmin@example.org")
	var org struct{ ID int64 }
	group.call(http.MethodPost, "/api/v1/organisations", map[string]any{
		"name": g.Organisation, "type": "community_group", "description": "Volunteers who grow food together.",
	}, http.StatusCreated, &org)
	admin.call(http.MethodPost, fmt.Sprintf("/api/v1/organisations/%d/verification", org.ID),
		map[string]any{"state": "verified", "note": "Constitution and bank statement checked"}, http.StatusOK, nil)

	first := nextWeekday(time.Tuesday, 3)
	var series struct {
		ID          int64
		Occurrences []struct {
			BookingID int64 `json:"booking_id"`
		}
	}
	group.call(http.MethodPost, "/api/v1/series", map[string]any{
		"space_id": space.ID, "organisation_id": org.ID, "first_date": first.String(),
		"start_time": "10:00", "end_time": "12:00", "recurrence": map[string]any{"frequency": "weekly", "count": 8},
		"purpose": "social_prescribing", "attendees": 8, "notes": g.Notes,
	}, http.StatusCreated, &series)
	if len(series.Occurrences) != 8 {
		t.Fatalf("the series booked %d dates, want 8", len(series.Occurrences))
	}
	group.call(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", series.Occurrences[1].BookingID),
		map[string]any{"reason": "Volunteers away"}, http.StatusOK, nil)
	var session struct{ ID int64 }
	group.call(http.MethodPost, "/api/v1/sessions", map[string]any{
		"series_id": series.ID, "title": g.Title,
		"description": "Grow vegetables, fruit and flowers with others in a quiet walled garden. No experience needed: tools, gloves and tea provided.",
		"categories":  []string{"nature_gardening", "mental_wellbeing"}, "who_for": "Adults who would like to be outdoors and meet people",
		"join": "referral", "contact": "Ask for Sam at reception", "referral_contact": g.ReferralContact,
		"languages": []string{"English", "Urdu"}, "access_notes": "Raised beds at wheelchair height; a ramp into the garden.",
	}, http.StatusCreated, &session)
	g.SessionID = session.ID
	g.FirstDate = civilDay(first)
	g.Cancelled = civilDay(first.AddDays(7))
	return g
}

// civilDay writes a date as the session pages do, like "Tuesday 1
// December", with the year when it is not this year.
func civilDay(d booking.Date) string {
	t := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	layout := "Monday 2 January"
	if d.Year != booking.DateOf(time.Now(), booking.London).Year {
		layout += " 2006"
	}
	return t.Format(layout)
}

// postcodeLookup is a postcodes.io stand-in that knows the postcode of the
// garden's building.
func postcodeLookup(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/postcodes/SK6 5AA" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"status":404,"error":"Postcode not found"}`)
			return
		}
		fmt.Fprint(w, `{"status":200,"result":{"postcode":"SK6 5AA","latitude":53.3968,"longitude":-2.0645}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// visible reports whether the first element the CSS selector finds is
// shown, as the page is laid out now.
func (b *browserTest) visible(sel string) bool {
	b.t.Helper()
	got := b.eval(fmt.Sprintf(`(() => { const el = document.querySelector(%q); return el !== null && el.checkVisibility(); })()`, sel))
	return got == "true"
}

// printing runs checks while the page is laid out for print.
func (b *browserTest) printing(check func()) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		b.t.Fatalf("emulate print: %v", err)
	}
	defer func() {
		if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			b.t.Fatalf("stop emulating print: %v", err)
		}
	}()
	check()
}

// TestGroupsJourney drives where groups meet in headless Chromium: a link
// worker searches for gardening at a building and near a postcode, opens
// the session and finds its next dates, the referral contact and the
// calendar links, and checks how it prints; then a visitor who is not
// signed in opens the session's short address and subscribes to its
// calendar. The directory and the session's page are checked with
// axe-core, every violation failing.
func TestGroupsJourney(t *testing.T) {
	browser := findBrowser(t)
	axeSource, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		skipOrFail(t, "axe-core is not installed (run make assets): %v", err)
	}
	if _, err := os.Stat(filepath.Join("static", "nhsuk", "nhsuk-frontend.min.css")); err != nil {
		skipOrFail(t, "the NHS.UK frontend is not copied into static/ (run make assets): %v", err)
	}
	base, _ := startServerWith(t, map[string]string{"GEOCODER_URL": postcodeLookup(t).URL})
	g := publishGardening(t, base)
	b := newBrowser(t, browser, base, string(axeSource))
	page := fmt.Sprintf("/groups/%d", g.SessionID)

	t.Run("a link worker searches for gardening at a building", func(t *testing.T) {
		b.t = t
		b.signIn("linkworker@example.org")
		b.wantText(`a.nhsuk-card__link[href="/groups/referrals"]`, "Sessions that need a referral")
		b.follow(`a.nhsuk-header__navigation-link[href="/groups"]`, "groups")
		b.wantText("h1", "Where groups meet")
		b.setValue("#q", "gardening")
		b.setValue("#site", fmt.Sprint(g.SiteID))
		b.submit(`form[action="/groups"] button[type="submit"]`, 200, "groups-results")
		b.wantText("#results", "1 session found")
		b.wantText(".app-session-card", g.Title)
		b.wantText(".app-session-card", "Tuesdays, 10am to midday")
		b.wantText(".app-session-card", g.FirstDate+", 10am to midday")
		b.wantText(".app-session-card .app-cancelled + .nhsuk-tag", "Cancelled")
		b.wantText(".app-session-card", g.Site+", Marple")
		b.wantText(".app-session-card", "Step-free access, Accessible toilet, Parking")
		b.wantText(".app-session-card", "Referral needed")
		b.wantNoAxeViolations()
	})

	t.Run("and near a postcode, nearest first", func(t *testing.T) {
		b.t = t
		b.setValue("#site", "")
		b.setValue("#near", "sk6 5aa")
		b.setValue("#within_km", "2")
		b.submit(`form[action="/groups"] button[type="submit"]`, 200, "groups-near")
		b.wantText("#results", "found")
		b.wantText(".app-session-card", g.Title)
		b.wantText(".app-session-card", "0.1 km (0.1 miles) away")
		var km []float64
		if err := json.Unmarshal([]byte(b.eval(`[...document.querySelectorAll(".app-session-card")].map(c => parseFloat(c.textContent.match(/([0-9.]+) km \(/)[1]))`)), &km); err != nil {
			t.Fatalf("read the distances: %v", err)
		}
		for i := 1; i < len(km); i++ {
			if km[i] < km[i-1] || km[i] > 2 {
				t.Errorf("distances %v are not nearest first within 2 km", km)
			}
		}
		b.setValue("#near", "SK1 9ZZ")
		b.submit(`form[action="/groups"] button[type="submit"]`, 422, "groups-errors")
		b.wantText(".nhsuk-error-summary", "We could not find that postcode")
		b.wantAttr(".nhsuk-error-summary a", "href", "#near")
		b.wantNoAxeViolations()
		b.setValue("#near", "SK6 5AA")
		b.submit(`form[action="/groups"] button[type="submit"]`, 200, "")
	})

	t.Run("opens the session and finds its dates, referral contact and calendar", func(t *testing.T) {
		b.t = t
		b.follow(`//a[text()="`+g.Title+`"]`, "group")
		b.wantText("h1", g.Title)
		b.wantText("#dates ~ ul", g.FirstDate+", 10am to midday")
		b.wantText("#dates ~ ul .app-cancelled", g.Cancelled)
		if n := b.eval(`document.querySelectorAll("#dates ~ ul li").length`); n != "8" {
			t.Errorf("%s dates shown, want 8", n)
		}
		b.wantText("main", g.ReferralContact)
		b.wantText("main", "53.396, -2.063")
		b.wantAttr(`a[href^="https://www.openstreetmap.org/directions"]`, "href", "https://www.openstreetmap.org/directions?route=%3B53.396%2C-2.063")
		b.wantText("h2#calendar", "Subscribe to this group's calendar")
		feed := fmt.Sprintf("/calendars/sessions/%d.ics", g.SessionID)
		b.wantAttr("main a.nhsuk-action-link", "href", "webcal://127.0.0.1"+feed)
		if got := b.evalString(`document.querySelector("#calendar-address").value`); got != "http://127.0.0.1"+feed {
			t.Errorf("the address to copy is %q", got)
		}
		b.wantText("#share ~ p", fmt.Sprintf("Share this page: http://127.0.0.1/g/%d", g.SessionID))
		b.wantNoAxeViolations()
	})

	t.Run("the page prints without the header, menus, forms and subscribe controls", func(t *testing.T) {
		b.t = t
		directions := `document.querySelector('a[href^="https://www.openstreetmap.org/directions"]')`
		b.printing(func() {
			for sel, want := range map[string]bool{
				".nhsuk-header": false, ".nhsuk-header__navigation": false, ".nhsuk-footer": false, ".nhsuk-back-link": false,
				"main a.nhsuk-action-link": false, "#calendar-address": false, "h2#calendar": false, "a[data-app-print]": false,
				"h1": true, "#dates ~ ul li": true, "#where": true, ".app-print-only": true,
			} {
				if got := b.visible(sel); got != want {
					t.Errorf("printed, %s is shown: %v, want %v", sel, got, want)
				}
			}
			if b.eval(`document.querySelector("main").innerText.includes("growers.referrals@example.org")`) != "false" {
				t.Error("the referral contact is printed")
			}
			if after := b.evalString(`getComputedStyle(` + directions + `, "::after").content`); after != `" (https://www.openstreetmap.org/directions?route=%3B53.396%2C-2.063)"` {
				t.Errorf("the directions link prints without its address: %q", after)
			}
			b.wantText(".app-print-only", "http://127.0.0.1/calendars/sessions/")
		})
		if after := b.evalString(`getComputedStyle(` + directions + `, "::after").content`); after != "none" {
			t.Errorf("on screen the directions link is followed by %q", after)
		}
		b.visit("/groups?q=gardening", "")
		b.printing(func() {
			if b.visible(`form[action="/groups"]`) || b.visible(".nhsuk-header") || b.visible(".nhsuk-pagination") {
				t.Error("the directory prints its search form or header")
			}
			if !b.visible(".app-session-card") {
				t.Error("the directory prints without its results")
			}
		})
	})

	t.Run("without JavaScript, Print this page opens the print version", func(t *testing.T) {
		b.t = t
		b.visit(page, "")
		b.withoutScripts(true)
		resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("a[data-app-print]")))
		b.withoutScripts(false)
		if err != nil {
			t.Fatalf("follow the print link: %v", err)
		}
		if resp.Status != 200 || !strings.HasSuffix(resp.URL, page+"?print=1") {
			t.Fatalf("the print link led to %s (%d)", resp.URL, resp.Status)
		}
		b.wantText(".app-screen-only", "This is the page as it prints")
		if b.visible(".nhsuk-header") || b.visible("#calendar-address") || !b.visible("h1") {
			t.Error("the print version shows the header or the subscribe controls, or hides the title")
		}
		b.visit(page, "")
		b.signOut()
	})

	t.Run("a visitor opens the short address and subscribes", func(t *testing.T) {
		b.t = t
		b.visit(fmt.Sprintf("/g/%d", g.SessionID), "group-visitor")
		if path := b.evalString("location.pathname"); path != page {
			t.Errorf("the short address led to %s, want %s", path, page)
		}
		b.wantText("h1", g.Title)
		b.wantText(".nhsuk-header__account", "Sign in")
		text := b.text("main")
		for _, private := range []string{g.ReferralContact, g.Organisation, g.Notes, "Social prescribing"} {
			if strings.Contains(text, private) {
				t.Errorf("a visitor sees %q", private)
			}
		}
		webcal := b.evalString(`document.querySelector("main a.nhsuk-action-link").getAttribute("href")`)
		address := b.evalString(`document.querySelector("#calendar-address").value`)
		if !strings.HasPrefix(webcal, "webcal://") || strings.TrimPrefix(webcal, "webcal://") != strings.TrimPrefix(address, "http://") {
			t.Errorf("the subscribe links differ: %q and %q", webcal, address)
		}
		feed := fetchFeed(t, b.base, address)
		wantCalendar(t, "the session's feed", feed)
		if !strings.Contains(feed.Body, g.Title) {
			t.Errorf("the feed does not list the session: %.300q", feed.Body)
		}
		for _, private := range []string{g.Organisation, g.Notes, "growers.referrals"} {
			if strings.Contains(feed.Body, private) {
				t.Errorf("the feed shows %q", private)
			}
		}
	})
	t.Logf("checked %d pages with axe-core: %d serious or critical violations", b.pages, b.serious)
}
