package server

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// openingWindowJSON is one weekly opening window in Europe/London
// wall-clock time, as the API reads and writes it.
type openingWindowJSON struct {
	Weekday string `json:"weekday"`
	Opens   string `json:"opens"`
	Closes  string `json:"closes"`
}

// siteOpeningHoursJSON is a site's weekly opening hours.
type siteOpeningHoursJSON struct {
	Windows []openingWindowJSON `json:"windows"`
}

// spaceOpeningHoursJSON is the opening hours that apply to a space, and
// whether they are the space's own or its site's.
type spaceOpeningHoursJSON struct {
	Source  string              `json:"source"`
	Windows []openingWindowJSON `json:"windows"`
}

// siteOpeningHoursInput replaces a site's opening hours.
type siteOpeningHoursInput struct {
	Windows []openingWindowJSON `json:"windows"`
}

// spaceOpeningHoursInput gives a space hours of its own, or with
// use_site_hours sends it back to its site's.
type spaceOpeningHoursInput struct {
	Windows      []openingWindowJSON `json:"windows"`
	UseSiteHours bool                `json:"use_site_hours"`
}

// Sources of a space's opening hours.
const (
	hoursOfSite  = "site"
	hoursOfSpace = "space"
)

// maxWindowsADay keeps a day's hours readable: a split day with a few
// sessions is normal, dozens of windows are a mistake.
const maxWindowsADay = 6

// weekdayNames are the API's names of days, indexed by time.Weekday.
var weekdayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// weekdayList is the names in the order people read a week, for messages.
var weekdayList = strings.Join(append(slices.Clone(weekdayNames[1:]), weekdayNames[0]), ", ")

// wallClock is a time of day written HH:MM, 00:00 to 23:59; closing times
// may also be 24:00, the end of the day.
var wallClock = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

func toOpeningWindowsJSON(ws []booking.Window) []openingWindowJSON {
	ws = slices.Clone(ws)
	// Monday first, as a week reads in the UK.
	order := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	slices.SortFunc(ws, func(a, b booking.Window) int {
		if order(a.Weekday) != order(b.Weekday) {
			return order(a.Weekday) - order(b.Weekday)
		}
		return int(a.Opens) - int(b.Opens)
	})
	out := make([]openingWindowJSON, len(ws))
	for i, w := range ws {
		out[i] = openingWindowJSON{Weekday: weekdayNames[w.Weekday], Opens: w.Opens.String(), Closes: w.Closes.String()}
	}
	return out
}

// parseOpeningWindows checks a week of windows: known weekdays, HH:MM
// times, each window opening before it closes, no two overlapping on one
// day, and at most maxWindowsADay a day.
func parseOpeningWindows(p *booking.Problems, in []openingWindowJSON) []booking.Window {
	if len(in) > 7*maxWindowsADay {
		p.Add("windows", "At most %d windows a day, so at most %d in all", maxWindowsADay, 7*maxWindowsADay)
		return nil
	}
	type numbered struct {
		booking.Window
		i int // its place in the request, to name it in errors
	}
	var valid []numbered
	for i, w := range in {
		field := fmt.Sprintf("windows[%d]", i)
		day := slices.Index(weekdayNames, w.Weekday)
		if day < 0 {
			p.Add(field+".weekday", "Must be one of: %s", weekdayList)
		}
		opens, errOpens := booking.ParseClock(w.Opens)
		if !wallClock.MatchString(w.Opens) || errOpens != nil {
			p.Add(field+".opens", "Must be a time from 00:00 to 23:59, like 09:00")
		}
		closes, errCloses := booking.ParseClock(w.Closes)
		if (!wallClock.MatchString(w.Closes) && w.Closes != "24:00") || errCloses != nil {
			p.Add(field+".closes", "Must be a time from 00:01 to 24:00, like 17:30")
		}
		switch {
		case p.Has(field+".opens") || p.Has(field+".closes"):
		case closes <= opens:
			p.Add(field+".closes", "Must be after the opening time (%s); use 24:00 for midnight", opens)
		case day >= 0:
			valid = append(valid, numbered{booking.Window{Weekday: time.Weekday(day), Opens: opens, Closes: closes}, i})
		}
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		var day []numbered
		for _, w := range valid {
			if w.Weekday == d {
				day = append(day, w)
			}
		}
		if len(day) > maxWindowsADay {
			p.Add("windows", "At most %d windows a day; %s has %d", maxWindowsADay, weekdayNames[d], len(day))
			continue
		}
		slices.SortStableFunc(day, func(a, b numbered) int { return int(a.Opens) - int(b.Opens) })
		for k := 1; k < len(day); k++ {
			if day[k].Opens >= day[k-1].Closes {
				continue
			}
			// Name the later of the two in the request, and the other in words.
			late, early := day[k], day[k-1]
			if late.i < early.i {
				late, early = early, late
			}
			p.Add(fmt.Sprintf("windows[%d]", late.i), "Overlaps the window from %s to %s on %s",
				early.Opens, early.Closes, weekdayNames[d])
		}
	}
	out := make([]booking.Window, len(valid))
	for k, w := range valid {
		out[k] = w.Window
	}
	return out
}

func (s *Server) apiGetSiteOpeningHours() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var ws []booking.Window
		if err == nil {
			ws, err = s.store.SiteOpeningWindows(c.Request.Context(), id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, siteOpeningHoursJSON{Windows: toOpeningWindowsJSON(ws)})
	}
}

// setSiteOpeningHours replaces a site's weekly opening windows, for the
// API and the pages. Only the site's estates managers may.
func (s *Server) setSiteOpeningHours(ctx context.Context, who *principal, siteID int64, in siteOpeningHoursInput) error {
	if _, err := s.store.SiteByID(ctx, siteID); err != nil {
		return err
	}
	if !who.managesSite(siteID) {
		return newForbidden("Only this site's estates managers can change its opening hours.")
	}
	var p booking.Problems
	if in.Windows == nil {
		p.Add("windows", "Give the site's weekly opening windows; an empty list closes it every day")
	}
	ws := parseOpeningWindows(&p, in.Windows)
	if err := p.Err(); err != nil {
		return err
	}
	return s.store.SetOpeningWindows(ctx, siteID, 0, ws)
}

func (s *Server) apiSetSiteOpeningHours() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id, in, err := pathAndBody[siteOpeningHoursInput](c, "id")
		if err == nil {
			err = s.setSiteOpeningHours(ctx, currentPrincipal(c), id, in)
		}
		var ws []booking.Window
		if err == nil {
			ws, err = s.store.SiteOpeningWindows(ctx, id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, siteOpeningHoursJSON{Windows: toOpeningWindowsJSON(ws)})
	}
}

// spaceOpeningHours answers with the hours that apply to a space now.
func (s *Server) spaceOpeningHours(c *gin.Context, sp *models.Space) {
	ws, own, err := s.store.SpaceOpeningWindows(c.Request.Context(), sp)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := spaceOpeningHoursJSON{Source: hoursOfSite, Windows: toOpeningWindowsJSON(ws)}
	if own {
		out.Source = hoursOfSpace
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) apiGetSpaceOpeningHours() gin.HandlerFunc {
	return func(c *gin.Context) {
		sp, err := s.visibleSpace(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.spaceOpeningHours(c, sp)
	}
}

// setSpaceOpeningHours gives a space hours of its own, or sends it back to
// its site's, for the API and the pages. Only the estates managers of its
// site may; hidden spaces do not exist for anyone else.
func (s *Server) setSpaceOpeningHours(ctx context.Context, who *principal, spaceID int64, in spaceOpeningHoursInput) (*models.Space, error) {
	sp, err := s.store.SpaceByID(ctx, spaceID)
	switch {
	case err != nil:
		return nil, err
	case sp.Visibility != "public" && !who.managesSite(sp.SiteID):
		return nil, booking.ErrNotFound
	case !who.managesSite(sp.SiteID):
		return nil, newForbidden("Only the estates managers of this space's site can change its opening hours.")
	}
	var p booking.Problems
	switch {
	case in.UseSiteHours && in.Windows != nil:
		p.Add("use_site_hours", "Send windows for hours of the space's own, or use_site_hours to follow its site's; not both")
	case !in.UseSiteHours && in.Windows == nil:
		p.Add("windows", "Give the space's weekly opening windows, or use_site_hours: true to follow its site's")
	}
	ws := parseOpeningWindows(&p, in.Windows)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if in.UseSiteHours {
		err = s.store.UseSiteOpeningHours(ctx, sp.ID)
		sp.OwnOpeningHours = false
	} else {
		err = s.store.SetOpeningWindows(ctx, sp.SiteID, sp.ID, ws)
		sp.OwnOpeningHours = true
	}
	return sp, err
}

func (s *Server) apiSetSpaceOpeningHours() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, in, err := pathAndBody[spaceOpeningHoursInput](c, "id")
		var sp *models.Space
		if err == nil {
			sp, err = s.setSpaceOpeningHours(c.Request.Context(), currentPrincipal(c), id, in)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		s.spaceOpeningHours(c, sp)
	}
}
