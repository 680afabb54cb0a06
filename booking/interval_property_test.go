package booking

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The interval algebra is checked against a model that needs no cleverness:
// a bitmap with one bit per minute of a few days. Every case is random but
// seeded, so a failure names a case that can be run again.

const (
	propertyCases = 500
	modelMinutes  = 3 * 24 * 60 // the span the random intervals fall in
)

// modelStart is the first minute of the model, on the day the clocks go
// back, so the span holds a clock change.
var modelStart = utc("2026-10-24T00:00:00Z")

func minute(m int) time.Time { return modelStart.Add(time.Duration(m) * time.Minute) }

// randomIntervals makes up to n intervals on the minute grid of the model:
// some empty, some back to back, many overlapping, in no order.
func randomIntervals(rng *rand.Rand, n int, maxLen int) []Interval {
	out := make([]Interval, rng.IntN(n+1))
	for i := range out {
		start := rng.IntN(modelMinutes)
		length := rng.IntN(maxLen + 1)
		switch rng.IntN(10) {
		case 0: // empty or backwards
			length = -rng.IntN(30)
		case 1: // back to back with the one before
			if i > 0 {
				start = int(out[i-1].End.Sub(modelStart) / time.Minute)
			}
		}
		out[i] = Interval{Start: minute(start), End: minute(start + length)}
	}
	return out
}

// bitmap is a set of minutes of the model.
type bitmap []bool

func bitmapOf(xs ...[]Interval) bitmap {
	b := make(bitmap, modelMinutes+2*24*60)
	for _, list := range xs {
		for _, x := range list {
			for m := int(x.Start.Sub(modelStart) / time.Minute); minute(m).Before(x.End); m++ {
				if m >= 0 && m < len(b) {
					b[m] = true
				}
			}
		}
	}
	return b
}

func (b bitmap) and(c bitmap) bitmap {
	out := make(bitmap, len(b))
	for i := range b {
		out[i] = b[i] && c[i]
	}
	return out
}

func (b bitmap) andNot(c bitmap) bitmap {
	out := make(bitmap, len(b))
	for i := range b {
		out[i] = b[i] && !c[i]
	}
	return out
}

func (b bitmap) or(c bitmap) bitmap {
	out := make(bitmap, len(b))
	for i := range b {
		out[i] = b[i] || c[i]
	}
	return out
}

func (b bitmap) empty() bool { return !slices.Contains(b, true) }

// firstDifference names the first minute where two sets differ.
func firstDifference(got, want bitmap) string {
	for i := range got {
		if got[i] != want[i] {
			return fmt.Sprintf("minute %d (%s): got %v, want %v", i, minute(i).Format(time.RFC3339), got[i], want[i])
		}
	}
	return ""
}

// wellFormed reports why a list is not sorted, separate and free of empty
// intervals, or "".
func wellFormed(xs []Interval) string {
	for i, x := range xs {
		if x.Empty() {
			return fmt.Sprintf("interval %d is empty: %v", i, x)
		}
		if i > 0 && !xs[i-1].End.Before(x.Start) {
			return fmt.Sprintf("intervals %d and %d overlap, touch or are out of order: %v, %v", i-1, i, xs[i-1], x)
		}
	}
	return ""
}

func forEachCase(t *testing.T, fn func(t *testing.T, rng *rand.Rand)) {
	t.Helper()
	for seed := range uint64(propertyCases) {
		rng := rand.New(rand.NewPCG(seed, 0x5eed))
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { fn(t, rng) })
		if t.Failed() {
			return // one failing case says enough
		}
	}
}

func TestMergeIsSortedSeparateAndCoversTheSameTime(t *testing.T) {
	forEachCase(t, func(t *testing.T, rng *rand.Rand) {
		in := randomIntervals(rng, 40, 600)
		out := Merge(in)
		if why := wellFormed(out); why != "" {
			t.Fatalf("Merge(%v): %s", in, why)
		}
		if diff := firstDifference(bitmapOf(out), bitmapOf(in)); diff != "" {
			t.Fatalf("Merge changed the time covered at %s", diff)
		}
		if again := Merge(out); !slices.Equal(again, out) {
			t.Fatalf("Merge is not idempotent: %v, then %v", out, again)
		}
	})
}

func TestSubtractLeavesNothingOfWhatItTakesAway(t *testing.T) {
	forEachCase(t, func(t *testing.T, rng *rand.Rand) {
		a, b := randomIntervals(rng, 20, 1440), randomIntervals(rng, 40, 300)
		out := Subtract(a, b)
		if why := wellFormed(out); why != "" {
			t.Fatalf("Subtract: %s", why)
		}
		if overlap := bitmapOf(out).and(bitmapOf(b)); !overlap.empty() {
			t.Fatalf("Subtract(a, b) ∩ b is not empty: %s", firstDifference(overlap, bitmapOf()))
		}
		// Exactly a without b: nothing more, nothing less.
		if diff := firstDifference(bitmapOf(out), bitmapOf(a).andNot(bitmapOf(b))); diff != "" {
			t.Fatalf("Subtract(a, b) differs from a − b at %s", diff)
		}
	})
}

func TestFreeTimeNeverOverlapsBookingsOrClosuresAndAddsUpToOpenTime(t *testing.T) {
	forEachCase(t, func(t *testing.T, rng *rand.Rand) {
		open := randomIntervals(rng, 12, 720)
		if rng.IntN(2) == 0 {
			// Half the cases use real opening windows across the clock change.
			var ws []Window
			for range 1 + rng.IntN(8) {
				opens := Clock(15 * rng.IntN(96))
				ws = append(ws, Window{Weekday: time.Weekday(rng.IntN(7)), Opens: opens, Closes: opens + Clock(15*(1+rng.IntN(40)))})
			}
			for i := range ws {
				ws[i].Closes = min(ws[i].Closes, 24*60)
			}
			open = OpenIntervals(ws, minute(0), minute(modelMinutes), London)
		}
		closures := randomIntervals(rng, 6, 600)
		busy := randomIntervals(rng, 30, 180)
		buffer := time.Duration(5*rng.IntN(7)) * time.Minute

		free := FreeTime(open, closures, busy, buffer)
		if why := wellFormed(free); why != "" {
			t.Fatalf("FreeTime: %s", why)
		}
		grown := make([]Interval, len(busy))
		for i, b := range busy {
			grown[i] = b.Grow(buffer)
		}
		freeSet, openSet := bitmapOf(free), bitmapOf(open)
		bookedSet, closedSet := bitmapOf(grown), bitmapOf(closures)
		if clash := freeSet.and(bookedSet); !clash.empty() {
			t.Fatalf("free time overlaps a booking grown by %v: %s", buffer, firstDifference(clash, bitmapOf()))
		}
		if clash := freeSet.and(closedSet); !clash.empty() {
			t.Fatalf("free time overlaps a closure: %s", firstDifference(clash, bitmapOf()))
		}
		if outside := freeSet.andNot(openSet); !outside.empty() {
			t.Fatalf("free time outside opening hours: %s", firstDifference(outside, bitmapOf()))
		}
		// free ∪ (booked ∩ open) ∪ (closed ∩ open) == open
		union := freeSet.or(bookedSet.and(openSet)).or(closedSet.and(openSet))
		if diff := firstDifference(union, openSet); diff != "" {
			t.Fatalf("free and blocked time do not add up to opening time: %s", diff)
		}
	})
}

// TestLocalDayMatchesAtOrAfter checks the shortcut OpenIntervals takes on
// days without a clock change against AtOrAfter, on every date of sixteen
// years, at times on both sides of the changes.
func TestLocalDayMatchesAtOrAfter(t *testing.T) {
	clocks := []Clock{0, 30, 59, 60, 61, 90, 119, 120, 121, 150, 180, 600, 1439, 1440}
	for d := (Date{2020, 1, 1}); d.Before(Date{2036, 1, 1}); d = d.AddDays(1) {
		day := newLocalDay(d, London)
		for _, c := range clocks {
			if got, want := day.at(c), AtOrAfter(d, c, London); !got.Equal(want) {
				t.Fatalf("%v %v: shortcut gives %v, AtOrAfter %v", d, c, got, want)
			}
		}
	}
}
