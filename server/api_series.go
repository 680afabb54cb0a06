package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// maxSkipDates is how many dates a series may be asked to leave out.
const maxSkipDates = 100

// recurrenceInput says when a series repeats.
type recurrenceInput struct {
	Frequency string   `json:"frequency"`
	Interval  int      `json:"interval"`
	Until     string   `json:"until"`
	Count     int      `json:"count"`
	Skip      []string `json:"skip"`
}

// seriesInput asks for the same local times on every date of a
// recurrence.
type seriesInput struct {
	SpaceID        int64            `json:"space_id"`
	OrganisationID int64            `json:"organisation_id"`
	FirstDate      string           `json:"first_date"`
	StartTime      string           `json:"start_time"`
	EndTime        string           `json:"end_time"`
	Recurrence     *recurrenceInput `json:"recurrence"`
	Policy         string           `json:"policy"`
	Purpose        string           `json:"purpose"`
	Attendees      int              `json:"attendees"`
	Notes          string           `json:"notes"`
}

// seriesCancelInput cancels a series' sessions from a date, or all of them.
type seriesCancelInput struct {
	Scope  string `json:"scope"`
	From   string `json:"from"`
	Reason string `json:"reason"`
}

// Scopes of cancelling a series.
const (
	scopeAll  = "all"
	scopeFrom = "from"
)

var cancelScopes = []booking.Option{
	{Value: scopeAll, Label: "Every session still to come"},
	{Value: scopeFrom, Label: "The sessions on and after a date"},
}

// recurrenceJSON is a series' recurrence as it was asked for.
type recurrenceJSON struct {
	Frequency string   `json:"frequency"`
	Interval  int      `json:"interval"`
	Until     *string  `json:"until"`
	Count     *int     `json:"count"`
	Skip      []string `json:"skip"`
}

// occurrenceJSON is one date of a series and the state of its booking.
type occurrenceJSON struct {
	Date      string    `json:"date"`
	BookingID int64     `json:"booking_id"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	State     string    `json:"state"`
	Price     priceJSON `json:"price"`
}

// seriesJSON is a series as the API shows it. Unbooked is given only in
// the answer to creating it.
type seriesJSON struct {
	ID               int64            `json:"id"`
	SpaceID          int64            `json:"space_id"`
	SpaceName        string           `json:"space_name"`
	SiteID           int64            `json:"site_id"`
	SiteName         string           `json:"site_name"`
	OrganisationID   int64            `json:"organisation_id"`
	OrganisationName string           `json:"organisation_name"`
	FirstDate        string           `json:"first_date"`
	StartTime        string           `json:"start_time"`
	EndTime          string           `json:"end_time"`
	Recurrence       recurrenceJSON   `json:"recurrence"`
	Purpose          string           `json:"purpose"`
	Occurrences      []occurrenceJSON `json:"occurrences"`
	Unbooked         []unbookedJSON   `json:"unbooked,omitzero"`
	CreatedAt        time.Time        `json:"created_at"`
	UpdatedAt        time.Time        `json:"updated_at"`
}

func toSeriesJSON(sr *models.Series, now time.Time) seriesJSON {
	out := seriesJSON{
		ID: sr.ID, SpaceID: sr.SpaceID, OrganisationID: sr.OrganisationID, FirstDate: sr.FirstDate,
		StartTime: booking.Clock(sr.StartClock).String(), EndTime: booking.Clock(sr.EndClock).String(),
		Recurrence: recurrenceJSON{Frequency: sr.Frequency, Interval: max(sr.IntervalWeeks, 1), Skip: sr.SkippedDates()},
		Purpose:    sr.Purpose, Occurrences: make([]occurrenceJSON, len(sr.Bookings)),
		CreatedAt: sr.CreatedAt.UTC(), UpdatedAt: sr.UpdatedAt.UTC(),
	}
	if sr.UntilDate != "" {
		until := sr.UntilDate
		out.Recurrence.Until = &until
	}
	if sr.Count > 0 {
		count := sr.Count
		out.Recurrence.Count = &count
	}
	if sp := sr.Space; sp != nil {
		out.SpaceName, out.SiteID = sp.Name, sp.SiteID
		if sp.Site != nil {
			out.SiteName = sp.Site.Name
		}
	}
	if sr.Organisation != nil {
		out.OrganisationName = sr.Organisation.Name
	}
	for i := range sr.Bookings {
		b := &sr.Bookings[i]
		out.Occurrences[i] = occurrenceJSON{
			Date: booking.DateOf(b.StartsAt, booking.London).String(), BookingID: b.ID,
			StartsAt: b.StartsAt.UTC(), EndsAt: b.EndsAt.UTC(), State: stateAt(b, now), Price: toPriceJSON(b, false),
		}
	}
	return out
}

// parseDate reads a required YYYY-MM-DD date.
func parseDate(p *booking.Problems, field, v string) booking.Date {
	if strings.TrimSpace(v) == "" {
		p.Add(field, "Enter a date like 2026-12-01")
		return booking.Date{}
	}
	d, err := booking.ParseDate(v)
	if err != nil {
		p.Add(field, "Must be a date like 2026-12-01")
	}
	return d
}

// parseClock reads a required HH:MM time of day.
func parseClock(p *booking.Problems, field, v string) booking.Clock {
	if strings.TrimSpace(v) == "" {
		p.Add(field, "Enter a time of day like 10:00")
		return 0
	}
	c, err := booking.ParseClock(v)
	if err != nil {
		p.Add(field, "Must be a time of day like 10:00 (24-hour clock, London time)")
	}
	return c
}

// recurrenceFrom reads the parts of a recurrence the domain cannot: its
// dates. The domain checks the rest, naming the same fields.
func recurrenceFrom(p *booking.Problems, in *recurrenceInput) booking.Recurrence {
	if in == nil {
		p.Add("recurrence", "Say how the booking repeats")
		return booking.Recurrence{}
	}
	r := booking.Recurrence{Frequency: in.Frequency, Interval: in.Interval, Count: in.Count}
	if in.Until != "" {
		d := parseDate(p, "recurrence.until", in.Until)
		r.Until = &d
	}
	if len(in.Skip) > maxSkipDates {
		p.Add("recurrence.skip", "At most %d dates can be skipped", maxSkipDates)
		return r
	}
	for i, s := range in.Skip {
		r.Skip = append(r.Skip, parseDate(p, "recurrence.skip["+strconv.Itoa(i)+"]", s))
	}
	return r
}

// shape reads the ids, first date, times of day and recurrence of a
// series request, naming every field at fault.
func (in seriesInput) shape() (booking.Date, booking.Clock, booking.Clock, booking.Recurrence, error) {
	var p booking.Problems
	checkIDs(&p, in.SpaceID, in.OrganisationID)
	first := parseDate(&p, "first_date", in.FirstDate)
	start := parseClock(&p, "start_time", in.StartTime)
	end := parseClock(&p, "end_time", in.EndTime)
	rec := recurrenceFrom(&p, in.Recurrence)
	return first, start, end, rec, p.Err()
}

// createSeries books a series, for the API and the pages. It returns the
// series with its occurrences and the dates it did not book.
func (s *Server) createSeries(ctx context.Context, who *principal, in seriesInput) (*models.Series, []booking.Unbooked, error) {
	first, start, end, rec, err := in.shape()
	if err != nil {
		return nil, nil, err
	}
	if _, err := rec.Dates(first); err != nil {
		return nil, nil, err
	}
	sp, o, err := s.bookingParties(ctx, who, in.SpaceID, in.OrganisationID)
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkSeriesShape(sp, first, start, end, in.Attendees); err != nil {
		return nil, nil, err
	}
	res, err := s.bookings.BookSeries(ctx, booking.SeriesRequest{
		Request: booking.Request{
			SpaceID: in.SpaceID, OrganisationID: in.OrganisationID, ByUserID: who.User.ID,
			Purpose: in.Purpose, Attendees: in.Attendees, Notes: in.Notes, Verified: o.Verification == booking.Verified, OrganisationType: o.Type,
			Payer: s.payerOf(o), PaymentHold: s.cfg.PaymentHold,
		},
		First: first, StartClock: start, EndClock: end, Recurrence: rec, Policy: in.Policy,
	})
	if err != nil {
		return nil, nil, err
	}
	sr, err := s.store.SeriesByID(ctx, res.SeriesID)
	return sr, res.Unbooked, err
}

// checkSeriesShape refuses, naming the field, what would stop every date
// of a series alike: times off the space's slots, too short or too long, too
// many people; and a first date too soon or too far ahead. The booking
// service would otherwise report each date as unbookable in a 409. Later
// dates beyond the horizon, clashes and closures are still per date.
func (s *Server) checkSeriesShape(sp *models.Space, first booking.Date, start, end booking.Clock, attendees int) error {
	rules := models.RulesOf(sp)
	var p booking.Problems
	if rules.Capacity > 0 && attendees > rules.Capacity {
		p.Add("attendees", "This space holds at most %d people", rules.Capacity)
	}
	from, err1 := booking.At(first, start, booking.London)
	to, err2 := booking.At(first, end, booking.London)
	if err1 != nil || err2 != nil {
		return p.Err() // the first date falls in the missing hour: the service reports it
	}
	iv := booking.Interval{Start: from, End: to}
	shape := rules
	shape.Notice, shape.Horizon = 0, 0
	var v *booking.ValidationError
	if err := shape.CheckInterval(iv, time.Time{}); errors.As(err, &v) {
		names := map[string]string{"starts_at": "start_time", "ends_at": "end_time"}
		for _, f := range v.Fields {
			p.Add(names[f.Field], "%s", f.Message)
		}
	} else if err := rules.CheckInterval(iv, s.now()); errors.As(err, &v) {
		for _, f := range v.Fields {
			p.Add("first_date", "%s", f.Message)
		}
	}
	return p.Err()
}

// respondNewSeries books a series and answers with it and the dates it
// did not book. rename renames the fields of validation errors.
func (s *Server) respondNewSeries(c *gin.Context, in seriesInput, rename map[string]string) {
	sr, unbooked, err := s.createSeries(c.Request.Context(), currentPrincipal(c), in)
	if err = renameFields(err, rename); err != nil {
		s.fail(c, err)
		return
	}
	out := toSeriesJSON(sr, s.now())
	out.Unbooked = toUnbookedJSON(unbooked)
	c.Header("Location", "/api/v1/series/"+itoa(sr.ID))
	c.JSON(http.StatusCreated, out)
}

// renameFields renames the fields of a validation error; other errors,
// and a nil rename, leave err as it is.
func renameFields(err error, rename map[string]string) error {
	var v *booking.ValidationError
	if !errors.As(err, &v) || rename == nil {
		return err
	}
	var p booking.Problems
	for _, f := range v.Fields {
		if to, ok := rename[f.Field]; ok {
			f.Field = to
		}
		p.Add(f.Field, "%s", f.Message)
	}
	return p.Err()
}

func (s *Server) apiCreateSeries() gin.HandlerFunc {
	return s.idempotent(func(c *gin.Context) {
		var in seriesInput
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
		s.respondNewSeries(c, in, nil)
	})
}

// visibleSeries loads a series the caller may see: the organisation's
// members, the site's estates managers and admins.
func (s *Server) visibleSeries(ctx context.Context, who *principal, id int64) (*models.Series, error) {
	sr, err := s.store.SeriesByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if sr.Space == nil || !who.seesBooking(sr.OrganisationID, sr.Space.SiteID) {
		return nil, booking.ErrNotFound
	}
	return sr, nil
}

func (s *Server) apiGetSeries() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var sr *models.Series
		if err == nil {
			sr, err = s.visibleSeries(c.Request.Context(), currentPrincipal(c), id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toSeriesJSON(sr, s.now()))
	}
}

// cancelSeries cancels a series' sessions still to come, all of them or
// those on and after a date, for the API and the pages, and says how many
// it cancelled. One session is cancelled through its booking.
func (s *Server) cancelSeries(ctx context.Context, who *principal, id int64, in seriesCancelInput) (*models.Series, int, error) {
	sr, err := s.visibleSeries(ctx, who, id)
	if err != nil {
		return nil, 0, err
	}
	var p booking.Problems
	checkOption(&p, "scope", in.Scope, cancelScopes)
	var from time.Time
	switch {
	case in.Scope == scopeFrom:
		from = booking.AtOrAfter(parseDate(&p, "from", in.From), 0, booking.London)
	case in.Scope == scopeAll && in.From != "":
		p.Add("from", "Give a date only with the scope from")
	}
	reason := strings.TrimSpace(in.Reason)
	checkText(&p, "reason", reason, false, maxNoteLength)
	if err := p.Err(); err != nil {
		return nil, 0, err
	}
	cr, err := s.cancelRefund(ctx, who, sr.Space.SiteID)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.store.CancelSeries(ctx, id, from, reason, who.User.ID, s.now(), cr)
	if err != nil {
		return nil, 0, err
	}
	sr, err = s.store.SeriesByID(ctx, id)
	return sr, n, err
}

func (s *Server) apiCancelSeries() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var in seriesCancelInput
		if err == nil {
			err = decodeJSON(c, &in)
		}
		var sr *models.Series
		if err == nil {
			sr, _, err = s.cancelSeries(c.Request.Context(), currentPrincipal(c), id, in)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toSeriesJSON(sr, s.now()))
	}
}
