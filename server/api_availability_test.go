package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// serveAt makes the fixtures' server run at another time, for tests that
// look at dates before the fixed test clock.
func (e *env) serveAt(now time.Time) {
	e.t.Helper()
	e.srv = e.atClock(now).srv
}

// storeBooking stores a booking row of orgA directly, in any state.
func (e *env) storeBooking(sp *models.Space, start, end, state string) int64 {
	e.t.Helper()
	s, en := mustUTC(start), mustUTC(end)
	b := models.Booking{SpaceID: sp.ID, OrganisationID: e.orgA.ID, StartsAt: s, EndsAt: en,
		BlockEnd: en.Add(time.Duration(sp.BufferMinutes) * time.Minute), State: state, Purpose: "community",
		Attendees: 4, CreatedAt: models.Now(), UpdatedAt: models.Now()}
	must(e.t, e.store.DB.Omit("Space", "Organisation", "Events").Create(&b).Error)
	return b.ID
}

func mustUTC(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// hours is a body of opening windows written "monday 09:00-17:00".
func hours(windows ...string) map[string]any {
	ws := []map[string]any{}
	for _, w := range windows {
		day, times, _ := strings.Cut(w, " ")
		opens, closes, _ := strings.Cut(times, "-")
		ws = append(ws, map[string]any{"weekday": day, "opens": opens, "closes": closes})
	}
	return map[string]any{"windows": ws}
}

// intervals formats free intervals as "start/end" in UTC, for comparing.
func intervals(ivs []intervalJSON) []string {
	out := make([]string, len(ivs))
	for i, iv := range ivs {
		out[i] = mustUTC(iv.StartsAt).Format(time.RFC3339) + "/" + mustUTC(iv.EndsAt).Format(time.RFC3339)
	}
	return out
}

func (e *env) availability(sp *models.Space, query, as string) spaceAvailabilityJSON {
	e.t.Helper()
	var got spaceAvailabilityJSON
	e.get(fmt.Sprintf("/api/v1/spaces/%d/availability?%s", sp.ID, query), as).wantStatus(http.StatusOK).decode(&got)
	return got
}

func TestOpeningHoursAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		siteHours := fmt.Sprintf("/api/v1/sites/%d/opening-hours", e.siteA.ID)
		spaceHours := fmt.Sprintf("/api/v1/spaces/%d/opening-hours", e.spaceA.ID)
		t.Run("a site without hours has none", func(t *testing.T) {
			var got siteOpeningHoursJSON
			e.get(siteHours, anonymous).wantStatus(http.StatusOK).decode(&got)
			if got.Windows == nil || len(got.Windows) != 0 {
				t.Fatalf("got %+v", got)
			}
		})
		t.Run("a manager sets a site's hours, read back Monday first", func(t *testing.T) {
			var got siteOpeningHoursJSON
			e.send(http.MethodPut, siteHours, asManager,
				hours("sunday 10:00-14:00", "monday 13:00-24:00", "monday 09:00-13:00", "saturday 09:30-12:00")).
				wantStatus(http.StatusOK).decode(&got)
			want := []openingWindowJSON{{"monday", "09:00", "13:00"}, {"monday", "13:00", "24:00"},
				{"saturday", "09:30", "12:00"}, {"sunday", "10:00", "14:00"}}
			if !slices.Equal(got.Windows, want) {
				t.Fatalf("got %+v, want %+v", got.Windows, want)
			}
			var again siteOpeningHoursJSON
			e.get(siteHours, anonymous).wantStatus(http.StatusOK).decode(&again)
			if !slices.Equal(again.Windows, want) {
				t.Fatalf("read back %+v", again.Windows)
			}
		})
		t.Run("a space follows its site until it has hours of its own", func(t *testing.T) {
			var got spaceOpeningHoursJSON
			e.get(spaceHours, anonymous).wantStatus(http.StatusOK).decode(&got)
			if got.Source != "site" || len(got.Windows) != 4 {
				t.Fatalf("got %+v", got)
			}
			e.send(http.MethodPut, spaceHours, asAdmin, hours("tuesday 18:00-21:00")).wantStatus(http.StatusOK).decode(&got)
			if got.Source != "space" || !slices.Equal(got.Windows, []openingWindowJSON{{"tuesday", "18:00", "21:00"}}) {
				t.Fatalf("own hours: %+v", got)
			}
			e.send(http.MethodPut, spaceHours, asManager, map[string]any{"use_site_hours": true}).wantStatus(http.StatusOK).decode(&got)
			if got.Source != "site" || len(got.Windows) != 4 {
				t.Fatalf("back to the site's: %+v", got)
			}
		})
		t.Run("an empty list closes a space every day", func(t *testing.T) {
			var got spaceOpeningHoursJSON
			e.send(http.MethodPut, spaceHours, asManager, map[string]any{"windows": []any{}}).wantStatus(http.StatusOK).decode(&got)
			if got.Source != "space" || len(got.Windows) != 0 {
				t.Fatalf("got %+v", got)
			}
			if free := e.availability(e.spaceA, "from=2026-11-30&to=2026-12-07", anonymous).Free; len(free) != 0 {
				t.Fatalf("a space closed every day is free at %v", free)
			}
			e.send(http.MethodPut, spaceHours, asManager, map[string]any{"use_site_hours": true}).wantStatus(http.StatusOK)
		})
		t.Run("only the site's managers change its hours", func(t *testing.T) {
			e.send(http.MethodPut, siteHours, asOtherMgr, hours("monday 09:00-10:00")).wantStatus(http.StatusForbidden)
			e.send(http.MethodPut, spaceHours, asOtherMgr, hours("monday 09:00-10:00")).wantStatus(http.StatusForbidden)
			e.send(http.MethodPut, fmt.Sprintf("/api/v1/spaces/%d/opening-hours", e.hiddenA.ID), asOtherMgr,
				hours("monday 09:00-10:00")).wantStatus(http.StatusNotFound)
			var got siteOpeningHoursJSON
			e.get(siteHours, anonymous).wantStatus(http.StatusOK).decode(&got)
			if len(got.Windows) != 4 {
				t.Fatalf("changed to %+v", got.Windows)
			}
		})
	})
}

func TestClosuresAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.send(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/opening-hours", e.siteA.ID), asManager,
			hours("monday 09:00-17:00", "tuesday 09:00-17:00", "wednesday 09:00-17:00")).wantStatus(http.StatusOK)
		booked := e.storeBooking(e.spaceA, "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", booking.Confirmed)
		e.storeBooking(e.spaceA, "2026-12-01T13:00:00Z", "2026-12-01T14:00:00Z", booking.Cancelled)
		e.storeBooking(e.spaceB, "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", booking.Confirmed)
		var created closureCreatedJSON
		t.Run("closing a site lists the active bookings it falls on and cancels none", func(t *testing.T) {
			e.send(http.MethodPost, "/api/v1/closures", asManager, map[string]any{
				"site_id": e.siteA.ID, "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-02T00:00:00Z", "reason": "Boiler replacement",
			}).wantStatus(http.StatusCreated).decode(&created)
			c := created.Closure
			if c.SiteID != e.siteA.ID || c.SiteName != e.siteA.Name || c.SpaceID != nil || c.Reason != "Boiler replacement" ||
				c.CreatedBy == nil || c.CreatedBy.ID != e.users[asManager].ID {
				t.Fatalf("closure %+v", c)
			}
			if len(created.AffectedBookings) != 1 {
				t.Fatalf("affected %+v", created.AffectedBookings)
			}
			a := created.AffectedBookings[0]
			if a.ID != booked || a.SpaceID != e.spaceA.ID || a.OrganisationName != e.orgA.Name || a.State != booking.Confirmed ||
				!a.StartsAt.Equal(mustUTC("2026-12-01T10:00:00Z")) {
				t.Fatalf("affected %+v", a)
			}
			b, err := e.store.BookingByID(context.Background(), booked)
			must(t, err)
			if b.State != booking.Confirmed {
				t.Fatalf("the booking is now %s", b.State)
			}
		})
		t.Run("free time leaves out the closed day", func(t *testing.T) {
			got := e.availability(e.spaceA, "from=2026-11-30&to=2026-12-03", anonymous)
			want := []string{"2026-11-30T09:00:00Z/2026-11-30T17:00:00Z", "2026-12-02T09:00:00Z/2026-12-02T17:00:00Z"}
			if !slices.Equal(intervals(got.Free), want) {
				t.Fatalf("free %v, want %v", intervals(got.Free), want)
			}
		})
		t.Run("anyone lists closures; a hidden space's only its managers", func(t *testing.T) {
			e.send(http.MethodPost, "/api/v1/closures", asAdmin, map[string]any{
				"space_id": e.hiddenA.ID, "starts_at": "2026-12-10T09:00:00Z", "ends_at": "2026-12-10T12:00:00Z", "reason": "Stocktake",
			}).wantStatus(http.StatusCreated)
			reasons := func(query, as string) []string {
				var list listJSON[closureJSON]
				e.get("/api/v1/closures?"+query, as).wantStatus(http.StatusOK).decode(&list)
				var out []string
				for _, c := range list.Items {
					out = append(out, c.Reason)
				}
				if int(list.Total) != len(out) {
					t.Errorf("total %d, listed %d", list.Total, len(out))
				}
				return out
			}
			if got := reasons("", anonymous); !slices.Equal(got, []string{"Boiler replacement"}) {
				t.Errorf("anonymous: %q", got)
			}
			if got := reasons("", asManager); !slices.Equal(got, []string{"Boiler replacement", "Stocktake"}) {
				t.Errorf("manager: %q", got)
			}
			if got := reasons(fmt.Sprintf("space=%d", e.spaceB.ID), anonymous); len(got) != 0 {
				t.Errorf("another site's space: %q", got)
			}
			if got := reasons(fmt.Sprintf("space=%d", e.spaceA.ID), anonymous); !slices.Equal(got, []string{"Boiler replacement"}) {
				t.Errorf("the site's closure applies to its space: %q", got)
			}
			if got := reasons("from=2026-12-02", asAdmin); !slices.Equal(got, []string{"Stocktake"}) {
				t.Errorf("from: %q", got)
			}
		})
		t.Run("one closure, then removed", func(t *testing.T) {
			path := fmt.Sprintf("/api/v1/closures/%d", created.Closure.ID)
			var got closureJSON
			e.get(path, anonymous).wantStatus(http.StatusOK).decode(&got)
			if got.ID != created.Closure.ID || got.Reason != "Boiler replacement" {
				t.Fatalf("got %+v", got)
			}
			e.send(http.MethodDelete, path, asOtherMgr, nil).wantStatus(http.StatusForbidden)
			e.send(http.MethodDelete, path, asManager, nil).wantStatus(http.StatusNoContent)
			e.get(path, anonymous).wantStatus(http.StatusNotFound)
			e.send(http.MethodDelete, path, asManager, nil).wantStatus(http.StatusNotFound)
			if free := e.availability(e.spaceA, "from=2026-12-01&to=2026-12-02", anonymous).Free; len(free) != 2 {
				t.Fatalf("after reopening: %v", intervals(free))
			}
		})
		t.Run("another site's manager may not close this one", func(t *testing.T) {
			e.send(http.MethodPost, "/api/v1/closures", asOtherMgr, map[string]any{
				"space_id": e.spaceA.ID, "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-02T00:00:00Z", "reason": "Mine now",
			}).wantStatus(http.StatusForbidden)
		})
	})
}

func TestAvailabilityAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		// siteA: Tuesdays 09:00–12:00; siteB: weekdays 09:00–17:00.
		e.send(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/opening-hours", e.siteA.ID), asManager,
			hours("tuesday 09:00-12:00")).wantStatus(http.StatusOK)
		e.send(http.MethodPut, fmt.Sprintf("/api/v1/sites/%d/opening-hours", e.siteB.ID), asOtherMgr,
			hours("monday 09:00-17:00", "tuesday 09:00-17:00", "wednesday 09:00-17:00", "thursday 09:00-17:00", "friday 09:00-17:00")).
			wantStatus(http.StatusOK)
		e.storeBooking(e.spaceA, "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", booking.Confirmed)
		e.storeBooking(e.spaceA, "2026-12-08T09:00:00Z", "2026-12-08T09:30:00Z", booking.Requested)
		e.storeBooking(e.spaceA, "2026-12-08T11:00:00Z", "2026-12-08T12:00:00Z", booking.Declined)

		t.Run("free time is opening hours less bookings, on the slot grid", func(t *testing.T) {
			got := e.availability(e.spaceA, "from=2026-12-01&to=2026-12-09", anonymous)
			want := []string{
				"2026-12-01T09:00:00Z/2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z/2026-12-01T12:00:00Z",
				"2026-12-08T09:30:00Z/2026-12-08T12:00:00Z",
			}
			if got.SpaceID != e.spaceA.ID || !got.From.Equal(mustUTC("2026-12-01T00:00:00Z")) || !got.To.Equal(mustUTC("2026-12-09T00:00:00Z")) ||
				!slices.Equal(intervals(got.Free), want) {
				t.Fatalf("got %+v, free %v, want %v", got, intervals(got.Free), want)
			}
		})
		t.Run("a turnaround buffer keeps time free around bookings", func(t *testing.T) {
			sp, err := e.store.SpaceByID(context.Background(), e.spaceB.ID)
			must(t, err)
			sp.BufferMinutes = 30
			must(t, e.store.UpdateSpace(context.Background(), sp))
			e.storeBooking(sp, "2026-12-02T12:00:00Z", "2026-12-02T13:00:00Z", booking.Confirmed)
			got := e.availability(sp, "from=2026-12-02&to=2026-12-03", anonymous)
			want := []string{"2026-12-02T09:00:00Z/2026-12-02T11:30:00Z", "2026-12-02T13:30:00Z/2026-12-02T17:00:00Z"}
			if !slices.Equal(intervals(got.Free), want) {
				t.Fatalf("free %v, want %v", intervals(got.Free), want)
			}
		})
		t.Run("the window defaults to a week from now, after the notice", func(t *testing.T) {
			got := e.availability(e.spaceB, "", anonymous)
			if !got.From.Equal(testClock) || !got.To.Equal(testClock.AddDate(0, 0, 7)) {
				t.Fatalf("window %v to %v", got.From, got.To)
			}
			// Saturday now; 24 hours' notice; weekdays from Monday 23rd.
			if len(got.Free) != 5 || got.Free[0].StartsAt != "2026-11-23T09:00:00Z" {
				t.Fatalf("free %v", intervals(got.Free))
			}
		})
		t.Run("a hidden space has no availability for the public", func(t *testing.T) {
			e.get(fmt.Sprintf("/api/v1/spaces/%d/availability", e.hiddenA.ID), anonymous).wantStatus(http.StatusNotFound)
			e.get(fmt.Sprintf("/api/v1/spaces/%d/availability", e.hiddenA.ID), asManager).wantStatus(http.StatusOK)
		})

		search := func(query, as string) availabilitySearchJSON {
			t.Helper()
			var got availabilitySearchJSON
			e.get("/api/v1/availability?"+query, as).wantStatus(http.StatusOK).decode(&got)
			return got
		}
		names := func(got availabilitySearchJSON) []string {
			var out []string
			for _, it := range got.Items {
				out = append(out, it.Space.Name)
			}
			return out
		}
		t.Run("search finds spaces free for long enough, with those intervals", func(t *testing.T) {
			got := search("from=2026-12-01&to=2026-12-02&duration=120", anonymous)
			if !slices.Equal(names(got), []string{"Meeting room"}) || got.Total != 1 || got.DurationMinutes != 120 {
				t.Fatalf("two hours on 1 December: %+v", got)
			}
			got = search("from=2026-12-01&to=2026-12-02&duration=60", anonymous)
			if !slices.Equal(names(got), []string{"Counselling room 1", "Meeting room"}) {
				t.Fatalf("an hour on 1 December: %v", names(got))
			}
			a := got.Items[0]
			if a.Space.ID != e.spaceA.ID || a.Space.SiteName != e.siteA.Name || !slices.Equal(a.Space.Features, []string{"sink"}) ||
				!slices.Equal(intervals(a.Free), []string{"2026-12-01T09:00:00Z/2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z/2026-12-01T12:00:00Z"}) {
				t.Fatalf("counselling room: %+v", a)
			}
			got = search("from=2026-12-08&to=2026-12-09&duration=120", anonymous)
			if len(got.Items) != 2 || !slices.Equal(intervals(got.Items[0].Free), []string{"2026-12-08T09:30:00Z/2026-12-08T12:00:00Z"}) {
				t.Fatalf("two hours on 8 December: %+v", got.Items)
			}
		})
		t.Run("search filters, pages, and shows hidden spaces to their managers", func(t *testing.T) {
			if got := search(fmt.Sprintf("from=2026-12-01&to=2026-12-02&site=%d", e.siteB.ID), anonymous); !slices.Equal(names(got), []string{"Meeting room"}) {
				t.Errorf("site: %v", names(got))
			}
			if got := search("from=2026-12-01&to=2026-12-02&min_capacity=7", anonymous); len(got.Items) != 0 {
				t.Errorf("capacity: %v", names(got))
			}
			if got := search("from=2026-12-01&to=2026-12-02&kind=hall", anonymous); len(got.Items) != 0 {
				t.Errorf("kind: %v", names(got))
			}
			if got := search("from=2026-12-01&to=2026-12-02&feature=SINK", anonymous); len(got.Items) != 2 {
				t.Errorf("feature: %v", names(got))
			}
			got := search("from=2026-12-01&to=2026-12-02&per_page=1&page=2", anonymous)
			if got.Total != 2 || got.Page != 2 || !slices.Equal(names(got), []string{"Meeting room"}) {
				t.Errorf("page 2: %+v", got)
			}
			if got := search("from=2026-12-01&to=2026-12-02", asManager); !slices.Contains(names(got), "Store room") {
				t.Errorf("manager: %v", names(got))
			}
			if got := search("from=2026-12-01&to=2026-12-02", asOtherMgr); slices.Contains(names(got), "Store room") {
				t.Errorf("another site's manager: %v", names(got))
			}
			if got := search("from=2026-12-01&to=2026-12-02&duration=600", anonymous); len(got.Items) != 0 {
				t.Errorf("longer than the longest booking: %v", names(got))
			}
		})
	})
}

// TestAvailabilityAcrossClockChanges pins the 2026 and 2027 clock changes
// through the API: weekly hours keep their wall-clock times, the hour
// skipped in spring is never free, and the repeated hour in autumn follows
// the documented rule (a time in it means its first occurrence).
func TestAvailabilityAcrossClockChanges(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sp, err := e.store.SpaceByID(ctx, e.spaceA.ID)
		must(t, err)
		sp.HorizonDays = 700
		must(t, e.store.UpdateSpace(ctx, sp))
		path := fmt.Sprintf("/api/v1/spaces/%d/opening-hours", sp.ID)
		setHours := func(body map[string]any) {
			t.Helper()
			e.send(http.MethodPut, path, asManager, body).wantStatus(http.StatusOK)
		}
		local := func(ivs []intervalJSON) []string {
			out := make([]string, len(ivs))
			for i, iv := range ivs {
				out[i] = mustUTC(iv.StartsAt).In(booking.London).Format("2006-01-02 15:04 MST") + "–" +
					mustUTC(iv.EndsAt).In(booking.London).Format("15:04 MST")
			}
			return out
		}

		t.Run("Tuesdays 10:00–12:00 stay 10:00–12:00 either side of 25 October 2026", func(t *testing.T) {
			e.serveAt(mustUTC("2026-10-01T10:00:00Z"))
			setHours(hours("tuesday 10:00-12:00"))
			got := e.availability(sp, "from=2026-10-13&to=2026-11-04", anonymous)
			want := []string{"2026-10-13T09:00:00Z/2026-10-13T11:00:00Z", "2026-10-20T09:00:00Z/2026-10-20T11:00:00Z",
				"2026-10-27T10:00:00Z/2026-10-27T12:00:00Z", "2026-11-03T10:00:00Z/2026-11-03T12:00:00Z"}
			if !slices.Equal(intervals(got.Free), want) {
				t.Fatalf("free %v, want %v", local(got.Free), want)
			}
			for _, l := range local(got.Free) {
				if !strings.Contains(l, " 10:00 ") || !strings.Contains(l, "–12:00 ") {
					t.Errorf("%s is not 10:00–12:00 on the wall clock", l)
				}
			}
		})
		t.Run("and either side of 28 March 2027", func(t *testing.T) {
			e.serveAt(mustUTC("2027-03-01T10:00:00Z"))
			got := e.availability(sp, "from=2027-03-16&to=2027-04-07", anonymous)
			want := []string{"2027-03-16T10:00:00Z/2027-03-16T12:00:00Z", "2027-03-23T10:00:00Z/2027-03-23T12:00:00Z",
				"2027-03-30T09:00:00Z/2027-03-30T11:00:00Z", "2027-04-06T09:00:00Z/2027-04-06T11:00:00Z"}
			if !slices.Equal(intervals(got.Free), want) {
				t.Fatalf("free %v, want %v", local(got.Free), want)
			}
		})
		for _, change := range []struct {
			clock, before, day, after string
		}{
			{"2026-03-01T10:00:00Z", "2026-03-22", "2026-03-29", "2026-04-05"},
			{"2027-03-01T10:00:00Z", "2027-03-21", "2027-03-28", "2027-04-04"},
		} {
			t.Run("the hour skipped on "+change.day+" is never free", func(t *testing.T) {
				e.serveAt(mustUTC(change.clock))
				// A window wholly inside the missing hour is open on other
				// Sundays and not at all on the day the clocks go forward.
				setHours(hours("sunday 01:00-02:00"))
				got := e.availability(sp, "from="+change.before+"&to="+change.after+"T12:00:00Z", anonymous)
				if len(got.Free) != 2 || booking.DateOf(mustUTC(got.Free[0].StartsAt), booking.London).String() != change.before ||
					booking.DateOf(mustUTC(got.Free[1].StartsAt), booking.London).String() != change.after {
					t.Fatalf("free %v", local(got.Free))
				}
				// A night from 00:00 to 04:00 holds three real hours that day.
				setHours(hours("sunday 00:00-04:00"))
				got = e.availability(sp, "from="+change.day+"&to="+change.day+"T12:00:00Z", anonymous)
				if len(got.Free) != 1 || mustUTC(got.Free[0].EndsAt).Sub(mustUTC(got.Free[0].StartsAt)) != 3*time.Hour {
					t.Fatalf("free %v", local(got.Free))
				}
				for m := mustUTC(got.Free[0].StartsAt); m.Before(mustUTC(got.Free[0].EndsAt)); m = m.Add(time.Minute) {
					if l := m.In(booking.London); l.Hour() == 1 {
						t.Fatalf("free at %v, in the missing hour", l)
					}
				}
			})
		}
		t.Run("the hour repeated on 25 October 2026 is open twice", func(t *testing.T) {
			e.serveAt(mustUTC("2026-10-01T10:00:00Z"))
			setHours(hours("sunday 01:00-02:00"))
			got := e.availability(sp, "from=2026-10-18&to=2026-11-02", anonymous)
			want := []string{"2026-10-18T00:00:00Z/2026-10-18T01:00:00Z", "2026-10-25T00:00:00Z/2026-10-25T02:00:00Z",
				"2026-11-01T01:00:00Z/2026-11-01T02:00:00Z"}
			if !slices.Equal(intervals(got.Free), want) {
				t.Fatalf("free %v, want %v", local(got.Free), want)
			}
		})
	})
}
