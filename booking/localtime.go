package booking

import (
	"errors"
	"fmt"
	"time"
)

// London is the estate's wall clock. Opening hours, recurrence and display
// are in local time and converted per date, so clock changes are exact.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("time zone %s: %v (import time/tzdata)", name, err))
	}
	return loc
}

// Date is a calendar date with no time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the local calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate reads a date written as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date like 2026-11-21", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// civil is the date at noon UTC: a stable anchor for calendar arithmetic.
func (d Date) civil() time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// AddDays is the date n days later (earlier when n is negative).
func (d Date) AddDays(n int) Date {
	t := d.civil().AddDate(0, 0, n)
	return Date{t.Year(), t.Month(), t.Day()}
}

// Weekday is the date's day of the week.
func (d Date) Weekday() time.Weekday { return d.civil().Weekday() }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.civil().Before(e.civil()) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.civil().Compare(e.civil()) }

// DaysUntil counts the days from d to e.
func (d Date) DaysUntil(e Date) int { return int(e.civil().Sub(d.civil()).Hours() / 24) }

// Clock is a wall-clock time of day in minutes after midnight, 0 to 1440
// (1440 is the end of the day, for closing times).
type Clock int

// ParseClock reads a time of day written as HH:MM (24:00 allowed).
func ParseClock(s string) (Clock, error) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("%q is not a time like 09:30", s)
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time like 09:30", s)
	}
	return Clock(h*60 + m), nil
}

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// ErrNoSuchLocalTime is returned for a wall-clock time that does not exist
// because the clocks go forward over it (01:00–02:00 on the last Sunday of
// March in London).
var ErrNoSuchLocalTime = errors.New("that time does not exist on that date: the clocks go forward")

// At returns the instant when the wall clock in loc shows clock on date.
//
// The rules at clock changes:
//   - A time in the hour skipped in spring does not exist: ErrNoSuchLocalTime.
//   - A time in the hour repeated in autumn means its first occurrence, in
//     summer time, which is what a person reading "01:30" on a poster
//     expects. (Go's time.Date may pick either; this does not.)
func At(date Date, clock Clock, loc *time.Location) (time.Time, error) {
	day := date
	if clock == 24*60 {
		day, clock = date.AddDays(1), 0
	}
	h, m := int(clock)/60, int(clock)%60
	want := func(t time.Time) bool {
		lt := t.In(loc)
		y, mo, d := lt.Date()
		return y == day.Year && mo == day.Month && d == day.Day && lt.Hour() == h && lt.Minute() == m
	}
	t := time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, loc)
	var first time.Time
	for _, c := range []time.Time{t.Add(-time.Hour), t, t.Add(time.Hour)} {
		if want(c) && (first.IsZero() || c.Before(first)) {
			first = c
		}
	}
	if first.IsZero() {
		return time.Time{}, ErrNoSuchLocalTime
	}
	return first.UTC(), nil
}

// AtOrAfter is At, but a time inside the spring gap moves to the first
// instant after it (02:00 summer time), for opening windows that start or
// end in the missing hour.
func AtOrAfter(date Date, clock Clock, loc *time.Location) time.Time {
	t, err := At(date, clock, loc)
	for c := clock; err != nil && c < 24*60; {
		c++
		t, err = At(date, c, loc)
	}
	return t
}
