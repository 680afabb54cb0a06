package booking

import "time"

// Window is an opening window on one weekday, in local wall-clock time.
// Closes may be 24:00 (1440) for the end of the day.
type Window struct {
	Weekday time.Weekday
	Opens   Clock
	Closes  Clock
}

// OpenIntervals expands weekly windows into the instants they cover between
// from and to. Each date is converted on its own, so a 10:00–12:00 window is
// 10:00–12:00 on the wall clock before and after a clock change; a window
// edge inside the missing spring hour moves to the end of the gap.
func OpenIntervals(windows []Window, from, to time.Time, loc *time.Location) []Interval {
	span := Interval{Start: from, End: to}
	var out []Interval
	last := DateOf(to, loc).AddDays(1)
	for d := DateOf(from, loc).AddDays(-1); !last.Before(d); d = d.AddDays(1) {
		wd := d.Weekday()
		day := newLocalDay(d, loc)
		for _, w := range windows {
			if w.Weekday != wd || w.Closes <= w.Opens {
				continue
			}
			iv := Interval{Start: day.at(w.Opens), End: day.at(w.Closes)}.Clip(span)
			if !iv.Empty() {
				out = append(out, iv)
			}
		}
	}
	return Merge(out)
}

// localDay is one date in one time zone, for turning its wall-clock times
// into instants. On the many days without a clock change every time is
// local midnight plus that many minutes, which is much cheaper than
// resolving each time on its own; days with a change go through AtOrAfter
// and its rules.
type localDay struct {
	date     Date
	loc      *time.Location
	midnight time.Time // in UTC
	uniform  bool      // no clock change from this midnight to the next
}

func newLocalDay(d Date, loc *time.Location) localDay {
	midnight := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	_, zoneEnd := midnight.ZoneBounds()
	wall := midnight.In(loc)
	uniform := wall.Hour() == 0 && wall.Minute() == 0 && wall.Day() == d.Day &&
		(zoneEnd.IsZero() || zoneEnd.After(midnight.Add(24*time.Hour)))
	return localDay{date: d, loc: loc, midnight: midnight.UTC(), uniform: uniform}
}

// at is AtOrAfter(date, c, loc).
func (l localDay) at(c Clock) time.Time {
	if l.uniform {
		return l.midnight.Add(time.Duration(c) * time.Minute)
	}
	return AtOrAfter(l.date, c, l.loc)
}

// FreeTime is opening time less closures and busy intervals, each busy
// interval grown by the turnaround buffer: what is left can be booked.
//
// Closures and bookings are taken away one list after the other, so lists
// already in order of start (as the store loads them) are never sorted.
func FreeTime(open, closures, busy []Interval, buffer time.Duration) []Interval {
	grown := make([]Interval, len(busy))
	for i, b := range busy {
		grown[i] = b.Grow(buffer)
	}
	return Subtract(Subtract(open, closures), grown)
}

// OpenDays is, for spaces booked by the day or the season, each whole local
// day between from and to on which the space has any opening window.
func OpenDays(windows []Window, from, to time.Time, loc *time.Location) []Interval {
	open := map[time.Weekday]bool{}
	for _, w := range windows {
		if w.Closes > w.Opens {
			open[w.Weekday] = true
		}
	}
	span := Interval{Start: from, End: to}
	var out []Interval
	last := DateOf(to, loc)
	for d := DateOf(from, loc); !last.Before(d); d = d.AddDays(1) {
		if !open[d.Weekday()] {
			continue
		}
		iv := Interval{Start: AtOrAfter(d, 0, loc), End: AtOrAfter(d.AddDays(1), 0, loc)}.Clip(span)
		if !iv.Empty() {
			out = append(out, iv)
		}
	}
	return Merge(out)
}

// Bookable is when a space with these rules and windows may be booked
// between from and to: opening windows for hourly spaces, whole open days
// for spaces booked by the day or the season.
func (r Rules) Bookable(windows []Window, from, to time.Time) []Interval {
	if r.Unit == "hour" {
		return OpenIntervals(windows, from, to, London)
	}
	return OpenDays(windows, from, to, London)
}
