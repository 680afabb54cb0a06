package server

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/calendar"
	"github.com/common-room/commonroom/server/calendar/calendartest"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// feedFixture books what the feed tests read, all made at testClock:
//   - orgA's weekly series in spaceA, Tuesdays 10:00–11:30 London time from
//     1 December 2026 to 9 November 2027, across the change to summer time
//     on 28 March 2027 and back on 31 October 2027, with 12 January
//     cancelled;
//   - orgB's requested booking in spaceA with awkward text in its notes;
//   - orgA's booking in siteB and a manager's booking of the hidden space;
//   - the series published as a session (session), and orgA's booking in
//     siteB as another (atBSession); the other bookings are not published.
type feedFixture struct {
	series     seriesJSON
	cancelled  int64
	requested  bookingJSON
	atB        bookingJSON
	hidden     bookingJSON
	session    *models.Listing
	atBSession *models.Listing
}

// referralContact is the series' session's contact for link workers, which
// no feed may show.
const referralContact = "referrals@talking-space.example.org"

const awkwardNotes = "Tea, cake; and a chat ☕🍰 — bring a friend! A long note that runs on past the seventy-five octets a line may hold, so it folds."

func (e *env) feedFixture() *feedFixture {
	e.t.Helper()
	e.openAllDay()
	e.verify(e.orgA)
	lat, lon := 53.4106, -2.1575
	must(e.t, e.store.DB.Model(&models.Site{}).Where("id = ?", e.siteA.ID).
		Updates(map[string]any{"latitude": lat, "longitude": lon, "updated_at": testClock}).Error)
	must(e.t, e.store.DB.Model(&models.Space{}).Where("site_id IN ?", []int64{e.siteA.ID, e.siteB.ID}).
		Updates(map[string]any{"horizon_days": 400, "updated_at": testClock}).Error)
	f := &feedFixture{}
	f.series = e.createSeries(asBooker, map[string]any{
		"space_id": e.spaceA.ID, "organisation_id": e.orgA.ID, "first_date": "2026-12-01",
		"start_time": "10:00", "end_time": "11:30", "recurrence": map[string]any{"frequency": "weekly", "until": "2027-11-09"},
		"purpose": "social_prescribing", "attendees": 6, "notes": "Walk and talk",
	})
	for _, o := range f.series.Occurrences {
		if o.Date == "2027-01-12" {
			f.cancelled = o.BookingID
		}
	}
	e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", f.cancelled), asBooker,
		map[string]any{"reason": "Venue needed for a vaccination clinic"}).wantStatus(http.StatusOK)
	f.requested = e.book(asOtherMember, map[string]any{
		"space_id": e.spaceA.ID, "organisation_id": e.orgB.ID, "starts_at": "2026-12-02T14:00:00Z", "ends_at": "2026-12-02T16:00:00Z",
		"purpose": "community", "attendees": 5, "notes": awkwardNotes,
	})
	body := e.bookingBody("2026-12-03T09:00:00Z")
	body["space_id"] = e.spaceB.ID
	f.atB = e.book(asBooker, body)
	body = e.bookingBody("2026-12-04T09:00:00Z")
	body["space_id"] = e.hiddenA.ID
	f.hidden = e.book(asManager, body)
	f.session = e.publish(&models.Listing{SeriesID: &f.series.ID}, booking.Listing{
		Title: "Tuesday wellbeing circle", Description: "An hour of conversation and gentle stretching; bring a friend.",
		Categories: []string{"mental_wellbeing", "physical_activity"}, CostPence: 150, CostNote: "pay what you can",
		Join: "referral", Contact: "Call Priya on 0161 496 0000", ReferralContact: referralContact,
	})
	f.atBSession = e.publish(&models.Listing{BookingID: &f.atB.ID}, booking.Listing{
		Title: "Coffee and conversation", Description: "Drop in for a cuppa and a chat.",
		Categories: []string{"mental_wellbeing"}, Join: "drop_in",
	})
	// Every row the feeds read changed at testClock, so their validators
	// are the same on every run.
	for _, table := range []any{&models.Site{}, &models.Space{}, &models.Organisation{}} {
		must(e.t, e.store.DB.Model(table).Where("id > 0").Update("updated_at", testClock).Error)
	}
	return f
}

// publish publishes a booking or a series as a session listing at
// testClock.
func (e *env) publish(l *models.Listing, p booking.Listing) *models.Listing {
	e.t.Helper()
	must(e.t, p.Check())
	l.Publish(p)
	must(e.t, e.store.PublishListing(context.Background(), l, testClock))
	return l
}

// feed fetches a calendar and checks what every feed must be.
func (e *env) feed(path string, header http.Header) *response {
	e.t.Helper()
	r := e.do(request{method: http.MethodGet, path: path, header: header})
	if r.Code == http.StatusOK {
		if ct := r.Header().Get("Content-Type"); ct != calendar.ContentType {
			e.t.Errorf("Content-Type %q", ct)
		}
		for _, h := range []string{"ETag", "Last-Modified", "Cache-Control"} {
			if r.Header().Get(h) == "" {
				e.t.Errorf("no %s header", h)
			}
		}
		calendartest.Lines(e.t, r.Body.Bytes())
		if _, err := calendartest.Decode(r.Body.Bytes()); err != nil {
			e.t.Errorf("go-ical rejects the feed: %v", err)
		}
		calendartest.Parse(e.t, r.Body.Bytes())
	}
	return r
}

// checkGolden compares a feed with its golden file (go test -update
// rewrites them). The files are the same on SQLite and PostgreSQL.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "calendars", name)
	if *updateGolden {
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		must(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./server -run Calendar -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (go test -update rewrites it):\n%s", name, got)
	}
}

// bookingsByID reads bookings through the API as a role, by id.
func (e *env) bookingsByID(as string, ids ...int64) map[int64]bookingJSON {
	e.t.Helper()
	out := map[int64]bookingJSON{}
	for _, id := range ids {
		var b bookingJSON
		e.get(fmt.Sprintf("/api/v1/bookings/%d", id), as).wantStatus(http.StatusOK).decode(&b)
		out[id] = b
	}
	return out
}

// checkAgainstAPI reads a feed with ical.js and checks each event against
// the booking the API shows: its start and end as instants and as London
// wall-clock times, and its status.
func (e *env) checkAgainstAPI(t *testing.T, feed []byte, wantIDs []int64) []calendartest.Event {
	t.Helper()
	evs := calendartest.Parse(t, feed)[0].Events
	got := []int64{}
	for _, ev := range evs {
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(ev.UID, "booking-"), "@localhost"), 10, 64)
		if err != nil {
			t.Fatalf("UID %q", ev.UID)
		}
		got = append(got, id)
	}
	if fmt.Sprint(got) != fmt.Sprint(wantIDs) {
		t.Fatalf("feed lists bookings %v, want %v", got, wantIDs)
	}
	api := e.bookingsByID(asAdmin, got...)
	for i, ev := range evs {
		b := api[got[i]]
		for _, c := range []struct{ what, got, want string }{
			{"start", ev.Start, b.StartsAt.UTC().Format(time.RFC3339)},
			{"end", ev.End, b.EndsAt.UTC().Format(time.RFC3339)},
			{"local start", ev.LocalStart, b.StartsAt.In(booking.London).Format("2006-01-02T15:04:05")},
			{"local end", ev.LocalEnd, b.EndsAt.In(booking.London).Format("2006-01-02T15:04:05")},
			{"status", ev.Status, string(feedStatus(b.State))},
			{"tzid", ev.TZID, "Europe/London"},
		} {
			if c.got != c.want {
				t.Errorf("booking %d: ical.js reads %s %q, want %q", b.ID, c.what, c.got, c.want)
			}
		}
	}
	return evs
}

func occurrenceIDs(sr seriesJSON) []int64 {
	var ids []int64
	for _, o := range sr.Occurrences {
		ids = append(ids, o.BookingID)
	}
	return ids
}

func TestCalendarFeeds(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.feedFixture()
		seriesIDs := occurrenceIDs(f.series)
		// The series starts before orgB's request and orgA's other bookings
		// in time, on 1 December; the others fall in its first week.
		spaceIDs := append([]int64{seriesIDs[0], f.requested.ID}, seriesIDs[1:]...)

		t.Run("a space's public feed shows booked time only", func(t *testing.T) {
			e.withT(t, func() {
				r := e.feed(fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceA.ID), nil).wantStatus(http.StatusOK)
				checkGolden(t, "space.ics", r.Body.Bytes())
				evs := e.checkAgainstAPI(t, r.Body.Bytes(), spaceIDs)
				for _, ev := range evs {
					// The series is published: its dates show as the session.
					want := f.session.Title
					switch ev.UID {
					case e.srv.feedUID(f.requested.ID):
						want = "Booked"
					case e.srv.feedUID(f.cancelled):
						want = "Cancelled: " + f.session.Title
					}
					if ev.Summary != want || ev.Description != "" {
						t.Errorf("event %s reads %q / %q", ev.UID, ev.Summary, ev.Description)
					}
				}
				r.wantNoBody(e.orgA.Name, e.orgB.Name, "Walk and talk", "Tea", "social", "community", "Social prescribing")
				if cc := r.Header().Get("Cache-Control"); cc != "public, max-age=300" {
					t.Errorf("Cache-Control %q", cc)
				}
			})
		})
		t.Run("every occurrence of the series stays at 10:00 London time across both clock changes", func(t *testing.T) {
			e.withT(t, func() {
				r := e.feed(fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceA.ID), nil)
				utcHours := map[int]int{}
				for _, ev := range calendartest.Parse(t, r.Body.Bytes())[0].Events {
					if ev.UID == e.srv.feedUID(f.requested.ID) {
						continue
					}
					if !strings.HasSuffix(ev.LocalStart, "T10:00:00") || !strings.HasSuffix(ev.LocalEnd, "T11:30:00") {
						t.Errorf("%s: %s–%s", ev.UID, ev.LocalStart, ev.LocalEnd)
					}
					start, err := time.Parse(time.RFC3339, ev.Start)
					must(t, err)
					utcHours[start.Hour()]++
				}
				// GMT in winter, BST from 28 March to 31 October 2027.
				if utcHours[10] == 0 || utcHours[9] == 0 || utcHours[10]+utcHours[9] != len(seriesIDs) {
					t.Errorf("UTC start hours %v", utcHours)
				}
			})
		})
		t.Run("a site's public feed names the space and leaves out hidden spaces and other sites", func(t *testing.T) {
			e.withT(t, func() {
				r := e.feed(fmt.Sprintf("/calendars/sites/%d.ics", e.siteA.ID), nil).wantStatus(http.StatusOK)
				checkGolden(t, "site.ics", r.Body.Bytes())
				e.checkAgainstAPI(t, r.Body.Bytes(), spaceIDs)
				r.wantBody("SUMMARY:Booked: "+e.spaceA.Name, "SUMMARY:"+f.session.Title, "GEO:53.410600;-2.157500").
					wantNoBody(e.hiddenA.Name, e.orgA.Name, e.orgB.Name, "Walk and talk")
			})
		})
		t.Run("a space with nothing booked has a valid, empty feed", func(t *testing.T) {
			e.withT(t, func() {
				r := e.feed(fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceB.ID), nil).wantStatus(http.StatusOK)
				if n := len(calendartest.Parse(t, r.Body.Bytes())[0].Events); n != 1 {
					t.Errorf("%d events, want orgA's one booking", n)
				}
				other := e.space(e.siteB, "Garden", "public")
				r = e.feed(fmt.Sprintf("/calendars/spaces/%d.ics", other.ID), nil).wantStatus(http.StatusOK)
				if cal := calendartest.Parse(t, r.Body.Bytes())[0]; len(cal.Events) != 0 || cal.Name != "Garden, "+e.siteB.Name {
					t.Errorf("calendar %+v", cal)
				}
			})
		})
		t.Run("hidden and unknown spaces and sites have no public feed", func(t *testing.T) {
			e.withT(t, func() {
				for _, path := range []string{
					fmt.Sprintf("/calendars/spaces/%d.ics", e.hiddenA.ID),
					"/calendars/spaces/999999.ics", "/calendars/sites/999999.ics",
					fmt.Sprintf("/calendars/spaces/%d", e.spaceA.ID), fmt.Sprintf("/calendars/spaces/0%d.ics", e.spaceA.ID),
					"/calendars/sites/x.ics", "/calendars/sites/-1.ics",
				} {
					e.feed(path, nil).wantStatus(http.StatusNotFound)
				}
			})
		})
		t.Run("an organisation's private feed shows its bookings in full", func(t *testing.T) {
			e.withT(t, func() {
				var link calendarLinkJSON
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/organisations/%d/calendar-token", e.orgA.ID), asOrgAdmin, nil).
					wantStatus(http.StatusCreated).decode(&link)
				path := strings.TrimPrefix(link.URL, e.srv.cfg.BaseURL.String())
				if !strings.HasPrefix(path, "/calendars/organisations/") || link.WebcalURL != "webcal://"+strings.TrimPrefix(link.URL, "http://") {
					t.Fatalf("link %+v", link)
				}
				r := e.feed(path, nil).wantStatus(http.StatusOK)
				body := strings.ReplaceAll(r.Body.String(), strings.TrimSuffix(strings.TrimPrefix(path, "/calendars/organisations/"), ".ics"), "TOKEN")
				checkGolden(t, "organisation.ics", []byte(body))
				// The estates manager's booking of the hidden space was for orgA.
				orgIDs := append([]int64{seriesIDs[0], f.atB.ID, f.hidden.ID}, seriesIDs[1:]...)
				evs := e.checkAgainstAPI(t, r.Body.Bytes(), orgIDs)
				if evs[0].Summary != e.spaceA.Name+", "+e.siteA.Name || !strings.Contains(evs[0].Description, "Purpose: Social prescribing") ||
					!strings.Contains(evs[0].Description, "Booking "+itoa(seriesIDs[0])+": Confirmed") {
					t.Errorf("first event %+v", evs[0])
				}
				r.wantNoBody(e.orgB.Name, "Tea, cake").wantBody("Walk and talk")
				if cc := r.Header().Get("Cache-Control"); cc != "private, max-age=300" {
					t.Errorf("Cache-Control %q", cc)
				}
			})
		})
		t.Run("an estates manager's private feed lists every booking at their sites", func(t *testing.T) {
			e.withT(t, func() {
				var link calendarLinkJSON
				e.send(http.MethodPost, "/api/v1/me/calendar-token", asManager, nil).wantStatus(http.StatusCreated).decode(&link)
				path := strings.TrimPrefix(link.URL, e.srv.cfg.BaseURL.String())
				r := e.feed(path, nil).wantStatus(http.StatusOK)
				body := strings.ReplaceAll(r.Body.String(), strings.TrimSuffix(strings.TrimPrefix(path, "/calendars/managers/"), ".ics"), "TOKEN")
				checkGolden(t, "manager.ics", []byte(body))
				wantIDs := append([]int64{seriesIDs[0], f.requested.ID, f.hidden.ID}, seriesIDs[1:]...)
				evs := e.checkAgainstAPI(t, r.Body.Bytes(), wantIDs)
				if evs[1].Summary != e.orgB.Name+": "+e.spaceA.Name || !strings.Contains(evs[1].Description, calendar.Text(awkwardNotes)) {
					t.Errorf("orgB's request reads %+v", evs[1])
				}
				r.wantNoBody(e.spaceB.Name)

				e.send(http.MethodPost, "/api/v1/me/calendar-token", asAdmin, nil).wantStatus(http.StatusCreated).decode(&link)
				r = e.feed(strings.TrimPrefix(link.URL, e.srv.cfg.BaseURL.String()), nil).wantStatus(http.StatusOK)
				if n := len(calendartest.Parse(t, r.Body.Bytes())[0].Events); n != len(wantIDs)+1 {
					t.Errorf("the admin's feed has %d events, want %d (every site)", n, len(wantIDs)+1)
				}
			})
		})
	})
}

func TestCalendarFeedValidators(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.feedFixture()
		path := fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceA.ID)
		first := e.feed(path, nil).wantStatus(http.StatusOK)
		etag, modified := first.Header().Get("ETag"), first.Header().Get("Last-Modified")

		t.Run("the same data gives the same bytes and validators", func(t *testing.T) {
			e.withT(t, func() {
				again := e.feed(path, nil).wantStatus(http.StatusOK)
				if !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) || again.Header().Get("ETag") != etag {
					t.Error("a second fetch differs")
				}
				if modified != testClock.Format(http.TimeFormat) {
					t.Errorf("Last-Modified %q, want the latest change %q", modified, testClock.Format(http.TimeFormat))
				}
			})
		})
		t.Run("a conditional request for an unchanged feed is answered 304", func(t *testing.T) {
			e.withT(t, func() {
				for _, h := range []http.Header{
					{"If-None-Match": {etag}},
					{"If-None-Match": {`"other", ` + etag}},
					{"If-None-Match": {"W/" + etag}},
					{"If-Modified-Since": {modified}},
					{"If-Modified-Since": {testClock.Add(time.Hour).Format(http.TimeFormat)}},
				} {
					r := e.feed(path, h).wantStatus(http.StatusNotModified)
					if r.Body.Len() != 0 || r.Header().Get("ETag") != etag {
						t.Errorf("%v: body %d bytes, ETag %q", h, r.Body.Len(), r.Header().Get("ETag"))
					}
				}
				for _, h := range []http.Header{
					{"If-None-Match": {`"other"`}},
					{"If-Modified-Since": {testClock.Add(-time.Second).Format(http.TimeFormat)}},
					// If-None-Match wins over If-Modified-Since.
					{"If-None-Match": {`"other"`}, "If-Modified-Since": {modified}},
				} {
					e.feed(path, h).wantStatus(http.StatusOK)
				}
			})
		})
		t.Run("a change to a booking changes the feed, its ETag and its SEQUENCE", func(t *testing.T) {
			e.withT(t, func() {
				later := e.atClock(testClock.Add(time.Hour))
				target := f.series.Occurrences[3].BookingID
				later.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", target), asBooker, map[string]any{"reason": "Ill"}).
					wantStatus(http.StatusOK)
				r := later.feed(path, http.Header{"If-None-Match": {etag}}).wantStatus(http.StatusOK)
				if r.Header().Get("ETag") == etag || r.Header().Get("Last-Modified") != testClock.Add(time.Hour).Format(http.TimeFormat) {
					t.Errorf("ETag %q, Last-Modified %q", r.Header().Get("ETag"), r.Header().Get("Last-Modified"))
				}
				for _, ev := range calendartest.Parse(t, r.Body.Bytes())[0].Events {
					if ev.UID == e.srv.feedUID(target) && (ev.Sequence != 1 || ev.Status != "CANCELLED" || ev.Summary != "Cancelled: "+f.session.Title) {
						t.Errorf("cancelled occurrence reads %+v", ev)
					}
				}
				etag = r.Header().Get("ETag")
			})
		})
		t.Run("renaming the space changes the feed", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodPatch, fmt.Sprintf("/api/v1/spaces/%d", e.spaceA.ID), asManager, map[string]any{"name": "Counselling room one"}).
					wantStatus(http.StatusOK)
				r := e.feed(path, http.Header{"If-None-Match": {etag}}).wantStatus(http.StatusOK)
				r.wantBody("X-WR-CALNAME:Counselling room one")
				etag = r.Header().Get("ETag")
			})
		})
		t.Run("cancelled bookings stay for 30 days, and the window moves with the day", func(t *testing.T) {
			e.withT(t, func() {
				nextDay := e.atClock(testClock.Add(24 * time.Hour))
				r := nextDay.feed(path, http.Header{"If-None-Match": {etag}}).wantStatus(http.StatusOK)
				if r.Header().Get("ETag") == etag {
					t.Error("the ETag did not change when the day turned")
				}
				r.wantBody("UID:" + e.srv.feedUID(f.cancelled))
				month := e.atClock(testClock.Add(31 * 24 * time.Hour))
				r = month.feed(path, nil).wantStatus(http.StatusOK)
				r.wantNoBody("UID:"+e.srv.feedUID(f.cancelled)+"\r\n", "Cancelled:")
				if !strings.Contains(r.Body.String(), "UID:"+e.srv.feedUID(f.series.Occurrences[7].BookingID)+"\r\n") {
					t.Error("a later occurrence is missing")
				}
			})
		})
	})
}

// checkSessionEvents checks each event of a session feed against the
// listing it shows: its title, what the group published, and its page.
func (e *env) checkSessionEvents(t *testing.T, evs []calendartest.Event, listings map[string]*models.Listing) {
	t.Helper()
	for _, ev := range evs {
		l := listings[ev.UID]
		if l == nil {
			t.Fatalf("event %s is not a date of a listing here", ev.UID)
		}
		title := l.Title
		if ev.Status == "CANCELLED" {
			title = "Cancelled: " + title
		}
		cost := "Cost: Free"
		if l.CostPence > 0 {
			cost = "Cost: " + formatMoney(l.CostPence) + " (" + l.CostNote + ")"
		}
		page := e.srv.absURL("/groups/" + itoa(l.ID))
		want := calendar.Text(l.Description) + "\n\n" + cost + "\nHow to join: " + booking.JoinModeLabel(l.JoinMode)
		if l.Contact != "" {
			want += "\nContact: " + l.Contact
		}
		want += "\n" + page
		if ev.Summary != title || ev.Description != want {
			t.Errorf("event %s reads %q:\n%s\nwant %q:\n%s", ev.UID, ev.Summary, ev.Description, title, want)
		}
	}
}

// listingOf maps the UIDs of the fixture's bookings to the sessions they
// are published in.
func (e *env) listingOf(f *feedFixture) map[string]*models.Listing {
	out := map[string]*models.Listing{e.srv.feedUID(f.atB.ID): f.atBSession}
	for _, id := range occurrenceIDs(f.series) {
		out[e.srv.feedUID(id)] = f.session
	}
	return out
}

func TestCalendarSessionFeeds(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.feedFixture()
		seriesIDs := occurrenceIDs(f.series)
		listings := e.listingOf(f)
		name := func(r *response) string { return calendartest.Parse(e.t, r.Body.Bytes())[0].Name }

		t.Run("a session's feed lists its dates as the group published them", func(t *testing.T) {
			e.withT(t, func() {
				r := e.feed(fmt.Sprintf("/calendars/sessions/%d.ics", f.session.ID), nil).wantStatus(http.StatusOK)
				checkGolden(t, "session.ics", r.Body.Bytes())
				evs := e.checkAgainstAPI(t, r.Body.Bytes(), seriesIDs)
				e.checkSessionEvents(t, evs, listings)
				if evs[6].UID != e.srv.feedUID(f.cancelled) || evs[6].Status != "CANCELLED" {
					t.Errorf("the cancelled date reads %+v", evs[6])
				}
				r.wantBody("URL;VALUE=URI:"+e.srv.absURL(fmt.Sprintf("/groups/%d", f.session.ID)), "GEO:53.410600;-2.157500",
					"LOCATION:"+e.spaceA.Name+`\, `+e.siteA.Name)
				if n := name(r); n != f.session.Title {
					t.Errorf("calendar name %q", n)
				}
				if cc := r.Header().Get("Cache-Control"); cc != "public, max-age=300" {
					t.Errorf("Cache-Control %q", cc)
				}
			})
		})
		t.Run("a category's feed lists its sessions at every site", func(t *testing.T) {
			e.withT(t, func() {
				r := e.feed("/calendars/categories/mental_wellbeing.ics", nil).wantStatus(http.StatusOK)
				checkGolden(t, "category.ics", r.Body.Bytes())
				evs := e.checkAgainstAPI(t, r.Body.Bytes(), append([]int64{seriesIDs[0], f.atB.ID}, seriesIDs[1:]...))
				e.checkSessionEvents(t, evs, listings)
				if n := name(r); n != "Mental wellbeing sessions" {
					t.Errorf("calendar name %q", n)
				}
				r = e.feed("/calendars/categories/physical_activity.ics", nil).wantStatus(http.StatusOK)
				e.checkAgainstAPI(t, r.Body.Bytes(), seriesIDs)
				r = e.feed("/calendars/categories/families.ics", nil).wantStatus(http.StatusOK)
				if cal := calendartest.Parse(t, r.Body.Bytes())[0]; len(cal.Events) != 0 || cal.Name != "Families sessions" {
					t.Errorf("calendar %+v", cal)
				}
			})
		})
		t.Run("a site's sessions feed lists the sessions there and no unpublished booking", func(t *testing.T) {
			e.withT(t, func() {
				r := e.feed(fmt.Sprintf("/calendars/sites/%d/sessions.ics", e.siteA.ID), nil).wantStatus(http.StatusOK)
				checkGolden(t, "site-sessions.ics", r.Body.Bytes())
				evs := e.checkAgainstAPI(t, r.Body.Bytes(), seriesIDs)
				e.checkSessionEvents(t, evs, listings)
				if n := name(r); n != "Sessions at "+e.siteA.Name {
					t.Errorf("calendar name %q", n)
				}
				r = e.feed(fmt.Sprintf("/calendars/sites/%d/sessions.ics", e.siteB.ID), nil).wantStatus(http.StatusOK)
				e.checkAgainstAPI(t, r.Body.Bytes(), []int64{f.atB.ID})
			})
		})
		t.Run("unknown, malformed and unpublished sessions, categories and sites have no feed", func(t *testing.T) {
			e.withT(t, func() {
				for _, path := range []string{
					"/calendars/sessions/999999.ics", "/calendars/sessions/x.ics", "/calendars/sessions/-1.ics",
					fmt.Sprintf("/calendars/sessions/0%d.ics", f.session.ID), fmt.Sprintf("/calendars/sessions/%d", f.session.ID),
					"/calendars/categories/knitting.ics", "/calendars/categories/Mental_wellbeing.ics",
					"/calendars/categories/mental_wellbeing", "/calendars/categories/.ics",
					"/calendars/sites/999999/sessions.ics", "/calendars/sites/x/sessions.ics",
					fmt.Sprintf("/calendars/sites/0%d/sessions.ics", e.siteA.ID), fmt.Sprintf("/calendars/sites/%d/sessions", e.siteA.ID),
				} {
					e.feed(path, nil).wantStatus(http.StatusNotFound)
				}
				must(t, e.store.DeleteListing(context.Background(), f.atBSession.ID))
				e.feed(fmt.Sprintf("/calendars/sessions/%d.ics", f.atBSession.ID), nil).wantStatus(http.StatusNotFound)
				r := e.feed(fmt.Sprintf("/calendars/sites/%d/sessions.ics", e.siteB.ID), nil).wantStatus(http.StatusOK)
				e.checkAgainstAPI(t, r.Body.Bytes(), []int64{})
				r = e.feed("/calendars/categories/mental_wellbeing.ics", nil).wantStatus(http.StatusOK)
				e.checkAgainstAPI(t, r.Body.Bytes(), seriesIDs)
				r = e.feed(fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceB.ID), nil).wantStatus(http.StatusOK)
				if evs := calendartest.Parse(t, r.Body.Bytes())[0].Events; len(evs) != 1 || evs[0].Summary != "Booked" {
					t.Errorf("the unpublished booking reads %+v in its space's feed", evs)
				}
			})
		})
		t.Run("a session whose series is cancelled keeps its feed, with every date cancelled", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", f.series.ID), asBooker,
					map[string]any{"scope": "all", "reason": "The group has closed"}).wantStatus(http.StatusOK)
				r := e.feed(fmt.Sprintf("/calendars/sessions/%d.ics", f.session.ID), nil).wantStatus(http.StatusOK)
				evs := e.checkAgainstAPI(t, r.Body.Bytes(), seriesIDs)
				for _, ev := range evs {
					if ev.Status != "CANCELLED" || ev.Summary != "Cancelled: "+f.session.Title {
						t.Errorf("event %s reads %s %q", ev.UID, ev.Status, ev.Summary)
					}
				}
			})
		})
	})
}

func TestCalendarSessionFeedValidators(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.feedFixture()
		paths := []string{
			fmt.Sprintf("/calendars/sessions/%d.ics", f.session.ID),
			"/calendars/categories/mental_wellbeing.ics",
			fmt.Sprintf("/calendars/sites/%d/sessions.ics", e.siteA.ID),
			fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceA.ID),
			fmt.Sprintf("/calendars/sites/%d.ics", e.siteA.ID),
		}
		etags := make([]string, len(paths))
		for i, path := range paths {
			etags[i] = e.feed(path, nil).wantStatus(http.StatusOK).Header().Get("ETag")
		}

		t.Run("a conditional request for an unchanged feed is answered 304", func(t *testing.T) {
			e.withT(t, func() {
				for i, path := range paths[:3] {
					r := e.feed(path, http.Header{"If-None-Match": {etags[i]}}).wantStatus(http.StatusNotModified)
					if r.Body.Len() != 0 || r.Header().Get("ETag") != etags[i] || r.Header().Get("Cache-Control") != "public, max-age=300" {
						t.Errorf("%s: body %d bytes, ETag %q, Cache-Control %q", path, r.Body.Len(), r.Header().Get("ETag"), r.Header().Get("Cache-Control"))
					}
					e.feed(path, http.Header{"If-Modified-Since": {testClock.Format(http.TimeFormat)}}).wantStatus(http.StatusNotModified)
				}
			})
		})
		t.Run("an edit of the session changes every feed it shows in", func(t *testing.T) {
			e.withT(t, func() {
				edited := testClock.Add(time.Hour)
				p := f.session.Published()
				p.Title, p.Description = "Tuesday wellbeing circle and stretch", "Conversation, then gentle stretching."
				f.session.Publish(p)
				must(t, e.store.UpdateListing(context.Background(), f.session, edited))
				for i, path := range paths {
					r := e.feed(path, http.Header{"If-None-Match": {etags[i]}}).wantStatus(http.StatusOK)
					if r.Header().Get("ETag") == etags[i] || r.Header().Get("Last-Modified") != edited.Format(http.TimeFormat) {
						t.Errorf("%s: ETag %q, Last-Modified %q", path, r.Header().Get("ETag"), r.Header().Get("Last-Modified"))
					}
					r.wantBody("SUMMARY:" + p.Title)
					etags[i] = r.Header().Get("ETag")
				}
				e.feed(paths[0], nil).wantBody("Conversation\\, then gentle stretching.")
			})
		})
		t.Run("unpublishing changes the public feeds, which show the dates as booked again", func(t *testing.T) {
			e.withT(t, func() {
				must(t, e.store.DeleteListing(context.Background(), f.session.ID))
				e.feed(paths[0], http.Header{"If-None-Match": {etags[0]}}).wantStatus(http.StatusNotFound)
				for i, path := range paths[1:] {
					r := e.feed(path, http.Header{"If-None-Match": {etags[i+1]}}).wantStatus(http.StatusOK)
					r.wantNoBody(f.session.Title)
				}
				e.feed(paths[3], nil).wantBody("SUMMARY:Booked\r\n")
			})
		})
		t.Run("unpublishing changes the ETag even when nothing else changed", func(t *testing.T) {
			e.withT(t, func() {
				path := fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceB.ID)
				etag := e.feed(path, nil).wantStatus(http.StatusOK).wantBody("SUMMARY:" + f.atBSession.Title).Header().Get("ETag")
				must(t, e.store.DeleteListing(context.Background(), f.atBSession.ID))
				r := e.feed(path, http.Header{"If-None-Match": {etag}}).wantStatus(http.StatusOK).wantBody("SUMMARY:Booked\r\n")
				if r.Header().Get("Last-Modified") != testClock.Format(http.TimeFormat) {
					t.Errorf("Last-Modified %q", r.Header().Get("Last-Modified"))
				}
			})
		})
	})
}

// TestPublicCalendarsKeepBookingsPrivate reads every public feed of the
// fixture: none shows who booked, why, their notes or price, nor how link
// workers refer someone to a session.
func TestPublicCalendarsKeepBookingsPrivate(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.feedFixture()
		for _, path := range []string{
			fmt.Sprintf("/calendars/sessions/%d.ics", f.session.ID),
			fmt.Sprintf("/calendars/sessions/%d.ics", f.atBSession.ID),
			"/calendars/categories/mental_wellbeing.ics",
			"/calendars/categories/physical_activity.ics",
			fmt.Sprintf("/calendars/sites/%d/sessions.ics", e.siteA.ID),
			fmt.Sprintf("/calendars/sites/%d/sessions.ics", e.siteB.ID),
			fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceA.ID),
			fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceB.ID),
			fmt.Sprintf("/calendars/sites/%d.ics", e.siteA.ID),
			fmt.Sprintf("/calendars/sites/%d.ics", e.siteB.ID),
		} {
			t.Run(path, func(t *testing.T) {
				e.withT(t, func() {
					r := e.feed(path, nil).wantStatus(http.StatusOK)
					if len(calendartest.Parse(t, r.Body.Bytes())[0].Events) == 0 {
						t.Fatal("the feed lists nothing to check")
					}
					// Read unfolded, so that no fold hides a word.
					body := strings.ReplaceAll(r.Body.String(), "\r\n ", "")
					for _, secret := range []string{e.orgA.Name, e.orgB.Name, "Walk and talk", "Peer support group", `Tea\, cake`,
						booking.PurposeLabel("social_prescribing"), booking.PurposeLabel("health_wellbeing"),
						booking.PurposeLabel("community"), "Attendees", "Price", "Notes", referralContact, "referrals@",
						e.hiddenA.Name} {
						if strings.Contains(body, secret) {
							t.Errorf("the feed shows %q", secret)
						}
					}
				})
			})
		}
	})
}

func TestPrivateCalendarLinks(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.feedFixture()
		var logs bytes.Buffer
		orgToken := fmt.Sprintf("/api/v1/organisations/%d/calendar-token", e.orgA.ID)
		newLink := func(as, path string) string {
			var link calendarLinkJSON
			r := e.send(http.MethodPost, path, as, nil).wantStatus(http.StatusCreated)
			r.decode(&link)
			if r.Header().Get("Cache-Control") != "no-store" || !link.CreatedAt.Equal(testClock) {
				t.Errorf("Cache-Control %q, created %v", r.Header().Get("Cache-Control"), link.CreatedAt)
			}
			return strings.TrimPrefix(link.URL, e.srv.cfg.BaseURL.String())
		}

		t.Run("only the organisation's admins manage its link", func(t *testing.T) {
			e.withT(t, func() {
				var st calendarLinkStatusJSON
				e.get(orgToken, asOrgAdmin).wantStatus(http.StatusOK).decode(&st)
				if st.Active || st.CreatedAt != nil {
					t.Errorf("status before any link %+v", st)
				}
				e.send(http.MethodPost, orgToken, asBooker, nil).wantStatus(http.StatusForbidden)
				e.send(http.MethodPost, orgToken, asOtherMember, nil).wantStatus(http.StatusNotFound)
				e.send(http.MethodPost, orgToken, asManager, nil).wantStatus(http.StatusForbidden)
				e.send(http.MethodPost, "/api/v1/me/calendar-token", asBooker, nil).wantStatus(http.StatusForbidden)
				var n int64
				must(t, e.store.DB.Model(&models.CalendarToken{}).Count(&n).Error)
				if n != 0 {
					t.Errorf("%d tokens stored after refused requests", n)
				}
			})
		})
		t.Run("a link opens the feed; a new link retires the old; a revoked link is a 404 like any wrong one", func(t *testing.T) {
			e.withT(t, func() {
				logged := e.withLogger(slog.New(slog.NewJSONHandler(&logs, nil)))
				first := newLink(asOrgAdmin, orgToken)
				token := strings.TrimSuffix(strings.TrimPrefix(first, "/calendars/organisations/"), ".ics")
				if len(token) < 32 {
					t.Fatalf("token %q has under 128 bits", token)
				}
				var stored models.CalendarToken
				must(t, e.store.DB.First(&stored).Error)
				if strings.Contains(stored.TokenHash, token) || stored.TokenHash == token {
					t.Error("the token is stored as is")
				}
				logged.feed(first, nil).wantStatus(http.StatusOK)
				var st calendarLinkStatusJSON
				e.get(orgToken, asOrgAdmin).wantStatus(http.StatusOK).decode(&st)
				if !st.Active || st.CreatedAt == nil {
					t.Errorf("status %+v", st)
				}

				second := newLink(asOrgAdmin, orgToken)
				if second == first {
					t.Fatal("the new link is the old one")
				}
				notFound := logged.feed(first, nil).wantStatus(http.StatusNotFound)
				logged.feed(second, nil).wantStatus(http.StatusOK)

				e.do(request{method: http.MethodDelete, path: orgToken, as: asOrgAdmin}).wantStatus(http.StatusNoContent)
				revoked := logged.feed(second, nil).wantStatus(http.StatusNotFound)
				wrong := logged.feed("/calendars/organisations/"+strings.Repeat("0", 64)+".ics", nil).wantStatus(http.StatusNotFound)
				for _, r := range []*response{notFound, revoked} {
					if r.Body.String() != wrong.Body.String() {
						t.Error("a retired link's 404 differs from a wrong link's")
					}
				}
				for _, path := range []string{"/calendars/organisations/short.ics", "/calendars/organisations/" + token, "/calendars/managers/" + token + ".ics"} {
					logged.feed(path, nil).wantStatus(http.StatusNotFound)
				}
				// A manager's link does not open an organisation's feed.
				mine := newLink(asManager, "/api/v1/me/calendar-token")
				logged.feed(strings.Replace(mine, "/managers/", "/organisations/", 1), nil).wantStatus(http.StatusNotFound)
				logged.feed(mine, nil).wantStatus(http.StatusOK)
				e.do(request{method: http.MethodDelete, path: "/api/v1/me/calendar-token", as: asManager}).wantStatus(http.StatusNoContent)
				logged.feed(mine, nil).wantStatus(http.StatusNotFound)

				for _, secret := range []string{token, strings.TrimSuffix(strings.TrimPrefix(second, "/calendars/organisations/"), ".ics"),
					strings.TrimSuffix(strings.TrimPrefix(mine, "/calendars/managers/"), ".ics")} {
					if strings.Contains(logs.String(), secret) {
						t.Errorf("a token is in the logs:\n%s", logs.String())
					}
				}
				if !strings.Contains(logs.String(), `"path":"/calendars/organisations/:token"`) {
					t.Errorf("the feed requests are not logged:\n%.500s", logs.String())
				}
			})
		})
		t.Run("an estates manager who is no longer one loses the feed", func(t *testing.T) {
			e.withT(t, func() {
				mine := newLink(asOtherMgr, "/api/v1/me/calendar-token")
				e.feed(mine, nil).wantStatus(http.StatusOK)
				must(t, e.store.DB.Model(&models.User{}).Where("id = ?", e.users[asOtherMgr].ID).Update("role", booking.RoleMember).Error)
				e.feed(mine, nil).wantStatus(http.StatusNotFound)
			})
		})
	})
}

// withLogger is the env with a server of its own that logs to l.
func (e *env) withLogger(l *slog.Logger) *env {
	e.t.Helper()
	return e.withServer(func(d *Deps) { d.Logger = l })
}

// calendarRouteCases are the rows of the route × role table for the feeds
// and the private links. A private feed's link is its only credential, so
// it opens for anyone who has it.
var calendarRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/calendars/spaces/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/calendars/spaces/%d.ics", e.spaceA.ID), role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/calendars/sites/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/calendars/sites/%d.ics", e.siteA.ID), role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/calendars/sessions/:id",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/calendars/sessions/%d.ics", e.sessionForRoutes().ID), role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/calendars/categories/:slug",
		call: func(e *env, role string) *response {
			e.sessionForRoutes()
			return e.get("/calendars/categories/peer_support.ics", role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/calendars/sites/:id/sessions.ics",
		call: func(e *env, role string) *response {
			e.sessionForRoutes()
			return e.get(fmt.Sprintf("/calendars/sites/%d/sessions.ics", e.siteA.ID), role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/calendars/organisations/:token",
		call: func(e *env, role string) *response {
			path, err := e.srv.newCalendarToken(context.Background(), models.CalendarOwner{OrganisationID: e.orgA.ID}, e.users[asOrgAdmin].ID)
			must(e.t, err)
			return e.get(path, role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/calendars/managers/:token",
		call: func(e *env, role string) *response {
			path, err := e.srv.newCalendarToken(context.Background(), models.CalendarOwner{UserID: e.users[asManager].ID}, e.users[asManager].ID)
			must(e.t, err)
			return e.get(path, role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/organisations/:id/calendar-token",
		call: func(e *env, role string) *response {
			return e.get(fmt.Sprintf("/api/v1/organisations/%d/calendar-token", e.orgA.ID), role)
		},
		want: orgAdminStatuses(http.StatusOK),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/organisations/:id/calendar-token",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, fmt.Sprintf("/api/v1/organisations/%d/calendar-token", e.orgA.ID), role, nil)
		},
		want: orgAdminStatuses(http.StatusCreated),
	},
	{
		method: http.MethodDelete, pattern: "/api/v1/organisations/:id/calendar-token",
		call: func(e *env, role string) *response {
			return e.send(http.MethodDelete, fmt.Sprintf("/api/v1/organisations/%d/calendar-token", e.orgA.ID), role, nil)
		},
		want: orgAdminStatuses(http.StatusNoContent),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/me/calendar-token",
		call: func(e *env, role string) *response { return e.get("/api/v1/me/calendar-token", role) },
		want: staffStatuses(http.StatusOK, map[string]int{asOtherMgr: http.StatusOK}),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/me/calendar-token",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPost, "/api/v1/me/calendar-token", role, nil)
		},
		want: staffStatuses(http.StatusCreated, map[string]int{asOtherMgr: http.StatusCreated}),
	},
	{
		method: http.MethodDelete, pattern: "/api/v1/me/calendar-token",
		call: func(e *env, role string) *response {
			return e.send(http.MethodDelete, "/api/v1/me/calendar-token", role, nil)
		},
		want: staffStatuses(http.StatusNoContent, map[string]int{asOtherMgr: http.StatusNoContent}),
	},
}

// sessionForRoutes is orgA's session in spaceA, published the first time
// a row asks for it.
func (e *env) sessionForRoutes() *models.Listing {
	e.t.Helper()
	var ls []models.Listing
	must(e.t, e.store.DB.Limit(1).Find(&ls).Error)
	if len(ls) > 0 {
		return &ls[0]
	}
	e.openAllDay()
	e.verify(e.orgA)
	b := e.book(asBooker, e.bookingBody("2026-12-01T10:00:00Z"))
	return e.publish(&models.Listing{BookingID: &b.ID}, booking.Listing{
		Title: "Peer support circle", Description: "Share and listen.", Categories: []string{"peer_support"}, Join: "drop_in",
	})
}

// orgAdminStatuses is ok for orgA's admin, 403 for the organisation's
// other members and the estate's staff, 404 for everyone else, who cannot
// see the organisation, and 401 for anonymous callers.
func orgAdminStatuses(ok int) map[string]int {
	return signedInStatuses(http.StatusForbidden, map[string]int{
		asOrgAdmin: ok, asLinkWorker: http.StatusNotFound, asOtherMember: http.StatusNotFound,
	})
}
