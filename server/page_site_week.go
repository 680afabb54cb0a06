package server

import (
	"net/http"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// siteWeekData is a site's week at a glance: its spaces by the days of
// the week, each day drawn as a bar with the same facts as text.
type siteWeekData struct {
	Site     *models.Site
	Week     weekLinks
	Dates    []booking.Date
	Rows     []siteWeekRow
	Range    clockRange
	Bookings []models.Booking // the week's bookings, to open each one
}

// siteWeekRow is one space's week.
type siteWeekRow struct {
	Space *models.Space
	Days  []dayPlan
}

// siteWeekPage shows a site's spaces × the days of a week, with booked
// (and who booked), waiting, free and closed time; for its managers.
func (s *Server) siteWeekPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		site, err := s.managedSite(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		now := s.now()
		start := weekStartOf(c, now)
		from, to := dayStart(start), dayStart(start.AddDays(weekDays))
		spaces, _, err := s.store.Spaces(ctx, models.SpaceFilter{SiteID: site.ID, AllHidden: true}, models.Page{})
		if err != nil {
			s.fail(c, err)
			return
		}
		closures, _, err := s.store.Closures(ctx, models.ClosureFilter{SiteID: site.ID, From: from, To: to, AllHidden: true}, models.Page{})
		if err != nil {
			s.fail(c, err)
			return
		}
		bs, _, err := s.store.Bookings(ctx, models.BookingFilter{SiteID: site.ID, From: &from, To: &to, All: true, Now: now}, models.Page{})
		if err != nil {
			s.fail(c, err)
			return
		}
		bs = blocking(bs, now)
		free, err := s.store.FreeIntervalsForSpaces(ctx, spaces, from, to, now)
		if err != nil {
			s.fail(c, err)
			return
		}
		facts := make([]weekFacts, len(spaces))
		for i := range spaces {
			sp := &spaces[i]
			f := &facts[i]
			if f.Windows, _, err = s.store.SpaceOpeningWindows(ctx, sp); err != nil {
				s.fail(c, err)
				return
			}
			rules := models.RulesOf(sp)
			f.Open = rules.Bookable(f.Windows, from, to)
			f.Free = rules.Usable(free[sp.ID])
			for _, cl := range closures {
				if cl.SpaceID == nil || *cl.SpaceID == sp.ID {
					f.Closed = append(f.Closed, closedSpan{Interval: booking.Interval{Start: cl.StartsAt, End: cl.EndsAt}, Reason: cl.Reason})
				}
			}
			var mine []models.Booking
			for _, b := range bs {
				if b.SpaceID == sp.ID {
					mine = append(mine, b)
				}
			}
			f.Booked = busySpans(mine, now, true)
		}
		d := siteWeekData{Site: site, Week: newWeekLinks("/manage/sites/"+itoa(site.ID)+"/week", start, now),
			Range: barRange(facts...), Bookings: bs}
		for i := range weekDays {
			d.Dates = append(d.Dates, start.AddDays(i))
		}
		for i := range spaces {
			d.Rows = append(d.Rows, siteWeekRow{Space: &spaces[i], Days: planWeek(start, facts[i], d.Range, nil)})
		}
		s.render(c, http.StatusOK, "site-week", &view{
			Title: "Week at a glance, " + site.Name, Back: &link{Href: "/sites/" + itoa(site.ID), Text: site.Name}, Data: d,
		})
	}
}
