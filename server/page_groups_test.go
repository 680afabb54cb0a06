package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// groupsFixture is sessionFixture with orgA's Saturday coffee morning at
// Station Road (site B, without coordinates) published too.
type groupsFixture struct {
	*sessionFixture
	walk, coffee int64
}

func (e *env) groupsFixture() *groupsFixture {
	e.t.Helper()
	f := &groupsFixture{sessionFixture: e.sessionFixture()}
	single := walkSession(0)
	delete(single, "series_id")
	single["booking_id"], single["title"], single["join"], single["categories"] = f.single.ID, "Saturday coffee morning", "drop_in", []string{"older_people"}
	single["description"], single["cost_pence"], single["cost_note"] = "Tea, coffee and a chat.\n\nBring a friend.", 100, "Pay what you can"
	single["referral_contact"] = ""
	var coffee sessionJSON
	e.send(http.MethodPost, "/api/v1/sessions", asBooker, single).wantStatus(http.StatusCreated).decode(&coffee)
	f.walk, f.coffee = f.session.ID, coffee.ID
	return f
}

// cardTitle finds the title of each session card on a page of results.
var cardTitle = regexp.MustCompile(`<h3 class="nhsuk-card__heading nhsuk-heading-s"><a href="/groups/\d+">([^<]+)</a></h3>`)

// groupTitles is the titles of the sessions a directory page lists, in
// order.
func groupTitles(r *response) []string {
	titles := []string{}
	for _, m := range cardTitle.FindAllStringSubmatch(r.Body.String(), -1) {
		titles = append(titles, m[1])
	}
	return titles
}

func TestGroupsPageSearches(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.groupsFixture()
		walk, coffee := "Tuesday health walk", "Saturday coffee morning"

		e.step(t, "with no search, every session to come, soonest first", func(t *testing.T) {
			r := e.getPage("/groups", anonymous).wantStatus(http.StatusOK).wantBody(
				"<h1 class=\"nhsuk-heading-l\">Where groups meet</h1>", "2 sessions found", "soonest first",
				`href="/groups" aria-current="page"`,
				"Search by postcode is not available here. Choose a building instead.",
				// The walk's card: its pattern, its next three dates with the
				// cancelled one struck through and tagged, and its facts.
				"Tuesdays, 10am to 11am", "<li>Tuesday 1 December, 10am to 11am</li>", "<li>Tuesday 8 December, 10am to 11am</li>",
				`<span class="app-cancelled">Tuesday 15 December, 10am to 11am</span> <strong class="nhsuk-tag nhsuk-tag--grey">Cancelled</strong>`,
				"Hunter Street Health Centre, Stockport", "Referral needed", "No access facts listed",
				// The coffee morning's.
				"Saturday 5 December, 2pm to 3pm", "Station Road Surgery, Stockport", "£1.00, pay what you can", "Drop in",
			).wantNoBody(`id="near"`, "Distance", "How to refer", "walks@example.org", "/groups/referrals")
			if got := groupTitles(r); !slices.Equal(got, []string{walk, coffee}) {
				t.Errorf("listed %v", got)
			}
			if n := strings.Count(r.Body.String(), "Cancelled</strong>"); n != 1 {
				t.Errorf("%d cancelled dates shown, want 1", n)
			}
		})

		e.step(t, "each filter alone and combined", func(t *testing.T) {
			for _, c := range []struct {
				query string
				want  []string
			}{
				{"q=Woodbank", []string{walk}},
				{"q=COFFEE+chat", []string{coffee}},
				{"category=older_people", []string{coffee}},
				{"day=saturday", []string{coffee}},
				{"day=tuesday&day=saturday", []string{walk, coffee}},
				{"time_of_day=afternoon", []string{coffee}},
				{"time_of_day=morning&time_of_day=evening", []string{walk}},
				{"site=" + itoa(e.siteB.ID), []string{coffee}},
				{"near=53.4106%2C-2.1575", []string{walk, coffee}},
				{"access=step_free", []string{}},
				{"cost=free", []string{walk}},
				{"join=drop_in", []string{coffee}},
				{"join=", []string{walk, coffee}},
				{"from=2026-12-04", []string{coffee, walk}},
				{"join=referral&category=physical_activity&day=tuesday&time_of_day=morning", []string{walk}},
				{"q=walk&site=" + itoa(e.siteB.ID), []string{}},
				{"cost=free&day=saturday", []string{}},
			} {
				r := e.getPage("/groups?"+c.query, anonymous).wantStatus(http.StatusOK)
				if got := groupTitles(r); !slices.Equal(got, c.want) {
					t.Errorf("%q: %v, want %v", c.query, got, c.want)
				}
				r.wantBody(fmt.Sprintf(">%d %s found</h2>", len(c.want), map[bool]string{true: "session", false: "sessions"}[len(c.want) == 1]))
			}
		})

		e.step(t, "the form keeps the search", func(t *testing.T) {
			e.getPage("/groups?q=walk&category=physical_activity&day=tuesday&day=friday&time_of_day=morning&site="+itoa(e.siteA.ID)+
				"&access=parking&cost=free&join=referral", anonymous).wantStatus(http.StatusOK).wantBody(
				`name="q" type="text" value="walk"`, `<option value="physical_activity" selected>`,
				`value="tuesday" checked`, `value="friday" checked`, `value="morning" checked`,
				`<option value="`+itoa(e.siteA.ID)+`" selected>Hunter Street Health Centre, Stockport</option>`,
				`value="parking" checked`, `value="free" checked`, `value="referral" checked`,
			).wantNoBody(`value="monday" checked`, `value="evening" checked`)
		})

		e.step(t, "near a place, the distance is shown and sites without coordinates come last", func(t *testing.T) {
			r := e.getPage("/groups?near=53.4106%2C-2.1575", anonymous).wantStatus(http.StatusOK).
				wantBody("nearest first", "0.0 km (0.0 miles) away")
			if n := strings.Count(r.Body.String(), "away</dd>"); n != 1 {
				t.Errorf("%d distances shown, want 1 (site B has no coordinates)", n)
			}
			e.getPage("/groups?near=53.4006%2C-2.1575", anonymous).wantBody("1.1 km (0.7 miles) away")
		})

		e.step(t, "a cancelled next date is marked on its card", func(t *testing.T) {
			r := e.getPage("/groups?from=2026-12-14&day=tuesday", anonymous).wantStatus(http.StatusOK).
				wantBody("Sessions from Monday 14 December 2026")
			if got := groupTitles(r); !slices.Equal(got, []string{walk}) {
				t.Fatalf("listed %v", got)
			}
			body := r.Body.String()
			first := strings.Index(body, "Tuesday 15 December")
			if first < 0 || !strings.Contains(body[first:first+120], "Cancelled") || strings.Index(body, "Tuesday 22 December") < first {
				t.Errorf("the first date shown is not the cancelled 15 December:\n%s", body)
			}
		})

		e.step(t, "what is wrong is shown in an error summary, with status 422", func(t *testing.T) {
			before := e.sessionsSnapshot()
			for _, c := range []struct{ query, href, message string }{
				{"category=knitting", "#category", "Select a category from the list"},
				{"day=someday", "#day", "Select days of the week from the list"},
				{"time_of_day=night", "#time_of_day", "Select times of day from the list"},
				{"site=999999", "#site", "Select a building from the list"},
				{"site=x", "#site", "Select a building from the list"},
				{"access=lift", "#access", "Select access needs from the list"},
				{"cost=cheap", "#cost", "Select free sessions only"},
				{"join=walk_in", "#join", "Select how people join from the list"},
				{"q=" + strings.Repeat("word+", 11), "#q", "Use at most 10 words"},
				{"near=nowhere", "", "Enter a full UK postcode"},
				{"near=SK4+1AA", "", "Searching by postcode is not available here"},
				{"within_km=5", "", "search by postcode is not available here: choose a building instead"},
				{"near=53.4%2C-2.1&within_km=3", "", "Select a distance from the list"},
				{"from=soon", "", "The first date to search from must be a date like 2026-12-01"},
			} {
				r := e.getPage("/groups?"+c.query, anonymous).wantStatus(http.StatusUnprocessableEntity).
					wantBody("<title>Error: Where groups meet", "There is a problem", c.message).
					wantNoBody("sessions found", walk)
				if c.href != "" {
					r.wantBody(`<a href="` + c.href + `">`)
				} else {
					// Without postcode search the form has no postcode or
					// distance input to link to.
					r.wantNoBody(`<li><a href="#`)
				}
			}
			r := e.getPage("/groups?category=knitting&day=someday&near=53.4%2C-2.1&within_km=0", anonymous).
				wantStatus(http.StatusUnprocessableEntity)
			body := r.Body.String()
			if i, j := strings.Index(body, `href="#category"`), strings.Index(body, `href="#day"`); i < 0 || j < i {
				t.Errorf("the problems are not in the order of the form")
			}
			if n := strings.Count(body, "Select a distance from the list"); n != 1 {
				t.Errorf("the distance is reported %d times, want once", n)
			}
			e.wantSessionsUnchanged(before)
		})

		e.step(t, "by postcode, when a geocoder is configured", func(t *testing.T) {
			g := &fakeGeocoder{}
			ge := e.withServer(func(d *Deps) { d.Geocoder = g })
			ge.withT(t, func() {
				ge.getPage("/groups", anonymous).wantStatus(http.StatusOK).
					wantBody(`id="near"`, `autocomplete="postal-code"`, `<select class="nhsuk-select" id="within_km" name="within_km">`).
					wantNoBody("Search by postcode is not available here")
				r := ge.getPage("/groups?near="+url.QueryEscape("sk4 1aa")+"&within_km=1", anonymous).wantStatus(http.StatusOK).
					wantBody(`id="near" name="near" type="text" value="sk4 1aa"`, `<option value="1" selected>`, "away</dd>")
				if got := groupTitles(r); !slices.Equal(got, []string{walk}) {
					t.Errorf("within 1 km of the postcode: %v", got)
				}
				ge.getPage("/groups?near="+url.QueryEscape("SK1 9ZZ"), anonymous).wantStatus(http.StatusUnprocessableEntity).
					wantBody(`<a href="#near">We could not find that postcode`, `id="near-error"`)
				ge.getPage("/groups?within_km=5", anonymous).wantStatus(http.StatusUnprocessableEntity).
					wantBody(`<a href="#near">Enter a postcode to search within a distance of it`)
				ge.getPage("/groups?near=SK4+1AA&within_km=3", anonymous).wantStatus(http.StatusUnprocessableEntity).
					wantBody(`<a href="#within_km">Select a distance from the list`)
				g.down = true
				ge.getPage("/groups?near=SK4+1AA", anonymous).wantStatus(http.StatusServiceUnavailable).
					wantBody("There is a problem", `<a href="#near">Postcode search is not working just now`, `name="near" type="text" value="SK4 1AA"`)
			})
		})

		e.step(t, "pages of results keep the search", func(t *testing.T) {
			e.eveningGroups(11)
			all := "&day=monday&day=tuesday&day=wednesday&day=thursday&day=friday&day=saturday&day=sunday"
			r := e.getPage("/groups?q=evening&time_of_day=evening&join=drop_in"+all, anonymous).wantStatus(http.StatusOK).
				wantBody("11 sessions found").wantNoBody(`rel="prev"`)
			if n := len(groupTitles(r)); n != groupsPerPage {
				t.Errorf("the first page lists %d, want %d", n, groupsPerPage)
			}
			keep := "&amp;day=monday&amp;day=tuesday&amp;day=wednesday&amp;day=thursday&amp;day=friday&amp;day=saturday&amp;day=sunday"
			next := `/groups?` + strings.TrimPrefix(keep, "&amp;") + `&amp;join=drop_in&amp;page=2&amp;q=evening&amp;time_of_day=evening`
			r.wantBody(`href="` + next + `" rel="next"`)
			r = e.getPage(strings.ReplaceAll(next, "&amp;", "&"), anonymous).wantStatus(http.StatusOK).wantNoBody(`rel="next"`)
			if got := groupTitles(r); len(got) != 1 || !strings.HasPrefix(got[0], "Evening group") {
				t.Errorf("the second page lists %v", got)
			}
			r.wantBody(`href="/groups?` + strings.TrimPrefix(keep, "&amp;") + `&amp;join=drop_in&amp;page=1&amp;q=evening&amp;time_of_day=evening" rel="prev"`)
		})
	})
}

// eveningGroups publishes n one-off evening sessions of orgA at Station
// Road, titled "Evening group 1" and so on, on days of their own.
func (e *env) eveningGroups(n int) {
	e.t.Helper()
	for i := range n {
		body := e.bookingBody(fmt.Sprintf("2026-12-%02dT18:00:00Z", 6+i))
		body["space_id"] = e.spaceB.ID
		b := e.book(asBooker, body)
		l := &models.Listing{BookingID: &b.ID}
		l.Publish(booking.Listing{Title: fmt.Sprintf("Evening group %d", i+1), Description: "A chat.",
			Categories: []string{"peer_support"}, Join: "drop_in"})
		must(e.t, e.store.PublishListing(context.Background(), l, testClock))
	}
}

func TestGroupPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.groupsFixture()
		path := "/groups/" + itoa(f.walk)

		e.step(t, "anyone reads a session's details, dates, place and calendar links", func(t *testing.T) {
			r := e.getPage(path, anonymous).wantStatus(http.StatusOK).wantBody(
				"<title>Tuesday health walk – Common Room</title>", `<h1 class="nhsuk-heading-l">Tuesday health walk</h1>`,
				`<a class="nhsuk-back-link" href="/groups">Where groups meet</a>`,
				"Tuesdays, 10am to 11am", "A gentle hour round Woodbank Park with a cuppa after.",
				"Adults of any fitness", "Free", "Referral needed", "Ask at reception", "English, Polish",
				"Physical activity, Nature and gardening",
				"<li>Tuesday 1 December, 10am to 11am</li>", "<li>Tuesday 2 February 2027, 10am to 11am</li>",
				`<span class="app-cancelled">Tuesday 15 December, 10am to 11am</span> <strong class="nhsuk-tag nhsuk-tag--grey">Cancelled</strong>`,
				e.spaceA.Name, `<a href="/sites/`+itoa(e.siteA.ID)+`">Hunter Street Health Centre</a>`,
				"1 High Street<br>Stockport<br>SK1 1AA", "53.4106, -2.1575",
				`href="https://www.openstreetmap.org/directions?route=%3B53.4106%2C-2.1575"`,
				"Flat, paved paths",
				"Subscribe to this group&#39;s calendar",
				`href="webcal://localhost:8080/calendars/sessions/`+itoa(f.walk)+`.ics"`,
				`value="http://localhost:8080/calendars/sessions/`+itoa(f.walk)+`.ics"`,
				`Share this page: <a class="app-url" href="http://localhost:8080/g/`+itoa(f.walk)+`">http://localhost:8080/g/`+itoa(f.walk)+`</a>`,
				`<a class="app-print-link" href="/groups/`+itoa(f.walk)+`?print=1" data-app-print>Print this page</a>`,
			).wantNoBody("Not listed", "/edit", "/unpublish", "How to refer someone", "walks@example.org", "app-print-view")
			body := r.Body.String()
			if n := strings.Count(body, "<li>Tuesday ") + strings.Count(body, `<li><span class="app-cancelled">Tuesday `); n != maxSessionDates {
				t.Errorf("%d dates shown, want %d", n, maxSessionDates)
			}
			e.wantRow(r, "Step-free access", "No")
			e.wantRow(r, "Hearing loop", "No")
			r.wantBody(`<dt class="nhsuk-summary-list__key">Parking</dt>` + "\n" + `        <dd class="nhsuk-summary-list__value">No</dd>`)
			if n := strings.Count(body, `<dt class="nhsuk-summary-list__key">Parking</dt>`); n != 1 {
				t.Errorf("parking is told %d times, want once", n)
			}
		})

		e.step(t, "the referral contact only for link workers, the estate's staff and the group", func(t *testing.T) {
			for role, sees := range map[string]bool{
				anonymous: false, asOtherMember: false, asLinkWorker: true, asAdmin: true, asManager: true,
				asOtherMgr: true, asOrgAdmin: true, asBooker: true,
			} {
				r := e.getPage(path, role).wantStatus(http.StatusOK)
				if got := strings.Contains(r.Body.String(), "walks@example.org"); got != sees {
					t.Errorf("%s sees the referral contact: %v, want %v", role, got, sees)
				}
			}
		})

		e.step(t, "its group and the site's managers get links to change it or take it down", func(t *testing.T) {
			for role, manages := range map[string]bool{
				anonymous: false, asLinkWorker: false, asOtherMgr: false, asOtherMember: false,
				asManager: true, asOrgAdmin: true, asBooker: true,
			} {
				r := e.getPage(path, role)
				if got := strings.Contains(r.Body.String(), `href="`+path+`/unpublish"`); got != manages {
					t.Errorf("%s has the take-down link: %v, want %v", role, got, manages)
				}
				if manages {
					r.wantBody(`href="` + path + `/edit"`)
				}
			}
		})

		e.step(t, "a site without coordinates links to a map search for its postcode", func(t *testing.T) {
			e.getPage("/groups/"+itoa(f.coffee), anonymous).wantStatus(http.StatusOK).
				wantBody(`href="https://www.openstreetmap.org/search?query=SK1&#43;1AA"`, "<p>Tea, coffee and a chat.</p>", "<p>Bring a friend.</p>",
					"£1.00, pay what you can", "<li>Saturday 5 December, 2pm to 3pm</li>").
				wantNoBody("Map coordinates", "/directions", "Tuesdays", "How to refer someone")
		})

		e.step(t, "the print layout", func(t *testing.T) {
			r := e.getPage(path, asLinkWorker).wantStatus(http.StatusOK)
			body := r.Body.String()
			// The subscribe controls and the referral contact are left out of a
			// printout; the calendar's address is printed instead.
			sub := strings.Index(body, `<div class="app-no-print">`)
			if sub < 0 || !strings.Contains(body[sub:sub+400], `id="calendar"`) {
				t.Errorf("the subscribe section is not marked to leave out of a printout")
			}
			r.wantBody(`<div class="nhsuk-summary-list__row app-no-print">`+"\n"+`        <dt class="nhsuk-summary-list__key">How to refer someone</dt>`,
				`<div class="app-print-only">`+"\n"+`      <p>Add the dates to a calendar app: http://localhost:8080/calendars/sessions/`+itoa(f.walk)+`.ics</p>`,
				`<div class="nhsuk-grid-column-two-thirds app-print-urls">`)
			e.getPage(path+"?print=1", anonymous).wantStatus(http.StatusOK).
				wantBody(`<body class="app-print-view">`, "This is the page as it prints", `<a href="`+path+`">go back to the page</a>`,
					"<li>Tuesday 1 December, 10am to 11am</li>").
				wantNoBody("data-app-print")
			css := e.getPage(e.srv.pages.assetURL("app.css"), anonymous).wantStatus(http.StatusOK)
			for _, rule := range []string{"@media print {", ".app-print-view .nhsuk-header,", ".app-print-view .app-no-print {",
				`.app-print-urls a[href^="http"]:not(.app-url)::after {`, `content: " (" attr(href) ")";`} {
				css.wantBody(rule)
			}
			if !regexp.MustCompile(`@media print \{\s+\.nhsuk-skip-link,\s+\.nhsuk-header,\s+\.nhsuk-footer,\s+\.nhsuk-back-link,\s+\.app-no-print,`).MatchString(css.Body.String()) {
				t.Error("the print styles do not hide the header, footer and controls")
			}
			e.getPage(e.srv.pages.assetURL("app.js"), anonymous).wantBody("a[data-app-print]", "window.print()")
		})

		e.step(t, "unlisted, unknown and malformed sessions are not found", func(t *testing.T) {
			for _, p := range []string{"/groups/999999", "/groups/0", "/groups/abc", "/groups/01"} {
				e.getPage(p, anonymous).wantStatus(http.StatusNotFound).wantBody("Page not found")
			}
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", f.series.ID), asBooker,
				map[string]any{"scope": "all", "reason": "The group has closed"}).wantStatus(http.StatusOK)
			e.getPage(path, anonymous).wantStatus(http.StatusNotFound)
			e.getPage(path, asLinkWorker).wantStatus(http.StatusNotFound)
			r := e.getPage(path, asBooker).wantStatus(http.StatusOK).wantBody("Not listed")
			if n := strings.Count(r.Body.String(), "Cancelled</strong>"); n != maxSessionDates {
				t.Errorf("%d of the cancelled series' dates are shown as cancelled, want %d", n, maxSessionDates)
			}
			if got := groupTitles(e.getPage("/groups", anonymous)); slices.Contains(got, "Tuesday health walk") {
				t.Errorf("a cancelled series is still listed: %v", got)
			}
			e.send(http.MethodDelete, "/api/v1/sessions/"+itoa(f.coffee), asBooker, nil).wantStatus(http.StatusNoContent)
			e.getPage("/groups/"+itoa(f.coffee), asBooker).wantStatus(http.StatusNotFound)
		})
	})
}

// wantRow fails unless the page has a summary list row with the key and
// value.
func (e *env) wantRow(r *response, key, value string) {
	e.t.Helper()
	r.wantBody(`<dt class="nhsuk-summary-list__key">` + key + `</dt>` + "\n" + `    <dd class="nhsuk-summary-list__value">` + value + `</dd>`)
}

func TestGroupShortLink(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.groupsFixture()
		r := e.getPage("/g/"+itoa(f.walk), anonymous).wantStatus(http.StatusMovedPermanently)
		if got := r.Header().Get("Location"); got != "/groups/"+itoa(f.walk) {
			t.Errorf("redirected to %q", got)
		}
		for _, p := range []string{"/g/abc", "/g/0", "/g/-3", "/g/1.5"} {
			e.getPage(p, anonymous).wantStatus(http.StatusNotFound)
		}
	})
}

func TestGroupReferralsPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.groupsFixture()
		e.step(t, "link workers and the estate's staff see referral sessions with their contacts", func(t *testing.T) {
			for _, role := range []string{asLinkWorker, asAdmin, asManager, asOtherMgr} {
				r := e.getPage("/groups/referrals", role).wantStatus(http.StatusOK).wantBody(
					"<h1 class=\"nhsuk-heading-l\">Sessions that need a referral</h1>", "1 session found",
					`<form action="/groups/referrals" method="get" novalidate>`,
					"How to refer</dt>", "walks@example.org", "Ask at reception",
				).wantNoBody(`name="join"`)
				if got := groupTitles(r); !slices.Equal(got, []string{"Tuesday health walk"}) {
					t.Errorf("%s: listed %v", role, got)
				}
			}
		})
		e.step(t, "filtered with the same form, pages keep its address", func(t *testing.T) {
			r := e.getPage("/groups/referrals?day=saturday", asLinkWorker).wantStatus(http.StatusOK).wantBody("0 sessions found")
			if got := groupTitles(r); len(got) != 0 {
				t.Errorf("listed %v", got)
			}
			e.getPage("/groups/referrals?day=sometimes", asLinkWorker).wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#day">Select days of the week from the list`)
		})
		e.step(t, "others may not", func(t *testing.T) {
			r := e.getPage("/groups/referrals", anonymous).wantStatus(pageToSignIn)
			if loc := r.Header().Get("Location"); loc != "/sign-in?next=%2Fgroups%2Freferrals" {
				t.Errorf("sent to %q", loc)
			}
			for _, role := range []string{asOrgAdmin, asBooker, asOtherMember} {
				e.getPage("/groups/referrals", role).wantStatus(pageForbidden)
			}
		})
		e.step(t, "linked from the home page and the directory for those who may see it", func(t *testing.T) {
			e.getPage("/", asLinkWorker).wantBody(`<a class="nhsuk-card__link" href="/groups/referrals">Sessions that need a referral</a>`,
				`<a class="nhsuk-card__link" href="/groups">Where groups meet</a>`)
			e.getPage("/groups", asLinkWorker).wantBody(`<a href="/groups/referrals">`)
			e.getPage("/groups", asManager).wantBody(`<a href="/groups/referrals">`)
			for _, role := range []string{anonymous, asBooker} {
				e.getPage("/", role).wantBody(`href="/groups">Where groups meet</a>`).wantNoBody("/groups/referrals")
				e.getPage("/groups", role).wantNoBody("/groups/referrals")
			}
		})
	})
}

// TestGroupPagesShowNothingPrivate checks that no public page about
// sessions shows what a group told the estate about its bookings: not its
// organisation, the purpose, the notes, nor the referral contact.
func TestGroupPagesShowNothingPrivate(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.groupsFixture()
		private := []string{e.orgA.Name, "Walk and talk", "Peer support group", "social_prescribing", "health_wellbeing",
			booking.PurposeLabel("social_prescribing"), booking.PurposeLabel("health_wellbeing"), "walks@example.org",
			"Attendees", "attendees"}
		for _, path := range []string{"/groups", "/groups?q=walk&near=53.4%2C-2.15", "/groups?join=referral",
			"/groups/" + itoa(f.walk), "/groups/" + itoa(f.walk) + "?print=1", "/groups/" + itoa(f.coffee)} {
			for _, role := range []string{anonymous, asOtherMember} {
				body := e.getPage(path, role).wantStatus(http.StatusOK).Body.String()
				for _, word := range private {
					if strings.Contains(body, word) {
						t.Errorf("%s shows %s %q", path, role, word)
					}
				}
			}
		}
	})
}

// groupPageRouteCases are the rows of the route × role table for the
// directory of where groups meet: anyone searches it and reads a session;
// link workers and the estate's staff see the sessions that need a
// referral.
var groupPageRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/groups",
		call: func(e *env, role string) *response { return e.getPage("/groups?q=coffee", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/groups/:id",
		call: func(e *env, role string) *response {
			return e.getPage("/groups/"+itoa(e.publishedSession(role)), role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/g/:id",
		call: func(e *env, role string) *response { return e.getPage("/g/"+itoa(e.publishedSession(role)), role) },
		want: roleStatuses(http.StatusMovedPermanently, nil),
	},
	{
		method: http.MethodGet, pattern: "/groups/referrals",
		call: func(e *env, role string) *response { return e.getPage("/groups/referrals", role) },
		want: roleStatuses(pageForbidden, map[string]int{
			anonymous: pageToSignIn, asAdmin: http.StatusOK, asManager: http.StatusOK, asOtherMgr: http.StatusOK,
			asLinkWorker: http.StatusOK,
		}),
	},
}
