package server

import (
	"context"
	"strings"

	"github.com/common-room/commonroom/booking"
	"github.com/gin-gonic/gin"
)

// decideNews ends the sentence that confirms a decision.
var decideNews = map[string]string{booking.ActionApprove: "Approved", booking.ActionDecline: "Declined"}

// decideBookingSubmit approves or declines one booking with the same
// function as the API, then goes back to the requests, or to the booking
// when the form came from its page (back=booking).
func (s *Server) decideBookingSubmit(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		b, err := s.loadBooking(c)
		var reason string
		if err == nil {
			reason, err = formReason(c)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		fromBooking := c.Request.PostForm.Get("back") == "booking"
		_, err = s.changeBooking(ctx, currentPrincipal(c), b.ID, action, reason)
		if err == nil {
			msg := decideNews[action] + ": " + b.Organisation.Name + ", " + b.Space.Name + ", " +
				formatDay(b.StartsAt) + " " + formatSpan(booking.Interval{Start: b.StartsAt, End: b.EndsAt}) + "."
			to := "/manage/requests"
			if fromBooking {
				to = "/bookings/" + itoa(b.ID)
			}
			s.redirect(c, to, msg)
			return
		}
		key := "b" + itoa(b.ID)
		if fromBooking {
			key = "booking"
		}
		v := &view{}
		status, ok := v.Errors.addDomain(err, decideFields(key))
		if !ok {
			s.fail(c, err)
			return
		}
		if fromBooking {
			s.renderBooking(c, status, b, v, reason)
			return
		}
		s.renderRequests(c, status, v, map[string]string{key: reason})
	}
}

// decideSeriesSubmit approves or declines every session of a series that
// is waiting for approval.
func (s *Server) decideSeriesSubmit(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id, err := pathID(c, "id")
		var reason string
		if err == nil {
			reason, err = formReason(c)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		n, org, err := s.decideSeries(ctx, currentPrincipal(c), id, action, reason)
		if err == nil {
			s.redirect(c, "/manage/requests", decideNews[action]+": "+plural(n, "weekly session")+" of "+org+".")
			return
		}
		key := "s" + itoa(id)
		v := &view{}
		status, ok := v.Errors.addDomain(err, decideFields(key))
		if !ok {
			s.fail(c, err)
			return
		}
		s.renderRequests(c, status, v, map[string]string{key: reason})
	}
}

// decideFields name the decline reason of the request with the key; a
// conflict, like a request decided meanwhile, is about no one input.
func decideFields(key string) formFields {
	id := "reason-" + key
	return formFields{
		id:    func(string) string { return id },
		words: map[string]string{id: "Enter why you are declining it"},
	}
}

// formReason reads the reason a decision or cancellation is posted with.
func formReason(c *gin.Context) (string, error) {
	form, err := readForm(c)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(form.Get("reason")), nil
}

// decideSeries approves or declines every session of a series still
// waiting for approval, all in one transaction, and says how many it
// decided and for which organisation. Only the site's estates managers
// may; a decline needs a reason.
func (s *Server) decideSeries(ctx context.Context, who *principal, id int64, action, reason string) (int, string, error) {
	sr, err := s.visibleSeries(ctx, who, id)
	if err != nil {
		return 0, "", err
	}
	if !who.managesSite(sr.Space.SiteID) {
		return 0, "", newForbidden("Only this site's estates managers can approve or decline its bookings.")
	}
	var p booking.Problems
	checkText(&p, "reason", reason, action == booking.ActionDecline, maxNoteLength)
	if err := p.Err(); err != nil {
		return 0, "", err
	}
	now := s.now()
	var ids []int64
	for i := range sr.Bookings {
		b := &sr.Bookings[i]
		if stateAt(b, now) == booking.Requested && b.EndsAt.After(now) {
			ids = append(ids, b.ID)
		}
	}
	if len(ids) == 0 {
		return 0, "", booking.Conflict("No sessions of this series are waiting for approval")
	}
	if err := s.store.ChangeBookings(ctx, ids, action, reason, who.User.ID, now); err != nil {
		return 0, "", err
	}
	n := len(ids)
	name := ""
	if sr.Organisation != nil {
		name = sr.Organisation.Name
	}
	return n, name, nil
}
