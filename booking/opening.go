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
		for _, w := range windows {
			if w.Weekday != d.Weekday() || w.Closes <= w.Opens {
				continue
			}
			iv := Interval{Start: AtOrAfter(d, w.Opens, loc), End: AtOrAfter(d, w.Closes, loc)}.Clip(span)
			if !iv.Empty() {
				out = append(out, iv)
			}
		}
	}
	return Merge(out)
}

// FreeTime is opening time less closures and busy intervals, each busy
// interval grown by the turnaround buffer: what is left can be booked.
func FreeTime(open, closures, busy []Interval, buffer time.Duration) []Interval {
	blocked := make([]Interval, 0, len(closures)+len(busy))
	blocked = append(blocked, closures...)
	for _, b := range busy {
		blocked = append(blocked, b.Grow(buffer))
	}
	return Subtract(open, blocked)
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
