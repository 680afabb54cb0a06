package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// bookingPaySubmit sends the payer to a Stripe Checkout Session for a
// booking held for its card payment; Stripe brings them back to the
// booking's page.
func (s *Server) bookingPaySubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		b, err := s.loadBooking(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		co, err := s.startCheckout(c.Request.Context(), currentPrincipal(c), b.ID, 0)
		if err == nil {
			c.Redirect(http.StatusSeeOther, co.URL)
			return
		}
		// Nothing waits for a payment any more (paid meanwhile, or the
		// hold lapsed): show the booking as it is now, with why.
		v := &view{}
		status, ok := v.Errors.addDomain(err, formFields{id: func(string) string { return "pay" }, conflict: "pay"})
		if !ok {
			s.fail(c, err)
			return
		}
		if now, err := s.visibleBooking(c.Request.Context(), currentPrincipal(c), b.ID); err == nil {
			b = now
		}
		s.renderBooking(c, status, b, v, "")
	}
}

// seriesPaySubmit sends the payer to one Stripe Checkout Session for every
// date of a series held for its card payment.
func (s *Server) seriesPaySubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		sr, err := s.loadSeries(c)
		var co *checkoutJSON
		if err == nil {
			co, err = s.startCheckout(c.Request.Context(), currentPrincipal(c), 0, sr.ID)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, co.URL)
	}
}
