package booking

import "time"

// Usable is the part of free time a booking could really take. For hourly
// spaces each free interval is narrowed to the space's slot grid and left
// out when it is shorter than the shortest booking; for spaces booked by the
// day or the season, it is narrowed to whole local days. free must be
// merged, as FreeTime returns it.
func (r Rules) Usable(free []Interval) []Interval {
	var out []Interval
	for _, f := range free {
		var iv Interval
		switch r.Unit {
		case "hour":
			iv = Interval{Start: ceilTo(f.Start, r.Granularity), End: floorTo(f.End, r.Granularity)}
			if iv.Duration() < max(r.MinDuration, time.Nanosecond) {
				continue
			}
		default:
			iv = Interval{Start: nextMidnight(f.Start), End: lastMidnight(f.End)}
			if iv.Empty() {
				continue
			}
		}
		out = append(out, iv)
	}
	return out
}

// Fits reports whether a booking lasting d could start somewhere in usable
// free time (as Usable returns it): d must be within the space's limits for
// hourly spaces, and for spaces booked by the day or the season it is
// rounded up to whole days.
func (r Rules) Fits(usable []Interval, d time.Duration) bool {
	if d <= 0 {
		return len(usable) > 0
	}
	if r.Unit == "hour" {
		if r.MaxDuration > 0 && d > r.MaxDuration {
			return false
		}
		need := max(d, r.MinDuration)
		if g := r.Granularity; g > 0 && need%g != 0 {
			need += g - need%g
		}
		for _, f := range usable {
			if f.Duration() >= need {
				return true
			}
		}
		return false
	}
	days := int((d + 24*time.Hour - 1) / (24 * time.Hour))
	for _, f := range usable {
		if DateOf(f.Start, London).DaysUntil(DateOf(f.End, London)) >= days {
			return true
		}
	}
	return false
}

// ceilTo and floorTo move t onto a grid of g. The grid is counted from
// midnight UTC; London is always a whole number of hours from UTC and every
// slot size divides an hour, so it is the same grid on the wall clock.
func ceilTo(t time.Time, g time.Duration) time.Time {
	if g <= 0 {
		return t
	}
	if f := t.Truncate(g); f.Before(t) {
		return f.Add(g)
	}
	return t
}

func floorTo(t time.Time, g time.Duration) time.Time {
	if g <= 0 {
		return t
	}
	return t.Truncate(g)
}

// nextMidnight is the first local midnight at or after t.
func nextMidnight(t time.Time) time.Time {
	d := DateOf(t, London)
	if m := AtOrAfter(d, 0, London); !m.Before(t) {
		return m
	}
	return AtOrAfter(d.AddDays(1), 0, London)
}

// lastMidnight is the last local midnight at or before t.
func lastMidnight(t time.Time) time.Time {
	return AtOrAfter(DateOf(t, London), 0, London)
}
