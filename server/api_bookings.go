package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// maxHoldMinutes is the longest a booking may be held for payment.
const maxHoldMinutes = 120

// bookingEventJSON is one change in a booking's history.
type bookingEventJSON struct {
	Action    string  `json:"action"`
	FromState *string `json:"from_state"`
	ToState   string  `json:"to_state"`
	Reason    string  `json:"reason"`
	// AmountPence is the money the change moved: a payment, a refund or
	// an invoice paid; 0 for the others.
	AmountPence int64       `json:"amount_pence"`
	By          *personJSON `json:"by"`
	At          time.Time   `json:"at"`
}

// paymentJSON is how a booking's price is paid.
type paymentJSON struct {
	State         string `json:"state"`
	PaidPence     int64  `json:"paid_pence"`
	RefundedPence int64  `json:"refunded_pence"`
}

func toPaymentJSON(b *models.Booking) paymentJSON {
	state := b.Payment
	if state == "" {
		state = booking.PaymentNotRequired
	}
	return paymentJSON{State: state, PaidPence: b.PaidPence, RefundedPence: b.RefundedPence}
}

// bookingJSON is a booking as the API shows it. Its history is given when
// one booking is read, not in lists.
type bookingJSON struct {
	ID               int64              `json:"id"`
	SpaceID          int64              `json:"space_id"`
	SpaceName        string             `json:"space_name"`
	SiteID           int64              `json:"site_id"`
	SiteName         string             `json:"site_name"`
	OrganisationID   int64              `json:"organisation_id"`
	OrganisationName string             `json:"organisation_name"`
	SeriesID         *int64             `json:"series_id"`
	StartsAt         time.Time          `json:"starts_at"`
	EndsAt           time.Time          `json:"ends_at"`
	State            string             `json:"state"`
	Purpose          string             `json:"purpose"`
	Attendees        int                `json:"attendees"`
	Notes            string             `json:"notes"`
	HoldExpiresAt    *time.Time         `json:"hold_expires_at"`
	Price            priceJSON          `json:"price"`
	Payment          paymentJSON        `json:"payment"`
	CreatedAt        time.Time          `json:"created_at"`
	UpdatedAt        time.Time          `json:"updated_at"`
	History          []bookingEventJSON `json:"history,omitempty"`
}

// stateAt is a booking's state as it reads at now: a pending-payment
// booking past its deadline is expired, whether or not anything has
// marked it so yet.
func stateAt(b *models.Booking, now time.Time) string {
	if b.State == booking.PendingPayment && b.HoldExpiresAt != nil && !b.HoldExpiresAt.After(now) {
		return booking.Expired
	}
	return b.State
}

func toBookingJSON(b *models.Booking, now time.Time, withHistory bool) bookingJSON {
	out := bookingJSON{
		ID: b.ID, SpaceID: b.SpaceID, OrganisationID: b.OrganisationID, SeriesID: b.SeriesID,
		StartsAt: b.StartsAt.UTC(), EndsAt: b.EndsAt.UTC(), State: stateAt(b, now),
		Purpose: b.Purpose, Attendees: b.Attendees, Notes: b.Notes, Price: toPriceJSON(b, withHistory),
		Payment: toPaymentJSON(b), CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(),
	}
	if sp := b.Space; sp != nil {
		out.SpaceName, out.SiteID = sp.Name, sp.SiteID
		if sp.Site != nil {
			out.SiteName = sp.Site.Name
		}
	}
	if b.Organisation != nil {
		out.OrganisationName = b.Organisation.Name
	}
	if b.HoldExpiresAt != nil {
		h := b.HoldExpiresAt.UTC()
		out.HoldExpiresAt = &h
	}
	if withHistory {
		out.History = make([]bookingEventJSON, len(b.Events))
		for i, ev := range b.Events {
			ej := bookingEventJSON{Action: ev.Action, ToState: ev.ToState, Reason: ev.Reason, AmountPence: ev.AmountPence, At: ev.At.UTC()}
			if ev.FromState != "" {
				from := ev.FromState
				ej.FromState = &from
			}
			if ev.ByUserID != nil {
				ej.By = &personJSON{ID: *ev.ByUserID}
				if ev.By != nil {
					ej.By.Name = ev.By.Name
				}
			}
			out.History[i] = ej
		}
	}
	return out
}

// bookingInput asks for one booking, or with a recurrence for a series.
type bookingInput struct {
	SpaceID        int64            `json:"space_id"`
	OrganisationID int64            `json:"organisation_id"`
	StartsAt       string           `json:"starts_at"`
	EndsAt         string           `json:"ends_at"`
	Purpose        string           `json:"purpose"`
	Attendees      int              `json:"attendees"`
	Notes          string           `json:"notes"`
	HoldMinutes    *int             `json:"hold_minutes"`
	Recurrence     *recurrenceInput `json:"recurrence"`
	Policy         string           `json:"policy"`
}

// bookingChangeInput carries the reason for approving, declining or
// cancelling a booking.
type bookingChangeInput struct {
	Reason string `json:"reason"`
}

// seesBooking reports whether the caller may see a booking of an
// organisation at a site: the organisation's members, the site's estates
// managers and platform admins.
func (who *principal) seesBooking(orgID, siteID int64) bool {
	return who.managesSite(siteID) || who.orgRole(orgID) != ""
}

// bookingParties loads the space and organisation of a new booking and
// checks that the caller may book them: a member of the organisation, or
// an estates manager of the space's site booking on its behalf, or an
// admin. Hidden spaces exist only for their site's managers; suspended
// organisations cannot book.
func (s *Server) bookingParties(ctx context.Context, who *principal, spaceID, orgID int64) (*models.Space, *models.Organisation, error) {
	var p booking.Problems
	sp, o, err := s.store.BookingParties(ctx, spaceID, orgID)
	if err != nil {
		return nil, nil, err
	}
	if sp == nil || sp.Visibility != "public" && !who.managesSite(sp.SiteID) {
		p.Add("space_id", "There is no space %d", spaceID)
		return nil, nil, p.Err()
	}
	if !who.managesSite(sp.SiteID) && who.orgRole(orgID) == "" {
		return nil, nil, newForbidden("You can book only for an organisation you belong to, or on a group's behalf at a site you manage.")
	}
	if o == nil {
		p.Add("organisation_id", "There is no organisation %d", orgID)
		return nil, nil, p.Err()
	}
	if o.Verification == booking.Suspended {
		return nil, nil, newForbidden(fmt.Sprintf("%s is suspended and cannot book. Contact the estates team to find out why.", o.Name))
	}
	return sp, o, nil
}

// checkIDs checks the ids every new booking or series names.
func checkIDs(p *booking.Problems, spaceID, orgID int64) {
	if spaceID <= 0 {
		p.Add("space_id", "Choose the space to book")
	}
	if orgID <= 0 {
		p.Add("organisation_id", "Choose the organisation the booking is for")
	}
}

// parseInstant reads a required RFC 3339 time.
func parseInstant(p *booking.Problems, field, v string) time.Time {
	if strings.TrimSpace(v) == "" {
		p.Add(field, "Enter a time like 2026-12-01T10:00:00Z")
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		p.Add(field, "Must be a time like 2026-12-01T10:00:00Z or 2026-12-01T10:00:00+00:00 (RFC 3339)")
		return time.Time{}
	}
	return t.UTC()
}

// createBooking books one interval, for the API and the pages.
func (s *Server) createBooking(ctx context.Context, who *principal, in bookingInput) (*models.Booking, error) {
	var p booking.Problems
	checkIDs(&p, in.SpaceID, in.OrganisationID)
	iv := booking.Interval{Start: parseInstant(&p, "starts_at", in.StartsAt), End: parseInstant(&p, "ends_at", in.EndsAt)}
	var hold time.Duration
	if in.HoldMinutes != nil {
		checkRange(&p, "hold_minutes", int64(*in.HoldMinutes), 1, maxHoldMinutes)
		hold = time.Duration(*in.HoldMinutes) * time.Minute
	}
	if in.Policy != "" {
		p.Add("policy", "Give a policy only with a recurrence")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	_, o, err := s.bookingParties(ctx, who, in.SpaceID, in.OrganisationID)
	if err != nil {
		return nil, err
	}
	id, _, err := s.bookings.Book(ctx, booking.Request{
		SpaceID: in.SpaceID, OrganisationID: in.OrganisationID, ByUserID: who.User.ID, Interval: iv,
		Purpose: in.Purpose, Attendees: in.Attendees, Notes: in.Notes,
		Verified: o.Verification == booking.Verified, OrganisationType: o.Type, Hold: hold,
		Payer: s.payerOf(o), PaymentHold: s.cfg.PaymentHold,
	})
	if err != nil {
		return nil, err
	}
	return s.store.BookingByID(ctx, id)
}

// seriesFromBooking turns a booking request with a recurrence into the
// series it asks for: the first date and the local times of its start and
// end.
func seriesFromBooking(in bookingInput, p *booking.Problems) seriesInput {
	out := seriesInput{
		SpaceID: in.SpaceID, OrganisationID: in.OrganisationID, Recurrence: in.Recurrence, Policy: in.Policy,
		Purpose: in.Purpose, Attendees: in.Attendees, Notes: in.Notes,
	}
	if in.HoldMinutes != nil {
		p.Add("hold_minutes", "Holds are for single bookings, not repeating ones")
	}
	start := parseInstant(p, "starts_at", in.StartsAt).In(booking.London)
	end := parseInstant(p, "ends_at", in.EndsAt).In(booking.London)
	if p.Has("starts_at") || p.Has("ends_at") {
		return out
	}
	first := booking.DateOf(start, booking.London)
	out.FirstDate = first.String()
	out.StartTime = start.Format("15:04")
	switch last := booking.DateOf(end, booking.London); {
	case last == first:
		out.EndTime = end.Format("15:04")
	case last == first.AddDays(1) && end.Hour() == 0 && end.Minute() == 0:
		out.EndTime = "24:00"
	default:
		p.Add("ends_at", "A repeating booking starts and ends on the same day")
	}
	return out
}

// bookingFields name a series' fields as a booking request with a
// recurrence calls them.
var bookingFields = map[string]string{"first_date": "starts_at", "start_time": "starts_at", "end_time": "ends_at"}

func (s *Server) apiCreateBooking() gin.HandlerFunc {
	return s.idempotent(func(c *gin.Context) {
		var in bookingInput
		if err := decodeJSON(c, &in); err != nil {
			s.fail(c, err)
			return
		}
		ctx, who := c.Request.Context(), currentPrincipal(c)
		if in.Recurrence != nil {
			var p booking.Problems
			sin := seriesFromBooking(in, &p)
			if err := p.Err(); err != nil {
				s.fail(c, err)
				return
			}
			s.respondNewSeries(c, sin, bookingFields)
			return
		}
		b, err := s.createBooking(ctx, who, in)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Location", "/api/v1/bookings/"+itoa(b.ID))
		c.JSON(http.StatusCreated, toBookingJSON(b, s.now(), true))
	})
}

// queryInstant reads an optional time from the query string: an RFC 3339
// instant, or a date meaning its start in London.
func queryInstant(c *gin.Context, p *booking.Problems, name string) *time.Time {
	v := c.Query(name)
	if v == "" {
		return nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		t = t.UTC()
		return &t
	}
	if d, err := booking.ParseDate(v); err == nil {
		t := booking.AtOrAfter(d, 0, booking.London)
		return &t
	}
	p.Add(name, "Must be a date like 2026-12-01 or a time like 2026-12-01T10:00:00Z")
	return nil
}

func (s *Server) apiListBookings() gin.HandlerFunc {
	return func(c *gin.Context) {
		var p booking.Problems
		page := listQuery(c, &p)
		f := models.BookingFilter{
			OrganisationID: queryInt(c, &p, "organisation", 1, 1<<53),
			SpaceID:        queryInt(c, &p, "space", 1, 1<<53),
			SiteID:         queryInt(c, &p, "site", 1, 1<<53),
			State:          c.Query("state"),
			From:           queryInstant(c, &p, "from"),
			To:             queryInstant(c, &p, "to"),
			Now:            s.now(),
		}
		if f.State != "" {
			checkOption(&p, "state", f.State, booking.States)
		}
		if f.From != nil && f.To != nil && !f.To.After(*f.From) {
			p.Add("to", "Must be after from")
		}
		if err := p.Err(); err != nil {
			s.fail(c, err)
			return
		}
		who := currentPrincipal(c)
		if who.isAdmin() {
			f.All = true
		} else {
			for id := range who.Access.OrgRoles {
				f.OrganisationIDs = append(f.OrganisationIDs, id)
			}
			if who.User.Role == booking.RoleEstatesManager {
				f.SiteIDs = who.managedSiteIDs()
			}
			sortIDs(f.OrganisationIDs)
			sortIDs(f.SiteIDs)
		}
		bs, total, err := s.store.Bookings(c.Request.Context(), f, page)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := make([]bookingJSON, len(bs))
		for i := range bs {
			out[i] = toBookingJSON(&bs[i], f.Now, false)
		}
		c.JSON(http.StatusOK, newList(out, page, total))
	}
}

// visibleBooking loads a booking the caller may see; for anyone else it
// does not exist.
func (s *Server) visibleBooking(ctx context.Context, who *principal, id int64) (*models.Booking, error) {
	b, err := s.store.BookingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Space == nil || !who.seesBooking(b.OrganisationID, b.Space.SiteID) {
		return nil, booking.ErrNotFound
	}
	return b, nil
}

func (s *Server) apiGetBooking() gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var b *models.Booking
		if err == nil {
			b, err = s.visibleBooking(c.Request.Context(), currentPrincipal(c), id)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toBookingJSON(b, s.now(), true))
	}
}

// changeBooking approves, declines or cancels a booking, for the API and
// the pages. The site's estates managers and admins approve and decline;
// they and the organisation's members cancel. Declining needs a reason.
func (s *Server) changeBooking(ctx context.Context, who *principal, id int64, action, reason string) (*models.Booking, error) {
	b, err := s.visibleBooking(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if action != booking.ActionCancel && !who.managesSite(b.Space.SiteID) {
		return nil, newForbidden("Only this site's estates managers can approve or decline its bookings.")
	}
	var p booking.Problems
	reason = strings.TrimSpace(reason)
	checkText(&p, "reason", reason, action == booking.ActionDecline, maxNoteLength)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var cr *models.CancelRefund
	if action == booking.ActionCancel && b.PaidPence > b.RefundedPence {
		if cr, err = s.cancelRefund(ctx, who, b.Space.SiteID); err != nil {
			return nil, err
		}
	}
	return s.store.CancelOrChange(ctx, id, action, reason, who.User.ID, s.now(), cr)
}

// decodeOptionalJSON reads a JSON body if there is one.
func decodeOptionalJSON(c *gin.Context, dst any) error {
	if c.Request.Body == nil || c.Request.Body == http.NoBody || c.Request.ContentLength == 0 {
		return nil
	}
	return decodeJSON(c, dst)
}

func (s *Server) apiChangeBooking(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := pathID(c, "id")
		var in bookingChangeInput
		if err == nil {
			err = decodeOptionalJSON(c, &in)
		}
		var b *models.Booking
		if err == nil {
			b, err = s.changeBooking(c.Request.Context(), currentPrincipal(c), id, action, in.Reason)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toBookingJSON(b, s.now(), true))
	}
}

// payerOf is how an organisation pays for bookings that cost something:
// by invoice if it says so, or whenever card payments are off; otherwise
// by card online.
func (s *Server) payerOf(o *models.Organisation) booking.Payer {
	return booking.Payer{ByInvoice: o.PaysByInvoice, CardPayments: s.cfg.CardPayments()}
}
