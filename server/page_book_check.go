package server

import (
	"context"
	"net/url"
	"slices"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// bookFormNames are the booking form's inputs, carried from the form to the
// page that checks it and back.
var bookFormNames = []string{
	"organisation_id", "date-day", "date-month", "date-year", "start", "end",
	"last-date-day", "last-date-month", "last-date-year", "purpose", "attendees", "notes",
	"repeat", "weeks", "until-day", "until-month", "until-year", "policy",
}

// hiddenField is a form value carried in a hidden input.
type hiddenField struct{ Name, Value string }

// bookCheck is the page that shows what will be booked and its price,
// with why, before the booking is made.
type bookCheck struct {
	*bookPage
	Quote    *booking.Quote
	Unbooked []unbookedRow
	Hidden   []hiddenField
	OrgLabel string
	Repeats  bool
	// PayBy is how the price will be paid (booking.Payment*); HoldMinutes
	// how long the time is held for a card payment; CardsOff says card
	// payments are not set up, so a group that would pay by card is
	// invoiced.
	PayBy       string
	HoldMinutes int
	CardsOff    bool
}

// checkBooking prices what the form asks for, without booking it, for the
// check page; errors are the booking service's, to show on the form.
func (s *Server) checkBooking(ctx context.Context, who *principal, p *bookPage, req bookingRequest, form url.Values) (*bookCheck, error) {
	var q *booking.Quote
	var unbooked []booking.Unbooked
	var err error
	if req.single != nil {
		q, unbooked, err = s.quote(ctx, who, *req.single)
	} else {
		q, unbooked, err = s.quoteSeries(ctx, who, *req.series)
	}
	if err != nil {
		return nil, err
	}
	ch := &bookCheck{bookPage: p, Quote: q, Repeats: req.series != nil,
		HoldMinutes: int(s.cfg.PaymentHold.Minutes()), CardsOff: !s.cfg.CardPayments()}
	orgID := int64(0)
	if req.single != nil {
		orgID = req.single.OrganisationID
	} else {
		orgID = req.series.OrganisationID
	}
	o, err := s.store.OrganisationByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	ch.PayBy = s.payerOf(o).PaymentFor(q.TotalPence)
	ch.CardsOff = ch.CardsOff && !o.PaysByInvoice
	buffer := models.RulesOf(p.Space).Buffer
	for _, u := range unbooked {
		ch.Unbooked = append(ch.Unbooked, unbookedRow{Date: u.Date, Reason: unbookedReason(u, buffer)})
	}
	for _, name := range bookFormNames {
		if vs, ok := form[name]; ok && len(vs) > 0 {
			ch.Hidden = append(ch.Hidden, hiddenField{Name: name, Value: vs[0]})
		}
	}
	i := slices.IndexFunc(p.Orgs, func(o booking.Option) bool { return o.Value == p.Form.OrganisationID })
	if i >= 0 {
		ch.OrgLabel = p.Orgs[i].Label
	}
	return ch, nil
}
