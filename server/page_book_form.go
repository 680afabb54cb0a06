package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// How a booking made on the form repeats.
const (
	repeatOnce  = "once"
	repeatWeeks = "weeks"
	repeatUntil = "until"
)

// bookForm is the booking form as typed. Spaces booked by the hour take a
// date and times; spaces booked by the day or the season take a first and
// last day.
type bookForm struct {
	OrganisationID            string
	Date, LastDate, Until     dateParts
	Start, End                string
	Purpose, Attendees, Notes string
	Repeat, Weeks, Policy     string
}

// bookPage is what the booking form template shows.
type bookPage struct {
	Space    *models.Space
	Hourly   bool
	Form     bookForm
	Orgs     []booking.Option // the organisations the account may book for
	OrgName  string           // the one organisation, when there is only one
	OnBehalf bool             // an estates manager booking for a group
	Purposes []booking.Option
	Policies []booking.Option
	Hours    []string // the space's opening hours, a line a day
	Unbooked []unbookedRow
	Action   string
}

// unbookedRow is a date of a series that could not be booked, and why.
type unbookedRow struct {
	Date   booking.Date
	Reason string
}

// bookOrder is the order of the booking form's inputs.
var bookOrder = []string{
	"organisation_id", "date-day", "start", "end", "last-date-day", "purpose", "attendees", "notes",
	"repeat", "weeks", "until-day", "policy",
}

func bookFormFrom(form url.Values) bookForm {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	return bookForm{
		OrganisationID: get("organisation_id"), Date: datePartsFrom(get, "date"), LastDate: datePartsFrom(get, "last-date"),
		Until: datePartsFrom(get, "until"), Start: get("start"), End: get("end"), Purpose: get("purpose"),
		Attendees: get("attendees"), Notes: get("notes"), Repeat: get("repeat"), Weeks: get("weeks"), Policy: get("policy"),
	}
}

// bookingRequest is what the form asks for, as the API's input: one
// booking, or a weekly series. Problems the form can find on its own are
// recorded and nil inputs returned.
type bookingRequest struct {
	single *bookingInput
	series *seriesInput
}

// request reads the form into the API's input for spaceID.
func (f bookForm) request(errs *formErrors, sp *models.Space) bookingRequest {
	hourly := sp.BookingUnit == "hour"
	orgID, _ := strconv.ParseInt(f.OrganisationID, 10, 64)
	date, hasDate := formDate(errs, "date", f.Date, "the date", true)
	var start, end booking.Clock
	var hasTimes bool
	var last booking.Date
	hasLast := false
	if hourly {
		var ok1, ok2 bool
		start, ok1 = formClock(errs, "start", f.Start, "the start time", true)
		end, ok2 = formClock(errs, "end", f.End, "the end time", true)
		if ok2 && end == 0 {
			end = 24 * 60 // midnight at the end of the day
		}
		hasTimes = ok1 && ok2
	} else {
		last, hasLast = formDate(errs, "last-date", f.LastDate, "the last day", false)
	}
	attendees := formInt(errs, "attendees", f.Attendees, "the number of people")
	if attendees != nil && *attendees < 1 {
		errs.add("attendees", "Say how many people you expect, at least 1")
	}
	var weeks *int
	var until booking.Date
	hasUntil := false
	switch f.Repeat {
	case repeatOnce, "":
	case repeatWeeks:
		weeks = formInt(errs, "weeks", f.Weeks, "the number of weeks")
	case repeatUntil:
		until, hasUntil = formDate(errs, "until", f.Until, "the last date", true)
	default:
		errs.add("repeat", "Select whether the booking repeats")
	}
	if f.Repeat == repeatWeeks || f.Repeat == repeatUntil {
		if f.Policy != booking.AllOrNothing && f.Policy != booking.BookAvailable {
			errs.add("policy", "Select what to do if some of the dates are taken")
		}
		if !hourly && hasLast && last != date {
			errs.add("last-date-day", "A booking that repeats is for one day at a time: leave the last day empty")
		}
	}
	if f.OrganisationID == "" {
		errs.add("organisation_id", "Select the organisation the booking is for")
	}
	if !booking.ValidPurpose(f.Purpose) {
		errs.add("purpose", "Select what the booking is for")
	}
	if !hourly && hasDate && hasLast && last.Before(date) {
		errs.add("last-date-day", "The last day must be on or after the first day")
	}
	if errs.any() {
		return bookingRequest{}
	}
	n := 0
	if attendees != nil {
		n = *attendees
	}
	if f.Repeat == repeatWeeks || f.Repeat == repeatUntil {
		in := seriesInput{
			SpaceID: sp.ID, OrganisationID: orgID, FirstDate: date.String(), StartTime: "00:00", EndTime: "24:00",
			Recurrence: &recurrenceInput{Frequency: booking.Weekly}, Policy: f.Policy,
			Purpose: f.Purpose, Attendees: n, Notes: f.Notes,
		}
		if hourly {
			in.StartTime, in.EndTime = start.String(), end.String()
		}
		if weeks != nil {
			in.Recurrence.Count = *weeks
			if *weeks < 1 {
				errs.add("weeks", "The number of weeks must be 1 or more")
				return bookingRequest{}
			}
		}
		if hasUntil {
			in.Recurrence.Until = until.String()
		}
		return bookingRequest{series: &in}
	}
	in := bookingInput{SpaceID: sp.ID, OrganisationID: orgID, Purpose: f.Purpose, Attendees: n, Notes: f.Notes}
	from, to := dayStart(date), dayStart(date.AddDays(1))
	if hasLast {
		to = dayStart(last.AddDays(1))
	}
	if hourly && hasTimes {
		var err error
		if from, err = booking.At(date, start, booking.London); err != nil {
			errs.add("start", "That time does not exist on that day: the clocks go forward")
		}
		if to, err = booking.At(date, end, booking.London); err != nil {
			errs.add("end", "That time does not exist on that day: the clocks go forward")
		}
		if errs.any() {
			return bookingRequest{}
		}
	}
	in.StartsAt, in.EndsAt = from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339)
	return bookingRequest{single: &in}
}

// bookFields says how the booking form names the API's fields. Times too
// soon, too far ahead or in the past are about the date.
func bookFields(hourly bool, repeat string) formFields {
	id := func(field string) string {
		switch field {
		case "space_id", "hold_minutes":
			return ""
		case "starts_at", "start_time":
			if hourly {
				return "start"
			}
			return "date-day"
		case "ends_at", "end_time":
			if hourly {
				return "end"
			}
			return "last-date-day"
		case "first_date":
			return "date-day"
		case "recurrence.count":
			return "weeks"
		case "recurrence.until":
			if repeat == repeatUntil {
				return "until-day"
			}
			return "weeks"
		case "recurrence.frequency", "recurrence.interval", "recurrence.skip":
			return "repeat"
		}
		return subfield(field)
	}
	return formFields{
		id: id,
		words: map[string]string{
			"organisation_id": "Select the organisation the booking is for",
			"purpose":         "Select what the booking is for",
			"policy":          "Select what to do if some of the dates are taken",
		},
	}
}

// addBookingError records what the booking service refused, under the
// form's inputs, and returns the status to show the form again with; false
// when err is not the form's to show.
func (p *bookPage) addBookingError(errs *formErrors, err error, rules booking.Rules, windows []booking.Window) (int, bool) {
	ff := bookFields(p.Hourly, p.Form.Repeat)
	when := "start"
	if !p.Hourly {
		when = "date-day"
	}
	var v *booking.ValidationError
	var clash *booking.ClashError
	var series *booking.SeriesConflictError
	var fb *forbidden
	switch {
	case errors.As(err, &v):
		for _, fe := range v.Fields {
			id := ff.id(fe.Field)
			if (id == "start" || id == "date-day") && aboutWhen(fe.Message) {
				id = "date-day"
			}
			errs.add(id, ff.reword(id, fe.Message))
		}
		return http.StatusUnprocessableEntity, true
	case errors.Is(err, booking.ErrOutsideOpeningHours):
		errs.add(when, "The space is not open for all of that time. "+openOn(windows, p.Form, p.Hourly))
		return http.StatusUnprocessableEntity, true
	case errors.As(err, &clash):
		errs.add(when, clashMessage(clash.With, rules.Buffer))
		return http.StatusConflict, true
	case errors.As(err, &series):
		n := len(series.Dates)
		errs.add("policy", fmt.Sprintf("%d of the dates cannot be booked, so nothing was booked. Book the dates that are free, or choose another time", n))
		for _, u := range series.Dates {
			p.Unbooked = append(p.Unbooked, unbookedRow{Date: u.Date, Reason: unbookedReason(u, rules.Buffer)})
		}
		return http.StatusConflict, true
	case errors.As(err, &fb):
		errs.add("organisation_id", fb.detail)
		return http.StatusForbidden, true
	}
	return 0, false
}

// aboutWhen reports whether a problem with a start time is about the date:
// too soon, too far ahead, or past.
func aboutWhen(msg string) bool {
	return strings.Contains(msg, "notice") || strings.Contains(msg, "ahead") || strings.Contains(msg, "past")
}

// clashMessage names the time already taken, never who took it.
func clashMessage(with booking.Interval, buffer time.Duration) string {
	msg := "The space is already booked from " + formatSpan(with) + " on " + formatDay(with.Start)
	if buffer > 0 {
		msg += ", and needs " + formatMinutes(int(buffer/time.Minute)) + " between bookings"
	}
	return msg + ". Choose another time"
}

// unbookedReason says why a date of a series could not be booked.
func unbookedReason(u booking.Unbooked, buffer time.Duration) string {
	switch {
	case u.With != nil:
		return strings.TrimSuffix(clashMessage(*u.With, buffer), ". Choose another time")
	case u.Closed:
		return "The space is closed then"
	}
	return upperFirst(u.Reason)
}

// openOn says when the space is open on the day the form asks for.
func openOn(windows []booking.Window, f bookForm, hourly bool) string {
	var errs formErrors
	d, ok := formDate(&errs, "date", f.Date, "the date", true)
	if !ok {
		return "Choose a time within its opening hours."
	}
	var spans []string
	for _, w := range windows {
		if w.Weekday == d.Weekday() {
			spans = append(spans, windowText(w))
		}
	}
	day := d.Weekday().String() + "s"
	if len(spans) == 0 {
		return "It is not open on " + day + "."
	}
	if !hourly {
		return "It may also be closed that day."
	}
	return "On " + day + " it is open " + strings.Join(spans, " and ") + ", unless it is closed that day."
}

// windowText shows an opening window, like "8am to 8pm" or "all day".
func windowText(w booking.Window) string {
	if w.Opens == 0 && w.Closes == 24*60 {
		return "all day"
	}
	return formatClock(w.Opens) + " to " + formatClock(w.Closes)
}

// hoursLines lists opening windows a line a day, Monday first, like
// "Monday: 8am to 8pm".
func hoursLines(ws []booking.Window) []string {
	var out []string
	for i := range 7 {
		d := time.Weekday((i + 1) % 7)
		var spans []string
		for _, w := range ws {
			if w.Weekday == d {
				spans = append(spans, windowText(w))
			}
		}
		if len(spans) > 0 {
			out = append(out, d.String()+": "+strings.Join(spans, " and "))
		}
	}
	return out
}

// bookingOrganisations are the organisations the account may book the
// space for: its own, and for the site's estates managers and admins every
// organisation that is not suspended. onBehalf says the account may book
// for groups it does not belong to.
func (s *Server) bookingOrganisations(ctx context.Context, who *principal, sp *models.Space) ([]booking.Option, bool, error) {
	var opts []booking.Option
	seen := map[int64]bool{}
	ms, err := s.store.MembershipsOf(ctx, who.User.ID)
	if err != nil {
		return nil, false, err
	}
	for _, m := range ms {
		if m.Organisation != nil && !seen[m.OrganisationID] {
			seen[m.OrganisationID] = true
			opts = append(opts, booking.Option{Value: itoa(m.OrganisationID), Label: m.Organisation.Name})
		}
	}
	onBehalf := who.managesSite(sp.SiteID)
	if onBehalf {
		orgs, _, err := s.store.Organisations(ctx, models.OrganisationFilter{}, models.Page{})
		if err != nil {
			return nil, false, err
		}
		for _, o := range orgs {
			if o.Verification != booking.Suspended && !seen[o.ID] {
				seen[o.ID] = true
				opts = append(opts, booking.Option{Value: itoa(o.ID), Label: o.Name})
			}
		}
	}
	slices.SortFunc(opts, func(a, b booking.Option) int { return strings.Compare(a.Label, b.Label) })
	return opts, onBehalf, nil
}
