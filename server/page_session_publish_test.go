package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// sessionFormValues is the session form filled in as orgA's walk.
func sessionFormValues() url.Values {
	return url.Values{
		"title": {"Tuesday health walk"}, "description": {"A gentle hour round Woodbank Park with a cuppa after."},
		"categories": {"physical_activity", "nature_gardening"}, "who_for": {"Adults of any fitness"},
		"cost": {"1.50"}, "cost_note": {"Pay what you can"}, "join": {"referral"}, "contact": {"Ask at reception"},
		"referral_contact": {"walks@example.org"}, "languages": {"English, Polish"}, "access_notes": {"Flat, paved paths"},
	}
}

// withValues is the form with some values changed; a nil value removes
// the field.
func withValues(base url.Values, changes map[string][]string) url.Values {
	out := url.Values{}
	for k, vs := range base {
		out[k] = slices.Clone(vs)
	}
	for k, vs := range changes {
		if vs == nil {
			delete(out, k)
		} else {
			out[k] = vs
		}
	}
	return out
}

// publishedID reads the session's id from the redirect to its page.
func publishedID(t *testing.T, r *response) int64 {
	t.Helper()
	r.wantStatus(http.StatusSeeOther)
	loc := r.Header().Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/groups/"), 10, 64)
	if !strings.HasPrefix(loc, "/groups/") || err != nil {
		t.Fatalf("redirect to %q, want a session's page", loc)
	}
	return id
}

// listedSession reads a session from the API as a role.
func (e *env) listedSession(id int64, as string) sessionJSON {
	e.t.Helper()
	var s sessionJSON
	e.get("/api/v1/sessions/"+itoa(id), as).wantStatus(http.StatusOK).decode(&s)
	return s
}

// confirmedBooking books spaceA for verified orgA for an hour from start.
func (e *env) confirmedBooking(start time.Time) bookingJSON {
	e.t.Helper()
	e.openAllDay()
	e.verify(e.orgA)
	return e.book(asBooker, e.bookingBody(start.UTC().Format(time.RFC3339)))
}

func TestPublishSessionPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		sr := e.createSeries(asBooker, e.seriesBody("2026-12-01", "10:00", "11:00",
			map[string]any{"frequency": "weekly", "count": 6}))
		seriesPath := "/series/" + itoa(sr.ID)
		occurrence := "/bookings/" + itoa(sr.Occurrences[1].BookingID)
		var id int64

		e.step(t, "the series' page offers its group to publish it, and no one else", func(t *testing.T) {
			e.getPage(seriesPath, asBooker).wantStatus(http.StatusOK).
				wantBody("Publish as a session", `href="`+seriesPath+`/publish"`)
			e.getPage(occurrence, asOrgAdmin).wantStatus(http.StatusOK).
				wantBody("Publish as a session", `href="`+seriesPath+`/publish"`, "the weekly booking this date is part of")
			for _, as := range []string{asManager, asAdmin} {
				e.getPage(seriesPath, as).wantStatus(http.StatusOK).wantNoBody("Publish as a session", "/publish")
			}
		})

		e.step(t, "the form says what becomes public", func(t *testing.T) {
			e.getPage(seriesPath+"/publish", asBooker).wantStatus(http.StatusOK).
				wantBody("What will be public", "never see what the booking is for", "Every Tuesday, 10am to 11am",
					`<form action="`+seriesPath+`/publish" method="post"`, `<textarea class="nhsuk-textarea" id="description"`,
					`id="categories" name="categories" type="checkbox" value="physical_activity"`,
					`id="join" name="join" type="radio" value="drop_in"`, "Get in touch first", "Referral needed",
					`<div class="nhsuk-input-wrapper__prefix" aria-hidden="true">£</div>`,
					`<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">What kind of session is it?</legend>`,
					`<label class="nhsuk-label" for="referral_contact">`, "it is never shown in public")
		})

		e.step(t, "a date of the series leads to publishing the series", func(t *testing.T) {
			e.getPage(occurrence+"/publish", asBooker).wantRedirect(seriesPath + "/publish")
		})

		e.step(t, "what is wrong is listed and shown at each input; nothing is stored", func(t *testing.T) {
			before := e.sessionsSnapshot()
			long := func(n int) []string { return []string{strings.Repeat("a", n)} }
			for _, c := range []struct {
				name    string
				changes map[string][]string
				id, msg string
			}{
				{"no title", map[string][]string{"title": {"  "}}, "title", "Enter a title"},
				{"a long title", map[string][]string{"title": long(121)}, "title", "The title must be at most 120 characters"},
				{"no description", map[string][]string{"description": nil}, "description", "Enter a description"},
				{"a long description", map[string][]string{"description": long(4001)}, "description", "The description must be at most 4000 characters"},
				{"no category", map[string][]string{"categories": nil}, "categories", "Select at least one kind of session"},
				{"five categories", map[string][]string{"categories": {"carers", "families", "bereavement", "older_people", "young_people"}}, "categories", "Select up to 4 categories"},
				{"a category not on the list", map[string][]string{"categories": {"knitting"}}, "categories", "Select kinds of session from the list"},
				{"a long who for", map[string][]string{"who_for": long(301)}, "who_for", "Who it is for must be at most 300 characters"},
				{"a cost in words", map[string][]string{"cost": {"abc"}}, "cost", "Enter the cost in pounds, like 2.50"},
				{"a cost below nothing", map[string][]string{"cost": {"-1"}}, "cost", "Enter the cost in pounds, like 2.50"},
				{"a cost in fractions of a penny", map[string][]string{"cost": {"1.505"}}, "cost", "Enter the cost in pounds, like 2.50"},
				{"a cost over £100", map[string][]string{"cost": {"200"}}, "cost", "The cost must be £100.00 or less"},
				{"a long cost note", map[string][]string{"cost_note": long(301)}, "cost_note", "The note about the cost must be at most 300 characters"},
				{"no way to join", map[string][]string{"join": nil}, "join", "Select how people join the session"},
				{"a way to join not on the list", map[string][]string{"join": {"walk_in"}}, "join", "Select how people join the session"},
				{"a referral with no contact", map[string][]string{"contact": {""}, "referral_contact": {""}}, "contact", "Give a contact for referrals"},
				{"a long contact", map[string][]string{"contact": long(301)}, "contact", "The contact must be at most 300 characters"},
				{"a long referral contact", map[string][]string{"referral_contact": long(301)}, "referral_contact", "The contact for link workers must be at most 300 characters"},
				{"eleven languages", map[string][]string{"languages": {"a, b, c, d, e, f, g, h, i, j, k"}}, "languages", "List at most 10 languages"},
				{"a long language", map[string][]string{"languages": {"English, " + strings.Repeat("x", 41)}}, "languages", "Each language is a name of 1 to 40 characters"},
				{"long access notes", map[string][]string{"access_notes": long(301)}, "access_notes", "The access notes must be at most 300 characters"},
			} {
				e.step(t, c.name, func(t *testing.T) {
					form := withValues(sessionFormValues(), c.changes)
					if c.id != "who_for" {
						form.Set("who_for", "Adults <and> carers")
					}
					r := e.postForm(seriesPath+"/publish", asBooker, form).wantStatus(http.StatusUnprocessableEntity).
						wantBody(`<h2 class="nhsuk-error-summary__heading">There is a problem</h2>`,
							`<a href="#`+c.id+`">`+c.msg, `<span class="nhsuk-error-message" id="`+c.id+`-error">`)
					if c.id != "who_for" {
						r.wantBody(`value="Adults &lt;and&gt; carers"`)
					}
				})
			}
			e.step(t, "every problem at once, in the form's order", func(t *testing.T) {
				form := url.Values{"cost": {"abc"}, "languages": {"English"}}
				body := e.postForm(seriesPath+"/publish", asBooker, form).wantStatus(http.StatusUnprocessableEntity).
					wantBody(`value="abc"`, `value="English"`).Body.String()
				last := -1
				for _, id := range []string{"title", "description", "categories", "cost", "join"} {
					i := strings.Index(body, `<a href="#`+id+`">`)
					if i < 0 || i < last {
						t.Errorf("the summary's link to #%s is missing or out of order", id)
					}
					last = i
				}
			})
			e.wantSessionsUnchanged(before)
		})

		e.step(t, "published through the form, it is found at its API address", func(t *testing.T) {
			r := e.postForm(seriesPath+"/publish", asBooker, sessionFormValues())
			id = publishedID(t, r)
			if !strings.Contains(r.flash(), "Your session is published") {
				t.Errorf("flash %q", r.flash())
			}
			s := e.listedSession(id, anonymous)
			if s.Title != "Tuesday health walk" || s.CostPence != 150 || s.Join != "referral" || s.Contact != "Ask at reception" ||
				s.WhoFor != "Adults of any fitness" || s.CostNote != "Pay what you can" || s.AccessNotes != "Flat, paved paths" ||
				!slices.Equal(s.Categories, []string{"physical_activity", "nature_gardening"}) ||
				!slices.Equal(s.Languages, []string{"English", "Polish"}) || s.ReferralContact != nil || len(s.NextDates) != 6 {
				t.Errorf("published: %+v", s)
			}
			if rc := e.listedSession(id, asLinkWorker).ReferralContact; rc == nil || *rc != "walks@example.org" {
				t.Errorf("a link worker's referral contact: %v", rc)
			}
		})

		e.step(t, "the series and its dates lead to the session", func(t *testing.T) {
			for _, path := range []string{seriesPath, occurrence} {
				e.getPage(path, asBooker).wantStatus(http.StatusOK).
					wantBody("Published as a session", `href="/groups/`+itoa(id)+`"`, `href="/groups/`+itoa(id)+`/edit"`).
					wantNoBody("Publish as a session")
			}
			e.getPage(seriesPath, asManager).wantNoBody("Published as a session")
		})

		e.step(t, "publishing it again leads to changing it", func(t *testing.T) {
			before := e.sessionsSnapshot()
			e.getPage(seriesPath+"/publish", asBooker).wantRedirect("/groups/" + itoa(id) + "/edit")
			e.postForm(seriesPath+"/publish", asOrgAdmin, sessionFormValues()).wantRedirect("/groups/" + itoa(id) + "/edit")
			e.wantSessionsUnchanged(before)
		})

		e.step(t, "the change form shows what the session says", func(t *testing.T) {
			e.getPage("/groups/"+itoa(id)+"/edit", asOrgAdmin).wantStatus(http.StatusOK).
				wantBody("Change your session", `value="Tuesday health walk"`, `value="1.50"`, `value="English, Polish"`,
					`value="physical_activity" checked`, `value="nature_gardening" checked`, `value="referral" checked`,
					`value="walks@example.org"`, `href="/groups/`+itoa(id)+`/unpublish"`).
				wantNoBody(`value="carers" checked`)
		})

		e.step(t, "costs are typed in pounds", func(t *testing.T) {
			for _, c := range []struct {
				typed string
				pence int64
			}{{"1.5", 150}, {"£2", 200}, {" £ 0.75 ", 75}, {"100", 10000}, {"0", 0}, {"", 0}} {
				e.postForm("/groups/"+itoa(id)+"/edit", asBooker, withValues(sessionFormValues(), map[string][]string{"cost": {c.typed}})).
					wantRedirect("/groups/" + itoa(id))
				if got := e.listedSession(id, anonymous).CostPence; got != c.pence {
					t.Errorf("cost %q saved as %d pence, want %d", c.typed, got, c.pence)
				}
			}
		})

		e.step(t, "a change is saved, all of it", func(t *testing.T) {
			form := withValues(sessionFormValues(), map[string][]string{
				"title": {"Tuesday walk and talk"}, "categories": {"mental_wellbeing"}, "join": {"drop_in"},
				"referral_contact": {""}, "languages": {""}, "cost": {""},
			})
			r := e.postForm("/groups/"+itoa(id)+"/edit", asBooker, form).wantRedirect("/groups/" + itoa(id))
			if !strings.Contains(r.flash(), "changes to the session are saved") {
				t.Errorf("flash %q", r.flash())
			}
			s := e.listedSession(id, asBooker)
			if s.Title != "Tuesday walk and talk" || !slices.Equal(s.Categories, []string{"mental_wellbeing"}) || s.Join != "drop_in" ||
				len(s.Languages) != 0 || s.CostPence != 0 || s.ReferralContact == nil || *s.ReferralContact != "" {
				t.Errorf("after the change: %+v", s)
			}
		})

		e.step(t, "a bad change is refused and changes nothing", func(t *testing.T) {
			before := e.sessionsSnapshot()
			e.postForm("/groups/"+itoa(id)+"/edit", asBooker, withValues(sessionFormValues(),
				map[string][]string{"title": {""}, "cost": {"200"}})).
				wantStatus(http.StatusUnprocessableEntity).
				wantBody(`<a href="#title">Enter a title</a>`, `<a href="#cost">The cost must be £100.00 or less`, `value="200"`)
			e.wantSessionsUnchanged(before)
		})

		e.step(t, "taken down by its group, the session goes and the bookings stay", func(t *testing.T) {
			bookings := e.countBookings()
			e.getPage("/groups/"+itoa(id)+"/unpublish", asBooker).wantStatus(http.StatusOK).
				wantBody("Take this session down?", "It disappears from search and calendars at once", "Your bookings stay",
					`<form action="/groups/`+itoa(id)+`/unpublish" method="post"`)
			r := e.postForm("/groups/"+itoa(id)+"/unpublish", asBooker, nil).wantRedirect(seriesPath)
			if !strings.Contains(r.flash(), "taken down") {
				t.Errorf("flash %q", r.flash())
			}
			e.get("/api/v1/sessions/"+itoa(id), anonymous).wantStatus(http.StatusNotFound)
			if n := e.countBookings(); n != bookings {
				t.Errorf("%d bookings after taking the session down, want %d", n, bookings)
			}
			e.getPage(seriesPath, asBooker).wantBody("Publish as a session").wantNoBody("Published as a session")
			e.getPage("/groups/"+itoa(id)+"/edit", asBooker).wantStatus(http.StatusNotFound)
		})
	})
}

func TestPublishPagePermissions(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		b := e.confirmedBooking(time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC))
		path := "/bookings/" + itoa(b.ID)

		e.step(t, "only the group is offered to publish a booking", func(t *testing.T) {
			e.getPage(path, asBooker).wantStatus(http.StatusOK).wantBody("Publish as a session", `href="`+path+`/publish"`)
			for _, as := range []string{asManager, asAdmin} {
				e.getPage(path, as).wantStatus(http.StatusOK).wantNoBody("Publish as a session", path+"/publish")
			}
		})

		e.step(t, "others get what the API gives them, and nothing is stored", func(t *testing.T) {
			before := e.sessionsSnapshot()
			for as, status := range map[string]int{
				asManager: http.StatusForbidden, asAdmin: http.StatusForbidden, asOtherMgr: http.StatusNotFound,
				asOtherMember: http.StatusNotFound, asLinkWorker: http.StatusNotFound,
			} {
				e.getPage(path+"/publish", as).wantStatus(status)
				e.postForm(path+"/publish", as, sessionFormValues()).wantStatus(status)
				e.postForm(path+"/publish", as, url.Values{"title": {""}}).wantStatus(status)
			}
			e.getPage("/bookings/99999/publish", asBooker).wantStatus(http.StatusNotFound)
			e.getPage("/series/99999/publish", asBooker).wantStatus(http.StatusNotFound)
			e.wantSessionsUnchanged(before)
		})

		e.step(t, "a cancelled or past booking cannot be published", func(t *testing.T) {
			gone := e.confirmedBooking(time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC))
			e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", gone.ID), asBooker,
				map[string]any{"reason": "Not needed"}).wantStatus(http.StatusOK)
			gonePath := "/bookings/" + itoa(gone.ID)
			e.getPage(gonePath, asBooker).wantStatus(http.StatusOK).wantNoBody("Publish as a session")
			e.getPage(gonePath+"/publish", asBooker).wantStatus(http.StatusConflict).
				wantBody("Only a confirmed booking with a date still to come can be published")
			e.postForm(gonePath+"/publish", asBooker, sessionFormValues()).wantStatus(http.StatusConflict)
			// The booker's session must outlast the clock moved on.
			must(t, e.store.DB.Model(&models.Session{}).Where("user_id = ?", e.users[asBooker].ID).
				Update("expires_at", models.Instant(testClock.AddDate(1, 0, 0))).Error)
			later := e.atClock(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
			later.withT(t, func() {
				later.getPage(path, asBooker).wantStatus(http.StatusOK).wantNoBody("Publish as a session")
				later.getPage(path+"/publish", asBooker).wantStatus(http.StatusConflict)
			})
		})

		var id int64
		e.step(t, "its group publishes it", func(t *testing.T) {
			id = publishedID(t, e.postForm(path+"/publish", asBooker, sessionFormValues()))
			if s := e.listedSession(id, anonymous); s.Place.SiteID != e.siteA.ID || len(s.NextDates) != 1 {
				t.Errorf("a booking published: %+v", s)
			}
		})

		e.step(t, "only its group changes it", func(t *testing.T) {
			before := e.sessionsSnapshot()
			edit := "/groups/" + itoa(id) + "/edit"
			for _, as := range []string{asLinkWorker, asManager, asAdmin, asOtherMgr, asOtherMember} {
				e.getPage(edit, as).wantStatus(http.StatusForbidden)
				e.postForm(edit, as, withValues(sessionFormValues(), map[string][]string{"title": {"Hijacked"}})).
					wantStatus(http.StatusForbidden)
			}
			e.getPage(edit, anonymous).wantRedirect("/sign-in?next=" + url.QueryEscape(edit))
			e.postForm(edit, anonymous, sessionFormValues()).wantStatus(http.StatusUnauthorized)
			e.getPage("/groups/99999/edit", asBooker).wantStatus(http.StatusNotFound)
			e.getPage("/groups/x/edit", asBooker).wantStatus(http.StatusNotFound)
			e.wantSessionsUnchanged(before)
		})

		e.step(t, "only its group and the site's staff take it down", func(t *testing.T) {
			before := e.sessionsSnapshot()
			down := "/groups/" + itoa(id) + "/unpublish"
			for _, as := range []string{asLinkWorker, asOtherMgr, asOtherMember} {
				e.getPage(down, as).wantStatus(http.StatusForbidden)
				e.postForm(down, as, nil).wantStatus(http.StatusForbidden)
			}
			e.postForm("/groups/99999/unpublish", asManager, nil).wantStatus(http.StatusNotFound)
			e.wantSessionsUnchanged(before)
			e.getPage(down, asManager).wantStatus(http.StatusOK).
				wantBody("Take this session down?", "The group’s bookings stay").wantNoBody("Your bookings stay")
			e.postForm(down, asManager, nil).wantRedirect("/groups")
			e.get("/api/v1/sessions/"+itoa(id), asBooker).wantStatus(http.StatusNotFound)
			if e.bookingState(b.ID) != "confirmed" {
				t.Errorf("the booking is %s after its session was taken down", e.bookingState(b.ID))
			}
			e.getPage(path, asBooker).wantBody("Publish as a session")
		})
	})
}

// sessionFieldNames are the names of the session form's inputs.
var sessionFieldNames = []string{"title", "description", "categories", "who_for", "cost", "cost_note", "join",
	"contact", "referral_contact", "languages", "access_notes"}

// sessionHostileValues are values a cost, a choice or a list might be
// sent as, besides hostileValues.
var sessionHostileValues = append(slices.Clone(hostileValues), "£", "£-1", "1.", ".5", "1,00,0.5", "NaN", "Inf", "0x10",
	"１２", "physical_activity", "referral", ",,,", strings.Repeat("ü", 5000), "<script>alert(1)</script>")

// hostileText are the values tried in a text input on its own: its
// length and characters are all the form reads of it.
var hostileText = []string{"", " ", "\u202egnp.sj", strings.Repeat("ü", 5000), "<script>alert(1)</script>", "\r\n"}

func TestNoServerErrorOnPublishPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		ctx, n := context.Background(), 0
		// path fills a pattern's id with a fresh confirmed booking, series
		// or session of orgA's, each in an hour of its own.
		path := func(pattern string) string {
			n++
			start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Hour)
			req := booking.Request{SpaceID: e.spaceA.ID, OrganisationID: e.orgA.ID, ByUserID: e.users[asBooker].ID,
				Purpose: "community", Attendees: 2, Verified: true, Interval: booking.Interval{Start: start, End: start.Add(time.Hour)}}
			if strings.HasPrefix(pattern, "/series/") {
				res, err := e.srv.bookings.BookSeries(ctx, booking.SeriesRequest{Request: req,
					First: booking.DateOf(start, booking.London), StartClock: clockOf(start), EndClock: clockOf(start) + 60,
					Recurrence: booking.Recurrence{Frequency: booking.Weekly, Count: 1}})
				must(e.t, err)
				return strings.Replace(pattern, ":id", itoa(res.SeriesID), 1)
			}
			id, state, err := e.srv.bookings.Book(ctx, req)
			must(e.t, err)
			if state != booking.Confirmed {
				e.t.Fatalf("a booking for a hostile request is %s", state)
			}
			if strings.HasPrefix(pattern, "/groups/") {
				l := &models.Listing{BookingID: &id}
				l.Publish(booking.Listing{Title: "Coffee morning", Description: "Tea and a chat.",
					Categories: []string{"older_people"}, Join: "drop_in"})
				must(e.t, e.store.PublishListing(ctx, l, testClock))
				id = l.ID
			}
			return strings.Replace(pattern, ":id", itoa(id), 1)
		}
		patterns := []string{"/bookings/:id/publish", "/series/:id/publish", "/groups/:id/edit", "/groups/:id/unpublish"}

		e.step(t, "every input hostile at once", func(t *testing.T) {
			for _, pattern := range patterns {
				if r := e.getPage(path(pattern), asBooker); r.Code != http.StatusOK {
					t.Errorf("GET %s: status %d", pattern, r.Code)
				}
				for i, v := range sessionHostileValues {
					values := url.Values{}
					for _, f := range sessionFieldNames {
						values.Set(f, v)
					}
					if r := e.postForm(path(pattern), asBooker, values); r.Code >= 500 {
						t.Errorf("POST %s with value %d: status %d; body %.500s", pattern, i, r.Code, r.Body.String())
					}
				}
			}
		})

		e.step(t, "one hostile input of a valid form is saved or refused with a 422", func(t *testing.T) {
			edit := path("/groups/:id/edit")
			for _, field := range sessionFieldNames {
				values := hostileText
				if slices.Contains([]string{"categories", "cost", "join", "languages"}, field) {
					values = sessionHostileValues
				}
				for i, v := range values {
					for _, to := range []string{path("/bookings/:id/publish"), edit} {
						form := sessionFormValues()
						form.Set(field, v)
						r := e.postForm(to, asBooker, form)
						if r.Code != http.StatusSeeOther && r.Code != http.StatusUnprocessableEntity {
							t.Errorf("%s with %s as value %d: status %d; body %.300s", to, field, i, r.Code, r.Body.String())
						}
					}
				}
			}
		})
	})
}

// roleSeries is a confirmed weekly series of verified orgA for a row of
// the route table, from two weeks after the role's own day at an hour of
// the role's own.
func (e *env) roleSeries(role string) int64 {
	e.t.Helper()
	e.openAllDay()
	e.verify(e.orgA)
	hour := 8 + slices.Index(allRoles, role)
	return e.createSeries(asBooker, e.seriesBody(roleDay(role).AddDays(14).String(),
		fmt.Sprintf("%02d:00", hour), fmt.Sprintf("%02d:00", hour+1), map[string]any{"frequency": "weekly", "count": 3})).ID
}

// sessionPublishStatuses are the answers to publishing orgA's booking or
// series: def for its members; 403 for the staff who see it, as the API
// gives; 404 for everyone else.
func sessionPublishStatuses(def, anon int) map[string]int {
	return roleStatuses(http.StatusNotFound, map[string]int{
		anonymous: anon, asAdmin: pageForbidden, asManager: pageForbidden, asOrgAdmin: def, asBooker: def,
	})
}

// sessionPageRouteCases are the rows of the route × role table for the
// pages that publish, change and take down sessions. Each role acts on a
// booking, series or session of its own.
var sessionPageRouteCases = []routeCase{
	{
		method: http.MethodGet, pattern: "/bookings/:id/publish",
		call: func(e *env, role string) *response {
			return e.getPage("/bookings/"+itoa(e.roleDay(role).ID)+"/publish", role)
		},
		want: sessionPublishStatuses(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/bookings/:id/publish",
		call: func(e *env, role string) *response {
			return e.postForm("/bookings/"+itoa(e.roleDay(role).ID)+"/publish", role, sessionFormValues())
		},
		want: sessionPublishStatuses(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/series/:id/publish",
		call: func(e *env, role string) *response {
			return e.getPage("/series/"+itoa(e.roleSeries(role))+"/publish", role)
		},
		want: sessionPublishStatuses(http.StatusOK, pageToSignIn),
	},
	{
		method: http.MethodPost, pattern: "/series/:id/publish",
		call: func(e *env, role string) *response {
			return e.postForm("/series/"+itoa(e.roleSeries(role))+"/publish", role, sessionFormValues())
		},
		want: sessionPublishStatuses(pageSaved, http.StatusUnauthorized),
	},
	{
		method: http.MethodGet, pattern: "/groups/:id/edit",
		call: func(e *env, role string) *response {
			return e.getPage("/groups/"+itoa(e.publishedSession(role))+"/edit", role)
		},
		want: roleStatuses(pageForbidden, map[string]int{anonymous: pageToSignIn, asOrgAdmin: http.StatusOK, asBooker: http.StatusOK}),
	},
	{
		method: http.MethodPost, pattern: "/groups/:id/edit",
		call: func(e *env, role string) *response {
			return e.postForm("/groups/"+itoa(e.publishedSession(role))+"/edit", role, sessionFormValues())
		},
		want: roleStatuses(pageForbidden, map[string]int{anonymous: http.StatusUnauthorized, asOrgAdmin: pageSaved, asBooker: pageSaved}),
	},
	{
		method: http.MethodGet, pattern: "/groups/:id/unpublish",
		call: func(e *env, role string) *response {
			return e.getPage("/groups/"+itoa(e.publishedSession(role))+"/unpublish", role)
		},
		want: roleStatuses(pageForbidden, map[string]int{
			anonymous: pageToSignIn, asAdmin: http.StatusOK, asManager: http.StatusOK, asOrgAdmin: http.StatusOK, asBooker: http.StatusOK,
		}),
	},
	{
		method: http.MethodPost, pattern: "/groups/:id/unpublish",
		call: func(e *env, role string) *response {
			return e.postForm("/groups/"+itoa(e.publishedSession(role))+"/unpublish", role, nil)
		},
		want: roleStatuses(pageForbidden, map[string]int{
			anonymous: http.StatusUnauthorized, asAdmin: pageSaved, asManager: pageSaved, asOrgAdmin: pageSaved, asBooker: pageSaved,
		}),
	},
}

// otherGroupSession publishes a booking of orgB's at siteB as a session
// and returns its id: a session to change that leaves orgA as it was.
func (e *env) otherGroupSession() int64 {
	e.t.Helper()
	e.openAllDay()
	e.verify(e.orgB)
	start := time.Date(2026, 12, 9, 18, 0, 0, 0, time.UTC)
	id, state, err := e.srv.bookings.Book(context.Background(), booking.Request{
		SpaceID: e.spaceB.ID, OrganisationID: e.orgB.ID, ByUserID: e.users[asOtherMember].ID,
		Interval: booking.Interval{Start: start, End: start.Add(2 * time.Hour)}, Purpose: "community", Attendees: 4, Verified: true,
	})
	must(e.t, err)
	if state != booking.Confirmed {
		e.t.Fatalf("orgB's booking is %s", state)
	}
	l := &models.Listing{BookingID: &id}
	l.Publish(booking.Listing{Title: "Knit and natter", Description: "Bring your needles.",
		Categories: []string{"arts_creativity"}, Join: "drop_in"})
	must(e.t, e.store.PublishListing(context.Background(), l, testClock))
	return l.ID
}
