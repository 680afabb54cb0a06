package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
)

// Times on pages are in London and written as the NHS.UK style guide asks:
// 10am, 2:30pm, midday, midnight; "to" between the two ends of a span.

// formatClock shows a time of day, like "9am", "2:30pm" or "midday".
func formatClock(c booking.Clock) string {
	m := int(c) % (24 * 60)
	h, min := m/60, m%60
	switch {
	case m == 0:
		return "midnight"
	case m == 12*60:
		return "midday"
	}
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	if h > 12 {
		h -= 12
	}
	if h == 0 {
		h = 12
	}
	if min == 0 {
		return strconv.Itoa(h) + suffix
	}
	return strconv.Itoa(h) + ":" + twoDigits(min) + suffix
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// clockOf is an instant's time of day on the London wall clock.
func clockOf(t time.Time) booking.Clock {
	l := t.In(booking.London)
	return booking.Clock(l.Hour()*60 + l.Minute())
}

// formatTime shows an instant's time of day in London, like "2:30pm".
func formatTime(t time.Time) string { return formatClock(clockOf(t)) }

// formatSpan shows the times of an interval within a day, like "10am to
// midday".
func formatSpan(iv booking.Interval) string {
	return formatTime(iv.Start) + " to " + formatTime(iv.End)
}

// formatTimes shows when a booking runs within its first day, like "10am
// to midday"; a booking of whole days is "all day", or says its last day.
func formatTimes(start, end time.Time) string {
	first, last := booking.DateOf(start, booking.London), booking.DateOf(end, booking.London)
	if clockOf(start) == 0 && clockOf(end) == 0 && first.Before(last) {
		if first.AddDays(1) == last {
			return "All day"
		}
		return "All day, to the end of " + formatDateOf(last.AddDays(-1))
	}
	return formatSpan(booking.Interval{Start: start, End: end})
}

// formatDay shows an instant's date in London with its weekday, like
// "Tuesday 8 December 2026".
func formatDay(t time.Time) string { return t.In(booking.London).Format("Monday 2 January 2006") }

// formatDateOf shows a calendar date with its weekday, like "Tuesday 8
// December 2026".
func formatDateOf(d booking.Date) string { return civil(d).Format("Monday 2 January 2006") }

// formatDateShort shows a calendar date briefly, like "Tue 8 Dec".
func formatDateShort(d booking.Date) string { return civil(d).Format("Mon 2 Jan") }

// civil is a date at midday UTC, for formatting and calendar arithmetic.
func civil(d booking.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC) }

// dayStart is the instant a London date begins.
func dayStart(d booking.Date) time.Time { return booking.AtOrAfter(d, 0, booking.London) }

// today is the London date at now.
func today(now time.Time) booking.Date { return booking.DateOf(now, booking.London) }

// parseClockInput reads a time of day as people type it: 14:30, 9:30,
// 9.30, 0930, 9am, 2:30pm, midday, midnight (which is 00:00; a closing time
// reads it as 24:00). It reports false for anything else.
func parseClockInput(v string) (booking.Clock, bool) {
	v = strings.ToLower(strings.Join(strings.Fields(v), ""))
	switch v {
	case "":
		return 0, false
	case "midday", "noon", "12noon":
		return 12 * 60, true
	case "midnight":
		return 0, true
	}
	suffix := ""
	if strings.HasSuffix(v, "am") || strings.HasSuffix(v, "pm") {
		suffix, v = v[len(v)-2:], v[:len(v)-2]
	}
	hours, minutes, found := strings.Cut(strings.ReplaceAll(v, ".", ":"), ":")
	if !found && len(v) == 4 && suffix == "" {
		hours, minutes = v[:2], v[2:]
	} else if !found {
		minutes = "00"
	}
	h, err1 := strconv.Atoi(hours)
	m, err2 := strconv.Atoi(minutes)
	if err1 != nil || err2 != nil || len(hours) > 2 || len(minutes) != 2 || h < 0 || m < 0 || m > 59 {
		return 0, false
	}
	switch suffix {
	case "":
		if h > 24 || (h == 24 && m != 0) {
			return 0, false
		}
	case "am", "pm":
		if h < 1 || h > 12 {
			return 0, false
		}
		if h == 12 {
			h = 0
		}
		if suffix == "pm" {
			h += 12
		}
	}
	return booking.Clock(h*60 + m), true
}

// dateParts is a date as typed into the NHS.UK date input: day, month and
// year in boxes of their own.
type dateParts struct{ Day, Month, Year string }

// datePartsOf is a date as the date input shows it.
func datePartsOf(d booking.Date) dateParts {
	return dateParts{Day: strconv.Itoa(d.Day), Month: strconv.Itoa(int(d.Month)), Year: strconv.Itoa(d.Year)}
}

// empty reports whether nothing was typed.
func (p dateParts) empty() bool { return p.Day == "" && p.Month == "" && p.Year == "" }

// datePartsFrom reads the date input named id from a form or query:
// id-day, id-month and id-year, or a whole date in id as 2026-12-08.
func datePartsFrom(get func(string) string, id string) dateParts {
	p := dateParts{
		Day: strings.TrimSpace(get(id + "-day")), Month: strings.TrimSpace(get(id + "-month")),
		Year: strings.TrimSpace(get(id + "-year")),
	}
	if p.empty() {
		if d, err := booking.ParseDate(strings.TrimSpace(get(id))); err == nil {
			return datePartsOf(d)
		}
	}
	return p
}

// formDate reads a date input. A problem is recorded under id-day, the
// first box, naming the date as what ("the date"); empty reports false
// without a problem unless required.
func formDate(errs *formErrors, id string, p dateParts, what string, required bool) (booking.Date, bool) {
	field := id + "-day"
	if p.empty() {
		if required {
			errs.add(field, "Enter "+what)
		}
		return booking.Date{}, false
	}
	var missing []string
	for _, part := range []struct{ name, v string }{{"day", p.Day}, {"month", p.Month}, {"year", p.Year}} {
		if part.v == "" {
			missing = append(missing, part.name)
		}
	}
	if len(missing) > 0 {
		errs.add(field, upperFirst(strings.TrimPrefix(what, "the "))+" must include a "+strings.Join(missing, " and a "))
		return booking.Date{}, false
	}
	day, err1 := strconv.Atoi(p.Day)
	month, err2 := strconv.Atoi(p.Month)
	year, err3 := strconv.Atoi(p.Year)
	t := time.Date(year, time.Month(month), day, 12, 0, 0, 0, time.UTC)
	if err1 != nil || err2 != nil || err3 != nil || len(p.Year) != 4 || t.Day() != day || int(t.Month()) != month ||
		year < minYear || year > maxYear {
		errs.add(field, upperFirst(strings.TrimPrefix(what, "the "))+" must be a real date, like 8 12 2026")
		return booking.Date{}, false
	}
	return booking.Date{Year: year, Month: time.Month(month), Day: day}, true
}

// formClock reads a time of day typed into the input id, naming it as what
// ("the start time"); empty reports false without a problem unless
// required.
func formClock(errs *formErrors, id, value, what string, required bool) (booking.Clock, bool) {
	if strings.TrimSpace(value) == "" {
		if required {
			errs.add(id, "Enter "+what+", like 10:00")
		}
		return 0, false
	}
	c, ok := parseClockInput(value)
	if !ok {
		errs.add(id, upperFirst(strings.TrimPrefix(what, "the "))+" must be a time of day, like 10:00 or 2:30pm")
	}
	return c, ok
}
