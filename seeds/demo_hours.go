package seeds

import (
	"time"

	"github.com/common-room/commonroom/booking"
)

// hours builds the same window for each of the given weekdays.
func hours(opens, closes string, days ...time.Weekday) []booking.Window {
	o, err := booking.ParseClock(opens)
	if err != nil {
		panic(err)
	}
	c, err := booking.ParseClock(closes)
	if err != nil {
		panic(err)
	}
	out := make([]booking.Window, len(days))
	for i, d := range days {
		out[i] = booking.Window{Weekday: d, Opens: o, Closes: c}
	}
	return out
}

func join(parts ...[]booking.Window) []booking.Window {
	var out []booking.Window
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var (
	weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	everyDay = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
)

// demoOpeningHours are the bookable hours of each demo site, as its
// opening-hours summary describes them.
var demoOpeningHours = map[string][]booking.Window{
	hunterStreet: join(hours("08:00", "20:00", weekdays...), hours("09:00", "13:00", time.Saturday)),
	reddishVale:  hours("09:00", "21:00", time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday),
	cherryTree: join(hours("09:00", "17:00", time.Monday, time.Wednesday, time.Friday),
		hours("09:00", "20:00", time.Tuesday, time.Thursday)),
	heatonMoor:  join(hours("08:00", "21:00", weekdays...), hours("10:00", "16:00", time.Saturday)),
	strinesRoad: hours("07:00", "20:00", everyDay...),
	stationRoad: join(hours("18:30", "21:00", weekdays...), hours("09:00", "17:00", time.Saturday)),
}
