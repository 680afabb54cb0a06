package booking

import (
	"testing"
	"time"
)

func TestUsable(t *testing.T) {
	hourly := Rules{Unit: "hour", Granularity: 30 * time.Minute, MinDuration: time.Hour, MaxDuration: 4 * time.Hour}
	daily := Rules{Unit: "day"}
	tests := []struct {
		name  string
		rules Rules
		free  []Interval
		want  []Interval
	}{
		{"hourly: narrowed to the slot grid", hourly,
			[]Interval{iv("2026-12-01T09:45:00Z", "2026-12-01T12:10:00Z")},
			[]Interval{iv("2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z")}},
		{"hourly: shorter than the shortest booking is left out", hourly,
			[]Interval{iv("2026-12-01T09:15:00Z", "2026-12-01T10:10:00Z"), iv("2026-12-01T13:00:00Z", "2026-12-01T14:00:00Z")},
			[]Interval{iv("2026-12-01T13:00:00Z", "2026-12-01T14:00:00Z")}},
		{"hourly: seconds from the notice period are rounded up", hourly,
			[]Interval{iv("2026-12-01T10:00:07Z", "2026-12-01T12:00:00Z")},
			[]Interval{iv("2026-12-01T10:30:00Z", "2026-12-01T12:00:00Z")}},
		{"hourly: the grid is the wall clock's in summer too", hourly,
			[]Interval{iv("2027-06-01T08:10:00Z", "2027-06-01T11:00:00Z")},
			[]Interval{iv("2027-06-01T08:30:00Z", "2027-06-01T11:00:00Z")}},
		{"daily: whole local days only", daily,
			[]Interval{iv("2027-06-01T09:00:00Z", "2027-06-03T23:30:00Z")},
			[]Interval{iv("2027-06-01T23:00:00Z", "2027-06-03T23:00:00Z")}},
		{"daily: part of a day is left out", daily,
			[]Interval{iv("2026-12-01T09:00:00Z", "2026-12-01T17:00:00Z")},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.Usable(tt.free); !equalIntervals(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFits(t *testing.T) {
	hourly := Rules{Unit: "hour", Granularity: 30 * time.Minute, MinDuration: time.Hour, MaxDuration: 4 * time.Hour}
	twoHours := []Interval{iv("2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z")}
	tests := []struct {
		name  string
		rules Rules
		free  []Interval
		d     time.Duration
		want  bool
	}{
		{"two hours fit in two hours", hourly, twoHours, 2 * time.Hour, true},
		{"two and a half do not", hourly, twoHours, 150 * time.Minute, false},
		{"105 minutes round up to two hours", hourly, twoHours, 105 * time.Minute, true},
		{"longer than the longest booking", hourly, []Interval{iv("2026-12-01T08:00:00Z", "2026-12-01T20:00:00Z")}, 5 * time.Hour, false},
		{"no duration: any free time", hourly, twoHours, 0, true},
		{"no free time", hourly, nil, 0, false},
		{"two days in a free run of two local days", Rules{Unit: "day"},
			[]Interval{iv("2027-06-01T23:00:00Z", "2027-06-03T23:00:00Z")}, 36 * time.Hour, true},
		{"three days do not", Rules{Unit: "day"},
			[]Interval{iv("2027-06-01T23:00:00Z", "2027-06-03T23:00:00Z")}, 49 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.Fits(tt.free, tt.d); got != tt.want {
				t.Errorf("Fits(%v) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}
