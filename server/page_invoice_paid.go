package server

import (
	"errors"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// invoicePaidSubmit marks a booking's invoice paid, with an optional
// reference, through the same function as the API, then goes back to the
// booking. A reference that is too long, or an invoice no longer due,
// shows the booking again with the problem.
func (s *Server) invoicePaidSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, who := c.Request.Context(), currentPrincipal(c)
		b, err := s.loadBooking(c)
		if err == nil {
			_, err = readForm(c)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		_, err = s.markInvoicePaid(ctx, who, b.ID, c.Request.PostForm.Get("reference"))
		if err == nil {
			s.redirect(c, "/bookings/"+itoa(b.ID), "Invoice marked paid: "+formatMoney(b.TotalPence)+" from "+
				b.Organisation.Name+" for "+b.Space.Name+", "+formatDay(b.StartsAt)+".")
			return
		}
		v := &view{}
		status, ok := v.Errors.addDomain(err, formFields{
			id:    func(string) string { return "reference" },
			words: map[string]string{},
		})
		if !ok {
			s.fail(c, err)
			return
		}
		if errors.Is(err, booking.ErrConflict) {
			// The booking changed meanwhile: show it as it is now.
			if now, err := s.visibleBooking(ctx, who, b.ID); err == nil {
				b = now
			}
		}
		s.renderBooking(c, status, b, v, "")
	}
}
