package booking

import (
	"slices"
	"time"
)

// Interval is a half-open span of time [Start, End): back-to-back intervals
// touch but do not overlap.
type Interval struct {
	Start, End time.Time
}

// Empty reports whether the interval holds no time.
func (i Interval) Empty() bool { return !i.Start.Before(i.End) }

// Duration is the length of the interval.
func (i Interval) Duration() time.Duration { return i.End.Sub(i.Start) }

// Overlaps reports whether the two intervals share any instant.
func (i Interval) Overlaps(j Interval) bool {
	return i.Start.Before(j.End) && j.Start.Before(i.End)
}

// Contains reports whether j lies wholly inside i.
func (i Interval) Contains(j Interval) bool {
	return !j.Start.Before(i.Start) && !j.End.After(i.End)
}

// Grow widens the interval by d on both sides, as a turnaround buffer does.
func (i Interval) Grow(d time.Duration) Interval {
	return Interval{Start: i.Start.Add(-d), End: i.End.Add(d)}
}

// Clip returns the part of i inside within, which may be empty.
func (i Interval) Clip(within Interval) Interval {
	out := i
	if out.Start.Before(within.Start) {
		out.Start = within.Start
	}
	if out.End.After(within.End) {
		out.End = within.End
	}
	return out
}

// UTC returns the interval with both ends in UTC.
func (i Interval) UTC() Interval { return Interval{Start: i.Start.UTC(), End: i.End.UTC()} }

// Merge sorts intervals and joins those that overlap or touch. Empty
// intervals are dropped.
func Merge(xs []Interval) []Interval {
	sorted := make([]Interval, 0, len(xs))
	for _, x := range xs {
		if !x.Empty() {
			sorted = append(sorted, x)
		}
	}
	slices.SortFunc(sorted, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	var out []Interval
	for _, x := range sorted {
		if n := len(out); n > 0 && !x.Start.After(out[n-1].End) {
			if x.End.After(out[n-1].End) {
				out[n-1].End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// Subtract returns the parts of free that no interval of busy covers,
// merged and in order.
func Subtract(free, busy []Interval) []Interval {
	busy = Merge(busy)
	var out []Interval
	for _, f := range Merge(free) {
		cur := f
		for _, b := range busy {
			if !b.Overlaps(cur) {
				if !b.Start.Before(cur.End) {
					break
				}
				continue
			}
			if b.Start.After(cur.Start) {
				out = append(out, Interval{Start: cur.Start, End: b.Start})
			}
			cur.Start = b.End
			if cur.Empty() {
				break
			}
		}
		if !cur.Empty() {
			out = append(out, cur)
		}
	}
	return out
}
