package server

import (
	"context"
	"net/http"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// Bounds of an availability query.
const (
	defaultAvailabilityDays = 7
	maxAvailabilityDays     = 62
	// minYear and maxYear bound the times the API reads, far beyond any
	// booking and well inside what JSON and both databases can hold.
	minYear = 2000
	maxYear = 2200
)

// spaceAvailabilityJSON is a space's free time in a window.
type spaceAvailabilityJSON struct {
	SpaceID int64          `json:"space_id"`
	From    time.Time      `json:"from"`
	To      time.Time      `json:"to"`
	Free    []intervalJSON `json:"free"`
}

// availableSpaceSummaryJSON is the short form of a space in search results.
type availableSpaceSummaryJSON struct {
	ID          int64    `json:"id"`
	SiteID      int64    `json:"site_id"`
	SiteName    string   `json:"site_name"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Capacity    int      `json:"capacity"`
	Features    []string `json:"features"`
	BookingUnit string   `json:"booking_unit"`
}

// availableSpaceJSON is a space with the free intervals long enough for
// the search.
type availableSpaceJSON struct {
	Space availableSpaceSummaryJSON `json:"space"`
	Free  []intervalJSON            `json:"free"`
}

// availabilitySearchJSON is one page of spaces with free time.
type availabilitySearchJSON struct {
	Items           []availableSpaceJSON `json:"items"`
	Page            int                  `json:"page"`
	PerPage         int                  `json:"per_page"`
	Total           int64                `json:"total"`
	From            time.Time            `json:"from"`
	To              time.Time            `json:"to"`
	DurationMinutes int                  `json:"duration_minutes"`
}

// availabilityInstant reads a query parameter that is an RFC 3339 time or a date
// (YYYY-MM-DD, meaning local midnight at the start of that day in London).
// It is zero when the parameter is absent.
func availabilityInstant(c *gin.Context, p *booking.Problems, name string) time.Time {
	v := c.Query(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		d, derr := booking.ParseDate(v)
		if derr != nil {
			p.Add(name, "Must be a date like 2026-12-01 or a time like 2026-12-01T09:00:00Z")
			return time.Time{}
		}
		t = booking.AtOrAfter(d, 0, booking.London)
	}
	if t.Year() < minYear || t.Year() > maxYear {
		p.Add(name, "Must be between %d and %d", minYear, maxYear)
		return time.Time{}
	}
	return models.Instant(t)
}

// availabilityWindow reads from and to: from defaults to now and to to a
// week after from; the window may be at most maxAvailabilityDays long.
func (s *Server) availabilityWindow(c *gin.Context, p *booking.Problems) (from, to time.Time) {
	from, to = availabilityInstant(c, p, "from"), availabilityInstant(c, p, "to")
	if p.Has("from") || p.Has("to") {
		return from, to
	}
	if from.IsZero() {
		from = models.Instant(s.now())
	}
	if to.IsZero() {
		to = from.AddDate(0, 0, defaultAvailabilityDays)
	}
	switch {
	case !to.After(from):
		p.Add("to", "Must be after from (%s)", from.Format(time.RFC3339))
	case to.Sub(from) > maxAvailabilityDays*24*time.Hour:
		p.Add("to", "Must be at most %d days after from", maxAvailabilityDays)
	}
	return from, to
}

func toIntervalsJSON(ivs []booking.Interval) []intervalJSON {
	out := make([]intervalJSON, len(ivs))
	for i, iv := range ivs {
		out[i] = toIntervalJSON(iv)
	}
	return out
}

// spaceFreeTime is the free time of a space that a booking could take
// between from and to, for the API and the pages.
func (s *Server) spaceFreeTime(ctx context.Context, sp *models.Space, from, to time.Time) ([]booking.Interval, error) {
	free, err := s.store.FreeIntervals(ctx, sp.ID, from, to, s.now())
	if err != nil {
		return nil, err
	}
	return models.RulesOf(sp).Usable(free), nil
}

// spaceFree is a space with the free intervals a search found in it.
type spaceFree struct {
	Space *models.Space
	Free  []booking.Interval
}

// searchAvailability finds the spaces f selects that are free for d
// somewhere between from and to, each with its free intervals long
// enough, in the order of f's list; for the API and the pages.
func (s *Server) searchAvailability(ctx context.Context, f models.SpaceFilter, from, to time.Time, d time.Duration) ([]spaceFree, error) {
	spaces, _, err := s.store.Spaces(ctx, f, models.Page{})
	if err != nil {
		return nil, err
	}
	free, err := s.store.FreeIntervalsForSpaces(ctx, spaces, from, to, s.now())
	if err != nil {
		return nil, err
	}
	var matches []spaceFree
	for i := range spaces {
		sp := &spaces[i]
		rules := models.RulesOf(sp)
		var fit []booking.Interval
		for _, iv := range rules.Usable(free[sp.ID]) {
			if rules.Fits([]booking.Interval{iv}, d) {
				fit = append(fit, iv)
			}
		}
		if len(fit) > 0 {
			matches = append(matches, spaceFree{Space: sp, Free: fit})
		}
	}
	return matches, nil
}

func (s *Server) apiSpaceAvailability() gin.HandlerFunc {
	return func(c *gin.Context) {
		sp, err := s.visibleSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		var p booking.Problems
		from, to := s.availabilityWindow(c, &p)
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		free, err := s.spaceFreeTime(c.Request.Context(), sp, from, to)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, spaceAvailabilityJSON{SpaceID: sp.ID, From: from, To: to, Free: toIntervalsJSON(free)})
	}
}

func (s *Server) apiSearchAvailability() gin.HandlerFunc {
	return func(c *gin.Context) {
		var p booking.Problems
		page := listQuery(c, &p)
		f := spaceFilter(c, &p)
		from, to := s.availabilityWindow(c, &p)
		minutes := queryInt(c, &p, "duration", 1, maxAvailabilityDays*24*60)
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		found, err := s.searchAvailability(c.Request.Context(), f, from, to, time.Duration(minutes)*time.Minute)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := availabilitySearchJSON{Items: []availableSpaceJSON{}, Page: page.Number, PerPage: page.PerPage,
			Total: int64(len(found)), From: from, To: to, DurationMinutes: int(minutes)}
		if start := (page.Number - 1) * page.PerPage; start < len(found) {
			for _, m := range found[start:min(start+page.PerPage, len(found))] {
				sp := m.Space
				full := toSpaceJSON(sp)
				out.Items = append(out.Items, availableSpaceJSON{
					Space: availableSpaceSummaryJSON{ID: sp.ID, SiteID: sp.SiteID, SiteName: full.SiteName, Name: sp.Name,
						Kind: sp.Kind, Capacity: sp.Capacity, Features: full.Features, BookingUnit: sp.BookingUnit},
					Free: toIntervalsJSON(m.Free),
				})
			}
		}
		c.JSON(http.StatusOK, out)
	}
}
