package booking

import "time"

// Frequencies a series can repeat at.
const (
	Weekly  = "weekly"  // every Interval weeks
	Monthly = "monthly" // the same nth weekday of each month
)

// Frequencies lists the repeat options with their labels.
var Frequencies = []Option{
	{Weekly, "Every week, or every few weeks"},
	{Monthly, "Every month, on the same weekday (for example the second Tuesday)"},
}

// MaxWeeksApart is the longest gap of a weekly series.
const MaxWeeksApart = 8

// MaxSeriesMonths is how far ahead a series may reach from its first date.
const MaxSeriesMonths = 18

// Recurrence says when a series repeats: at a frequency, until a date or
// for a number of occurrences, skipping some dates.
type Recurrence struct {
	Frequency string
	Interval  int   // weeks between dates of a weekly series; 0 means 1
	Until     *Date // last date that may hold an occurrence
	Count     int   // number of occurrences, counting skipped dates
	Skip      []Date
}

// Dates lists the series' dates from first, or explains what is wrong with
// the recurrence, naming fields as the API does.
func (r Recurrence) Dates(first Date) ([]Date, error) {
	var p Problems
	if !validOption(Frequencies, r.Frequency) {
		p.Add("recurrence.frequency", "Choose weekly or monthly")
	}
	if r.Interval < 0 || r.Interval > MaxWeeksApart || (r.Interval > 1 && r.Frequency != Weekly) {
		p.Add("recurrence.interval", "A weekly series repeats every 1 to %d weeks", MaxWeeksApart)
	}
	limit := first.civil().AddDate(0, MaxSeriesMonths, 0)
	switch {
	case r.Until == nil && r.Count == 0:
		p.Add("recurrence.until", "Give an end date or a number of sessions")
	case r.Until != nil && r.Count != 0:
		p.Add("recurrence.count", "Give an end date or a number of sessions, not both")
	case r.Until != nil && r.Until.Before(first):
		p.Add("recurrence.until", "The end date must be on or after the first date")
	case r.Until != nil && r.Until.civil().After(limit):
		p.Add("recurrence.until", "A series can run for at most %d months", MaxSeriesMonths)
	case r.Count < 0:
		p.Add("recurrence.count", "Must be at least 1")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	skip := map[Date]bool{}
	for _, d := range r.Skip {
		skip[d] = true
	}
	var out []Date
	for i := 0; ; i++ {
		d := r.nth(first, i)
		if d.civil().After(limit) {
			if r.Count != 0 {
				p.Add("recurrence.count", "A series can run for at most %d months", MaxSeriesMonths)
				return nil, p.Err()
			}
			break
		}
		if r.Until != nil && r.Until.Before(d) {
			break
		}
		if r.Count != 0 && i >= r.Count {
			break
		}
		if !skip[d] {
			out = append(out, d)
		}
	}
	return out, nil
}

// nth is the i-th date of the series (0 is first). A monthly series on the
// fifth weekday of a month, which not every month has, falls on the last
// such weekday instead.
func (r Recurrence) nth(first Date, i int) Date {
	if r.Frequency == Weekly {
		return first.AddDays(7 * max(r.Interval, 1) * i)
	}
	n := (first.Day-1)/7 + 1
	month := time.Date(first.Year, first.Month+time.Month(i), 1, 12, 0, 0, 0, time.UTC)
	return NthWeekday(month.Year(), month.Month(), first.Weekday(), n)
}

// NthWeekday is the nth (1–5) weekday of a month; 5 means the last one.
func NthWeekday(year int, month time.Month, wd time.Weekday, n int) Date {
	d := Date{year, month, 1}
	offset := (int(wd) - int(d.Weekday()) + 7) % 7
	d = d.AddDays(offset + 7*(n-1))
	if d.Month != month {
		d = d.AddDays(-7)
	}
	return d
}
