package server

import (
	"context"
	"net/http"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/gin-gonic/gin"
)

// currency is the only currency the estate charges in.
const currency = "GBP"

// pricePartJSON is a stretch of a booking priced under one rule, or at the
// standard rate when rule is null.
type pricePartJSON struct {
	StartsAt        time.Time `json:"starts_at"`
	EndsAt          time.Time `json:"ends_at"`
	Minutes         int       `json:"minutes"`
	Rule            *string   `json:"rule"`
	DiscountPercent int       `json:"discount_percent"`
	StandardPence   int64     `json:"standard_pence"`
	DiscountPence   int64     `json:"discount_pence"`
	Explanation     string    `json:"explanation"`
}

// priceJSON is the price of one booking: what it would cost at the
// standard rate, the discount the rent policy gives, VAT and the total, in
// pence, with why in words. Parts are given when one booking is read.
type priceJSON struct {
	Currency      string          `json:"currency"`
	StandardPence int64           `json:"standard_pence"`
	DiscountPence int64           `json:"discount_pence"`
	NetPence      int64           `json:"net_pence"`
	VATPercent    int             `json:"vat_percent"`
	VATPence      int64           `json:"vat_pence"`
	TotalPence    int64           `json:"total_pence"`
	Explanation   string          `json:"explanation"`
	Parts         []pricePartJSON `json:"parts,omitempty"`
}

// quoteLineJSON is the price of one date of a quote.
type quoteLineJSON struct {
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	priceJSON
}

// quoteJSON is the price of a booking or of each date of a series, and
// the dates of a series that could not be booked now.
type quoteJSON struct {
	Currency      string          `json:"currency"`
	StandardPence int64           `json:"standard_pence"`
	DiscountPence int64           `json:"discount_pence"`
	NetPence      int64           `json:"net_pence"`
	VATPence      int64           `json:"vat_pence"`
	TotalPence    int64           `json:"total_pence"`
	Lines         []quoteLineJSON `json:"lines"`
	Unbooked      []unbookedJSON  `json:"unbooked"`
}

func rulePtr(name string) *string {
	if name == "" {
		return nil
	}
	return &name
}

func toQuoteJSON(q *booking.Quote, unbooked []booking.Unbooked) quoteJSON {
	out := quoteJSON{Currency: currency, StandardPence: q.StandardPence, DiscountPence: q.DiscountPence, NetPence: q.NetPence,
		VATPence: q.VATPence, TotalPence: q.TotalPence, Lines: make([]quoteLineJSON, len(q.Lines)), Unbooked: toUnbookedJSON(unbooked)}
	for i, l := range q.Lines {
		line := quoteLineJSON{StartsAt: l.Interval.Start.UTC(), EndsAt: l.Interval.End.UTC(), priceJSON: priceJSON{
			Currency: currency, StandardPence: l.StandardPence, DiscountPence: l.DiscountPence, NetPence: l.NetPence,
			VATPercent: l.VATPercent, VATPence: l.VATPence, TotalPence: l.TotalPence, Explanation: l.Explanation,
			Parts: make([]pricePartJSON, len(l.Parts)),
		}}
		for k, p := range l.Parts {
			line.Parts[k] = pricePartJSON{StartsAt: p.Interval.Start.UTC(), EndsAt: p.Interval.End.UTC(), Minutes: p.Minutes,
				Rule: rulePtr(p.Rule), DiscountPercent: p.DiscountPercent, StandardPence: p.StandardPence,
				DiscountPence: p.DiscountPence, Explanation: p.Explanation}
		}
		out.Lines[i] = line
	}
	return out
}

// toPriceJSON is a stored booking's price; parts only with withParts.
func toPriceJSON(b *models.Booking, withParts bool) priceJSON {
	out := priceJSON{Currency: currency, StandardPence: b.StandardPence, DiscountPence: b.DiscountPence,
		NetPence: b.StandardPence - b.DiscountPence, VATPercent: b.VATPercent, VATPence: b.VATPence,
		TotalPence: b.TotalPence, Explanation: b.PriceExplanation}
	if withParts {
		out.Parts = make([]pricePartJSON, len(b.Charges))
		for i, c := range b.Charges {
			out.Parts[i] = pricePartJSON{StartsAt: c.StartsAt.UTC(), EndsAt: c.EndsAt.UTC(), Minutes: c.Minutes,
				Rule: rulePtr(c.RuleName), DiscountPercent: c.DiscountPercent, StandardPence: c.StandardPence,
				DiscountPence: c.DiscountPence, Explanation: c.Explanation}
		}
	}
	return out
}

// quote prices a booking request, or each date of one with a recurrence,
// without booking anything: for the API and the booking pages. Attendees
// may be left out of a quote.
func (s *Server) quote(ctx context.Context, who *principal, in bookingInput) (*booking.Quote, []booking.Unbooked, error) {
	if in.Attendees == 0 {
		in.Attendees = 1
	}
	var p booking.Problems
	checkIDs(&p, in.SpaceID, in.OrganisationID)
	if in.HoldMinutes != nil {
		p.Add("hold_minutes", "A quote holds nothing; leave hold_minutes out")
	}
	if in.Recurrence == nil {
		iv := booking.Interval{Start: parseInstant(&p, "starts_at", in.StartsAt), End: parseInstant(&p, "ends_at", in.EndsAt)}
		if in.Policy != "" {
			p.Add("policy", "Give a policy only with a recurrence")
		}
		if err := p.Err(); err != nil {
			return nil, nil, err
		}
		req, err := s.quoteRequest(ctx, who, in.SpaceID, in.OrganisationID, in.Purpose, in.Attendees)
		if err != nil {
			return nil, nil, err
		}
		req.Interval = iv
		q, err := s.bookings.Quote(ctx, req)
		return q, nil, err
	}
	sin := seriesFromBooking(bookingInput{SpaceID: in.SpaceID, OrganisationID: in.OrganisationID, StartsAt: in.StartsAt, EndsAt: in.EndsAt,
		Recurrence: in.Recurrence, Policy: in.Policy, Purpose: in.Purpose, Attendees: in.Attendees}, &p)
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	q, unbooked, err := s.quoteSeries(ctx, who, sin)
	return q, unbooked, renameFields(err, bookingFields)
}

// quoteSeries prices each date of a series as booking it now would,
// without booking anything.
func (s *Server) quoteSeries(ctx context.Context, who *principal, in seriesInput) (*booking.Quote, []booking.Unbooked, error) {
	first, start, end, rec, err := in.shape()
	if err != nil {
		return nil, nil, err
	}
	req, err := s.quoteRequest(ctx, who, in.SpaceID, in.OrganisationID, in.Purpose, max(in.Attendees, 1))
	if err != nil {
		return nil, nil, err
	}
	res, err := s.bookings.QuoteSeries(ctx, booking.SeriesRequest{Request: req, First: first, StartClock: start, EndClock: end,
		Recurrence: rec, Policy: in.Policy})
	if err != nil {
		return nil, nil, err
	}
	return &res.Quote, res.Unbooked, nil
}

// quoteRequest checks who is asking for a quote for whom, as booking would.
func (s *Server) quoteRequest(ctx context.Context, who *principal, spaceID, orgID int64, purpose string, attendees int) (booking.Request, error) {
	_, o, err := s.bookingParties(ctx, who, spaceID, orgID)
	if err != nil {
		return booking.Request{}, err
	}
	return booking.Request{SpaceID: spaceID, OrganisationID: orgID, ByUserID: who.User.ID, Purpose: purpose, Attendees: attendees,
		Verified: o.Verification == booking.Verified, OrganisationType: o.Type,
		Payer: s.payerOf(o), PaymentHold: s.cfg.PaymentHold}, nil
}

func (s *Server) apiCreateQuote() gin.HandlerFunc {
	return func(c *gin.Context) {
		var in bookingInput
		err := decodeJSON(c, &in)
		var q *booking.Quote
		var unbooked []booking.Unbooked
		if err == nil {
			q, unbooked, err = s.quote(c.Request.Context(), currentPrincipal(c), in)
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.JSON(http.StatusOK, toQuoteJSON(q, unbooked))
	}
}
