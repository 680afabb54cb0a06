// Package calendartest checks iCalendar output the way subscribers' clients
// will read it: line by line against RFC 5545, with go-ical's decoder, and
// with an independent parser, npm's ical.js, run under Node.js.
//
// ical.js comes from frontend/node_modules (make assets installs it).
// Without Node.js or ical.js the independent check is skipped, unless
// REQUIRE_ICAL_PARSER=1, when it fails the test instead.
package calendartest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"

	"github.com/common-room/commonroom/server/calendar"
)

//go:embed parse.cjs
var parseScript string

// Event is an event as ical.js reads it.
type Event struct {
	UID         string `json:"uid"`
	Sequence    int    `json:"sequence"`
	Status      string `json:"status"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
	Location    string `json:"location"`
	// Start and End are the instants ical.js computes, in UTC (RFC 3339).
	Start string `json:"start"`
	End   string `json:"end"`
	// LocalStart and LocalEnd are the wall-clock times in the event's zone,
	// "2006-01-02T15:04:05".
	LocalStart string `json:"localStart"`
	LocalEnd   string `json:"localEnd"`
	TZID       string `json:"tzid"`
}

// Calendar is a calendar as ical.js reads it.
type Calendar struct {
	Name   string  `json:"name"`
	Events []Event `json:"events"`
}

// Lines checks the framing of an iCalendar object: CRLF line ends only,
// no line over 75 octets, valid UTF-8 that no fold splits, and the object
// wrapped in BEGIN/END:VCALENDAR.
func Lines(t testing.TB, feed []byte) {
	t.Helper()
	if !utf8.Valid(feed) {
		t.Fatalf("feed is not valid UTF-8")
	}
	if !bytes.HasPrefix(feed, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.HasSuffix(feed, []byte("END:VCALENDAR\r\n")) {
		t.Fatalf("feed is not one VCALENDAR with CRLF line ends:\n%.200s", feed)
	}
	lines := bytes.Split(feed[:len(feed)-2], []byte("\r\n"))
	for i, l := range lines {
		if bytes.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d is %d octets, over 75: %q", i+1, len(l), l)
		}
		if !utf8.Valid(l) {
			t.Fatalf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if len(l) == 0 {
			t.Fatalf("line %d is empty", i+1)
		}
	}
}

// Decode parses a feed with go-ical, which can panic on malformed input.
func Decode(feed []byte) (cal *ical.Calendar, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("go-ical panicked: %v", r)
		}
	}()
	return ical.NewDecoder(bytes.NewReader(feed)).Decode()
}

// Parse reads feeds with ical.js. A feed ical.js rejects fails the test.
func Parse(t testing.TB, feeds ...[]byte) []Calendar {
	t.Helper()
	node, lib, why := parser()
	if why != "" {
		if os.Getenv("REQUIRE_ICAL_PARSER") == "1" {
			t.Fatalf("the independent iCalendar parser is required: %s", why)
		}
		t.Skipf("no independent iCalendar parser: %s", why)
	}
	texts := make([]string, len(feeds))
	for i, f := range feeds {
		texts[i] = string(f)
	}
	in, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "-e", parseScript, lib)
	cmd.Stdin = bytes.NewReader(in)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ical.js rejected the feed: %v\n%s", err, stderr.String())
	}
	var cals []Calendar
	if err := json.Unmarshal(out.Bytes(), &cals); err != nil {
		t.Fatalf("reading ical.js's answer: %v\n%s", err, out.String())
	}
	if len(cals) != len(feeds) {
		t.Fatalf("ical.js read %d calendars, want %d", len(cals), len(feeds))
	}
	return cals
}

// Check runs every check on a feed and compares each event ical.js reads
// with the event written, in order: UID, status, title, and the start and
// end both as instants and as Europe/London wall-clock times.
func Check(t testing.TB, feed []byte, want []calendar.Event) {
	t.Helper()
	Lines(t, feed)
	cal, err := Decode(feed)
	if err != nil {
		t.Fatalf("go-ical rejected the feed: %v", err)
	}
	if n := len(cal.Events()); n != len(want) {
		t.Fatalf("go-ical read %d events, want %d", n, len(want))
	}
	got := Parse(t, feed)[0].Events
	if len(got) != len(want) {
		t.Fatalf("ical.js read %d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		status := w.Status
		if status == "" {
			status = calendar.Confirmed
		}
		summary := calendar.Text(w.Summary)
		if status == calendar.Cancelled {
			summary = "Cancelled: " + summary
		}
		checks := []struct{ what, got, want string }{
			{"UID", g.UID, w.UID},
			{"STATUS", g.Status, string(status)},
			{"SUMMARY", g.Summary, summary},
			{"DESCRIPTION", g.Description, calendar.Text(w.Description)},
			{"LOCATION", g.Location, calendar.Text(w.Location)},
			{"TZID", g.TZID, calendar.London.String()},
			{"start", g.Start, w.Start.UTC().Format(time.RFC3339)},
			{"end", g.End, w.End.UTC().Format(time.RFC3339)},
			{"local start", g.LocalStart, w.Start.In(calendar.London).Format("2006-01-02T15:04:05")},
			{"local end", g.LocalEnd, w.End.In(calendar.London).Format("2006-01-02T15:04:05")},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("event %d (%s): ical.js reads %s %q, want %q", i, w.UID, c.what, c.got, c.want)
			}
		}
		if g.Sequence != w.Sequence {
			t.Errorf("event %d (%s): ical.js reads SEQUENCE %d, want %d", i, w.UID, g.Sequence, w.Sequence)
		}
	}
}

var (
	parserOnce            sync.Once
	nodePath, icalJS, why string
)

// parser finds Node.js and ical.js, once per test binary.
func parser() (node, lib, reason string) {
	parserOnce.Do(func() {
		var err error
		if nodePath, err = exec.LookPath("node"); err != nil {
			why = "node is not installed"
			return
		}
		root, err := moduleRoot()
		if err != nil {
			why = err.Error()
			return
		}
		icalJS = filepath.Join(root, "frontend", "node_modules", "ical.js", "dist", "ical.es5.cjs")
		if _, err := os.Stat(icalJS); err != nil {
			why = "ical.js is not installed (run make assets)"
		}
	})
	return nodePath, icalJS, why
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above " + strings.TrimSpace(dir))
		}
		dir = parent
	}
}
