package server

import (
	"net/http"
	"slices"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// bookingPageData is one booking as its organisation and the site's
// estates managers see it, with what they may do next.
type bookingPageData struct {
	Booking   *models.Booking
	State     string
	CanCancel bool
	// Decide offers the site's estates managers approve and decline;
	// Reason is a decline reason as typed.
	Decide bool
	Reason string
	// MarkPaid offers the site's estates managers to mark an invoice due
	// paid; Reference is the payment reference as typed.
	MarkPaid  bool
	Reference string
	// Pay offers the organisation's members and the site's staff to pay
	// by card for a booking held for its payment; Returned says the payer
	// came back from the payment page ("paid" or "cancelled").
	Pay      bool
	Returned string
	// Session offers the group's members to publish the booking as a
	// session, or leads to the session published.
	Session *sessionStatus
}

// loadBooking reads the booking in the URL for someone who may see it.
func (s *Server) loadBooking(c *gin.Context) (*models.Booking, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.visibleBooking(c.Request.Context(), currentPrincipal(c), id)
}

// active reports whether a booking still holds its time and has not
// started, so it can be cancelled.
func active(b *models.Booking, now time.Time) bool {
	return slices.Contains(booking.BlockingStates, stateAt(b, now)) && b.StartsAt.After(now)
}

func (s *Server) bookingPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		b, err := s.loadBooking(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderBooking(c, http.StatusOK, b, &view{}, "")
	}
}

// renderBooking shows a booking, with v's problems and the decline reason
// as typed.
func (s *Server) renderBooking(c *gin.Context, status int, b *models.Booking, v *view, reason string) {
	who, now := currentPrincipal(c), s.now()
	d := bookingPageData{Booking: b, State: stateAt(b, now), CanCancel: active(b, now), Reason: reason}
	d.Decide = d.State == booking.Requested && who.managesSite(b.Space.SiteID)
	d.MarkPaid = booking.InvoicePayable(d.State, b.Payment) == nil && who.managesSite(b.Space.SiteID)
	d.Reference = c.Request.PostForm.Get("reference")
	var err error
	d.Session, err = s.sessionStatusOf(c.Request.Context(), who, b.OrganisationID, b.ID, ptrValue(b.SeriesID), upcomingConfirmed(b, now))
	if err != nil {
		s.fail(c, err)
		return
	}
	d.Pay = s.payments != nil && d.State == booking.PendingPayment && b.Payment == booking.PaymentPending
	switch {
	case c.Query("paid") == "1":
		d.Returned = "paid"
	case c.Query("checkout") == "cancelled":
		d.Returned = "cancelled"
	}
	v.Title, v.Data = "Booking on "+formatDay(b.StartsAt), d
	v.Back = bookingBack(who, b)
	s.render(c, status, "booking", v)
}

// bookingBack leads from a booking to where its viewer lists bookings.
func bookingBack(who *principal, b *models.Booking) *link {
	switch {
	case who.orgRole(b.OrganisationID) != "":
		return &link{Href: "/organisations/" + itoa(b.OrganisationID) + "/bookings", Text: "Bookings of " + b.Organisation.Name}
	case b.State == booking.Requested:
		return &link{Href: "/manage/requests", Text: "Requests waiting for approval"}
	}
	return &link{Href: "/manage/sites/" + itoa(b.Space.SiteID) + "/week?week=" + booking.DateOf(b.StartsAt, booking.London).String(),
		Text: "Week at " + b.Space.Site.Name}
}
