package server

import (
	"context"
	"net/http"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// spacePageData is one space with its site and a week of its free and
// booked time.
type spacePageData struct {
	Space    *models.Space
	Features []string
	Manages  bool
	Hourly   bool
	Week     weekLinks
	Days     []dayPlan
	Range    clockRange
	Book     string   // the booking form
	Hours    []string // when it can be booked, a line a day
	// Subscribe offers the space's public calendar; hidden spaces have none.
	Subscribe *subscribeView
}

// spacePage shows a space and a week of its availability; hidden spaces
// exist only for their site's managers, as in the API. Bookings show as
// booked time only, never whose.
func (s *Server) spacePage() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		sp, err := s.visibleSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		now := s.now()
		start := weekStartOf(c, now)
		facts, err := s.weekOfSpace(ctx, sp, start, false)
		if err != nil {
			s.fail(c, err)
			return
		}
		d := spacePageData{
			Space: sp, Features: toSpaceJSON(sp).Features, Manages: currentPrincipal(c).managesSite(sp.SiteID),
			Hourly: sp.BookingUnit == "hour", Week: newWeekLinks("/spaces/"+itoa(sp.ID), start, now),
			Range: barRange(facts), Book: "/spaces/" + itoa(sp.ID) + "/book", Hours: hoursLines(facts.Windows),
		}
		d.Days = planWeek(start, facts, d.Range, bookHref(sp))
		siteName := ""
		if sp.Site != nil {
			siteName = sp.Site.Name
		}
		if sp.Visibility == "public" {
			d.Subscribe = s.subscribeTo("/calendars/spaces/"+itoa(sp.ID)+".ics", "Subscribe to this calendar",
				"See when "+sp.Name+" is booked in your calendar app.", true)
		}
		s.render(c, http.StatusOK, "space", &view{
			Title: sp.Name + ", " + siteName,
			Back:  &link{Href: "/sites/" + itoa(sp.SiteID), Text: "Back to " + siteName},
			Data:  d,
		})
	}
}

// weekOfSpace gathers a space's opening hours, closures, bookings and free
// time (as the API's availability gives it) for the week from start.
// Bookings carry who made them only when withOrgs is set, for the site's
// managers.
func (s *Server) weekOfSpace(ctx context.Context, sp *models.Space, start booking.Date, withOrgs bool) (weekFacts, error) {
	from, to := dayStart(start), dayStart(start.AddDays(weekDays))
	var f weekFacts
	var err error
	if f.Windows, _, err = s.store.SpaceOpeningWindows(ctx, sp); err != nil {
		return f, err
	}
	f.Open = models.RulesOf(sp).Bookable(f.Windows, from, to)
	closures, _, err := s.store.Closures(ctx, models.ClosureFilter{SpaceID: sp.ID, From: from, To: to, AllHidden: true}, models.Page{})
	if err != nil {
		return f, err
	}
	for _, cl := range closures {
		f.Closed = append(f.Closed, closedSpan{Interval: booking.Interval{Start: cl.StartsAt, End: cl.EndsAt}, Reason: cl.Reason})
	}
	bs, _, err := s.store.Bookings(ctx, models.BookingFilter{SpaceID: sp.ID, From: &from, To: &to, All: true, Now: s.now()}, models.Page{})
	if err != nil {
		return f, err
	}
	f.Booked = busySpans(blocking(bs, s.now()), s.now(), withOrgs)
	f.Free, err = s.spaceFreeTime(ctx, sp, from, to)
	return f, err
}

// busySpans are bookings as a week shows them: with their state and
// organisation for the site's managers, as booked time for anyone else.
func busySpans(bs []models.Booking, now time.Time, withOrgs bool) []busySpan {
	out := make([]busySpan, len(bs))
	for i := range bs {
		b := &bs[i]
		out[i] = busySpan{Interval: booking.Interval{Start: b.StartsAt, End: b.EndsAt}}
		if withOrgs {
			out[i].ID, out[i].State = b.ID, stateAt(b, now)
			if b.Organisation != nil {
				out[i].Org = b.Organisation.Name
			}
		}
	}
	return out
}
