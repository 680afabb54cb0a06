package booking

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// busyYear is one hourly space over 13 months: open on weekdays and
// Saturday mornings, with 2,000 bookings and 50 closures, deterministic.
type busyYear struct {
	rules    Rules
	windows  []Window
	from, to time.Time
	closures []Interval
	busy     []Interval
}

func newBusyYear() busyYear {
	y := busyYear{
		rules: Rules{Unit: "hour", Granularity: 15 * time.Minute, MinDuration: 30 * time.Minute,
			MaxDuration: 8 * time.Hour, Buffer: 15 * time.Minute},
		from: utc("2026-12-01T00:00:00Z"),
		to:   utc("2028-01-01T00:00:00Z"),
	}
	for d := time.Monday; d <= time.Friday; d++ {
		y.windows = append(y.windows, Window{Weekday: d, Opens: 8 * 60, Closes: 12 * 60},
			Window{Weekday: d, Opens: 13 * 60, Closes: 20 * 60})
	}
	y.windows = append(y.windows, Window{Weekday: time.Saturday, Opens: 9 * 60, Closes: 13 * 60})
	rng := rand.New(rand.NewPCG(2026, 11))
	days := int(y.to.Sub(y.from).Hours() / 24)
	at := func(day, minute int) time.Time {
		d := DateOf(y.from, London).AddDays(day)
		return AtOrAfter(d, Clock(minute), London)
	}
	for range 2000 {
		start := at(rng.IntN(days), 8*60+15*rng.IntN(44))
		y.busy = append(y.busy, Interval{Start: start, End: start.Add(time.Duration(30+15*rng.IntN(8)) * time.Minute)})
	}
	for range 50 {
		day := rng.IntN(days)
		if rng.IntN(2) == 0 {
			y.closures = append(y.closures, Interval{Start: at(day, 0), End: at(day+1, 0)})
			continue
		}
		start := at(day, 9*60+30*rng.IntN(12))
		y.closures = append(y.closures, Interval{Start: start, End: start.Add(3 * time.Hour)})
	}
	return y
}

// free is what the store computes for one space once its rows are loaded.
func (y busyYear) free() []Interval {
	open := y.rules.Bookable(y.windows, y.from, y.to)
	return FreeTime(open, y.closures, y.busy, y.rules.Buffer)
}

// BenchmarkFreeTime is free time for one space over 13 months with 2,000
// bookings and 50 closures: opening windows expanded per local date, less
// closures and bookings grown by the buffer. The target is under 1 ms.
func BenchmarkFreeTime(b *testing.B) {
	y := newBusyYear()
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			y.free()
		}
	})
	b.Run("open intervals", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			y.rules.Bookable(y.windows, y.from, y.to)
		}
	})
	// The store loads bookings and closures in order of start.
	sorted := y
	sorted.busy = slices.SortedFunc(slices.Values(y.busy), func(a, b Interval) int { return a.Start.Compare(b.Start) })
	sorted.closures = slices.SortedFunc(slices.Values(y.closures), func(a, b Interval) int { return a.Start.Compare(b.Start) })
	b.Run("whole, rows in order", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sorted.free()
		}
	})
	open := y.rules.Bookable(y.windows, y.from, y.to)
	b.Run("subtract", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			FreeTime(open, y.closures, y.busy, y.rules.Buffer)
		}
	})
}
