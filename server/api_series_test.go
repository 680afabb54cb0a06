package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// seriesBody is a valid series of spaceA for orgA.
func (e *env) seriesBody(first, start, end string, recurrence map[string]any) map[string]any {
	return map[string]any{
		"space_id": e.spaceA.ID, "organisation_id": e.orgA.ID, "first_date": first,
		"start_time": start, "end_time": end, "recurrence": recurrence,
		"purpose": "social_prescribing", "attendees": 5, "notes": "Walk and talk",
	}
}

// createSeries books a series through the API and returns it.
func (e *env) createSeries(as string, body map[string]any) seriesJSON {
	e.t.Helper()
	var sr seriesJSON
	e.send(http.MethodPost, "/api/v1/series", as, body).wantStatus(http.StatusCreated).decode(&sr)
	return sr
}

// closeDay closes a site for one London day.
func (e *env) closeDay(site *models.Site, date string) {
	e.t.Helper()
	d, err := booking.ParseDate(date)
	must(e.t, err)
	c := models.Closure{SiteID: &site.ID, StartsAt: booking.AtOrAfter(d, 0, booking.London),
		EndsAt: booking.AtOrAfter(d.AddDays(1), 0, booking.London), Reason: "Bank holiday", CreatedAt: models.Now()}
	must(e.t, e.store.DB.Create(&c).Error)
}

func dates(os []occurrenceJSON) []string {
	out := []string{}
	for _, o := range os {
		out = append(out, o.Date)
	}
	return out
}

func TestSeriesAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		e.closeDay(e.siteA, "2026-12-15")
		var weekly seriesJSON
		t.Run("a weekly series skips closed and unwanted dates and reports them", func(t *testing.T) {
			e.withT(t, func() {
				r := e.send(http.MethodPost, "/api/v1/series", asBooker, e.seriesBody("2026-12-01", "10:00", "12:00", map[string]any{
					"frequency": "weekly", "until": "2026-12-29", "skip": []string{"2026-12-22"},
				})).wantStatus(http.StatusCreated)
				r.decode(&weekly)
				if got := fmt.Sprint(dates(weekly.Occurrences)); got != "[2026-12-01 2026-12-08 2026-12-29]" {
					t.Errorf("booked %s", got)
				}
				if len(weekly.Unbooked) != 1 || weekly.Unbooked[0].Date != "2026-12-15" || !weekly.Unbooked[0].Closed {
					t.Errorf("unbooked %+v", weekly.Unbooked)
				}
				if weekly.Recurrence.Frequency != "weekly" || weekly.Recurrence.Interval != 1 || weekly.Recurrence.Until == nil ||
					*weekly.Recurrence.Until != "2026-12-29" || weekly.Recurrence.Count != nil || fmt.Sprint(weekly.Recurrence.Skip) != "[2026-12-22]" ||
					weekly.StartTime != "10:00" || weekly.EndTime != "12:00" || weekly.SpaceName != e.spaceA.Name || weekly.OrganisationName != e.orgA.Name {
					t.Errorf("series %+v", weekly)
				}
				if loc := r.Header().Get("Location"); loc != fmt.Sprintf("/api/v1/series/%d", weekly.ID) {
					t.Errorf("Location %q", loc)
				}
				for _, o := range weekly.Occurrences {
					if o.State != booking.Confirmed || o.EndsAt.Sub(o.StartsAt) != 2*time.Hour {
						t.Errorf("occurrence %+v", o)
					}
				}
				var b bookingJSON
				e.get(fmt.Sprintf("/api/v1/bookings/%d", weekly.Occurrences[0].BookingID), asBooker).wantStatus(http.StatusOK).decode(&b)
				if b.SeriesID == nil || *b.SeriesID != weekly.ID || b.Purpose != "social_prescribing" {
					t.Errorf("occurrence booking %+v", b)
				}
			})
		})
		t.Run("all or nothing books nothing and lists every clashing date", func(t *testing.T) {
			e.withT(t, func() {
				before := e.countBookings()
				p := e.send(http.MethodPost, "/api/v1/series", asOrgAdmin, e.seriesBody("2026-12-01", "11:00", "13:00", map[string]any{
					"frequency": "weekly", "count": 5,
				})).wantProblem(http.StatusConflict, nil)
				var got []string
				for _, d := range p.Dates {
					got = append(got, d.Date)
				}
				if fmt.Sprint(got) != "[2026-12-01 2026-12-08 2026-12-29]" {
					t.Errorf("dates %v", p.Dates)
				}
				if e.countBookings() != before {
					t.Error("an all-or-nothing series booked some dates")
				}
			})
		})
		t.Run("book_available books the free dates", func(t *testing.T) {
			e.withT(t, func() {
				body := e.seriesBody("2026-12-01", "11:00", "13:00", map[string]any{"frequency": "weekly", "count": 5})
				body["policy"] = "book_available"
				sr := e.createSeries(asOrgAdmin, body)
				if got := fmt.Sprint(dates(sr.Occurrences)); got != "[2026-12-22]" {
					t.Errorf("booked %s", got)
				}
				if len(sr.Unbooked) != 4 {
					t.Errorf("unbooked %+v", sr.Unbooked)
				}
			})
		})
		t.Run("every other week, and monthly on the nth weekday", func(t *testing.T) {
			e.withT(t, func() {
				sr := e.createSeries(asBooker, e.seriesBody("2026-12-02", "18:00", "19:30", map[string]any{
					"frequency": "weekly", "interval": 2, "count": 3,
				}))
				if got := fmt.Sprint(dates(sr.Occurrences)); got != "[2026-12-02 2026-12-16 2026-12-30]" || sr.Recurrence.Interval != 2 {
					t.Errorf("fortnightly %s %+v", got, sr.Recurrence)
				}
				sr = e.createSeries(asBooker, e.seriesBody("2026-12-10", "18:00", "19:30", map[string]any{
					"frequency": "monthly", "count": 3,
				}))
				if got := fmt.Sprint(dates(sr.Occurrences)); got != "[2026-12-10 2027-01-14 2027-02-11]" {
					t.Errorf("second Thursdays %s", got)
				}
			})
		})
		t.Run("a booking request with a recurrence books a series", func(t *testing.T) {
			e.withT(t, func() {
				body := e.bookingBody("2026-12-03T14:00:00Z")
				body["recurrence"] = map[string]any{"frequency": "weekly", "count": 2}
				var sr seriesJSON
				e.send(http.MethodPost, "/api/v1/bookings", asBooker, body).wantStatus(http.StatusCreated).decode(&sr)
				if got := fmt.Sprint(dates(sr.Occurrences)); got != "[2026-12-03 2026-12-10]" || sr.StartTime != "14:00" || sr.EndTime != "15:00" {
					t.Errorf("got %s %+v", got, sr)
				}
				if sr.Unbooked == nil {
					t.Error("unbooked is missing")
				}
			})
		})
		t.Run("others cannot see a series", func(t *testing.T) {
			e.withT(t, func() {
				path := fmt.Sprintf("/api/v1/series/%d", weekly.ID)
				for _, role := range []string{asOtherMgr, asOtherMember, asLinkWorker} {
					e.get(path, role).wantProblem(http.StatusNotFound, nil)
				}
				var got seriesJSON
				e.get(path, asManager).wantStatus(http.StatusOK).decode(&got)
				if got.ID != weekly.ID || len(got.Occurrences) != 3 || got.Unbooked != nil {
					t.Errorf("got %+v", got)
				}
			})
		})
		t.Run("one session is cancelled through its booking", func(t *testing.T) {
			e.withT(t, func() {
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/bookings/%d/cancel", weekly.Occurrences[1].BookingID), asBooker,
					map[string]any{"reason": "Christmas party"}).wantStatus(http.StatusOK)
				var got seriesJSON
				e.get(fmt.Sprintf("/api/v1/series/%d", weekly.ID), asBooker).wantStatus(http.StatusOK).decode(&got)
				if got.Occurrences[1].State != booking.Cancelled || got.Occurrences[0].State != booking.Confirmed {
					t.Errorf("got %+v", got.Occurrences)
				}
			})
		})
		t.Run("this and following", func(t *testing.T) {
			e.withT(t, func() {
				sr := e.createSeries(asBooker, e.seriesBody("2027-01-04", "09:00", "10:00", map[string]any{"frequency": "weekly", "count": 4}))
				var got seriesJSON
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID), asBooker,
					map[string]any{"scope": "from", "from": "2027-01-18", "reason": "Moving venue"}).wantStatus(http.StatusOK).decode(&got)
				states := []string{}
				for _, o := range got.Occurrences {
					states = append(states, o.State)
				}
				if fmt.Sprint(states) != "[confirmed confirmed cancelled cancelled]" {
					t.Errorf("states %v", states)
				}
				var b bookingJSON
				e.get(fmt.Sprintf("/api/v1/bookings/%d", got.Occurrences[3].BookingID), asBooker).wantStatus(http.StatusOK).decode(&b)
				if last := b.History[len(b.History)-1]; last.Reason != "Moving venue" || last.By.Name != e.users[asBooker].Name {
					t.Errorf("history %+v", b.History)
				}
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID), asManager,
					map[string]any{"scope": "all"}).wantStatus(http.StatusOK).decode(&got)
				for _, o := range got.Occurrences {
					if o.State != booking.Cancelled {
						t.Errorf("after cancelling all: %+v", got.Occurrences)
					}
				}
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID), asManager,
					map[string]any{"scope": "all"}).wantProblem(http.StatusConflict, nil)
				e.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID), asOtherMgr,
					map[string]any{"scope": "all"}).wantProblem(http.StatusNotFound, nil)
			})
		})
		t.Run("sessions that have started are history", func(t *testing.T) {
			e.withT(t, func() {
				sr := e.createSeries(asBooker, e.seriesBody("2026-12-05", "09:00", "10:00", map[string]any{"frequency": "weekly", "count": 3}))
				later := e.atClock(time.Date(2026, 12, 12, 9, 30, 0, 0, time.UTC))
				var got seriesJSON
				later.send(http.MethodPost, fmt.Sprintf("/api/v1/series/%d/cancel", sr.ID), asBooker,
					map[string]any{"scope": "all"}).wantStatus(http.StatusOK).decode(&got)
				states := []string{}
				for _, o := range got.Occurrences {
					states = append(states, o.State)
				}
				if fmt.Sprint(states) != "[confirmed confirmed cancelled]" {
					t.Errorf("states %v", states)
				}
			})
		})
	})
}

// TestSeriesAcrossClockChanges books a weekly series through the API from
// before the October 2026 change to after the March 2027 one: every session
// is 10:00–12:00 on the London wall clock.
func TestSeriesAcrossClockChanges(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.openAllDay()
		e.verify(e.orgA)
		e.spaceA.HorizonDays = 400
		must(t, e.store.UpdateSpace(context.Background(), e.spaceA))
		early := e.atClock(time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))
		sr := early.createSeries(asBooker, e.seriesBody("2026-10-13", "10:00", "12:00", map[string]any{
			"frequency": "weekly", "until": "2027-04-13",
		}))
		if len(sr.Occurrences) != 27 || len(sr.Unbooked) != 0 {
			t.Fatalf("booked %d, unbooked %+v", len(sr.Occurrences), sr.Unbooked)
		}
		offsets := map[int]int{}
		for _, o := range sr.Occurrences {
			local := o.StartsAt.In(booking.London)
			if local.Hour() != 10 || local.Minute() != 0 || o.EndsAt.Sub(o.StartsAt) != 2*time.Hour || local.Format(time.DateOnly) != o.Date {
				t.Errorf("%s starts %s London time", o.Date, local)
			}
			_, off := local.Zone()
			offsets[off/3600]++
		}
		// 13 and 20 October 2026 and 30 March to 13 April 2027 in summer time.
		if offsets[1] != 5 || offsets[0] != 22 {
			t.Errorf("UTC offsets %v", offsets)
		}
		for _, c := range []struct{ date, utc string }{
			{"2026-10-20", "2026-10-20T09:00:00Z"},
			{"2026-10-27", "2026-10-27T10:00:00Z"},
			{"2027-03-23", "2027-03-23T10:00:00Z"},
			{"2027-03-30", "2027-03-30T09:00:00Z"},
		} {
			found := false
			for _, o := range sr.Occurrences {
				if o.Date == c.date {
					found = true
					if got := o.StartsAt.Format(time.RFC3339); got != c.utc {
						t.Errorf("%s starts %s, want %s", c.date, got, c.utc)
					}
				}
			}
			if !found {
				t.Errorf("%s not booked", c.date)
			}
		}
	})
}
