package calendar_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/common-room/commonroom/server/calendar"
	"github.com/common-room/commonroom/server/calendar/calendartest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func london(date, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, calendar.London)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(f float64) *float64 { return &f }

// weekly is a series of Tuesday sessions, 10:00–11:30 London time, from 17
// March to 3 November 2026: across the change to summer time on 29 March
// and back on 25 October.
func weekly() []calendar.Event {
	var evs []calendar.Event
	modified := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	for d := london("2026-03-17", "10:00"); d.Before(london("2026-11-04", "00:00")); d = d.AddDate(0, 0, 7) {
		date := d.Format("2006-01-02")
		ev := calendar.Event{
			UID:      "booking-" + strings.ReplaceAll(date, "-", "") + "@commonroom.test",
			Start:    london(date, "10:00"),
			End:      london(date, "11:30"),
			Modified: modified,
			Status:   calendar.Confirmed,
			Summary:  "Knit and natter",
			Location: "Garden Room, Hunter Street Health Centre, 1 Hunter Street, Leeds, LS1 1AA",
			URL:      "https://commonroom.test/bookings/" + date,
		}
		if date == "2026-06-16" {
			ev.Status, ev.Sequence, ev.Modified = calendar.Cancelled, 1, modified.Add(48*time.Hour)
		}
		evs = append(evs, ev)
	}
	return evs
}

func sampleFeed() *calendar.Feed {
	evs := weekly()
	evs = append(evs,
		calendar.Event{
			UID:       "booking-9001@commonroom.test",
			Sequence:  0,
			Start:     london("2026-12-01", "18:00"),
			End:       london("2026-12-01", "20:00"),
			Modified:  time.Date(2026, 11, 20, 16, 5, 0, 0, time.UTC),
			Status:    calendar.Tentative,
			Summary:   "Carers' café; tea, cake, and a chat ☕🍰",
			Latitude:  ptr(53.800755),
			Longitude: ptr(-1.549077),
			Location:  "Kitchen, Hunter Street Health Centre, 1 Hunter Street, Leeds, LS1 1AA",
			Description: "Requested: waiting for the estates team.\nBring: mugs, a tin; a kettle is there.\r\n" +
				"A long note that goes on well past the seventy-five octets a line may hold before it has to be folded, with ünïcödé and emoji 🎉🎉🎉 near the fold.",
		},
	)
	return &calendar.Feed{
		Name:        "Garden Room, Hunter Street Health Centre",
		Description: "Bookings of the Garden Room; private bookings show as \"Booked\".",
		URL:         "https://commonroom.test/spaces/7",
		Events:      evs,
	}
}

func write(t testing.TB, f *calendar.Feed) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := calendar.Write(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func TestWriteMatchesGoldenFileAndParsers(t *testing.T) {
	f := sampleFeed()
	got := write(t, f)
	golden(t, "feed.ics", got)
	calendartest.Check(t, got, f.Events)

	cal := calendartest.Parse(t, got)[0]
	if cal.Name != f.Name {
		t.Errorf("X-WR-CALNAME reads %q, want %q", cal.Name, f.Name)
	}
	// Across both clock changes the sessions stay at 10:00 in London, so
	// their UTC start moves by an hour.
	starts := map[string]string{}
	for _, e := range cal.Events {
		starts[e.LocalStart[:10]] = e.Start
	}
	for date, want := range map[string]string{
		"2026-03-24": "2026-03-24T10:00:00Z",
		"2026-03-31": "2026-03-31T09:00:00Z",
		"2026-10-20": "2026-10-20T09:00:00Z",
		"2026-10-27": "2026-10-27T10:00:00Z",
	} {
		if starts[date] != want {
			t.Errorf("session on %s starts at %q, want %q", date, starts[date], want)
		}
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	if a, b := write(t, sampleFeed()), write(t, sampleFeed()); !bytes.Equal(a, b) {
		t.Fatal("the same feed gave different bytes")
	}
}

func TestHeaderProperties(t *testing.T) {
	got := string(write(t, &calendar.Feed{Name: "Hall; bookings, all"}))
	for _, want := range []string{
		"VERSION:2.0\r\n",
		"PRODID:" + calendar.ProductID + "\r\n",
		"METHOD:PUBLISH\r\n",
		"NAME:Hall\\; bookings\\, all\r\n",
		"X-WR-CALNAME:Hall\\; bookings\\, all\r\n",
		"X-WR-TIMEZONE:Europe/London\r\n",
		"REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n",
		"X-PUBLISHED-TTL:PT6H\r\n",
		"BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("feed lacks %q:\n%s", want, got)
		}
	}
}

func TestEmptyFeedIsAValidCalendar(t *testing.T) {
	got := write(t, &calendar.Feed{Name: "Nothing booked"})
	calendartest.Check(t, got, nil)
	golden(t, "empty.ics", got)
}

func TestEventCancelledTitleAndStatus(t *testing.T) {
	ev := calendar.Event{
		UID: "booking-1@commonroom.test", Sequence: 3, Status: calendar.Cancelled, Summary: "Booked",
		Start: london("2026-10-25", "01:30"), End: london("2026-10-25", "03:00"), Modified: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
	}
	got := write(t, &calendar.Feed{Name: "x", Events: []calendar.Event{ev}})
	for _, want := range []string{"SUMMARY:Cancelled: Booked\r\n", "STATUS:CANCELLED\r\n", "SEQUENCE:3\r\n",
		"DTSTAMP:20261001T000000Z\r\n", "LAST-MODIFIED:20261001T000000Z\r\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("event lacks %q", want)
		}
	}
	calendartest.Check(t, got, []calendar.Event{ev})
}

func TestWriteRefusesAnEventWithoutUIDOrTime(t *testing.T) {
	start := london("2026-12-01", "10:00")
	for _, ev := range []calendar.Event{
		{Start: start, End: start.Add(time.Hour)},
		{UID: "a", Start: start, End: start},
	} {
		if err := calendar.Write(&bytes.Buffer{}, &calendar.Feed{Name: "x", Events: []calendar.Event{ev}}); err == nil {
			t.Errorf("wrote %+v", ev)
		}
	}
}

func TestFoldingKeepsUTF8AndUnfoldsToTheOriginal(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a", 300),
		strings.Repeat("é", 200),
		strings.Repeat("🎉", 100),
		"x" + strings.Repeat("€", 99),
		strings.Repeat("ab🎉", 60),
	} {
		ev := calendar.Event{UID: "u", Start: london("2026-12-01", "10:00"), End: london("2026-12-01", "11:00"), Summary: s}
		got := write(t, &calendar.Feed{Name: "x", Events: []calendar.Event{ev}})
		calendartest.Lines(t, got)
		cal, err := calendartest.Decode(got)
		if err != nil {
			t.Fatal(err)
		}
		if text, _ := cal.Events()[0].Props.Text("SUMMARY"); text != s {
			t.Errorf("unfolded summary %q, want %q", text, s)
		}
	}
}

// awkwardTexts are texts that escaping, folding and cleaning must survive.
var awkwardTexts = []string{"", "a,b;c\\d", "line\nbreak\r\nand\rreturn", "tab\there", "🎉" + strings.Repeat("é", 40),
	"\x00\x01\x7f", "\xff\xfe bad utf8", "quote \" and colon :", strings.Repeat(";", 100), "trailing backslash \\",
	strings.Repeat("ab🎉,", 40), "\\n is not a newline", "Ünïcödé; “quotes”, — dashes"}

// TestTextReadsBackInIcalJS writes each awkward text as an event's title,
// description and location, and checks that ical.js reads back exactly
// the cleaned text.
func TestTextReadsBackInIcalJS(t *testing.T) {
	var evs []calendar.Event
	for i, s := range awkwardTexts {
		day := london("2026-12-01", "10:00").AddDate(0, 0, i)
		evs = append(evs, calendar.Event{UID: fmt.Sprintf("text-%d@x", i), Start: day, End: day.Add(time.Hour),
			Summary: s, Description: s, Location: s})
	}
	calendartest.Check(t, write(t, &calendar.Feed{Name: "Texts", Events: evs}), evs)
}

// FuzzText writes any text as an event's title and description: the feed
// stays well-formed, and what a parser reads back is the text with only
// control characters removed and line breaks normalised.
func FuzzText(f *testing.F) {
	for _, s := range awkwardTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ev := calendar.Event{UID: "u@x", Start: london("2026-12-01", "10:00"), End: london("2026-12-01", "11:00"), Summary: s, Description: s, Location: s}
		var b bytes.Buffer
		if err := calendar.Write(&b, &calendar.Feed{Name: s, Events: []calendar.Event{ev}}); err != nil {
			t.Fatalf("writing %q: %v", s, err)
		}
		calendartest.Lines(t, b.Bytes())
		cal, err := calendartest.Decode(b.Bytes())
		if err != nil {
			t.Fatalf("decoding the feed for %q: %v\n%s", s, err, b.Bytes())
		}
		want := calendar.Text(s)
		for _, name := range []string{"SUMMARY", "DESCRIPTION", "LOCATION"} {
			got, err := cal.Events()[0].Props.Text(name)
			if want == "" && name != "SUMMARY" {
				continue
			}
			if err != nil || got != want {
				t.Fatalf("%s reads %q (%v), want %q", name, got, err, want)
			}
		}
		for _, r := range want {
			if r == '\r' || (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
				t.Fatalf("Text(%q) kept control character %U", s, r)
			}
		}
	})
}
