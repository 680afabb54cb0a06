package server

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// weekDays is how many days a week of availability shows.
const weekDays = 7

// weekStartOf reads the week query parameter, the date a week starts on;
// anything else, or nothing, is today.
func weekStartOf(c *gin.Context, now time.Time) booking.Date {
	d, err := booking.ParseDate(c.Query("week"))
	if err != nil || d.Year < minYear || d.Year > maxYear {
		return today(now)
	}
	return d
}

// weekLinks are a week's dates and plain links to the weeks either side.
type weekLinks struct {
	Start, End booking.Date // the first and last day shown
	Prev, Next string
}

// newWeekLinks links the week from start to the weeks before and after
// it on the page at path; there is no going back before today.
func newWeekLinks(path string, start booking.Date, now time.Time) weekLinks {
	href := func(d booking.Date) string { return path + "?" + url.Values{"week": {d.String()}}.Encode() }
	w := weekLinks{Start: start, End: start.AddDays(weekDays - 1), Next: href(start.AddDays(weekDays))}
	if t := today(now); t.Before(start) {
		prev := start.AddDays(-weekDays)
		if prev.Before(t) {
			prev = t
		}
		w.Prev = href(prev)
	}
	return w
}

// busySpan is a booking as a week shows it. Its state and who booked it
// are for the site's estates managers only.
type busySpan struct {
	booking.Interval
	ID    int64
	State string
	Org   string
}

// closedSpan is a closure as a week shows it.
type closedSpan struct {
	booking.Interval
	Reason string
}

// freeSpan is free time, with a link to book it when there is one.
type freeSpan struct {
	booking.Interval
	Href string
}

// weekFacts are what a week of one space is made of.
type weekFacts struct {
	Windows []booking.Window
	Open    []booking.Interval
	Closed  []closedSpan
	Booked  []busySpan
	Free    []booking.Interval
}

// dayPlan is one day of a space: when it is open, closed, booked and free,
// as lists and drawn as a bar.
type dayPlan struct {
	Date   booking.Date
	Open   []booking.Interval
	Closed []closedSpan
	Booked []busySpan
	Free   []freeSpan
	Bar    dayBar
}

// AllDay reports whether iv covers the whole of the day.
func (d dayPlan) AllDay(iv booking.Interval) bool {
	return !iv.Start.After(dayStart(d.Date)) && !iv.End.Before(dayStart(d.Date.AddDays(1)))
}

// Summary says in words what the day's bar draws, for screen readers:
// when it is open, closed, booked (and by whom, for the site's managers)
// and free.
func (d dayPlan) Summary() string {
	span := func(iv booking.Interval) string {
		if d.AllDay(iv) {
			return "all day"
		}
		return formatSpan(iv)
	}
	var parts []string
	if len(d.Open) == 0 {
		parts = append(parts, "Not open.")
	} else {
		var open []string
		for _, iv := range d.Open {
			open = append(open, span(iv))
		}
		parts = append(parts, "Open "+strings.Join(open, " and ")+".")
	}
	for _, cl := range d.Closed {
		parts = append(parts, "Closed "+span(cl.Interval)+": "+cl.Reason+".")
	}
	for _, b := range d.Booked {
		what := "Booked"
		if b.State != "" && b.State != booking.Confirmed {
			what = booking.StateLabel(b.State) + ":"
		}
		text := what + " " + span(b.Interval)
		if b.Org != "" {
			text += " by " + b.Org
		}
		parts = append(parts, text+".")
	}
	switch {
	case len(d.Free) > 0:
		var free []string
		for _, f := range d.Free {
			free = append(free, span(f.Interval))
		}
		parts = append(parts, "Free "+strings.Join(free, ", ")+".")
	case len(d.Open) > 0:
		parts = append(parts, "No free time.")
	}
	return strings.Join(parts, " ")
}

// clockRange is the part of each day a bar draws, in minutes after
// midnight on the wall clock.
type clockRange struct{ From, To booking.Clock }

// barRange is the part of the day that covers every opening window of the
// facts, in whole hours; 8am to 6pm when there are none.
func barRange(facts ...weekFacts) clockRange {
	r := clockRange{From: 24 * 60, To: 0}
	for _, f := range facts {
		for _, w := range f.Windows {
			r.From, r.To = min(r.From, w.Opens), max(r.To, w.Closes)
		}
	}
	if r.To <= r.From {
		return clockRange{From: 8 * 60, To: 18 * 60}
	}
	r.From -= r.From % 60
	if r.To%60 != 0 {
		r.To += 60 - r.To%60
	}
	return r
}

// dayBar is a day drawn as rectangles on a scale of minutes from the
// start of the range; the SVG's own attributes place them, as the Content
// Security Policy allows no inline styles.
type dayBar struct {
	Width int
	Ticks []int // an hour line every two hours
	Parts []barPart
}

// barPart is one rectangle of a bar; Class colours it.
type barPart struct {
	X, W  int
	Class string
	Title string
}

// planWeek splits a space's facts into the days from start, each with its
// bar drawn on the range. href, when not nil, links free time to booking it.
func planWeek(start booking.Date, f weekFacts, r clockRange, href func(booking.Interval) string) []dayPlan {
	days := make([]dayPlan, weekDays)
	for i := range days {
		d := start.AddDays(i)
		span := booking.Interval{Start: dayStart(d), End: dayStart(d.AddDays(1))}
		p := dayPlan{Date: d}
		for _, iv := range f.Open {
			if c := iv.Clip(span); !c.Empty() {
				p.Open = append(p.Open, c)
			}
		}
		for _, cl := range f.Closed {
			if c := cl.Clip(span); !c.Empty() {
				p.Closed = append(p.Closed, closedSpan{Interval: c, Reason: cl.Reason})
			}
		}
		for _, b := range f.Booked {
			if c := b.Clip(span); !c.Empty() {
				b.Interval = c
				p.Booked = append(p.Booked, b)
			}
		}
		for _, iv := range f.Free {
			if c := iv.Clip(span); !c.Empty() {
				fs := freeSpan{Interval: c}
				if href != nil {
					fs.Href = href(c)
				}
				p.Free = append(p.Free, fs)
			}
		}
		p.Bar = drawDay(p, span, r)
		days[i] = p
	}
	return days
}

// drawDay draws a day: opening hours pale, free time green, bookings blue
// (striped while they wait for approval), closures hatched, each on top of
// the last.
func drawDay(p dayPlan, day booking.Interval, r clockRange) dayBar {
	b := dayBar{Width: int(r.To - r.From)}
	for h := r.From + 120 - r.From%120; h < r.To; h += 120 {
		b.Ticks = append(b.Ticks, int(h-r.From))
	}
	add := func(iv booking.Interval, class, title string) {
		from, to := wallMinutes(iv.Start, day), wallMinutes(iv.End, day)
		from, to = max(from, int(r.From)), min(to, int(r.To))
		if to > from {
			b.Parts = append(b.Parts, barPart{X: from - int(r.From), W: to - from, Class: class, Title: title})
		}
	}
	for _, iv := range p.Open {
		add(iv, "app-bar__open", "Open "+formatSpan(iv))
	}
	for _, iv := range p.Free {
		add(iv.Interval, "app-bar__free", "Free "+formatSpan(iv.Interval))
	}
	for _, bk := range p.Booked {
		class, title := "app-bar__booked", "Booked "+formatSpan(bk.Interval)
		if bk.State != "" && bk.State != booking.Confirmed {
			class = "app-bar__waiting"
			title += " (" + strings.ToLower(booking.StateLabel(bk.State)) + ")"
		}
		if bk.Org != "" {
			title += ": " + bk.Org
		}
		add(bk.Interval, class, title)
	}
	for _, cl := range p.Closed {
		add(cl.Interval, "app-bar__closed", "Closed "+formatSpan(cl.Interval)+": "+cl.Reason)
	}
	return b
}

// wallMinutes places an instant on a day's wall clock, in minutes after
// midnight; the end of the day is 1440.
func wallMinutes(t time.Time, day booking.Interval) int {
	switch {
	case !t.After(day.Start):
		return 0
	case !t.Before(day.End):
		return 24 * 60
	}
	return int(clockOf(t))
}

// bookHref links free time of a space to its booking form, asking for the
// space's usual first slot: an hour, or its shortest booking if longer.
func bookHref(sp *models.Space) func(booking.Interval) string {
	return slotHref(sp, max(time.Hour, models.RulesOf(sp).MinDuration))
}

// clockValueEnd is an end time as a form shows it: midnight at the end of
// a day is 24:00.
func clockValueEnd(t time.Time) string {
	if c := clockOf(t); c != 0 {
		return c.String()
	}
	return "24:00"
}

// blocking keeps the bookings that hold their time at now.
func blocking(bs []models.Booking, now time.Time) []models.Booking {
	return slices.DeleteFunc(bs, func(b models.Booking) bool {
		return !slices.Contains(booking.BlockingStates, stateAt(&b, now))
	})
}
