package booking

import (
	"errors"
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func iv(a, b string) Interval { return Interval{Start: utc(a), End: utc(b)} }

func TestAtAcrossClockChanges(t *testing.T) {
	tests := []struct {
		name  string
		date  Date
		clock string
		want  string
		err   error
	}{
		{"winter is GMT", Date{2026, 1, 13}, "10:00", "2026-01-13T10:00:00Z", nil},
		{"summer is BST", Date{2026, 7, 14}, "10:00", "2026-07-14T09:00:00Z", nil},
		{"2026 spring: before the gap", Date{2026, 3, 29}, "00:59", "2026-03-29T00:59:00Z", nil},
		{"2026 spring: the missing hour", Date{2026, 3, 29}, "01:30", "", ErrNoSuchLocalTime},
		{"2026 spring: after the gap", Date{2026, 3, 29}, "02:00", "2026-03-29T01:00:00Z", nil},
		{"2026 autumn: repeated hour is the first one", Date{2026, 10, 25}, "01:30", "2026-10-25T00:30:00Z", nil},
		{"2026 autumn: after the repeat", Date{2026, 10, 25}, "02:00", "2026-10-25T02:00:00Z", nil},
		{"2027 spring: the missing hour", Date{2027, 3, 28}, "01:00", "", ErrNoSuchLocalTime},
		{"2027 spring: after", Date{2027, 3, 28}, "10:00", "2027-03-28T09:00:00Z", nil},
		{"2027 autumn: repeated hour", Date{2027, 10, 31}, "01:00", "2027-10-31T00:00:00Z", nil},
		{"2027 autumn: after", Date{2027, 10, 31}, "10:00", "2027-10-31T10:00:00Z", nil},
		{"24:00 is the next midnight", Date{2026, 7, 14}, "24:00", "2026-07-14T23:00:00Z", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseClock(tt.clock)
			if err != nil {
				t.Fatal(err)
			}
			got, err := At(tt.date, c, London)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err %v, want %v", err, tt.err)
			}
			if tt.err == nil && !got.Equal(utc(tt.want)) {
				t.Errorf("At(%v, %s) = %v, want %s", tt.date, tt.clock, got, tt.want)
			}
		})
	}
}

func TestOpenIntervalsKeepWallClockAcrossChanges(t *testing.T) {
	tue := []Window{{Weekday: time.Tuesday, Opens: 10 * 60, Closes: 12 * 60}}
	// Tuesdays either side of the October 2026 and March 2027 changes.
	got := OpenIntervals(tue, utc("2026-10-19T00:00:00Z"), utc("2027-04-07T00:00:00Z"), London)
	for _, g := range got {
		local := g.Start.In(London)
		if local.Hour() != 10 || local.Minute() != 0 || g.Duration() != 2*time.Hour {
			t.Errorf("window %v starts %v local, lasts %v", g, local, g.Duration())
		}
	}
	if got[0].Start != utc("2026-10-20T09:00:00Z") || got[1].Start != utc("2026-10-27T10:00:00Z") {
		t.Errorf("around October: %v, %v", got[0], got[1])
	}
	starts := map[time.Time]bool{}
	for _, g := range got {
		starts[g.Start] = true
	}
	for _, want := range []string{"2027-03-23T10:00:00Z", "2027-03-30T09:00:00Z"} {
		if !starts[utc(want)] {
			t.Errorf("around March: no window starting %s in %v", want, got)
		}
	}
}

func TestOpenIntervalsOnChangeDays(t *testing.T) {
	night := []Window{{Weekday: time.Sunday, Opens: 0, Closes: 3 * 60}}
	spring := OpenIntervals(night, utc("2026-03-28T00:00:00Z"), utc("2026-03-30T00:00:00Z"), London)
	if len(spring) != 1 || spring[0].Duration() != 2*time.Hour {
		t.Errorf("00:00–03:00 on the spring change day holds two real hours, got %v", spring)
	}
	autumn := OpenIntervals(night, utc("2026-10-24T00:00:00Z"), utc("2026-10-26T00:00:00Z"), London)
	if len(autumn) != 1 || autumn[0].Duration() != 4*time.Hour {
		t.Errorf("00:00–03:00 on the autumn change day holds four real hours, got %v", autumn)
	}
	gapEdge := []Window{{Weekday: time.Sunday, Opens: 90, Closes: 4 * 60}}
	edge := OpenIntervals(gapEdge, utc("2026-03-28T00:00:00Z"), utc("2026-03-30T00:00:00Z"), London)
	if len(edge) != 1 || edge[0].Start != utc("2026-03-29T01:00:00Z") {
		t.Errorf("a window opening in the gap opens at 02:00 BST, got %v", edge)
	}
}

func TestSubtractAndFreeTime(t *testing.T) {
	open := []Interval{iv("2026-12-01T09:00:00Z", "2026-12-01T17:00:00Z")}
	busy := []Interval{iv("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"), iv("2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z")}
	got := FreeTime(open, nil, busy, 0)
	want := []Interval{iv("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z"), iv("2026-12-01T12:00:00Z", "2026-12-01T17:00:00Z")}
	if !equalIntervals(got, want) {
		t.Errorf("no buffer: %v, want %v", got, want)
	}
	got = FreeTime(open, []Interval{iv("2026-12-01T16:00:00Z", "2026-12-02T00:00:00Z")}, busy, 15*time.Minute)
	want = []Interval{iv("2026-12-01T09:00:00Z", "2026-12-01T09:45:00Z"), iv("2026-12-01T12:15:00Z", "2026-12-01T16:00:00Z")}
	if !equalIntervals(got, want) {
		t.Errorf("buffer and closure: %v, want %v", got, want)
	}
	if a, b := iv("2026-12-01T09:00:00Z", "2026-12-01T10:00:00Z"), iv("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"); a.Overlaps(b) {
		t.Error("back-to-back intervals must not overlap")
	}
}

func equalIntervals(a, b []Interval) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Start.Equal(b[i].Start) || !a[i].End.Equal(b[i].End) {
			return false
		}
	}
	return true
}

func TestRecurrence(t *testing.T) {
	until := func(d Date) *Date { return &d }
	tests := []struct {
		name  string
		r     Recurrence
		first Date
		want  []Date
		field string
	}{
		{"weekly for a count, skipping a date", Recurrence{Frequency: Weekly, Count: 4, Skip: []Date{{2026, 12, 15}}},
			Date{2026, 12, 1}, []Date{{2026, 12, 1}, {2026, 12, 8}, {2026, 12, 22}}, ""},
		{"every two weeks until a date", Recurrence{Frequency: Weekly, Interval: 2, Until: until(Date{2027, 1, 12})},
			Date{2026, 12, 1}, []Date{{2026, 12, 1}, {2026, 12, 15}, {2026, 12, 29}, {2027, 1, 12}}, ""},
		{"monthly on the second Tuesday", Recurrence{Frequency: Monthly, Count: 3},
			Date{2026, 12, 8}, []Date{{2026, 12, 8}, {2027, 1, 12}, {2027, 2, 9}}, ""},
		{"fifth Tuesday falls back to the last", Recurrence{Frequency: Monthly, Count: 3},
			Date{2026, 12, 29}, []Date{{2026, 12, 29}, {2027, 1, 26}, {2027, 2, 23}}, ""},
		{"no end", Recurrence{Frequency: Weekly}, Date{2026, 12, 1}, nil, "recurrence.until"},
		{"both ends", Recurrence{Frequency: Weekly, Count: 2, Until: until(Date{2027, 1, 1})}, Date{2026, 12, 1}, nil, "recurrence.count"},
		{"longer than 18 months by date", Recurrence{Frequency: Weekly, Until: until(Date{2028, 6, 2})}, Date{2026, 12, 1}, nil, "recurrence.until"},
		{"longer than 18 months by count", Recurrence{Frequency: Weekly, Count: 80}, Date{2026, 12, 1}, nil, "recurrence.count"},
		{"unknown frequency", Recurrence{Frequency: "daily", Count: 2}, Date{2026, 12, 1}, nil, "recurrence.frequency"},
		{"too many weeks apart", Recurrence{Frequency: Weekly, Interval: 9, Count: 2}, Date{2026, 12, 1}, nil, "recurrence.interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Dates(tt.first)
			if tt.field != "" {
				var v *ValidationError
				if !errors.As(err, &v) || v.Fields[0].Field != tt.field {
					t.Fatalf("err %v, want a problem with %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestParseClockAndDate(t *testing.T) {
	for _, bad := range []string{"9:30", "25:00", "24:01", "10:60", "ab:cd", ""} {
		if _, err := ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q) accepted", bad)
		}
	}
	if c, err := ParseClock("24:00"); err != nil || c != 1440 {
		t.Errorf("24:00 → %v, %v", c, err)
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("30 February accepted")
	}
}

func TestOpenDaysForDayBookings(t *testing.T) {
	weekdays := []Window{{Weekday: time.Saturday, Opens: 9 * 60, Closes: 13 * 60}}
	got := OpenDays(weekdays, utc("2026-10-23T00:00:00Z"), utc("2026-11-01T00:00:00Z"), London)
	if len(got) != 2 {
		t.Fatalf("got %v, want the two Saturdays", got)
	}
	if got[0].Start != utc("2026-10-23T23:00:00Z") || got[0].Duration() != 24*time.Hour {
		t.Errorf("Saturday 24 October (BST) is %v", got[0])
	}
	if got[1].Start != utc("2026-10-31T00:00:00Z") {
		t.Errorf("Saturday 31 October (GMT) is %v", got[1])
	}
	day := Rules{Unit: "day"}
	if err := CheckOpen(Interval{Start: utc("2026-10-31T00:00:00Z"), End: utc("2026-11-01T00:00:00Z")},
		day.Bookable(weekdays, utc("2026-10-30T00:00:00Z"), utc("2026-11-02T00:00:00Z"))); err != nil {
		t.Errorf("a whole open Saturday: %v", err)
	}
}
