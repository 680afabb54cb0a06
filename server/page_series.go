package server

import (
	"time"

	"net/http"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// seriesPageData is a weekly booking with every date it booked, the dates
// it could not, and what may still be cancelled.
type seriesPageData struct {
	Series    *models.Series
	Pattern   string // like "Every Tuesday, 10am to midday"
	Rows      []occurrenceRow
	Unbooked  []unbookedRow
	CanCancel bool
	Decide    bool // some dates wait for the site's managers to decide
	// PayPence is what the dates held for their card payment cost
	// together, paid in one checkout; PayBy is when their holds end.
	PayPence int64
	PayBy    *time.Time
	// Session offers the group's members to publish the series as a
	// session, or leads to the session published.
	Session *sessionStatus
}

// occurrenceRow is one date of a series.
type occurrenceRow struct {
	Booking   *models.Booking
	State     string
	CanCancel bool
}

// loadSeries reads the series in the URL for someone who may see it.
func (s *Server) loadSeries(c *gin.Context) (*models.Series, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.visibleSeries(c.Request.Context(), currentPrincipal(c), id)
}

// seriesPage shows a weekly booking: each date and its state, and the
// dates it did not book, with the reasons when it has just been made.
func (s *Server) seriesPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		sr, err := s.loadSeries(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		who, now := currentPrincipal(c), s.now()
		d := seriesPageData{Series: sr, Pattern: seriesPattern(sr)}
		booked := map[booking.Date]bool{}
		for i := range sr.Bookings {
			b := &sr.Bookings[i]
			row := occurrenceRow{Booking: b, State: stateAt(b, now), CanCancel: active(b, now)}
			d.CanCancel = d.CanCancel || row.CanCancel
			d.Decide = d.Decide || (row.State == booking.Requested && who.managesSite(sr.Space.SiteID))
			if s.payments != nil && row.State == booking.PendingPayment && b.Payment == booking.PaymentPending {
				d.PayPence += b.TotalPence
				if d.PayBy == nil || b.HoldExpiresAt.Before(*d.PayBy) {
					d.PayBy = b.HoldExpiresAt
				}
			}
			booked[booking.DateOf(b.StartsAt, booking.London)] = true
			d.Rows = append(d.Rows, row)
		}
		live := false
		for i := range sr.Bookings {
			live = live || upcomingConfirmed(&sr.Bookings[i], now)
		}
		if d.Session, err = s.sessionStatusOf(c.Request.Context(), who, sr.OrganisationID, 0, sr.ID, live); err != nil {
			s.fail(c, err)
			return
		}
		reasons := s.takeUnbooked(c, sr.ID)
		for _, date := range seriesDates(sr) {
			if !booked[date] {
				reason := reasons[date]
				if reason == "" {
					reason = "Not booked: the space was taken or closed when the series was made"
				}
				d.Unbooked = append(d.Unbooked, unbookedRow{Date: date, Reason: reason})
			}
		}
		back := &link{Href: "/organisations/" + itoa(sr.OrganisationID) + "/bookings", Text: "Bookings of " + sr.Organisation.Name}
		if who.orgRole(sr.OrganisationID) == "" {
			back = &link{Href: "/manage/requests", Text: "Requests waiting for approval"}
		}
		s.render(c, http.StatusOK, "series", &view{Title: "Weekly booking of " + sr.Space.Name, Back: back, Data: d})
	}
}

// seriesDates are the dates a series' rule gives, as it was asked for.
func seriesDates(sr *models.Series) []booking.Date {
	first, err := booking.ParseDate(sr.FirstDate)
	if err != nil {
		return nil
	}
	rule := booking.Recurrence{Frequency: sr.Frequency, Interval: sr.IntervalWeeks, Count: sr.Count}
	if u, err := booking.ParseDate(sr.UntilDate); err == nil {
		rule.Until = &u
	}
	for _, s := range sr.SkippedDates() {
		if d, err := booking.ParseDate(s); err == nil {
			rule.Skip = append(rule.Skip, d)
		}
	}
	dates, _ := rule.Dates(first)
	return dates
}

// seriesPattern says when a series meets, like "Every Tuesday, 10am to
// midday".
func seriesPattern(sr *models.Series) string {
	first, err := booking.ParseDate(sr.FirstDate)
	if err != nil {
		return ""
	}
	every := "Every " + first.Weekday().String()
	switch {
	case sr.Frequency == booking.Monthly:
		every = "Once a month on a " + first.Weekday().String()
	case sr.IntervalWeeks > 1:
		every = "Every " + plural(sr.IntervalWeeks, "week") + " on a " + first.Weekday().String()
	}
	start, end := booking.Clock(sr.StartClock), booking.Clock(sr.EndClock)
	if start == 0 && end == 24*60 {
		return every + ", all day"
	}
	return every + ", " + formatClock(start) + " to " + formatClock(end)
}

// seriesCancelForm is the form that cancels the rest of a series.
type seriesCancelForm struct {
	Scope  string
	From   dateParts
	Reason string
}

// seriesCancelData is what the series cancel page shows.
type seriesCancelData struct {
	Series  *models.Series
	Pattern string
	Form    seriesCancelForm
	Left    int // dates still to come that can be cancelled
}

// seriesCancelFields are the series cancel form's inputs.
var seriesCancelFields = formFields{
	id: func(field string) string {
		if field == "from" {
			return "from-day"
		}
		return field
	},
	conflict: "from-day",
	words:    map[string]string{"scope": "Select which dates to cancel"},
}

// seriesCancelPage asks which dates of a series to cancel: all those to
// come, or those on and after a date (?from=2027-01-12), and why.
func (s *Server) seriesCancelPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		sr, err := s.loadSeries(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		f := seriesCancelForm{Scope: scopeAll}
		if from, err := booking.ParseDate(c.Query("from")); err == nil {
			f.Scope, f.From = scopeFrom, datePartsOf(from)
		}
		s.renderSeriesCancel(c, http.StatusOK, sr, &view{}, f)
	}
}

func (s *Server) renderSeriesCancel(c *gin.Context, status int, sr *models.Series, v *view, f seriesCancelForm) {
	d := seriesCancelData{Series: sr, Pattern: seriesPattern(sr), Form: f}
	now := s.now()
	for i := range sr.Bookings {
		if active(&sr.Bookings[i], now) {
			d.Left++
		}
	}
	v.Title, v.Data = "Cancel a weekly booking", d
	v.Back = &link{Href: "/series/" + itoa(sr.ID), Text: "Back"}
	s.render(c, status, "series-cancel", v)
}

// seriesCancelSubmit cancels the rest of a series with the same function
// as the API.
func (s *Server) seriesCancelSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sr, err := s.loadSeries(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		form, err := readForm(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
		f := seriesCancelForm{Scope: get("scope"), From: datePartsFrom(get, "from"), Reason: get("reason")}
		v := &view{}
		in := seriesCancelInput{Scope: f.Scope, Reason: f.Reason}
		if f.Scope == scopeFrom {
			if d, ok := formDate(&v.Errors, "from", f.From, "the date", true); ok {
				in.From = d.String()
			}
		}
		status := http.StatusUnprocessableEntity
		if !v.Errors.any() {
			_, n, err := s.cancelSeries(c.Request.Context(), currentPrincipal(c), sr.ID, in)
			if err == nil {
				s.redirect(c, "/series/"+itoa(sr.ID), plural(n, "date")+" cancelled.")
				return
			}
			var ok bool
			if status, ok = v.Errors.addDomain(err, seriesCancelFields); !ok {
				s.fail(c, err)
				return
			}
		}
		v.Errors.inOrder("scope", "from-day", "reason")
		s.renderSeriesCancel(c, status, sr, v, f)
	}
}
