package calendar

import (
	"time"
	_ "time/tzdata" // Europe/London on machines without a zone database

	ical "github.com/emersion/go-ical"
)

// London is the estate's wall clock; every event is written in it.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// londonTimezone is the VTIMEZONE for Europe/London: British Summer Time
// from 01:00 GMT on the last Sunday of March to 01:00 GMT (02:00 BST) on
// the last Sunday of October, the rule since 1996.
func londonTimezone() *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, London.String())
	setRaw(tz, "X-LIC-LOCATION", London.String(), nil)
	tz.Children = []*ical.Component{
		zoneRule(ical.CompTimezoneDaylight, "BST", "+0000", "+0100", "19810329T010000", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
		zoneRule(ical.CompTimezoneStandard, "GMT", "+0100", "+0000", "19961027T020000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"),
	}
	return tz
}

func zoneRule(kind, name, from, to, start, rule string) *ical.Component {
	c := ical.NewComponent(kind)
	setRaw(c, ical.PropTimezoneName, name, nil)
	setRaw(c, ical.PropTimezoneOffsetFrom, from, nil)
	setRaw(c, ical.PropTimezoneOffsetTo, to, nil)
	setRaw(c, ical.PropDateTimeStart, start, nil)
	setRaw(c, ical.PropRecurrenceRule, rule, nil)
	return c
}
