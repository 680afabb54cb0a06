package payments

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	checkoutsession "github.com/stripe/stripe-go/v76/checkout/session"
	"github.com/stripe/stripe-go/v76/refund"
)

// Limits Stripe puts on a request, checked here so a mistake reads as a
// clear error rather than as Stripe's rejection.
const (
	minCheckoutLifetime = 30 * time.Minute
	maxCheckoutLifetime = 24 * time.Hour
	maxCheckoutLines    = 100
	maxReference        = 200
	maxIdempotencyKey   = 255
	maxMetadataKeys     = 50
	maxMetadataKey      = 40
	maxMetadataValue    = 500
)

// Stripe is the Provider backed by stripe-go.
type Stripe struct {
	key      string
	sessions checkoutsession.Client
	refunds  refund.Client
	// Now is the clock a session's expiry is checked against; nil is the
	// wall clock.
	Now func() time.Time
}

var _ Provider = (*Stripe)(nil)

// NewStripe returns a Provider that calls Stripe with secretKey. apiURL ""
// means Stripe's real API; otherwise it is a base URL such as
// http://127.0.0.1:12111 for stripe-mock. A nil httpClient means
// stripe-go's default client.
func NewStripe(secretKey, apiURL string, httpClient *http.Client) *Stripe {
	cfg := &stripe.BackendConfig{
		HTTPClient: httpClient,
		// stripe-go logs failed requests to stderr by default; errors come
		// back to the caller, already stripped of the key, to log there.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if apiURL != "" {
		cfg.URL = stripe.String(apiURL)
	}
	// A backend of our own rather than stripe.Key and stripe.SetBackend:
	// those are package globals shared by every client in the process.
	backend := stripe.GetBackendWithConfig(stripe.APIBackend, cfg)
	return &Stripe{
		key:      secretKey,
		sessions: checkoutsession.Client{B: backend, Key: secretKey},
		refunds:  refund.Client{B: backend, Key: secretKey},
	}
}

// Checkout creates a hosted Checkout Session in payment mode, one GBP line
// per CheckoutLine.
func (s *Stripe) Checkout(ctx context.Context, req CheckoutRequest) (CheckoutSession, error) {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	if err := validateCheckout(req, now); err != nil {
		return CheckoutSession{}, err
	}
	params := &stripe.CheckoutSessionParams{
		Mode:       stripe.String(string(stripe.CheckoutSessionModePayment)),
		ExpiresAt:  stripe.Int64(req.ExpiresAt.Unix()),
		SuccessURL: stripe.String(req.SuccessURL),
		CancelURL:  stripe.String(req.CancelURL),
	}
	for _, l := range req.Lines {
		product := &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(l.Name)}
		// Stripe reads an empty string as "unset", which it refuses on create.
		if l.Description != "" {
			product.Description = stripe.String(l.Description)
		}
		params.LineItems = append(params.LineItems, &stripe.CheckoutSessionLineItemParams{
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(string(stripe.CurrencyGBP)),
				UnitAmount:  stripe.Int64(l.Pence),
				ProductData: product,
			},
			Quantity: stripe.Int64(1),
		})
	}
	if req.Reference != "" {
		params.ClientReferenceID = stripe.String(req.Reference)
	}
	if req.CustomerEmail != "" {
		params.CustomerEmail = stripe.String(req.CustomerEmail)
	}
	if len(req.Metadata) > 0 {
		params.Metadata = maps.Clone(req.Metadata)
		params.PaymentIntentData = &stripe.CheckoutSessionPaymentIntentDataParams{Metadata: maps.Clone(req.Metadata)}
	}
	params.Context = ctx
	params.SetIdempotencyKey(req.IdempotencyKey)

	sess, err := s.sessions.New(params)
	if err != nil {
		return CheckoutSession{}, s.wrap("checkout", err)
	}
	return CheckoutSession{ID: sess.ID, URL: sess.URL, ExpiresAt: time.Unix(sess.ExpiresAt, 0).UTC()}, nil
}

// Refund refunds req.Pence of the payment intent.
func (s *Stripe) Refund(ctx context.Context, req RefundRequest) (Refund, error) {
	if err := validateRefund(req); err != nil {
		return Refund{}, err
	}
	params := &stripe.RefundParams{
		PaymentIntent: stripe.String(req.PaymentIntentID),
		Amount:        stripe.Int64(req.Pence),
	}
	if req.Reason != "" {
		params.Metadata = map[string]string{"reason": req.Reason}
	}
	params.Context = ctx
	params.SetIdempotencyKey(req.IdempotencyKey)

	r, err := s.refunds.New(params)
	if err != nil {
		return Refund{}, s.wrap("refund", err)
	}
	return Refund{ID: r.ID, Pence: r.Amount, Status: string(r.Status)}, nil
}

// wrap turns a stripe-go error into an *Error with the secret key removed
// from every string: stripe-mock, for one, echoes the Authorization header
// back in its 401 message.
func (s *Stripe) wrap(op string, err error) error {
	e := &Error{Op: op}
	var se *stripe.Error
	if errors.As(err, &se) {
		e.Status = se.HTTPStatusCode
		e.Type = s.redact(string(se.Type))
		e.Code = s.redact(string(se.Code))
		e.Param = s.redact(se.Param)
		e.RequestID = s.redact(se.RequestID)
		e.Message = s.redact(se.Msg)
		return e
	}
	e.Message = s.redact(err.Error())
	switch {
	case errors.Is(err, context.Canceled):
		e.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		e.cause = context.DeadlineExceeded
	}
	return e
}

func (s *Stripe) redact(text string) string {
	if s.key == "" {
		return text
	}
	return strings.ReplaceAll(text, s.key, "[secret key]")
}

func validateCheckout(req CheckoutRequest, now time.Time) error {
	var problems []string
	if len(req.Lines) == 0 {
		problems = append(problems, "no lines")
	}
	if len(req.Lines) > maxCheckoutLines {
		problems = append(problems, fmt.Sprintf("%d lines, more than Stripe's %d", len(req.Lines), maxCheckoutLines))
	}
	for i, l := range req.Lines {
		if strings.TrimSpace(l.Name) == "" {
			problems = append(problems, fmt.Sprintf("line %d has no name", i+1))
		}
		if l.Pence <= 0 {
			problems = append(problems, fmt.Sprintf("line %d is %d pence; it must be more than 0", i+1, l.Pence))
		}
	}
	if len(req.Reference) > maxReference {
		problems = append(problems, fmt.Sprintf("reference is longer than %d characters", maxReference))
	}
	if req.ExpiresAt.IsZero() {
		problems = append(problems, "no expiry time")
	} else if ahead := req.ExpiresAt.Sub(now); ahead < minCheckoutLifetime || ahead > maxCheckoutLifetime {
		problems = append(problems, fmt.Sprintf("expiry %s is %s ahead; Stripe accepts %s to %s",
			req.ExpiresAt.UTC().Format(time.RFC3339), ahead.Round(time.Second), minCheckoutLifetime, maxCheckoutLifetime))
	}
	problems = append(problems, checkURL("success URL", req.SuccessURL)...)
	problems = append(problems, checkURL("cancel URL", req.CancelURL)...)
	problems = append(problems, checkMetadata(req.Metadata)...)
	problems = append(problems, checkIdempotencyKey(req.IdempotencyKey)...)
	return invalid("checkout", problems)
}

func validateRefund(req RefundRequest) error {
	var problems []string
	if req.PaymentIntentID == "" {
		problems = append(problems, "no payment intent")
	}
	if req.Pence <= 0 {
		problems = append(problems, fmt.Sprintf("%d pence; it must be more than 0", req.Pence))
	}
	if len(req.Reason) > maxMetadataValue {
		problems = append(problems, fmt.Sprintf("reason is longer than %d characters", maxMetadataValue))
	}
	problems = append(problems, checkIdempotencyKey(req.IdempotencyKey)...)
	return invalid("refund", problems)
}

func invalid(op string, problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s: %s", ErrInvalidRequest, op, strings.Join(problems, "; "))
}

func checkURL(name, raw string) []string {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || !u.IsAbs() || u.Host == "" {
		return []string{fmt.Sprintf("%s %q is not an absolute URL", name, raw)}
	}
	return nil
}

func checkMetadata(m map[string]string) []string {
	var problems []string
	if len(m) > maxMetadataKeys {
		problems = append(problems, fmt.Sprintf("%d metadata keys, more than Stripe's %d", len(m), maxMetadataKeys))
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if k == "" || len(k) > maxMetadataKey || strings.ContainsAny(k, "[]") {
			problems = append(problems, fmt.Sprintf("metadata key %q must be 1 to %d characters without brackets", k, maxMetadataKey))
		}
		if len(v) > maxMetadataValue {
			problems = append(problems, fmt.Sprintf("metadata %q is longer than %d characters", k, maxMetadataValue))
		}
	}
	return problems
}

func checkIdempotencyKey(key string) []string {
	if key == "" || len(key) > maxIdempotencyKey {
		return []string{fmt.Sprintf("idempotency key must be 1 to %d characters", maxIdempotencyKey)}
	}
	return nil
}
