package server

import (
	"net/http"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// bookingCancelFields are the cancel form's inputs.
var bookingCancelFields = formFields{id: func(string) string { return "reason" }}

// bookingCancelPage asks to confirm cancelling a booking, and why.
func (s *Server) bookingCancelPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		b, err := s.loadBooking(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.render(c, http.StatusOK, "booking-cancel", &view{
			Title: "Cancel this booking", Back: &link{Href: "/bookings/" + itoa(b.ID), Text: "Back"},
			Data: bookingPageData{Booking: b, State: stateAt(b, s.now()), CanCancel: active(b, s.now())},
		})
	}
}

// bookingCancelSubmit cancels one booking, or one date of a series, with
// the same function as the API.
func (s *Server) bookingCancelSubmit() gin.HandlerFunc {
	return func(c *gin.Context) {
		b, err := s.loadBooking(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		form, err := readForm(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		reason := strings.TrimSpace(form.Get("reason"))
		_, err = s.changeBooking(c.Request.Context(), currentPrincipal(c), b.ID, booking.ActionCancel, reason)
		if err == nil {
			s.redirect(c, "/bookings/"+itoa(b.ID), "Booking on "+formatDay(b.StartsAt)+" cancelled.")
			return
		}
		v := &view{Title: "Cancel this booking", Back: &link{Href: "/bookings/" + itoa(b.ID), Text: "Back"}}
		status, ok := v.Errors.addDomain(err, bookingCancelFields)
		if !ok {
			s.fail(c, err)
			return
		}
		v.Data = bookingPageData{Booking: b, State: stateAt(b, s.now()), CanCancel: active(b, s.now()), Reason: reason}
		s.render(c, status, "booking-cancel", v)
	}
}
