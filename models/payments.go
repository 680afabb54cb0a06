package models

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/common-room/commonroom/booking"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// BookingsToPay lists what one checkout pays for: the booking, or with
// seriesID every date of the series, that waits for its card payment at
// now, by start, with its space and site.
func (s *Store) BookingsToPay(ctx context.Context, bookingID, seriesID int64, now time.Time) ([]Booking, error) {
	q := s.DB.WithContext(ctx).Preload("Space.Site").
		Where("state = ? AND payment = ? AND hold_expires_at > ?", booking.PendingPayment, booking.PaymentPending, Instant(now))
	if seriesID != 0 {
		q = q.Where("series_id = ?", seriesID)
	} else {
		q = q.Where("id = ?", bookingID)
	}
	var out []Booking
	err := q.Order("starts_at, id").Find(&out).Error
	return out, err
}

// StartCheckout records the Checkout Session that pays for the bookings
// and moves their holds to its expiry, so the time is held exactly as
// long as the session can be paid. It refuses (409) if any of them no
// longer waits for its payment.
func (s *Store) StartCheckout(ctx context.Context, ids []int64, sessionID string, expires, now time.Time) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Booking{}).
			Where("id IN ? AND state = ? AND payment = ? AND hold_expires_at > ?", ids, booking.PendingPayment, booking.PaymentPending, Instant(now)).
			Updates(map[string]any{"checkout_session_id": sessionID, "hold_expires_at": Instant(expires),
				"sequence": gorm.Expr("sequence + 1"), "updated_at": Instant(now)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != int64(len(ids)) {
			return booking.Conflict("The booking no longer waits for a payment; reload it")
		}
		return nil
	})
}

// Outcomes of a Stripe webhook event.
const (
	OutcomeDuplicate = "duplicate" // seen before: nothing done
	OutcomeConfirmed = "confirmed"
	OutcomeRefunded  = "refunded"
	OutcomeExpired   = "expired"
	OutcomeIgnored   = "ignored"
)

// RefundFunc gives a booking's payment back through the payment provider
// and returns the refund's id. It runs inside the transaction that records
// the refund, so a refund that fails leaves nothing recorded and the
// event can be delivered again.
type RefundFunc func(b *Booking, pence int64, reason string) (string, error)

// stripeEvent records an event once, inside tx. It reports false when the
// event was processed before; a delivery racing this one waits on the
// primary key and then sees it.
func stripeEvent(tx *gorm.DB, id, typ, outcome string, now time.Time) (bool, error) {
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&StripeEvent{ID: id, Type: typ, ReceivedAt: Instant(now), Outcome: outcome})
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected == 1, nil
}

// IgnoreStripeEvent records an event the product does not act on.
func (s *Store) IgnoreStripeEvent(ctx context.Context, id, typ string, now time.Time) error {
	_, err := stripeEvent(s.DB.WithContext(ctx), id, typ, OutcomeIgnored, now)
	return err
}

// paidBookings locks the bookings a Checkout Session paid for.
func paidBookings(tx *gorm.DB, dialect, sessionID string) ([]Booking, error) {
	q := tx.Where("checkout_session_id = ?", sessionID).Order("starts_at, id")
	if dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var bs []Booking
	return bs, q.Find(&bs).Error
}

// CheckoutPaid processes a completed Checkout Session, once per event id.
// Each booking it paid for is confirmed and marked paid. One whose hold
// lapsed before the payment came is confirmed if its time is still free,
// and otherwise refunded in full through refund, with the reason in its
// history; a booking cancelled meanwhile is refunded too.
func (s *Store) CheckoutPaid(ctx context.Context, eventID, sessionID, paymentIntentID string, now time.Time, refund RefundFunc) (string, error) {
	outcome := OutcomeConfirmed
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fresh, err := stripeEvent(tx, eventID, "checkout.session.completed", "", now)
		if err != nil || !fresh {
			outcome = OutcomeDuplicate
			return err
		}
		bs, err := paidBookings(tx, s.Dialect, sessionID)
		if err != nil {
			return err
		}
		if len(bs) == 0 {
			outcome = OutcomeIgnored // not a session of this service
		}
		for i := range bs {
			got, err := s.settlePaid(tx, &bs[i], paymentIntentID, now, refund)
			if err != nil {
				return err
			}
			if got == OutcomeRefunded {
				outcome = OutcomeRefunded
			}
		}
		return tx.Model(&StripeEvent{}).Where("id = ?", eventID).Update("outcome", outcome).Error
	})
	return outcome, err
}

// settlePaid applies a payment to one booking.
func (s *Store) settlePaid(tx *gorm.DB, b *Booking, paymentIntentID string, now time.Time, refund RefundFunc) (string, error) {
	if b.Payment != booking.PaymentPending {
		return OutcomeIgnored, nil // already paid, refunded or invoiced
	}
	fields := map[string]any{"payment": booking.PaymentPaid, "paid_pence": b.TotalPence, "payment_intent_id": paymentIntentID}
	if err := tx.Model(&Booking{}).Where("id = ?", b.ID).Updates(fields).Error; err != nil {
		return "", err
	}
	b.Payment, b.PaidPence = booking.PaymentPaid, b.TotalPence
	pi := paymentIntentID
	b.PaymentIntentID = &pi
	lapsed := b.HoldExpiresAt != nil && !b.HoldExpiresAt.After(now)
	switch {
	case b.State == booking.PendingPayment && !lapsed:
		return OutcomeConfirmed, moneyState(tx, b, booking.Confirmed, "pay", "Paid by card", b.TotalPence, now)
	case b.State == booking.PendingPayment || b.State == booking.Expired:
		free, err := s.stillFree(tx, b, now)
		if err != nil {
			return "", err
		}
		if free {
			return OutcomeConfirmed, moneyState(tx, b, booking.Confirmed, "pay",
				"Paid by card after the hold lapsed; the time was still free", b.TotalPence, now)
		}
		if err := moneyState(tx, b, b.State, "pay", "Paid by card after the hold lapsed", b.TotalPence, now); err != nil {
			return "", err
		}
		return OutcomeRefunded, refundBooking(tx, b, b.TotalPence, "The payment came after the hold lapsed and the time had been booked by someone else", refund, now)
	default: // cancelled or declined while the payment was made
		if err := moneyState(tx, b, b.State, "pay", "Paid by card", b.TotalPence, now); err != nil {
			return "", err
		}
		return OutcomeRefunded, refundBooking(tx, b, b.TotalPence, "The booking was no longer going ahead when the payment came", refund, now)
	}
}

// stillFree reports whether a booking whose hold lapsed can still have its
// time, under the space's lock. Clashes expires every lapsed hold it
// meets, this booking's among them, so what it returns is other bookings
// that hold the time; b.State is read again afterwards.
func (s *Store) stillFree(tx *gorm.DB, b *Booking, now time.Time) (bool, error) {
	st, err := openSpace(tx, b.SpaceID, s.Dialect, s.Dialect == Postgres)
	if err != nil {
		return false, err
	}
	clashes, err := st.Clashes(booking.Interval{Start: b.StartsAt, End: b.EndsAt}, b.BlockEnd, now)
	if err != nil {
		return false, err
	}
	if err := tx.Model(&Booking{}).Where("id = ?", b.ID).Select("state").Scan(&b.State).Error; err != nil {
		return false, err
	}
	return len(clashes) == 0, nil
}

// moneyState records a money movement of pence, moving the booking to
// state to (which may be the state it is in).
func moneyState(tx *gorm.DB, b *Booking, to, action, reason string, pence int64, now time.Time) error {
	return record(tx, b, BookingEvent{Action: action, ToState: to, Reason: reason, AmountPence: pence, At: Instant(now)})
}

// refundBooking gives pence of a booking's payment back and records it.
func refundBooking(tx *gorm.DB, b *Booking, pence int64, reason string, refund RefundFunc, now time.Time) error {
	if pence <= 0 {
		return nil
	}
	if refund == nil {
		return errors.New("no payment provider to refund through")
	}
	if _, err := refund(b, pence, reason); err != nil {
		return err
	}
	refunded := b.RefundedPence + pence
	payment := booking.PaymentRefunded
	if refunded < b.PaidPence {
		payment = booking.PaymentPartiallyRefunded
	}
	if err := tx.Model(&Booking{}).Where("id = ?", b.ID).
		Updates(map[string]any{"payment": payment, "refunded_pence": refunded}).Error; err != nil {
		return err
	}
	b.Payment, b.RefundedPence = payment, refunded
	return moneyState(tx, b, b.State, "refund", reason, pence, now)
}

// CheckoutExpired processes an expired Checkout Session, once per event
// id: the bookings still waiting for its payment expire and free their
// time. A booking already paid (the events can arrive in any order) is
// left as it is.
func (s *Store) CheckoutExpired(ctx context.Context, eventID, sessionID string, now time.Time) (string, error) {
	outcome := OutcomeExpired
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		fresh, err := stripeEvent(tx, eventID, "checkout.session.expired", OutcomeExpired, now)
		if err != nil || !fresh {
			outcome = OutcomeDuplicate
			return err
		}
		bs, err := paidBookings(tx, s.Dialect, sessionID)
		if err != nil {
			return err
		}
		for i := range bs {
			b := &bs[i]
			if b.State != booking.PendingPayment || b.Payment != booking.PaymentPending {
				continue
			}
			if err := setState(tx, b, booking.Expired, "expire", "The checkout expired without a payment", nil, now); err != nil {
				return err
			}
		}
		return nil
	})
	return outcome, err
}

// CancelRefund is how cancelling gives back a card payment: in full when
// the estate cancels, or when the organisation cancels at least Notice
// before the start (the site's cancellation terms); otherwise nothing.
type CancelRefund struct {
	Notice   time.Duration
	ByEstate bool
	Refund   RefundFunc
}

// refund gives back what the terms say of a cancelled booking's payment.
// A nil CancelRefund refunds nothing.
func (cr *CancelRefund) refund(tx *gorm.DB, b *Booking, now time.Time) error {
	if cr == nil || (b.Payment != booking.PaymentPaid && b.Payment != booking.PaymentPartiallyRefunded) {
		return nil
	}
	pence := booking.RefundFor(b.PaidPence-b.RefundedPence, b.StartsAt, now, cr.Notice, cr.ByEstate)
	if pence == 0 {
		return nil
	}
	reason := "Cancelled at least " + noticeWords(cr.Notice) + " before the start: refunded in full"
	if cr.ByEstate {
		reason = "Cancelled by the estate: refunded in full"
	}
	return refundBooking(tx, b, pence, reason, cr.Refund, now)
}

// noticeWords is a notice period in words, "48 hours".
func noticeWords(d time.Duration) string {
	h := int(d / time.Hour)
	if h == 1 {
		return "1 hour"
	}
	return strconv.Itoa(h) + " hours"
}
