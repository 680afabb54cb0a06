package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

const (
	// findPerPage is how many spaces a page of search results shows.
	findPerPage = 10
	// findSlots is how many free times each result lists before linking
	// to the space's week.
	findSlots = 4
	// findDays is how far ahead a search without a date looks.
	findDays = 7
)

// findDurations are the lengths of booking the search offers, in minutes.
var findDurations = []booking.Option{
	{Value: "30", Label: "30 minutes"}, {Value: "60", Label: "1 hour"}, {Value: "90", Label: "1 hour 30 minutes"},
	{Value: "120", Label: "2 hours"}, {Value: "180", Label: "3 hours"}, {Value: "240", Label: "4 hours"},
	{Value: "360", Label: "6 hours"}, {Value: "480", Label: "8 hours"}, {Value: "1440", Label: "A whole day"},
}

// findForm is the search as typed.
type findForm struct {
	Date                                     dateParts
	Start, Duration, Kind, MinCapacity, Site string
	StepFree, HearingLoop, AccessibleToilet  bool
}

// findResult is a space with free times that fit the search.
type findResult struct {
	Space *models.Space
	Slots []freeSpan
	More  int
	Week  string
}

// findPageData is the search form and, once searched, its results.
type findPageData struct {
	Form                    findForm
	Searched                bool
	Durations, Kinds, Sites []booking.Option
	Access                  []checkItem
	Results                 []findResult
	Total                   int
	Summary                 string
	Prev, Next              string
}

// findOrder is the order of the search form's inputs.
var findOrder = []string{"date-day", "start", "duration", "kind", "min_capacity", "site"}

// findPage searches for spaces free at a time, of a kind and size, at a
// site and with access needs met, with the search the API's availability
// uses, and links each free time to booking it.
func (s *Server) findPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		who := currentPrincipal(c)
		q := c.Request.URL.Query()
		get := func(k string) string {
			return strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(q.Get(k), "\x00", ""), ""))
		}
		f := findForm{
			Date: datePartsFrom(get, "date"), Start: get("start"), Duration: get("duration"),
			Kind: get("kind"), MinCapacity: get("min_capacity"), Site: get("site"),
		}
		for _, a := range q["access"] {
			switch a {
			case "step_free":
				f.StepFree = true
			case "hearing_loop":
				f.HearingLoop = true
			case "accessible_toilet":
				f.AccessibleToilet = true
			}
		}
		if f.Duration == "" {
			f.Duration = "60"
		}
		d := findPageData{Form: f, Searched: len(q) > 0, Durations: findDurations,
			Kinds: append([]booking.Option{{Value: "", Label: "Any kind"}}, booking.SpaceKinds...),
			Access: []checkItem{
				{ID: "access", Name: "access", Value: "step_free", Label: "Step-free access", Checked: f.StepFree},
				{ID: "access-2", Name: "access", Value: "hearing_loop", Label: "Hearing loop", Checked: f.HearingLoop},
				{ID: "access-3", Name: "access", Value: "accessible_toilet", Label: "Accessible toilet nearby", Checked: f.AccessibleToilet},
			},
		}
		sites, _, err := s.store.Sites(ctx, models.SiteFilter{}, models.Page{})
		if err != nil {
			s.fail(c, err)
			return
		}
		d.Sites = []booking.Option{{Value: "", Label: "Any building"}}
		for _, site := range sites {
			d.Sites = append(d.Sites, booking.Option{Value: itoa(site.ID), Label: site.Name})
		}
		v := &view{Title: "Find a space", Data: &d}
		if !d.Searched {
			s.render(c, http.StatusOK, "find", v)
			return
		}
		filter := visibleSpaces(who)
		filter.StepFree, filter.HearingLoop, filter.AccessibleToilet = f.StepFree, f.HearingLoop, f.AccessibleToilet
		from, to, minutes := s.readFind(&v.Errors, f, &filter, d.Sites)
		if v.Errors.any() {
			v.Errors.inOrder(findOrder...)
			s.render(c, http.StatusUnprocessableEntity, "find", v)
			return
		}
		length := time.Duration(minutes) * time.Minute
		found, err := s.searchAvailability(ctx, filter, from, to, length)
		if err != nil {
			s.fail(c, err)
			return
		}
		d.Total = len(found)
		page := pageNumber(c)
		first := (page - 1) * findPerPage
		week := booking.DateOf(from, booking.London).String()
		for i := first; i < len(found) && i < first+findPerPage; i++ {
			m := found[i]
			r := findResult{Space: m.Space, Week: "/spaces/" + itoa(m.Space.ID) + "?week=" + week + "#availability"}
			href := slotHref(m.Space, length)
			for j, iv := range m.Free {
				if j == findSlots {
					r.More = len(m.Free) - findSlots
					break
				}
				r.Slots = append(r.Slots, freeSpan{Interval: iv, Href: href(iv)})
			}
			d.Results = append(d.Results, r)
		}
		pageURL := func(n int) string {
			u := url.Values{}
			for k, vs := range q {
				u[k] = vs
			}
			u.Set("page", strconv.Itoa(n))
			return "/find-a-space?" + u.Encode()
		}
		if page > 1 {
			d.Prev = pageURL(page - 1)
		}
		if first+findPerPage < len(found) {
			d.Next = pageURL(page + 1)
		}
		d.Summary = findSummary(from, to, f, minutes)
		s.render(c, http.StatusOK, "find", v)
	}
}

// readFind checks the search and works out the window it looks in: the
// date's whole day, or exactly the slot from its start time, or the next
// week from now when no date is given.
func (s *Server) readFind(errs *formErrors, f findForm, filter *models.SpaceFilter, sites []booking.Option) (from, to time.Time, minutes int) {
	now := s.now()
	date, hasDate := formDate(errs, "date", f.Date, "the date", false)
	start, hasStart := formClock(errs, "start", f.Start, "the start time", false)
	if hasDate && date.Before(today(now)) {
		errs.add("date-day", "The date must be today or in the future")
	}
	if hasStart && !hasDate && f.Date.empty() {
		errs.add("date-day", "Enter the date you want to start at "+formatClock(start))
	}
	minutes, _ = strconv.Atoi(f.Duration)
	if optionLabel(findDurations, f.Duration) == f.Duration {
		errs.add("duration", "Select how long you need it for")
	}
	if f.Kind != "" && !booking.ValidSpaceKind(f.Kind) {
		errs.add("kind", "Select the kind of space")
	}
	if f.MinCapacity != "" {
		if n := formInt(errs, "min_capacity", f.MinCapacity, "the number of people"); n != nil {
			if *n < 1 || *n > maxCapacity {
				errs.add("min_capacity", "The number of people must be between 1 and "+strconv.Itoa(maxCapacity))
			} else {
				filter.MinCapacity = *n
			}
		}
	}
	if f.Site != "" {
		if optionLabel(sites, f.Site) == f.Site {
			errs.add("site", "Select a building from the list")
		} else {
			filter.SiteID, _ = strconv.ParseInt(f.Site, 10, 64)
		}
	}
	filter.Kind = f.Kind
	switch {
	case errs.any():
	case hasDate && hasStart:
		t, err := booking.At(date, start, booking.London)
		if err != nil {
			errs.add("start", "That time does not exist on that day: the clocks go forward")
			return
		}
		from, to = t, t.Add(time.Duration(minutes)*time.Minute)
	case hasDate:
		from, to = dayStart(date), dayStart(date.AddDays(1))
	default:
		from, to = models.Instant(now), models.Instant(now).AddDate(0, 0, findDays)
	}
	return from, to, minutes
}

// slotHref links free time to the booking form for the length searched
// for, from the start of the free time.
func slotHref(sp *models.Space, length time.Duration) func(booking.Interval) string {
	return func(iv booking.Interval) string {
		v := url.Values{"date": {booking.DateOf(iv.Start, booking.London).String()}}
		if sp.BookingUnit == "hour" {
			end := iv.Start.Add(length)
			if end.After(iv.End) {
				end = iv.End
			}
			v.Set("start", clockOf(iv.Start).String())
			v.Set("end", clockValueEnd(end))
		}
		return "/spaces/" + itoa(sp.ID) + "/book?" + v.Encode()
	}
}

// findSummary says in words what was searched for.
func findSummary(from, to time.Time, f findForm, minutes int) string {
	what := optionLabel(findDurations, f.Duration)
	if minutes != 24*60 {
		what = "for " + what
	} else {
		what = "for a whole day"
	}
	switch {
	case f.Start != "":
		return "Free " + what + " from " + formatTime(from) + " on " + formatDay(from)
	case !f.Date.empty():
		return "Free " + what + " on " + formatDay(from)
	}
	return "Free " + what + " in the next " + strconv.Itoa(findDays) + " days"
}
