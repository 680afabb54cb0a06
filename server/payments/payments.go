// Package payments is the one place the product talks to Stripe: hosted
// Checkout for card payments, refunds, and reading signed webhook events.
// Nothing outside this package imports stripe-go, so moving to a new major
// version of it is a change here alone.
package payments

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Provider takes card payments and gives refunds.
type Provider interface {
	// Checkout creates a hosted Checkout Session.
	Checkout(ctx context.Context, req CheckoutRequest) (CheckoutSession, error)
	// Refund gives back amount pence of a payment.
	Refund(ctx context.Context, req RefundRequest) (Refund, error)
}

// CheckoutLine is one priced line of a Checkout Session, one per booking
// date, in GBP with VAT included.
type CheckoutLine struct {
	Name        string
	Description string
	Pence       int64
}

// CheckoutRequest describes the Checkout Session to create.
type CheckoutRequest struct {
	Lines []CheckoutLine
	// Reference is the session's client_reference_id, e.g. "booking-42" or
	// "series-7".
	Reference string
	// Metadata is copied onto the session and onto its payment intent, so
	// both the checkout.session.* and payment_intent.* events carry it.
	Metadata map[string]string
	// CustomerEmail pre-fills the email field; optional.
	CustomerEmail string
	// ExpiresAt must be between 30 minutes and 24 hours ahead, as Stripe
	// requires; it is checked, not adjusted.
	ExpiresAt time.Time
	// SuccessURL may contain {CHECKOUT_SESSION_ID}, which Stripe replaces
	// with the session's ID.
	SuccessURL string
	CancelURL  string
	// IdempotencyKey is sent as the Idempotency-Key header, so a retried
	// request cannot create a second session.
	IdempotencyKey string
}

// CheckoutSession is a created Checkout Session: send the payer to URL.
type CheckoutSession struct {
	ID        string
	URL       string
	ExpiresAt time.Time
}

// RefundRequest describes money to give back from a payment.
type RefundRequest struct {
	PaymentIntentID string
	Pence           int64
	// Reason is kept in the refund's metadata: Stripe's own reason field
	// accepts only a few fixed values.
	Reason string
	// IdempotencyKey is sent as the Idempotency-Key header, so a retried
	// request cannot refund twice.
	IdempotencyKey string
}

// Refund is a refund as Stripe reports it.
type Refund struct {
	ID     string
	Pence  int64
	Status string // pending, requires_action, succeeded, failed or canceled
}

// ErrInvalidRequest is wrapped by errors for requests refused before
// anything is sent to Stripe.
var ErrInvalidRequest = errors.New("payments: invalid request")

// Error is a request to Stripe that failed: refused by Stripe (Status set)
// or lost on the way (Status 0). Its text never contains the secret key.
// errors.Is reports context.Canceled and context.DeadlineExceeded through it.
type Error struct {
	Op        string // "checkout" or "refund"
	Status    int    // HTTP status of Stripe's answer; 0 if there was none
	Type      string // Stripe's error type, e.g. "invalid_request_error"
	Code      string // Stripe's error code, e.g. "resource_missing"
	Param     string // the parameter Stripe objected to, if any
	RequestID string // Stripe's Request-Id, for its dashboard logs
	Message   string
	cause     error
}

func (e *Error) Error() string {
	s := "payments: stripe " + e.Op
	if e.Status != 0 {
		s += fmt.Sprintf(": %d", e.Status)
	}
	for _, part := range []string{e.Type, e.Code} {
		if part != "" {
			s += " " + part
		}
	}
	if e.Param != "" {
		s += " (" + e.Param + ")"
	}
	s += ": " + e.Message
	if e.RequestID != "" {
		s += " [" + e.RequestID + "]"
	}
	return s
}

// Unwrap exposes only context errors: the underlying client error may
// carry text this package has not vetted.
func (e *Error) Unwrap() error { return e.cause }
