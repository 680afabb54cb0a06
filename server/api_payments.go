package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
	"github.com/common-room/commonroom/server/payments"
	"github.com/gin-gonic/gin"
)

// Card payments: a booking that costs something, for an organisation that
// pays by card, waits for its payment; a Stripe Checkout Session takes it,
// and Stripe's signed webhook confirms the booking (or expires it).

const (
	// checkoutOrigin is where Stripe Checkout pages are served.
	checkoutOrigin = "https://checkout.stripe.com"
	// minCheckoutLife is the shortest a Checkout Session may live; a hold
	// ending sooner is moved out to it, so the two end together.
	minCheckoutLife = 30*time.Minute + time.Minute
	// maxWebhookBody is the largest webhook body read.
	maxWebhookBody = 256 << 10
)

// errPaymentsOff answers a payment request while card payments are off.
var errPaymentsOff = booking.Conflict("Card payments are not set up here: bookings that cost something are paid by invoice")

// checkoutJSON is a Checkout Session to send the payer to.
type checkoutJSON struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
	Bookings  []int64   `json:"bookings"`
	Pence     int64     `json:"total_pence"`
}

// cancelRefund is how cancelling a booking at a site gives back a card
// payment: the site's cancellation terms, or in full when its staff
// cancel.
func (s *Server) cancelRefund(ctx context.Context, who *principal, siteID int64) (*models.CancelRefund, error) {
	if s.payments == nil {
		return nil, nil
	}
	policy, err := s.store.RentPolicy(ctx, siteID)
	if err != nil {
		return nil, err
	}
	return &models.CancelRefund{
		Notice:   time.Duration(policy.CancellationNoticeHours) * time.Hour,
		ByEstate: who.managesSite(siteID),
		Refund:   s.refundThroughProvider(ctx, "cancel"),
	}, nil
}

// refundThroughProvider refunds through the payment provider; the key
// makes a retried refund of the same booking for the same cause the same
// refund.
func (s *Server) refundThroughProvider(ctx context.Context, cause string) models.RefundFunc {
	return func(b *models.Booking, pence int64, reason string) (string, error) {
		if b.PaymentIntentID == nil || *b.PaymentIntentID == "" {
			return "", errors.New("a paid booking without its payment")
		}
		r, err := s.payments.Refund(ctx, payments.RefundRequest{
			PaymentIntentID: *b.PaymentIntentID, Pence: pence, Reason: reason,
			IdempotencyKey: "refund-" + cause + "-booking-" + itoa(b.ID) + "-" + strconv.FormatInt(b.RefundedPence, 10),
		})
		return r.ID, err
	}
}

// startCheckout makes a Checkout Session for the bookings still waiting
// for their payment: one booking, or every date of a series.
func (s *Server) startCheckout(ctx context.Context, who *principal, bookingID, seriesID int64) (*checkoutJSON, error) {
	if s.payments == nil {
		return nil, errPaymentsOff
	}
	now := s.now()
	bs, err := s.store.BookingsToPay(ctx, bookingID, seriesID, now)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, booking.Conflict("Nothing here waits for a payment: it is paid, needs nothing, or its hold has lapsed")
	}
	expires := *bs[0].HoldExpiresAt
	out := &checkoutJSON{}
	lines := make([]payments.CheckoutLine, len(bs))
	for i := range bs {
		b := &bs[i]
		if b.HoldExpiresAt.Before(expires) {
			expires = *b.HoldExpiresAt
		}
		lines[i] = payments.CheckoutLine{
			Name:        b.Space.Name + ", " + b.Space.Site.Name,
			Description: formatDay(b.StartsAt) + ", " + formatTimes(b.StartsAt, b.EndsAt),
			Pence:       b.TotalPence,
		}
		out.Bookings = append(out.Bookings, b.ID)
		out.Pence += b.TotalPence
	}
	if floor := now.Add(minCheckoutLife).Truncate(time.Second); expires.Before(floor) {
		expires = floor
	}
	ref, page := "booking-"+itoa(bookingID), "/bookings/"+itoa(bookingID)
	if seriesID != 0 {
		ref, page = "series-"+itoa(seriesID), "/series/"+itoa(seriesID)
	}
	sess, err := s.payments.Checkout(ctx, payments.CheckoutRequest{
		Lines: lines, Reference: ref, Metadata: map[string]string{"reference": ref},
		CustomerEmail: who.User.Email, ExpiresAt: expires,
		SuccessURL: s.absURL(page + "?paid=1"), CancelURL: s.absURL(page + "?checkout=cancelled"),
		IdempotencyKey: "checkout-" + ref + "-" + strconv.FormatInt(expires.Unix(), 10),
	})
	if err != nil {
		return nil, err
	}
	if err := s.store.StartCheckout(ctx, out.Bookings, sess.ID, expires, now); err != nil {
		return nil, err
	}
	out.URL, out.ExpiresAt = sess.URL, expires.UTC()
	return out, nil
}

// apiCheckout answers a Checkout Session for a booking, or with series for
// every date of a series, that the caller can see.
func (s *Server) apiCheckout(series bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, who := c.Request.Context(), currentPrincipal(c)
		id, err := pathID(c, "id")
		var out *checkoutJSON
		switch {
		case err != nil:
		case series:
			if _, err = s.visibleSeries(ctx, who, id); err == nil {
				out, err = s.startCheckout(ctx, who, 0, id)
			}
		default:
			if _, err = s.visibleBooking(ctx, who, id); err == nil {
				out, err = s.startCheckout(ctx, who, id, 0)
			}
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusCreated, out)
	}
}

// stripeWebhook receives Stripe's events. Each is verified by its
// signature and processed once, whatever the order and however often it
// comes: a replay answers 200 and changes nothing.
func (s *Server) stripeWebhook() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.payments == nil {
			s.fail(c, booking.ErrNotFound)
			return
		}
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxWebhookBody+1))
		if err != nil || len(body) > maxWebhookBody {
			s.fail(c, newBadRequest("The event could not be read."))
			return
		}
		ev, err := payments.ParseWebhook(body, c.GetHeader("Stripe-Signature"), s.cfg.StripeWebhookSecret, s.now())
		if err != nil {
			s.fail(c, newBadRequest("The event's signature or body is not valid."))
			return
		}
		ctx, now := c.Request.Context(), s.now()
		var outcome string
		switch ev.Type {
		case "checkout.session.completed", "checkout.session.async_payment_succeeded":
			if ev.PaymentStatus != "paid" {
				outcome = models.OutcomeIgnored
				err = s.store.IgnoreStripeEvent(ctx, ev.ID, ev.Type, now)
				break
			}
			outcome, err = s.store.CheckoutPaid(ctx, ev.ID, ev.SessionID, ev.PaymentIntentID, now, s.refundThroughProvider(ctx, "late"))
		case "checkout.session.expired":
			outcome, err = s.store.CheckoutExpired(ctx, ev.ID, ev.SessionID, now)
		default:
			outcome = models.OutcomeIgnored
			err = s.store.IgnoreStripeEvent(ctx, ev.ID, ev.Type, now)
		}
		if err != nil {
			// Stripe delivers the event again later; nothing was kept.
			s.fail(c, err)
			return
		}
		logger(c).Info("stripe event", "event", ev.ID, "type", ev.Type, "outcome", outcome)
		c.JSON(http.StatusOK, gin.H{"received": true, "outcome": outcome})
	}
}
