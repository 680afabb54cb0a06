// Package calendar writes iCalendar (RFC 5545) feeds: the public and
// private calendars people subscribe to, and the one-event files they add
// by hand. It builds every component with go-ical and adds what go-ical
// leaves out: the Europe/London VTIMEZONE, folding at 75 octets, and clean
// text.
package calendar

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
)

// ProductID names the software that wrote a feed.
const ProductID = "-//Common Room//Calendar feeds//EN"

// RefreshInterval is how often a subscribed client is asked to fetch a feed
// again. Clients poll far less often than that anyway.
const RefreshInterval = 6 * time.Hour

// Status is an event's STATUS.
type Status string

// The statuses an event can have. A cancelled event stays in a feed for a
// while so that clients remove it, with its title starting "Cancelled: ".
const (
	Confirmed Status = "CONFIRMED"
	Tentative Status = "TENTATIVE"
	Cancelled Status = "CANCELLED"
)

// Feed is a calendar and its events.
type Feed struct {
	// Name is the calendar's name in the subscriber's list of calendars.
	Name string
	// Description says what the calendar lists (optional).
	Description string
	// URL is the page the calendar belongs to (optional).
	URL    string
	Events []Event
}

// Event is one occurrence: a booking or a session on one date.
type Event struct {
	// UID is stable for the row's lifetime, e.g. "booking-42@example.org".
	UID string
	// Sequence rises on every change of the event.
	Sequence int
	// Start and End are instants; they are written as Europe/London local
	// times.
	Start, End time.Time
	// Modified is when the event's row last changed: DTSTAMP and
	// LAST-MODIFIED, so the same data gives the same bytes.
	Modified    time.Time
	Status      Status
	Summary     string
	Description string
	Location    string
	// Latitude and Longitude give GEO when both are known.
	Latitude, Longitude *float64
	URL                 string
}

// ContentType is the media type of a feed.
const ContentType = "text/calendar; charset=utf-8"

// Write writes the feed as an iCalendar object: CRLF line ends, lines
// folded at 75 octets, times in Europe/London with its VTIMEZONE. A feed
// with no events is still a valid calendar.
//
// Every event is checked before anything is written, so a bad event fails
// the call without a partial feed.
func Write(w io.Writer, f *Feed) error {
	for i := range f.Events {
		if err := f.Events[i].check(); err != nil {
			return err
		}
	}
	out := newFolder(w)
	enc := ical.NewEncoder(out)

	// go-ical encodes whole components only, and refuses a calendar with
	// nothing in it. The calendar is encoded with its time zone; its END
	// line is held back while the events are encoded one at a time, so a
	// long feed is never built in memory.
	var head bytes.Buffer
	if err := ical.NewEncoder(&head).Encode(header(f)); err != nil {
		return fmt.Errorf("calendar header: %w", err)
	}
	end := []byte("END:" + ical.CompCalendar + "\r\n")
	if !bytes.HasSuffix(head.Bytes(), end) {
		return fmt.Errorf("calendar header: unexpected encoding")
	}
	if err := writeLines(out, head.Bytes()[:head.Len()-len(end)]); err != nil {
		return err
	}
	b := newEventBuilder()
	for i := range f.Events {
		if err := enc.Encode(&ical.Calendar{Component: b.build(&f.Events[i])}); err != nil {
			return fmt.Errorf("event %s: %w", f.Events[i].UID, err)
		}
	}
	if _, err := out.Write(end); err != nil {
		return err
	}
	return out.Flush()
}

// writeLines passes encoded lines to the folder one line at a time.
func writeLines(out *folder, b []byte) error {
	for len(b) > 0 {
		n := bytes.Index(b, []byte("\r\n")) + 2
		if n < 2 {
			n = len(b)
		}
		if _, err := out.Write(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

func header(f *Feed) *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(ical.PropMethod, "PUBLISH")
	name := Text(f.Name)
	cal.Props.SetText(ical.PropName, name)
	// X- properties and REFRESH-INTERVAL are set by hand: go-ical would
	// give the first ";VALUE=TEXT" and drop the second's VALUE=DURATION.
	setRaw(cal.Component, "X-WR-CALNAME", escape(name), nil)
	setRaw(cal.Component, "X-WR-TIMEZONE", London.String(), nil)
	if f.Description != "" {
		desc := Text(f.Description)
		cal.Props.SetText(ical.PropDescription, desc)
		setRaw(cal.Component, "X-WR-CALDESC", escape(desc), nil)
	}
	if f.URL != "" {
		setRaw(cal.Component, ical.PropURL, f.URL, uriParams)
	}
	refresh := duration(RefreshInterval)
	setRaw(cal.Component, ical.PropRefreshInterval, refresh, ical.Params{ical.ParamValue: {"DURATION"}})
	setRaw(cal.Component, "X-PUBLISHED-TTL", refresh, nil)
	cal.Children = append(cal.Children, londonTimezone())
	return cal
}

// Formats of DATE-TIME values: local (with a TZID) and UTC.
const (
	localFormat = "20060102T150405"
	utcFormat   = "20060102T150405Z"
)

// Parameters shared by every event's properties. The encoder only reads
// them, so one map serves every feed at once.
var (
	londonParams = ical.Params{ical.PropTimezoneID: {"Europe/London"}}
	uriParams    = ical.Params{ical.ParamValue: {"URI"}}
)

// eventBuilder builds each VEVENT of a feed in the same component and
// property slots, so a feed of thousands of events allocates little more
// than its text.
type eventBuilder struct {
	c     *ical.Component
	slots [16]ical.Prop
	n     int
	text  ical.Prop // escapes TEXT values
	// places keeps each LOCATION escaped once: a feed's events share a
	// few places.
	places map[string]string
}

func newEventBuilder() *eventBuilder {
	return &eventBuilder{c: ical.NewComponent(ical.CompEvent), text: ical.Prop{Name: ical.PropSummary, Params: ical.Params{}},
		places: map[string]string{}}
}

func (b *eventBuilder) set(name, value string, params ical.Params) {
	b.slots[b.n] = ical.Prop{Name: name, Params: params, Value: value}
	b.c.Props[name] = b.slots[b.n : b.n+1 : b.n+1]
	b.n++
}

func (b *eventBuilder) setText(name, text string) {
	b.set(name, b.escape(text), nil)
}

// escape writes text as a TEXT value.
func (b *eventBuilder) escape(text string) string {
	if !strings.ContainsAny(text, "\\;,\n") {
		return text // nothing to escape
	}
	b.text.SetText(text)
	return b.text.Value
}

// check reports what would make an event invalid.
func (e *Event) check() error {
	if e.UID == "" || !e.Start.Before(e.End) {
		return fmt.Errorf("event %q: needs a UID and a start before its end", e.UID)
	}
	return nil
}

// build fills the component with one event.
func (b *eventBuilder) build(e *Event) *ical.Component {
	clear(b.c.Props)
	b.n = 0
	modified := e.Modified.UTC().Format(utcFormat)
	b.setText(ical.PropUID, e.UID)
	b.set(ical.PropDateTimeStamp, modified, nil)
	b.set(ical.PropLastModified, modified, nil)
	b.set(ical.PropDateTimeStart, e.Start.In(London).Format(localFormat), londonParams)
	b.set(ical.PropDateTimeEnd, e.End.In(London).Format(localFormat), londonParams)
	b.set(ical.PropSequence, strconv.Itoa(e.Sequence), nil)
	status := e.Status
	if status == "" {
		status = Confirmed
	}
	b.set(ical.PropStatus, string(status), nil)
	summary := Text(e.Summary)
	if status == Cancelled {
		summary = "Cancelled: " + summary
	}
	b.setText(ical.PropSummary, summary)
	if d := Text(e.Description); d != "" {
		b.setText(ical.PropDescription, d)
	}
	if e.Location != "" {
		place, ok := b.places[e.Location]
		if !ok {
			place = b.escape(Text(e.Location))
			b.places[e.Location] = place
		}
		if place != "" {
			b.set(ical.PropLocation, place, nil)
		}
	}
	if e.Latitude != nil && e.Longitude != nil {
		b.set(ical.PropGeo, strconv.FormatFloat(*e.Latitude, 'f', 6, 64)+";"+strconv.FormatFloat(*e.Longitude, 'f', 6, 64), nil)
	}
	if e.URL != "" {
		b.set(ical.PropURL, e.URL, uriParams)
	}
	return b.c
}

// setRaw sets a property whose value is already in iCalendar form.
func setRaw(c *ical.Component, name, value string, params ical.Params) {
	if params == nil {
		params = ical.Params{}
	}
	c.Props[name] = []ical.Prop{{Name: name, Params: params, Value: value}}
}

// escape writes text as an iCalendar TEXT value.
func escape(s string) string {
	p := ical.NewProp("X")
	p.SetText(s)
	return p.Value
}

// duration writes a whole number of hours or minutes as an iCalendar
// DURATION.
func duration(d time.Duration) string {
	if d%time.Hour == 0 {
		return "PT" + strconv.Itoa(int(d/time.Hour)) + "H"
	}
	return "PT" + strconv.Itoa(int(d/time.Minute)) + "M"
}

// Text makes s safe for a TEXT value: valid UTF-8, line breaks as "\n",
// and no other control characters (RFC 5545 allows none but tab).
func Text(s string) string {
	clean := func(r rune) bool {
		return r == utf8.RuneError || r == '\r' || (r != '\n' && r != '\t' && unicode.IsControl(r))
	}
	if !strings.ContainsFunc(s, clean) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r != '\n' && r != '\t' && unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// newFolder wraps w so that every line written to it is folded.
func newFolder(w io.Writer) *folder {
	if b, ok := w.(*bufio.Writer); ok {
		return &folder{w: b}
	}
	return &folder{w: bufio.NewWriterSize(w, 32<<10)}
}
