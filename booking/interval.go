package booking

import (
	"cmp"
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
	inOrder := true
	for _, x := range xs {
		if !x.Empty() {
			if n := len(sorted); n > 0 && x.Start.Before(sorted[n-1].Start) {
				inOrder = false
			}
			sorted = append(sorted, x)
		}
	}
	if !inOrder {
		sortByStart(sorted)
	}
	// Joined in place: the write index never passes the read index.
	out := sorted[:0]
	for _, x := range sorted {
		if n := len(out); n > 0 && !x.Start.After(out[n-1].End) {
			if x.End.After(out[n-1].End) {
				out[n-1].End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// merged is Merge, but returns xs itself when it is already merged, for
// callers that only read the result.
func merged(xs []Interval) []Interval {
	for i, x := range xs {
		if x.Empty() || (i > 0 && !x.Start.After(xs[i-1].End)) {
			return Merge(xs)
		}
	}
	return xs
}

// Subtract returns the parts of free that no interval of busy covers,
// merged and in order. Both lists are sorted once and swept together, so
// the cost grows with their lengths, not with their product.
func Subtract(free, busy []Interval) []Interval {
	busy = merged(busy)
	var out []Interval
	next := 0 // busy intervals before next end before the current free one starts
	for _, f := range merged(free) {
		for next < len(busy) && !busy[next].End.After(f.Start) {
			next++
		}
		cur := f
		// A busy interval that runs past f's end stays for the next f.
		for _, b := range busy[next:] {
			if !b.Start.Before(cur.End) {
				break
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

// sortByStart sorts intervals by their start. Comparing times costs more
// than comparing integers, so the sort runs on each start's Unix seconds
// and nanoseconds, and the intervals are put in that order after.
func sortByStart(xs []Interval) {
	type keyed struct {
		sec  int64
		nsec int32
		i    int32
	}
	keys := make([]keyed, len(xs))
	for i, x := range xs {
		keys[i] = keyed{x.Start.Unix(), int32(x.Start.Nanosecond()), int32(i)}
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		return cmp.Compare(a.nsec, b.nsec)
	})
	orig := slices.Clone(xs)
	for i, k := range keys {
		xs[i] = orig[k.i]
	}
}
