package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/geocode"
)

// sessionFixture is orgA's weekly Tuesday walk at Hunter Street (site A,
// with coordinates) published as a session with its third date cancelled,
// and a single booking of orgA at Station Road (site B, without) not yet
// published.
type sessionFixture struct {
	series    seriesJSON
	cancelled int64
	single    bookingJSON
	session   sessionJSON
}

// walkSession is what orgA publishes about its walk.
func walkSession(seriesID int64) map[string]any {
	return map[string]any{
		"series_id": seriesID, "title": "Tuesday health walk",
		"description":      "A gentle hour round Woodbank Park with a cuppa after.",
		"categories":       []string{"physical_activity", "nature_gardening"},
		"who_for":          "Adults of any fitness",
		"join":             "referral",
		"contact":          "Ask at reception",
		"referral_contact": "walks@example.org",
		"languages":        []string{"English", "Polish"},
		"access_notes":     "Flat, paved paths",
	}
}

func (e *env) sessionFixture() *sessionFixture {
	e.t.Helper()
	e.openAllDay()
	e.verify(e.orgA)
	lat, lon := 53.4106, -2.1575
	must(e.t, e.store.DB.Model(&models.Site{}).Where("id = ?", e.siteA.ID).
		Updates(map[string]any{"latitude": lat, "longitude": lon}).Error)
	f := &sessionFixture{}
	f.series = e.createSeries(asBooker, e.seriesBody("2026-12-01", "10:00", "11:00",
		map[string]any{"frequency": "weekly", "count": 12}))
	f.cancelled = f.series.Occurrences[2].BookingID
	e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", f.cancelled), asBooker,
		map[string]any{"reason": "Park closed"}).wantStatus(http.StatusOK)
	body := e.bookingBody("2026-12-05T14:00:00Z")
	body["space_id"] = e.spaceB.ID
	f.single = e.book(asBooker, body)
	e.send(http.MethodPost, "/api/v1/sessions", asBooker, walkSession(f.series.ID)).
		wantStatus(http.StatusCreated).decode(&f.session)
	return f
}

// searchSessions searches as a role and returns the titles found and the
// whole answer.
func (e *env) searchSessions(query, as string) ([]string, listJSON[sessionJSON]) {
	e.t.Helper()
	var got listJSON[sessionJSON]
	e.get("/api/v1/sessions?"+query, as).wantStatus(http.StatusOK).decode(&got)
	titles := []string{}
	for _, s := range got.Items {
		titles = append(titles, s.Title)
	}
	return titles, got
}

func TestPublishSessionAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.sessionFixture()
		s := f.session
		if s.Title != "Tuesday health walk" || s.Place.SiteName != e.siteA.Name || s.Place.SpaceName != e.spaceA.Name {
			t.Errorf("published: %+v", s)
		}
		if !slices.Equal(s.Categories, []string{"physical_activity", "nature_gardening"}) || !slices.Equal(s.Languages, []string{"English", "Polish"}) {
			t.Errorf("categories %v, languages %v", s.Categories, s.Languages)
		}
		if len(s.NextDates) != 10 || !s.NextDates[2].Cancelled || s.NextDates[1].Cancelled ||
			s.NextDates[0].StartsAt.Format("2006-01-02T15:04") != "2026-12-01T10:00" {
			t.Errorf("next dates %+v", s.NextDates)
		}
		if s.URL != "http://localhost:8080/groups/"+itoa(s.ID) || s.ShareURL != "http://localhost:8080/g/"+itoa(s.ID) ||
			s.Calendar.Webcal != "webcal://localhost:8080/calendars/sessions/"+itoa(s.ID)+".ics" {
			t.Errorf("links %q %q %+v", s.URL, s.ShareURL, s.Calendar)
		}
		if s.ReferralContact == nil || *s.ReferralContact != "walks@example.org" {
			t.Errorf("the group does not see its referral contact: %v", s.ReferralContact)
		}

		path := "/api/v1/sessions/" + itoa(s.ID)
		for _, c := range []struct {
			as           string
			seesReferral bool
		}{{anonymous, false}, {asOtherMember, false}, {asLinkWorker, true}, {asManager, true}, {asOrgAdmin, true}} {
			r := e.get(path, c.as).wantStatus(http.StatusOK)
			if got := strings.Contains(r.Body.String(), "walks@example.org"); got != c.seesReferral {
				t.Errorf("%s sees the referral contact: %v, want %v", c.as, got, c.seesReferral)
			}
		}

		t.Run("each booking or series once, by its own group", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodPost, "/api/v1/sessions", asOrgAdmin, walkSession(f.series.ID)).wantStatus(http.StatusConflict)
				one := walkSession(0)
				delete(one, "series_id")
				one["booking_id"] = f.series.Occurrences[4].BookingID
				e.send(http.MethodPost, "/api/v1/sessions", asBooker, one).wantStatus(http.StatusConflict)
				single := walkSession(0)
				delete(single, "series_id")
				single["booking_id"] = f.single.ID
				e.send(http.MethodPost, "/api/v1/sessions", asOtherMgr, single).wantStatus(http.StatusForbidden)
				e.send(http.MethodPost, "/api/v1/sessions", asOtherMember, single).wantStatus(http.StatusNotFound)
				e.send(http.MethodPost, "/api/v1/sessions", asLinkWorker, single).wantStatus(http.StatusNotFound)
				var made sessionJSON
				e.send(http.MethodPost, "/api/v1/sessions", asOrgAdmin, single).wantStatus(http.StatusCreated).decode(&made)
				if len(made.NextDates) != 1 || made.Place.SiteID != e.siteB.ID {
					t.Errorf("a single booking published: %+v", made)
				}
			})
		})

		t.Run("what is wrong is named", func(t *testing.T) {
			e.withT(t, func() {
				before := e.sessionsSnapshot()
				for _, c := range []struct {
					change func(map[string]any)
					field  string
				}{
					{func(b map[string]any) { delete(b, "series_id") }, "booking_id"},
					{func(b map[string]any) { b["booking_id"] = f.single.ID }, "booking_id"},
					{func(b map[string]any) { b["title"] = " " }, "title"},
					{func(b map[string]any) { b["categories"] = []string{"knitting"} }, "categories"},
					{func(b map[string]any) { b["join"] = "walk_in" }, "join"},
					{func(b map[string]any) { b["cost_pence"] = -5 }, "cost_pence"},
					{func(b map[string]any) { b["contact"], b["referral_contact"] = "", "" }, "contact"},
				} {
					body := walkSession(f.series.ID)
					c.change(body)
					p := e.send(http.MethodPost, "/api/v1/sessions", asBooker, body).wantStatus(http.StatusUnprocessableEntity).problem()
					if len(p.Errors) == 0 || p.Errors[0].Field != c.field {
						t.Errorf("want a problem with %s, got %+v", c.field, p.Errors)
					}
				}
				e.wantSessionsUnchanged(before)
			})
		})

		t.Run("its group changes it; others may not", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodPatch, path, asLinkWorker, map[string]any{"title": "Hijacked"}).wantStatus(http.StatusForbidden)
				e.send(http.MethodPatch, path, asManager, map[string]any{"title": "Hijacked"}).wantStatus(http.StatusForbidden)
				e.send(http.MethodPatch, path, asBooker, map[string]any{"series_id": f.series.ID}).wantStatus(http.StatusUnprocessableEntity)
				var changed sessionJSON
				e.send(http.MethodPatch, path, asBooker, map[string]any{"title": "Tuesday walk and talk", "cost_pence": 150}).
					wantStatus(http.StatusOK).decode(&changed)
				if changed.Title != "Tuesday walk and talk" || changed.CostPence != 150 || changed.Description != s.Description {
					t.Errorf("after the change: %+v", changed)
				}
				if got, _ := e.searchSessions("q=talk", anonymous); !slices.Equal(got, []string{"Tuesday walk and talk"}) {
					t.Errorf("search for the new title: %v", got)
				}
			})
		})

		t.Run("taken down by the site's managers or the group, gone from search", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodDelete, path, asOtherMgr, nil).wantStatus(http.StatusForbidden)
				e.send(http.MethodDelete, path, asLinkWorker, nil).wantStatus(http.StatusForbidden)
				e.send(http.MethodDelete, path, asManager, nil).wantStatus(http.StatusNoContent)
				e.get(path, anonymous).wantStatus(http.StatusNotFound)
				e.get(path, asBooker).wantStatus(http.StatusNotFound)
				if got, _ := e.searchSessions("", anonymous); slices.Contains(got, "Tuesday walk and talk") {
					t.Errorf("an unpublished session is still found: %v", got)
				}
				e.send(http.MethodDelete, path, asBooker, nil).wantStatus(http.StatusNotFound)
			})
		})
	})
}

func TestSessionFollowsItsSeries(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.sessionFixture()
		path := "/api/v1/sessions/" + itoa(f.session.ID)
		e.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", f.series.ID), asBooker,
			map[string]any{"scope": "all", "reason": "The group has closed"}).wantStatus(http.StatusOK)
		e.get(path, anonymous).wantStatus(http.StatusNotFound)
		e.get(path, asLinkWorker).wantStatus(http.StatusNotFound)
		var own sessionJSON
		e.get(path, asBooker).wantStatus(http.StatusOK).decode(&own)
		for _, d := range own.NextDates {
			if !d.Cancelled {
				t.Errorf("a date of a cancelled series is not cancelled: %+v", d)
			}
		}
		if got, _ := e.searchSessions("", anonymous); len(got) != 0 {
			t.Errorf("a cancelled series is still found: %v", got)
		}
	})
}

// fakeGeocoder knows one postcode and counts its lookups.
type fakeGeocoder struct {
	down  bool
	calls atomic.Int64
}

func (g *fakeGeocoder) Postcode(_ context.Context, pc string) (geocode.Point, error) {
	g.calls.Add(1)
	switch {
	case g.down:
		return geocode.Point{}, fmt.Errorf("%w: connection refused", geocode.ErrUnavailable)
	case strings.EqualFold(strings.ReplaceAll(pc, " ", ""), "SK41AA"):
		return geocode.Point{Latitude: 53.4110, Longitude: -2.1580}, nil
	}
	return geocode.Point{}, geocode.ErrNotFound
}

func TestSearchSessionsAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		f := e.sessionFixture()
		single := walkSession(0)
		delete(single, "series_id")
		single["booking_id"], single["title"], single["join"], single["categories"] = f.single.ID, "Saturday coffee morning", "drop_in", []string{"older_people"}
		single["description"], single["cost_pence"] = "Tea, coffee and a chat.", 100
		e.send(http.MethodPost, "/api/v1/sessions", asBooker, single).wantStatus(http.StatusCreated)
		walk, coffee := "Tuesday health walk", "Saturday coffee morning"
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"", []string{walk, coffee}},
			{"q=Woodbank", []string{walk}},
			{"q=COFFEE+chat", []string{coffee}},
			{"category=older_people", []string{coffee}},
			{"day=saturday", []string{coffee}},
			{"day=Tuesday,saturday", []string{walk, coffee}},
			{"time_of_day=afternoon", []string{coffee}},
			{"time_of_day=morning,evening", []string{walk}},
			{"site=" + itoa(e.siteB.ID), []string{coffee}},
			{"cost=free", []string{walk}},
			{"join=drop_in", []string{coffee}},
			{"join=referral&category=physical_activity&day=tuesday", []string{walk}},
			{"access=step_free", []string{}},
			{"near=53.4106,-2.1575&within_km=2", []string{walk}},
			{"near=53.4106,-2.1575", []string{walk, coffee}},
			{"from=2026-12-04&to=2026-12-06", []string{coffee}},
			{"to=2026-12-02", []string{walk}},
			{"per_page=1&page=2", []string{coffee}},
		} {
			if got, list := e.searchSessions(c.query, anonymous); !slices.Equal(got, c.want) {
				t.Errorf("%q: %v, want %v", c.query, got, c.want)
			} else if c.query == "per_page=1&page=2" && list.Total != 2 {
				t.Errorf("paged: total %d", list.Total)
			}
		}
		_, list := e.searchSessions("near=53.4106,-2.1575", anonymous)
		if d := list.Items[0].DistanceKm; d == nil || *d != 0 || list.Items[1].DistanceKm != nil {
			t.Errorf("distances %v, %v", d, list.Items[1].DistanceKm)
		}
		if len(list.Items[0].NextDates) != 3 || list.Items[0].ReferralContact != nil {
			t.Errorf("a listed session: %d dates, referral %v", len(list.Items[0].NextDates), list.Items[0].ReferralContact)
		}
		if _, lw := e.searchSessions("join=referral", asLinkWorker); lw.Items[0].ReferralContact == nil {
			t.Error("a link worker's search has no referral contact")
		}

		for _, c := range []struct{ query, field string }{
			{"category=knitting", "category"}, {"day=someday", "day"}, {"time_of_day=night", "time_of_day"},
			{"site=x", "site"}, {"access=lift", "access"}, {"cost=cheap", "cost"}, {"join=walk_in", "join"},
			{"within_km=5", "near"}, {"near=53.4,-2.1&within_km=0", "within_km"}, {"near=91,0", "near"},
			{"near=nowhere", "near"}, {"near=SK4+1AA", "near"}, {"from=soon", "from"}, {"to=2026-11-01", "to"},
			{"q=" + strings.Repeat("word+", 11), "q"}, {"per_page=101", "per_page"},
		} {
			p := e.get("/api/v1/sessions?"+c.query, anonymous).wantStatus(http.StatusUnprocessableEntity).problem()
			if len(p.Errors) == 0 || p.Errors[0].Field != c.field {
				t.Errorf("%q: want a problem with %s, got %+v", c.query, c.field, p.Errors)
			}
		}
		p := e.get("/api/v1/sessions?near=SK4+1AA", anonymous).wantStatus(http.StatusUnprocessableEntity).problem()
		if !strings.Contains(p.Errors[0].Message, "not available") {
			t.Errorf("a postcode without a geocoder: %q", p.Errors[0].Message)
		}

		t.Run("by postcode", func(t *testing.T) {
			g := &fakeGeocoder{}
			ge := e.withServer(func(d *Deps) { d.Geocoder = g })
			ge.withT(t, func() {
				got, list := ge.searchSessions("near="+url.QueryEscape("sk4 1aa")+"&within_km=1", anonymous)
				if !slices.Equal(got, []string{walk}) || list.Items[0].DistanceKm == nil {
					t.Errorf("near a postcode: %v", got)
				}
				p := ge.get("/api/v1/sessions?near="+url.QueryEscape("SK1 9ZZ"), anonymous).wantStatus(http.StatusUnprocessableEntity).problem()
				if p.Errors[0].Field != "near" || !strings.Contains(p.Errors[0].Message, "could not find") {
					t.Errorf("an unknown postcode: %+v", p.Errors)
				}
				ge.get("/api/v1/sessions?near=53.4,-2.1", anonymous).wantStatus(http.StatusOK)
				if n := g.calls.Load(); n != 2 {
					t.Errorf("%d postcode lookups, want 2 (coordinates need none)", n)
				}
				g.down = true
				p = ge.get("/api/v1/sessions?near=SK4+1AA", anonymous).wantStatus(http.StatusServiceUnavailable).problem()
				if !strings.Contains(p.Title, "Postcode search is not available") {
					t.Errorf("while the lookup is down: %+v", p)
				}
			})
		})
	})
}

// TestSessionsShowNothingPrivate checks that nothing a group told the
// estate about a booking shows in public: not its organisation, purpose,
// notes or attendees, whether the booking is published or not.
func TestSessionsShowNothingPrivate(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.sessionFixture()
		private := []string{e.orgA.Name, "Walk and talk", "Peer support group", "social_prescribing", "health_wellbeing",
			"walks@example.org", "attendees", "organisation"}
		for _, path := range []string{"/api/v1/sessions", "/api/v1/sessions?q=walk&near=53.4,-2.15",
			"/api/v1/sessions/" + itoa(e.firstSessionID())} {
			body := e.get(path, anonymous).wantStatus(http.StatusOK).Body.String()
			for _, word := range private {
				if strings.Contains(body, word) {
					t.Errorf("%s shows %q", path, word)
				}
			}
		}
	})
}

func (e *env) firstSessionID() int64 {
	e.t.Helper()
	var l models.Listing
	must(e.t, e.store.DB.Order("id").First(&l).Error)
	return l.ID
}

// sessionsSnapshot is every listing and its categories, for checking that
// a refused request changed nothing.
func (e *env) sessionsSnapshot() string {
	e.t.Helper()
	var ls []models.Listing
	var cs []models.ListingCategory
	must(e.t, e.store.DB.Order("id").Find(&ls).Error)
	must(e.t, e.store.DB.Order("listing_id, category").Find(&cs).Error)
	out, err := json.Marshal([]any{ls, cs})
	must(e.t, err)
	return string(out)
}

func (e *env) wantSessionsUnchanged(before string) {
	e.t.Helper()
	if after := e.sessionsSnapshot(); after != before {
		e.t.Errorf("sessions changed:\nbefore %s\nafter  %s", before, after)
	}
}

// roleDay is a booking of orgA for a row of the route table, on a day of
// its own for each role.
func (e *env) roleDay(role string) bookingJSON {
	e.t.Helper()
	e.openAllDay()
	e.verify(e.orgA)
	return e.book(asBooker, e.bookingBody(fmt.Sprintf("2026-12-%02dT10:00:00Z", 1+slices.Index(allRoles, role))))
}

// publishedSession publishes a booking of orgA as a session and returns
// its id, for rows of the route table.
func (e *env) publishedSession(role string) int64 {
	e.t.Helper()
	b := e.roleDay(role)
	l := &models.Listing{BookingID: &b.ID}
	l.Publish(booking.Listing{Title: "Coffee morning", Description: "Tea and a chat.",
		Categories: []string{"older_people"}, Join: "drop_in"})
	must(e.t, e.store.PublishListing(context.Background(), l, testClock))
	return l.ID
}

// sessionRouteCases are the rows of the route × role table for sessions:
// anyone finds them; a group's members publish and change them; they, the
// site's managers and admins take them down.
var sessionRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/api/v1/sessions",
		call: func(e *env, role string) *response { return e.get("/api/v1/sessions?q=coffee", role) },
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodGet, pattern: "/api/v1/sessions/:id",
		call: func(e *env, role string) *response {
			return e.get("/api/v1/sessions/"+itoa(e.publishedSession(role)), role)
		},
		want: roleStatuses(http.StatusOK, nil),
	},
	{
		method: http.MethodPost, pattern: "/api/v1/sessions",
		call: func(e *env, role string) *response {
			b := e.roleDay(role)
			body := walkSession(0)
			delete(body, "series_id")
			body["booking_id"] = b.ID
			return e.send(http.MethodPost, "/api/v1/sessions", role, body)
		},
		want: signedInStatuses(http.StatusNotFound, map[string]int{
			asOrgAdmin: http.StatusCreated, asBooker: http.StatusCreated,
			asAdmin: http.StatusForbidden, asManager: http.StatusForbidden,
		}),
	},
	{
		method: http.MethodPatch, pattern: "/api/v1/sessions/:id",
		call: func(e *env, role string) *response {
			return e.send(http.MethodPatch, "/api/v1/sessions/"+itoa(e.publishedSession(role)), role, map[string]any{"title": "Coffee and cake"})
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{asOrgAdmin: http.StatusOK, asBooker: http.StatusOK}),
	},
	{
		method: http.MethodDelete, pattern: "/api/v1/sessions/:id",
		call: func(e *env, role string) *response {
			return e.send(http.MethodDelete, "/api/v1/sessions/"+itoa(e.publishedSession(role)), role, nil)
		},
		want: signedInStatuses(http.StatusForbidden, map[string]int{
			asOrgAdmin: http.StatusNoContent, asBooker: http.StatusNoContent,
			asAdmin: http.StatusNoContent, asManager: http.StatusNoContent,
		}),
	},
}
